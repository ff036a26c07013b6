// Payments end to end on the built-in test gateway: create with an Idempotency-Key, the hosted
// page, the return page confirming server-side, refunds that can never overshoot, cancel, expiry
// and reconciliation, card numbers refused. Runs on PGlite, and on PostgreSQL in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { payAtTestGateway } from '../helpers/payments'
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

const body = (extra: Record<string, unknown> = {}) => ({
  amount: '125000',
  currency: 'IRR',
  purpose: { type: 'order', ref: `order-${Math.random().toString(36).slice(2)}` },
  returnUrl: 'https://shop.example.com/thanks',
  ...extra,
})

async function create(token: string, payload: Record<string, unknown>, key = `k-${Math.random()}`) {
  return api(t, 'POST', '/v1/payments', token, payload, { 'idempotency-key': key })
}

/** What the payer does at the test gateway: open the page (Persian, right to left), press a button. */
async function payAtGateway(nextActionUrl: string, choice: 'pay' | 'fail') {
  const page = await t.caravan.app.inject({
    method: 'GET',
    url: new URL(nextActionUrl).pathname,
    headers: { 'accept-language': 'fa-IR,fa;q=0.9' },
  })
  expect(page.statusCode).toBe(200)
  expect(page.headers['content-type']).toContain('text/html')
  expect(page.body).toContain('dir="rtl"')
  return payAtTestGateway(t, nextActionUrl, choice)
}

describe('a payment through the test gateway', () => {
  it('is created once per Idempotency-Key, paid on the hosted page and confirmed server-side', async () => {
    const payload = body()
    const first = await create(customer.token, payload, 'pay-once')
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      status: 'requires_action',
      gateway: 'test',
      amount: '125000',
      currency: 'IRR',
      customerId: customer.id,
    })
    expect(first.body.nextAction.type).toBe('redirect')
    const again = await create(customer.token, payload, 'pay-once')
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body.id).toBe(first.body.id)
    const other = await create(customer.token, { ...payload, amount: '1' }, 'pay-once')
    expect(other.status).toBe(422)
    expect(other.body.type).toContain('idempotency_mismatch')

    const landed = await payAtGateway(first.body.nextAction.url, 'pay')
    expect(landed.origin + landed.pathname).toBe('https://shop.example.com/thanks')
    expect(landed.searchParams.get('payment_id')).toBe(first.body.id)
    expect(landed.searchParams.get('status')).toBe('succeeded')

    const detail = await api(t, 'GET', `/v1/payments/${first.body.id}`, customer.token)
    expect(detail.body.payment).toMatchObject({ status: 'succeeded', capturedAmount: '125000', nextAction: null })
    expect(detail.body.attempts.map((a: any) => [a.gateway, a.status])).toEqual([['test', 'succeeded']])
    const { rows } = await t.database.query(`select action from audit_log where target_id = $1 order by seq`, [first.body.id])
    expect(rows.map((r: any) => r.action)).toContain('payment.succeeded')
  })

  it('created at once (written together), each gets its own payment, attempt and page; one key sent six times makes one', async () => {
    const payloads = Array.from({ length: 12 }, (_, i) => body({ amount: String(1000 + i), description: `یکی از ${i}` }))
    const twin = body()
    const answers = await Promise.all([
      ...payloads.map((p, i) => create(customer.token, p, `together-${i}`)),
      ...Array.from({ length: 6 }, () => create(customer.token, twin, 'together-twin')),
    ])
    const distinct = answers.slice(0, 12)
    for (const [i, a] of distinct.entries()) {
      expect(a.status, JSON.stringify(a.body)).toBe(201)
      expect(a.body).toMatchObject({ amount: String(1000 + i), status: 'requires_action', description: `یکی از ${i}` })
    }
    expect(new Set(distinct.map((a) => a.body.nextAction.url)).size).toBe(12)
    // A twin either answers the one payment or, while the first is still at the gateway, asks for a retry.
    const twins = answers.slice(12)
    for (const a of twins) expect([201, 409], JSON.stringify(a.body)).toContain(a.status)
    expect(new Set(twins.filter((a) => a.status === 201).map((a) => a.body.id)).size).toBe(1)
    const { rows } = await t.database.query(
      `select p.amount::text, a.reference, a.redirect_url, c.amount::text as charged
         from payments p join payment_attempts a on a.payment_id = p.id join test_gateway_charges c on c.attempt_id = a.id
        where p.created_by = $1 and p.idempotency_key like 'together-%'`,
      [`user:${customer.id}`],
    )
    expect(rows).toHaveLength(13)
    for (const r of rows) {
      expect(r.charged).toBe(r.amount)
      expect(r.redirect_url).toContain(r.reference)
    }
    // Each one's page works: the third is paid.
    const landed = await payAtGateway(distinct[2].body.nextAction.url, 'pay')
    expect(landed.searchParams.get('payment_id')).toBe(distinct[2].body.id)
  })

  it('never trusts the return query: a forged success leaves an unpaid payment unpaid', async () => {
    const created = await create(customer.token, body())
    const attempt = (await api(t, 'GET', `/v1/payments/${created.body.id}`, customer.token)).body.attempts[0]
    const forged = await t.caravan.app.inject({ method: 'GET', url: `/v1/payments/return/${attempt.id}?Status=OK&status=succeeded&paid=1` })
    expect(forged.statusCode).toBe(303)
    expect(new URL(forged.headers.location as string).searchParams.get('status')).toBe('processing')
    const after = await api(t, 'GET', `/v1/payments/${created.body.id}`, customer.token)
    expect(after.body.payment.status).toBe('processing')
    expect(after.body.payment.capturedAmount).toBe('0')
  })

  it('fails when the payer chooses Fail, and an answered page offers no buttons', async () => {
    const created = await create(customer.token, body())
    const landed = await payAtGateway(created.body.nextAction.url, 'fail')
    expect(landed.searchParams.get('status')).toBe('failed')
    const page = await t.caravan.app.inject({ method: 'GET', url: new URL(created.body.nextAction.url).pathname + '?lang=en' })
    expect(page.body).toContain('already answered')
    expect(page.body).not.toContain('<form')
  })

  it('keeps customers to their own payments', async () => {
    const other = await registerUser(t)
    const created = await create(customer.token, body())
    expect((await api(t, 'GET', `/v1/payments/${created.body.id}`, other.accessToken)).status).toBe(404)
    const forSomeoneElse = await create(other.accessToken, body({ customerId: customer.id }))
    expect(forSomeoneElse.status).toBe(403)
    const mine = await api(t, 'GET', '/v1/payments', other.accessToken)
    expect(mine.body.items).toEqual([])
    const adminView = await api(t, 'GET', `/v1/payments?customerId=${customer.id}&limit=2`, admin)
    expect(adminView.body.items).toHaveLength(2)
    expect(adminView.body.nextCursor).toBeTruthy()
  })
})

