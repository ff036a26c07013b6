// The support desk's methods against a fake fetch: each one's method, path, query and body, and the
// lists that unwrap `{ items }`.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { memorySessionStorage } from './session.js'
import type { User } from './types.js'

const user: User = {
  id: 'u1',
  externalId: null,
  email: 'agent@example.com',
  name: 'Agent',
  locale: 'fa',
  timezone: 'Asia/Tehran',
  phone: null,
  role: 'agent',
  createdAt: '2026-01-01T00:00:00.000Z',
}
const T0 = 1_800_000_000_000
const T = '11111111-1111-7111-8111-111111111111'
const X = '22222222-2222-7222-8222-222222222222'

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function setup() {
  const calls: { method: string; path: string; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const method = init?.method ?? 'GET'
    calls.push({ method, path: url.pathname + url.search, body: init?.body ? JSON.parse(String(init.body)) : undefined })
    if (method === 'DELETE') return json(204, undefined)
    // Lists answer { items }, the rendered canned response { text }; anything else echoes a marker.
    if (url.pathname.endsWith('/render')) return json(200, { text: 'Hi Sara' })
    if (method === 'GET' && /\/v1\/support\/(agents|teams|canned-responses|macros|sites)$/.test(url.pathname))
      return json(200, { items: [{ id: 'x' }] })
    return json(200, { ok: url.pathname })
  })
  const storage = memorySessionStorage({ user, accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: T0 + 900_000 })
  const client = createCaravanClient({ baseUrl: 'http://caravan.test', storage, fetch: fetch as typeof globalThis.fetch, now: () => T0 })
  return { client, calls }
}

