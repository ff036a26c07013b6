// The admin fraud methods against a fake fetch: paths and queries, bodies, the Idempotency-Key on
// writes, and X-Device-Id on the money writes that take it.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { memorySessionStorage } from './session.js'
import { T0, testUser } from '../test/fixtures.js'

const user = testUser({ role: 'admin' })

function setup() {
  const calls: { method: string; path: string; key: string | null; device: string | null; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const headers = new Headers(init?.headers)
    calls.push({
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      key: headers.get('idempotency-key'),
      device: headers.get('x-device-id'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    })
    if (init?.method === 'DELETE') return new Response(null, { status: 204 })
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } })
  })
  const storage = memorySessionStorage({ user, accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: T0 + 900_000 })
  return {
    client: createCaravanClient({ baseUrl: 'http://caravan.test', storage, fetch: fetch as typeof globalThis.fetch, now: () => T0 }),
    calls,
  }
}

describe('admin.fraud', () => {
  it('reads and replaces the rules, works the review queue, lists assessments and edits the blocklist', async () => {
    const { client, calls } = setup()
    const f = client.admin.fraud
    await f.rules()
    const rules = {
      enabled: true,
      thresholds: { review: 60, block: 100 },
      velocity: [{ id: 'burst', subject: 'user' as const, windowSeconds: 600, maxCount: 20, score: 40 }],
      accountAge: [],
      blocklists: {
        emailDomain: { score: 100, action: 'block' as const },
        ip: { score: 100 },
        device: { score: 100 },
        cardFingerprint: { score: 100 },
      },
      countryMismatch: null,
    }
    await f.updateRules({ version: 3, rules }, { idempotencyKey: 'rules-3' })
    await f.reviews({ status: 'open', limit: 10 })
    await f.approveReview('a1', { note: 'known' }, { idempotencyKey: 'ap-1' })
    await f.rejectReview('a/2', { block: ['ip', 'device'] }, { idempotencyKey: 'rj-1' })
    await f.assessments({ userId: 'u1', decision: 'block', cursor: 'c1' })
    await f.assessment('a1')
    await f.blocklist({ kind: 'ip' })
    await f.addToBlocklist({ kind: 'email_domain', value: 'throwaway.example' }, { idempotencyKey: 'bl-1' })
    await expect(f.removeFromBlocklist('e1', { idempotencyKey: 'rm-1' })).resolves.toBeUndefined()
    expect(calls.map((c) => [c.method, c.path, c.key])).toEqual([
      ['GET', '/v1/admin/fraud/rules', null],
      ['PUT', '/v1/admin/fraud/rules', 'rules-3'],
      ['GET', '/v1/admin/fraud/reviews?status=open&limit=10', null],
      ['POST', '/v1/admin/fraud/reviews/a1/approve', 'ap-1'],
      ['POST', '/v1/admin/fraud/reviews/a%2F2/reject', 'rj-1'],
      ['GET', '/v1/admin/fraud/assessments?userId=u1&decision=block&cursor=c1', null],
      ['GET', '/v1/admin/fraud/assessments/a1', null],
      ['GET', '/v1/admin/fraud/blocklist?kind=ip', null],
      ['POST', '/v1/admin/fraud/blocklist', 'bl-1'],
      ['DELETE', '/v1/admin/fraud/blocklist/e1', 'rm-1'],
    ])
    expect(calls[1].body).toEqual({ version: 3, rules })
    expect(calls[4].body).toEqual({ block: ['ip', 'device'] })
    // A decision without options still sends a body (the route reads a JSON object).
    await f.approveReview('a3')
    expect(calls.at(-1)).toMatchObject({ path: '/v1/admin/fraud/reviews/a3/approve', body: {}, key: null })
  })

  it('sends the device id with the money writes that take it', async () => {
    const { client, calls } = setup()
    await client.wallet.pay(
      { amount: '100', currency: 'IRR', purpose: { type: 'order' } },
      { idempotencyKey: 'p1', deviceId: 'phone-1234abcd' },
    )
    await client.wallet.withdraw({ amount: '100', currency: 'IRR', destination: 'IR06 2960' }, { deviceId: 'phone-1234abcd' })
    expect(calls.map((c) => [c.path, c.key, c.device])).toEqual([
      ['/v1/wallet/payments', 'p1', 'phone-1234abcd'],
      ['/v1/wallet/withdrawals', null, 'phone-1234abcd'],
    ])
  })
})
