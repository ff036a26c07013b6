// Deciding what happened to a payment. Whatever brings the news — the payer's browser on our
// return page, a signed webhook, the reconciliation job — we ask the gateway itself (`confirm`)
// and apply its verdict under the payment's row lock, forward only. The gateway's amount and
// currency must equal the payment's, else the payment is held for review. Money captured on a
// payment that is already settled (a second attempt paid, a payment that expired or was canceled
// before the money came) is refunded automatically.
import type { Audit, AuditEntry } from '../../core/audit/service'
import type { Db, Tx } from '../../core/db/client'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import { AppError } from '../../core/http/errors'
import { ProviderError } from '../../core/net/service-http'
import type { Logger } from 'pino'
import type { GatewayRegistry } from './gateway-registry'
import { WebhookRejected, type GatewayName, type GatewayVerdict, type GatewayWebhook } from './gateways/types'
import { attemptsRepo, gatewayEventsRepo, paymentsRepo, type AttemptRow, type PaymentRow } from './repo'
import type { RefundService } from './refunds'
import { canMove, isFinal } from './state'
import type { PaymentStatus } from './tables'
import { paymentView } from './views'

type Raise = (event: DomainEvent) => void
type Recorder = (entry: AuditEntry) => void

export function createSettlement(deps: {
  db: Db
  events: EventBus
  audit: Audit
  registry: GatewayRegistry
  refunds: () => RefundService
  logger: Logger
}) {
  const { db, events, audit, registry } = deps

  /**
   * A settlement's transaction: events published after the commit, audit entries written last, so
   * the audit chain's lock (one for the whole log) is held for the commit only, not across the
   * settlement's round trips.
   */
  async function settleTx<T>(fn: (tx: Tx, raise: Raise, record: Recorder) => Promise<T>): Promise<T> {
    return events.inTransaction(db, async (tx, raise) => {
      const entries: AuditEntry[] = []
      const value = await fn(tx, raise, (entry) => entries.push(entry))
      for (const entry of entries) await audit.append(tx, entry)
      return value
    })
  }

  /** Asks the attempt's gateway and applies its answer. Gateway trouble leaves the payment as it was (reconciliation retries). */
  async function confirmAttempt(attemptId: string, returned?: Record<string, string>): Promise<PaymentRow> {
    const attempt = await attemptsRepo.byId(db, attemptId)
    if (!attempt) throw new AppError('not_found', 'No such payment attempt')
    const payment = (await paymentsRepo.byId(db, attempt.paymentId))!
    // Nothing left to learn: an attempt with a final answer, or one the gateway never created.
    if (attempt.status !== 'pending' || !attempt.reference) return payment
    const gateway = await registry.byName(attempt.gateway)
    if (!gateway) return payment
    let verdict: GatewayVerdict
    try {
      verdict = await gateway.confirm({ reference: attempt.reference, amount: payment.amount, currency: payment.currency, returned })
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e
      deps.logger.warn(
        { paymentId: payment.id, gateway: attempt.gateway, err: e.message },
        'payment confirmation failed; reconciliation will retry',
      )
      return payment
    }
    return apply(attempt, verdict, { returned: returned !== undefined })
  }

  /** Applies a gateway's verdict on one attempt; idempotent, forward only. */
  async function apply(attempt: AttemptRow, verdict: GatewayVerdict, how: { returned: boolean }): Promise<PaymentRow> {
    const autoRefund = await settleTx(async (tx, raise, record) => {
      const p = (await paymentsRepo.lock(tx, attempt.paymentId))!
      const a = (await attemptsRepo.byId(tx, attempt.id))!
      if (a.status !== 'pending') return undefined // decided meanwhile (a webhook and the return page at once)
      switch (verdict.status) {
        case 'pending':
          // The payer is back but the gateway has not decided (a bank still answering): processing.
          if (how.returned && p.status === 'requires_action') await move(tx, raise, record, p, 'processing', a.gateway)
          return undefined
        case 'failed':
        case 'canceled':
          await attemptsRepo.update(tx, a.id, { status: verdict.status, error: verdict.reason ?? null })
          // Only the payment's current attempt decides it (an old one failing late changes nothing).
          if (p.gateway === a.gateway && (await isCurrent(tx, a)))
            await move(tx, raise, record, p, verdict.status, a.gateway, verdict.reason)
          return undefined
        case 'succeeded':
          return succeeded(tx, raise, record, p, a, verdict)
      }
    })
    if (autoRefund) await deps.refunds().startAutomatic(autoRefund)
    return (await paymentsRepo.byId(db, attempt.paymentId))!
  }

  async function succeeded(tx: Tx, raise: Raise, record: Recorder, p: PaymentRow, a: AttemptRow, verdict: GatewayVerdict) {
    await attemptsRepo.update(tx, a.id, { status: 'succeeded', captureId: verdict.captureId ?? null, receipt: verdict.receipt ?? null })
    const captured = verdict.amount ?? p.amount
    if (verdict.amount !== p.amount || verdict.currency !== p.currency) {
      // Never mark paid what was not paid as asked: hold it for an admin, with an alert.
      const reported = { amount: verdict.amount?.toString() ?? null, currency: verdict.currency ?? null }
      const heldReason = `${a.gateway} reported ${reported.amount ?? '?'} ${reported.currency ?? '?'} for ${p.amount} ${p.currency}`
      const next: PaymentStatus = canMove(p.status, 'processing') ? 'processing' : p.status
      await paymentsRepo.update(tx, p.id, { status: next, heldReason, gateway: a.gateway, capturedAmount: captured })
      record({
        actor: 'system',
        action: 'payment.held',
        targetType: 'payment',
        targetId: p.id,
        data: { ...reported, gateway: a.gateway },
      })
      const held = { ...p, status: next, heldReason, capturedAmount: captured }
      raise(events.event('payment.held', { payment: paymentView(held), reported }))
      deps.logger.error({ paymentId: p.id, ...reported }, 'payment held for review: the gateway reported another amount or currency')
      return undefined
    }
    if (isFinal(p.status)) {
      // Money came for a payment already settled: a second attempt paid, or it came after cancel/expiry.
      await paymentsRepo.update(tx, p.id, { capturedAmount: p.capturedAmount + captured })
      record({
        actor: 'system',
        action: 'payment.late_capture',
        targetType: 'payment',
        targetId: p.id,
        data: { attemptId: a.id, gateway: a.gateway, status: p.status },
      })
      return {
        paymentId: p.id,
        attemptId: a.id,
        amount: captured,
        reason: p.status === 'succeeded' ? 'duplicate' : 'order_canceled',
      } as const
    }
    const settled = await move(tx, raise, record, p, 'succeeded', a.gateway, undefined, captured)
    // The same customer's other payment for the same order succeeded first: this one is a duplicate charge.
    if (
      p.purposeRef &&
      (await paymentsRepo.succeededForPurpose(tx, {
        customerId: p.customerId,
        purposeType: p.purposeType,
        purposeRef: p.purposeRef,
        exceptId: p.id,
      }))
    )
      return { paymentId: settled.id, attemptId: a.id, amount: captured, reason: 'duplicate' } as const
    return undefined
  }

  async function isCurrent(tx: Tx, a: AttemptRow): Promise<boolean> {
    return (await attemptsRepo.ofPayment(tx, a.paymentId)).at(-1)?.id === a.id
  }

  /** One state change: the row, the audit entry, the event. */
  async function move(
    tx: Tx,
    raise: Raise,
    record: Recorder,
    p: PaymentRow,
    to: PaymentStatus,
    gateway: GatewayName | null,
    reason?: string,
    captured?: bigint,
  ): Promise<PaymentRow> {
    if (!canMove(p.status, to)) return p
    const settledAt = isFinal(to) ? new Date() : null
    const next: PaymentRow = {
      ...p,
      status: to,
      gateway: gateway ?? p.gateway,
      settledAt,
      ...(captured !== undefined ? { capturedAmount: captured } : {}),
      updatedAt: new Date(),
    }
    await paymentsRepo.update(tx, p.id, { status: to, gateway: next.gateway, settledAt, capturedAmount: next.capturedAmount })
    record({
      actor: 'system',
      action: `payment.${to}`,
      targetType: 'payment',
      targetId: p.id,
      data: { from: p.status, gateway: next.gateway, ...(reason ? { reason } : {}) },
    })
    const audience = { userIds: [p.customerId] }
    if (to === 'succeeded') raise(events.event('payment.succeeded', { payment: paymentView(next) }, audience))
    if (to === 'failed') raise(events.event('payment.failed', { payment: paymentView(next) }, audience))
    if (to === 'canceled' || to === 'expired') raise(events.event('payment.canceled', { payment: paymentView(next) }, audience))
    return next
  }

  /** The gateway refused to take the payment (bad credentials, an amount it does not take): it fails at once. */
  async function refused(paymentId: string, reason: string): Promise<void> {
    await settleTx(async (tx, raise, record) => {
      const p = (await paymentsRepo.lock(tx, paymentId))!
      await move(tx, raise, record, p, 'failed', p.gateway, reason)
    })
  }

  /** The current attempt of a payment, confirmed with its gateway. */
  async function refresh(paymentId: string): Promise<PaymentRow> {
    const current = (await attemptsRepo.ofPayment(db, paymentId)).at(-1)
    if (current) return confirmAttempt(current.id)
    return (await paymentsRepo.byId(db, paymentId))!
  }

  /**
   * Closes an open attempt at its gateway so the payer can no longer pay it there: `unsupported`
   * when the gateway has no such call (Zarinpal, PayPal: nothing is taken until we verify or
   * capture, so money can only come through our own confirmation, where the late-capture rule
   * refunds it), `failed` when it refused or did not answer.
   */
  async function closeAtGateway(attempt: AttemptRow | undefined): Promise<'closed' | 'unsupported' | 'failed'> {
    const gateway = attempt?.status === 'pending' && attempt.reference ? await registry.byName(attempt.gateway) : undefined
    if (!attempt?.reference || !gateway?.cancel) return 'unsupported'
    try {
      await gateway.cancel(attempt.reference)
      return 'closed'
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e
      deps.logger.warn(
        { paymentId: attempt.paymentId, gateway: attempt.gateway, err: e.message },
        'closing the attempt at the gateway failed',
      )
      return 'failed'
    }
  }

  /** Cancels an unpaid payment; one the gateway says is paid is settled instead and refused (409). */
  async function cancel(paymentId: string, check: (p: PaymentRow) => void): Promise<PaymentRow> {
    const before = await paymentsRepo.byId(db, paymentId)
    if (!before) throw new AppError('not_found', 'No such payment')
    check(before)
    let p = await refresh(paymentId)
    if (p.status !== 'requires_action') throw new AppError('payment_not_cancelable', `The payment is ${p.status}`)
    // Close the attempt at the gateway, so the payer can no longer pay it.
    if ((await closeAtGateway((await attemptsRepo.ofPayment(db, paymentId)).at(-1))) === 'failed') {
      // Refused (paid meanwhile?) or unreachable: ask again; money that still comes is refunded automatically.
      p = await refresh(paymentId)
      if (p.status !== 'requires_action') throw new AppError('payment_not_cancelable', `The payment is ${p.status}`)
    }
    return settleTx(async (tx, raise, record) => {
      const locked = (await paymentsRepo.lock(tx, paymentId))!
      if (locked.status !== 'requires_action') throw new AppError('payment_not_cancelable', `The payment is ${locked.status}`)
      return move(tx, raise, record, locked, 'canceled', locked.gateway, 'canceled by request')
    })
  }

  /** Expiry and reconciliation in one pass: open payments are asked at their gateway; unpaid ones past expiry close. */
  async function reconcile(options: { staleSeconds: number; limit: number }): Promise<{ checked: number; expired: number }> {
    const ids = new Set([
      ...(await paymentsRepo.expiredIds(db, options.limit)),
      ...(await paymentsRepo.staleOpenIds(db, options.staleSeconds, options.limit)),
    ])
    let expired = 0
    for (const id of ids) {
      const p = await refresh(id)
      if (p.status !== 'requires_action' || p.expiresAt.getTime() > Date.now()) continue
      const closed = await settleTx(async (tx, raise, record) => {
        const locked = (await paymentsRepo.lock(tx, id))!
        if (locked.status !== 'requires_action') return false
        await move(tx, raise, record, locked, 'expired', locked.gateway, 'not paid in time')
        return true
      })
      if (closed) expired++
    }
    return { checked: ids.size, expired }
  }

  /** A gateway's webhook: signature checked, each event once, then the gateway asked (events can be stale or out of order). */
  async function webhook(name: GatewayName, request: GatewayWebhook): Promise<{ received: boolean; duplicate: boolean }> {
    const gateway = await registry.byName(name)
    if (!gateway?.parseWebhook) throw new AppError('not_found', `The ${name} gateway is not configured for webhooks`)
    let event
    try {
      event = await gateway.parseWebhook(request)
    } catch (e) {
      if (!(e instanceof WebhookRejected)) throw e
      await db.transaction((tx) =>
        audit.append(tx, {
          actor: 'system',
          action: 'payment_webhook.rejected',
          targetType: 'payment_gateway',
          targetId: name,
          data: { reason: e.message },
        }),
      )
      throw new AppError('webhook_signature_invalid', e.message)
    }
    const fresh = await db.transaction((tx) => gatewayEventsRepo.claim(tx, name, event.eventId, event.type))
    if (!fresh) return { received: true, duplicate: true }
    if (event.kind === 'payment' && event.reference) {
      const attempt = await attemptsRepo.byReference(db, name, event.reference)
      if (attempt) await confirmAttempt(attempt.id)
    } else if (event.kind === 'refund' && event.gatewayRefundId && event.refundStatus) {
      await deps.refunds().gatewayReported(event.gatewayRefundId, event.refundStatus)
    }
    return { received: true, duplicate: false }
  }

  return { confirmAttempt, refresh, cancel, closeAtGateway, settleTx, reconcile, webhook, refused }
}

export type Settlement = ReturnType<typeof createSettlement>
