// Stripe configured by an admin, end to end against the Stripe fake: the Checkout redirect, signed
// webhooks processed once, bad signatures refused and audited, events out of order never moving a
// payment backwards, an amount Stripe reports differently held for review, refunds with their
// refund webhooks, and a crash after Stripe took the money settled by reconciliation.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { attemptsRepo } from '../../src/modules/payments/repo'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { startFakeStripe, type FakeStripe } from '../fakes/stripe'

const secretKey = 'sk_test_51CaravanFakeKey0000'
const webhookSecret = 'whsec_caravanTestSigningSecret'
let t: TestCaravan
let admin: string
let customer: string
let stripe: FakeStripe

beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  customer = (await registerUser(t)).accessToken
  stripe = await startFakeStripe({ secretKey, webhookSecret })
  const res = await api(t, 'PUT', '/v1/admin/payment-gateways/stripe', admin, {
    enabled: true,
    config: { secretKey, webhookSecret, baseUrl: stripe.url, timeoutMs: 2000 },
  })
  expect(res.status).toBe(200)
})
afterAll(async () => {
  await t?.close()
  await stripe?.close()
})
afterEach(() => vi.restoreAllMocks())

const webhookUrl = () => `${t.url}/v1/webhooks/payments/stripe`
const usd = (extra: Record<string, unknown> = {}) => ({
  amount: '1250',
  currency: 'USD',
  purpose: { type: 'order', ref: `o-${Math.random().toString(36).slice(2)}` },
  returnUrl: 'https://shop.example.com/done',
  ...extra,
})

async function checkout(extra: Record<string, unknown> = {}) {
  const created = await api(t, 'POST', '/v1/payments', customer, usd(extra))
  expect(created.status).toBe(201)
  expect(created.body.gateway).toBe('stripe')
  const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
  return { id: created.body.id as string, session: detail.attempts[0].reference as string }
}

const statusOf = async (id: string) => (await api(t, 'GET', `/v1/payments/${id}`, admin)).body.payment

