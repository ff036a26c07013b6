// The signed-in user's own security: changing the password with the current one, and signing out
// everywhere else. Both end the other sessions at once (access tokens included); this one goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { api } from './notifications/helpers'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan()
})
afterAll(async () => {
  await t?.close()
})

const login = (email: string, password: string) =>
  t.caravan.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } })

describe('my password and sessions', () => {
  it('changing the password needs the current one and ends every other session, not this one', async () => {
    const here = await registerUser(t)
    const email = here.user.email
    const elsewhere = (await login(email, 'correct horse battery')).json()
    const wrong = await api(t, 'POST', '/v1/me/password', here.accessToken, { currentPassword: 'not it', newPassword: 'a brand new one' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.errors[0].field).toBe('body.currentPassword')
    const weak = await api(t, 'POST', '/v1/me/password', here.accessToken, {
      currentPassword: 'correct horse battery',
      newPassword: '         ',
    })
    expect(weak.status).toBe(400)
    expect((await login(email, 'correct horse battery')).statusCode).toBe(200) // nothing changed yet

    const changed = await api(t, 'POST', '/v1/me/password', here.accessToken, {
      currentPassword: 'correct horse battery',
      newPassword: 'a brand new one',
    })
    expect(changed.status).toBe(204)
    expect((await api(t, 'GET', '/v1/me', here.accessToken)).status).toBe(200)
    expect((await api(t, 'GET', '/v1/me', elsewhere.accessToken)).status).toBe(401)
    const refreshedElsewhere = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: elsewhere.refreshToken },
    })
    expect(refreshedElsewhere.statusCode).toBe(401)
    const refreshedHere = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: here.refreshToken },
    })
    expect(refreshedHere.statusCode).toBe(200)
    expect((await login(email, 'correct horse battery')).statusCode).toBe(401)
    expect((await login(email, 'a brand new one')).statusCode).toBe(200)
  })

  it('a host user without a password is sent to the reset link', async () => {
    const admin = await registerUser(t)
    await t.database.query(`update users set role = 'admin', session_version = session_version + 1 where id = $1`, [admin.user.id])
    const adminToken = (await login(admin.user.email, 'correct horse battery')).json().accessToken
    const key = (await api(t, 'POST', '/v1/api-keys', adminToken, { name: 's', scopes: ['sessions:create'] })).body.key
    const session = (await api(t, 'POST', '/v1/auth/sessions', key, { externalId: 'no-pw-1' })).body
    const res = await api(t, 'POST', '/v1/me/password', session.accessToken, { currentPassword: 'x', newPassword: 'a brand new one' })
    expect(res.status).toBe(409)
    expect(res.body.detail).toMatch(/reset/)
  })

  it('"sign out everywhere else" ends the other sessions at once', async () => {
    const here = await registerUser(t)
    const other = (await login(here.user.email, 'correct horse battery')).json()
    expect((await api(t, 'POST', '/v1/me/sessions/end-others', here.accessToken)).status).toBe(204)
    expect((await api(t, 'GET', '/v1/me', other.accessToken)).status).toBe(401)
    expect((await api(t, 'GET', '/v1/me', here.accessToken)).status).toBe(200)
  })
})
