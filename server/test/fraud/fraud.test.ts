// Fraud checks through the API: velocity per user, address and device trips review then block;
// blocklisted e-mail domains, devices and cards block; young accounts over their limit; rules
// edited by an admin apply at once, bad ones are refused whole; the review queue with concurrent
// decisions; a withdrawal in review waits for the review; a block says nothing and writes nothing
// but the assessment; customers are kept out of the admin side.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { payAtTestGateway } from '../helpers/payments'
import { DEFAULT_RULES } from '../../src/modules/fraud/rules'
import type { FraudRules } from '../../src/modules/fraud/schemas'

let t: TestCaravan
let admin: string

beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
})
afterAll(async () => {
  await t?.close()
})

/** Replaces the rules (quiet ones unless given), on top of the version stored now. */
async function setRules(over: Partial<FraudRules>) {
  const current = await api(t, 'GET', '/v1/admin/fraud/rules', admin)
  expect(current.status).toBe(200)
  const quiet: FraudRules = { ...DEFAULT_RULES, velocity: [], accountAge: [], countryMismatch: null }
  const res = await api(t, 'PUT', '/v1/admin/fraud/rules', admin, { version: current.body.version, rules: { ...quiet, ...over } })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as { version: number; rules: FraudRules }
}
beforeEach(async () => {
  await setRules({})
})

async function customer(body: Record<string, unknown> = {}) {
  const s = await registerUser(t, body)
  return { token: s.accessToken, id: s.user.id, email: s.user.email }
}
async function fund(userId: string, amount = '1000000') {
  const res = await api(
    t,
    'POST',
    '/v1/admin/wallet/adjustments',
    admin,
    { userId, currency: 'IRR', amount, reason: 'test funds' },
    { 'idempotency-key': `fund-${userId}-${amount}-${Math.random()}` },
  )
  expect(res.status).toBe(201)
}

