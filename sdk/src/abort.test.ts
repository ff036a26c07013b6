// Every method takes `{ signal }` last: the signal reaches fetch, an abort rejects with
// CaravanError `aborted`, and it never ends the session or cancels a refresh others wait for.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { CaravanError } from './errors.js'
import { memorySessionStorage, type Session } from './session.js'

const T0 = 1_800_000_000_000
const user = { id: 'u1', email: 'a@example.com', name: 'A', locale: 'en', timezone: 'UTC', role: 'customer' }
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const expiredToken = () => json({ type: 'https://caravan.dev/problems/invalid_token', title: 'invalid_token', status: 401 }, 401)
const refreshed = { user, accessToken: 'access-2', accessTokenExpiresIn: 900, refreshToken: 'refresh-2' }

interface Call {
  path: string
  auth: string | null
  signal: AbortSignal | null | undefined
}

/**
 * A fetch that honours the signal like the real one and answers when `release()` is called.
 * `answer` gives a body (sent as 200 JSON) or a whole Response.
 */
function slowFetch(answer: (call: Call) => unknown) {
  const seen: Call[] = []
  let releases: (() => void)[] = []
  const fetch = vi.fn((input: string | URL | Request, init?: RequestInit) => {
    const call = { path: new URL(String(input)).pathname, auth: new Headers(init?.headers).get('authorization'), signal: init?.signal }
    seen.push(call)
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'))
      if (init?.signal?.aborted) return abort()
      init?.signal?.addEventListener('abort', abort)
      releases.push(() => {
        const answered = answer(call)
        resolve(answered instanceof Response ? answered : json(answered))
      })
    })
  })
  const release = () => {
    const pending = releases
    releases = []
    for (const r of pending) r()
  }
  return { fetch, seen, release, paths: () => seen.map((c) => c.path) }
}

const session = (expiresAt: number): Session => ({
  user: user as Session['user'],
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  accessTokenExpiresAt: expiresAt,
})

function setup(fetch: typeof globalThis.fetch, expiresAt = T0 + 3_600_000) {
  const changes: (Session | null)[] = []
  const client = createCaravanClient({
    baseUrl: 'http://caravan.test',
    fetch,
    storage: memorySessionStorage(session(expiresAt)),
    now: () => T0,
    onSessionChange: (s) => changes.push(s),
  })
  return { client, changes }
}

async function rejection(promise: Promise<unknown>): Promise<CaravanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CaravanError)
  return error as CaravanError
}

