// Self-registered accounts prove their e-mail address before they can sign in (EMAIL_VERIFICATION,
// on by default outside the embedded database): the link goes out through the notifications module.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { until } from './helpers/wait'

let t: TestCaravan
let admin: string
beforeAll(async () => {
  t = await startTestCaravan({ env: { EMAIL_VERIFICATION: 'true' } })
  // adminSession registers through the API: verify that admin by hand.
  const a = await t.caravan.app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email: 'boss@example.com', password: 'boss password 1' },
  })
  expect(a.json().verificationRequired).toBe(true)
  await t.database.query(`update users set role = 'admin', email_verified_at = now() where email = 'boss@example.com'`)
  admin = (
    await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'boss@example.com', password: 'boss password 1' },
    })
  ).json().accessToken
})
afterAll(async () => {
  await t?.close()
})

const post = (url: string, payload: object) => t.caravan.app.inject({ method: 'POST', url, payload })

async function linkSentTo(email: string, after = 0): Promise<string> {
  const mail = await until(
    async () => {
      const box = (
        await t.caravan.app.inject({ method: 'GET', url: '/v1/dev/outbox?channel=email&limit=100', headers: bearer(admin) })
      ).json()
      const sent = box.items.filter((m: any) => m.recipient === email && String(m.payload.subject).includes('Confirm'))
      return sent.length > after ? sent[0] : undefined
    },
    20_000,
    `verification e-mail to ${email}`,
  )
  const url = /href="([^"]+verify-email\?token=[^"]+)"/.exec(mail.payload.html)?.[1]
  expect(url).toBeTruthy()
  return new URL(url!.replace(/&amp;/g, '&')).searchParams.get('token')!
}

describe('e-mail verification', () => {
  it('sign-up answers without tokens, sign-in waits for the link, the link signs in', async () => {
    const reg = await post('/v1/auth/register', { email: 'new@example.com', password: 'new password 1', locale: 'en' })
    expect(reg.statusCode).toBe(201)
    expect(reg.json()).toMatchObject({ verificationRequired: true, user: { email: 'new@example.com' } })
    expect(reg.json().accessToken).toBeUndefined()

    const early = await post('/v1/auth/login', { email: 'new@example.com', password: 'new password 1' })
    expect(early.statusCode).toBe(403)
    expect(early.json().type).toMatch(/email_not_verified$/)
    // A wrong password says nothing about verification.
    expect((await post('/v1/auth/login', { email: 'new@example.com', password: 'wrong password' })).statusCode).toBe(401)

    const token = await linkSentTo('new@example.com')
    const verified = await post('/v1/auth/verify-email', { token })
    expect(verified.statusCode).toBe(200)
    expect(verified.json().user.email).toBe('new@example.com')
    expect((await t.caravan.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(verified.json().accessToken) })).statusCode).toBe(
      200,
    )
    expect((await post('/v1/auth/login', { email: 'new@example.com', password: 'new password 1' })).statusCode).toBe(200)
    // A second click is harmless.
    expect((await post('/v1/auth/verify-email', { token })).statusCode).toBe(200)
  })

  it('refuses forged, foreign and stale links; resend answers alike for any address', async () => {
    expect((await post('/v1/auth/verify-email', { token: 'not-a-token' })).statusCode).toBe(401)
    expect((await post('/v1/auth/verify-email', {})).statusCode).toBe(400)
    // An access token is not a verification link.
    expect((await post('/v1/auth/verify-email', { token: admin })).statusCode).toBe(401)

    await post('/v1/auth/register', { email: 'later@example.com', password: 'later password 1' })
    const first = await linkSentTo('later@example.com')
    const again = await post('/v1/auth/verify-email/resend', { email: 'LATER@example.com' })
    expect(again.statusCode).toBe(202)
    expect((await post('/v1/auth/verify-email/resend', { email: 'nobody@example.com' })).statusCode).toBe(202)
    const second = await linkSentTo('later@example.com', 1)
    expect(second).toBeTruthy()

    // The address changed since the link was sent: the link no longer verifies anything.
    await t.database.query(`update users set email = 'changed@example.com' where email = 'later@example.com'`)
    expect((await post('/v1/auth/verify-email', { token: first })).statusCode).toBe(401)
  })

  it('the verification job payload carries the user id only', async () => {
    await post('/v1/auth/register', { email: 'payload@example.com', password: 'payload password 1' })
    const { rows } = await t.database.query(`select data from pgboss.job where name = 'notify-verify-email'`)
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(Object.keys(r.data.event.payload)).toEqual(['userId'])
  })
})
