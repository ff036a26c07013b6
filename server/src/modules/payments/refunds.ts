// Refunds. A request reserves its amount on the payment under the row lock (refundedAmount), so
// concurrent requests can never add up to more than was captured; a refund that fails or is
// rejected gives its reservation back. Admins' refunds go at once; others go at once when an
// admin-defined policy covers them, else they wait in the approval queue. The gateway call runs
// as a job enqueued in the same transaction (a crash cannot lose it; the refund id is the
// gateway's idempotency key, so a retried call does not refund twice).
import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { Audit } from '../../core/audit/service'
import type { Db, Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { Jobs } from '../../core/jobs/queue'
import { ProviderError } from '../../core/net/service-http'
import { canonicalJson } from '../../core/util/canonical-json'
import type { GatewayRegistry } from './gateway-registry'
import type { GatewayRefundResult } from './gateways/types'
import { attemptsRepo, paymentsRepo, refundsRepo, type PaymentRow, type RefundRow } from './repo'
import type { RefundBody, RefundQuery } from './schemas'
import type { PaymentSettingsStore, RefundPolicy } from './settings'
import { paymentView, refundView } from './views'
import type { PaymentView, RefundView } from './schemas'

export const JOB_REFUND = 'payments-refund'
type Raise = (event: DomainEvent) => void
/**
 * Runs in the transaction of a refund someone asks for, before it goes on; throwing refuses the
 * refund. The wallet takes a refunded top-up back out of the wallet here (or refuses with 409).
 */
export type RefundGuard = (tx: Tx, payment: PaymentView, refund: RefundView) => Promise<void>
/** Marks a refund whose gateway call may or may not have gone through (never re-sent). */
const UNKNOWN_OUTCOME = 'unknown'

export function createRefunds(deps: {
  db: Db
  events: EventBus
  audit: Audit
  jobs: Jobs
  registry: GatewayRegistry
  settings: PaymentSettingsStore
  logger: Logger
}) {
  const { db, events, audit, jobs } = deps
  const guards: RefundGuard[] = []

  /** The policy index that approves this refund at once, or -1. */
  function policyFor(policies: RefundPolicy[], p: PaymentRow, amount: bigint, reason: string): number {
    const ageDays = p.settledAt ? (Date.now() - p.settledAt.getTime()) / 86_400_000 : Infinity
    return policies.findIndex(
      (policy) =>
        (!policy.reasons || policy.reasons.includes(reason)) &&
        (!policy.currency || policy.currency === p.currency) &&
        (policy.maxAmount === undefined || amount <= BigInt(policy.maxAmount)) &&
        (policy.withinDays === undefined || ageDays <= policy.withinDays),
    )
  }

  async function request(principal: Principal, paymentId: string, body: RefundBody, idempotencyKey?: string) {
    const createdBy = principalKey(principal)
    const requestHash = createHash('sha256').update(paymentId).update(canonicalJson(body)).digest('hex')
    if (idempotencyKey) {
      const existing = await refundsRepo.byIdempotencyKey(db, createdBy, idempotencyKey)
      if (existing) {
        if (existing.requestHash !== requestHash) throw new AppError('idempotency_mismatch')
        return refundView(existing, (await paymentsRepo.byId(db, existing.paymentId))!.currency)
      }
    }
    const { refundPolicies } = await deps.settings.read()
    const destination = body.destination ?? 'original'
    return events.inTransaction(db, async (tx, raise) => {
      const p = await paymentsRepo.lock(tx, paymentId)
      if (!p) throw new AppError('not_found', 'No such payment')
      if (destination === 'wallet' && p.purposeType === 'wallet_topup')
        throw new AppError('validation', 'A wallet top-up cannot be refunded into the wallet it topped up', {
          errors: [{ field: 'body.destination', message: 'must be original for a wallet_topup payment' }],
        })
      const attempt = (await attemptsRepo.ofPayment(tx, p.id)).find((a) => a.status === 'succeeded')
      if (p.status !== 'succeeded' || !attempt)
        throw new AppError('payment_not_refundable', `Only a succeeded payment can be refunded; this one is ${p.status}`)
      const remaining = p.capturedAmount - p.refundedAmount
      const amount = body.amount !== undefined ? BigInt(body.amount) : remaining
      if (remaining <= 0n) throw new AppError('payment_not_refundable', 'The payment has been refunded in full')
      if (amount > remaining)
        throw new AppError('refund_exceeds_captured', `At most ${remaining} (minor units) of this payment can still be refunded`, {
          errors: [{ field: 'body.amount', message: `must be at most ${remaining}` }],
        })
      const isAdmin = principal.kind === 'user' && principal.role === 'admin'
      const policy = isAdmin ? -1 : policyFor(refundPolicies, p, amount, body.reason)
      const approvedBy = isAdmin ? createdBy : policy >= 0 ? `policy:${policy + 1}` : null
      const refund = await insert(
        tx,
        raise,
        p,
        {
          attemptId: attempt.id,
          amount,
          reason: body.reason,
          destination,
          createdBy,
          idempotencyKey: idempotencyKey ?? null,
          requestHash,
          approvedBy,
        },
        { guarded: true },
      )
      await audit.append(tx, {
        actor: principal,
        action: 'refund.requested',
        targetType: 'payment',
        targetId: p.id,
        data: { refundId: refund.id, amount: amount.toString(), reason: body.reason, note: body.note ?? null, approvedBy },
      })
      return refundView(refund, p.currency)
    })
  }

  /**
   * Reserves the amount and records the refund. An approved one goes on in the same transaction:
   * to the gateway by a job, or into the wallet at once.
   */
  async function insert(
    tx: Tx,
    raise: Raise,
    p: PaymentRow,
    fields: Pick<RefundRow, 'attemptId' | 'amount' | 'reason' | 'createdBy' | 'idempotencyKey' | 'requestHash' | 'approvedBy'> &
      Partial<Pick<RefundRow, 'destination'>>,
    options: { guarded: boolean } = { guarded: false },
  ): Promise<RefundRow> {
    await paymentsRepo.update(tx, p.id, { refundedAmount: p.refundedAmount + fields.amount })
    const refund = await refundsRepo.insert(tx, {
      id: newId(),
      paymentId: p.id,
      status: fields.approvedBy ? 'pending' : 'awaiting_approval',
      ...fields,
    })
    if (options.guarded) for (const guard of guards) await guard(tx, paymentView(p), refundView(refund, p.currency))
    return fields.approvedBy ? proceed(tx, raise, p, refund) : refund
  }

  /** An approved refund: a gateway refund is a job; a wallet refund succeeds now (the wallet credits it from the event). */
  async function proceed(tx: Tx, raise: Raise, p: PaymentRow, r: RefundRow): Promise<RefundRow> {
    if (r.destination === 'original') {
      await jobs.send(JOB_REFUND, { refundId: r.id }, { tx })
      return r
    }
    await refundsRepo.update(tx, r.id, { status: 'succeeded' })
    const done: RefundRow = { ...r, status: 'succeeded' }
    await succeeded(tx, raise, p, done)
    return done
  }

  /** A refund that succeeded: audited, and told to other modules (the wallet credits wallet refunds) and the customer. */
  async function succeeded(tx: Tx, raise: Raise, p: PaymentRow, r: RefundRow) {
    await audit.append(tx, {
      actor: 'system',
      action: 'refund.succeeded',
      targetType: 'payment',
      targetId: p.id,
      data: { refundId: r.id, amount: r.amount.toString(), destination: r.destination, gatewayRefundId: r.gatewayRefundId },
    })
    raise(events.event('payment.refunded', { payment: paymentView(p), refund: refundView(r, p.currency) }, { userIds: [p.customerId] }))
  }

  /** Money that came where it should not (a second capture, a capture after cancel or expiry): refunded without asking. */
  async function startAutomatic(input: { paymentId: string; attemptId: string; amount: bigint; reason: 'duplicate' | 'order_canceled' }) {
    await events.inTransaction(db, async (tx, raise) => {
      const p = (await paymentsRepo.lock(tx, input.paymentId))!
      const refund = await insert(tx, raise, p, {
        attemptId: input.attemptId,
        amount: input.amount,
        reason: input.reason,
        createdBy: 'system',
        idempotencyKey: `auto:${input.attemptId}`,
        requestHash: null,
        approvedBy: 'system',
      })
      await audit.append(tx, {
        actor: 'system',
        action: 'refund.automatic',
        targetType: 'payment',
        targetId: p.id,
        data: { refundId: refund.id, attemptId: input.attemptId, amount: input.amount.toString(), reason: input.reason },
      })
    })
  }

  async function decide(admin: Principal, refundId: string, approve: boolean) {
    return events.inTransaction(db, async (tx, raise) => {
      const found = await refundsRepo.byId(tx, refundId)
      if (!found) throw new AppError('not_found', 'No such refund')
      const p = (await paymentsRepo.lock(tx, found.paymentId))!
      const r = (await refundsRepo.byId(tx, refundId))!
      if (r.status !== 'awaiting_approval') throw new AppError('refund_not_awaiting', `The refund is ${r.status}`)
      if (approve) {
        const approvedBy = principalKey(admin)
        await refundsRepo.update(tx, r.id, { status: 'pending', approvedBy })
        await proceed(tx, raise, p, { ...r, status: 'pending', approvedBy })
      } else {
        await refundsRepo.update(tx, r.id, { status: 'rejected' })
        await paymentsRepo.update(tx, p.id, { refundedAmount: p.refundedAmount - r.amount })
        raise(
          events.event('payment.refund_failed', { payment: paymentView(p), refund: refundView({ ...r, status: 'rejected' }, p.currency) }),
        )
      }
      await audit.append(tx, {
        actor: admin,
        action: approve ? 'refund.approved' : 'refund.rejected',
        targetType: 'payment',
        targetId: p.id,
        data: { refundId: r.id },
      })
      return refundView((await refundsRepo.byId(tx, r.id))!, p.currency)
    })
  }

  /** The job: asks the gateway to refund. Transient trouble throws (the job retries); a refusal fails the refund. */
  async function execute(refundId: string): Promise<void> {
    const r = await refundsRepo.byId(db, refundId)
    if (!r || r.status !== 'pending' || r.gatewayRefundId || r.destination !== 'original') return
    const p = (await paymentsRepo.byId(db, r.paymentId))!
    const attempt = (await attemptsRepo.byId(db, r.attemptId))!
    const gateway = await deps.registry.byName(attempt.gateway)
    let result: GatewayRefundResult
    try {
      if (!gateway) throw new ProviderError('permanent', `The ${attempt.gateway} gateway is no longer configured`)
      result = await gateway.refund({
        refundId: r.id,
        reference: attempt.reference!,
        captureId: attempt.captureId ?? undefined,
        amount: r.amount,
        currency: p.currency,
        reason: r.reason,
      })
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e
      if (e.kind !== 'transient') result = { status: 'failed', gatewayRefundId: '', reason: e.message }
      else if (gateway?.refundRetrySafe === false) {
        // The call may have reached the gateway: sending it again could refund twice.
        await refundsRepo.update(db, r.id, {
          gatewayRefundId: UNKNOWN_OUTCOME,
          error: `Outcome unknown, not retried: ${e.message}. Check the gateway's panel.`,
        })
        deps.logger.error({ refundId: r.id, gateway: attempt.gateway }, 'refund outcome unknown; left for a person to check')
        return
      } else throw e
    }
    await settle(r.id, result)
  }

  /** A refund's outcome, from the gateway's answer or its webhook; only a pending refund changes. */
  async function settle(refundId: string, result: GatewayRefundResult): Promise<void> {
    await events.inTransaction(db, async (tx, raise) => {
      const found = (await refundsRepo.byId(tx, refundId))!
      const p = (await paymentsRepo.lock(tx, found.paymentId))!
      const r = (await refundsRepo.byId(tx, refundId))!
      if (r.status !== 'pending') return
      await refundsRepo.update(tx, r.id, {
        status: result.status,
        gatewayRefundId: result.gatewayRefundId || r.gatewayRefundId,
        error: result.reason ?? null,
      })
      if (result.status === 'pending') return
      if (result.status === 'succeeded')
        return succeeded(tx, raise, p, { ...r, status: 'succeeded', gatewayRefundId: result.gatewayRefundId || r.gatewayRefundId })
      await paymentsRepo.update(tx, p.id, { refundedAmount: p.refundedAmount - r.amount })
      raise(
        events.event('payment.refund_failed', {
          payment: paymentView(p),
          refund: refundView({ ...r, status: 'failed', error: result.reason ?? null }, p.currency),
        }),
      )
      await audit.append(tx, {
        actor: 'system',
        action: 'refund.failed',
        targetType: 'payment',
        targetId: p.id,
        data: {
          refundId: r.id,
          amount: r.amount.toString(),
          gatewayRefundId: result.gatewayRefundId || null,
          reason: result.reason ?? null,
        },
      })
    })
  }

  async function gatewayReported(gatewayRefundId: string, status: GatewayRefundResult['status']): Promise<void> {
    const r = await refundsRepo.byGatewayRefundId(db, gatewayRefundId)
    if (r) await settle(r.id, { status, gatewayRefundId })
  }

  jobs.define<{ refundId: string }>({
    name: JOB_REFUND,
    retryLimit: 8,
    retryDelaySeconds: 10,
    expireInSeconds: 5 * 60,
    handler: async ({ refundId }) => execute(refundId),
  })

  /**
   * Refunds left pending: one the gateway took is asked about (its webhook may be lost); one never
   * sent (its job ran out of retries) is sent again, keyed by its id. One whose outcome is unknown
   * (a gateway whose refunds cannot be re-sent) is left for a person.
   */
  async function sweep(options: { staleSeconds: number; limit: number }): Promise<number> {
    let checked = 0
    for (const r of await refundsRepo.stalePending(db, options.staleSeconds, options.limit)) {
      if (r.gatewayRefundId === UNKNOWN_OUTCOME) continue
      checked++
      if (!r.gatewayRefundId) {
        await jobs.send(JOB_REFUND, { refundId: r.id }, { singletonKey: r.id })
        continue
      }
      const attempt = (await attemptsRepo.byId(db, r.attemptId))!
      const gateway = await deps.registry.byName(attempt.gateway)
      if (!gateway?.refundStatus) continue
      try {
        await settle(r.id, await gateway.refundStatus(r.gatewayRefundId, { amount: r.amount }))
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e
        deps.logger.warn({ refundId: r.id, err: e.message }, 'refund look-up failed; the next sweep asks again')
      }
    }
    return checked
  }

  async function list(query: RefundQuery) {
    const limit = query.limit ?? 20
    const rows = await refundsRepo.list(db, { ...query, before: decodeCursor(query.cursor), limit })
    const currencies = new Map<string, PaymentRow['currency']>()
    for (const r of rows)
      if (!currencies.has(r.paymentId)) currencies.set(r.paymentId, (await paymentsRepo.byId(db, r.paymentId))!.currency)
    return pageOf(rows, limit, (r) => refundView(r, currencies.get(r.paymentId)!))
  }

  return {
    request,
    decide,
    startAutomatic,
    execute,
    gatewayReported,
    list,
    sweep,
    /** Another module's check on refunds people ask for (see RefundGuard). */
    guard: (fn: RefundGuard) => void guards.push(fn),
  }
}

export type RefundService = ReturnType<typeof createRefunds>
