// Gateways configured by an admin and chosen by the routing rules, against the Zarinpal fake on
// loopback: the real redirect-and-verify round trip through our return page, fallback to the next
// gateway when one is down, the circuit breaker skipping a failing gateway, and a gateway's
// settings shown without their secrets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { startFakeZarinpal, type FakeZarinpal } from '../fakes/zarinpal'

const merchantId = '1344b5d4-0048-11e8-94db-005056a205be'
let t: TestCaravan
let admin: string
let customer: string
let zarinpal: FakeZarinpal

beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  customer = (await registerUser(t)).accessToken
  zarinpal = await startFakeZarinpal({ merchantId, accessToken: 'zp-access-token', terminalId: '238' })
})
afterAll(async () => {
  await t?.close()
  await zarinpal?.close()
})
beforeEach(() => zarinpal.reset())

const irr = (extra: Record<string, unknown> = {}) => ({
  amount: '250000',
  currency: 'IRR',
  purpose: { type: 'order', ref: `o-${Math.random().toString(36).slice(2)}` },
  returnUrl: 'https://shop.example.com/done',
  ...extra,
})

/** Where our return page sends the payer after the gateway sent them back to it. */
async function comeBack(callbackUrl: string) {
  const back = new URL(callbackUrl)
  const res = await t.caravan.app.inject({ method: 'GET', url: back.pathname + back.search })
  expect(res.statusCode).toBe(303)
  return new URL(res.headers.location as string)
}

