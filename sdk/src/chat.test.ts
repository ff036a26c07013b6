// The chat methods against a fake fetch: the method, path, query and body each one sends; uploads
// go as multipart (the browser sets the boundary), never as JSON.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { memorySessionStorage } from './session.js'

const T0 = 1_800_000_000_000
const C = '0190a1b2-0000-7000-8000-0000000000c1'
const M = '0190a1b2-0000-7000-8000-0000000000d1'

function setup() {
  const calls: { method: string; path: string; type: string | null; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const body = init?.body instanceof FormData ? init.body : init?.body ? JSON.parse(String(init.body)) : undefined
    calls.push({
      method: init?.method ?? 'GET',
      path: url.pathname + url.search,
      type: new Headers(init?.headers).get('content-type'),
      body,
    })
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } })
  })
  const storage = memorySessionStorage({
    user: {
      id: 'u1',
      externalId: null,
      email: 'a@example.com',
      name: 'A',
      locale: 'fa',
      timezone: 'Asia/Tehran',
      phone: null,
      role: 'customer',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    accessTokenExpiresAt: T0 + 900_000,
  })
  const client = createCaravanClient({ baseUrl: 'http://caravan.test', storage, fetch: fetch as typeof globalThis.fetch, now: () => T0 })
  return { client, calls }
}

describe('chat', () => {
  it('sends each call to its route', async () => {
    const { client, calls } = setup()
    await client.chat.create({ type: 'group', memberIds: ['u2', { externalId: 'crm-7' }], name: 'تیم' })
    await client.chat.list({ limit: 5 })
    await client.chat.send(C, { clientMessageId: 'c-1', text: 'سلام', replyTo: M })
    await client.chat.messages(C, { after: 41, limit: 100 })
    await client.chat.messages(C, { before: 10 })
    await client.chat.edit(C, M, 'edited')
    await client.chat.react(C, M, '👍')
    await client.chat.unreact(C, M, '👍')
    await client.chat.markRead(C, 42)
    await client.chat.search({ q: 'کتاب', conversationId: C })
    await client.chat.removeMembers(C, ['u2'])
    await client.chat.block({ externalId: 'crm-7' })
    await client.admin.chat.updateSettings({ moderation: 'mask' })
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /v1/conversations',
      'GET /v1/conversations?limit=5',
      `POST /v1/conversations/${C}/messages`,
      `GET /v1/conversations/${C}/messages?after=41&limit=100`,
      `GET /v1/conversations/${C}/messages?before=10`,
      `PATCH /v1/conversations/${C}/messages/${M}`,
      `PUT /v1/conversations/${C}/messages/${M}/reactions/%F0%9F%91%8D`,
      `DELETE /v1/conversations/${C}/messages/${M}/reactions/%F0%9F%91%8D`,
      `POST /v1/conversations/${C}/read`,
      `GET /v1/chat/search?q=%DA%A9%D8%AA%D8%A7%D8%A8&conversationId=${C}`,
      `POST /v1/conversations/${C}/members/remove`,
      'POST /v1/me/blocks',
      'PATCH /v1/admin/chat/settings',
    ])
    expect(calls[2].body).toEqual({ clientMessageId: 'c-1', text: 'سلام', replyTo: M })
    expect(calls[8].body).toEqual({ seq: 42 })
  })

  it('uploads a file as multipart form data', async () => {
    const { client, calls } = setup()
    await client.chat.upload(new Blob(['hello'], { type: 'text/plain' }), 'سلام.txt')
    expect(calls[0].method).toBe('POST')
    expect(calls[0].path).toBe('/v1/uploads')
    // No JSON content type: fetch sets multipart/form-data with its boundary.
    expect(calls[0].type).toBeNull()
    const file = (calls[0].body as FormData).get('file') as File
    expect(file.name).toBe('سلام.txt')
    expect(await file.text()).toBe('hello')
  })
})
