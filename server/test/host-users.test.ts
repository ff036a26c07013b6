// The host product's users: upsert by externalId (one and in batches), references by externalId
// wherever a user is taken, sessions for them (API key, signed identity), password reset, export
// and erasure.
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { until } from './helpers/wait'
import { api, defineType, settled } from './notifications/helpers'

let t: TestCaravan
let admin: string
let writer: string
let reader: string
let sessionsKey: string
beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  const key = async (scopes: string[]) => (await api(t, 'POST', '/v1/api-keys', admin, { name: scopes.join(','), scopes })).body.key
  writer = await key(['users:write', 'notifications:send'])
  reader = await key(['users:read'])
  sessionsKey = await key(['sessions:create'])
  await defineType(t, admin, 'host.hello', ['in_app', 'email'])
})
afterAll(async () => {
  await t?.close()
})

const put = (externalId: string, body: unknown, token = writer) =>
  api(t, 'PUT', `/v1/users/external/${encodeURIComponent(externalId)}`, token, body)
const userRow = async (externalId: string) => (await t.database.query('select * from users where external_id = $1', [externalId])).rows[0]
const sign = (secret: string, externalId: string) => createHmac('sha256', secret).update(externalId).digest('hex')

describe('upserting host users', () => {
  it('PUT creates (201), updates given fields only (200), null clears, attributes are replaced whole; GET reads', async () => {
    const created = await put('shop:42', {
      email: 'Ada@Example.com',
      name: 'آدا لاولیس',
      locale: 'fa',
      attributes: { plan: 'pro', seats: 3 },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      externalId: 'shop:42',
      email: 'ada@example.com',
      name: 'آدا لاولیس',
      locale: 'fa',
      timezone: 'Asia/Tehran',
      role: 'customer',
      attributes: { plan: 'pro', seats: 3 },
    })
    const updated = await put('shop:42', { phone: '+989121234567', attributes: { plan: 'team' } })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({
      id: created.body.id,
      email: 'ada@example.com',
      phone: '+989121234567',
      attributes: { plan: 'team' },
    })
    const cleared = await put('shop:42', { phone: null, name: null })
    expect(cleared.body).toMatchObject({ phone: null, name: null, email: 'ada@example.com' })
    const read = await api(t, 'GET', '/v1/users/external/shop:42', reader)
    expect(read).toMatchObject({ status: 200, body: { id: created.body.id, externalId: 'shop:42', attributes: { plan: 'team' } } })
    expect((await api(t, 'GET', '/v1/users/external/nobody', reader)).status).toBe(404)
    // The externalId shows on the user everywhere, and finds it in the admin list.
    const found = await api(t, 'GET', '/v1/admin/users?q=shop:4', admin)
    expect(found.body.items.map((u: any) => u.externalId)).toEqual(['shop:42'])
    expect((await api(t, 'GET', `/v1/admin/users/${created.body.id}`, admin)).body.externalId).toBe('shop:42')
  })

  it('bad input is refused with a clear 4xx and changes nothing', async () => {
    await put('bad-1', { name: 'Before' })
    const cases: [string, unknown, number][] = [
      ['bad-1', { email: 'not an address' }, 400],
      ['bad-1', { locale: 'de' }, 400],
      ['bad-1', { phone: '0912' }, 400],
      ['bad-1', { attributes: 'plan=pro' }, 400],
      ['bad-1', { attributes: { big: 'x'.repeat(9000) } }, 400],
      ['bad-1', { timezone: 'Mars/Olympus' }, 400],
      ['bad-1', { name: 'x', extra: true }, 400],
      ['a'.repeat(129), { name: 'x' }, 400],
      ['has space', { name: 'x' }, 400],
      ['slash/id', { name: 'x' }, 400],
    ]
    for (const [externalId, body, status] of cases) {
      const res = await put(externalId, body)
      expect(res.status, `${externalId} ${JSON.stringify(body).slice(0, 60)}`).toBe(status)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    }
    expect((await userRow('bad-1')).name).toBe('Before')
    expect((await put('a'.repeat(128), { name: 'longest' })).status).toBe(201)
    expect((await put('user@host.example:7_x-y', {})).status).toBe(201)
  })

  it('an address another user has answers 409 email_taken; nothing is written', async () => {
    const someone = await registerUser(t, { email: 'taken@example.com' })
    expect(someone.user.email).toBe('taken@example.com')
    const res = await put('wants-taken', { email: 'TAKEN@example.com', name: 'X' })
    expect(res.status).toBe(409)
    expect(res.body.type).toMatch(/email_taken$/)
    expect(await userRow('wants-taken')).toBeUndefined()
  })

  it('who may: users:write keys and admins write, users:read keys read, customers and other keys get 403', async () => {
    const customer = await registerUser(t)
    expect((await put('x-1', {}, customer.accessToken)).status).toBe(403)
    expect((await put('x-1', {}, reader)).status).toBe(403)
    expect((await put('x-1', {}, sessionsKey)).status).toBe(403)
    expect((await put('x-1', {}, admin)).status).toBe(201)
    expect((await api(t, 'GET', '/v1/users/external/x-1', writer)).status).toBe(403)
    expect((await t.caravan.app.inject({ method: 'PUT', url: '/v1/users/external/x-1', payload: {} })).statusCode).toBe(401)
  })

  it('concurrent PUTs of one new externalId make one user', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => put('race-1', { name: `N${i}` })))
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true)
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
    const { rows } = await t.database.query(`select count(*)::int as n from users where external_id = 'race-1'`)
    expect(rows[0].n).toBe(1)
  })

  it('a batch upserts up to 1,000 users, all or nothing', async () => {
    await put('batch-0', { name: 'old' })
    const users = Array.from({ length: 1000 }, (_, i) => ({ externalId: `batch-${i}`, name: `User ${i}`, locale: i % 2 ? 'fa' : 'en' }))
    const res = await api(t, 'POST', '/v1/users/external:batch', writer, { users })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ created: 999, updated: 1 })
    expect(res.body.items).toHaveLength(1000)
    expect(res.body.items[0]).toMatchObject({ externalId: 'batch-0', name: 'User 0' })

    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ externalId: `many-${i}` }))
    expect((await api(t, 'POST', '/v1/users/external:batch', writer, { users: tooMany })).status).toBe(400)
    expect((await api(t, 'POST', '/v1/users/external:batch', writer, { users: [] })).status).toBe(400)

    // One bad row (an address taken, a repeated id) fails the whole batch: nothing of it is saved.
    const bad = [
      { externalId: 'all-1', name: 'A' },
      { externalId: 'all-2', email: 'taken@example.com' },
    ]
    const refused = await api(t, 'POST', '/v1/users/external:batch', writer, { users: bad })
    expect(refused.status).toBe(409)
    expect(refused.body.errors[0].field).toBe('body.users.1.email')
    expect(await userRow('all-1')).toBeUndefined()
    const repeated = await api(t, 'POST', '/v1/users/external:batch', writer, {
      users: [{ externalId: 'rep-1' }, { externalId: 'rep-1', name: 'again' }],
    })
    expect(repeated.status).toBe(400)
    expect(repeated.body.errors[0].field).toBe('body.users.1.externalId')
    expect(await userRow('rep-1')).toBeUndefined()
  })
})

