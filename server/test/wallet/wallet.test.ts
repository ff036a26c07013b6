// The wallet through its API: a wallet_topup payment paid at the test gateway credits the wallet
// exactly once (the durable job, and the same event handled again), the history with running
// balances and its CSV statement, admin adjustments with Idempotency-Key and a reason, bad input,
// and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { payAtTestGateway } from '../helpers/payments'
import { until } from '../helpers/wait'
import { ledger } from '../../src/modules/wallet/ledger'
import { accountsRepo, walletPaymentsRepo } from '../../src/modules/wallet/repo'
import { derivedId, newId } from '../../src/core/db/ids'

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

const myWallet = async (token = customer.token) => (await api(t, 'GET', '/v1/me/wallet', token)).body
const irr = async (token = customer.token) => (await myWallet(token)).balances.find((b: { currency: string }) => b.currency === 'IRR')

/** Credits a wallet through an admin adjustment (once per key). */
async function fund(userId: string, amount: string, key = `fund-${userId}`) {
  const res = await api(
    t,
    'POST',
    '/v1/admin/wallet/adjustments',
    admin,
    { userId, currency: 'IRR', amount, reason: 'test funds' },
    { 'idempotency-key': key },
  )
  expect(res.status).toBe(201)
}

async function topUp(amount: string, key: string) {
  const created = await api(
    t,
    'POST',
    '/v1/payments',
    customer.token,
    { amount, currency: 'IRR', purpose: { type: 'wallet_topup' }, returnUrl: 'https://shop.example.com/wallet' },
    { 'idempotency-key': key },
  )
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const landed = await payAtTestGateway(t, created.body.nextAction.url, 'pay')
  expect(landed.searchParams.get('status')).toBe('succeeded')
  return created.body.id as string
}

describe('top-ups', () => {
  it('credit a succeeded wallet_topup payment once, with its running balance and statement', async () => {
    expect(await myWallet()).toEqual({
      balances: [],
      holds: [],
      // The customer sees the limits an admin set (here the defaults), so an app can say them.
      transferLimits: {
        IRR: { perTransfer: '1000000000', perDay: '2000000000' },
        USD: { perTransfer: '100000', perDay: '500000' },
        EUR: { perTransfer: '100000', perDay: '500000' },
      },
    })
    const first = await topUp('500000', 'topup-1')
    expect(await until(async () => (await irr())?.balance === '500000' && (await irr()))).toEqual({
      currency: 'IRR',
      balance: '500000',
      held: '0',
      available: '500000',
    })
    await topUp('250000', 'topup-2')
    await until(async () => (await irr())?.balance === '750000')

    // The same event handled again (a redelivered job) credits nothing more.
    const payment = (await api(t, 'GET', `/v1/payments/${first}`, customer.token)).body.payment
    expect(await t.caravan.services.wallet.creditTopUp(payment)).toBe(false)
    expect((await irr()).balance).toBe('750000')

    const history = await api(t, 'GET', '/v1/me/wallet/transactions?limit=1', customer.token)
    expect(history.status).toBe(200)
    expect(history.body.items).toEqual([
      expect.objectContaining({ kind: 'topup', amount: '250000', balanceAfter: '750000', currency: 'IRR' }),
    ])
    const older = await api(t, 'GET', `/v1/me/wallet/transactions?limit=1&cursor=${history.body.nextCursor}`, customer.token)
    expect(older.body.items).toEqual([expect.objectContaining({ amount: '500000', balanceAfter: '500000', ref: first })])
    expect(older.body.nextCursor).toBeNull()

    const csv = await t.caravan.app.inject({
      method: 'GET',
      url: '/v1/me/wallet/statement?currency=IRR',
      headers: { authorization: `Bearer ${customer.token}` },
    })
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    // A byte-order mark first: Excel reads the Persian in it as UTF-8 then.
    expect(csv.body.startsWith('\uFEFFdate,')).toBe(true)
    const lines = csv.body.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe('date,transaction,kind,amount,balance_after,currency,reference,memo')
    expect(lines.slice(1).map((l) => l.split(',').slice(2, 6))).toEqual([
      ['topup', '500000', '500000', 'IRR'],
      ['topup', '250000', '750000', 'IRR'],
    ])
    const { rows } = await t.database.query(
      `select count(*)::int as n from audit_log where action = 'wallet.topped_up' and target_id = $1`,
      [customer.id],
    )
    expect(rows[0]).toEqual({ n: 2 })
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body).toMatchObject({ ok: true, violations: [] })
  })

  it('does not credit order payments or failed top-ups', async () => {
    const before = (await irr())?.balance ?? '0'
    const order = await api(
      t,
      'POST',
      '/v1/payments',
      customer.token,
      { amount: '1000', currency: 'IRR', purpose: { type: 'order', ref: 'o-1' }, returnUrl: 'https://shop.example.com/x' },
      { 'idempotency-key': 'order-1' },
    )
    await payAtTestGateway(t, order.body.nextAction.url, 'pay')
    const failed = await api(
      t,
      'POST',
      '/v1/payments',
      customer.token,
      { amount: '1000', currency: 'IRR', purpose: { type: 'wallet_topup' }, returnUrl: 'https://shop.example.com/x' },
      { 'idempotency-key': 'topup-failed' },
    )
    await payAtTestGateway(t, failed.body.nextAction.url, 'fail')
    // Wait for the jobs to have run: the order's payment.succeeded job is done once no job is left.
    await until(async () => {
      const { rows } = await t.database.query(
        `select count(*)::int as n from pgboss.job where name = 'wallet-topup' and state in ('created', 'retry', 'active')`,
      )
      return rows[0].n === 0
    })
    expect((await irr())?.balance ?? '0').toBe(before)
  })
})