describe('AbortSignal', () => {
  it('passes the signal to fetch for a GET, a POST with a body and a nested method', async () => {
    const server = slowFetch(() => ({ items: [], nextCursor: null, updated: 0, ...user }))
    const { client } = setup(server.fetch)
    const controller = new AbortController()
    const { signal } = controller
    const calls = [
      client.notifications.unreadCount({ signal }),
      client.updateMe({ name: 'B' }, { signal }),
      client.admin.notifications.deliveries({}, { signal }),
    ]
    await vi.waitFor(() => expect(server.seen).toHaveLength(3))
    server.release()
    await Promise.all(calls)
    expect(server.paths()).toEqual(['/v1/me/notifications/unread-count', '/v1/me', '/v1/admin/notifications/deliveries'])
    expect(server.seen.every((call) => call.signal === signal)).toBe(true)
  })

  it('rejects with CaravanError "aborted" (status 0) when aborted during or before the call', async () => {
    const server = slowFetch(() => user)
    const { client, changes } = setup(server.fetch)
    const during = new AbortController()
    const call = client.me({ signal: during.signal })
    await vi.waitFor(() => expect(server.seen).toHaveLength(1))
    during.abort()
    const error = await rejection(call)
    expect(error.code).toBe('aborted')
    expect(error.status).toBe(0)

    const before = new AbortController()
    before.abort()
    expect((await rejection(client.notifications.list({}, { signal: before.signal }))).code).toBe('aborted')
    expect(server.seen).toHaveLength(1) // nothing was sent for an already aborted call

    // The session stays; a call without options still works.
    expect(changes).toEqual([])
    expect(client.session?.accessToken).toBe('access-1')
    const plain = client.me()
    await vi.waitFor(() => expect(server.seen).toHaveLength(2))
    server.release()
    expect((await plain).id).toBe('u1')
  })

  it('an abort while the answer body is read rejects with "aborted" too', async () => {
    // Real fetch resolves on the headers; an abort then errors the body stream.
    const fetch = vi.fn(async (_input: string | URL | Request, init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(stream) {
          init?.signal?.addEventListener('abort', () => stream.error(new DOMException('The operation was aborted.', 'AbortError')))
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
    })
    const { client } = setup(fetch)
    const controller = new AbortController()
    const call = client.devices.list({ signal: controller.signal })
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1))
    controller.abort()
    expect((await rejection(call)).code).toBe('aborted')
  })

  it('an abort while the token refreshes stops only that caller: the refresh goes on for the others', async () => {
    const server = slowFetch((call) => (call.path === '/v1/auth/refresh' ? refreshed : user))
    // The token expires within the leeway: calls refresh first.
    const { client, changes } = setup(server.fetch, T0 + 1_000)
    const aborted = new AbortController()
    const first = client.me({ signal: aborted.signal })
    const second = client.me()
    await vi.waitFor(() => expect(server.paths()).toEqual(['/v1/auth/refresh']))
    // The refresh is shared: it carries no caller's signal.
    expect(server.seen[0].signal).toBeUndefined()
    aborted.abort()
    // The aborted caller gives up at once, while the refresh is still in flight.
    expect((await rejection(first)).code).toBe('aborted')
    expect(server.paths()).toEqual(['/v1/auth/refresh'])
    server.release()
    await vi.waitFor(() => expect(server.paths()).toEqual(['/v1/auth/refresh', '/v1/me']))
    server.release()
    expect((await second).id).toBe('u1')
    expect(server.seen[1].auth).toBe('Bearer access-2')
    expect(changes.map((s) => s?.accessToken)).toEqual(['access-2'])
  })

  it('an abort during the refresh after a 401 neither ends the session nor stops the retry of others', async () => {
    const server = slowFetch((call) => {
      if (call.path === '/v1/auth/refresh') return refreshed
      return call.auth === 'Bearer access-1' ? expiredToken() : user
    })
    const { client, changes } = setup(server.fetch)
    const aborted = new AbortController()
    const first = client.me({ signal: aborted.signal })
    const second = client.notifications.unreadCount()
    await vi.waitFor(() => expect(server.seen).toHaveLength(2))
    server.release() // both answered 401 invalid_token: one shared refresh starts
    await vi.waitFor(() => expect(server.paths()).toContain('/v1/auth/refresh'))
    aborted.abort()
    expect((await rejection(first)).code).toBe('aborted')
    server.release() // the refresh answers
    await vi.waitFor(() => expect(server.seen).toHaveLength(4))
    server.release() // the other caller's retry answers
    await second
    expect(server.paths().filter((p) => p === '/v1/auth/refresh')).toHaveLength(1)
    expect(server.seen.at(-1)).toMatchObject({ path: '/v1/me/notifications/unread-count', auth: 'Bearer access-2' })
    expect(changes.map((s) => s?.accessToken)).toEqual(['access-2'])
    expect(client.session?.accessToken).toBe('access-2')
  })

  it('refresh() and logout() take a signal too', async () => {
    const server = slowFetch(() => refreshed)
    const { client, changes } = setup(server.fetch)
    const controller = new AbortController()
    const refreshing = client.refresh({ signal: controller.signal })
    await vi.waitFor(() => expect(server.paths()).toEqual(['/v1/auth/refresh']))
    controller.abort()
    expect((await rejection(refreshing)).code).toBe('aborted')
    server.release() // the refresh itself still lands
    await vi.waitFor(() => expect(client.session?.accessToken).toBe('access-2'))

    // The logout call carries the signal; aborted, it still signs out here.
    const leaving = new AbortController()
    const logout = client.logout({ signal: leaving.signal })
    await vi.waitFor(() => expect(server.seen.at(-1)).toMatchObject({ path: '/v1/auth/logout', signal: leaving.signal }))
    leaving.abort()
    await logout
    expect(client.session).toBeNull()
    expect(changes.map((s) => s?.accessToken ?? null)).toEqual(['access-2', null])
  })
})
