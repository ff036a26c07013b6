// Role changes, logout and revocations take effect on the next request, on every node: the access
// token is checked against the user's live session state (security review, issue "demoted admin").
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { createPostgresDatabase, requireServices } from './helpers/services'
import { until } from './helpers/wait'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
})
afterAll(async () => {
  await t?.close()
})

const call = (node: TestCaravan, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: object) =>
  node.caravan.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) })

describe('sessions on one node', () => {
  it('a demoted admin loses admin rights on the next request: no self-promotion, no API key', async () => {
    const boss = await adminSession(t)
    const rogue = await adminSession(t)
    expect((await call(t, 'GET', '/v1/admin/users', rogue.accessToken)).statusCode).toBe(200)

    const demoted = await call(t, 'PUT', `/v1/admin/users/${rogue.user.id}/role`, boss.accessToken, { role: 'customer' })
    expect(demoted.statusCode).toBe(200)

    // The very next request with the old token is refused, whatever it tries.
    expect((await call(t, 'GET', '/v1/admin/users', rogue.accessToken)).statusCode).toBe(401)
    expect((await call(t, 'PUT', `/v1/admin/users/${rogue.user.id}/role`, rogue.accessToken, { role: 'admin' })).statusCode).toBe(401)
    expect((await call(t, 'POST', '/v1/api-keys', rogue.accessToken, { name: 'escape', scopes: ['*'] })).statusCode).toBe(401)
    expect((await t.database.query(`select role from users where id = $1`, [rogue.user.id])).rows[0].role).toBe('customer')
    expect((await t.database.query(`select count(*)::int as n from api_keys where name = 'escape'`)).rows[0].n).toBe(0)

    // Signing in again gives the new role.
    const again = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: rogue.user.email, password: 'correct horse battery' },
    })
    expect(again.json().user.role).toBe('customer')
    expect((await call(t, 'GET', '/v1/admin/users', again.json().accessToken)).statusCode).toBe(403)
  })

  it('logout ends that session at once and leaves the user’s other sessions alone', async () => {
    const first = await registerUser(t)
    const second = (
      await t.caravan.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: first.user.email, password: 'correct horse battery' },
      })
    ).json()
    expect((await call(t, 'GET', '/v1/me', first.accessToken)).statusCode).toBe(200)
    const out = await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: first.refreshToken } })
    expect(out.statusCode).toBe(204)
    expect((await call(t, 'GET', '/v1/me', first.accessToken)).statusCode).toBe(401)
    expect((await call(t, 'GET', '/v1/me', second.accessToken)).statusCode).toBe(200)
  })

  it('a replayed refresh token ends its whole family, access tokens included', async () => {
    const s = await registerUser(t)
    const rotated = (
      await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: s.refreshToken } })
    ).json()
    expect((await call(t, 'GET', '/v1/me', rotated.accessToken)).statusCode).toBe(200)
    const replay = await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: s.refreshToken } })
    expect(replay.statusCode).toBe(401)
    expect((await call(t, 'GET', '/v1/me', rotated.accessToken)).statusCode).toBe(401)
  })

  it('a revoked API key is refused on the next request', async () => {
    const admin = await adminSession(t)
    const created = (await call(t, 'POST', '/v1/api-keys', admin.accessToken, { name: 'server', scopes: ['users:read'] })).json()
    expect((await call(t, 'GET', '/v1/admin/users', created.key)).statusCode).toBe(200)
    expect((await call(t, 'DELETE', `/v1/api-keys/${created.apiKey.id}`, admin.accessToken)).statusCode).toBe(204)
    expect((await call(t, 'GET', '/v1/admin/users', created.key)).statusCode).toBe(401)
  })

  it('GET /v1/me follows a profile change at once (served from the session cache)', async () => {
    const s = await registerUser(t, { name: 'Before' })
    expect((await call(t, 'GET', '/v1/me', s.accessToken)).json().name).toBe('Before')
    await t.caravan.app.inject({ method: 'PATCH', url: '/v1/me', headers: bearer(s.accessToken), payload: { name: 'بعد' } })
    expect((await call(t, 'GET', '/v1/me', s.accessToken)).json().name).toBe('بعد')
  })

  it('a socket whose session ends is disconnected, and a demoted user’s events are checked against the new role', async () => {
    const s = await registerUser(t)
    const socket: Socket = connect(t.url, {
      path: '/realtime',
      auth: { token: s.accessToken },
      transports: ['websocket'],
      reconnection: false,
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    expect(await socket.emitWithAck('whoami')).toMatchObject({ ok: true, data: { userId: s.user.id } })
    let reason = ''
    socket.once('disconnect', (r) => (reason = r))
    await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: s.refreshToken } })
    await until(() => reason, 5000, 'socket disconnected')
    expect(reason).toBe('io server disconnect')
    socket.close()
  })
})

describe('sessions across nodes', () => {
  for (const transport of ['PostgreSQL LISTEN/NOTIFY', 'Redis pub/sub']) {
    it(`a demotion, a revoked key and new settings on node A apply on node B (${transport})`, async () => {
      const withRedis = transport.startsWith('Redis')
      if (!(await requireServices({ postgres: true, redis: withRedis }))) return
      const shared = await createPostgresDatabase()
      const redisUrl = withRedis ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : ''
      const env = {
        JWT_SECRET: 'a'.repeat(40),
        SECRETS_KEY: 'b'.repeat(40),
        REDIS_KEY_PREFIX: `caravan-test:${Math.random().toString(36).slice(2)}:`,
      }
      const a = await startTestCaravan({ database: shared, redisUrl, env })
      const b = await startTestCaravan({ database: shared, redisUrl, env })
      try {
        const boss = await adminSession(a)
        const rogue = await adminSession(a)
        expect((await call(b, 'GET', '/v1/admin/users', rogue.accessToken)).statusCode).toBe(200) // cached on B
        const key = (await call(a, 'POST', '/v1/api-keys', boss.accessToken, { name: 'k', scopes: ['users:read'] })).json()
        expect((await call(b, 'GET', '/v1/admin/users', key.key)).statusCode).toBe(200) // cached on B
        // Notification settings: cached on B, changed on A.
        const limitOnB = async () =>
          (await call(b, 'GET', '/v1/admin/notification-settings', boss.accessToken)).json().rateLimits?.marketing?.sms
        const before = await limitOnB()
        const changed = await call(a, 'PUT', '/v1/admin/notification-settings', boss.accessToken, { rateLimits: { marketing: { sms: 7 } } })
        expect(changed.statusCode).toBe(200)
        expect(before).not.toBe(7)
        await until(async () => (await limitOnB()) === 7, 3000, 'B sees the new settings')
        await call(a, 'PUT', `/v1/admin/users/${rogue.user.id}/role`, boss.accessToken, { role: 'customer' })
        await call(a, 'DELETE', `/v1/api-keys/${key.apiKey.id}`, boss.accessToken)
        // The message crosses nodes in milliseconds; without it B would serve its copy for 30 s.
        await until(
          async () => (await call(b, 'GET', '/v1/admin/users', rogue.accessToken)).statusCode === 401,
          3000,
          'B refuses the demoted admin',
        )
        await until(async () => (await call(b, 'GET', '/v1/admin/users', key.key)).statusCode === 401, 3000, 'B refuses the revoked key')
      } finally {
        await a.close()
        await b.close()
        await shared.drop()
      }
    })
  }
})