/** A request as it comes from an address and a device (inject's remoteAddress is request.ip). */
async function from(
  where: { ip?: string; device?: string },
  token: string,
  method: 'POST' | 'GET',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await t.caravan.app.inject({
    method,
    url,
    remoteAddress: where.ip ?? '127.0.0.1',
    headers: { ...bearer(token), ...(where.device ? { 'x-device-id': where.device } : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  })
  return { status: res.statusCode, body: res.json(), headers: res.headers }
}
const payBody = (amount = '1000') => ({ amount, currency: 'IRR', purpose: { type: 'custom' } })
const walletPay = (token: string, where: { ip?: string; device?: string } = {}, amount = '1000') =>
  from(where, token, 'POST', '/v1/wallet/payments', payBody(amount), { 'idempotency-key': `p-${Math.random()}` })

const assessmentsOf = async (userId: string) =>
  (await api(t, 'GET', `/v1/admin/fraud/assessments?userId=${userId}&limit=100`, admin)).body.items as {
    id: string
    decision: string
    operation: string
    ref: string | null
    ip: string | null
    deviceId: string | null
    reasons: { rule: string; id: string }[]
    review: { status: string } | null
  }[]

function expectOpaqueBlock(res: { status: number; body: Record<string, unknown> }) {
  expect(res.status).toBe(403)
  expect(res.body.type).toBe('https://caravan.dev/problems/fraud_blocked')
  // Nothing that tells a fraudster which rule caught them.
  expect(Object.keys(res.body).sort()).toEqual(['instance', 'requestId', 'status', 'title', 'type'])
}

describe('velocity', () => {
  const reviewThenBlock = (subject: 'user' | 'ip' | 'device'): Partial<FraudRules> => ({
    thresholds: { review: 50, block: 100 },
    velocity: [
      { id: `${subject}-3`, subject, windowSeconds: 3600, maxCount: 2, score: 50 },
      { id: `${subject}-4`, subject, windowSeconds: 3600, maxCount: 3, score: 0, action: 'block' },
    ],
  })

  it('per user: the third operation is reviewed (and goes ahead), the fourth blocked with nothing written', async () => {
    await setRules(reviewThenBlock('user'))
    const c = await customer()
    await fund(c.id)
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await walletPay(c.token))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 403])
    expectOpaqueBlock(answers[3])
    const { rows } = await t.database.query(`select count(*)::int as n from wallet_payments where user_id = $1`, [c.id])
    expect(rows[0].n).toBe(3)
    const mine = await assessmentsOf(c.id)
    expect(mine.map((a) => a.decision)).toEqual(['block', 'review', 'allow', 'allow'])
    expect(mine[1].reasons).toEqual([expect.objectContaining({ rule: 'velocity', id: 'user-3' })])
    expect(mine[1].review).toMatchObject({ status: 'open' })
    expect(mine[2].ref).toBe(answers[1].body.id)
    const audit = await t.database.query(`select data from audit_log where action = 'fraud.blocked' and target_id = $1`, [c.id])
    expect(audit.rows).toHaveLength(1)
    expect(audit.rows[0].data).toMatchObject({ assessmentId: mine[0].id, operation: 'wallet_payment' })
  })

  it('per user, at once: ten payments together cannot all count the same window', async () => {
    await setRules({ velocity: [{ id: 'burst', subject: 'user', windowSeconds: 3600, maxCount: 4, score: 0, action: 'block' }] })
    const c = await customer()
    await fund(c.id)
    const answers = await Promise.all(Array.from({ length: 10 }, () => walletPay(c.token)))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 201, 403, 403, 403, 403, 403, 403])
  })

  it('transfers and payments at once: decided in their batch’s transaction, the blocked ones write nothing but their assessment', async () => {
    await setRules({ velocity: [{ id: 'burst', subject: 'user', windowSeconds: 3600, maxCount: 4, score: 0, action: 'block' }] })
    const c = await customer()
    const other = await customer()
    await fund(c.id)
    // Ten of each at once, each with its own key: they go together in one or two batches.
    const tenAtOnce = (token: string, url: string, body: object) =>
      Promise.all(Array.from({ length: 10 }, (_, i) => from({}, token, 'POST', url, body, { 'idempotency-key': `${url}-${i}` })))
    const transfers = await tenAtOnce(c.token, '/v1/wallet/transfers', { to: other.id, amount: '10', currency: 'IRR' })
    expect(transfers.map((a) => a.status).sort()).toEqual([201, 201, 201, 201, 403, 403, 403, 403, 403, 403])
    transfers.filter((a) => a.status === 403).forEach(expectOpaqueBlock)
    const payer = await customer()
    const payments = await tenAtOnce(payer.token, '/v1/payments', {
      ...payBody(),
      purpose: { type: 'order' },
      returnUrl: 'https://shop.example.com/x',
    })
    expect(payments.map((a) => a.status).sort()).toEqual([201, 201, 201, 201, 403, 403, 403, 403, 403, 403])
    const written = await t.database.query(
      `select (select count(*)::int from ledger_transfers where kind = 'transfer' and created_by = $1) as transfers,
              (select count(*)::int from payments where customer_id = $2) as payments,
              (select count(*)::int from payment_attempts a join payments p on p.id = a.payment_id where p.customer_id = $2) as attempts,
              (select count(*)::int from audit_log where action = 'wallet.transferred' and target_id = $3) as audited`,
      [`user:${c.id}`, payer.id, other.id],
    )
    expect(written.rows[0]).toEqual({ transfers: 4, payments: 4, attempts: 4, audited: 4 })
    expect((await assessmentsOf(c.id)).map((a) => a.decision).sort()).toEqual([...Array(4).fill('allow'), ...Array(6).fill('block')])
    expect((await assessmentsOf(payer.id)).map((a) => a.decision).sort()).toEqual([...Array(4).fill('allow'), ...Array(6).fill('block')])
    const balance = await from({}, other.token, 'GET', '/v1/me/wallet')
    expect(balance.body.balances).toEqual([expect.objectContaining({ currency: 'IRR', available: '40' })])
  })

  it('a busy window is counted only until past its limit: the reason then says "more than"', async () => {
    // A device's window is read row by row (a user's, from running totals, is always exact).
    await setRules({ velocity: [{ id: 'two', subject: 'device', windowSeconds: 3600, maxCount: 2, score: 0, action: 'block' }] })
    const c = await customer()
    await fund(c.id)
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await walletPay(c.token, { device: 'phone-busy-window' })).status)
    expect(statuses).toEqual([201, 201, 403, 403])
    type Values = { reasons: { detail: string; values: Record<string, string> }[] }
    const [fourth, third] = (await assessmentsOf(c.id)) as unknown as Values[]
    // The third saw the whole window (2 before it); the fourth's count stopped at 3 rows read.
    expect(third.reasons[0]).toMatchObject({ detail: 'device: 3 operations in 3600 s (at most 2)', values: { observed: '3' } })
    expect(third.reasons[0].values.atLeast).toBeUndefined()
    expect(fourth.reasons[0]).toMatchObject({
      detail: 'device: more than 2 operations in 3600 s (at most 2)',
      values: { measure: 'count', limit: '2', atLeast: 'true' },
    })
  })

  it('a window read full is not read again while the row that filled it is in it, and is read again after', async () => {
    await setRules({ velocity: [{ id: 'one', subject: 'device', windowSeconds: 2, maxCount: 1, score: 0, action: 'block' }] })
    const c = await customer()
    await fund(c.id)
    const device = { device: `phone-full-${c.id.slice(-8)}` }
    // The third finds the window full (two rows, the cap): remembered from then on.
    const statuses = [(await walletPay(c.token, device)).status, (await walletPay(c.token, device)).status]
    statuses.push((await walletPay(c.token, device)).status)
    expect(statuses).toEqual([201, 403, 403])
    // Moved out of the window behind its back: read again, it would be empty; remembered, it is full.
    await t.database.query(`update fraud_assessments set created_at = now() - interval '1 hour' where device_id = $1`, [device.device])
    expectOpaqueBlock(await walletPay(c.token, device))
    const [remembered] = (await assessmentsOf(c.id)) as unknown as { reasons: { values: Record<string, string> }[] }[]
    expect(remembered.reasons[0].values).toMatchObject({ atLeast: 'true' })
    // Once the row that filled it has left the window (2 s), the window is read again: quiet, it lets one through.
    await expect.poll(async () => (await walletPay(c.token, device)).status, { interval: 2500, timeout: 15_000 }).toBe(201)
  })

  it('a user’s window is counted exactly from its running totals, however busy', async () => {
    await setRules({ velocity: [{ id: 'two', subject: 'user', windowSeconds: 3600, maxCount: 2, score: 0, action: 'block' }] })
    const c = await customer()
    await fund(c.id)
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await walletPay(c.token)).status)
    expect(statuses).toEqual([201, 201, 403, 403, 403])
    type Values = { reasons: { detail: string; values: Record<string, string> }[] }
    const [fifth] = (await assessmentsOf(c.id)) as unknown as Values[]
    // Every attempt counts, the blocked ones too: the fifth is the fifth.
    expect(fifth.reasons[0]).toMatchObject({ detail: 'user: 5 operations in 3600 s (at most 2)', values: { observed: '5' } })
    const totals = await t.database.query(
      `select user_count, user_amount::text from fraud_assessments where user_id = $1 order by user_count`,
      [c.id],
    )
    // The running totals: numbered one by one; the amount sums only what was not blocked.
    expect(totals.rows).toEqual([1, 2, 3, 4, 5].map((n) => ({ user_count: n, user_amount: n < 3 ? String(n * 1000) : '2000' })))
  })

  it('per address: different users behind one address trip it; another address does not', async () => {
    await setRules(reviewThenBlock('ip'))
    const ip = '198.51.100.23'
    const users = [await customer(), await customer(), await customer(), await customer(), await customer()]
    for (const u of users) await fund(u.id)
    const statuses = []
    for (const u of users.slice(0, 4)) statuses.push((await walletPay(u.token, { ip })).status)
    expect(statuses).toEqual([201, 201, 201, 403])
    expect((await walletPay(users[4].token, { ip: '198.51.100.24' })).status).toBe(201)
    const [blocked] = await assessmentsOf(users[3].id)
    expect(blocked).toMatchObject({ decision: 'block', ip })
    // IPv4 seen through an IPv6 socket is the same address.
    expect((await walletPay(users[4].token, { ip: `::ffff:${ip}` })).status).toBe(403)
  })

  it('per device: different users and addresses on one device trip it; a bad device id is a 400', async () => {
    await setRules(reviewThenBlock('device'))
    const device = 'phone-7f3a9c21'
    const users = [await customer(), await customer(), await customer(), await customer()]
    for (const u of users) await fund(u.id)
    const statuses = []
    for (const [i, u] of users.entries()) statuses.push((await walletPay(u.token, { device, ip: `192.0.2.${i + 1}` })).status)
    expect(statuses).toEqual([201, 201, 201, 403])
    const [blocked] = await assessmentsOf(users[3].id)
    expect(blocked).toMatchObject({
      decision: 'block',
      deviceId: device,
      reasons: expect.arrayContaining([expect.objectContaining({ id: 'device-4' })]),
    })
    for (const bad of ['short', 'has space in it', 'x'.repeat(129), 'device/with/slash'])
      expect([bad, (await walletPay(users[0].token, { device: bad })).status]).toEqual([bad, 400])
  })

  it('sums amounts per currency in the window, counting what was not blocked', async () => {
    await setRules({
      velocity: [{ id: 'daily', subject: 'user', windowSeconds: 86_400, maxAmount: { IRR: '10000' }, score: 100 }],
    })
    const c = await customer()
    await fund(c.id)
    expect((await walletPay(c.token, {}, '6000')).status).toBe(201)
    expect((await walletPay(c.token, {}, '5000')).status).toBe(403)
    // The blocked 5000 moved nothing: 4000 more still fits.
    expect((await walletPay(c.token, {}, '4000')).status).toBe(201)
    expect((await walletPay(c.token, {}, '1')).status).toBe(403)
  })

  it.each(['user', 'device'] as const)(
    'a %s’s rules each count only their own window (running totals for a user, one shared scan for a device)',
    async (subject) => {
      await setRules({
        velocity: [
          { id: 'burst', subject, windowSeconds: 600, maxCount: 1, score: 0, action: 'block' },
          { id: 'daily', subject, windowSeconds: 86_400, maxAmount: { IRR: '2500' }, score: 0, action: 'block' },
        ],
      })
      const c = await customer()
      await fund(c.id)
      const device = { device: `phone-${subject}-windows` }
      const anHourAgo = () =>
        t.database.query(`update fraud_assessments set created_at = now() - interval '1 hour' where user_id = $1`, [c.id])
      expect((await walletPay(c.token, device, '1000')).status).toBe(201)
      await anHourAgo()
      // The hour-old one is out of the burst's ten minutes (counted there, this one is a second: 403).
      expect((await walletPay(c.token, device, '1000')).status).toBe(201)
      await anHourAgo()
      // Both are in the day's amount: 3000 is over 2500, and only the daily rule says so.
      const third = await walletPay(c.token, device, '1000')
      expectOpaqueBlock(third)
      const [blocked] = await assessmentsOf(c.id)
      expect(blocked.reasons.map((r) => r.id)).toEqual(['daily'])
    },
  )

  it('a rule naming its operations counts only those', async () => {
    await setRules({
      velocity: [
        { id: 'wallet', subject: 'user', windowSeconds: 3600, maxCount: 1, score: 0, action: 'block', operations: ['wallet_payment'] },
        { id: 'all', subject: 'user', windowSeconds: 3600, maxCount: 3, score: 0, action: 'block' },
      ],
    })
    const c = await customer()
    await fund(c.id)
    const order = { ...payBody(), purpose: { type: 'order' }, returnUrl: 'https://shop.example.com/x' }
    for (const key of ['a', 'b'])
      expect((await from({}, c.token, 'POST', '/v1/payments', order, { 'idempotency-key': key })).status).toBe(201)
    // Two payments before it, but the wallet rule counts wallet payments only: the first one passes.
    expect((await walletPay(c.token)).status).toBe(201)
    expectOpaqueBlock(await walletPay(c.token))
    // Every operation counts for the other rule (the blocked one too): a third payment is the fifth.
    expectOpaqueBlock(await from({}, c.token, 'POST', '/v1/payments', order, { 'idempotency-key': 'c' }))
  })
})