describe('refunds to the wallet', () => {
  async function paidOrder(amount: string) {
    const created = await api(
      t,
      'POST',
      '/v1/payments',
      customer.token,
      {
        amount,
        currency: 'IRR',
        purpose: { type: 'order', ref: `o-${Math.random().toString(36).slice(2)}` },
        returnUrl: 'https://shop.example.com/x',
      },
      { 'idempotency-key': `order-${Math.random()}` },
    )
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    await payAtTestGateway(t, created.body.nextAction.url, 'pay')
    return created.body.id as string
  }
  const refund = (token: string, paymentId: string, body: unknown) =>
    api(t, 'POST', `/v1/payments/${paymentId}/refunds`, token, body, { 'idempotency-key': `refund-${Math.random()}` })
  const balance = async () => BigInt((await irr())?.balance ?? '0')

  it('credit the customer at once, without the gateway, once per refund; top-ups go back the way they came', async () => {
    const start = await balance()
    const order = await paidOrder('3000')
    const done = await refund(admin, order, { amount: '1200', reason: 'requested_by_customer', destination: 'wallet' })
    expect(done.status).toBe(201)
    expect(done.body).toMatchObject({ status: 'succeeded', destination: 'wallet', amount: '1200', gatewayRefundId: null })
    await until(async () => (await balance()) === start + 1200n)
    const history = await api(t, 'GET', '/v1/me/wallet/transactions?limit=1', customer.token)
    expect(history.body.items[0]).toMatchObject({ kind: 'refund', amount: '1200', ref: order, memo: 'requested_by_customer' })
    expect((await api(t, 'GET', `/v1/payments/${order}`, customer.token)).body.payment.refundedAmount).toBe('1200')

    // The same refund's event handled again credits nothing more; more than is left is refused.
    const detail = (await api(t, 'GET', `/v1/payments/${order}`, admin)).body
    expect(await t.caravan.services.wallet.creditRefund(detail.payment, detail.refunds[0])).toBe(false)
    expect((await refund(admin, order, { amount: '1801', reason: 'other', destination: 'wallet' })).status).toBe(422)
    expect(await balance()).toBe(start + 1200n)

    const topUpId = await topUp('1000', `topup-${Math.random()}`)
    await until(async () => (await balance()) === start + 2200n)
    const intoItself = await refund(admin, topUpId, { reason: 'other', destination: 'wallet' })
    expect(intoItself.status).toBe(400)
    expect(intoItself.body.errors).toEqual([expect.objectContaining({ field: 'body.destination' })])
  })

  it('wait for approval when an API key asks, and credit the wallet once approved', async () => {
    const key = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'refunds', scopes: ['payments:refund'] })).body.key as string
    const start = await balance()
    const order = await paidOrder('2000')
    const asked = await refund(key, order, { reason: 'requested_by_customer', destination: 'wallet' })
    expect(asked.body).toMatchObject({ status: 'awaiting_approval', destination: 'wallet', amount: '2000' })
    expect(await balance()).toBe(start)
    const approved = await api(t, 'POST', `/v1/admin/refunds/${asked.body.id}/approve`, admin)
    expect(approved.body).toMatchObject({ status: 'succeeded', destination: 'wallet' })
    await until(async () => (await balance()) === start + 2000n)
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })
})