describe('Zarinpal configured by an admin', () => {
  it('is stored with its secrets masked, and turns the test gateway off', async () => {
    const res = await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, {
      enabled: true,
      config: {
        merchantId,
        accessToken: 'zp-access-token',
        terminalId: '238',
        baseUrl: zarinpal.url,
        graphqlUrl: `${zarinpal.url}/api/v4/graphql`,
        timeoutMs: 2000,
      },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'zarinpal', enabled: true, source: 'stored', currencies: ['IRR'] })
    expect(res.body.config.merchantId).toBe('••••••')
    expect(JSON.stringify(res.body)).not.toContain('zp-access-token')
    const list = (await api(t, 'GET', '/v1/admin/payment-gateways', admin)).body
    expect(list.find((g: any) => g.name === 'test')).toMatchObject({ enabled: false, source: 'default' })
    const { rows } = await t.database.query(`select sealed_config from payment_gateways where name = 'zarinpal'`)
    expect(rows[0].sealed_config).not.toContain(merchantId)

    const bad = await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, { enabled: true, config: { merchantId: 'not-a-uuid' } })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].field).toBe('config.merchantId')
    // A masked secret sent back keeps the stored one.
    const kept = await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, {
      enabled: true,
      config: { ...res.body.config, timeoutMs: 3000 },
    })
    expect(kept.status).toBe(200)
    expect(kept.body.config.timeoutMs).toBe(3000)

    // Two saves at once of different fields keep both (each merges into what the other stored).
    const save = (config: Record<string, unknown>) => api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, { enabled: true, config })
    for (let round = 1; round <= 5; round++) {
      const answers = await Promise.all([save({ timeoutMs: 3000 + round }), save({ terminalId: `${round}` })])
      expect(answers.map((a) => a.status)).toEqual([200, 200])
      const { rows } = await t.database.query(`select sealed_config from payment_gateways where name = 'zarinpal'`)
      expect(rows).toHaveLength(1)
      const listed = (await api(t, 'GET', '/v1/admin/payment-gateways', admin)).body.find((g: { name: string }) => g.name === 'zarinpal')
      expect(listed.config).toMatchObject({ timeoutMs: 3000 + round, terminalId: `${round}`, baseUrl: zarinpal.url })
    }
    expect((await save({ timeoutMs: 3000, terminalId: '238' })).status).toBe(200)
  })

  it('takes an IRR payment: StartPay, back to our return page, verified server-side', async () => {
    const created = await api(t, 'POST', '/v1/payments', customer, irr(), { 'idempotency-key': 'zp-1' })
    expect(created.status).toBe(201)
    expect(created.body.gateway).toBe('zarinpal')
    const authority = new URL(created.body.nextAction.url).pathname.split('/').at(-1)!
    expect(created.body.nextAction.url).toBe(`${zarinpal.url}/pg/StartPay/${authority}`)
    expect(zarinpal.payments.get(authority)).toMatchObject({
      amount: 250000,
      metadata: expect.objectContaining({ order_id: created.body.id }),
    })

    const callback = zarinpal.pay(authority)
    const landed = await comeBack(callback)
    expect(landed.searchParams.get('status')).toBe('succeeded')
    const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
    expect(detail.attempts[0]).toMatchObject({ gateway: 'zarinpal', status: 'succeeded', reference: authority })
    expect(detail.attempts[0].receipt).toBeTruthy()
    // The return page again (a reload): the same answer, and Zarinpal is not asked again.
    const verifies = zarinpal.requests.filter((r) => r.path.includes('verify')).length
    expect((await comeBack(callback)).searchParams.get('status')).toBe('succeeded')
    expect(zarinpal.requests.filter((r) => r.path.includes('verify')).length).toBe(verifies)
  })

  it('switched to the wallet: Zarinpal’s attempt cannot be closed there, and money it still takes is refunded', async () => {
    const payer = await registerUser(t)
    const funded = await api(
      t,
      'POST',
      '/v1/admin/wallet/adjustments',
      admin,
      { userId: payer.user.id, currency: 'IRR', amount: '300000', reason: 'test funds' },
      { 'idempotency-key': `fund-${payer.user.id}` },
    )
    expect(funded.status).toBe(201)
    const created = await api(t, 'POST', '/v1/payments', admin, irr({ customerId: payer.user.id }), { 'idempotency-key': 'zp-switch' })
    expect(created.body.gateway).toBe('zarinpal')
    const authority = new URL(created.body.nextAction.url).pathname.split('/').at(-1)!
    const switched = await api(t, 'POST', `/v1/payments/${created.body.id}/gateway`, payer.accessToken, { gateway: 'wallet' })
    expect(switched.status, JSON.stringify(switched.body)).toBe(200)
    const attemptId = new URL(switched.body.nextAction.url).pathname.split('/').at(-1)!
    const paid = await api(t, 'POST', `/v1/wallet/checkout/${attemptId}`, payer.accessToken, undefined, {
      'idempotency-key': 'zp-switch-pay',
    })
    expect(paid.body.status).toBe('succeeded')
    expect((await comeBack(paid.body.redirectUrl)).searchParams.get('status')).toBe('succeeded')

    // The payer's Zarinpal page was still open, and they paid there too.
    expect((await comeBack(zarinpal.pay(authority))).searchParams.get('status')).toBe('succeeded')
    const detail = await until(async () => {
      const d = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
      return d.refunds.length ? d : undefined
    }, 20_000)
    expect(detail.attempts.map((a: any) => [a.gateway, a.status])).toEqual([
      ['zarinpal', 'succeeded'],
      ['wallet', 'succeeded'],
    ])
    expect(detail.payment).toMatchObject({ status: 'succeeded', gateway: 'wallet', capturedAmount: '500000' })
    expect(detail.refunds).toEqual([expect.objectContaining({ amount: '250000', reason: 'duplicate' })])
    const audit = await t.database.query(`select data from audit_log where action = 'payment.gateway_switched' and target_id = $1`, [
      created.body.id,
    ])
    expect(audit.rows[0].data).toEqual({ from: 'zarinpal', to: 'wallet', previousAttempt: 'unsupported' })
  })

  it('a card on the blocklist: the payment Zarinpal took with it waits for a review; the card’s hash is not on the receipt', async () => {
    // A new customer: every payment at the fake is made with its one card, and a customer who paid
    // with a card before is refused outright once it is listed (the capture check remembered it).
    const payer = (await registerUser(t)).accessToken
    const listed = await api(t, 'POST', '/v1/admin/fraud/blocklist', admin, { kind: 'card_fingerprint', value: zarinpal.cardHash })
    expect(listed.status).toBe(201)
    try {
      const created = await api(t, 'POST', '/v1/payments', payer, irr(), { 'idempotency-key': 'zp-card' })
      expect(created.status).toBe(201)
      const authority = new URL(created.body.nextAction.url).pathname.split('/').at(-1)!
      await comeBack(zarinpal.pay(authority))
      const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, payer)).body
      expect(detail.payment.status).toBe('succeeded')
      expect(detail.attempts[0].receipt).toEqual({ ref_id: String(zarinpal.payments.get(authority)!.refId), card_pan: '502229******5995' })
      // The capture check (a job on payment.succeeded; called here too, it records once) finds the card.
      const screened = await t.caravan.services.fraud.screenCapture(detail.payment)
      expect(screened).toMatchObject({ operation: 'payment_capture', cardFingerprint: zarinpal.cardHash, review: { status: 'open' } })
      expect(screened!.reasons).toEqual([expect.objectContaining({ rule: 'blocklist', id: 'card_fingerprint' })])
    } finally {
      expect((await api(t, 'DELETE', `/v1/admin/fraud/blocklist/${listed.body.id}`, admin)).status).toBe(204)
    }
  })

  it('a refund Zarinpal reports pending is looked up by the reconciliation sweep until Zarinpal pays it out', async () => {
    const created = await api(t, 'POST', '/v1/payments', customer, irr(), { 'idempotency-key': 'zp-refund' })
    const authority = new URL(created.body.nextAction.url).pathname.split('/').at(-1)!
    await comeBack(zarinpal.pay(authority))
    expect((await api(t, 'POST', `/v1/payments/${created.body.id}/refunds`, admin, { reason: 'other' })).status).toBe(201)
    const sent = await until(async () => {
      const r = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body.refunds[0]
      return r.gatewayRefundId ? r : undefined
    }, 20_000)
    expect(sent.status).toBe('pending')
    const sessionId = zarinpal.payments.get(authority)!.sessionId
    expect(sent.gatewayRefundId).toBe(`${sessionId}:${sent.id}`)
    const sweep = async () => {
      await t.database.query(`update payment_refunds set updated_at = now() - interval '1 hour' where id = $1`, [sent.id])
      await t.caravan.services.payments.reconcile({ staleSeconds: 60, limit: 100 })
      return (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
    }
    // Still pending at Zarinpal: asked by the session's id, and left pending.
    expect((await sweep()).refunds[0].status).toBe('pending')
    const lookUp = zarinpal.requests.at(-1)!
    expect(lookUp).toMatchObject({ path: '/api/v4/graphql', authorization: 'Bearer zp-access-token' })
    expect(lookUp.body).toMatchObject({ variables: { terminal_id: '238', id: sessionId } })
    zarinpal.settleRefund(sessionId, 'DONE')
    const done = await sweep()
    expect(done.refunds[0].status).toBe('succeeded')
    expect(done.payment.refundedAmount).toBe('250000')
  })

  it('a payment Zarinpal refuses to take (terminal inactive) fails at once with its reason, and is not sent elsewhere', async () => {
    zarinpal.terminal.active = false
    const res = await api(t, 'POST', '/v1/payments', customer, irr({ purpose: { type: 'order', ref: 'refused' } }))
    zarinpal.terminal.active = true
    expect(res.status).toBe(422)
    expect(res.body.type).toContain('gateway_refused')
    const { rows } = await t.database.query(`select id, status from payments where purpose_ref = 'refused'`)
    expect(rows[0].status).toBe('failed')
    const detail = (await api(t, 'GET', `/v1/payments/${rows[0].id}`, admin)).body
    expect(detail.attempts.map((a: any) => [a.gateway, a.status])).toEqual([['zarinpal', 'error']])
  })

  it('a payer who cancels at Zarinpal (Status=NOK) ends canceled', async () => {
    const created = await api(t, 'POST', '/v1/payments', customer, irr())
    const authority = new URL(created.body.nextAction.url).pathname.split('/').at(-1)!
    const landed = await comeBack(zarinpal.cancel(authority))
    expect(landed.searchParams.get('status')).toBe('canceled')
  })
})

