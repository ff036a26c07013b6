// The notification methods against a fake fetch: the method, path, query and body each one
// sends, and how answers (including 422 template errors) come back.
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { CaravanError } from './errors.js'
import { memorySessionStorage } from './session.js'
import type { InboxItem, NotificationPreferences, RealtimeEvents } from './types.js'
import { T0, testUser } from '../test/fixtures.js'

const user = testUser()
const item: InboxItem = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  type: 'account.welcome',
  category: 'transactional',
  title: 'Welcome',
  body: 'Hi',
  actionUrl: '/settings/notifications',
  read: false,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
}
const preferences: NotificationPreferences = {
  channels: { in_app: true, email: true, sms: false, push: true },
  categories: { marketing: { email: false, sms: false } },
  quietHours: { start: '22:00', end: '07:30' },
}

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** A client whose fetch answers `answer(method, path)` and records every call. */
function setup(answer: (method: string, path: string, body: any) => Response, options: { apiKey?: string } = {}) {
  const calls: { method: string; path: string; auth: string | null; body: any }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const body = init?.body ? JSON.parse(String(init.body)) : undefined
    const method = init?.method ?? 'GET'
    calls.push({ method, path: url.pathname + url.search, auth: new Headers(init?.headers).get('authorization'), body })
    return answer(method, url.pathname, body)
  })
  const storage = memorySessionStorage(
    options.apiKey ? null : { user, accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: T0 + 900_000 },
  )
  const client = createCaravanClient({
    baseUrl: 'http://caravan.test',
    storage,
    fetch: fetch as typeof globalThis.fetch,
    now: () => T0,
    apiKey: options.apiKey,
  })
  return { client, calls, fetch }
}

describe('inbox', () => {
  it('lists with cursor, unread and archived filters', async () => {
    const { client, calls } = setup(() => json(200, { items: [item], nextCursor: 'c2' }))
    await expect(client.notifications.list()).resolves.toEqual({ items: [item], nextCursor: 'c2' })
    await client.notifications.list({ cursor: 'c2', limit: 10, unread: true })
    await client.notifications.list({ archived: true })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/me/notifications',
      'GET /v1/me/notifications?cursor=c2&limit=10&unread=true',
      'GET /v1/me/notifications?archived=true',
    ])
    expect(calls[0].auth).toBe('Bearer access-1')
  })

  it('reads the unread count with its order', async () => {
    const { client, calls } = setup(() => json(200, { count: 3, seq: 41 }))
    await expect(client.notifications.unreadCount()).resolves.toEqual({ count: 3, seq: 41 })
    expect(calls[0].path).toBe('/v1/me/notifications/unread-count')
  })

  it('marks one read, all read, and archives', async () => {
    const { client, calls } = setup((method, path) => {
      if (path.endsWith('/read-all')) return json(200, { updated: 4 })
      if (path.endsWith('/read')) return json(200, { ...item, read: true })
      return json(200, { ...item, archived: true })
    })
    await expect(client.notifications.markRead(item.id)).resolves.toMatchObject({ id: item.id, read: true })
    await expect(client.notifications.markAllRead()).resolves.toBe(4)
    await expect(client.notifications.archive(item.id)).resolves.toMatchObject({ archived: true })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `POST /v1/me/notifications/${item.id}/read`,
      'POST /v1/me/notifications/read-all',
      `POST /v1/me/notifications/${item.id}/archive`,
    ])
    expect(calls.every((c) => c.body === undefined)).toBe(true)
  })

  it('escapes ids in paths', async () => {
    const { client, calls } = setup(() => json(404, { type: 'https://caravan.dev/problems/not_found', title: 'Not found', status: 404 }))
    const error = await client.notifications.markRead('a/b?c').catch((e) => e)
    expect(error).toBeInstanceOf(CaravanError)
    expect(error.code).toBe('not_found')
    expect(calls[0].path).toBe('/v1/me/notifications/a%2Fb%3Fc/read')
  })
})