describe('blocklists', () => {
  it('an e-mail domain, in any case or script, blocks payments, transfers and withdrawals', async () => {
    const entry = await api(
      t,
      'POST',
      '/v1/admin/fraud/blocklist',
      admin,
      { kind: 'email_domain', value: 'Throwaway.Example', note: 'disposable' },
      { 'idempotency-key': 'bl-1' },
    )
    expect(entry.status).toBe(201)
    expect(entry.body).toMatchObject({ kind: 'email_domain', value: 'throwaway.example', note: 'disposable' })
    const bad = await customer({ email: `mallory-${Date.now()}@mail.THROWAWAY.example` })
    const good = await customer()
    await fund(bad.id)
    expectOpaqueBlock(await walletPay(bad.token))
    expectOpaqueBlock(await from({}, bad.token, 'POST', '/v1/wallet/transfers', { to: good.id, amount: '10', currency: 'IRR' }))
    expectOpaqueBlock(
      await from({}, bad.token, 'POST', '/v1/wallet/withdrawals', {
        amount: '10',
        currency: 'IRR',
        destination: 'IR06 2960 0000 0010 0324 2000 01',
      }),
    )
    expectOpaqueBlock(
      await from({}, bad.token, 'POST', '/v1/payments', {
        ...payBody(),
        purpose: { type: 'order' },
        returnUrl: 'https://shop.example.com/x',
      }),
    )
    const written = await t.database.query(
      `select (select count(*)::int from wallet_payments where user_id = $1) as pays,
              (select count(*)::int from wallet_withdrawals where user_id = $1) as withdrawals,
              (select count(*)::int from payments where customer_id = $1) as payments,
              (select count(*)::int from ledger_transfers where kind = 'transfer' and created_by = $2) as transfers`,
      [bad.id, `user:${bad.id}`],
    )
    expect(written.rows[0]).toEqual({ pays: 0, withdrawals: 0, payments: 0, transfers: 0 })
    expect((await assessmentsOf(bad.id)).map((a) => a.operation)).toEqual(['payment', 'withdrawal', 'transfer', 'wallet_payment'])
    expect((await walletPay(good.token)).status).not.toBe(403)

    // Taken off the list, it applies at once.
    expect(
      (await api(t, 'DELETE', `/v1/admin/fraud/blocklist/${entry.body.id}`, admin, undefined, { 'idempotency-key': 'bl-del-1' })).status,
    ).toBe(204)
    expect((await walletPay(bad.token)).status).toBe(201)
  })

  it('entries are checked, listed once, paged and removed once', async () => {
    const add = (body: unknown) => api(t, 'POST', '/v1/admin/fraud/blocklist', admin, body, { 'idempotency-key': `bl-${Math.random()}` })
    for (const body of [
      { kind: 'ip', value: '300.1.1.1' },
      { kind: 'ip', value: '10.0.0.0/33' },
      { kind: 'email_domain', value: 'not a domain' },
      { kind: 'device', value: 'short' },
      { kind: 'card_fingerprint', value: 'has space' },
      { kind: 'phone', value: '123' },
      { kind: 'ip', value: '' },
      { kind: 'ip', value: 'x'.repeat(201) },
      { kind: 'ip', value: 42 },
      { kind: 'ip' },
      { kind: 'ip', value: '10.0.0.1', extra: true },
    ])
      expect([JSON.stringify(body).slice(0, 60), (await add(body)).status]).toEqual([JSON.stringify(body).slice(0, 60), 400])
    expect((await add({ kind: 'ip', value: '10.9.0.0/16' })).status).toBe(201)
    const again = await add({ kind: 'ip', value: '10.9.0.0/16' })
    expect(again.status).toBe(409)
    expect(again.body.type).toContain('fraud_blocklist_exists')
    expect((await add({ kind: 'ip', value: '2001:DB8::/48' })).body.value).toBe('2001:db8::/48')
    const page = await api(t, 'GET', '/v1/admin/fraud/blocklist?kind=ip&limit=1', admin)
    expect(page.body.items).toHaveLength(1)
    const next = await api(t, 'GET', `/v1/admin/fraud/blocklist?kind=ip&limit=1&cursor=${page.body.nextCursor}`, admin)
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id)
    expect((await api(t, 'GET', '/v1/admin/fraud/blocklist?cursor=nonsense', admin)).status).toBe(400)
    const gone = () =>
      api(t, 'DELETE', `/v1/admin/fraud/blocklist/${page.body.items[0].id}`, admin, undefined, { 'idempotency-key': `d-${Math.random()}` })
    expect((await gone()).status).toBe(204)
    expect((await gone()).status).toBe(404)
    const audit = await t.database.query(`select count(*)::int as n from audit_log where action like 'fraud_blocklist.%'`)
    expect(audit.rows[0].n).toBeGreaterThanOrEqual(4)
  })

  it('a card a gateway reported at capture goes to review, and blocks its payer from then on', async () => {
    const c = await customer()
    await fund(c.id)
    const created = await api(
      t,
      'POST',
      '/v1/payments',
      c.token,
      { amount: '5000', currency: 'IRR', purpose: { type: 'order', ref: 'card-1' }, returnUrl: 'https://shop.example.com/x' },
      { 'idempotency-key': `card-${c.id}` },
    )
    expect(created.status).toBe(201)
    await payAtTestGateway(t, created.body.nextAction.url, 'pay')
    // Listed first: the capture job may screen the payment as soon as its receipt names the card.
    await api(
      t,
      'POST',
      '/v1/admin/fraud/blocklist',
      admin,
      { kind: 'card_fingerprint', value: 'FP-STOLEN-1' },
      { 'idempotency-key': 'card-bl' },
    )
    // The built-in test gateway reports no card; a real one would (Zarinpal's card_hash, for example).
    await t.database.query(`update payment_attempts set receipt = receipt || '{"card_fingerprint": "FP-STOLEN-1"}' where payment_id = $1`, [
      created.body.id,
    ])
    const payment = (await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body.payment
    const screened = await t.caravan.services.fraud.screenCapture(payment)
    expect(screened).toMatchObject({
      operation: 'payment_capture',
      decision: 'block',
      cardFingerprint: 'FP-STOLEN-1',
      review: { status: 'open' },
    })
    // Screening the same capture again (the job, redelivered) records nothing more.
    expect((await t.caravan.services.fraud.screenCapture(payment))?.id).toBe(screened!.id)
    // The user paid with that card: their next operation is blocked.
    expectOpaqueBlock(await walletPay(c.token))
  })
})