describe('users named by externalId', () => {
  it('a trigger sends to { externalId } and upserts a user given with profile fields inline', async () => {
    await put('buyer-1', { email: 'buyer1@example.com', name: 'Buyer' })
    const sent = await api(t, 'POST', '/v1/notifications', writer, {
      type: 'host.hello',
      to: [{ externalId: 'buyer-1' }, { externalId: 'buyer-2', email: 'buyer2@example.com', name: 'دوم', locale: 'fa' }],
      data: { orderId: '۴۲' },
    })
    expect(sent.status).toBe(202)
    const detail = await settled(t, admin, sent.body.id)
    const buyer2 = await userRow('buyer-2')
    expect(buyer2).toMatchObject({ email: 'buyer2@example.com', name: 'دوم', locale: 'fa' })
    const recipients = new Set(detail.deliveries.map((d: any) => d.userId))
    expect(recipients).toEqual(new Set([(await userRow('buyer-1')).id, buyer2.id]))

    const unknown = await api(t, 'POST', '/v1/notifications', writer, { type: 'host.hello', to: { externalId: 'ghost' } })
    expect(unknown.status).toBe(422)
    expect(unknown.body.detail).toContain('ghost')
    expect(await userRow('ghost')).toBeUndefined()
    // An unknown type is refused before any user is created inline.
    const badType = await api(t, 'POST', '/v1/notifications', writer, { type: 'no.such', to: { externalId: 'new-9', name: 'N' } })
    expect(badType.status).toBe(404)
    expect(await userRow('new-9')).toBeUndefined()
  })

  it('a host user without an address gets in-app messages; e-mail is suppressed, not failed', async () => {
    await put('no-mail', { name: 'No mail' })
    const sent = await api(t, 'POST', '/v1/notifications', writer, {
      type: 'host.hello',
      to: { externalId: 'no-mail' },
      data: { orderId: '1' },
    })
    const detail = await settled(t, admin, sent.body.id)
    const byChannel = Object.fromEntries(detail.deliveries.map((d: any) => [d.channel, d]))
    expect(byChannel.in_app.status).toBe('delivered')
    expect(byChannel.email).toMatchObject({ status: 'suppressed', reason: 'no e-mail address' })
  })

  it('topic subscribers are taken by externalId; unsubscribing an unknown one is no error', async () => {
    const topicKey = await api(t, 'POST', '/v1/topics', admin, { key: 'order-900', name: 'Order 900' })
    expect(topicKey.status).toBe(201)
    await put('sub-1', {})
    const ok = await api(t, 'POST', '/v1/topics/order-900/subscribers', writer, { users: [{ externalId: 'sub-1' }] })
    expect(ok.status).toBe(204)
    const ghost = await api(t, 'POST', '/v1/topics/order-900/subscribers', writer, { users: [{ externalId: 'nobody-here' }] })
    expect(ghost.status).toBe(422)
    expect((await api(t, 'GET', '/v1/topics', admin)).body.items.find((x: any) => x.key === 'order-900').subscribers).toBe(1)
    const off = await api(t, 'DELETE', '/v1/topics/order-900/subscribers', writer, {
      users: [{ externalId: 'sub-1' }, { externalId: 'nobody-here' }],
    })
    expect(off.status).toBe(204)
    expect((await api(t, 'GET', '/v1/topics', admin)).body.items.find((x: any) => x.key === 'order-900').subscribers).toBe(0)
  })
})