describe('admin adjustments', () => {
  const adjust = (body: unknown, key = `adj-${Math.random()}`, token = admin) =>
    api(t, 'POST', '/v1/admin/wallet/adjustments', token, body, { 'idempotency-key': key })

  it('credit and debit a wallet with a reason, once per Idempotency-Key, audited', async () => {
    const user = await registerUser(t)
    const body = { userId: user.user.id, currency: 'USD', amount: '1250', reason: 'Goodwill for the late delivery' }
    const first = await adjust(body, 'goodwill-1')
    expect(first.status).toBe(201)
    expect(first.body.balance).toEqual({ currency: 'USD', balance: '1250', held: '0', available: '1250' })
    const again = await adjust(body, 'goodwill-1')
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect((await adjust({ ...body, amount: '1' }, 'goodwill-1')).status).toBe(422)
    const debit = await adjust({ ...body, amount: '-250', reason: 'Correction: double credit' })
    expect(debit.body.balance.balance).toBe('1000')
    const history = await api(t, 'GET', '/v1/me/wallet/transactions?currency=USD', user.accessToken)
    expect(history.body.items.map((i: { amount: string; memo: string }) => [i.amount, i.memo])).toEqual([
      ['-250', 'Correction: double credit'],
      ['1250', 'Goodwill for the late delivery'],
    ])
    const { rows } = await t.database.query(
      `select data->>'reason' as reason from audit_log where action = 'wallet.adjusted' and target_id = $1 order by seq`,
      [user.user.id],
    )
    expect(rows.map((r: { reason: string }) => r.reason)).toEqual(['Goodwill for the late delivery', 'Correction: double credit'])
  })

  it('refuse a debit below zero with 409 and change nothing', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '100')
    const refused = await adjust({ userId: user.user.id, currency: 'IRR', amount: '-101', reason: 'too much' })
    expect(refused.status).toBe(409)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(refused.body.type).toContain('insufficient_funds')
    expect((await irr(user.accessToken)).balance).toBe('100')
  })

  it('answer bad input with 4xx problems, and only admins may adjust', async () => {
    const user = await registerUser(t)
    const good = { userId: user.user.id, currency: 'IRR', amount: '100', reason: 'a reason' }
    const cases: [unknown, number][] = [
      [{ ...good, amount: 100 }, 400],
      [{ ...good, amount: '0' }, 400],
      [{ ...good, amount: '1.5' }, 400],
      [{ ...good, amount: '9'.repeat(79) }, 400],
      [{ ...good, currency: 'XYZ' }, 400],
      [{ ...good, reason: '  ' }, 400],
      [{ ...good, reason: undefined }, 400],
      [{ ...good, extra: 1 }, 400],
      [{ ...good, userId: 'not-an-id' }, 400],
      [{ ...good, userId: { externalId: 'nobody-here' } }, 422],
      [{ ...good, userId: '01900000-0000-7000-8000-000000000000' }, 422],
    ]
    for (const [body, status] of cases) {
      const res = await adjust(body)
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), status])
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
    expect((await adjust(good, 'k', customer.token)).status).toBe(403)
    expect((await api(t, 'GET', '/v1/admin/wallet/check', customer.token)).status).toBe(403)
    expect(await myWallet(user.accessToken)).toMatchObject({ balances: [], holds: [] })
    expect((await api(t, 'GET', '/v1/me/wallet/transactions?cursor=bm9wZQ', customer.token)).status).toBe(400)
    expect((await api(t, 'GET', '/v1/me/wallet/statement', customer.token)).status).toBe(400)
    expect(
      (await api(t, 'GET', '/v1/me/wallet/statement?currency=IRR&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', customer.token))
        .status,
    ).toBe(400)
  })
})