describe('routing with fallback', () => {
  beforeAll(async () => {
    // IRR goes to Zarinpal, then to the test gateway (switched on explicitly beside a real one).
    await api(t, 'PUT', '/v1/admin/payment-gateways/test', admin, { enabled: true, config: {} })
    const res = await api(t, 'PATCH', '/v1/admin/payment-settings', admin, {
      routing: [{ currencies: ['IRR'], gateways: ['zarinpal', 'test'] }],
    })
    expect(res.status).toBe(200)
  })

  it('goes to the next gateway when Zarinpal answers 5xx, and keeps the route', async () => {
    zarinpal.failNext(1, 502)
    const created = await api(t, 'POST', '/v1/payments', customer, irr())
    expect(created.status).toBe(201)
    expect(created.body.gateway).toBe('test')
    const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
    expect(detail.attempts.map((a: any) => [a.gateway, a.status])).toEqual([
      ['zarinpal', 'error'],
      ['test', 'pending'],
    ])
    expect(detail.attempts[0].error).toMatch(/502|Zarinpal/)
    expect(detail.attempts[0].error).not.toContain(merchantId)
  })

  it('goes to the next gateway when Zarinpal does not answer in time', async () => {
    const current = (await api(t, 'GET', '/v1/admin/payment-gateways', admin)).body.find((g: any) => g.name === 'zarinpal')
    await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, { enabled: true, config: { ...current.config, timeoutMs: 300 } })
    zarinpal.hangNext(1)
    const created = await api(t, 'POST', '/v1/payments', customer, irr())
    expect(created.status).toBe(201)
    expect(created.body.gateway).toBe('test')
    const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
    expect(detail.attempts[0]).toMatchObject({ gateway: 'zarinpal', status: 'error' })
    expect(detail.attempts[0].error).toMatch(/timed out/)
  })

  it('skips Zarinpal while its circuit is open after repeated timeouts or failures', async () => {
    zarinpal.failNext(5, 503)
    for (let i = 0; i < 5; i++) expect((await api(t, 'POST', '/v1/payments', customer, irr())).body.gateway).toBe('test')
    const requestsBefore = zarinpal.requests.length
    const skipped = await api(t, 'POST', '/v1/payments', customer, irr())
    expect(skipped.body.gateway).toBe('test')
    expect(zarinpal.requests.length).toBe(requestsBefore)
    const detail = (await api(t, 'GET', `/v1/payments/${skipped.body.id}`, admin)).body
    expect(detail.attempts[0].error).toMatch(/circuit is open/)
    const state = (await api(t, 'GET', '/v1/admin/payment-gateways', admin)).body.find((g: any) => g.name === 'zarinpal').state
    expect(state).toBe('open')
  })

  it('answers 503 with Retry-After when no gateway can take the payment, and a retry with the same key resumes it', async () => {
    await api(t, 'PUT', '/v1/admin/payment-gateways/test', admin, { enabled: false, config: {} })
    const res = await api(t, 'POST', '/v1/payments', customer, irr({ purpose: { type: 'order', ref: 'down' } }), {
      'idempotency-key': 'down-1',
    })
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toBeDefined()
    await api(t, 'PUT', '/v1/admin/payment-gateways/test', admin, { enabled: true, config: {} })
    const retry = await api(t, 'POST', '/v1/payments', customer, irr({ purpose: { type: 'order', ref: 'down' } }), {
      'idempotency-key': 'down-1',
    })
    expect(retry.status).toBe(201)
    expect(retry.body.gateway).toBe('test')
    const { rows } = await t.database.query(`select count(*)::int as n from payments where purpose_ref = 'down'`)
    expect(rows[0].n).toBe(1)
  })
})
