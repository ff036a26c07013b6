// Every method takes `{ signal }` last: the signal reaches fetch, an abort rejects with
// CaravanError `aborted`, and it never ends the session or cancels a refresh others wait for.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { CaravanError } from './errors.js'
import { memorySessionStorage, type Session } from './session.js'

const T0 = 1_800_000_000_000
const user = { id: 'u1', email: 'a@example.com', name: 'A', locale: 'en', timezone: 'UTC', role: 'customer' }
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })

/** A fetch that honours the signal like the real one, answering after `release()` (or at once). */
function slowFetch(answer: (path: string) => unknown) {
  const seen: { path: string; signal: AbortSignal | null | undefined }[] = []
  let releases: (() => void)[] = []
  const fetch = vi.fn((input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(input)).pathname
    seen.push({ path, signal: init?.signal })
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'))
      if (init?.signal?.aborted) return abort()
      init?.signal?.addEventListener('abort', abort)
      releases.push(() => resolve(json(answer(path))))
    })
  })
  const release = () => {
    const pending = releases
    releases = []
    for (const r of pending) r()
  }
  return { fetch, seen, release }
}

const session = (expiresAt: number): Session => ({
  user: user as Session['user'],
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  accessTokenExpiresAt: expiresAt,
})

async function rejection(promise: Promise<unknown>): Promise<CaravanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CaravanError)
  return error as CaravanError
}

describe('AbortSignal', () => {
  it('passes the signal to fetch for a GET, a POST and a nested method', async () => {
    const server = slowFetch(() => ({ items: [], nextCursor: null, count: 3 }))
    const client = createCaravanClient({
      baseUrl: 'http://caravan.test',
      fetch: server.fetch,
      storage: memorySessionStorage(session(T0 + 3_600_000)),
      now: () => T0,
    })
    const controller = new AbortController()
    const calls = [
      client.notifications.unreadCount({ signal: controller.signal }),
      client.notifications.markAllRead({ signal: controller.signal }),
      client.admin.notifications.deliveries({}, { signal: controller.signal }),
    ]
    await vi.waitFor(() => expect(server.seen).toHaveLength(3))
    server.release()
    await Promise.all(calls)
    expect(server.seen.every((call) => call.signal === controller.signal)).toBe(true)
  })

  it('rejects with CaravanError "aborted" when aborted during or before the call', async () => {
    const server = slowFetch(() => user)
    const client = createCaravanClient({
      baseUrl: 'http://caravan.test',
      fetch: server.fetch,
      storage: memorySessionStorage(session(T0 + 3_600_000)),
      now: () => T0,
    })
    const during = new AbortController()
    const call = client.me({ signal: during.signal })
    await vi.waitFor(() => expect(server.seen).toHaveLength(1))
    during.abort()
    const error = await rejection(call)
    expect(error.code).toBe('aborted')
    expect(error.status).toBe(0)

    const before = new AbortController()
    before.abort()
    expect((await rejection(client.me({ signal: before.signal }))).code).toBe('aborted')
    // The session stays; a call without options still works.
    expect(client.session?.accessToken).toBe('access-1')
    const plain = client.me()
    await vi.waitFor(() => expect(server.seen.length).toBeGreaterThanOrEqual(2))
    server.release()
    expect((await plain).id).toBe('u1')
  })

  it('an abort while the token refreshes neither ends the session nor cancels the refresh for others', async () => {
    const server = slowFetch((path) =>
      path === '/v1/auth/refresh' ? { user, accessToken: 'access-2', accessTokenExpiresIn: 900, refreshToken: 'refresh-2' } : user,
    )
    // The token expires within the leeway: the first call refreshes first.
    const client = createCaravanClient({
      baseUrl: 'http://caravan.test',
      fetch: server.fetch,
      storage: memorySessionStorage(session(T0 + 1_000)),
      now: () => T0,
    })
    const aborted = new AbortController()
    const first = client.me({ signal: aborted.signal })
    const second = client.me()
    await vi.waitFor(() => expect(server.seen.map((c) => c.path)).toEqual(['/v1/auth/refresh']))
    // The refresh is shared: it carries no caller's signal.
    expect(server.seen[0].signal).toBeUndefined()
    aborted.abort()
    server.release()
    expect((await rejection(first)).code).toBe('aborted')
    await vi.waitFor(() => expect(server.seen.filter((c) => c.path === '/v1/me')).toHaveLength(1))
    server.release()
    expect((await second).id).toBe('u1')
    expect(client.session?.accessToken).toBe('access-2')
  })
})
