// USD routed to Stripe then PayPal (the default rule), against both fakes: Stripe down ⇒ PayPal
// takes the payment; the payer approves at PayPal and our return page captures it; a payer who
// never comes back is captured from PayPal's signed webhook; a tampered webhook is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { startFakePayPal, type FakePayPal } from '../fakes/paypal'
import { startFakeStripe, type FakeStripe } from '../fakes/stripe'

let t: TestCaravan
let admin: string
let customer: string
let paypal: FakePayPal
let stripe: FakeStripe

beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  customer = (await registerUser(t)).accessToken
  paypal = await startFakePayPal()
  stripe = await startFakeStripe({ secretKey: 'sk_test_fallback01', webhookSecret: 'whsec_fallback01' })
  for (const [name, config] of [
    ['stripe', { secretKey: 'sk_test_fallback01', baseUrl: stripe.url, timeoutMs: 1000 }],
    [
      'paypal',
      { clientId: paypal.clientId, clientSecret: paypal.clientSecret, webhookId: paypal.webhookId, baseUrl: paypal.url, timeoutMs: 2000 },
    ],
  ] as const) {
    const res = await api(t, 'PUT', `/v1/admin/payment-gateways/${name}`, admin, { enabled: true, config })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
})
afterAll(async () => {
  await t?.close()
  await paypal?.close()
  await stripe?.close()
})

async function viaPaypal() {
  stripe.failNext(1, 500)
  const created = await api(t, 'POST', '/v1/payments', customer, {
    amount: '4999',
    currency: 'EUR',
    purpose: { type: 'custom' },
    returnUrl: 'https://shop.example.com/done',
  })
  expect(created.status).toBe(201)
  expect(created.body.gateway).toBe('paypal')
  const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
  expect(detail.attempts.map((a: any) => [a.gateway, a.status])).toEqual([
    ['stripe', 'error'],
    ['paypal', 'pending'],
  ])
  return { id: created.body.id as string, order: detail.attempts[1].reference as string }
}

describe('PayPal as the fallback for EUR', () => {
  it('takes the payment when Stripe is down, and captures it when the payer comes back', async () => {
    const { id, order } = await viaPaypal()
    const back = new URL(paypal.approve(order))
    const res = await t.caravan.app.inject({ method: 'GET', url: back.pathname + back.search })
    expect(new URL(res.headers.location as string).searchParams.get('status')).toBe('succeeded')
    const detail = (await api(t, 'GET', `/v1/payments/${id}`, admin)).body
    expect(detail.payment).toMatchObject({ status: 'succeeded', capturedAmount: '4999', currency: 'EUR' })
    expect([...paypal.captures.values()].filter((c) => c.orderId === order)).toHaveLength(1)
  })

  it("captures from PayPal's signed webhook when the payer never returns, once", async () => {
    const { id, order } = await viaPaypal()
    paypal.approve(order)
    const event = paypal.orderEvent(order, 'CHECKOUT.ORDER.APPROVED')
    const url = `${t.url}/v1/webhooks/payments/paypal`
    expect((await paypal.webhook(url, event)).status).toBe(200)
    expect((await api(t, 'GET', `/v1/payments/${id}`, admin)).body.payment.status).toBe('succeeded')
    const again = await paypal.webhook(url, event)
    expect(await again.json()).toEqual({ received: true, duplicate: true })

    const { headers, rawBody } = paypal.signedWebhook(paypal.orderEvent(order))
    const tampered = Buffer.from(rawBody.toString().replace(order, `${order}X`))
    const refused = await fetch(url, { method: 'POST', headers, body: tampered })
    expect(refused.status).toBe(400)
  })

  it('refunds a PayPal capture', async () => {
    const { id, order } = await viaPaypal()
    const back = new URL(paypal.approve(order))
    await t.caravan.app.inject({ method: 'GET', url: back.pathname + back.search })
    const refund = await api(t, 'POST', `/v1/payments/${id}/refunds`, admin, { amount: '999', reason: 'requested_by_customer' })
    expect(refund.status).toBe(201)
    await until(
      async () => (await api(t, 'GET', `/v1/payments/${id}`, admin)).body.refunds[0].status === 'succeeded',
      20_000,
      'PayPal refund',
    )
    expect([...paypal.refunds.values()].map((r) => r.amount)).toContainEqual(
      expect.objectContaining({ value: '9.99', currency_code: 'EUR' }),
    )
  })
})
