// The wallet as a payment method: a payment made with `gateway: wallet` is paid on the wallet's pay
// page (its API here) once per attempt, however often and however concurrently it is asked; the
// payments module confirms it through the wallet gateway like any other; a refund through the
// gateway credits the wallet back; the ledger balances throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'

let t: TestCaravan
let admin: string
let customer: { token: string; id: string }

beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  const c = await registerUser(t)
  customer = { token: c.accessToken, id: c.user.id }
})
afterAll(async () => {
  await t?.close()
})

const key = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2)}`
const ref = () => `o-${Math.random().toString(36).slice(2)}`

async function fund(userId: string, amount: string) {
  const res = await api(
    t,
    'POST',
    '/v1/admin/wallet/adjustments',
    admin,
    { userId, currency: 'IRR', amount, reason: 'test funds' },
    { 'idempotency-key': key('fund') },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(201)
}

const available = async (token = customer.token) =>
  BigInt(
    ((await api(t, 'GET', '/v1/me/wallet', token)).body.balances as { currency: string; available: string }[]).find(
      (b) => b.currency === 'IRR',
    )?.available ?? '0',
  )

/** A payment for the customer at the wallet gateway; answers it and its attempt id (from the pay page's address). */
async function walletPayment(amount: string, token = customer.token, extra: Record<string, unknown> = {}) {
  const created = await api(
    t,
    'POST',
    '/v1/payments',
    token,
    {
      amount,
      currency: 'IRR',
      purpose: { type: 'order', ref: ref() },
      returnUrl: 'https://shop.example.com/done',
      gateway: 'wallet',
      ...extra,
    },
    { 'idempotency-key': key('order') },
  )
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  expect(created.body.gateway).toBe('wallet')
  const page = new URL(created.body.nextAction.url)
  expect(page.pathname).toMatch(/^\/wallet\/pay\/[0-9a-f-]{36}$/)
  return { id: created.body.id as string, attemptId: page.pathname.split('/').at(-1)! }
}

const checkout = (attemptId: string, token = customer.token) =>
  api(t, 'POST', `/v1/wallet/checkout/${attemptId}`, token, undefined, { 'idempotency-key': key('checkout') })

/** The payer's browser on the return page: answers where it is sent (the shop, with the outcome). */
async function followReturn(url: string) {
  const u = new URL(url)
  const res = await t.caravan.app.inject({ method: 'GET', url: u.pathname + u.search })
  expect(res.statusCode).toBe(303)
  return new URL(res.headers.location as string)
}

describe('paying a payment from the wallet', () => {
  it('pays once on the pay page, is confirmed by the payments module, and refunds back into the wallet', async () => {
    await fund(customer.id, '10000')
    const start = await available()
    const p = await walletPayment('2500')

    const info = await api(t, 'GET', `/v1/wallet/checkout/${p.attemptId}`, customer.token)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({
      paymentId: p.id,
      amount: '2500',
      currency: 'IRR',
      status: 'requires_action',
      walletPaymentStatus: null,
    })
    expect(BigInt(info.body.available)).toBe(start)

    const paid = await checkout(p.attemptId)
    expect(paid.status, JSON.stringify(paid.body)).toBe(200)
    expect(paid.body.status).toBe('succeeded')
    expect(await available()).toBe(start - 2500n)
    // Again (a reload, a second tab): the same answer, nothing more taken.
    expect((await checkout(p.attemptId)).body.status).toBe('succeeded')
    expect(await available()).toBe(start - 2500n)

    const shop = await followReturn(paid.body.redirectUrl)
    expect(shop.origin + shop.pathname).toBe('https://shop.example.com/done')
    expect(shop.searchParams.get('status')).toBe('succeeded')
    const detail = (await api(t, 'GET', `/v1/payments/${p.id}`, customer.token)).body
    expect(detail.payment).toMatchObject({ status: 'succeeded', gateway: 'wallet', capturedAmount: '2500' })
    expect(detail.attempts).toEqual([expect.objectContaining({ gateway: 'wallet', status: 'succeeded' })])

    // Refunded through its gateway, i.e. back into the wallet, at once.
    const refund = await api(
      t,
      'POST',
      `/v1/payments/${p.id}/refunds`,
      admin,
      { amount: '1000', reason: 'requested_by_customer' },
      {
        'idempotency-key': key('refund'),
      },
    )
    expect(refund.status, JSON.stringify(refund.body)).toBe(201)
    expect(refund.body).toMatchObject({ destination: 'original' })
    // Sent to the gateway by the refunds job, which credits the wallet in the call.
    await until(async () => (await available()) === start - 1500n)
    // The refund is marked succeeded once the gateway call returns, a moment after the credit (on PostgreSQL the job runs apart).
    const refundsOf = async () => (await api(t, 'GET', `/v1/payments/${p.id}`, admin)).body.refunds
    await until(async () => (await refundsOf())[0]?.status === 'succeeded')
    const refunds = await refundsOf()
    expect(refunds).toEqual([expect.objectContaining({ status: 'succeeded', amount: '1000' })])
    const history = (await api(t, 'GET', '/v1/me/wallet/transactions?limit=2', customer.token)).body.items
    expect(history.map((i: { kind: string; amount: string }) => [i.kind, i.amount])).toEqual([
      ['refund', '1000'],
      ['payment', '-2500'],
    ])
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })

  it('takes the money once when the pay button is pressed twenty times at once', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '5000')
    const p = await walletPayment('3000', user.accessToken)
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkout(p.attemptId, user.accessToken)))
    for (const a of answers) expect([200, 409]).toContain(a.status)
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0)
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.type).toMatch(/idempotency_in_progress|ledger_transfer_conflict/)
    expect(await available(user.accessToken)).toBe(2000n)
    expect((await checkout(p.attemptId, user.accessToken)).body.status).toBe('succeeded')
    expect(await available(user.accessToken)).toBe(2000n)
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })

  it('refuses a wallet that cannot cover it (nothing written), and pays once it is topped up', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '100')
    const p = await walletPayment('700', user.accessToken)
    const short = await checkout(p.attemptId, user.accessToken)
    expect(short.status).toBe(409)
    expect(short.body.type).toMatch(/insufficient_funds$/)
    expect(await available(user.accessToken)).toBe(100n)
    expect((await api(t, 'GET', `/v1/payments/${p.id}`, user.accessToken)).body.payment.status).toBe('requires_action')
    await fund(user.user.id, '600')
    expect((await checkout(p.attemptId, user.accessToken)).body.status).toBe('succeeded')
    expect(await available(user.accessToken)).toBe(0n)
  })

  it('is the customer’s own: anyone else gets 404, and bad ids 400', async () => {
    const p = await walletPayment('10')
    const other = await registerUser(t)
    expect((await api(t, 'GET', `/v1/wallet/checkout/${p.attemptId}`, other.accessToken)).status).toBe(404)
    expect((await checkout(p.attemptId, other.accessToken)).status).toBe(404)
    expect((await checkout(p.attemptId, admin)).status).toBe(404)
    expect((await api(t, 'GET', '/v1/wallet/checkout/not-an-id', customer.token)).status).toBe(400)
    expect((await api(t, 'GET', `/v1/wallet/checkout/${crypto.randomUUID()}`, customer.token)).status).toBe(404)
    expect((await t.caravan.app.inject({ method: 'POST', url: `/v1/wallet/checkout/${p.attemptId}` })).statusCode).toBe(401)
  })

  it('closes with the payment: "back" cancels it, and a canceled payment cannot be paid', async () => {
    const p = await walletPayment('10')
    const info = (await api(t, 'GET', `/v1/wallet/checkout/${p.attemptId}`, customer.token)).body
    const shop = await followReturn(info.cancelUrl)
    expect(shop.searchParams.get('status')).toBe('canceled')
    const before = await available()
    const late = await checkout(p.attemptId)
    expect(late.status).toBe(409)
    expect(late.body.type).toMatch(/checkout_closed$/)
    expect(await available()).toBe(before)
  })

  it('lets a host create it for the customer, never tops a wallet up from itself, and is never a fallback', async () => {
    const forCustomer = await walletPayment('20', admin, { customerId: customer.id })
    expect((await api(t, 'GET', `/v1/wallet/checkout/${forCustomer.attemptId}`, customer.token)).status).toBe(200)

    const topUp = await api(
      t,
      'POST',
      '/v1/payments',
      customer.token,
      { amount: '1000', currency: 'IRR', purpose: { type: 'wallet_topup' }, returnUrl: 'https://shop.example.com/x', gateway: 'wallet' },
      { 'idempotency-key': key('topup') },
    )
    expect(topUp.status).toBe(400)
    expect(topUp.body.errors).toEqual([expect.objectContaining({ field: 'body.gateway' })])

    const routed = await api(
      t,
      'POST',
      '/v1/payments',
      customer.token,
      { amount: '1000', currency: 'IRR', purpose: { type: 'order', ref: ref() }, returnUrl: 'https://shop.example.com/x' },
      { 'idempotency-key': key('routed') },
    )
    expect(routed.body.gateway).toBe('test')
    // Not an admin-configurable gateway.
    const configure = await api(t, 'PUT', '/v1/admin/payment-gateways/wallet', admin, { enabled: false, config: {} })
    expect(configure.status).toBe(400)
  })
})
