// Creating a payment: the row and its first attempt first, in one statement (so nothing is ever
// charged that we do not know of), then the call to the first gateway the routing rules give;
// when that gateway cannot create it (timeout, 5xx, its circuit open) the next one is tried and
// every try stays as an attempt, so the route is on record. The Idempotency-Key lives on the
// payment row (unique per caller): a retry finds the row and answers from it, or goes on where
// the first request stopped; Stripe and PayPal also take the attempt id as their own key.
// A create is four steps on its common path (customer; the fraud check and the insert in one
// transaction; the gateway's; the answer), each shared with the creates that arrive at the same time.
import { createHash } from 'node:crypto'
import type { Db } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import { createBatchedWrites, createGroupCommit } from '../../core/db/group-commit'
import { newId } from '../../core/db/ids'
import { principalKey, type Principal } from '../../core/http/auth'
import type { ClientContext } from '../../core/http/client-context'
import { AppError } from '../../core/http/errors'
import { ProviderError } from '../../core/net/service-http'
import { canonicalJson } from '../../core/util/canonical-json'
import type { AccountsService, UserRef } from '../accounts'
import type { FraudChecks, PreparedCheck } from '../fraud'
import type { ActiveGateway, GatewayRegistry } from './gateway-registry'
import type { GatewayName } from './gateways/types'
import { attemptsRepo, paymentsRepo, pendingAttempt, type AttemptRow, type PaymentRow } from './repo'
import { route } from './routing'
import type { CreatePaymentBody } from './schemas'
import type { Settlement } from './settlement'
import type { PaymentSettingsStore } from './settings'
import { isOpen } from './state'
import type { PurposeType } from './tables'
import { paymentView } from './views'

export const returnPath = (attemptId: string) => `/v1/payments/return/${attemptId}`

/** A first attempt still without the gateway's answer after this long was left by a dead process: a retry takes over. */
const TAKE_OVER_AFTER_MS = 60_000

type Contact = Awaited<ReturnType<AccountsService['contactsOf']>>[number]