describe('young accounts', () => {
  it('are limited per operation; the host’s signedUpAt makes an older account', async () => {
    await setRules({ accountAge: [{ id: 'young', maxAgeDays: 2, maxAmount: { IRR: '5000' }, score: 100 }] })
    const c = await customer()
    await fund(c.id)
    expect((await walletPay(c.token, {}, '5000')).status).toBe(201)
    expectOpaqueBlock(await walletPay(c.token, {}, '5001'))
    const [blocked] = await assessmentsOf(c.id)
    expect(blocked.reasons).toEqual([expect.objectContaining({ rule: 'account_age', id: 'young' })])

    const order = (customerId: unknown, ref: string) =>
      api(
        t,
        'POST',
        '/v1/payments',
        admin,
        { amount: '9000', currency: 'IRR', purpose: { type: 'order', ref }, customerId, returnUrl: 'https://shop.example.com/x' },
        { 'idempotency-key': ref },
      )
    const fresh = await order({ externalId: 'fresh-1', name: 'Fresh customer' }, 'young-1')
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(403)
    const old = await order({ externalId: 'old-1', attributes: { signedUpAt: '2019-03-01T00:00:00Z' } }, 'young-2')
    expect(old.status).toBe(201)
    // An admin paid for someone else: the admin's address is not the customer's.
    const [assessed] = (await api(t, 'GET', `/v1/admin/fraud/assessments?ref=${old.body.id}`, admin)).body.items
    expect(assessed).toMatchObject({ operation: 'payment', userId: old.body.customerId, ip: null, decision: 'allow' })
  })
})