describe('paying from the wallet', () => {
  const pay = (token: string, body: unknown, key = `pay-${Math.random()}`) =>
    api(t, 'POST', '/v1/wallet/payments', token, body, { 'idempotency-key': key })

  it('holds then moves the amount once per Idempotency-Key; short of funds is a 409 that writes nothing', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '10000')
    const body = { amount: '4000', currency: 'IRR', purpose: { type: 'order', ref: 'order-77' }, description: 'کتاب' }
    const paid = await pay(user.accessToken, body, 'order-77')
    expect(paid.status).toBe(201)
    expect(paid.body).toMatchObject({ status: 'succeeded', amount: '4000', purpose: { type: 'order', ref: 'order-77' }, failure: null })
    expect(paid.body.balance).toEqual({ currency: 'IRR', balance: '6000', held: '0', available: '6000' })
    const again = await pay(user.accessToken, body, 'order-77')
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body.id).toBe(paid.body.id)
    expect((await irr(user.accessToken)).balance).toBe('6000')

    const short = await pay(user.accessToken, { ...body, amount: '6001', purpose: { type: 'order', ref: 'order-78' } })
    expect(short.status).toBe(409)
    expect(short.body.type).toContain('insufficient_funds')
    expect(short.body.detail).toContain('Available 6000')
    const { rows } = await t.database.query(`select count(*)::int as n from wallet_payments where user_id = $1`, [user.user.id])
    expect(rows[0]).toEqual({ n: 1 })
    expect(await myWallet(user.accessToken)).toMatchObject({ holds: [] })

    const history = await api(t, 'GET', '/v1/me/wallet/transactions', user.accessToken)
    expect(history.body.items[0]).toMatchObject({ kind: 'payment', amount: '-4000', balanceAfter: '6000', ref: 'order-77', memo: 'کتاب' })
  })

  it('many payments at once never overdraw the wallet', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '1000')
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        pay(user.accessToken, { amount: '100', currency: 'IRR', purpose: { type: 'custom', ref: `c-${i}` } }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(10)
    expect(results.filter((r) => r.status === 409)).toHaveLength(20)
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '0', held: '0', available: '0' })
    expect((await t.caravan.services.wallet.check()).ok).toBe(true)
  })

  it('a hold left by a process that died before posting expires, and its payment fails', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '500')
    // What the first phase leaves: the hold (already past its expiry here) and the processing payment.
    const paymentId = '01930000-0000-7000-8000-00000000aaaa'
    const holdId = '01930000-0000-7000-8000-00000000bbbb'
    await t.database.db.transaction(async (tx) => {
      const w = await accountsRepo.wallet(tx, user.user.id, 'IRR')
      const revenue = await accountsRepo.platform(tx, 'revenue', 'IRR')
      await ledger.transfer(tx, {
        id: holdId,
        debitAccountId: w.id,
        creditAccountId: revenue.id,
        amount: 300n,
        currency: 'IRR',
        kind: 'payment',
        pending: { expiresAt: new Date(Date.now() - 1000) },
        createdBy: `user:${user.user.id}`,
      })
      await walletPaymentsRepo.insert(tx, {
        id: paymentId,
        userId: user.user.id,
        amount: 300n,
        currency: 'IRR',
        purposeType: 'order',
        status: 'processing',
        holdId,
        createdBy: `user:${user.user.id}`,
      })
    })
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '500', held: '300', available: '200' })
    expect(await t.caravan.services.wallet.expireHolds()).toBeGreaterThanOrEqual(1)
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '500', held: '0', available: '500' })
    const { rows } = await t.database.query(`select status, failure from wallet_payments where id = $1`, [paymentId])
    expect(rows[0]).toEqual({ status: 'failed', failure: 'The hold expired before the payment completed' })
  })

  it('answers bad bodies, and card numbers, with 400', async () => {
    const good = { amount: '100', currency: 'IRR', purpose: { type: 'order' } }
    for (const body of [
      { ...good, amount: 100 },
      { ...good, amount: '-5' },
      { ...good, amount: '0' },
      { ...good, purpose: { type: 'wallet_topup' } },
      { ...good, purpose: { type: 'order', ref: '' } },
      { ...good, currency: 'irr' },
      { ...good, description: 'x'.repeat(501) },
    ])
      expect((await pay(customer.token, body)).status).toBe(400)
    expect((await pay(customer.token, { ...good, description: 'card 4111 1111 1111 1111' })).status).toBe(400)
  })
})