describe('sessions for host users', () => {
  it('POST /v1/auth/sessions with a sessions:create key gives tokens for the user (created if new)', async () => {
    const res = await api(t, 'POST', '/v1/auth/sessions', sessionsKey, { externalId: 'sess-1', name: 'Sess' })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ externalId: 'sess-1', name: 'Sess' })
    const me = await api(t, 'GET', '/v1/me', res.body.accessToken)
    expect(me.body).toMatchObject({ externalId: 'sess-1' })
    // The refresh token works like any other.
    const refreshed = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: res.body.refreshToken },
    })
    expect(refreshed.statusCode).toBe(200)
    expect((await api(t, 'POST', '/v1/auth/sessions', writer, { externalId: 'sess-1' })).status).toBe(403)
    expect((await api(t, 'POST', '/v1/auth/sessions', admin, { externalId: 'sess-1' })).status).toBe(403)
    expect((await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/sessions', payload: { externalId: 'sess-1' } })).statusCode).toBe(
      401,
    )
  })

  it('identity: a signature under the current secret, or the previous one within its grace, trades for tokens; anything else is refused every time', async () => {
    const exchange = (externalId: string, signature: string) =>
      t.caravan.app.inject({ method: 'POST', url: '/v1/auth/identity', payload: { externalId, signature } })
    // No secret yet: nothing verifies.
    expect((await exchange('id-1', 'a'.repeat(64))).statusCode).toBe(401)

    const first = await api(t, 'POST', '/v1/identity-secrets', admin, {})
    expect(first.status).toBe(201)
    expect(first.body.secret).toMatch(/^cis_/)
    const ok = await exchange('id-1', sign(first.body.secret, 'id-1'))
    expect(ok.statusCode).toBe(200)
    expect(ok.json().user).toMatchObject({ externalId: 'id-1' })
    // Every exchange is checked: a known user with a bad, foreign or missing signature is refused.
    for (const bad of [sign(first.body.secret, 'id-2'), sign('another secret', 'id-1'), '', 'zz', 'A'.repeat(64)]) {
      const res = await exchange('id-1', bad)
      expect([400, 401]).toContain(res.statusCode)
    }
    expect((await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/identity', payload: { externalId: 'id-1' } })).statusCode).toBe(400)
    // Upper-case hex is the same signature.
    expect((await exchange('id-1', sign(first.body.secret, 'id-1').toUpperCase())).statusCode).toBe(200)

    // Rotation: the old secret works during its grace period, then not at all.
    const second = await api(t, 'POST', '/v1/identity-secrets', admin, { graceSeconds: 3600 })
    expect((await exchange('id-1', sign(second.body.secret, 'id-1'))).statusCode).toBe(200)
    expect((await exchange('id-1', sign(first.body.secret, 'id-1'))).statusCode).toBe(200)
    const listed = (await api(t, 'GET', '/v1/identity-secrets', admin)).body.items
    expect(listed).toHaveLength(2)
    expect(JSON.stringify(listed)).not.toContain(second.body.secret)
    const third = await api(t, 'POST', '/v1/identity-secrets', admin, { graceSeconds: 0 })
    expect((await exchange('id-1', sign(second.body.secret, 'id-1'))).statusCode).toBe(401)
    expect((await exchange('id-1', sign(first.body.secret, 'id-1'))).statusCode).toBe(401)
    expect((await exchange('id-1', sign(third.body.secret, 'id-1'))).statusCode).toBe(200)
    // Only admins see or rotate secrets; stored sealed, never in clear.
    expect((await api(t, 'POST', '/v1/identity-secrets', writer, {})).status).toBe(403)
    const stored = (await t.database.query('select secret from identity_secrets')).rows.map((r: any) => r.secret).join()
    expect(stored).not.toContain(third.body.secret)
  })

  it('a host user has no password: password sign-in is refused until a reset link sets one', async () => {
    await put('pw-1', { email: 'pw1@example.com' })
    const login = (password: string) =>
      t.caravan.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'pw1@example.com', password } })
    expect((await login('')).statusCode).toBe(400)
    expect((await login('anything at all')).statusCode).toBe(401)

    const asked = await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: 'PW1@example.com' } })
    expect(asked.statusCode).toBe(202)
    const nobody = await t.caravan.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: 'nobody@example.com' } })
    expect(nobody.statusCode).toBe(202)
    const mail = await until(
      async () => {
        const box = (await api(t, 'GET', '/v1/dev/outbox?channel=email&limit=100', admin)).body
        return box.items.find((m: any) => m.recipient === 'pw1@example.com' && String(m.payload.html).includes('reset-password'))
      },
      20_000,
      'reset e-mail',
    )
    const token = new URL(/href="([^"]+reset-password\?token=[^"]+)"/.exec(mail.payload.html)![1].replace(/&amp;/g, '&')).searchParams.get(
      'token',
    )!
    const confirm = (password: string) =>
      t.caravan.app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, password } })
    expect((await confirm('        ')).statusCode).toBe(400)
    const [one, two] = await Promise.all([confirm('a new password 1'), confirm('a new password 2')])
    // The link works once, even redeemed twice at the same moment.
    expect([one.statusCode, two.statusCode].sort()).toEqual([200, 401])
    const winner = one.statusCode === 200 ? 'a new password 1' : 'a new password 2'
    expect((await login(winner)).statusCode).toBe(200)
    expect((await confirm('a third password')).statusCode).toBe(401)
    expect(
      (
        await t.caravan.app.inject({
          method: 'POST',
          url: '/v1/auth/password-reset/confirm',
          payload: { token: 'forged', password: 'whatever 123' },
        })
      ).statusCode,
    ).toBe(401)
  })
})