describe('payments', () => {
  it('a retried create with the same Idempotency-Key is assessed once; a country mismatch is a reason', async () => {
    await setRules({ thresholds: { review: 20, block: 100 }, countryMismatch: { score: 20 } })
    const c = await customer()
    const body = {
      amount: '1000',
      currency: 'IRR',
      purpose: { type: 'order', ref: 'o-9' },
      country: 'de',
      returnUrl: 'https://shop.example.com/x',
    }
    // The host says the user lives in Iran.
    await t.database.query(`update users set attributes = '{"country": "IR"}' where id = $1`, [c.id])
    const first = await api(t, 'POST', '/v1/payments', c.token, body, { 'idempotency-key': 'same-key' })
    const again = await api(t, 'POST', '/v1/payments', c.token, body, { 'idempotency-key': 'same-key' })
    expect([first.status, again.status]).toEqual([201, 201])
    expect(again.body.id).toBe(first.body.id)
    const mine = await assessmentsOf(c.id)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ ref: first.body.id, decision: 'review', ip: '127.0.0.1', reasons: [{ rule: 'country_mismatch' }] })
  })
  it('a burst with one Idempotency-Key sent five times among other payments counts that payment once', async () => {
    // Sent at once, the burst's assessments are decided together (in one batch): the key's twins
    // must not count as operations, or the fourth distinct payment would be blocked.
    await setRules({ velocity: [{ id: 'four', subject: 'user', windowSeconds: 3600, maxCount: 4, score: 0, action: 'block' }] })
    const c = await customer()
    const body = (ref: string) => ({
      amount: '1000',
      currency: 'IRR',
      purpose: { type: 'order', ref },
      returnUrl: 'https://shop.example.com/x',
    })
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => api(t, 'POST', '/v1/payments', c.token, body('same'), { 'idempotency-key': 'burst-key' })),
      ...['a', 'b', 'c'].map((ref) => api(t, 'POST', '/v1/payments', c.token, body(ref), { 'idempotency-key': `burst-${ref}` })),
    ])
    // A twin that arrives while the first is still at the gateway is told to retry (409); none is refused by the rules.
    for (const a of answers) expect([201, 409], JSON.stringify(a.body)).toContain(a.status)
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id))
    const mine = await assessmentsOf(c.id)
    expect(mine.map((a) => a.decision)).toEqual(['allow', 'allow', 'allow', 'allow'])
    expect(ids.size).toBeLessThanOrEqual(4)
    const { rows } = await t.database.query(`select count(*)::int as n from payments where customer_id = $1`, [c.id])
    expect(rows[0].n).toBe(4)
  })

  it('a retry of a payment assessed earlier counts for nothing when it comes with other payments', async () => {
    await setRules({ velocity: [{ id: 'four', subject: 'user', windowSeconds: 3600, maxCount: 4, score: 0, action: 'block' }] })
    const c = await customer()
    const pay = (ref: string, key: string) =>
      api(
        t,
        'POST',
        '/v1/payments',
        c.token,
        { amount: '1000', currency: 'IRR', purpose: { type: 'order', ref }, returnUrl: 'https://shop.example.com/x' },
        { 'idempotency-key': key },
      )
    const first = await pay('first', 'retried-key')
    expect(first.status).toBe(201)
    // The retries reach the fraud check in the same batches as three new payments: 1 + 3 = 4 fit.
    const answers = await Promise.all([
      ...Array.from({ length: 3 }, () => pay('first', 'retried-key')),
      ...['a', 'b', 'c'].map((ref) => pay(ref, `new-${ref}`)),
    ])
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201])
    expect(new Set(answers.slice(0, 3).map((a) => a.body.id))).toEqual(new Set([first.body.id]))
    expect((await assessmentsOf(c.id)).map((a) => a.decision)).toEqual(['allow', 'allow', 'allow', 'allow'])
  })

  it('payments at once: each one’s amount window counts the ones decided before it in the same batch', async () => {
    await setRules({
      velocity: [{ id: 'daily', subject: 'user', windowSeconds: 86_400, maxAmount: { IRR: '10000' }, score: 100, action: 'block' }],
    })
    const c = await customer()
    const pay = (ref: string) =>
      api(
        t,
        'POST',
        '/v1/payments',
        c.token,
        { amount: '3000', currency: 'IRR', purpose: { type: 'order', ref }, returnUrl: 'https://shop.example.com/x' },
        { 'idempotency-key': `sum-${ref}` },
      )
    // 3000, 6000, 9000 fit; 12000 does not (nor the fifth, 12000 too: a blocked one adds nothing).
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(pay))
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 403, 403])
    const mine = await assessmentsOf(c.id)
    expect(mine.map((a) => a.decision).sort()).toEqual(['allow', 'allow', 'allow', 'block', 'block'])
  })

  it('payments at once in two currencies each sum their own currency (a window read once per batch is read per currency)', async () => {
    await setRules({
      velocity: [{ id: 'daily', subject: 'user', windowSeconds: 86_400, maxAmount: { IRR: '10000', USD: '1000' }, score: 100 }],
    })
    const c = await customer()
    const pay = (amount: string, currency: string, ref: string) =>
      api(
        t,
        'POST',
        '/v1/payments',
        c.token,
        { amount, currency, purpose: { type: 'order', ref }, returnUrl: 'https://shop.example.com/x' },
        { 'idempotency-key': `cur-${ref}` },
      )
    expect([(await pay('6000', 'IRR', 'i0')).status, (await pay('600', 'USD', 'u0')).status]).toEqual([201, 201])
    // 9000 of 10000 IRR and 900 of 1000 USD: all fit, in whichever batches they land.
    const fit = await Promise.all(['1', '2', '3'].flatMap((n) => [pay('1000', 'IRR', `i${n}`), pay('100', 'USD', `u${n}`)]))
    expect(fit.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201])
    const over = await Promise.all([pay('2000', 'IRR', 'i4'), pay('200', 'USD', 'u4')])
    expect(over.map((a) => a.status)).toEqual([403, 403])
  })
})

