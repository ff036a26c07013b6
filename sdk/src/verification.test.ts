// Sign-up with and without e-mail verification, redeeming the e-mailed link, asking for a new one.
import { describe, expect, it, vi } from 'vitest'
import { createCaravanClient } from './client.js'
import { CaravanError } from './errors.js'
import { memorySessionStorage, type Session } from './session.js'
import type { User } from './types.js'

const user: User = {
  id: 'u1',
  externalId: null,
  email: 'sara@example.com',
  name: 'Sara',
  locale: 'fa',
  timezone: 'Asia/Tehran',
  phone: null,
  role: 'customer',
  createdAt: '2026-01-01T00:00:00.000Z',
}
const T0 = 1_800_000_000_000
const tokens = { accessToken: 'access-1', accessTokenExpiresIn: 900, refreshToken: 'refresh-1' }
const signedInAs = (u: User): Session => ({
  user: u,
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  accessTokenExpiresAt: T0 + 900_000,
})

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } })
const problem = (status: number, code: string) =>
  json(status, { type: `https://caravan.dev/problems/${code}`, title: code, status }, 'application/problem+json')

/** A fake server answering each path with the given response; every call is recorded. */
function setup(answers: Record<string, () => Response>, session: Session | null = null) {
  const calls: { method: string; path: string; auth: string | null; body: unknown }[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input))
    calls.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      auth: new Headers(init?.headers).get('authorization'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    })
    return answers[url.pathname]?.() ?? problem(404, 'not_found')
  })
  const changes: (Session | null)[] = []
  const client = createCaravanClient({
    baseUrl: 'http://caravan.test',
    storage: memorySessionStorage(session),
    fetch,
    now: () => T0,
    onSessionChange: (s) => changes.push(s),
  })
  return { client, calls, changes }
}

describe('register', () => {
  it('signs in at once when the server needs no verification', async () => {
    const { client, changes } = setup({ '/v1/auth/register': () => json(201, { user, ...tokens, verificationRequired: false }) })
    const result = await client.register({ email: user.email!, password: 'correct horse 1' })
    expect(result).toEqual({ ...signedInAs(user), verificationRequired: false })
    // The stored session is a plain session, without the answer's flag.
    expect(client.session).toEqual(signedInAs(user))
    expect(changes).toEqual([signedInAs(user)])
  })

  it('stores nothing while the address waits for its link, and says so', async () => {
    const { client, calls, changes } = setup({ '/v1/auth/register': () => json(201, { user, verificationRequired: true }) })
    const result = await client.register({ email: user.email!, password: 'correct horse 1', locale: 'fa' })
    expect(result).toEqual({ user, verificationRequired: true })
    if (result.verificationRequired) expect(result.user.email).toBe(user.email)
    expect(client.session).toBeNull()
    expect(changes).toEqual([])
    expect(calls).toEqual([
      { method: 'POST', path: '/v1/auth/register', auth: null, body: { email: user.email!, password: 'correct horse 1', locale: 'fa' } },
    ])
  })
})

describe('e-mail verification', () => {
  it('login of an unverified address fails with email_not_verified and stores nothing', async () => {
    const { client, changes } = setup({ '/v1/auth/login': () => problem(403, 'email_not_verified') })
    const error: CaravanError = await client.login({ email: user.email!, password: 'correct horse 1' }).catch((e) => e)
    expect(error).toBeInstanceOf(CaravanError)
    expect(error).toMatchObject({ status: 403, code: 'email_not_verified' })
    expect(client.session).toBeNull()
    expect(changes).toEqual([])
  })

  it('verifyEmail redeems the token and signs in', async () => {
    const { client, calls, changes } = setup({ '/v1/auth/verify-email': () => json(200, { user, ...tokens }) })
    const session = await client.verifyEmail('tok.en')
    expect(session).toEqual(signedInAs(user))
    expect(client.session).toEqual(session)
    expect(changes).toEqual([session])
    expect(calls).toEqual([{ method: 'POST', path: '/v1/auth/verify-email', auth: null, body: { token: 'tok.en' } }])
  })

  it('a bad link is an invalid_token error that neither refreshes nor ends the current session', async () => {
    const other = { ...user, id: 'u2', email: 'other@example.com' }
    const { client, calls, changes } = setup({ '/v1/auth/verify-email': () => problem(401, 'invalid_token') }, signedInAs(other))
    await expect(client.verifyEmail('expired')).rejects.toMatchObject({ status: 401, code: 'invalid_token' })
    expect(calls.map((c) => c.path)).toEqual(['/v1/auth/verify-email'])
    expect(client.session).toEqual(signedInAs(other))
    expect(changes).toEqual([])
  })

  it('resendVerification posts the address and resolves on 202', async () => {
    const { client, calls } = setup({ '/v1/auth/verify-email/resend': () => json(202, null) })
    await expect(client.resendVerification(user.email!)).resolves.toBeUndefined()
    expect(calls).toEqual([{ method: 'POST', path: '/v1/auth/verify-email/resend', auth: null, body: { email: user.email } }])
  })

  it('resendVerification passes a refusal on (429 when asked too often)', async () => {
    const { client } = setup({ '/v1/auth/verify-email/resend': () => problem(429, 'rate_limited') })
    await expect(client.resendVerification(user.email!)).rejects.toMatchObject({ status: 429, code: 'rate_limited' })
  })
})
