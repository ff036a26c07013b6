// Payment analytics. First over hand-built rows in January 2025 (fixed times, several gateways,
// both currencies, refunds in every state, failure reasons), where every expected figure below is
// worked out by hand from the table; then through the API with payments paid and failed at the
// test gateway, refunds, a wallet top-up and adjustments (wallet liabilities), the CSV export,
// bad queries and who may ask.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/core/db/ids'
import type { CurrencyFigures, PaymentAnalytics } from '../../src/modules/payments/analytics'
import { paymentAttempts, paymentRefunds, payments } from '../../src/modules/payments/tables'
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

const random = () => Math.random().toString(36).slice(2)
/** A Tehran wall-clock time ('2025-01-10 09:00'); Tehran is UTC+03:30 all year since 2022 (and in January before). */
const teh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+03:30`)

/** Figures with the given values over zeros and nulls. */
function figures(currency: 'IRR' | 'USD' | 'EUR', f: Partial<CurrencyFigures> = {}): CurrencyFigures {
  return {
    currency,
    payments: 0,
    succeeded: 0,
    failed: 0,
    canceled: 0,
    expired: 0,
    open: 0,
    volume: '0',
    successRate: null,
    averageTicket: null,
    refunds: 0,
    refundedAmount: '0',
    refundRate: null,
    ...f,
  }
}

const get = async (query: string, token = admin) => api(t, 'GET', `/v1/payments/analytics?${query}`, token)
const analytics = async (query: string): Promise<PaymentAnalytics> => {
  const res = await get(query)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}

/*
 Payments (Tehran times; the range is Tehran's 10, 11 and 12 January 2025, [2025-01-09T20:30Z, 2025-01-12T20:30Z)):
 P1  IRR zarinpal succeeded 100000  10th 01:00 (UTC the 9th)   refunds: 30000 succeeded (on the 14th: after the range, still
                                                                counted), 20000 failed (not counted)
 P2  IRR zarinpal succeeded 200000  10th 10:00                 refund: 50000 pending (not counted)
 P3  IRR zarinpal failed    150000  10th 12:00                 attempt failed "Canceled by payer (-51)"
 P9  USD stripe   succeeded   1000  10th 15:00                 refunds: 250 and 250 succeeded
 P14 IRR (none)   failed     10000  10th 20:00                 no attempt, no reason
 P4  IRR test     succeeded  50000  11th 00:30 (UTC the 10th)  refund: 50000 succeeded (to the wallet)
 P5  IRR test     failed     70000  11th 09:00                 attempts: zarinpal error "zarinpal: timeout", then test failed
                                                                "The payer chose Fail on the test gateway" (the latest counts)
 P13 USD paypal   processing   500  11th 11:00 (held)
 P6  IRR zarinpal canceled   80000  11th 15:00
 P7  IRR zarinpal expired    90000  12th 08:00
 P10 USD stripe   succeeded   2501  12th 10:00
 P11 USD stripe   failed      3000  12th 11:00                 attempt failed "Your card was declined."
 P12 IRR zarinpal failed     40000  12th 12:00                 attempt failed "Canceled by payer (-51)"
 P8  IRR zarinpal requires_action 60000 12th 23:59 (UTC 20:29)
 Outside: P15 IRR succeeded 999999 9th 23:59 with a 1000 refund; P16 USD succeeded 7777 at 13th 00:00 sharp (the end is
 excluded); P17 IRR failed 13th 01:00 "Out of range".

 IRR: P1 P2 P3 P4 P5 P6 P7 P8 P12 P14 = 10; succeeded P1 P2 P4 = 3; failed P3 P5 P12 P14 = 4; canceled 1; expired 1; open P8 1.
      volume 350000; success 3/9 = 0.3333; average 350000/3 = 116666.67 → 116667; refunds P1's 30000 and P4's 50000: 2, 80000;
      refund rate P1 P4 of 3 = 0.6667.
 USD: P9 P10 P11 P13 = 4; succeeded 2; failed 1; open 1; volume 3501; success 2/3 = 0.6667; average 1750.5 → 1751 (half up);
      refunds 2, 500; refund rate P9 of 2 = 0.5.
 Failure reasons: "Canceled by payer (-51)" zarinpal 2; "The payer chose Fail…" test 1; "Your card was declined." stripe 1;
      none recorded 1.
*/
const IRR_TOTAL = figures('IRR', {
  payments: 10,
  succeeded: 3,
  failed: 4,
  canceled: 1,
  expired: 1,
  open: 1,
  volume: '350000',
  successRate: 0.3333,
  averageTicket: '116667',
  refunds: 2,
  refundedAmount: '80000',
  refundRate: 0.6667,
})
const USD_TOTAL = figures('USD', {
  payments: 4,
  succeeded: 2,
  failed: 1,
  open: 1,
  volume: '3501',
  successRate: 0.6667,
  averageTicket: '1751',
  refunds: 2,
  refundedAmount: '500',
  refundRate: 0.5,
})
const REASONS = [
  { reason: 'Canceled by payer (-51)', gateway: 'zarinpal', count: 2 },
  { reason: 'The payer chose Fail on the test gateway', gateway: 'test', count: 1 },
  { reason: 'Your card was declined.', gateway: 'stripe', count: 1 },
  { reason: null, gateway: null, count: 1 },
]
const RANGE = `from=${teh('2025-01-10 00:00').toISOString()}&to=${teh('2025-01-13 00:00').toISOString()}`

type Status = (typeof payments.$inferInsert)['status']
type Gateway = (typeof payments.$inferInsert)['gateway']

async function seed() {
  const db = t.database.db
  const customerId = newId()
  const payment = async (
    p: { currency: 'IRR' | 'USD'; gateway: Gateway; status: Status; amount: bigint; at: string; held?: boolean },
    attempts: { gateway: NonNullable<Gateway>; status: 'failed' | 'error' | 'succeeded'; error?: string }[] = [],
    refunds: { amount: bigint; status: 'succeeded' | 'failed' | 'pending'; at?: string }[] = [],
  ) => {
    const id = newId()
    const createdAt = teh(p.at)
    await db.insert(payments).values({
      id,
      customerId,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      purposeType: 'order',
      purposeRef: random(),
      gateway: p.gateway,
      returnUrl: 'https://shop.example.com/done',
      capturedAmount: p.status === 'succeeded' || p.held ? p.amount : 0n,
      heldReason: p.held ? 'paypal reported 400 USD for 500 USD' : null,
      createdBy: 'test',
      // Not yet, by the real clock: the expiry job would turn the open ones (P8, P13) into expired mid-run.
      expiresAt: new Date(Date.now() + 86_400_000),
      createdAt,
      updatedAt: createdAt,
    })
    const attemptIds: string[] = []
    for (const [i, a] of attempts.entries()) {
      const attemptId = newId()
      attemptIds.push(attemptId)
      const at = new Date(createdAt.getTime() + i * 60_000)
      await db.insert(paymentAttempts).values({ id: attemptId, paymentId: id, ...a, createdAt: at, updatedAt: at })
    }
    for (const r of refunds) {
      const at = r.at ? teh(r.at) : new Date(createdAt.getTime() + 86_400_000)
      await db.insert(paymentRefunds).values({
        id: newId(),
        paymentId: id,
        attemptId: attemptIds.at(-1) ?? newId(),
        amount: r.amount,
        status: r.status,
        reason: 'requested_by_customer',
        createdBy: 'test',
        createdAt: at,
        updatedAt: at,
      })
    }
  }
  const zp = 'zarinpal' as const
  await payment(
    { currency: 'IRR', gateway: zp, status: 'succeeded', amount: 100000n, at: '2025-01-10 01:00' },
    [],
    [
      { amount: 30000n, status: 'succeeded', at: '2025-01-14 10:00' },
      { amount: 20000n, status: 'failed' },
    ],
  )
  await payment(
    { currency: 'IRR', gateway: zp, status: 'succeeded', amount: 200000n, at: '2025-01-10 10:00' },
    [],
    [{ amount: 50000n, status: 'pending' }],
  )
  await payment({ currency: 'IRR', gateway: zp, status: 'failed', amount: 150000n, at: '2025-01-10 12:00' }, [
    { gateway: zp, status: 'failed', error: 'Canceled by payer (-51)' },
  ])
  await payment(
    { currency: 'USD', gateway: 'stripe', status: 'succeeded', amount: 1000n, at: '2025-01-10 15:00' },
    [],
    [
      { amount: 250n, status: 'succeeded' },
      { amount: 250n, status: 'succeeded' },
    ],
  )
  await payment({ currency: 'IRR', gateway: null, status: 'failed', amount: 10000n, at: '2025-01-10 20:00' })
  await payment(
    { currency: 'IRR', gateway: 'test', status: 'succeeded', amount: 50000n, at: '2025-01-11 00:30' },
    [],
    [{ amount: 50000n, status: 'succeeded' }],
  )
  await payment({ currency: 'IRR', gateway: 'test', status: 'failed', amount: 70000n, at: '2025-01-11 09:00' }, [
    { gateway: zp, status: 'error', error: 'zarinpal: timeout' },
    { gateway: 'test', status: 'failed', error: 'The payer chose Fail on the test gateway' },
  ])
  await payment({ currency: 'USD', gateway: 'paypal', status: 'processing', amount: 500n, at: '2025-01-11 11:00', held: true })
  await payment({ currency: 'IRR', gateway: zp, status: 'canceled', amount: 80000n, at: '2025-01-11 15:00' })
  await payment({ currency: 'IRR', gateway: zp, status: 'expired', amount: 90000n, at: '2025-01-12 08:00' })
  await payment({ currency: 'USD', gateway: 'stripe', status: 'succeeded', amount: 2501n, at: '2025-01-12 10:00' })
  await payment({ currency: 'USD', gateway: 'stripe', status: 'failed', amount: 3000n, at: '2025-01-12 11:00' }, [
    { gateway: 'stripe', status: 'failed', error: 'Your card was declined.' },
  ])
  await payment({ currency: 'IRR', gateway: zp, status: 'failed', amount: 40000n, at: '2025-01-12 12:00' }, [
    { gateway: zp, status: 'failed', error: 'Canceled by payer (-51)' },
  ])
  await payment({ currency: 'IRR', gateway: zp, status: 'requires_action', amount: 60000n, at: '2025-01-12 23:59' })
  // Outside the range.
  await payment(
    { currency: 'IRR', gateway: zp, status: 'succeeded', amount: 999999n, at: '2025-01-09 23:59' },
    [],
    [{ amount: 1000n, status: 'succeeded', at: '2025-01-11 10:00' }],
  )
  await payment({ currency: 'USD', gateway: 'stripe', status: 'succeeded', amount: 7777n, at: '2025-01-13 00:00' })
  await payment({ currency: 'IRR', gateway: zp, status: 'failed', amount: 5000n, at: '2025-01-13 01:00' }, [
    { gateway: zp, status: 'failed', error: 'Out of range' },
  ])
}

describe('payment analytics over known rows', () => {
  beforeAll(seed)

  it('totals per currency and the failure reasons, whatever the grouping', async () => {
    for (const groupBy of ['day', 'gateway', 'currency']) {
      const result = await analytics(`${RANGE}&groupBy=${groupBy}`)
      expect(result.totals, groupBy).toEqual([IRR_TOTAL, USD_TOTAL])
      expect(result.failureReasons, groupBy).toEqual(REASONS)
      expect(result).toMatchObject({
        from: '2025-01-09T20:30:00.000Z',
        to: '2025-01-12T20:30:00.000Z',
        groupBy,
        timezone: 'Asia/Tehran',
        walletLiabilities: [],
      })
    }
  })

  it('by day: each payment on its Tehran day, every currency on every day', async () => {
    const result = await analytics(RANGE)
    expect(result.groupBy).toBe('day')
    expect(result.groups).toEqual([
      // P1 (UTC the 9th) P2 P3 P14; P9.
      {
        key: '2025-01-10',
        currencies: [
          figures('IRR', {
            payments: 4,
            succeeded: 2,
            failed: 2,
            volume: '300000',
            successRate: 0.5,
            averageTicket: '150000',
            refunds: 1,
            refundedAmount: '30000',
            refundRate: 0.5,
          }),
          figures('USD', {
            payments: 1,
            succeeded: 1,
            volume: '1000',
            successRate: 1,
            averageTicket: '1000',
            refunds: 2,
            refundedAmount: '500',
            refundRate: 1,
          }),
        ],
      },
      // P4 (00:30 local) P5 P6; P13 held, open: no rate, no average.
      {
        key: '2025-01-11',
        currencies: [
          figures('IRR', {
            payments: 3,
            succeeded: 1,
            failed: 1,
            canceled: 1,
            volume: '50000',
            successRate: 0.3333,
            averageTicket: '50000',
            refunds: 1,
            refundedAmount: '50000',
            refundRate: 1,
          }),
          figures('USD', { payments: 1, open: 1 }),
        ],
      },
      // P7 P8 (23:59 local) P12: none succeeded of two settled; P10 P11.
      {
        key: '2025-01-12',
        currencies: [
          figures('IRR', { payments: 3, failed: 1, expired: 1, open: 1, successRate: 0 }),
          figures('USD', { payments: 2, succeeded: 1, failed: 1, volume: '2501', successRate: 0.5, averageTicket: '2501', refundRate: 0 }),
        ],
      },
    ])
  })

  it('by day in another zone: the same instants fall on other days', async () => {
    // The whole of 10 January in UTC: P1 (21:30 on the 9th) is out, P4 (21:00 on the 10th) is in, P5 (05:30 on the 11th) out.
    const result = await analytics('from=2025-01-10T00:00:00Z&to=2025-01-11T00:00:00Z&timezone=UTC')
    expect(result.groups.map((g) => [g.key, g.currencies.map((c) => [c.currency, c.payments, c.volume])])).toEqual([
      [
        '2025-01-10',
        [
          ['IRR', 4, '250000'],
          ['USD', 1, '1000'],
        ],
      ],
    ])
  })

  it('by gateway: most payments first, none for payments never sent to one', async () => {
    const result = await analytics(`${RANGE}&groupBy=gateway`)
    expect(result.groups).toEqual([
      {
        key: 'zarinpal',
        currencies: [
          figures('IRR', {
            payments: 7,
            succeeded: 2,
            failed: 2,
            canceled: 1,
            expired: 1,
            open: 1,
            volume: '300000',
            successRate: 0.3333,
            averageTicket: '150000',
            refunds: 1,
            refundedAmount: '30000',
            refundRate: 0.5,
          }),
        ],
      },
      {
        key: 'stripe',
        currencies: [
          figures('USD', {
            payments: 3,
            succeeded: 2,
            failed: 1,
            volume: '3501',
            successRate: 0.6667,
            averageTicket: '1751',
            refunds: 2,
            refundedAmount: '500',
            refundRate: 0.5,
          }),
        ],
      },
      {
        key: 'test',
        currencies: [
          figures('IRR', {
            payments: 2,
            succeeded: 1,
            failed: 1,
            volume: '50000',
            successRate: 0.5,
            averageTicket: '50000',
            refunds: 1,
            refundedAmount: '50000',
            refundRate: 1,
          }),
        ],
      },
      { key: 'none', currencies: [figures('IRR', { payments: 1, failed: 1, successRate: 0 })] },
      { key: 'paypal', currencies: [figures('USD', { payments: 1, open: 1 })] },
    ])
  })

  it('by currency: one group each, equal to its total', async () => {
    const result = await analytics(`${RANGE}&groupBy=currency`)
    expect(result.groups).toEqual([
      { key: 'IRR', currencies: [IRR_TOTAL] },
      { key: 'USD', currencies: [USD_TOTAL] },
    ])
  })

  it('a range without payments: zeros nowhere, every day listed', async () => {
    const result = await analytics('from=2024-06-01T00:00:00%2B03:30&to=2024-06-03T00:00:00%2B03:30')
    expect(result.totals).toEqual([])
    expect(result.failureReasons).toEqual([])
    expect(result.groups).toEqual([
      { key: '2024-06-01', currencies: [] },
      { key: '2024-06-02', currencies: [] },
    ])
  })

  it('the CSV: a row per day and currency, then the totals', async () => {
    const res = await t.caravan.app.inject({
      method: 'GET',
      url: `/v1/payments/analytics/export?${RANGE}`,
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe('attachment; filename="payments-day.csv"')
    expect(res.body).toBe(
      [
        // A byte-order mark first: Excel reads it as UTF-8 then.
        '\uFEFFkey,currency,payments,succeeded,failed,canceled,expired,open,volume,success_rate,average_ticket,refunds,refunded_amount,refund_rate,wallet_liabilities',
        '2025-01-10,IRR,4,2,2,0,0,0,300000,0.5,150000,1,30000,0.5,',
        '2025-01-10,USD,1,1,0,0,0,0,1000,1,1000,2,500,1,',
        '2025-01-11,IRR,3,1,1,1,0,0,50000,0.3333,50000,1,50000,1,',
        '2025-01-11,USD,1,0,0,0,0,1,0,,,0,0,,',
        '2025-01-12,IRR,3,0,1,0,1,1,0,0,,0,0,,',
        '2025-01-12,USD,2,1,1,0,0,0,2501,0.5,2501,0,0,0,',
        'total,IRR,10,3,4,1,1,1,350000,0.3333,116667,2,80000,0.6667,0',
        'total,USD,4,2,1,0,0,1,3501,0.6667,1751,2,500,0.5,0',
        '',
      ].join('\r\n'),
    )
  })
})

describe('payment analytics through the API', () => {
  const other = { token: '', id: '' }

  async function pay(amount: string, currency: 'IRR' | 'USD', choice: 'pay' | 'fail' | 'cancel' | 'leave', type = 'order') {
    const created = await api(
      t,
      'POST',
      '/v1/payments',
      customer.token,
      {
        amount,
        currency,
        purpose: { type, ...(type === 'order' ? { ref: `o-${random()}` } : {}) },
        returnUrl: 'https://shop.example.com/x',
      },
      { 'idempotency-key': `pay-${random()}` },
    )
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = created.body.id as string
    if (choice === 'pay' || choice === 'fail') await payAtTestGateway(t, created.body.nextAction.url, choice)
    if (choice === 'cancel') expect((await api(t, 'POST', `/v1/payments/${id}/cancel`, customer.token)).status).toBe(200)
    return id
  }
  const refund = (paymentId: string, body: unknown) =>
    api(t, 'POST', `/v1/payments/${paymentId}/refunds`, admin, body, { 'idempotency-key': `refund-${random()}` })
  const adjust = (userId: string, currency: string, amount: string) =>
    api(
      t,
      'POST',
      '/v1/admin/wallet/adjustments',
      admin,
      { userId, currency, amount, reason: 'test' },
      { 'idempotency-key': `adj-${random()}` },
    )
  const balance = async (token: string, currency: string) =>
    ((await api(t, 'GET', '/v1/me/wallet', token)).body.balances as { currency: string; balance: string }[]).find(
      (b) => b.currency === currency,
    )?.balance

  /*
   Now, at the test gateway: B1 IRR 120000 paid, refunded 20000 through the gateway; B2 IRR 80000 paid, refunded in full to
   the wallet; B3 IRR 50000 failed; B4 USD 1999 paid; B5 USD 1000 canceled; B6 IRR 30000 left open; B7 IRR 40000 wallet
   top-up paid. IRR: 5 payments, succeeded B1 B2 B7, volume 240000, success 3/4, average 80000, refunds 2 (100000), refund
   rate 2/3. USD: 2, succeeded 1, canceled 1, volume 1999, success 0.5, average 1999, no refunds: rate 0.
   Wallets: the customer's IRR 40000 (top-up) + 80000 (refund) = 120000; another user's USD +1250 −250 = 1000 and EUR 300
   (adjustments: the adjustments account's negative balance is the platform's, not a liability).
  */
  beforeAll(async () => {
    const o = await registerUser(t)
    Object.assign(other, { token: o.accessToken, id: o.user.id })
    const b1 = await pay('120000', 'IRR', 'pay')
    const b2 = await pay('80000', 'IRR', 'pay')
    await pay('50000', 'IRR', 'fail')
    await pay('1999', 'USD', 'pay')
    await pay('1000', 'USD', 'cancel')
    await pay('30000', 'IRR', 'leave')
    await pay('40000', 'IRR', 'pay', 'wallet_topup')
    expect((await refund(b1, { amount: '20000', reason: 'requested_by_customer' })).status).toBe(201)
    expect((await refund(b2, { reason: 'order_canceled', destination: 'wallet' })).status).toBe(201)
    for (const [currency, amount] of [
      ['USD', '1250'],
      ['USD', '-250'],
      ['EUR', '300'],
    ])
      expect((await adjust(other.id, currency, amount)).status).toBe(201)
    // The gateway refund is a job; the top-up and the wallet refund are credited by jobs.
    await until(async () => (await api(t, 'GET', `/v1/payments/${b1}`, admin)).body.refunds[0]?.status === 'succeeded')
    await until(async () => (await balance(customer.token, 'IRR')) === '120000')
  })

  const IRR_NOW = figures('IRR', {
    payments: 5,
    succeeded: 3,
    failed: 1,
    open: 1,
    volume: '240000',
    successRate: 0.75,
    averageTicket: '80000',
    refunds: 2,
    refundedAmount: '100000',
    refundRate: 0.6667,
  })
  const USD_NOW = figures('USD', {
    payments: 2,
    succeeded: 1,
    canceled: 1,
    volume: '1999',
    successRate: 0.5,
    averageTicket: '1999',
    refundRate: 0,
  })
  const LIABILITIES = [
    { currency: 'EUR', amount: '300' },
    { currency: 'IRR', amount: '120000' },
    { currency: 'USD', amount: '1000' },
  ]

  it('the last 30 days by default: the figures, the failure reason and what wallets hold', async () => {
    const before = Date.now()
    const result = await analytics('')
    expect(result.totals).toEqual([IRR_NOW, USD_NOW])
    expect(result.failureReasons).toEqual([{ reason: 'The payer chose Fail on the test gateway', gateway: 'test', count: 1 }])
    expect(result.walletLiabilities).toEqual(LIABILITIES)
    expect(result.timezone).toBe('Asia/Tehran')
    const to = Date.parse(result.to)
    expect(to).toBeGreaterThanOrEqual(before)
    expect(to - Date.parse(result.from)).toBe(30 * 86_400_000)
    // Days sum to the totals (a day or two, whenever this runs).
    const volume = result.groups.reduce((sum, g) => sum + BigInt(g.currencies.find((c) => c.currency === 'IRR')!.volume), 0n)
    expect(volume).toBe(240000n)
    expect(result.groups.length).toBeGreaterThanOrEqual(30)

    const byGateway = await analytics('groupBy=gateway')
    expect(byGateway.groups).toEqual([{ key: 'test', currencies: [IRR_NOW, USD_NOW] }])
  })

  it('a `to` alone: the 30 days before it', async () => {
    const result = await analytics('to=2025-01-13T00:00:00%2B03:30&groupBy=currency')
    expect(result.from).toBe('2024-12-13T20:30:00.000Z')
    expect(result.totals).toEqual([
      {
        ...IRR_TOTAL,
        payments: 11,
        succeeded: 4,
        volume: '1349999',
        successRate: 0.4,
        averageTicket: '337500',
        refunds: 3,
        refundedAmount: '81000',
        refundRate: 0.75,
      },
      USD_TOTAL,
    ])
  })

  it('the CSV carries the wallet liabilities on the total rows, a currency without payments too', async () => {
    const res = await t.caravan.app.inject({
      method: 'GET',
      url: '/v1/payments/analytics/export?groupBy=currency',
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toBe('attachment; filename="payments-currency.csv"')
    expect(res.body.split('\r\n').slice(1)).toEqual([
      'IRR,IRR,5,3,1,0,0,1,240000,0.75,80000,2,100000,0.6667,',
      'USD,USD,2,1,0,1,0,0,1999,0.5,1999,0,0,0,',
      'total,EUR,0,0,0,0,0,0,0,,,0,0,,300',
      'total,IRR,5,3,1,0,0,1,240000,0.75,80000,2,100000,0.6667,120000',
      'total,USD,2,1,0,1,0,0,1999,0.5,1999,0,0,0,1000',
      '',
    ])
  })

  it('answers the same to many callers at once', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => get('groupBy=gateway')))
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]))
    expect(new Set(answers.map((a) => JSON.stringify(a.body.totals))).size).toBe(1)
  })

  it('refuses bad queries with a 400 problem naming the field', async () => {
    const from = '2026-01-01T00:00:00Z'
    const cases: [string, string][] = [
      [`from=${from}&to=${from}`, 'querystring.to'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'querystring.to'],
      ['from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:00Z', 'querystring.to'],
      ['from=3000-01-01T00:00:00Z', 'querystring.to'],
      ['from=2020-01-01T00:00:00Z', 'querystring.to'],
      ['timezone=Nowhere/Atlantis', 'querystring.timezone'],
      [`timezone=${encodeURIComponent('Asia/تهران')}`, 'querystring.timezone'],
      [`timezone=${'A'.repeat(65)}`, 'querystring.timezone'],
      ['from=yesterday', 'querystring.from'],
      ['from=2026-02-30T00:00:00Z', 'querystring.from'],
      ['to=12', 'querystring.to'],
      ['groupBy=week', 'querystring.groupBy'],
      ['groupBy=day&groupBy=gateway', 'querystring.groupBy'],
      ['currency=IRR', 'querystring'],
    ]
    for (const [query, field] of cases) {
      const res = await get(query)
      expect(res.status, query).toBe(400)
      expect(res.headers['content-type'], query).toContain('application/problem+json')
      expect(res.body.errors?.map((e: { field: string }) => e.field).join(' '), query).toContain(field)
      expect(
        (
          await t.caravan.app.inject({
            method: 'GET',
            url: `/v1/payments/analytics/export?${query}`,
            headers: { authorization: `Bearer ${admin}` },
          })
        ).statusCode,
        query,
      ).toBe(400)
    }
    // 366 days exactly is allowed.
    expect((await get('from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z')).status).toBe(200)
  })

  it('is for admins only: customers, agents and API keys are refused', async () => {
    expect((await get('', customer.token)).status).toBe(403)
    const agent = await registerUser(t)
    await t.database.query(`update users set role = 'agent' where id = $1`, [agent.user.id])
    const agentLogin = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: agent.user.email, password: 'correct horse battery' },
    })
    expect((await get('', agentLogin.json().accessToken)).status).toBe(403)
    const key = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'reader', scopes: ['payments:read'] })).body.key as string
    expect((await get('', key)).status).toBe(403)
    const anonymous = await t.caravan.app.inject({ method: 'GET', url: '/v1/payments/analytics' })
    expect(anonymous.statusCode).toBe(401)
    const csv = await api(t, 'GET', '/v1/payments/analytics/export', customer.token)
    expect(csv.status).toBe(403)
    expect(csv.body.type).toContain('forbidden')
  })
})
