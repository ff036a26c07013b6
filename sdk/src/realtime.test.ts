// The realtime client against an in-process socket.io server that behaves like Caravan's:
// handshake `auth.token`, `invalid_token: ...` refusals, ends sockets whose token expired.
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import type { CaravanRealtime } from './realtime.js'
import { memorySessionStorage } from './session.js'

const user = {
  id: 'u1',
  externalId: null,
  email: 'a@example.com',
  name: null,
  locale: 'en' as const,
  timezone: 'UTC',
  phone: null,
  role: 'customer' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
}

let http: HttpServer
let ioServer: Server
let baseUrl: string
/** Access tokens the fake server accepts. */
const valid = new Set<string>()
const handshakes: string[] = []

beforeEach(async () => {
  valid.clear()
  handshakes.length = 0
  http = createServer()
  ioServer = new Server(http, { path: '/realtime', serveClient: false })
  ioServer.use((socket, next) => {
    const token = String(socket.handshake.auth?.token ?? '')
    handshakes.push(token)
    if (!token) return next(new Error('unauthorized: auth.token is required'))
    if (!valid.has(token)) return next(new Error('invalid_token: The access token has expired'))
    next()
  })
  ioServer.on('connection', (socket) => {
    socket.join('user:u1')
    socket.on('whoami', (ack: (answer: unknown) => void) => ack({ ok: true, data: { userId: 'u1', role: 'customer' } }))
    socket.on('secret', (ack: (answer: unknown) => void) => ack({ error: { type: 'forbidden', status: 403 } }))
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})

let realtime: CaravanRealtime | undefined
afterEach(async () => {
  realtime?.close()
  realtime = undefined
  await new Promise<void>((resolve) => ioServer.close(() => resolve()))
})

/** A client whose refresh (a fake fetch) issues access-2, access-3, ... and marks them valid. */
function client(initialToken: string) {
  let generation = Number(initialToken.split('-')[1])
  const fetch = vi.fn(async () => {
    generation++
    valid.add(`access-${generation}`)
    return new Response(
      JSON.stringify({ user, accessToken: `access-${generation}`, accessTokenExpiresIn: 900, refreshToken: `refresh-${generation}` }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    )
  })
  const storage = memorySessionStorage({
    user,
    accessToken: initialToken,
    refreshToken: `refresh-${generation}`,
    accessTokenExpiresAt: Date.now() + 900_000,
  })
  return { client: createCaravanClient({ baseUrl, storage, fetch }), fetch }
}

const connected = (r: CaravanRealtime) =>
  new Promise<void>((resolve) => (r.socket.connected ? resolve() : r.socket.once('connect', () => resolve())))

describe('realtime', () => {
  it('connects with the access token and answers calls', async () => {
    valid.add('access-1')
    const { client: c } = client('access-1')
    realtime = c.realtime()
    await connected(realtime)
    expect(handshakes).toEqual(['access-1'])
    await expect(realtime.call('whoami')).resolves.toEqual({ userId: 'u1', role: 'customer' })
    await expect(realtime.call('secret')).rejects.toMatchObject({ type: 'forbidden', status: 403 })
  })

  it('refreshes a refused token and reconnects', async () => {
    const { client: c, fetch } = client('access-1') // access-1 is not accepted
    realtime = c.realtime()
    await connected(realtime)
    expect(handshakes).toEqual(['access-1', 'access-2'])
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('comes back with a fresh token after the server ends the socket (token expiry)', async () => {
    valid.add('access-1')
    const { client: c, fetch } = client('access-1')
    realtime = c.realtime()
    await connected(realtime)
    const events: unknown[] = []
    realtime.on('user.updated', (payload) => events.push(payload))

    // As the server does when the token expires: refuse it from now on and end the socket.
    valid.delete('access-1')
    ioServer.in('user:u1').disconnectSockets(true)
    await new Promise<void>((resolve) => realtime!.socket.once('connect', () => resolve()))
    expect(handshakes).toEqual(['access-1', 'access-1', 'access-2'])
    expect(fetch).toHaveBeenCalledTimes(1)

    ioServer.to('user:u1').emit('user.updated', { userId: 'u1' })
    await vi.waitFor(() => expect(events).toEqual([{ userId: 'u1' }]))
  })

  it('delivers the notification events to their listeners', async () => {
    valid.add('access-1')
    const { client: c } = client('access-1')
    realtime = c.realtime()
    await connected(realtime)
    const counts: number[] = []
    const titles: string[] = []
    const offNew = realtime.on('notification:new', ({ item, unreadCount }) => {
      titles.push(item.title)
      counts.push(unreadCount)
    })
    realtime.on('notification:unread', ({ count }) => counts.push(count))
    const item = {
      id: 'i1',
      type: 'account.welcome',
      category: 'transactional',
      title: 'Welcome',
      body: 'Hi',
      actionUrl: null,
      read: false,
      archived: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    }
    ioServer.to('user:u1').emit('notification:new', { item, unreadCount: 1, unreadSeq: 1 })
    ioServer.to('user:u1').emit('notification:unread', { count: 0, seq: 2 })
    await vi.waitFor(() => expect(counts).toEqual([1, 0]))
    expect(titles).toEqual(['Welcome'])
    offNew()
    ioServer.to('user:u1').emit('notification:new', { item, unreadCount: 2, unreadSeq: 3 })
    ioServer.to('user:u1').emit('notification:unread', { count: 5, seq: 4 })
    await vi.waitFor(() => expect(counts).toEqual([1, 0, 5]))
  })

  it('stays closed when the session cannot be refreshed', async () => {
    const { client: c, fetch } = client('access-1')
    fetch.mockImplementation(
      async () =>
        new Response(JSON.stringify({ type: 'https://caravan.dev/problems/invalid_token', title: 'x', status: 401 }), {
          status: 401,
          headers: { 'content-type': 'application/problem+json' },
        }),
    )
    realtime = c.realtime()
    await vi.waitFor(() => expect(c.session).toBeNull())
    await new Promise((r) => setTimeout(r, 200))
    expect(realtime.socket.connected).toBe(false)
    expect(handshakes).toEqual(['access-1'])
  })
})