describe('transfers between users', () => {
  const send = (token: string, body: unknown, key = `send-${Math.random()}`) =>
    api(t, 'POST', '/v1/wallet/transfers', token, body, { 'idempotency-key': key })

  it('move money to a user named by id, externalId or e-mail, once per Idempotency-Key, into both histories', async () => {
    const [alice, bob] = [await registerUser(t, { name: 'Alice' }), await registerUser(t, { name: 'بهرام' })]
    await fund(alice.user.id, '10000')
    const first = await send(alice.accessToken, { to: bob.user.id, amount: '2500', currency: 'IRR', note: 'ناهار' }, 'lunch')
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ amount: '2500', currency: 'IRR', to: { id: bob.user.id, name: 'بهرام' } })
    expect(first.body.balance.balance).toBe('7500')
    expect(
      (await send(alice.accessToken, { to: bob.user.id, amount: '2500', currency: 'IRR', note: 'ناهار' }, 'lunch')).headers[
        'idempotent-replayed'
      ],
    ).toBe('true')
    expect((await send(alice.accessToken, { to: { email: bob.user.email.toUpperCase() }, amount: '500', currency: 'IRR' })).status).toBe(
      201,
    )
    expect((await irr(bob.accessToken)).balance).toBe('3000')
    expect((await irr(alice.accessToken)).balance).toBe('7000')
    const bobs = await api(t, 'GET', '/v1/me/wallet/transactions', bob.accessToken)
    expect(bobs.body.items.map((i: { kind: string; amount: string; memo: string | null }) => [i.kind, i.amount, i.memo])).toEqual([
      ['transfer', '500', null],
      ['transfer', '2500', 'ناهار'],
    ])
    const { rows } = await t.database.query(
      `select count(*)::int as n from audit_log where action = 'wallet.transferred' and target_id = $1`,
      [bob.user.id],
    )
    expect(rows[0]).toEqual({ n: 2 })
  })

  it('answer a retried Idempotency-Key with the transfer it made, never a second: at once, afterwards, and refused for another transfer', async () => {
    const [alice, bob] = [await registerUser(t), await registerUser(t, { name: 'Bob' })]
    await fund(alice.user.id, '1000')
    const rent = { to: bob.user.id, amount: '100', currency: 'IRR', note: 'اجاره' }
    // Twenty at once with one key (written in one batch or several): one transfer, twenty answers of it.
    const at = await Promise.all(Array.from({ length: 20 }, () => send(alice.accessToken, rent, 'rent')))
    expect(at.map((r) => r.status)).toEqual(Array(20).fill(201))
    expect(new Set(at.map((r) => r.body.transferId)).size).toBe(1)
    expect(at.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1)
    expect((await irr(alice.accessToken)).balance).toBe('900')
    // Afterwards, naming bob another way: the same transfer, the balance as it stands.
    const again = await send(alice.accessToken, { ...rent, to: { email: bob.user.email } }, 'rent')
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toMatchObject({ transferId: at[0].body.transferId, amount: '100', to: { id: bob.user.id, name: 'Bob' } })
    expect(again.body.balance.balance).toBe('900')
    // The key with another transfer: refused, nothing moved.
    for (const other of [
      { ...rent, amount: '101' },
      { ...rent, note: 'rent' },
      { ...rent, currency: 'USD' },
    ]) {
      const res = await send(alice.accessToken, other, 'rent')
      expect([res.status, res.body.type]).toEqual([422, expect.stringContaining('idempotency_mismatch')])
    }
    // Another user's same key is theirs alone.
    await fund(bob.user.id, '10')
    expect((await send(bob.accessToken, { to: alice.user.id, amount: '10', currency: 'IRR' }, 'rent')).status).toBe(201)
    // A refused transfer moved nothing: its retry is tried again, and goes through once it can.
    const big = { to: bob.user.id, amount: '1500', currency: 'IRR' }
    expect((await send(alice.accessToken, big, 'big')).status).toBe(409)
    await fund(alice.user.id, '1000', `more-${alice.user.id}`)
    const through = await send(alice.accessToken, big, 'big')
    expect([through.status, through.headers['idempotent-replayed']]).toEqual([201, undefined])
    expect((await send(alice.accessToken, big, 'big')).headers['idempotent-replayed']).toBe('true')
    expect((await irr(alice.accessToken)).balance).toBe('410')
    expect((await irr(bob.accessToken)).balance).toBe('1600')
    // The transfer is the key's record: the shared Idempotency-Key store holds nothing for it.
    const { rows } = await t.database.query(
      `select (select count(*)::int from ledger_transfers where idempotency_key in ('rent', 'big')) as transfers,
        (select count(*)::int from idempotency_keys where key in ('rent', 'big')) as stored`,
    )
    expect(rows[0]).toEqual({ transfers: 3, stored: 0 })
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body).toMatchObject({ ok: true, violations: [] })
  })

  it('keep to the limits per transfer and per day, whatever runs at once', async () => {
    const [alice, bob] = [await registerUser(t), await registerUser(t)]
    await fund(alice.user.id, '100000')
    expect(
      (await api(t, 'PATCH', '/v1/admin/wallet/settings', admin, { transferLimits: { IRR: { perTransfer: '3000', perDay: '10000' } } }))
        .status,
    ).toBe(200)
    const over = await send(alice.accessToken, { to: bob.user.id, amount: '3001', currency: 'IRR' })
    expect(over.status).toBe(422)
    expect(over.body.type).toContain('wallet_limit_exceeded')
    expect((await myWallet(alice.accessToken)).transferLimits).toEqual({ IRR: { perTransfer: '3000', perDay: '10000' } })
    // Ten of 1,500 at once: the day's 10,000 lets six through, whatever the order.
    const results = await Promise.all(
      Array.from({ length: 10 }, () => send(alice.accessToken, { to: bob.user.id, amount: '1500', currency: 'IRR' })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 201, 422, 422, 422, 422])
    expect((await irr(bob.accessToken)).balance).toBe('9000')
    // Lifting the limit applies at once.
    await api(t, 'PATCH', '/v1/admin/wallet/settings', admin, { transferLimits: {} })
    expect((await send(alice.accessToken, { to: bob.user.id, amount: '50000', currency: 'IRR' })).status).toBe(201)
    expect((await api(t, 'GET', '/v1/admin/wallet/settings', admin)).body).toEqual({ transferLimits: {} })
    await api(t, 'PATCH', '/v1/admin/wallet/settings', admin, {
      transferLimits: {
        IRR: { perTransfer: '1000000000', perDay: '2000000000' },
        USD: { perTransfer: '100000', perDay: '500000' },
        EUR: { perTransfer: '100000', perDay: '500000' },
      },
    })
  })

  it('sent at once (written together) each cover their amount, answer their own balance and open a new wallet once', async () => {
    const [alice, bob, dana] = [await registerUser(t), await registerUser(t), await registerUser(t)]
    await fund(alice.user.id, '1000')
    await fund(bob.user.id, '50')
    // Thirty of 100 from a wallet of 1,000, to bob and to dana (who has no wallet yet), and bob
    // sending 50 to dana in the same moment: ten of alice's go through, whatever the order.
    const results = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) =>
        send(alice.accessToken, { to: i % 2 ? bob.user.id : dana.user.id, amount: '100', currency: 'IRR' }),
      ),
      send(bob.accessToken, { to: dana.user.id, amount: '50', currency: 'IRR' }),
    ])
    const alices = results.slice(0, 30)
    expect(alices.filter((r) => r.status === 201)).toHaveLength(10)
    expect(alices.filter((r) => r.status === 409).map((r) => r.body.type)).toEqual(
      Array(20).fill(expect.stringContaining('insufficient_funds')),
    )
    // Each answer is the balance right after its own transfer: 900, 800 … 0, once each.
    const after = alices.filter((r) => r.status === 201).map((r) => Number(r.body.balance.balance))
    expect(after.sort((a, b) => b - a)).toEqual([900, 800, 700, 600, 500, 400, 300, 200, 100, 0])
    expect(results[30].status).toBe(201)
    const balances = await Promise.all([alice, bob, dana].map(async (u) => (await irr(u.accessToken)).balance))
    expect(balances[0]).toBe('0')
    expect(BigInt(balances[1]) + BigInt(balances[2])).toBe(1050n)
    const { rows } = await t.database.query(`select count(*)::int as n from ledger_accounts where user_id = $1`, [dana.user.id])
    expect(rows[0]).toEqual({ n: 1 })
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body).toMatchObject({ ok: true, violations: [] })
  })

  it('refuse sending to yourself, to nobody, more than the wallet holds, and bad bodies', async () => {
    const [alice, bob] = [await registerUser(t), await registerUser(t)]
    await fund(alice.user.id, '100')
    const good = { to: bob.user.id, amount: '50', currency: 'IRR' }
    const cases: [unknown, number, string?][] = [
      [{ ...good, to: alice.user.id }, 422],
      [{ ...good, to: { email: 'nobody@example.com' } }, 422],
      [{ ...good, to: { externalId: 'nobody' } }, 422],
      [{ ...good, to: '01900000-0000-7000-8000-000000000000' }, 422],
      [{ ...good, amount: '101' }, 409, 'insufficient_funds'],
      [{ ...good, amount: 50 }, 400],
      [{ ...good, amount: '-5' }, 400],
      [{ ...good, to: { email: 'not an address' } }, 400],
      [{ ...good, note: 'x'.repeat(201) }, 400],
      [{ ...good, to: { id: bob.user.id } }, 400],
    ]
    for (const [body, status, type] of cases) {
      const res = await send(alice.accessToken, body)
      expect([JSON.stringify(body).slice(0, 90), res.status]).toEqual([JSON.stringify(body).slice(0, 90), status])
      if (type) expect(res.body.type).toContain(type)
    }
    expect((await irr(alice.accessToken)).balance).toBe('100')
    expect(await myWallet(bob.accessToken)).toMatchObject({ balances: [], holds: [] })
    expect((await api(t, 'PATCH', '/v1/admin/wallet/settings', customer.token, { transferLimits: {} })).status).toBe(403)
    expect((await api(t, 'PATCH', '/v1/admin/wallet/settings', admin, { transferLimits: { IRR: { perDay: '0' } } })).status).toBe(400)
  })
})