describe('preferences and topics', () => {
  it('reads and replaces preferences', async () => {
    const view = { preferences, timezone: 'Asia/Tehran', criticalCategories: ['security'] }
    const { client, calls } = setup(() => json(200, view))
    await expect(client.notifications.preferences()).resolves.toEqual(view)
    await expect(client.notifications.setPreferences(preferences)).resolves.toEqual(view)
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/me/notification-preferences',
      'PUT /v1/me/notification-preferences',
    ])
    expect(calls[1].body).toEqual(preferences)
  })

  it('lists, follows and unfollows my topics', async () => {
    const mine = { key: 'news', name: 'News', visibility: 'public' as const }
    const { client, calls } = setup((method) => (method === 'GET' ? json(200, { items: [mine] }) : new Response(null, { status: 204 })))
    await expect(client.notifications.topics()).resolves.toEqual([mine])
    await expect(client.notifications.follow('shop:deals')).resolves.toBeUndefined()
    await client.notifications.unfollow('shop:deals')
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/me/topics',
      'PUT /v1/me/topics/shop%3Adeals',
      'DELETE /v1/me/topics/shop%3Adeals',
    ])
  })

  it('pages the public topics I may follow', async () => {
    const page = { items: [{ key: 'deals', name: 'Deals', following: false }], nextCursor: 'c2' }
    const { client, calls } = setup(() => json(200, page))
    await expect(client.notifications.availableTopics()).resolves.toEqual(page)
    await client.notifications.availableTopics({ cursor: 'c2', limit: 50 })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/me/topics/available',
      'GET /v1/me/topics/available?cursor=c2&limit=50',
    ])
  })

  it('creates a topic private unless asked, and changes its visibility (host)', async () => {
    const topic = { key: 'order-7', name: 'Order 7', visibility: 'private' as const, subscribers: 0 }
    const { client, calls } = setup(() => json(200, topic), { apiKey: 'ck_host' })
    await client.topics.create({ key: 'order-7', name: 'Order 7' })
    await client.topics.update('order-7', { visibility: 'public' })
    expect(calls.map((c) => [`${c.method} ${c.path}`, c.body])).toEqual([
      ['POST /v1/topics', { key: 'order-7', name: 'Order 7' }],
      ['PATCH /v1/topics/order-7', { visibility: 'public' }],
    ])
  })
})