describe('the rules', () => {
  it('change at once, refuse a stale version, and are audited', async () => {
    const now = await api(t, 'GET', '/v1/admin/fraud/rules', admin)
    const next = await api(
      t,
      'PUT',
      '/v1/admin/fraud/rules',
      admin,
      { version: now.body.version, rules: { ...now.body.rules, enabled: false } },
      { 'idempotency-key': `rules-${now.body.version}` },
    )
    expect(next.status).toBe(200)
    expect(next.body).toMatchObject({ version: now.body.version + 1, updatedBy: expect.stringMatching(/^user:/) })
    // Off: nothing assessed, nothing recorded.
    const c = await customer()
    await fund(c.id)
    expect((await walletPay(c.token)).status).toBe(201)
    expect(await assessmentsOf(c.id)).toEqual([])
    const stale = await api(t, 'PUT', '/v1/admin/fraud/rules', admin, { version: now.body.version, rules: now.body.rules })
    expect(stale.status).toBe(409)
    expect(stale.body.type).toContain('fraud_rules_changed')
    // Two admins at once on the same version: one change.
    const both = await Promise.all([
      api(t, 'PUT', '/v1/admin/fraud/rules', admin, { version: next.body.version, rules: DEFAULT_RULES }),
      api(t, 'PUT', '/v1/admin/fraud/rules', admin, { version: next.body.version, rules: { ...DEFAULT_RULES, countryMismatch: null } }),
    ])
    expect(both.map((r) => r.status).sort()).toEqual([200, 409])
    const audit = await t.database.query(`select data from audit_log where action = 'fraud_rules.updated' order by seq desc limit 1`)
    expect(audit.rows[0].data).toMatchObject({ version: next.body.version + 1 })
  })

  it('refuse bad documents with 400 and change nothing', async () => {
    const before = (await api(t, 'GET', '/v1/admin/fraud/rules', admin)).body
    const good = before.rules as FraudRules
    const velocity = { id: 'v', subject: 'user', windowSeconds: 60, maxCount: 1, score: 10 }
    const bad: unknown[] = [
      {},
      { version: before.version },
      { version: -1, rules: good },
      { version: 1.5, rules: good },
      { version: before.version, rules: { ...good, thresholds: { review: 80, block: 50 } } },
      { version: before.version, rules: { ...good, thresholds: { review: 0, block: 50 } } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, maxCount: undefined }] } },
      { version: before.version, rules: { ...good, velocity: [velocity, { ...velocity, subject: 'ip' }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, subject: 'planet' }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, windowSeconds: 10 ** 12 }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, score: 101 }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, id: 'قانون' }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, maxAmount: { IRR: '-5' } }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, maxAmount: { XXX: '5' } }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, maxAmount: { IRR: 1e30 } }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, operations: [] }] } },
      { version: before.version, rules: { ...good, velocity: [{ ...velocity, operations: ['payment_capture'] }] } },
      { version: before.version, rules: { ...good, velocity: Array.from({ length: 51 }, (_, i) => ({ ...velocity, id: `v${i}` })) } },
      { version: before.version, rules: { ...good, accountAge: [{ id: 'a', maxAgeDays: 1, maxAmount: {}, score: 1 }] } },
      { version: before.version, rules: { ...good, blocklists: { ...good.blocklists, ip: { score: 10, action: 'ban' } } } },
      { version: before.version, rules: { ...good, surprise: true } },
      { version: before.version, rules: { ...good, enabled: 'yes' } },
    ]
    for (const body of bad) {
      const res = await api(t, 'PUT', '/v1/admin/fraud/rules', admin, body)
      expect([JSON.stringify(body).slice(0, 120), res.status]).toEqual([JSON.stringify(body).slice(0, 120), 400])
      expect(res.body.errors?.length).toBeGreaterThan(0)
    }
    expect((await api(t, 'GET', '/v1/admin/fraud/rules', admin)).body).toEqual(before)
  })
})

