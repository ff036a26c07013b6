// Findings of the security review, each kept as a regression test.
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminSetupError } from '../src/modules/accounts'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { api } from './helpers/api'
import { until } from './helpers/wait'

const METRICS_TOKEN = 'metrics-token-0123456789'
/** Bodies written as JSON text by hand (escapes JSON.stringify would not make). */
const JSON_TEXT = { 'content-type': 'application/json' }
let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ listen: true, env: { METRICS_TOKEN, REQUEST_TIMEOUT_MS: '1000' } })
})
afterAll(async () => {
  await t?.close()
})

describe('ADMIN_EMAIL', () => {
  it('never promotes an existing account: whoever registered the address first stays a customer', async () => {
    const squatter = await registerUser(t, { email: 'owner@example.com', password: 'squatter password' })
    await t.database.query(`update users set role = 'customer' where role = 'admin'`)
    await expect(t.caravan.services.accounts.ensureAdmin('owner@example.com', 'operator password')).rejects.toBeInstanceOf(AdminSetupError)
    expect((await t.database.query(`select role from users where id = $1`, [squatter.user.id])).rows[0].role).toBe('customer')
    expect(await t.caravan.services.accounts.ensureAdmin('fresh-owner@example.com', 'operator password')).toBe('created')
  })
})

describe('passwords', () => {
  it('refuses a password of spaces, naming the field', async () => {
    for (const password of ['        ', ' \t a b c d e f ', '       x']) {
      const res = await t.caravan.app.inject({
        method: 'POST',
        url: '/v1/auth/register',
        payload: { email: `sp${Math.random()}@example.com`, password },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().errors[0].field).toBe('body.password')
    }
    const ok = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: 'spaced@example.com', password: 'a b c d e f g h' },
    })
    expect(ok.statusCode).toBe(201)
  })
})

describe('API key scopes', () => {
  it('are checked against the scopes routes accept; a wildcard like notifications:* is refused, not silently useless', async () => {
    const admin = await adminSession(t)
    const bad = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(admin.accessToken),
      payload: { name: 'x', scopes: ['users:read', 'notifications:*'] },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([{ field: 'body.scopes.1', message: expect.stringContaining('notifications:send') }])
    for (const scopes of [['*'], ['notifications:send', 'users:read']]) {
      const ok = await t.caravan.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: bearer(admin.accessToken),
        payload: { name: 'x', scopes },
      })
      expect(ok.statusCode).toBe(201)
    }
  })
})