describe('a request run again after a crash past its commit', () => {
  /**
   * As if the process was killed after the request committed and before its answer was stored:
   * the key's claim left running, over a minute ago, so the shared store runs the retry again.
   */
  async function answerLost(key: string) {
    const { rows } = await t.database.query(
      `update idempotency_keys set state = 'running', status_code = null, response_body = null,
        created_at = now() - interval '2 minutes' where key = $1 returning key`,
      [key],
    )
    expect(rows).toHaveLength(1)
  }
  const post = (url: string, token: string, body: unknown, key: string) => api(t, 'POST', url, token, body, { 'idempotency-key': key })

  it('moves no money twice: an adjustment, a payment from the wallet and a withdrawal answer what they made', async () => {
    const user = await registerUser(t)
    const adjustment = { userId: user.user.id, currency: 'IRR', amount: '9000', reason: 'جبران خسارت' }
    const adjusted = await post('/v1/admin/wallet/adjustments', admin, adjustment, 'lost-adjust')
    expect(adjusted.status).toBe(201)
    await answerLost('lost-adjust')
    const adjustedAgain = await post('/v1/admin/wallet/adjustments', admin, adjustment, 'lost-adjust')
    expect([adjustedAgain.status, adjustedAgain.body.transferId]).toEqual([201, adjusted.body.transferId])
    expect((await irr(user.accessToken)).balance).toBe('9000')

    const order = { amount: '2000', currency: 'IRR', purpose: { type: 'order', ref: 'lost-1' } }
    const paid = await post('/v1/wallet/payments', user.accessToken, order, 'lost-pay')
    expect(paid.status).toBe(201)
    await answerLost('lost-pay')
    const paidAgain = await post('/v1/wallet/payments', user.accessToken, order, 'lost-pay')
    expect([paidAgain.status, paidAgain.body.id, paidAgain.body.status]).toEqual([201, paid.body.id, 'succeeded'])
    expect(paidAgain.body.balance.balance).toBe('7000')

    const withdrawal = { amount: '3000', currency: 'IRR', destination: 'IR06 2960 0000 0010 0324 2000 01' }
    const asked = await post('/v1/wallet/withdrawals', user.accessToken, withdrawal, 'lost-withdraw')
    expect(asked.status).toBe(201)
    await answerLost('lost-withdraw')
    const askedAgain = await post('/v1/wallet/withdrawals', user.accessToken, withdrawal, 'lost-withdraw')
    expect([askedAgain.status, askedAgain.body.id]).toEqual([201, asked.body.id])

    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '7000', held: '3000', available: '4000' })
    const { rows } = await t.database.query(
      `select (select count(*)::int from wallet_payments where user_id = $1) as payments,
        (select count(*)::int from wallet_withdrawals where user_id = $1) as withdrawals,
        (select count(*)::int from audit_log where target_id = $1::text and action = 'wallet.adjusted') as adjustments,
        (select count(*)::int from fraud_assessments where user_id = $1) as assessments`,
      [user.user.id],
    )
    expect(rows[0]).toEqual({ payments: 1, withdrawals: 1, adjustments: 1, assessments: 2 })
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body).toMatchObject({ ok: true, violations: [] })
  })

  it('a payment whose hold was made before the crash goes on with that payment, once', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '5000')
    // What the first phase left when the process died: the key's hold and its processing payment.
    const paymentId = newId()
    const holdId = derivedId('wallet-payment-key', `user:${user.user.id}\nhalf-pay`)
    await t.database.db.transaction(async (tx) => {
      const w = await accountsRepo.wallet(tx, user.user.id, 'IRR')
      const revenue = await accountsRepo.platform(tx, 'revenue', 'IRR')
      const pending = { expiresAt: new Date(Date.now() + 600_000) }
      const by = `user:${user.user.id}`
      await ledger.transfer(tx, {
        id: holdId,
        debitAccountId: w.id,
        creditAccountId: revenue.id,
        amount: 1500n,
        currency: 'IRR',
        kind: 'payment',
        pending,
        createdBy: by,
      })
      await walletPaymentsRepo.insert(tx, {
        id: paymentId,
        userId: user.user.id,
        amount: 1500n,
        currency: 'IRR',
        purposeType: 'order',
        purposeRef: 'half-1',
        status: 'processing',
        holdId,
        createdBy: by,
      })
    })
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '5000', held: '1500', available: '3500' })
    const order = { amount: '1500', currency: 'IRR', purpose: { type: 'order', ref: 'half-1' } }
    const again = await post('/v1/wallet/payments', user.accessToken, order, 'half-pay')
    expect([again.status, again.body.id, again.body.status]).toEqual([201, paymentId, 'succeeded'])
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '3500', held: '0', available: '3500' })
    const { rows } = await t.database.query(`select count(*)::int as n from wallet_payments where user_id = $1`, [user.user.id])
    expect(rows[0]).toEqual({ n: 1 })
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body).toMatchObject({ ok: true, violations: [] })
  })
})

