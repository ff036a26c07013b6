import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuth } from '../src/core/http/auth'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { startTwoNodes, type TwoNodes } from './helpers/two-nodes'

const sockets: Socket[] = []
function socketFor(url: string, token?: string): Socket {
  const s = connect(url, {
    path: '/realtime',
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  })
  sockets.push(s)
  return s
}
const connected = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve())
    s.once('connect_error', reject)
  })
const nextEvent = <T>(s: Socket, name: string, ms = 10_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${ms} ms`)), ms)
    s.once(name, (payload: T) => {
      clearTimeout(timer)
      resolve(payload)
    })
  })
afterAll(() => {
  for (const s of sockets) s.disconnect()
})

describe('realtime on one node', () => {
  let t: TestCaravan
  beforeAll(async () => {
    t = await startTestCaravan({ listen: true })
    t.caravan.realtime.handle('test:admin-only', { roles: ['admin'] }, async (payload) => ({ echo: payload }))
    t.caravan.realtime.handle('test:broken', {}, async () => {
      throw new Error('secret internals')
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('checks the role on every socket event and hides internal errors', async () => {
    const customer = await registerUser(t)
    const admin = await adminSession(t)
    const c = socketFor(t.url, customer.accessToken)
    const a = socketFor(t.url, admin.accessToken)
    await Promise.all([connected(c), connected(a)])
    expect(await c.emitWithAck('test:admin-only', 'hi')).toEqual({ error: { type: 'forbidden', status: 403 } })
    expect(await a.emitWithAck('test:admin-only', 'hi')).toEqual({ ok: true, data: { echo: 'hi' } })
    const broken = await a.emitWithAck('test:broken', {})
    expect(broken).toEqual({ error: { type: 'internal', status: 500 } })
  })

  it('refuses a handshake without a token or with a bad one', async () => {
    await expect(connected(socketFor(t.url))).rejects.toThrow(/unauthorized/)
    await expect(connected(socketFor(t.url, 'not-a-jwt'))).rejects.toThrow(/invalid_token/)
    const otherKey = createAuth({
      jwtSecret: 'x'.repeat(40),
      accessTokenTtlSeconds: 60,
      resolveApiKey: async () => null,
      resolveSession: async () => null,
    })
    const forged = await otherKey.signAccessToken(
      { id: '00000000-0000-7000-8000-000000000000', role: 'admin', sessionVersion: 1 },
      'forged',
    )
    await expect(connected(socketFor(t.url, forged))).rejects.toThrow(/invalid_token/)
  })

  it("puts the socket in user:<id> and delivers that user's events only", async () => {
    const alice = await registerUser(t)
    const bob = await registerUser(t)
    const aliceSocket = socketFor(t.url, alice.accessToken)
    const bobSocket = socketFor(t.url, bob.accessToken)
    await Promise.all([connected(aliceSocket), connected(bobSocket)])
    expect(await aliceSocket.emitWithAck('whoami')).toEqual({ ok: true, data: { userId: alice.user.id, role: 'customer' } })
    const bobGot: string[] = []
    bobSocket.on('user.updated', (payload: { userId: string }) => bobGot.push(payload.userId))
    const event = nextEvent<{ userId: string }>(aliceSocket, 'user.updated')
    await t.caravan.app.inject({ method: 'PATCH', url: '/v1/me', headers: bearer(alice.accessToken), payload: { name: 'Alice' } })
    expect(await event).toEqual({ userId: alice.user.id })
    // Bob's own event is emitted after Alice's, on the same connection: had hers reached him, it came first.
    const bobsOwn = nextEvent(bobSocket, 'user.updated')
    await t.caravan.app.inject({ method: 'PATCH', url: '/v1/me', headers: bearer(bob.accessToken), payload: { name: 'Bob' } })
    await bobsOwn
    expect(bobGot).toEqual([bob.user.id])
    const metrics = await t.caravan.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/caravan_realtime_sockets [2-9]/)
  })

  it('disconnects a socket when its access token expires', async () => {
    const s = await registerUser(t)
    // The same secret with a 2 s lifetime: a token the server accepts and that soon expires.
    const shortLived = createAuth({
      jwtSecret: t.caravan.config.jwtSecret,
      accessTokenTtlSeconds: 2,
      resolveApiKey: async () => null,
      resolveSession: async () => null,
    })
    const socket = socketFor(t.url, await shortLived.signAccessToken({ id: s.user.id, role: 'customer', sessionVersion: 1 }, 'short-lived'))
    await connected(socket)
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)))
    expect(await Promise.race([gone, new Promise((r) => setTimeout(() => r('still connected'), 8000))])).toBe('io server disconnect')
  })
})

describe('realtime across two nodes (PostgreSQL + Redis)', () => {
  let nodes: TwoNodes | undefined
  let a: TestCaravan, b: TestCaravan
  beforeAll(async () => {
    nodes = await startTwoNodes('realtime')
    if (nodes) ({ a, b } = nodes)
  })
  afterAll(async () => {
    await nodes?.close()
  })

  it('an event raised on node A reaches a socket connected to node B', async (ctx) => {
    if (!nodes) return ctx.skip()
    const user = await registerUser(a)
    const socketOnB = socketFor(b.url, user.accessToken)
    await connected(socketOnB)
    const event = nextEvent<{ userId: string }>(socketOnB, 'user.updated')
    const res = await a.caravan.app.inject({ method: 'PATCH', url: '/v1/me', headers: bearer(user.accessToken), payload: { locale: 'fa' } })
    expect(res.statusCode).toBe(200)
    expect(await event).toEqual({ userId: user.user.id })
  })
})