describe('what the gateway reports', () => {
  it('holds a payment for review when the gateway collected another amount, and raises an alert event', async () => {
    const held: unknown[] = []
    const off = t.caravan.events.subscribe('payment.held', (e) => void held.push(e.payload))
    const created = await create(customer.token, body({ amount: '90000' }))
    const reference = new URL(created.body.nextAction.url).pathname.split('/').at(-1)
    // The bank took 9,000 instead of 90,000 (a tampered amount at the gateway).
    await t.database.query(`update test_gateway_charges set amount = 9000 where reference = $1`, [reference])
    const landed = await payAtGateway(created.body.nextAction.url, 'pay')
    expect(landed.searchParams.get('status')).toBe('processing')
    const detail = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
    expect(detail.payment.status).toBe('processing')
    expect(detail.payment.heldReason).toMatch(/9000 IRR for 90000 IRR/)
    expect(held).toHaveLength(1)
    const list = await api(t, 'GET', '/v1/payments?held=true', admin)
    expect(list.body.items.map((p: any) => p.id)).toContain(created.body.id)
    // Reconciliation leaves it to the admin.
    await t.caravan.services.payments.reconcile({ staleSeconds: 0, limit: 100 })
    expect((await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body.payment.status).toBe('processing')
    off()
  })

  it('a second success for an order already paid is refunded automatically as a duplicate', async () => {
    const ref = `dup-${Math.random().toString(36).slice(2)}` // not a long digit run: it could pass for a card number
    const first = await create(customer.token, body({ amount: '40000', purpose: { type: 'order', ref } }))
    const second = await create(customer.token, body({ amount: '40000', purpose: { type: 'order', ref } }))
    await payAtGateway(first.body.nextAction.url, 'pay')
    await payAtGateway(second.body.nextAction.url, 'pay')
    const detail = await until(
      async () => {
        const d = (await api(t, 'GET', `/v1/payments/${second.body.id}`, admin)).body
        return d.refunds[0]?.status === 'succeeded' ? d : undefined
      },
      20_000,
      'duplicate refunded',
    )
    expect(detail.refunds[0]).toMatchObject({ reason: 'duplicate', amount: '40000', approvedBy: 'system' })
    expect((await api(t, 'GET', `/v1/payments/${first.body.id}`, admin)).body.refunds).toEqual([])
  })
})

describe('bad input', () => {
  it('refuses card numbers anywhere in the body, naming the field and storing nothing', async () => {
    const before = (await t.database.query(`select count(*)::int as n from payments`)).rows[0].n
    for (const note of ['4111 1111 1111 1111', '4111-1111-1111-1111', '۴۱۱۱۱۱۱۱۱۱۱۱۱۱۱۱']) {
      const res = await create(customer.token, body({ metadata: { note } }))
      expect(res.status).toBe(400)
      expect(res.body.type).toContain('card_number_refused')
      expect(res.body.errors[0].field).toBe('body.metadata.note')
      // Nothing of the number comes back (the request id is random hex: it may hold 1111 by chance).
      const { requestId: _random, ...answer } = res.body
      expect(JSON.stringify(answer)).not.toContain('1111')
    }
    // Even with an otherwise invalid body (no schema error echoes it back).
    const broken = await create(customer.token, { card: '4111111111111111' })
    expect(broken.status).toBe(400)
    expect(broken.body.type).toContain('card_number_refused')
    expect((await t.database.query(`select count(*)::int as n from payments`)).rows[0].n).toBe(before)
  })

  it('answers 400 for wrong types, zero, huge and fractional amounts, unknown currencies and non-http return URLs', async () => {
    for (const bad of [
      body({ amount: 125000 }),
      body({ amount: '0' }),
      body({ amount: '12.50' }),
      body({ amount: '1'.repeat(79) }),
      body({ currency: 'XXX' }),
      body({ returnUrl: 'javascript:alert(1)' }),
      body({ purpose: { type: 'gift' } }),
      body({ metadata: { k: { nested: true } } }),
    ]) {
      const res = await create(customer.token, bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
  })

  it('answers 422 for a gateway that is not enabled, and 401 without a session', async () => {
    const res = await create(customer.token, body({ gateway: 'stripe' }))
    expect(res.status).toBe(422)
    expect(res.body.type).toContain('gateway_not_enabled')
    expect(res.body.errors[0].field).toBe('body.gateway')
    const anonymous = await t.caravan.app.inject({ method: 'POST', url: '/v1/payments', payload: body() })
    expect(anonymous.statusCode).toBe(401)
  })
})

async function paidPayment(amount = '100000') {
  const created = await create(customer.token, body({ amount }))
  await payAtGateway(created.body.nextAction.url, 'pay')
  return created.body.id as string
}

describe('refunds', () => {
  it('refund in part and in full, never above what was captured', async () => {
    const id = await paidPayment('100000')
    const part = await api(
      t,
      'POST',
      `/v1/payments/${id}/refunds`,
      admin,
      { amount: '30000', reason: 'requested_by_customer' },
      { 'idempotency-key': 'r1' },
    )
    expect(part.status).toBe(201)
    expect(part.body).toMatchObject({ amount: '30000', status: 'pending', destination: 'original' })
    const replay = await api(
      t,
      'POST',
      `/v1/payments/${id}/refunds`,
      admin,
      { amount: '30000', reason: 'requested_by_customer' },
      { 'idempotency-key': 'r1' },
    )
    expect(replay.body.id).toBe(part.body.id)
    const over = await api(t, 'POST', `/v1/payments/${id}/refunds`, admin, { amount: '70001', reason: 'other' })
    expect(over.status).toBe(422)
    expect(over.body.type).toContain('refund_exceeds_captured')
    await until(
      async () => (await api(t, 'GET', `/v1/payments/${id}`, admin)).body.refunds[0].status === 'succeeded',
      20_000,
      'refund sent',
    )
    const rest = await api(t, 'POST', `/v1/payments/${id}/refunds`, admin, { reason: 'other' })
    expect(rest.body.amount).toBe('70000')
    const detail = await until(async () => {
      const d = (await api(t, 'GET', `/v1/payments/${id}`, admin)).body
      return d.refunds.every((r: any) => r.status === 'succeeded') ? d : undefined
    }, 20_000)
    expect(detail.payment.refundedAmount).toBe('100000')
  })

  it('concurrent refund requests cannot add up to more than was captured', async () => {
    const id = await paidPayment('100000')
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api(t, 'POST', `/v1/payments/${id}/refunds`, admin, { amount: '30000', reason: 'other' }, { 'idempotency-key': `c${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(3)
    expect(results.filter((r) => r.status === 422)).toHaveLength(5)
    const { rows } = await t.database.query(`select refunded_amount::text as r from payments where id = $1`, [id])
    expect(rows[0].r).toBe('90000')
  })

  it('refuses a refund of an unpaid payment', async () => {
    const created = await create(customer.token, body())
    const res = await api(t, 'POST', `/v1/payments/${created.body.id}/refunds`, admin, { reason: 'other' })
    expect(res.status).toBe(409)
    expect(res.body.type).toContain('payment_not_refundable')
  })
})

describe('cancel, expiry and reconciliation', () => {
  it('cancels an unpaid payment, and refuses to cancel a paid one', async () => {
    const created = await create(customer.token, body())
    const canceled = await api(t, 'POST', `/v1/payments/${created.body.id}/cancel`, customer.token)
    expect(canceled.status).toBe(200)
    expect(canceled.body.status).toBe('canceled')
    const id = await paidPayment()
    const res = await api(t, 'POST', `/v1/payments/${id}/cancel`, customer.token)
    expect(res.status).toBe(409)
  })

  it('a payer who paid but never came back is settled by reconciliation; an unpaid one past expiry expires', async () => {
    const paid = await create(customer.token, body())
    const page = new URL(paid.body.nextAction.url).pathname
    // The payer pays at the gateway and closes the tab: our return page is never called.
    await t.caravan.app.inject({
      method: 'POST',
      url: page,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'choice=pay',
    })
    const abandoned = await create(customer.token, body())
    await t.database.query(
      `update payments set expires_at = now() - interval '1 minute', updated_at = now() - interval '1 hour' where id = any($1::uuid[])`,
      [[paid.body.id, abandoned.body.id]],
    )
    await t.caravan.services.payments.reconcile({ staleSeconds: 60, limit: 100 })
    expect((await api(t, 'GET', `/v1/payments/${paid.body.id}`, admin)).body.payment.status).toBe('succeeded')
    expect((await api(t, 'GET', `/v1/payments/${abandoned.body.id}`, admin)).body.payment.status).toBe('expired')
  })

  it('money that arrives after a payment was canceled is refunded automatically', async () => {
    const created = await create(customer.token, body({ amount: '50000' }))
    const page = new URL(created.body.nextAction.url).pathname
    // The host cancels while the payer is still at the gateway: the charge is closed there too.
    expect((await api(t, 'POST', `/v1/payments/${created.body.id}/cancel`, admin)).body.status).toBe('canceled')
    expect((await t.caravan.app.inject({ method: 'GET', url: page })).body).not.toContain('<form')
    // A gateway that took the money anyway (its cancel lost in a race): the bank says paid.
    await t.database.query(`update test_gateway_charges set status = 'paid' where reference = $1`, [page.split('/').at(-1)])
    const attempt = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body.attempts[0]
    await t.caravan.app.inject({ method: 'GET', url: `/v1/payments/return/${attempt.id}` })
    const detail = await until(
      async () => {
        const d = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body
        return d.refunds[0]?.status === 'succeeded' ? d : undefined
      },
      20_000,
      'automatic refund',
    )
    expect(detail.payment.status).toBe('canceled')
    expect(detail.refunds[0]).toMatchObject({ amount: '50000', reason: 'order_canceled', approvedBy: 'system' })
  })
})

describe("the host product's server", () => {
  it('creates payments for its own users by externalId with a payments:write key', async () => {
    const key = async (scopes: string[]) =>
      (await api(t, 'POST', '/v1/api-keys', admin, { name: scopes.join(','), scopes })).body.key as string
    const writer = await key(['payments:write', 'payments:read'])
    const other = await key(['users:read'])
    const created = await create(writer, body({ customerId: { externalId: 'shop:7', email: 'shop7@example.com', name: 'مشتری هفت' } }))
    expect(created.status).toBe(201)
    const { rows } = await t.database.query(`select id from users where external_id = 'shop:7'`)
    expect(created.body.customerId).toBe(rows[0].id)
    // The same user by externalId alone, now that it exists.
    expect((await create(writer, body({ customerId: { externalId: 'shop:7' } }))).status).toBe(201)
    const unknown = await create(writer, body({ customerId: { externalId: 'shop:nobody' } }))
    expect(unknown.status).toBe(422)
    const noCustomer = await create(writer, body())
    expect(noCustomer.status).toBe(400)
    expect(noCustomer.body.errors[0].field).toBe('body.customerId')
    expect((await create(other, body({ customerId: customer.id }))).status).toBe(403)
    const listed = await api(t, 'GET', `/v1/payments?customerId=${rows[0].id}`, writer)
    expect(listed.body.items).toHaveLength(2)

    // At once for several users (their lookups share one query): each payment is its own user's, an unknown one is a 422.
    const shops = ['shop:a', 'shop:b', 'shop:c', 'shop:d']
    for (const externalId of shops) expect((await create(writer, body({ customerId: { externalId, name: externalId } }))).status).toBe(201)
    const ids = new Map(
      (await t.database.query(`select external_id, id from users where external_id = any($1)`, [shops])).rows.map((r) => [
        r.external_id,
        r.id,
      ]),
    )
    const together = await Promise.all(
      [...shops, 'shop:ghost', ...shops].map((externalId) => create(writer, body({ customerId: { externalId } }))),
    )
    expect(together.map((a) => a.status)).toEqual([201, 201, 201, 201, 422, 201, 201, 201, 201])
    expect(together.map((a) => a.body.customerId)).toEqual([...shops.map((e) => ids.get(e)), undefined, ...shops.map((e) => ids.get(e))])
  })
})

describe('payment options', () => {
  it('tell a payer the enabled methods and how IRR is shown', async () => {
    const res = await api(t, 'GET', '/v1/payments/options', customer.token)
    expect(res.status).toBe(200)
    // The wallet is always a method (paid from the customer's balance: docs/wallet.md).
    expect(res.body.methods).toEqual([
      { gateway: 'test', currencies: ['IRR', 'USD', 'EUR', 'BTC', 'ETH'] },
      { gateway: 'wallet', currencies: ['IRR', 'USD', 'EUR', 'BTC', 'ETH'] },
    ])
    expect(res.body.irrDisplay).toBe('toman')
    await api(t, 'PUT', '/v1/admin/notification-settings', admin, { formats: { irr: 'rial' } })
    expect((await api(t, 'GET', '/v1/payments/options', customer.token)).body.irrDisplay).toBe('rial')
    await api(t, 'PUT', '/v1/admin/notification-settings', admin, { formats: { irr: 'toman' } })
  })

  it("describe each gateway's settings as a form, and null clears an optional one", async () => {
    const list = (await api(t, 'GET', '/v1/admin/payment-gateways', admin)).body
    const stripe = list.find((g: any) => g.name === 'stripe')
    expect(stripe.currencies).toEqual(['USD', 'EUR'])
    expect(stripe.fields).toContainEqual(expect.objectContaining({ name: 'secretKey', kind: 'secret', required: true }))
    expect(list.find((g: any) => g.name === 'zarinpal').fields).toContainEqual(
      expect.objectContaining({ name: 'refundMethod', kind: 'select', options: ['PAYA', 'CARD'] }),
    )
    const config = { merchantId: '1344b5d4-0048-11e8-94db-005056a205be', terminalId: '238' }
    await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, { enabled: false, config })
    const cleared = await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, { enabled: false, config: { terminalId: null } })
    expect(cleared.status).toBe(200)
    expect(cleared.body.config).not.toHaveProperty('terminalId')
    expect(cleared.body.config.merchantId).toBe('••••••')
    const required = await api(t, 'PUT', '/v1/admin/payment-gateways/zarinpal', admin, { enabled: false, config: { merchantId: null } })
    expect(required.status).toBe(400)
    expect((await api(t, 'DELETE', '/v1/admin/payment-gateways/zarinpal', admin)).status).toBe(204)
  })
})