describe('withdrawals', () => {
  const request = (token: string, body: unknown, key = `wd-${Math.random()}`) =>
    api(t, 'POST', '/v1/wallet/withdrawals', token, body, { 'idempotency-key': key })
  const SHEBA = 'IR06 2960 0000 0010 0324 2000 01'

  it('hold the amount until an admin approves (it leaves) or rejects (it comes back), once', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '10000')
    const first = await request(user.accessToken, { amount: '4000', currency: 'IRR', destination: SHEBA }, 'wd-1')
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ status: 'pending', amount: '4000', destination: SHEBA, userId: user.user.id })
    expect((await request(user.accessToken, { amount: '4000', currency: 'IRR', destination: SHEBA }, 'wd-1')).body.id).toBe(first.body.id)
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '10000', held: '4000', available: '6000' })
    const second = await request(user.accessToken, { amount: '5000', currency: 'IRR', destination: SHEBA })
    expect((await request(user.accessToken, { amount: '1001', currency: 'IRR', destination: SHEBA })).status).toBe(409)

    const queue = await api(t, 'GET', '/v1/admin/wallet/withdrawals?status=pending', admin)
    expect(queue.body.items.map((w: { id: string }) => w.id)).toEqual(expect.arrayContaining([first.body.id, second.body.id]))
    // Two admins approving at once: one decision, one 409.
    const decisions = await Promise.all([
      api(t, 'POST', `/v1/admin/wallet/withdrawals/${first.body.id}/approve`, admin, {}),
      api(t, 'POST', `/v1/admin/wallet/withdrawals/${first.body.id}/approve`, admin, {}),
    ])
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409])
    const rejected = await api(t, 'POST', `/v1/admin/wallet/withdrawals/${second.body.id}/reject`, admin, {
      note: 'The Sheba is not in your name',
    })
    expect(rejected.body).toMatchObject({ status: 'rejected', note: 'The Sheba is not in your name' })
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '6000', held: '0', available: '6000' })

    const mine = await api(t, 'GET', '/v1/me/wallet/withdrawals', user.accessToken)
    expect(mine.body.items.map((w: { status: string }) => w.status)).toEqual(['rejected', 'approved'])
    const history = await api(t, 'GET', '/v1/me/wallet/transactions', user.accessToken)
    expect(history.body.items[0]).toMatchObject({ kind: 'withdrawal', amount: '-4000', balanceAfter: '6000' })
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })

  it('expire when nobody decides, and refuse bad input and strangers', async () => {
    const user = await registerUser(t)
    await fund(user.user.id, '500')
    const asked = await request(user.accessToken, { amount: '500', currency: 'IRR', destination: SHEBA })
    await t.database.query(`update ledger_transfers set expires_at = now() - interval '1 second' where ref = $1`, [asked.body.id])
    expect(await t.caravan.services.wallet.expireHolds()).toBeGreaterThanOrEqual(1)
    const { rows } = await t.database.query(`select status from wallet_withdrawals where id = $1`, [asked.body.id])
    expect(rows[0]).toEqual({ status: 'expired' })
    expect((await irr(user.accessToken)).available).toBe('500')
    expect((await api(t, 'POST', `/v1/admin/wallet/withdrawals/${asked.body.id}/approve`, admin, {})).status).toBe(409)

    for (const body of [
      { amount: '10', currency: 'IRR' },
      { amount: '10', currency: 'IRR', destination: '   ' },
      { amount: '0', currency: 'IRR', destination: SHEBA },
      { amount: '10', currency: 'IRR', destination: 'x'.repeat(101) },
    ])
      expect((await request(user.accessToken, body)).status).toBe(400)
    expect((await api(t, 'POST', `/v1/admin/wallet/withdrawals/${asked.body.id}/approve`, user.accessToken, {})).status).toBe(403)
    expect((await api(t, 'GET', '/v1/admin/wallet/withdrawals', user.accessToken)).status).toBe(403)
    expect((await api(t, 'POST', '/v1/admin/wallet/withdrawals/01900000-0000-7000-8000-000000000000/reject', admin, {})).status).toBe(404)
  })
})

