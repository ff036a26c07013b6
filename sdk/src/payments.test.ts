// The payment methods against a fake fetch: paths, queries and bodies, and the Idempotency-Key
// header on the two money writes (sent only when given, kept on the retry after a refresh).
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { memorySessionStorage } from './session.js'
import type { Payment } from './types.js'
import { T0, testUser } from '../test/fixtures.js'

const user = testUser({ role: 'admin' })
const payment: Payment = {
  id: 'p1',
  status: 'requires_action',
  amount: '1250000',
  currency: 'IRR',
  purpose: { type: 'wallet_topup', ref: null },
  customerId: 'u1',
  description: null,
  gateway: 'test',
  nextAction: { type: 'redirect', url: 'http://caravan.test/v1/payments/test-gateway/tg_1' },
  returnUrl: 'http://app.test/pay/result',
  metadata: {},
  capturedAmount: '0',
  refundedAmount: '0',
  heldReason: null,
  expiresAt: '2026-01-01T01:00:00.000Z',
  settledAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function setup(answer: (method: string, path: string) => Response) {
  const calls: { method: string; path: string; key: string | null; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const method = init?.method ?? 'GET'
    const key = new Headers(init?.headers).get('idempotency-key')
    calls.push({ method, path: url.pathname + url.search, key, body: init?.body ? JSON.parse(String(init.body)) : undefined })
    return answer(method, url.pathname)
  })
  const storage = memorySessionStorage({ user, accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: T0 + 900_000 })
  const client = createCaravanClient({ baseUrl: 'http://caravan.test', storage, fetch: fetch as typeof globalThis.fetch, now: () => T0 })
  return { client, calls }
}

describe('payments', () => {
  it('creates with the Idempotency-Key, and without one when none is given', async () => {
    const { client, calls } = setup(() => json(201, payment))
    const input = { amount: '1250000', currency: 'IRR' as const, purpose: { type: 'wallet_topup' as const }, returnUrl: payment.returnUrl }
    await expect(client.payments.create(input, { idempotencyKey: 'k-1' })).resolves.toEqual(payment)
    await client.payments.create(input)
    expect(calls.map((c) => [c.method, c.path, c.key])).toEqual([
      ['POST', '/v1/payments', 'k-1'],
      ['POST', '/v1/payments', null],
    ])
    expect(calls[0].body).toEqual(input)
  })

  it('sends the same key again on the retry after a refreshed token', async () => {
    let first = true
    const { client, calls } = setup((_method, path) => {
      if (path === '/v1/auth/refresh')
        return json(200, { user, accessToken: 'access-2', refreshToken: 'refresh-2', accessTokenExpiresIn: 900 })
      if (first) {
        first = false
        return json(401, { type: 'https://caravan.dev/problems/invalid_token', title: 'expired', status: 401 })
      }
      return json(201, { id: 'r1' })
    })
    await client.payments.refund('p1', { amount: '500', reason: 'requested_by_customer' }, { idempotencyKey: 'refund-1' })
    expect(calls.map((c) => [c.method, c.path, c.key])).toEqual([
      ['POST', '/v1/payments/p1/refunds', 'refund-1'],
      ['POST', '/v1/auth/refresh', null],
      ['POST', '/v1/payments/p1/refunds', 'refund-1'],
    ])
  })

  it('lists, reads, switches and cancels; the admin queue, gateways and settings', async () => {
    const { client, calls } = setup((method, path) => {
      if (path.endsWith('/payment-gateways')) return json(200, [])
      if (method === 'DELETE') return json(204, undefined)
      return json(200, { items: [], nextCursor: null })
    })
    await client.payments.list({ status: 'succeeded', held: true, cursor: 'c2', limit: 10 })
    await client.payments.get('p1')
    await client.payments.cancel('p1')
    await client.payments.switchGateway('p1', 'wallet')
    await client.admin.payments.refunds({ status: 'awaiting_approval' })
    await client.admin.payments.approveRefund('r1')
    await client.admin.payments.rejectRefund('r2')
    await expect(client.admin.payments.gateways()).resolves.toEqual([])
    await client.admin.payments.configureGateway('stripe', { enabled: true, config: { secretKey: '••••••' } })
    await client.admin.payments.removeGateway('stripe')
    await client.admin.payments.settings()
    await client.admin.payments.updateSettings({ expiryMinutes: 30 })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/payments?status=succeeded&held=true&cursor=c2&limit=10',
      'GET /v1/payments/p1',
      'POST /v1/payments/p1/cancel',
      'POST /v1/payments/p1/gateway',
      'GET /v1/admin/refunds?status=awaiting_approval',
      'POST /v1/admin/refunds/r1/approve',
      'POST /v1/admin/refunds/r2/reject',
      'GET /v1/admin/payment-gateways',
      'PUT /v1/admin/payment-gateways/stripe',
      'DELETE /v1/admin/payment-gateways/stripe',
      'GET /v1/admin/payment-settings',
      'PATCH /v1/admin/payment-settings',
    ])
    expect(calls[3].body).toEqual({ gateway: 'wallet' })
    expect(calls[8].body).toEqual({ enabled: true, config: { secretKey: '••••••' } })
    expect(calls[11].body).toEqual({ expiryMinutes: 30 })
    expect(calls.every((c) => c.key === null)).toBe(true)
  })

  it('reads the analytics with the range, grouping and zone in the query (none: the server defaults)', async () => {
    const answer = {
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-31T00:00:00.000Z',
      groupBy: 'gateway',
      timezone: 'Asia/Tehran',
      totals: [],
      groups: [],
      failureReasons: [],
      walletLiabilities: [{ currency: 'IRR', amount: '120000' }],
    }
    const { client, calls } = setup(() => json(200, answer))
    await expect(
      client.admin.payments.analytics({ from: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z', groupBy: 'gateway', timezone: 'UTC' }),
    ).resolves.toEqual(answer)
    await client.admin.payments.analytics()
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/payments/analytics?from=2026-01-01T00%3A00%3A00Z&to=2026-01-31T00%3A00%3A00Z&groupBy=gateway&timezone=UTC',
      'GET /v1/payments/analytics',
    ])
  })

  it('reads the analytics CSV as text', async () => {
    const csv = 'key,currency,payments\r\ntotal,IRR,1\r\n'
    const { client, calls } = setup(() => new Response(csv, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } }))
    await expect(client.admin.payments.exportAnalytics({ groupBy: 'currency' })).resolves.toBe(csv)
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v1/payments/analytics/export?groupBy=currency'])
  })
})
