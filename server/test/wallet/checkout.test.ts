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

describe('a payment routed elsewhere, paid from the wallet instead', () => {
  /** An order the host created for the customer, routed (here to the test gateway). */
  async function hostOrder(userId: string, amount = '4000') {
    const created = await api(
      t,
      'POST',
      '/v1/payments',
      admin,
      { amount, currency: 'IRR', purpose: { type: 'order', ref: ref() }, returnUrl: 'https://shop.example.com/done', customerId: userId },
      { 'idempotency-key': key('host') },
    )
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body.gateway).toBe('test')
    return { id: created.body.id as string, testReference: new URL(created.body.nextAction.url).pathname.split('/').at(-1)! }
  }
  const switchTo = (paymentId: string, gateway: string, token: string) =>
    api(t, 'POST', `/v1/payments/${paymentId}/gateway`, token, { gateway })
  const attemptOf = (url: string) => new URL(url).pathname.split('/').at(-1)!

  it('closes the gateway’s page, opens the wallet’s, and is paid there once', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '10000')
    const order = await hostOrder(user.user.id)

    const switched = await switchTo(order.id, 'wallet', user.accessToken)
    expect(switched.status, JSON.stringify(switched.body)).toBe(200)
    expect(switched.body).toMatchObject({ id: order.id, gateway: 'wallet', status: 'requires_action' })
    const attemptId = attemptOf(switched.body.nextAction.url)
    expect(new URL(switched.body.nextAction.url).pathname).toBe(`/wallet/pay/${attemptId}`)
    // Asked again (a double click): the same wallet attempt, no third one.
    const again = await switchTo(order.id, 'wallet', user.accessToken)
    expect(again.body.nextAction.url).toBe(switched.body.nextAction.url)
    // The test gateway's page was closed: paying there now changes nothing.
    await t.caravan.services.payments.testGateway.choose(order.testReference, 'pay')

    const paid = await checkout(attemptId, user.accessToken)
    expect(paid.status, JSON.stringify(paid.body)).toBe(200)
    expect((await followReturn(paid.body.redirectUrl)).searchParams.get('status')).toBe('succeeded')
    expect(await available(user.accessToken)).toBe(6000n)
    const detail = (await api(t, 'GET', `/v1/payments/${order.id}`, user.accessToken)).body
    expect(detail.payment).toMatchObject({ status: 'succeeded', gateway: 'wallet', capturedAmount: '4000' })
    expect(detail.attempts.map((a: { gateway: string; status: string }) => [a.gateway, a.status])).toEqual([
      ['test', 'canceled'],
      ['wallet', 'succeeded'],
    ])
    // Paid: no more switching.
    const late = await switchTo(order.id, 'test', user.accessToken)
    expect(late.status).toBe(409)
    expect(late.body.type).toMatch(/payment_not_open$/)
    const audit = await t.database.query(`select data from audit_log where action = 'payment.gateway_switched' and target_id = $1`, [
      order.id,
    ])
    expect(audit.rows.map((r) => r.data)).toEqual([{ from: 'test', to: 'wallet', previousAttempt: 'closed' }])
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })

  it('asks the gateway first: a payment paid there meanwhile is settled, and the switch refused', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '10000')
    const order = await hostOrder(user.user.id)
    await t.caravan.services.payments.testGateway.choose(order.testReference, 'pay')
    const refused = await switchTo(order.id, 'wallet', user.accessToken)
    expect(refused.status).toBe(409)
    expect(refused.body.type).toMatch(/payment_not_open$/)
    const detail = (await api(t, 'GET', `/v1/payments/${order.id}`, user.accessToken)).body
    expect(detail.payment.status).toBe('succeeded')
    expect(detail.attempts).toHaveLength(1)
    expect(await available(user.accessToken)).toBe(10000n)
  })

  it('switched back from the wallet: the wallet’s page no longer takes money', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '10000')
    const order = await hostOrder(user.user.id)
    const toWallet = await switchTo(order.id, 'wallet', user.accessToken)
    const back = await switchTo(order.id, 'test', user.accessToken)
    expect(back.status, JSON.stringify(back.body)).toBe(200)
    expect(back.body.gateway).toBe('test')
    const closed = await checkout(attemptOf(toWallet.body.nextAction.url), user.accessToken)
    expect(closed.status).toBe(409)
    expect(closed.body.type).toMatch(/checkout_closed$/)
    expect(await available(user.accessToken)).toBe(10000n)
    // The wallet attempt cannot be closed at a gateway (it has none): it stays pending, unpaid.
    const attempts = (await api(t, 'GET', `/v1/payments/${order.id}`, admin)).body.attempts
    expect(attempts.map((a: { gateway: string; status: string }) => [a.gateway, a.status])).toEqual([
      ['test', 'canceled'],
      ['wallet', 'pending'],
      ['test', 'pending'],
    ])
  })

  it('ten switches at once make one wallet attempt', async () => {
    const user = await registerUser(t)
    const order = await hostOrder(user.user.id)
    const answers = await Promise.all(Array.from({ length: 10 }, () => switchTo(order.id, 'wallet', user.accessToken)))
    for (const a of answers) expect([200, 409], JSON.stringify(a.body)).toContain(a.status)
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.type).toMatch(/idempotency_in_progress$/)
    const urls = new Set(answers.filter((a) => a.status === 200).map((a) => a.body.nextAction.url))
    expect(urls.size).toBe(1)
    const attempts = (await api(t, 'GET', `/v1/payments/${order.id}`, admin)).body.attempts
    expect(attempts.map((a: { gateway: string }) => a.gateway)).toEqual(['test', 'wallet'])
  })

  it('refuses what cannot be: another’s payment, a top-up from the wallet, a gateway that is off, a bad body', async () => {
    const user = await registerUser(t)
    const order = await hostOrder(user.user.id)
    const other = await registerUser(t)
    expect((await switchTo(order.id, 'wallet', other.accessToken)).status).toBe(404)
    expect((await switchTo(crypto.randomUUID(), 'wallet', user.accessToken)).status).toBe(404)
    const off = await switchTo(order.id, 'stripe', user.accessToken)
    expect(off.status).toBe(422)
    expect(off.body.errors).toEqual([expect.objectContaining({ field: 'body.gateway' })])
    for (const body of [{ gateway: 'bitcoin!' }, { gateway: 7 }, {}, { gateway: 'wallet', extra: 1 }]) {
      const bad = await api(t, 'POST', `/v1/payments/${order.id}/gateway`, user.accessToken, body)
      expect(bad.status, JSON.stringify(body)).toBe(400)
    }
    const topUp = await api(
      t,
      'POST',
      '/v1/payments',
      user.accessToken,
      { amount: '1000', currency: 'IRR', purpose: { type: 'wallet_topup' }, returnUrl: 'https://shop.example.com/x' },
      { 'idempotency-key': key('topup') },
    )
    const fromItself = await switchTo(topUp.body.id, 'wallet', user.accessToken)
    expect(fromItself.status).toBe(400)
    expect(fromItself.body.errors).toEqual([expect.objectContaining({ field: 'body.gateway' })])
    // Nothing changed by any of them.
    const attempts = (await api(t, 'GET', `/v1/payments/${order.id}`, admin)).body.attempts
    expect(attempts.map((a: { gateway: string; status: string }) => [a.gateway, a.status])).toEqual([['test', 'pending']])
    // A host may switch it for the customer (admin here).
    expect((await switchTo(order.id, 'wallet', admin)).status).toBe(200)
  })
})