export function createPaymentCreation(deps: {
  db: Db
  events: EventBus
  accounts: AccountsService
  registry: GatewayRegistry
  settings: PaymentSettingsStore
  publicUrl: string
  /** Fails the payment with the gateway's reason (settlement.ts: state change, audit, event). */
  refused: (paymentId: string, reason: string) => Promise<void>
  /** settlement.ts: the current attempt asked at its gateway; an attempt closed there; a transaction with audit entries. */
  refresh: Settlement['refresh']
  closeAtGateway: Settlement['closeAtGateway']
  settleTx: Settlement['settleTx']
  fraud: Pick<FraudChecks, 'prepareCheck' | 'decideIn'>
}) {
  const { db, registry } = deps
  // Creates that arrive together share their statements (core/db/group-commit): their fraud checks
  // and the payments those allow, with their first attempts, in one transaction (a blocked one
  // leaves only its assessment); the gateways' answers in another.
  const firstWrites = createGroupCommit<{ payment: PaymentRow; attemptId: string; check: PreparedCheck }, boolean>({
    // Two batches at once never share a customer (whose fraud lock the second would wait on).
    keys: (i) => [i.payment.customerId],
    write: (items) =>
      deps.events.inTransaction(db, async (tx, raise) => {
        const verdicts = await deps.fraud.decideIn(
          tx,
          raise,
          items.map((i) => i.check),
        )
        const written = await paymentsRepo.insertWithAttempts(
          tx,
          items.filter((_, n) => verdicts[n].ok),
        )
        return items.map((i, n) => {
          const verdict = verdicts[n]
          return verdict.ok ? { ok: true as const, value: written.has(i.payment.id) } : verdict
        })
      }),
  })
  const writeAnswer = createBatchedWrites((answers: { id: string; reference: string; redirectUrl: string | null }[]) =>
    attemptsRepo.setAnswers(db, answers),
  )

  /** The customer the payment is for: customers pay for themselves; admins and API keys name anyone. */
  async function customerOf(principal: Principal, ref: CreatePaymentBody['customerId']): Promise<Contact> {
    let customer: UserRef
    if (principal.kind === 'user' && principal.role === 'customer') {
      if (ref !== undefined && ref !== principal.userId)
        throw new AppError('forbidden', 'A customer can only create payments for themselves')
      customer = principal.userId
    } else if (ref === undefined) {
      if (principal.kind !== 'user')
        throw new AppError('validation', 'customerId is required with an API key', {
          errors: [{ field: 'body.customerId', message: 'is required' }],
        })
      customer = principal.userId
    } else {
      customer = ref
    }
    const contact = await deps.accounts.contactOf(customer, { upsert: true, field: 'body.customerId' })
    if (!contact)
      throw new AppError('unprocessable', `No user ${typeof customer === 'string' ? customer : customer.externalId}`, {
        errors: [{ field: 'body.customerId', message: 'no such user' }],
      })
    return contact
  }

  /** A gateway the caller named: enabled for the currency, and never the wallet for a top-up. */
  function named(
    gateway: GatewayName,
    payment: { currency: CreatePaymentBody['currency']; purpose: { type: PurposeType } },
    active: Map<GatewayName, ActiveGateway>,
  ): GatewayName {
    if (gateway === 'wallet' && payment.purpose.type === 'wallet_topup')
      throw new AppError('validation', 'A wallet is not topped up from itself', {
        errors: [{ field: 'body.gateway', message: 'a wallet_topup payment is paid at a gateway, not from the wallet' }],
      })
    if (!active.get(gateway)?.gateway.currencies.includes(payment.currency))
      throw new AppError('gateway_not_enabled', `The ${gateway} gateway is not enabled for ${payment.currency}`, {
        errors: [{ field: 'body.gateway', message: 'not enabled for this currency' }],
      })
    return gateway
  }

  /** The gateways to try, in order, and what each is on this node. */
  async function routeFor(
    input: CreatePaymentBody,
    customer: Contact,
  ): Promise<{ order: GatewayName[]; active: Map<GatewayName, ActiveGateway> }> {
    const active = await registry.active()
    const available = new Map([...active].map(([name, a]) => [name, a.gateway.currencies] as const))
    if (input.gateway) return { order: [named(input.gateway, input, active)], active }
    // The country routing looks at: given with the payment, else the host's `country` attribute of the user.
    const attribute = (customer.attributes as Record<string, unknown> | null | undefined)?.country
    const country = input.country ?? (typeof attribute === 'string' ? attribute : undefined)
    const { routing } = await deps.settings.read()
    const order = route(routing, { currency: input.currency, amount: BigInt(input.amount), country }, available).filter(
      (name) => name !== 'wallet' || input.purpose.type !== 'wallet_topup',
    )
    if (!order.length)
      throw new AppError('gateway_not_enabled', `No enabled gateway takes ${input.currency}`, {
        errors: [{ field: 'body.currency', message: 'no enabled gateway takes it' }],
      })
    return { order, active }
  }

  async function create(principal: Principal, input: CreatePaymentBody, idempotencyKey?: string, client: ClientContext = {}) {
    const createdBy = principalKey(principal)
    const requestHash = createHash('sha256').update(canonicalJson(input)).digest('hex')
    const customer = await customerOf(principal, input.customerId)
    const paymentId = newId()
    const routed = await routeFor(input, customer)
    // Decided with the insert, before anything else is written: a block (403 fraud_blocked) leaves
    // only the assessment; a retry with the same key is assessed once. A review goes ahead,
    // flagged in the review queue.
    const check = await deps.fraud.prepareCheck({
      operation: 'payment',
      userId: customer.id,
      amount: BigInt(input.amount),
      currency: input.currency,
      ref: paymentId,
      country: input.country,
      actor: principal,
      client,
      dedupeKey: idempotencyKey && `${createdBy}:${idempotencyKey}`,
      contact: customer,
    })
    const { expiryMinutes } = await deps.settings.read()
    const now = new Date()
    const payment: PaymentRow = {
      id: paymentId,
      customerId: customer.id,
      amount: BigInt(input.amount),
      currency: input.currency,
      status: 'requires_action',
      purposeType: input.purpose.type,
      purposeRef: input.purpose.ref ?? null,
      description: input.description ?? null,
      gateway: routed.order[0],
      returnUrl: input.returnUrl,
      metadata: input.metadata ?? {},
      capturedAmount: 0n,
      refundedAmount: 0n,
      heldReason: null,
      createdBy,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      expiresAt: new Date(now.getTime() + expiryMinutes * 60_000),
      settledAt: null,
      createdAt: now,
      updatedAt: now,
    }
    const attemptId = newId()
    if (!(await firstWrites.submit({ payment, attemptId, check }))) {
      // Only a used Idempotency-Key conflicts: that payment is the answer.
      const existing = idempotencyKey ? await paymentsRepo.byIdempotencyKey(db, createdBy, idempotencyKey) : undefined
      if (!existing) throw new Error('payment insert conflicted without an Idempotency-Key')
      return resume(existing, requestHash, input, customer)
    }
    const first = pendingAttempt({ id: attemptId, paymentId: payment.id, gateway: routed.order[0] }, now)
    return { created: true, payment: await start(payment, customer, routed, first) }
  }

  async function resume(existing: PaymentRow, requestHash: string, input: CreatePaymentBody, customer: Contact) {
    if (existing.requestHash !== requestHash) throw new AppError('idempotency_mismatch')
    const current = (await attemptsRepo.ofPayment(db, existing.id)).at(-1)
    // Started already (or finished): answer as the first request did.
    if (!isOpen(existing.status) || (current?.status === 'pending' && current.redirectUrl)) {
      return { created: false, payment: paymentView(existing, current) }
    }
    // The first request is still talking to the gateway (or died doing so a moment ago).
    if (current?.status === 'pending' && Date.now() - current.createdAt.getTime() < TAKE_OVER_AFTER_MS) {
      throw new AppError('idempotency_in_progress', undefined, { retryAfterSeconds: 1 })
    }
    return { created: false, payment: await start(existing, customer, await routeFor(input, customer)) }
  }

  /** Tries the routed gateways in order until one creates the attempt. `first` is the attempt written with the payment. */
  async function start(
    payment: PaymentRow,
    customer: Contact,
    { order, active }: { order: GatewayName[]; active: Map<GatewayName, ActiveGateway> },
    first?: AttemptRow,
  ) {
    const failures: string[] = []
    for (const [i, name] of order.entries()) {
      const { gateway, breaker } = active.get(name)!
      const attempt = i === 0 && first ? first : await attemptsRepo.insertNext(db, { id: newId(), paymentId: payment.id, gateway: name })
      const permit = breaker.tryAcquire()
      if (!permit) {
        await fail(attempt, `${name}: skipped, its circuit is open after repeated failures`)
        failures.push(`${name}: circuit open`)
        continue
      }
      try {
        const returnUrl = new URL(returnPath(attempt.id), deps.publicUrl).toString()
        const created = await gateway.create({
          paymentId: payment.id,
          attemptId: attempt.id,
          amount: payment.amount,
          currency: payment.currency,
          // Shown to the payer at the gateway: in their language when the host gave none.
          description: payment.description ?? (customer.locale === 'fa' ? `پرداخت ${payment.id}` : `Payment ${payment.id}`),
          returnUrl,
          cancelUrl: `${returnUrl}?canceled=1`,
          payer: { email: customer.email ?? undefined, mobile: customer.phone ?? undefined },
          locale: customer.locale ?? undefined,
        })
        permit.end('up')
        await writeAnswer({ id: attempt.id, reference: created.reference, redirectUrl: created.redirectUrl })
        return paymentView({ ...payment, gateway: name }, { ...attempt, reference: created.reference, redirectUrl: created.redirectUrl })
      } catch (e) {
        if (!(e instanceof ProviderError)) {
          permit.end('unused')
          throw e
        }
        await fail(attempt, e.message)
        if (e.kind !== 'transient') {
          // The gateway answered and refused (bad credentials, an amount it does not take): not a reason to try another.
          permit.end('up')
          await deps.refused(payment.id, e.message)
          throw new AppError('gateway_refused', e.message)
        }
        permit.end('down')
        failures.push(e.message)
      }
    }
    throw new AppError('gateway_unavailable', `No gateway could take the payment now; try again (${failures.join('; ')})`, {
      retryAfterSeconds: 5,
    })
  }

  const fail = (attempt: AttemptRow, error: string) => attemptsRepo.update(db, attempt.id, { status: 'error', error })

  /**
   * The payer pays another way (the host routed the payment to a card gateway; the customer would
   * rather pay from their wallet): the open attempt is asked first (a paid one settles, 409), closed
   * at its gateway where the gateway can, and a new attempt is started at `gateway`. The same
   * gateway asked for again answers the attempt that is open there. Money that still arrives on
   * the old attempt is caught by the late-capture rule: refunded when the new one paid too.
   */
  async function switchGateway(principal: Principal, payment: PaymentRow, gateway: GatewayName) {
    const refreshed = await deps.refresh(payment.id)
    const open = (p: PaymentRow) => {
      if (p.status !== 'requires_action') throw new AppError('payment_not_open', `The payment is ${p.status}`)
    }
    open(refreshed)
    const active = await registry.active()
    named(gateway, { currency: refreshed.currency, purpose: { type: refreshed.purposeType } }, active)
    const current = (await attemptsRepo.ofPayment(db, payment.id)).at(-1)
    if (current?.gateway === gateway && current.status === 'pending') {
      if (current.redirectUrl) return paymentView(refreshed, current)
      if (Date.now() - current.createdAt.getTime() < TAKE_OVER_AFTER_MS)
        throw new AppError('idempotency_in_progress', undefined, { retryAfterSeconds: 1 })
    }
    const closed = await deps.closeAtGateway(current)
    if (closed === 'failed') open(await deps.refresh(payment.id))
    const attempt = await deps.settleTx(async (tx, _raise, record) => {
      const locked = (await paymentsRepo.lock(tx, payment.id))!
      open(locked)
      // Another switch got here first: its attempt is the answer (asked again in a moment).
      if ((await attemptsRepo.ofPayment(tx, payment.id)).at(-1)?.id !== current?.id)
        throw new AppError('idempotency_in_progress', 'Another change of gateway is under way; ask again in a moment', {
          retryAfterSeconds: 1,
        })
      if (current && closed === 'closed')
        await attemptsRepo.update(tx, current.id, { status: 'canceled', error: `closed: the payer chose ${gateway}` })
      record({
        actor: principal,
        action: 'payment.gateway_switched',
        targetType: 'payment',
        targetId: payment.id,
        data: { from: current?.gateway ?? null, to: gateway, previousAttempt: closed },
      })
      return attemptsRepo.insertNext(tx, { id: newId(), paymentId: payment.id, gateway })
    })
    const [customer] = await deps.accounts.contactsOf([refreshed.customerId])
    return start({ ...refreshed, gateway }, customer, { order: [gateway], active }, attempt)
  }

  return { create, switchGateway }
}