describe('the review queue', () => {
  const reviewAll: Partial<FraudRules> = {
    accountAge: [{ id: 'all', maxAgeDays: 3650, maxAmount: { IRR: '1' }, score: 0, action: 'review' }],
  }

  it('lists open reviews; two admins deciding at once make one decision; a retry answers the first', async () => {
    await setRules(reviewAll)
    const c = await customer()
    await fund(c.id)
    const device = 'tablet-0000-1111'
    await walletPay(c.token, { device, ip: '203.0.113.50' })
    await walletPay(c.token)
    const [second, first] = await assessmentsOf(c.id)
    const open = await api(t, 'GET', '/v1/admin/fraud/reviews?status=open&limit=100', admin)
    expect(open.body.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([first.id, second.id]))

    const other = (await adminSession(t)).accessToken
    const decisions = await Promise.all([
      api(t, 'POST', `/v1/admin/fraud/reviews/${first.id}/approve`, admin, { note: 'known customer' }, { 'idempotency-key': 'a-1' }),
      api(t, 'POST', `/v1/admin/fraud/reviews/${first.id}/reject`, other, {}, { 'idempotency-key': 'a-2' }),
    ])
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409])
    const loser = decisions.find((d) => d.status === 409)!
    expect(loser.body.type).toContain('fraud_review_decided')
    const winner = decisions.find((d) => d.status === 200)!
    const replay = await api(
      t,
      'POST',
      `/v1/admin/fraud/reviews/${first.id}/${winner === decisions[0] ? 'approve' : 'reject'}`,
      winner === decisions[0] ? admin : other,
      winner === decisions[0] ? { note: 'known customer' } : {},
      { 'idempotency-key': winner === decisions[0] ? 'a-1' : 'a-2' },
    )
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.body).toEqual(winner.body)

    // Rejecting puts the facts it asks for on the blocklist, at once.
    const rejected = await api(
      t,
      'POST',
      `/v1/admin/fraud/reviews/${second.id}/reject`,
      admin,
      { note: 'mule', block: ['ip', 'device', 'card_fingerprint'] },
      { 'idempotency-key': 'r-1' },
    )
    expect(rejected.status).toBe(200)
    expect(rejected.body.review).toMatchObject({ status: 'rejected', note: 'mule', decidedBy: expect.stringMatching(/^user:/) })
    const listed = (await api(t, 'GET', '/v1/admin/fraud/blocklist?limit=100', admin)).body.items.map(
      (e: { kind: string; value: string }) => `${e.kind}:${e.value}`,
    )
    // The second payment came from 127.0.0.1 and no device: only its address is listed (no card was known).
    expect(listed).toContain('ip:127.0.0.1')
    expect(listed).not.toContain(`device:${device}`)
    const closed = await api(t, 'GET', '/v1/admin/fraud/reviews?status=rejected&limit=100', admin)
    expect(closed.body.items.map((r: { id: string }) => r.id)).toContain(second.id)
    expect((await api(t, 'POST', `/v1/admin/fraud/reviews/${second.id}/approve`, admin, {})).status).toBe(409)
    // Everyone on 127.0.0.1 is blocked now: take it off again for the tests that follow.
    const entry = (await api(t, 'GET', '/v1/admin/fraud/blocklist?kind=ip&limit=100', admin)).body.items.find(
      (e: { value: string }) => e.value === '127.0.0.1',
    )
    expect((await api(t, 'DELETE', `/v1/admin/fraud/blocklist/${entry.id}`, admin)).status).toBe(204)

    // Not a review, not an assessment, not an id.
    const allowed = (await api(t, 'GET', '/v1/admin/fraud/assessments?decision=allow&limit=1', admin)).body.items[0]
    expect((await api(t, 'POST', `/v1/admin/fraud/reviews/${allowed.id}/approve`, admin, {})).status).toBe(404)
    expect((await api(t, 'POST', '/v1/admin/fraud/reviews/01900000-0000-7000-8000-000000000000/approve', admin, {})).status).toBe(404)
    expect((await api(t, 'POST', '/v1/admin/fraud/reviews/nope/approve', admin, {})).status).toBe(400)
    expect((await api(t, 'POST', `/v1/admin/fraud/reviews/${first.id}/reject`, admin, { block: ['planet'] })).status).toBe(400)
    expect((await api(t, 'POST', `/v1/admin/fraud/reviews/${first.id}/approve`, admin, { note: 'x'.repeat(501) })).status).toBe(400)
    expect((await api(t, 'GET', '/v1/admin/fraud/reviews?status=maybe', admin)).status).toBe(400)
    expect((await api(t, 'GET', `/v1/admin/fraud/assessments/${first.id}`, admin)).body.review.status).toMatch(/approved|rejected/)
    expect((await api(t, 'GET', '/v1/admin/fraud/assessments/01900000-0000-7000-8000-000000000000', admin)).status).toBe(404)
  })

  it('a withdrawal in review cannot be approved until its review is; a rejected review rejects it', async () => {
    await setRules({ ...reviewAll, accountAge: [{ ...reviewAll.accountAge![0], operations: ['withdrawal'] }] })
    const c = await customer()
    await fund(c.id, '10000')
    const withdraw = (amount: string) =>
      from(
        {},
        c.token,
        'POST',
        '/v1/wallet/withdrawals',
        { amount, currency: 'IRR', destination: 'IR06 2960 0000 0010 0324 2000 01' },
        {
          'idempotency-key': `w-${Math.random()}`,
        },
      )
    const first = await withdraw('3000')
    expect(first.status).toBe(201)
    expect(first.body.status).toBe('pending')
    const [review] = (await api(t, 'GET', `/v1/admin/fraud/assessments?ref=${first.body.id}`, admin)).body.items
    expect(review).toMatchObject({ operation: 'withdrawal', decision: 'review', review: { status: 'open' } })

    const early = await api(t, 'POST', `/v1/admin/wallet/withdrawals/${first.body.id}/approve`, admin, {})
    expect(early.status).toBe(409)
    expect(early.body.type).toContain('fraud_review_open')
    expect((await api(t, 'POST', `/v1/admin/fraud/reviews/${review.id}/approve`, admin, {}, { 'idempotency-key': 'w-ok' })).status).toBe(
      200,
    )
    expect((await api(t, 'POST', `/v1/admin/wallet/withdrawals/${first.body.id}/approve`, admin, {})).body.status).toBe('approved')

    const second = await withdraw('4000')
    const [review2] = (await api(t, 'GET', `/v1/admin/fraud/assessments?ref=${second.body.id}`, admin)).body.items
    const wallet = async () => (await api(t, 'GET', '/v1/me/wallet', c.token)).body.balances[0]
    expect(await wallet()).toMatchObject({ balance: '7000', held: '4000' })
    // The review's rejection and an approval of the withdrawal at once: never both.
    const race = await Promise.all([
      api(t, 'POST', `/v1/admin/fraud/reviews/${review2.id}/reject`, admin, { note: 'stolen account' }, { 'idempotency-key': 'w-no' }),
      api(t, 'POST', `/v1/admin/wallet/withdrawals/${second.body.id}/approve`, admin, {}),
    ])
    expect(race.map((r) => r.status)).toEqual([200, 409])
    const { rows } = await t.database.query(`select status, note from wallet_withdrawals where id = $1`, [second.body.id])
    expect(rows[0]).toEqual({ status: 'rejected', note: 'Refused after a fraud review' })
    expect(await wallet()).toMatchObject({ balance: '7000', held: '0', available: '7000' })
    expect((await api(t, 'POST', `/v1/admin/wallet/withdrawals/${second.body.id}/approve`, admin, {})).status).toBe(409)
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })
})