describe('/metrics', () => {
  it('with METRICS_TOKEN set, answers only to that token', async () => {
    expect((await t.caravan.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
    expect((await t.caravan.app.inject({ method: 'GET', url: '/metrics', headers: bearer('wrong-token-0123456789') })).statusCode).toBe(401)
    const admin = await adminSession(t)
    expect((await t.caravan.app.inject({ method: 'GET', url: '/metrics', headers: bearer(admin.accessToken) })).statusCode).toBe(401)
    const ok = await t.caravan.app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toContain('caravan_')
  })
})

describe('bad bodies', () => {
  it('JSON nested 10,000 levels deep is a 400, not a 500', async () => {
    const admin = await adminSession(t)
    const deep = '['.repeat(10_000) + ']'.repeat(10_000)
    const res = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/notifications',
      headers: { ...bearer(admin.accessToken), 'content-type': 'application/json' },
      payload: `{"type":"account.welcome","to":"${admin.user.id}","data":{"x":${deep}}}`,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().detail).toMatch(/nested deeper than 64/)
    // Brackets inside strings are text, not nesting.
    const text = await t.caravan.app.inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: { ...bearer(admin.accessToken), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: '['.repeat(150) }),
    })
    expect(text.statusCode).toBe(200)
  })

  it('text with the NUL character is a 400 that changes nothing, in a body, a path or a query (PostgreSQL cannot store it)', async () => {
    const admin = await adminSession(t)
    const patch = (payload: string) => api(t, 'PATCH', '/v1/me', admin.accessToken, payload, JSON_TEXT)
    const named = await patch(JSON.stringify({ name: 'Before' }))
    expect(named.status).toBe(200)
    // JSON's escape for U+0000, after an escaped backslash too (a raw NUL is not JSON at all).
    for (const payload of [
      JSON.stringify({ name: 'a\u0000b' }),
      String.raw`{"name":"\\\u0000"}`,
      String.raw`{"name":"x","locale":"en\u0000"}`,
    ]) {
      const res = await patch(payload)
      expect(res.status, payload).toBe(400)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.body.detail).toMatch(/NUL character/)
    }
    // Host users (a key's upsert) too, and the name stayed.
    const host = await api(t, 'PUT', '/v1/users/external/nul-1', admin.accessToken, JSON.stringify({ name: 'Nu\u0000l' }), JSON_TEXT)
    expect(host.status).toBe(400)
    expect((await api(t, 'GET', '/v1/me', admin.accessToken)).body.name).toBe('Before')
    // A backslash followed by "u0000" is text like any other.
    const written = await patch(JSON.stringify({ name: '\\u0000' }))
    expect(written.status).toBe(200)
    expect(written.body.name).toBe('\\u0000')
    for (const url of ['/v1/admin/audit?action=%00', '/v1/users/external/a%00b', '/v1/me/notifications?cursor=x%00']) {
      const res = await api(t, 'GET', url, admin.accessToken)
      expect(res.status, url).toBe(400)
      expect(res.body.detail).toMatch(/NUL character/)
    }
  })

  it('a lone UTF-16 surrogate in a JSON body is a 400 (a jsonb column refused it as a 500; a text column changed it); a pair is text', async () => {
    const admin = await adminSession(t)
    const put = (externalId: string, payload: string) =>
      api(t, 'PUT', `/v1/users/external/${externalId}`, admin.accessToken, payload, JSON_TEXT)
    for (const payload of [
      String.raw`{"attributes":{"plan":"\ud800"}}`,
      String.raw`{"name":"a\uDC00b"}`,
      String.raw`{"attributes":{"\ud83d":"x"}}`,
      String.raw`{"name":"\ud83d\ud83d\ude00"}`,
    ]) {
      const res = await put('surrogate-1', payload)
      expect(res.status, payload).toBe(400)
      expect(res.body.detail).toMatch(/lone UTF-16 surrogate/)
    }
    expect((await api(t, 'GET', '/v1/users/external/surrogate-1', admin.accessToken)).status).toBe(404)
    const paired = await put('surrogate-2', String.raw`{"name":"\ud83d\ude00 Sara","attributes":{"emoji":"\uD83D\uDE00"}}`)
    expect(paired.status).toBe(201)
    expect(paired.body).toMatchObject({ name: '😀 Sara', attributes: { emoji: '😀' } })
  })

  it('a number too large for a number in a query or a body is a 400, not Infinity reaching the database', async () => {
    const admin = await adminSession(t)
    for (const url of [
      '/v1/admin/audit?limit=1e309',
      '/v1/admin/audit?limit=Infinity',
      '/v1/me/notifications?limit=-Infinity',
      '/v1/admin/jobs/dead?limit=1e400',
    ]) {
      const res = await api(t, 'GET', url, admin.accessToken)
      expect(res.status, url).toBe(400)
      expect(res.body).toMatchObject({ type: expect.stringMatching(/validation$/), detail: 'querystring/limit must be a finite number' })
    }
    expect((await api(t, 'GET', '/v1/admin/audit?limit=1e1', admin.accessToken)).status).toBe(200)
    // A body's string is coerced the same way.
    const rotate = await api(t, 'POST', '/v1/identity-secrets', admin.accessToken, { graceSeconds: '1e309' })
    expect(rotate.status).toBe(400)
    expect(rotate.body.detail).toBe('body/graceSeconds must be a finite number')
  })

  it('a client trickling its body is cut off after REQUEST_TIMEOUT_MS', async () => {
    const { port } = new URL(t.url)
    const socket = connect(Number(port), '127.0.0.1')
    let closed = false
    let answer = ''
    socket.on('data', (d) => (answer += d))
    socket.on('close', () => (closed = true))
    socket.on('error', () => {})
    socket.write('POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{')
    const timer = setInterval(() => socket.writable && socket.write(' '), 200)
    try {
      await until(() => closed, 10_000, 'slow connection closed')
    } finally {
      clearInterval(timer)
      socket.destroy()
    }
    expect(answer).toMatch(/^HTTP\/1\.1 408/)
  })
})