describe('sending and the console', () => {
  it('sends with an API key, which is never refreshed', async () => {
    const { client, calls } = setup(
      (_m, path) =>
        path === '/v1/notifications'
          ? json(202, { id: 'n1', duplicate: false })
          : json(401, { type: 'https://caravan.dev/problems/invalid_token', title: 'Invalid token', status: 401 }),
      { apiKey: 'ck_test' },
    )
    const input = { type: 'order.paid', to: { topic: 'news' }, data: { amount: 1000 }, idempotencyKey: 'order-1' }
    await expect(client.notifications.send(input)).resolves.toEqual({ id: 'n1', duplicate: false })
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/v1/notifications', auth: 'Bearer ck_test', body: input })
    await expect(client.notifications.get('n1')).rejects.toMatchObject({ status: 401, code: 'invalid_token' })
    expect(calls.map((c) => c.path)).toEqual(['/v1/notifications', '/v1/notifications/n1'])
  })

  it('saves a template version and carries the field of a syntax error', async () => {
    const { client, calls } = setup(() =>
      json(422, {
        type: 'https://caravan.dev/problems/unprocessable',
        title: 'Unprocessable',
        status: 422,
        errors: [{ field: 'content.html', message: 'syntax error on line 2, column 3: tag "iff" not found' }],
      }),
    )
    const content = { subject: 'Hi', html: '<p>\n{% iff %}', text: 'Hi' }
    const error: CaravanError = await client.admin.notifications.saveTemplate('order.paid', 'email', 'fa', content).catch((e) => e)
    expect(calls[0]).toMatchObject({ method: 'PUT', path: '/v1/admin/notification-types/order.paid/templates/email/fa', body: { content } })
    expect(error.status).toBe(422)
    expect(error.fieldError('content.html')).toMatch(/line 2/)
  })

  it('previews unsaved content and filters the activity feed', async () => {
    const { client, calls } = setup((_m, path) =>
      path.endsWith('/preview')
        ? json(200, { channel: 'in_app', locale: 'en', version: null, rendered: { title: 'Paid', body: '1,000' } })
        : json(200, { items: [], nextCursor: null }),
    )
    const preview = await client.admin.notifications.preview('order.paid', {
      channel: 'in_app',
      locale: 'en',
      content: { title: 'Paid', body: '{{ amount }}' },
      data: { amount: '1,000' },
    })
    expect(preview.rendered).toEqual({ title: 'Paid', body: '1,000' })
    await client.admin.notifications.deliveries({ channel: 'email', status: 'failed', from: '2026-01-01T00:00:00.000Z' })
    await client.dev.outbox({ channel: 'email', limit: 5 })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1/admin/notification-types/order.paid/preview',
      'GET /v1/admin/notifications/deliveries?channel=email&status=failed&from=2026-01-01T00%3A00%3A00.000Z',
      'GET /v1/dev/outbox?channel=email&limit=5',
    ])
  })

  it('saves, lists and previews a workflow, lists runs, and cancels by cancelKey or idempotencyKey', async () => {
    const workflow = { type: 'order.paid', version: 2, steps: [{ kind: 'channel', channel: 'in_app' }], createdBy: 'u1', createdAt: T0 }
    const { client, calls } = setup((method, path) =>
      path.endsWith('/workflow/preview')
        ? json(200, { steps: [{ index: 0, kind: 'channel', outcome: 'send', atSeconds: 0, detail: 'in_app' }] })
        : path.endsWith('/versions')
          ? json(200, { items: [workflow] })
          : path === '/v1/notifications/runs'
            ? json(200, { runs: 1, notifications: 0, deliveries: 0 })
            : path.endsWith('/runs')
              ? json(200, { items: [], nextCursor: null })
              : json(method === 'PUT' ? 201 : 200, workflow),
    )
    const steps = [
      { kind: 'channel' as const, channel: 'in_app' as const },
      { kind: 'delay' as const, seconds: 900 },
      { kind: 'channel' as const, channel: 'email' as const, if: [{ check: 'in_app_unread' as const }] },
    ]
    await expect(client.admin.notifications.saveWorkflow('order.paid', steps)).resolves.toEqual(workflow)
    await client.admin.notifications.getWorkflow('order.paid')
    expect(await client.admin.notifications.workflowVersions('order.paid')).toEqual([workflow])
    const preview = await client.admin.notifications.previewWorkflow('order.paid', { locale: 'fa', assume: { inAppRead: true } })
    expect(preview.steps[0].outcome).toBe('send')
    await client.admin.notifications.runs({ status: 'waiting', limit: 5 })
    expect(await client.notifications.cancelRuns({ cancelKey: 'order:42' })).toEqual({ runs: 1, notifications: 0, deliveries: 0 })
    await client.notifications.cancelRuns({ idempotencyKey: 'remind-42' })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PUT /v1/admin/notification-types/order.paid/workflow',
      'GET /v1/admin/notification-types/order.paid/workflow',
      'GET /v1/admin/notification-types/order.paid/workflow/versions',
      'POST /v1/admin/notification-types/order.paid/workflow/preview',
      'GET /v1/admin/notifications/runs?status=waiting&limit=5',
      'DELETE /v1/notifications/runs?cancelKey=order%3A42',
      'DELETE /v1/notifications/runs?idempotencyKey=remind-42',
    ])
    expect(calls[0].body).toEqual({ steps })
  })

  it('types the notification socket events', () => {
    expectTypeOf<RealtimeEvents['notification:new']>().toEqualTypeOf<{ item: InboxItem; unreadCount: number; unreadSeq: number }>()
    expectTypeOf<RealtimeEvents['notification:unread']>().toEqualTypeOf<{ count: number; seq: number }>()
  })
})
