import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '60' } })
})
afterAll(async () => {
  await t?.close()
})

const inject = (opts: InjectOptions) => t.caravan.app.inject(opts)
const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  inject({ method: 'POST', url, payload: payload as any, headers })
const countUsers = async () => Number((await t.database.query('select count(*)::int as n from users')).rows[0].n)

describe('register', () => {
  it('creates a customer, lower-cases the email and signs in', async () => {
    const res = await post('/v1/auth/register', {
      email: '  Sara@Example.COM ',
      password: 'long enough pw',
      name: 'سارا',
      locale: 'fa',
      phone: '+989121234567',
    })
    // Leading spaces are not an email: the schema refuses them before anything is written.
    expect(res.statusCode).toBe(400)
    const ok = await post('/v1/auth/register', {
      email: 'Sara@Example.COM',
      password: 'long enough pw',
      name: 'سارا',
      locale: 'fa',
      phone: '+989121234567',
    })
    expect(ok.statusCode).toBe(201)
    const body = ok.json()
    expect(body.user).toMatchObject({
      email: 'sara@example.com',
      name: 'سارا',
      locale: 'fa',
      timezone: 'Asia/Tehran',
      role: 'customer',
      phone: '+989121234567',
    })
    expect(body.accessToken).toMatch(/^ey/)
    expect(body.refreshToken).toMatch(/^rt_/)
    const me = await inject({ method: 'GET', url: '/v1/me', headers: bearer(body.accessToken) })
    expect(me.json().email).toBe('sara@example.com')
    const hash = (await t.database.query('select password_hash from users where email = $1', ['sara@example.com'])).rows[0].password_hash
    expect(hash).toMatch(/^\$argon2id\$/)
  })

  it('refuses a taken email with 409, whatever its case', async () => {
    await registerUser(t, { email: 'taken@example.com' })
    const res = await post('/v1/auth/register', { email: 'TAKEN@example.com', password: 'another password' })
    expect(res.statusCode).toBe(409)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().type).toMatch(/email_taken$/)
  })

  it('lets exactly one of many concurrent sign-ups with one email through', async () => {
    const before = await countUsers()
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post('/v1/auth/register', { email: 'race@example.com', password: 'race password 1' })),
    )
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1)
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(7)
    expect(await countUsers()).toBe(before + 1)
  })

  it.each([
    ['no body', undefined],
    ['wrong types', { email: 42, password: ['x'] }],
    ['bad email', { email: 'not-an-email', password: 'long enough pw' }],
    ['short password', { email: 'a@example.com', password: 'short' }],
    ['huge password', { email: 'a@example.com', password: 'x'.repeat(10_000) }],
    ['bad locale', { email: 'a@example.com', password: 'long enough pw', locale: 'de' }],
    ['bad phone', { email: 'a@example.com', password: 'long enough pw', phone: '09121234567' }],
    ['unknown field', { email: 'a@example.com', password: 'long enough pw', role: 'admin' }],
    ['bad timezone', { email: 'a@example.com', password: 'long enough pw', timezone: 'Mars/Olympus' }],
  ])('refuses %s with 400 problem+json and writes nothing', async (_name, payload) => {
    const before = await countUsers()
    const res = await post('/v1/auth/register', payload)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    const problem = res.json()
    expect(problem).toMatchObject({
      status: 400,
      title: expect.any(String),
      type: expect.stringMatching(/problems\/(validation|bad_request)$/),
    })
    expect(await countUsers()).toBe(before)
  })

  it('names the failing fields', async () => {
    const res = await post('/v1/auth/register', { email: 'nope', password: 'long enough pw' })
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.email' })]))
  })

  it('refuses a body that is not JSON and a wrong content type', async () => {
    const bad = await inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    })
    expect(bad.statusCode).toBe(400)
    const wrongType = await inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: 'email=a',
      headers: { 'content-type': 'text/csv' },
    })
    expect(wrongType.statusCode).toBe(415)
  })
})