describe('access', () => {
  it('customers (and agents) get 403 on every admin route; nobody signed out gets in', async () => {
    const c = await customer()
    const agent = await customer()
    await t.database.query(`update users set role = 'agent' where id = $1`, [agent.id])
    const agentToken = (
      await t.caravan.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: agent.email, password: 'correct horse battery' },
      })
    ).json().accessToken
    const id = '01900000-0000-7000-8000-000000000000'
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/admin/fraud/rules'],
      ['PUT', '/v1/admin/fraud/rules', { version: 0, rules: DEFAULT_RULES }],
      ['GET', '/v1/admin/fraud/reviews'],
      ['POST', `/v1/admin/fraud/reviews/${id}/approve`, {}],
      ['POST', `/v1/admin/fraud/reviews/${id}/reject`, {}],
      ['GET', '/v1/admin/fraud/assessments'],
      ['GET', `/v1/admin/fraud/assessments/${id}`],
      ['GET', '/v1/admin/fraud/blocklist'],
      ['POST', '/v1/admin/fraud/blocklist', { kind: 'ip', value: '10.0.0.1' }],
      ['DELETE', `/v1/admin/fraud/blocklist/${id}`],
    ]
    for (const [method, url, body] of routes) {
      for (const token of [c.token, agentToken])
        expect([method, url, (await api(t, method, url, token, body)).status]).toEqual([method, url, 403])
      const anonymous = await t.caravan.app.inject({ method: method as 'GET', url, ...(body ? { payload: body as object } : {}) })
      expect([method, url, anonymous.statusCode]).toEqual([method, url, 401])
    }
  })

  it('the export holds a user’s operations but not the scores; erasure drops the facts and keeps the decisions', async () => {
    const c = await customer()
    await fund(c.id)
    await walletPay(c.token, { device: 'laptop-00000001' })
    const exported = (await t.caravan.privacy.exportAll(c.id)).fraud as Record<string, unknown>[]
    expect(exported).toEqual([expect.objectContaining({ operation: 'wallet_payment', deviceId: 'laptop-00000001', decision: 'allow' })])
    expect(exported[0]).not.toHaveProperty('reasons')
    expect(exported[0]).not.toHaveProperty('score')
    await t.database.db.transaction((tx) => t.caravan.privacy.eraseAll(tx, c.id))
    const [after] = await assessmentsOf(c.id)
    expect(after).toMatchObject({ decision: 'allow', ip: null, deviceId: null })
  })
})

describe('defaults', () => {
  it('leave ordinary use alone: a burst of payments by a new account is at most reviewed', async () => {
    const current = await api(t, 'GET', '/v1/admin/fraud/rules', admin)
    await api(t, 'PUT', '/v1/admin/fraud/rules', admin, { version: current.body.version, rules: DEFAULT_RULES })
    const c = await customer()
    await fund(c.id, '100000000')
    const answers = await Promise.all(Array.from({ length: 30 }, () => walletPay(c.token, {}, '100')))
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201))
    const mine = await assessmentsOf(c.id)
    expect(mine).toHaveLength(30)
    expect(new Set(mine.map((a) => a.decision))).toEqual(new Set(['allow']))
  })
})
