import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { CaravanError } from './errors.js'
import { memorySessionStorage, type Session } from './session.js'
import type { User } from './types.js'

const user: User = {
  id: 'u1',
  externalId: null,
  email: 'a@example.com',
  name: 'A',
  locale: 'en',
  timezone: 'UTC',
  phone: null,
  role: 'customer',
  createdAt: '2026-01-01T00:00:00.000Z',
}
const T0 = 1_800_000_000_000

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type, 'x-request-id': 'req-1' } })
const problem = (status: number, type: string, extra: object = {}) =>
  json(
    status,
    { type: `https://caravan.dev/problems/${type}`, title: type, status, requestId: 'req-1', ...extra },
    'application/problem+json',
  )
const sessionBody = (n: number) => ({ user, accessToken: `access-${n}`, accessTokenExpiresIn: 900, refreshToken: `refresh-${n}` })

/**
 * A fake server: /v1/auth/refresh rotates tokens (a spent refresh token is refused, as the real
 * one does), protected routes accept only the newest access token; every call is recorded.
 */
function fakeServer(options: { refreshFails?: boolean; refreshDelayMs?: number } = {}) {
  let generation = 1
  let accessValid = true
  const calls: { method: string; path: string; auth: string | null; body: any }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    const body = init?.body ? JSON.parse(String(init.body)) : undefined
    const auth = new Headers(init?.headers).get('authorization')
    calls.push({ method: init?.method ?? 'GET', path: url.pathname + url.search, auth, body })
    if (url.pathname === '/v1/auth/refresh') {
      if (options.refreshDelayMs) await new Promise((r) => setTimeout(r, options.refreshDelayMs))
      if (options.refreshFails || body.refreshToken !== `refresh-${generation}`) return problem(401, 'invalid_token')
      generation++
      accessValid = true
      return json(200, sessionBody(generation))
    }
    if (url.pathname === '/v1/auth/login') return json(200, sessionBody(generation))
    if (url.pathname === '/v1/auth/logout') return new Response(null, { status: 204 })
    if (!accessValid || auth !== `Bearer access-${generation}`)
      return problem(401, 'invalid_token', { detail: 'The access token has expired' })
    if (url.pathname === '/v1/me') return json(200, user)
    return problem(404, 'not_found')
  })
  return {
    fetch,
    calls,
    refreshCalls: () => calls.filter((c) => c.path === '/v1/auth/refresh'),
    /** The server no longer accepts the current access token (it expired by the server's clock). */
    expireAccessToken: () => {
      accessValid = false
    },
    /** Another tab refreshed: the server moved to the next generation. */
    rotate: () => {
      generation++
    },
  }
}

function signedIn(n: number, expiresInMs = 900_000): Session {
  return { user, accessToken: `access-${n}`, refreshToken: `refresh-${n}`, accessTokenExpiresAt: T0 + expiresInMs }
}

function setup(server: ReturnType<typeof fakeServer>, session: Session | null = signedIn(1)) {
  const changes: (Session | null)[] = []
  const storage = memorySessionStorage(session)
  const client = createCaravanClient({
    baseUrl: 'http://caravan.test/',
    storage,
    fetch: server.fetch as typeof fetch,
    now: () => T0,
    onSessionChange: (s) => changes.push(s),
  })
  return { client, storage, changes }
}

describe('sessions', () => {
  it('login stores the session and reports it', async () => {
    const server = fakeServer()
    const { client, changes } = setup(server, null)
    const session = await client.login({ email: 'a@example.com', password: 'secret-123' })
    expect(session).toEqual(signedIn(1))
    expect(client.session).toEqual(session)
    expect(changes).toEqual([session])
    expect(server.calls[0]).toMatchObject({ method: 'POST', path: '/v1/auth/login', auth: null })
  })

  it('keeps the stored user in step with /v1/me and reports only real changes', async () => {
    const server = fakeServer()
    const { client, changes } = setup(server, { ...signedIn(1), user: { ...user, name: 'Old name' } })
    await client.me()
    await client.me()
    expect(client.session?.user).toEqual(user)
    expect(changes.map((s) => s?.user.name)).toEqual(['A'])
  })

  it('logout forgets the session even when the server cannot be reached', async () => {
    const server = fakeServer()
    server.fetch.mockRejectedValueOnce(new TypeError('fetch failed'))
    const { client, changes } = setup(server)
    await client.logout()
    expect(client.session).toBeNull()
    expect(changes).toEqual([null])
  })
})