describe('login', () => {
  it('signs in with the right password, in any email case', async () => {
    await registerUser(t, { email: 'login@example.com', password: 'the right one' })
    const res = await post('/v1/auth/login', { email: 'LOGIN@example.com', password: 'the right one' })
    expect(res.statusCode).toBe(200)
    expect(res.json().user.email).toBe('login@example.com')
  })

  it('answers 401 for a wrong password and for an unknown email alike', async () => {
    const wrong = await post('/v1/auth/login', { email: 'login@example.com', password: 'wrong' })
    const unknown = await post('/v1/auth/login', { email: 'nobody@example.com', password: 'wrong' })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.json().title).toBe(unknown.json().title)
  })

  it('limits repeated failures with 429 and Retry-After, even for the right password', async () => {
    await registerUser(t, { email: 'brute@example.com', password: 'the right one' })
    for (let i = 0; i < 3; i++)
      expect((await post('/v1/auth/login', { email: 'brute@example.com', password: `guess ${i}` })).statusCode).toBe(401)
    const limited = await post('/v1/auth/login', { email: 'brute@example.com', password: 'the right one' })
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json().type).toMatch(/rate_limited$/)
  })
})

describe('refresh and logout', () => {
  it('rotates refresh tokens; reusing a spent one revokes the whole family', async () => {
    const first = await registerUser(t)
    const second = (await post('/v1/auth/refresh', { refreshToken: first.refreshToken })).json()
    expect(second.refreshToken).not.toBe(first.refreshToken)
    const third = await post('/v1/auth/refresh', { refreshToken: second.refreshToken })
    expect(third.statusCode).toBe(200)
    // The first token is replayed (stolen?): 401, and the live one of the family dies too.
    expect((await post('/v1/auth/refresh', { refreshToken: first.refreshToken })).statusCode).toBe(401)
    expect((await post('/v1/auth/refresh', { refreshToken: third.json().refreshToken })).statusCode).toBe(401)
    const audit = await t.database.query(`select count(*)::int as n from audit_log where action = 'auth.refresh_token_reused'`)
    expect(audit.rows[0].n).toBeGreaterThan(0)
  })

  it('lets only one of two concurrent refreshes with one token win', async () => {
    const session = await registerUser(t)
    const results = await Promise.all([1, 2].map(() => post('/v1/auth/refresh', { refreshToken: session.refreshToken })))
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401])
  })

  it('refuses unknown and malformed refresh tokens', async () => {
    expect((await post('/v1/auth/refresh', { refreshToken: 'rt_nope' })).statusCode).toBe(401)
    expect((await post('/v1/auth/refresh', { refreshToken: 'x'.repeat(5000) })).statusCode).toBe(400)
    expect((await post('/v1/auth/refresh', {})).statusCode).toBe(400)
  })

  it('logout ends the session', async () => {
    const session = await registerUser(t)
    expect((await post('/v1/auth/logout', { refreshToken: session.refreshToken })).statusCode).toBe(204)
    expect((await post('/v1/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401)
    expect((await inject({ method: 'GET', url: '/v1/me', headers: bearer(session.accessToken) })).statusCode).toBe(401)
  })
})

describe('me', () => {
  it('needs a valid token', async () => {
    expect((await inject({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401)
    expect((await inject({ method: 'GET', url: '/v1/me', headers: bearer('eyJhbGciOiJIUzI1NiJ9.e30.bad') })).statusCode).toBe(401)
    expect((await inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401)
  })

  it('updates name, locale, timezone and phone; refuses bad values without changing anything', async () => {
    const s = await registerUser(t)
    const res = await inject({
      method: 'PATCH',
      url: '/v1/me',
      headers: bearer(s.accessToken),
      payload: { name: 'Ali 👋', locale: 'fa', timezone: 'Asia/Tehran', phone: '+989121234567' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ name: 'Ali 👋', locale: 'fa', timezone: 'Asia/Tehran', phone: '+989121234567' })
    for (const bad of [
      { timezone: 'Nowhere/Land' },
      { locale: 'xx' },
      { phone: '123' },
      {},
      { name: 'n'.repeat(201) },
      { email: 'x@y.z' },
    ]) {
      const r = await inject({ method: 'PATCH', url: '/v1/me', headers: bearer(s.accessToken), payload: bad })
      expect(r.statusCode, JSON.stringify(bad)).toBe(400)
    }
    const after = await inject({ method: 'GET', url: '/v1/me', headers: bearer(s.accessToken) })
    expect(after.json()).toMatchObject({ name: 'Ali 👋', timezone: 'Asia/Tehran' })
    const cleared = await inject({ method: 'PATCH', url: '/v1/me', headers: bearer(s.accessToken), payload: { phone: null } })
    expect(cleared.json().phone).toBeNull()
  })
})

describe('devices', () => {
  it('registers, lists and deletes push targets; a token moves to whoever registers it last', async () => {
    const a = await registerUser(t)
    const b = await registerUser(t)
    const fcm = await inject({
      method: 'POST',
      url: '/v1/me/devices',
      headers: bearer(a.accessToken),
      payload: { kind: 'fcm', token: 'fcm-token-1', label: 'Pixel' },
    })
    expect(fcm.statusCode).toBe(201)
    const web = await inject({
      method: 'POST',
      url: '/v1/me/devices',
      headers: bearer(a.accessToken),
      payload: { kind: 'webpush', subscription: { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: 'k', auth: 'a' } } },
    })
    expect(web.statusCode).toBe(201)
    expect(web.json().token).toBe('https://fcm.googleapis.com/fcm/send/abc')
    const list = await inject({ method: 'GET', url: '/v1/me/devices', headers: bearer(a.accessToken) })
    expect(list.json().items).toHaveLength(2)
    await inject({ method: 'POST', url: '/v1/me/devices', headers: bearer(b.accessToken), payload: { kind: 'fcm', token: 'fcm-token-1' } })
    expect((await inject({ method: 'GET', url: '/v1/me/devices', headers: bearer(a.accessToken) })).json().items).toHaveLength(1)
    // b cannot delete a's device; a can.
    expect((await inject({ method: 'DELETE', url: `/v1/me/devices/${web.json().id}`, headers: bearer(b.accessToken) })).statusCode).toBe(
      404,
    )
    expect((await inject({ method: 'DELETE', url: `/v1/me/devices/${web.json().id}`, headers: bearer(a.accessToken) })).statusCode).toBe(
      204,
    )
  })

  it.each([
    { kind: 'apns', token: 'not-hex' },
    { kind: 'webpush', subscription: { endpoint: 'http://insecure.example.com', keys: { p256dh: 'k', auth: 'a' } } },
    { kind: 'sms', token: 'x' },
    { kind: 'fcm' },
  ])('refuses a bad device %j', async (payload) => {
    const a = await registerUser(t)
    expect((await inject({ method: 'POST', url: '/v1/me/devices', headers: bearer(a.accessToken), payload })).statusCode).toBe(400)
  })
})

describe('admin and roles', () => {
  it('only admins list users and change roles; changes are audited and end the sessions', async () => {
    const admin = await adminSession(t)
    const customer = await registerUser(t, { name: 'Zahra' })
    expect((await inject({ method: 'GET', url: '/v1/admin/users', headers: bearer(customer.accessToken) })).statusCode).toBe(403)
    const list = await inject({ method: 'GET', url: '/v1/admin/users?limit=2&q=example', headers: bearer(admin.accessToken) })
    expect(list.statusCode).toBe(200)
    expect(list.json().items).toHaveLength(2)
    const next = await inject({
      method: 'GET',
      url: `/v1/admin/users?limit=2&cursor=${list.json().nextCursor}`,
      headers: bearer(admin.accessToken),
    })
    expect(next.json().items[0].id).not.toBe(list.json().items[0].id)
    const byName = await inject({ method: 'GET', url: '/v1/admin/users?q=zahr', headers: bearer(admin.accessToken) })
    expect(byName.json().items.map((u: any) => u.id)).toEqual([customer.user.id])
    expect((await inject({ method: 'GET', url: '/v1/admin/users?cursor=garbage!!', headers: bearer(admin.accessToken) })).statusCode).toBe(
      400,
    )
    expect((await inject({ method: 'GET', url: '/v1/admin/users?q=%25', headers: bearer(admin.accessToken) })).statusCode).toBe(200)

    const promoted = await inject({
      method: 'PUT',
      url: `/v1/admin/users/${customer.user.id}/role`,
      headers: bearer(admin.accessToken),
      payload: { role: 'agent' },
    })
    expect(promoted.statusCode).toBe(200)
    expect(promoted.json().role).toBe('agent')
    // The change ends the user's sessions at once: refresh and access tokens alike.
    expect((await post('/v1/auth/refresh', { refreshToken: customer.refreshToken })).statusCode).toBe(401)
    expect((await inject({ method: 'GET', url: '/v1/me', headers: bearer(customer.accessToken) })).statusCode).toBe(401)
    const audit = await inject({ method: 'GET', url: '/v1/admin/audit?action=user.role_changed', headers: bearer(admin.accessToken) })
    expect(audit.json().items[0]).toMatchObject({
      action: 'user.role_changed',
      targetId: customer.user.id,
      actorType: 'user',
      data: { from: 'customer', to: 'agent' },
    })

    expect(
      (
        await inject({
          method: 'PUT',
          url: `/v1/admin/users/${customer.user.id}/role`,
          headers: bearer(admin.accessToken),
          payload: { role: 'root' },
        })
      ).statusCode,
    ).toBe(400)
    expect(
      (
        await inject({
          method: 'PUT',
          url: '/v1/admin/users/00000000-0000-7000-8000-000000000000/role',
          headers: bearer(admin.accessToken),
          payload: { role: 'agent' },
        })
      ).statusCode,
    ).toBe(404)
    expect(
      (
        await inject({
          method: 'PUT',
          url: '/v1/admin/users/not-a-uuid/role',
          headers: bearer(admin.accessToken),
          payload: { role: 'agent' },
        })
      ).statusCode,
    ).toBe(400)
  })

  it('never demotes the last admin', async () => {
    const admins = (await t.database.query(`select id from users where role = 'admin'`)).rows
    const admin = await adminSession(t)
    for (const row of admins) await t.database.query(`update users set role = 'customer' where id = $1`, [row.id])
    const res = await inject({
      method: 'PUT',
      url: `/v1/admin/users/${admin.user.id}/role`,
      headers: bearer(admin.accessToken),
      payload: { role: 'customer' },
    })
    expect(res.statusCode).toBe(409)
  })
})

describe('API keys', () => {
  it('are shown once, stored hashed, scoped and revocable', async () => {
    const admin = await adminSession(t)
    const created = await inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(admin.accessToken),
      payload: { name: 'shop backend', scopes: ['users:read'] },
    })
    expect(created.statusCode).toBe(201)
    const { key, apiKey } = created.json()
    expect(key).toMatch(/^ck_/)
    const stored = (await t.database.query('select key_hash from api_keys where id = $1', [apiKey.id])).rows[0].key_hash
    expect(stored).not.toContain(key)
    const list = await inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(admin.accessToken) })
    expect(JSON.stringify(list.json())).not.toContain(key)

    // In scope: allowed. Out of scope or a user-only route: 403.
    expect((await inject({ method: 'GET', url: '/v1/admin/users', headers: bearer(key) })).statusCode).toBe(200)
    expect((await inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(key) })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode).toBe(403)

    expect((await inject({ method: 'DELETE', url: `/v1/api-keys/${apiKey.id}`, headers: bearer(admin.accessToken) })).statusCode).toBe(204)
    expect((await inject({ method: 'GET', url: '/v1/admin/users', headers: bearer(key) })).statusCode).toBe(401)
    expect((await inject({ method: 'DELETE', url: `/v1/api-keys/${apiKey.id}`, headers: bearer(admin.accessToken) })).statusCode).toBe(404)
    expect((await inject({ method: 'GET', url: '/v1/admin/users', headers: bearer('ck_forged') })).statusCode).toBe(401)
  })

  it('refuses bad scopes and non-admins', async () => {
    const admin = await adminSession(t)
    const customer = await registerUser(t)
    expect(
      (await inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(customer.accessToken), payload: { name: 'x', scopes: ['*'] } }))
        .statusCode,
    ).toBe(403)
    for (const scopes of [[], ['DROP TABLE'], ['users:read', 'users:read']]) {
      expect(
        (await inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(admin.accessToken), payload: { name: 'x', scopes } }))
          .statusCode,
      ).toBe(400)
    }
  })
})

describe('first admin and demo accounts', () => {
  it('ensureAdmin creates the first admin only while none exists', async () => {
    await t.database.query(`update users set role = 'customer' where role = 'admin'`)
    expect(await t.caravan.services.accounts.ensureAdmin('boss@example.com', 'boss password 1')).toBe('created')
    expect(await t.caravan.services.accounts.ensureAdmin('other@example.com', 'boss password 1')).toBe('exists')
    expect((await post('/v1/auth/login', { email: 'boss@example.com', password: 'boss password 1' })).json().user.role).toBe('admin')
  })

  it('seedDemo is repeatable', async () => {
    const first = await t.caravan.services.accounts.seedDemo()
    await t.caravan.services.accounts.seedDemo()
    expect(first.map((p) => p.role)).toEqual(['admin', 'agent', 'customer'])
    for (const p of first) expect((await post('/v1/auth/login', { email: p.email, password: p.password })).json().user.role).toBe(p.role)
  })
})