describe('support', () => {
  it('sends every ticket call where the API expects it', async () => {
    const { client, calls } = setup()
    const s = client.support
    await s.create({ subject: 'Login', body: 'help' })
    await s.list({ view: 'mine', status: 'active', limit: 5 })
    await s.get(T)
    await s.reply(T, { body: 'done', status: 'solved' })
    await s.note(T, { body: 'internal' })
    await s.update(T, { priority: 'urgent', tags: ['vip'] })
    await s.merge(T, 42)
    await s.rate(T, { rating: 5, comment: 'great' })
    await s.applyMacro(T, X)
    expect(calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/v1/tickets', { subject: 'Login', body: 'help' }],
      ['GET', '/v1/tickets?view=mine&status=active&limit=5', undefined],
      ['GET', `/v1/tickets/${T}`, undefined],
      ['POST', `/v1/tickets/${T}/replies`, { body: 'done', status: 'solved' }],
      ['POST', `/v1/tickets/${T}/notes`, { body: 'internal' }],
      ['PATCH', `/v1/tickets/${T}`, { priority: 'urgent', tags: ['vip'] }],
      ['POST', `/v1/tickets/${T}/merge`, { sourceTicketId: 42 }],
      ['POST', `/v1/tickets/${T}/csat`, { rating: 5, comment: 'great' }],
      ['POST', `/v1/tickets/${T}/macros/${X}`, undefined],
    ])
  })

  it('sends the desk’s calls and unwraps its lists', async () => {
    const { client, calls } = setup()
    const s = client.support
    await s.status()
    await s.setPresence({ status: 'online', capacity: 4 })
    expect(await s.agents()).toEqual([{ id: 'x' }])
    await s.setCapacity(X, 7)
    expect(await s.teams()).toEqual([{ id: 'x' }])
    await s.createTeam({ name: 'Billing' })
    await s.updateTeam(X, { email: 'billing@acme.test' })
    expect(await s.cannedResponses({ q: '/hi' })).toEqual([{ id: 'x' }])
    await s.createCannedResponse({ shortcut: 'hi', title: 'Hi', body: 'Hi {{ customer.name }}' })
    await s.updateCannedResponse(X, { title: 'Hello' })
    await s.deleteCannedResponse(X)
    expect(await s.renderCannedResponse(X, T)).toBe('Hi Sara')
    expect(await s.macros()).toEqual([{ id: 'x' }])
    await s.createMacro({ name: 'Escalate', actions: { priority: 'high' } })
    await s.updateMacro(X, { name: 'Escalate now' })
    await s.deleteMacro(X)
    await s.settings()
    await s.updateSettings({ slaWarnMinutes: 15 })
    await s.analytics({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', groupBy: 'agent' })
    await s.exportAnalytics({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', groupBy: 'channel' })
    expect(calls.map((c) => [c.method, c.path])).toEqual([
      ['GET', '/v1/support/status'],
      ['PUT', '/v1/support/presence'],
      ['GET', '/v1/support/agents'],
      ['PUT', `/v1/support/agents/${X}/capacity`],
      ['GET', '/v1/support/teams'],
      ['POST', '/v1/support/teams'],
      ['PATCH', `/v1/support/teams/${X}`],
      ['GET', '/v1/support/canned-responses?q=%2Fhi'],
      ['POST', '/v1/support/canned-responses'],
      ['PATCH', `/v1/support/canned-responses/${X}`],
      ['DELETE', `/v1/support/canned-responses/${X}`],
      ['POST', `/v1/support/canned-responses/${X}/render`],
      ['GET', '/v1/support/macros'],
      ['POST', '/v1/support/macros'],
      ['PATCH', `/v1/support/macros/${X}`],
      ['DELETE', `/v1/support/macros/${X}`],
      ['GET', '/v1/admin/support/settings'],
      ['PATCH', '/v1/admin/support/settings'],
      ['GET', '/v1/support/analytics?from=2026-01-01T00%3A00%3A00Z&to=2026-02-01T00%3A00%3A00Z&groupBy=agent'],
      ['GET', '/v1/support/analytics/export?from=2026-01-01T00%3A00%3A00Z&to=2026-02-01T00%3A00%3A00Z&groupBy=channel'],
    ])
    expect(calls[1]!.body).toEqual({ status: 'online', capacity: 4 })
    expect(calls[3]!.body).toEqual({ capacity: 7 })
    expect(calls[11]!.body).toEqual({ ticketId: T })
  })

  it('sends the live chat sites’ and conversations’ calls', async () => {
    const { client, calls } = setup()
    const { sites, conversations } = client.support
    expect(await sites.list()).toEqual([{ id: 'x' }])
    await sites.create({ name: 'Shop', allowedOrigins: ['https://shop.example.com'], requireIdentity: true, teamId: X, locale: 'fa' })
    await sites.update(T, { allowedOrigins: ['http://localhost:8080'], teamId: null })
    await sites.rotateSecret(T)
    await sites.remove(T)
    expect(await conversations.list({ status: 'open', cursor: 'c1' })).toEqual({ ok: '/v1/support/conversations' })
    await conversations.list()
    await conversations.escalate(T, { subject: 'Refund' })
    await conversations.escalate(X)
    await conversations.close(T)
    await conversations.join(T)
    expect(calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['GET', '/v1/support/sites', undefined],
      [
        'POST',
        '/v1/support/sites',
        { name: 'Shop', allowedOrigins: ['https://shop.example.com'], requireIdentity: true, teamId: X, locale: 'fa' },
      ],
      ['PATCH', `/v1/support/sites/${T}`, { allowedOrigins: ['http://localhost:8080'], teamId: null }],
      ['POST', `/v1/support/sites/${T}/secret`, undefined],
      ['DELETE', `/v1/support/sites/${T}`, undefined],
      ['GET', '/v1/support/conversations?status=open&cursor=c1', undefined],
      ['GET', '/v1/support/conversations', undefined],
      ['POST', `/v1/support/conversations/${T}/escalate`, { subject: 'Refund' }],
      // The server wants a JSON body even without a subject.
      ['POST', `/v1/support/conversations/${X}/escalate`, {}],
      ['POST', `/v1/support/conversations/${T}/close`, undefined],
      ['POST', `/v1/support/conversations/${T}/join`, undefined],
    ])
  })
})
