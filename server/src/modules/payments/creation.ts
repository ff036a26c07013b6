// Creating a payment: the row first (so nothing is ever charged that we do not know of), then an
// attempt at the first gateway the routing rules give; when that gateway cannot create it
// (timeout, 5xx, its circuit open) the next one is tried and every try stays as an attempt, so
// the route is on record. A retry with the same Idempotency-Key finds the row and goes on where
// the first request stopped (Stripe and PayPal also take the attempt id as their own key).
import { createHash } from 'node:crypto'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { ProviderError } from '../../core/net/service-http'
import { canonicalJson } from '../../core/util/canonical-json'
import type { AccountsService } from '../accounts'
import type { GatewayRegistry } from './gateway-registry'
import type { GatewayName } from './gateways/types'
import { attemptsRepo, paymentsRepo, type AttemptRow, type PaymentRow } from './repo'
import { route } from './routing'
import type { CreatePaymentBody } from './schemas'
import type { PaymentSettingsStore } from './settings'
import { isOpen } from './state'
import { paymentView } from './views'

export const returnPath = (attemptId: string) => `/v1/payments/return/${attemptId}`

export function createPaymentCreation(deps: {
  db: Db
  events: EventBus
  accounts: AccountsService
  registry: GatewayRegistry
  settings: PaymentSettingsStore
  publicUrl: string
}) {
  const { db, registry } = deps

  /** The customer the payment is for: customers pay for themselves; admins and API keys name anyone. */
  async function customerOf(principal: Principal, ref: CreatePaymentBody['customerId']): Promise<string> {
    if (principal.kind === 'user' && principal.role === 'customer') {
      if (ref !== undefined && ref !== principal.userId)
        throw new AppError('forbidden', 'A customer can only create payments for themselves')
      return principal.userId
    }
    if (ref === undefined) {
      if (principal.kind === 'user') return principal.userId
      throw new AppError('validation', 'customerId is required with an API key', {
        errors: [{ field: 'body.customerId', message: 'is required' }],
      })
    }
    const [id] = await deps.accounts.hostUsers.resolveRefs([ref], { upsert: true, field: 'body.customerId' })
    if (!(await deps.accounts.contactsOf([id])).length)
      throw new AppError('unprocessable', `No user ${id}`, { errors: [{ field: 'body.customerId', message: 'no such user' }] })
    return id
  }

  async function create(principal: Principal, input: CreatePaymentBody, idempotencyKey?: string) {
    const createdBy = principalKey(principal)
    const requestHash = createHash('sha256').update(canonicalJson(input)).digest('hex')
    if (idempotencyKey) {
      const existing = await paymentsRepo.byIdempotencyKey(db, createdBy, idempotencyKey)
      if (existing) return resume(existing, requestHash, input)
    }
    const customerId = await customerOf(principal, input.customerId)
    const { expiryMinutes } = await deps.settings.read()
    const inserted = await paymentsRepo.insert(db, {
      id: newId(),
      customerId,
      amount: BigInt(input.amount),
      currency: input.currency,
      status: 'requires_action',
      purposeType: input.purpose.type,
      purposeRef: input.purpose.ref ?? null,
      description: input.description ?? null,
      returnUrl: input.returnUrl,
      metadata: input.metadata ?? {},
      createdBy,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      expiresAt: new Date(Date.now() + expiryMinutes * 60_000),
    })
    // Lost a race with the same key: the other request's row is the payment.
    if (!inserted) return resume((await paymentsRepo.byIdempotencyKey(db, createdBy, idempotencyKey!))!, requestHash, input)
    return { created: true, payment: await start(inserted, input) }
  }

  async function resume(existing: PaymentRow, requestHash: string, input: CreatePaymentBody) {
    if (existing.requestHash !== requestHash) throw new AppError('idempotency_mismatch')
    const attempts = await attemptsRepo.ofPayment(db, existing.id)
    const current = attempts.at(-1)
    // Started already (or finished): answer as the first request did.
    if (!isOpen(existing.status) || (current?.status === 'pending' && current.redirectUrl)) {
      return { created: false, payment: paymentView(existing, current) }
    }
    return { created: false, payment: await start(existing, input) }
  }

  /** Tries the routed gateways in order until one creates the attempt. */
  async function start(payment: PaymentRow, input: CreatePaymentBody) {
    const active = await registry.active()
    const available = new Map([...active].map(([name, a]) => [name, a.gateway.currencies] as const))
    const customer = (await deps.accounts.contactsOf([payment.customerId]))[0]
    // The country routing looks at: given with the payment, else the host's `country` attribute of the user.
    const attribute = (customer?.attributes as Record<string, unknown> | null | undefined)?.country
    const country = input.country ?? (typeof attribute === 'string' ? attribute : undefined)
    let order: GatewayName[]
    if (input.gateway) {
      if (!available.get(input.gateway)?.includes(payment.currency))
        throw new AppError('gateway_not_enabled', `The ${input.gateway} gateway is not enabled for ${payment.currency}`, {
          errors: [{ field: 'body.gateway', message: 'not enabled for this currency' }],
        })
      order = [input.gateway]
    } else {
      const { routing } = await deps.settings.read()
      order = route(routing, { currency: payment.currency, amount: payment.amount, country }, available)
      if (!order.length)
        throw new AppError('gateway_not_enabled', `No enabled gateway takes ${payment.currency}`, {
          errors: [{ field: 'body.currency', message: 'no enabled gateway takes it' }],
        })
    }
    const failures: string[] = []
    for (const name of order) {
      const { gateway, breaker } = active.get(name)!
      const attempt = await attemptsRepo.insert(db, { id: newId(), paymentId: payment.id, gateway: name, status: 'pending' })
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
          description: payment.description ?? `Payment ${payment.id}`,
          returnUrl,
          cancelUrl: `${returnUrl}?canceled=1`,
          payer: { email: customer?.email ?? undefined, mobile: customer?.phone ?? undefined },
          locale: customer?.locale ?? undefined,
        })
        permit.end('up')
        await attemptsRepo.update(db, attempt.id, { reference: created.reference, redirectUrl: created.redirectUrl })
        await paymentsRepo.update(db, payment.id, { gateway: name })
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

  return { create }
}
