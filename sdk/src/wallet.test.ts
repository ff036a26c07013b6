// The wallet methods against a fake fetch: paths and queries, the Idempotency-Key on the two money
// writes, and the statement read as text (CSV), not parsed as JSON.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { memorySessionStorage } from './session.js'
import { T0, testUser } from '../test/fixtures.js'

const user = testUser({ role: 'admin' })
const CSV = 'date,transaction,kind,amount,balance_after,currency,reference,memo\r\n'

function setup() {
  const calls: { method: string; path: string; key: string | null; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    calls.push({
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      key: new Headers(init?.headers).get('idempotency-key'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    })
    if (url.pathname.endsWith('/statement')) return new Response(CSV, { status: 200, headers: { 'content-type': 'text/csv' } })
    return new Response(JSON.stringify({ ok: true }), {
      status: url.pathname.endsWith('/wallet') ? 200 : 201,
      headers: { 'content-type': 'application/json' },
    })
  })
  const storage = memorySessionStorage({ user, accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: T0 + 900_000 })
  return {
    client: createCaravanClient({ baseUrl: 'http://caravan.test', storage, fetch: fetch as typeof globalThis.fetch, now: () => T0 }),
    calls,
  }
}

describe('wallet', () => {
  it('reads balances, pages history, exports the statement as text, pays and adjusts with Idempotency-Keys', async () => {
    const { client, calls } = setup()
    await client.wallet.get()
    await client.wallet.transactions({ currency: 'IRR', cursor: 'c1', limit: 5 })
    await expect(client.wallet.statement({ currency: 'IRR', from: '2026-01-01T00:00:00Z' })).resolves.toBe(CSV)
    const payment = { amount: '4000', currency: 'IRR' as const, purpose: { type: 'order' as const, ref: 'o-1' } }
    await client.wallet.pay(payment, { idempotencyKey: 'pay-1' })
    const adjustment = { userId: { externalId: 'shop-42' }, currency: 'USD' as const, amount: '-250', reason: 'Correction' }
    await client.admin.wallet.adjust(adjustment, { idempotencyKey: 'adj-1' })
    await client.admin.wallet.check()
    await client.wallet.transfer({ to: { email: 'b@example.com' }, amount: '100', currency: 'IRR' }, { idempotencyKey: 'send-1' })
    await client.admin.wallet.settings()
    await client.admin.wallet.updateSettings({ transferLimits: { IRR: { perDay: '1000' } } })
    await client.wallet.withdraw({ amount: '100', currency: 'IRR', destination: 'IR06 2960' }, { idempotencyKey: 'wd-1' })
    await client.wallet.withdrawals({ status: 'pending' })
    await client.admin.wallet.withdrawals({ status: 'pending', limit: 5 })
    await client.admin.wallet.approveWithdrawal('w1')
    await client.admin.wallet.rejectWithdrawal('w2', { note: 'no' })
    expect(calls.map((c) => [c.method, c.path, c.key])).toEqual([
      ['GET', '/v1/me/wallet', null],
      ['GET', '/v1/me/wallet/transactions?currency=IRR&cursor=c1&limit=5', null],
      ['GET', '/v1/me/wallet/statement?currency=IRR&from=2026-01-01T00%3A00%3A00Z', null],
      ['POST', '/v1/wallet/payments', 'pay-1'],
      ['POST', '/v1/admin/wallet/adjustments', 'adj-1'],
      ['GET', '/v1/admin/wallet/check', null],
      ['POST', '/v1/wallet/transfers', 'send-1'],
      ['GET', '/v1/admin/wallet/settings', null],
      ['PATCH', '/v1/admin/wallet/settings', null],
      ['POST', '/v1/wallet/withdrawals', 'wd-1'],
      ['GET', '/v1/me/wallet/withdrawals?status=pending', null],
      ['GET', '/v1/admin/wallet/withdrawals?status=pending&limit=5', null],
      ['POST', '/v1/admin/wallet/withdrawals/w1/approve', null],
      ['POST', '/v1/admin/wallet/withdrawals/w2/reject', null],
    ])
    expect([calls[3].body, calls[4].body]).toEqual([payment, adjustment])
  })

  it('explores the ledger: accounts with filters, one account, its postings, a transfer', async () => {
    const { client, calls } = setup()
    await client.admin.wallet.accounts()
    await client.admin.wallet.accounts({ kind: 'platform', currency: 'IRR', cursor: 'c1', limit: 10 })
    await client.admin.wallet.account('a/1')
    await client.admin.wallet.postings('a1', { cursor: 'c2', limit: 3 })
    await client.admin.wallet.postings('a1')
    await client.admin.wallet.transfer('t1')
    expect(calls.map((c) => [c.method, c.path, c.key])).toEqual([
      ['GET', '/v1/admin/wallet/accounts', null],
      ['GET', '/v1/admin/wallet/accounts?kind=platform&currency=IRR&cursor=c1&limit=10', null],
      ['GET', '/v1/admin/wallet/accounts/a%2F1', null],
      ['GET', '/v1/admin/wallet/accounts/a1/postings?cursor=c2&limit=3', null],
      ['GET', '/v1/admin/wallet/accounts/a1/postings', null],
      ['GET', '/v1/admin/wallet/transfers/t1', null],
    ])
  })
})