describe('export and erasure', () => {
  it('export returns what every module holds; erasure wipes it, ends sessions and devices, keeps anonymised rows, and is audited', async () => {
    const session = (
      await api(t, 'POST', '/v1/auth/sessions', sessionsKey, {
        externalId: 'gone-1',
        email: 'gone1@example.com',
        name: 'Gone',
        phone: '+989121111111',
      })
    ).body
    const userId = session.user.id
    const device = await api(t, 'POST', '/v1/me/devices', session.accessToken, { kind: 'fcm', token: 'fcm-token-gone-1' })
    expect(device.status).toBe(201)
    const prefs = await api(t, 'PUT', '/v1/me/notification-preferences', session.accessToken, {
      channels: { in_app: true, email: true, sms: false, push: true },
      categories: { marketing: { email: false } },
      quietHours: null,
    })
    expect(prefs.status).toBe(200)
    const sent = await api(t, 'POST', '/v1/notifications', writer, {
      type: 'host.hello',
      to: { externalId: 'gone-1' },
      data: { orderId: 'secret-order-77' },
    })
    await settled(t, admin, sent.body.id)

    const exported = await api(t, 'GET', `/v1/users/${userId}/export`, reader)
    expect(exported.status).toBe(200)
    expect(exported.body.account.profile).toMatchObject({ externalId: 'gone-1', email: 'gone1@example.com', phone: '+989121111111' })
    expect(exported.body.account.devices).toHaveLength(1)
    expect(exported.body.notifications.inbox.length).toBeGreaterThan(0)
    expect(exported.body.notifications.deliveries.length).toBeGreaterThan(0)
    expect((await api(t, 'GET', `/v1/users/${userId}/export`, writer)).status).toBe(403)

    const erased = await api(t, 'DELETE', '/v1/users/external/gone-1', writer)
    expect(erased.status).toBe(204)
    // Tokens stop at once; the row stays without personal fields.
    expect((await api(t, 'GET', '/v1/me', session.accessToken)).status).toBe(401)
    const refreshed = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    })
    expect(refreshed.statusCode).toBe(401)
    const row = (await t.database.query('select * from users where id = $1', [userId])).rows[0]
    expect(row).toMatchObject({ email: null, phone: null, name: null, external_id: null, password_hash: null, attributes: {} })
    expect(row.erased_at).not.toBeNull()
    const dump = JSON.stringify(
      (
        await t.database.query(
          `select (select json_agg(d) from devices d where user_id = $1) devices,
                (select json_agg(i) from inbox_items i where user_id = $1) inbox,
                (select json_agg(p) from notification_preferences p where user_id = $1) prefs,
                (select json_agg(n.data) from notifications n where n.id = $2) data`,
          [userId, sent.body.id],
        )
      ).rows[0],
    )
    expect(dump).not.toContain('fcm-token-gone-1')
    expect(dump).not.toContain('secret-order-77')
    expect(dump).toBe('{"devices":null,"inbox":null,"prefs":null,"data":[{}]}')
    // Deliveries stay for the numbers; the user can no longer be named or reached.
    expect((await t.database.query('select count(*)::int n from deliveries where user_id = $1', [userId])).rows[0].n).toBeGreaterThan(0)
    expect((await api(t, 'DELETE', '/v1/users/external/gone-1', writer)).status).toBe(404)
    const listed = await api(t, 'GET', '/v1/admin/users?limit=100', admin)
    expect(listed.body.items.map((u: any) => u.id)).not.toContain(userId)
    expect((await api(t, 'GET', `/v1/users/${userId}/export`, reader)).status).toBe(404)
    expect((await api(t, 'POST', '/v1/notifications', writer, { type: 'host.hello', to: userId })).status).toBe(422)
    const audit = await api(t, 'GET', '/v1/admin/audit?limit=100', admin)
    expect(audit.body.items.some((e: any) => e.action === 'user.erased' && e.targetId === userId)).toBe(true)
    expect(JSON.stringify(audit.body.items)).not.toContain('gone1@example.com')
    // The externalId is free again: the host can create a new, unrelated user under it.
    expect((await put('gone-1', { name: 'New person' })).status).toBe(201)
  })

  it('admins erase by Caravan id; the last admin cannot be erased', async () => {
    const customer = await registerUser(t)
    expect((await api(t, 'DELETE', `/v1/users/${customer.user.id}`, admin)).status).toBe(204)
    expect((await t.caravan.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(customer.accessToken) })).statusCode).toBe(401)
    const me = (await api(t, 'GET', '/v1/me', admin)).body
    expect((await api(t, 'DELETE', `/v1/users/${me.id}`, admin)).status).toBe(409)
    expect((await api(t, 'DELETE', '/v1/users/00000000-0000-7000-8000-000000000000', admin)).status).toBe(404)
    expect((await api(t, 'DELETE', `/v1/users/${me.id}`, customer.accessToken)).status).toBe(401)
  })
})