describe('a refunded top-up', () => {
  const refund = (token: string, paymentId: string, body: unknown) =>
    api(t, 'POST', `/v1/payments/${paymentId}/refunds`, token, body, { 'idempotency-key': `refund-${Math.random()}` })

  it('leaves the wallet when refunded through the gateway, and is refused what the wallet no longer holds', async () => {
    const user = await registerUser(t)
    const asUser = (amount: string, key: string) =>
      api(
        t,
        'POST',
        '/v1/payments',
        user.accessToken,
        { amount, currency: 'IRR', purpose: { type: 'wallet_topup' }, returnUrl: 'https://shop.example.com/w' },
        { 'idempotency-key': key },
      )
    const created = await asUser('1000', 'tu-1')
    await payAtTestGateway(t, created.body.nextAction.url, 'pay')
    await until(async () => (await irr(user.accessToken))?.balance === '1000')
    const paid = await api(
      t,
      'POST',
      '/v1/wallet/payments',
      user.accessToken,
      { amount: '600', currency: 'IRR', purpose: { type: 'order' } },
      { 'idempotency-key': 'spend' },
    )
    expect(paid.status).toBe(201)

    // 1,000 back to the card would leave the wallet at −600: refused, and nothing changes.
    const refused = await refund(admin, created.body.id, { reason: 'requested_by_customer' })
    expect(refused.status).toBe(409)
    expect(refused.body.type).toContain('insufficient_funds')
    expect((await api(t, 'GET', `/v1/payments/${created.body.id}`, admin)).body.payment.refundedAmount).toBe('0')

    // 300 fits: held at once, then gone from the wallet when the gateway's refund succeeds.
    const partial = await refund(admin, created.body.id, { amount: '300', reason: 'requested_by_customer' })
    expect(partial.status).toBe(201)
    await until(async () => (await irr(user.accessToken))?.balance === '100')
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '100', held: '0', available: '100' })
    const history = await api(t, 'GET', '/v1/me/wallet/transactions?limit=1', user.accessToken)
    expect(history.body.items[0]).toMatchObject({ kind: 'topup_reversal', amount: '-300', balanceAfter: '100' })

    // An API key's refund waits for approval with its amount held; rejected, the hold is released.
    const key = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'r', scopes: ['payments:refund'] })).body.key as string
    const waiting = await refund(key, created.body.id, { amount: '100', reason: 'other' })
    expect(waiting.body.status).toBe('awaiting_approval')
    expect(await irr(user.accessToken)).toEqual({ currency: 'IRR', balance: '100', held: '100', available: '0' })
    await api(t, 'POST', `/v1/admin/refunds/${waiting.body.id}/reject`, admin)
    await until(async () => (await irr(user.accessToken))?.held === '0')
    expect((await irr(user.accessToken)).balance).toBe('100')
    expect((await api(t, 'GET', '/v1/admin/wallet/check', admin)).body.ok).toBe(true)
  })
})