describe('automatic refresh', () => {
  it('concurrent requests refused with invalid_token share one refresh and are each retried once', async () => {
    const server = fakeServer({ refreshDelayMs: 20 })
    server.expireAccessToken()
    const { client, storage, changes } = setup(server)
    const users = await Promise.all([client.me(), client.me(), client.me()])
    expect(users).toEqual([user, user, user])
    expect(server.refreshCalls()).toHaveLength(1)
    const meCalls = server.calls.filter((c) => c.path === '/v1/me')
    expect(meCalls.map((c) => c.auth)).toEqual([...Array(3).fill('Bearer access-1'), ...Array(3).fill('Bearer access-2')])
    expect(storage.load()?.refreshToken).toBe('refresh-2')
    expect(changes.map((c) => c?.accessToken)).toEqual(['access-2'])
  })

  it('concurrent requests share one failed refresh too, and the session ends once', async () => {
    const server = fakeServer({ refreshFails: true, refreshDelayMs: 20 })
    server.expireAccessToken()
    const { client, changes } = setup(server)
    const results = await Promise.allSettled([client.me(), client.me(), client.me()])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(server.refreshCalls()).toHaveLength(1)
    expect(changes).toEqual([null])
  })

  it('does not retry a second time: a refused retry is final', async () => {
    const server = fakeServer()
    const real = server.fetch.getMockImplementation()!
    server.fetch.mockImplementation(async (input, init) =>
      String(input).endsWith('/v1/me') ? problem(401, 'invalid_token') : real(input, init),
    )
    const { client } = setup(server)
    await expect(client.me()).rejects.toMatchObject({ code: 'invalid_token', status: 401 })
    expect(server.refreshCalls()).toHaveLength(1)
    expect(server.fetch.mock.calls.filter(([input]) => String(input).endsWith('/v1/me'))).toHaveLength(2)
  })

  it('refreshes before sending when the access token expires within 30 s', async () => {
    const server = fakeServer()
    const { client } = setup(server, signedIn(1, 20_000))
    await client.me()
    expect(server.calls.map((c) => c.path)).toEqual(['/v1/auth/refresh', '/v1/me'])
    expect(server.calls[1].auth).toBe('Bearer access-2')
  })

  it('uses a token another tab already refreshed instead of spending the refresh token again', async () => {
    const server = fakeServer()
    const { client, storage } = setup(server, signedIn(1))
    const real = server.fetch.getMockImplementation()!
    server.fetch
      .mockImplementationOnce(async () => {
        // While this request was in flight, another tab refreshed and stored generation 2.
        server.rotate()
        storage.save(signedIn(2))
        return problem(401, 'invalid_token')
      })
      .mockImplementation(real)
    await expect(client.me()).resolves.toEqual(user)
    expect(server.refreshCalls()).toHaveLength(0)
  })

  it('a refused refresh clears the session, reports null and throws', async () => {
    const server = fakeServer({ refreshFails: true })
    const { client, changes } = setup(server, signedIn(1, 10_000))
    const error = await client.me().catch((e) => e)
    expect(error).toBeInstanceOf(CaravanError)
    expect(error.code).toBe('invalid_token')
    expect(client.session).toBeNull()
    expect(changes).toEqual([null])
    expect(server.calls.map((c) => c.path)).toEqual(['/v1/auth/refresh'])
  })

  it('an unreachable server during refresh keeps the session', async () => {
    const server = fakeServer()
    server.fetch.mockRejectedValueOnce(new TypeError('fetch failed'))
    const { client, changes } = setup(server, signedIn(1, 10_000))
    await expect(client.me()).rejects.toMatchObject({ code: 'network_error', status: 0 })
    expect(client.session).not.toBeNull()
    expect(changes).toEqual([])
  })

  it('does not refresh on other 401s', async () => {
    const server = fakeServer()
    const real = server.fetch.getMockImplementation()!
    server.fetch.mockImplementationOnce(async () => problem(401, 'unauthorized')).mockImplementation(real)
    const { client } = setup(server)
    await expect(client.me()).rejects.toMatchObject({ code: 'unauthorized' })
    expect(server.refreshCalls()).toHaveLength(0)
  })
})

describe('errors', () => {
  it('carries the problem: type, title, status, detail, field errors, request id', async () => {
    const fetch = vi.fn(async () =>
      problem(400, 'validation', { detail: 'bad', errors: [{ field: 'body.email', message: 'must match format "email"' }] }),
    )
    const client = createCaravanClient({ baseUrl: 'http://caravan.test', fetch })
    const error: CaravanError = await client.register({ email: 'nope', password: 'x' }).catch((e) => e)
    expect(error).toBeInstanceOf(CaravanError)
    expect(error).toMatchObject({
      type: 'https://caravan.dev/problems/validation',
      title: 'validation',
      status: 400,
      detail: 'bad',
      requestId: 'req-1',
      code: 'validation',
    })
    expect(error.fieldError('body.email')).toBe('must match format "email"')
  })

  it('turns a non-problem answer into a CaravanError with its status', async () => {
    const fetch = vi.fn(
      async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'r9' } }),
    )
    const client = createCaravanClient({ baseUrl: 'http://caravan.test', fetch })
    await expect(client.login({ email: 'a@b.c', password: 'x' })).rejects.toMatchObject({
      status: 502,
      title: 'Bad Gateway',
      requestId: 'r9',
    })
  })

  it('sends query parameters and skips empty ones', async () => {
    const fetch = vi.fn(async (_input: string | URL | Request, _init?: RequestInit) => json(200, { items: [], nextCursor: null }))
    const client = createCaravanClient({ baseUrl: 'http://caravan.test', fetch, storage: memorySessionStorage(signedIn(1)), now: () => T0 })
    await client.admin.listUsers({ q: 'ali', role: 'agent', cursor: undefined, limit: 10 })
    expect(String(fetch.mock.calls[0][0])).toBe('http://caravan.test/v1/admin/users?q=ali&role=agent&limit=10')
  })
})