describe('Stripe webhooks', () => {
  it('a paid Checkout Session settles the payment once, however often the event comes', async () => {
    const { id, session } = await checkout()
    stripe.pay(session)
    const event = stripe.lastEvent('checkout.session.completed')!
    expect(await stripe.webhook(webhookUrl(), event)).toBe(200)
    expect(await statusOf(id)).toMatchObject({ status: 'succeeded', capturedAmount: '1250' })
    const replay = await fetch(webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': stripe.signedEvent(event).header },
      body: stripe.signedEvent(event).body,
    })
    expect(await replay.json()).toEqual({ received: true, duplicate: true })
    const { rows } = await t.database.query(
      `select count(*)::int as n from audit_log where target_id = $1 and action = 'payment.succeeded'`,
      [id],
    )
    expect(rows[0].n).toBe(1)
  })

  it('refuses a bad, missing or stale signature with 400 and writes it to the audit log', async () => {
    const { session } = await checkout()
    stripe.pay(session)
    const event = stripe.lastEvent('checkout.session.completed')!
    expect(await stripe.webhook(webhookUrl(), event, { secret: 'whsec_wrong' })).toBe(400)
    expect(await stripe.webhook(webhookUrl(), event, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).toBe(400)
    const missing = await fetch(webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { type: string }).type).toContain('webhook_signature_invalid')
    const { rows } = await t.database.query(`select count(*)::int as n from audit_log where action = 'payment_webhook.rejected'`)
    expect(rows[0].n).toBeGreaterThanOrEqual(3)
  })

  it('events out of order never move a payment backwards: a late "expired" after success changes nothing', async () => {
    const { id, session } = await checkout()
    stripe.pay(session)
    await stripe.webhook(webhookUrl(), stripe.lastEvent('checkout.session.completed')!)
    // An expired event for the same session, delivered late (forged order, but validly signed).
    const completed = stripe.lastEvent('checkout.session.completed')!
    const stale = {
      ...completed,
      id: 'evt_stale_expired',
      type: 'checkout.session.expired',
      data: { object: { ...completed.data.object, status: 'expired' } },
    }
    expect(await stripe.webhook(webhookUrl(), stale)).toBe(200)
    expect((await statusOf(id)).status).toBe('succeeded')
  })

  it('an event that claims payment for a session Stripe says is unpaid is not believed', async () => {
    const { id, session } = await checkout()
    const fake = {
      ...stripe.events.at(-1)!,
      id: 'evt_forged_paid',
      type: 'checkout.session.completed',
      data: { object: { id: session, object: 'checkout.session', payment_status: 'paid' } },
    }
    expect(await stripe.webhook(webhookUrl(), fake)).toBe(200)
    expect((await statusOf(id)).status).toBe('requires_action')
  })

  it('holds a payment for review when Stripe collected another amount', async () => {
    const { id, session } = await checkout()
    stripe.pay(session, { amountTotal: 1000 })
    await stripe.webhook(webhookUrl(), stripe.lastEvent('checkout.session.completed')!)
    expect(await statusOf(id)).toMatchObject({ status: 'processing', heldReason: expect.stringContaining('1000 USD for 1250 USD') })
  })

  it('refunds through Stripe, and a pending refund is finished by its webhook', async () => {
    const { id, session } = await checkout()
    stripe.pay(session)
    await stripe.webhook(webhookUrl(), stripe.lastEvent('checkout.session.completed')!)
    stripe.refundOutcomes.push('pending')
    const refund = await api(t, 'POST', `/v1/payments/${id}/refunds`, admin, { amount: '250', reason: 'requested_by_customer' })
    expect(refund.status).toBe(201)
    const pending = await until(
      async () => {
        const r = (await api(t, 'GET', `/v1/payments/${id}`, admin)).body.refunds[0]
        return r.gatewayRefundId ? r : undefined
      },
      20_000,
      'refund sent to Stripe',
    )
    expect(pending.status).toBe('pending')
    stripe.setRefundStatus(pending.gatewayRefundId, 'succeeded')
    expect(await stripe.webhook(webhookUrl(), stripe.lastEvent('refund.updated')!)).toBe(200)
    const detail = (await api(t, 'GET', `/v1/payments/${id}`, admin)).body
    expect(detail.refunds[0].status).toBe('succeeded')
    expect(detail.payment.refundedAmount).toBe('250')
  })

  it('a pending refund whose webhook was lost is finished by the reconciliation sweep', async () => {
    const { id, session } = await checkout()
    stripe.pay(session)
    await stripe.webhook(webhookUrl(), stripe.lastEvent('checkout.session.completed')!)
    stripe.refundOutcomes.push('pending')
    await api(t, 'POST', `/v1/payments/${id}/refunds`, admin, { reason: 'other' })
    const pending = await until(async () => {
      const r = (await api(t, 'GET', `/v1/payments/${id}`, admin)).body.refunds[0]
      return r.gatewayRefundId ? r : undefined
    }, 20_000)
    // Stripe finishes the refund; its refund.updated never reaches us.
    stripe.setRefundStatus(pending.gatewayRefundId, 'succeeded')
    await t.database.query(`update payment_refunds set updated_at = now() - interval '1 hour' where id = $1`, [pending.id])
    const swept = await t.caravan.services.payments.reconcile({ staleSeconds: 60, limit: 100 })
    expect(swept.refundsChecked).toBeGreaterThanOrEqual(1)
    const detail = (await api(t, 'GET', `/v1/payments/${id}`, admin)).body
    expect(detail.refunds[0].status).toBe('succeeded')
    expect(detail.payment.refundedAmount).toBe('1250')
  })

  it('canceling a payment expires its Checkout Session, so the payer can no longer pay', async () => {
    const { id, session } = await checkout()
    const res = await api(t, 'POST', `/v1/payments/${id}/cancel`, customer)
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('canceled')
    expect(stripe.sessions.get(session)).toMatchObject({ status: 'expired', url: null })
  })

  it('a payment paid at Stripe just before the cancel is settled, and the cancel refused', async () => {
    const { id, session } = await checkout()
    stripe.pay(session)
    const res = await api(t, 'POST', `/v1/payments/${id}/cancel`, customer)
    expect(res.status).toBe(409)
    expect((await statusOf(id)).status).toBe('succeeded')
  })

  it('a crash between Stripe taking the money and our commit is settled by reconciliation', async () => {
    const { id, session } = await checkout()
    stripe.pay(session)
    // Our process dies while recording the success: the write fails, nothing is committed.
    vi.spyOn(attemptsRepo, 'update').mockRejectedValueOnce(new Error('process killed'))
    const died = await fetch(webhookUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripe.signedEvent(stripe.lastEvent('checkout.session.completed')!).header,
      },
      body: stripe.signedEvent(stripe.lastEvent('checkout.session.completed')!).body,
    })
    expect(died.status).toBe(500)
    expect((await statusOf(id)).status).toBe('requires_action')
    await t.database.query(`update payments set updated_at = now() - interval '1 hour' where id = $1`, [id])
    await t.caravan.services.payments.reconcile({ staleSeconds: 60, limit: 100 })
    expect((await statusOf(id)).status).toBe('succeeded')
  })
})
