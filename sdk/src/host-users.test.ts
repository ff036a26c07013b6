// The host product's users from the SDK: the calls a host's server makes with its API key, and the
// browser sign-ins (signed identity, password reset) that store a session.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { memorySessionStorage } from './session.js'
import type { User } from './types.js'

const user: User = {
  id: 'u1',
  externalId: 'shop-42',
  email: null,
  name: 'سارا',
  locale: 'fa',
  timezone: 'Asia/Tehran',
  phone: null,
  role: 'customer',
  createdAt: '2026-01-01T00:00:00.000Z',
}
const session = { user, accessToken: 'access-1', accessTokenExpiresIn: 900, refreshToken: 'refresh-1' }
const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function setup(answer: (method: string, path: string) => Response, apiKey?: string) {
  const calls: { method: string; path: string; auth: string | null; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const method = init?.method ?? 'GET'
    calls.push({
      method,
      path: url.pathname,
      auth: new Headers(init?.headers).get('authorization'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    })
    return answer(method, url.pathname)
  })
  const storage = memorySessionStorage(null)
  const client = createCaravanClient({ baseUrl: 'http://caravan.test', storage, fetch, apiKey, now: () => 0 })
  return { client, calls, storage }
}

describe('host users with an API key', () => {
  it('upserts, reads, batches, erases, exports and opens sessions on the documented routes', async () => {
    const { client, calls, storage } = setup(
      (method, path) =>
        method === 'DELETE'
          ? json(204, undefined)
          : path.endsWith(':batch')
            ? json(200, { created: 1, updated: 0, items: [] })
            : json(200, path.includes('sessions') ? session : { ...user, attributes: {} }),
      'ck_test',
    )
    await client.users.upsert('shop:42@x', { name: 'سارا', attributes: { plan: 'pro' } })
    await client.users.get('shop:42@x')
    await client.users.upsertMany([{ externalId: 'a' }, { externalId: 'b', locale: 'en' }])
    await client.users.erase('shop-42')
    await client.users.erase({ id: 'u1' })
    await client.users.export('u1')
    const opened = await client.users.createSession({ externalId: 'shop-42' })
    expect(opened.accessToken).toBe('access-1')
    // A session made for a user is handed on, never kept by the server's client.
    expect(storage.load()).toBeNull()
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PUT /v1/users/external/shop%3A42%40x',
      'GET /v1/users/external/shop%3A42%40x',
      'POST /v1/users/external:batch',
      'DELETE /v1/users/external/shop-42',
      'DELETE /v1/users/u1',
      'GET /v1/users/u1/export',
      'POST /v1/auth/sessions',
    ])
    expect(calls.every((c) => c.auth === 'Bearer ck_test')).toBe(true)
    expect(calls[2].body).toEqual({ users: [{ externalId: 'a' }, { externalId: 'b', locale: 'en' }] })
  })
})

describe('browser sign-ins', () => {
  it('identify() trades the signed externalId for a stored session', async () => {
    const { client, calls, storage } = setup(() => json(200, session))
    await client.identify('shop-42', 'ab'.repeat(32))
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1/auth/identity',
      auth: null,
      body: { externalId: 'shop-42', signature: 'ab'.repeat(32) },
    })
    expect(storage.load()?.user.externalId).toBe('shop-42')
  })

  it('a password reset is asked for by address and redeemed with the token, which signs in', async () => {
    const { client, calls, storage } = setup((_m, path) => (path.endsWith('/confirm') ? json(200, session) : json(202, null)))
    await expect(client.requestPasswordReset('sara@example.com')).resolves.toBeUndefined()
    await client.resetPassword('token-1', 'a new password 1')
    expect(calls.map((c) => [c.path, c.body])).toEqual([
      ['/v1/auth/password-reset', { email: 'sara@example.com' }],
      ['/v1/auth/password-reset/confirm', { token: 'token-1', password: 'a new password 1' }],
    ])
    expect(storage.load()?.accessToken).toBe('access-1')
  })
})
