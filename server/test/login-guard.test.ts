// Password guessing is limited per account and client address, atomically, and nobody can lock a
// stranger out by typing their e-mail address wrong five times (security review).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { until } from './helpers/wait'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ env: { LOGIN_MAX_FAILURES: '5', LOGIN_WINDOW_SECONDS: '300' } })
})
afterAll(async () => {
  await t?.close()
})

const login = (email: string, password: string, ip: string) =>
  t.caravan.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: ip })

describe('login guard', () => {
  it('16 concurrent wrong passwords from one address get exactly 5 password checks', async () => {
    const { user } = await registerUser(t, { password: 'the right password' })
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => login(user.email, `guess ${i}`, '203.0.113.7')))
    const codes = answers.map((a) => a.statusCode)
    expect(codes.filter((c) => c === 401)).toHaveLength(5)
    expect(codes.filter((c) => c === 429)).toHaveLength(11)
    // That address stays locked for this account, even with the right password.
    const locked = await login(user.email, 'the right password', '203.0.113.7')
    expect(locked.statusCode).toBe(429)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('an attacker elsewhere cannot lock the owner out: a known address signs in at once, an unknown one is only slowed', async () => {
    const { user } = await registerUser(t, { password: 'owner password 1' })
    // The owner signed in from home before.
    expect((await login(user.email, 'owner password 1', '198.51.100.1')).statusCode).toBe(200)
    for (let i = 0; i < 8; i++) await login(user.email, `attack ${i}`, '203.0.113.66')
    expect((await login(user.email, 'owner password 1', '203.0.113.66')).statusCode).toBe(429) // the attacker's own address
    expect((await login(user.email, 'owner password 1', '198.51.100.1')).statusCode).toBe(200) // home: not slowed
    // A new address (the owner on a train) is slowed down, never locked: it gets in once it waits.
    const first = await login(user.email, 'owner password 1', '192.0.2.200')
    if (first.statusCode === 429) {
      const wait = Number(first.headers['retry-after'])
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(60)
      await until(
        async () => (await login(user.email, 'owner password 1', '192.0.2.200')).statusCode === 200,
        (wait + 2) * 1000,
        'signed in after the wait',
      )
    } else expect(first.statusCode).toBe(200)
  })

  it('an unknown e-mail address is answered like a wrong password, and one address guessing across accounts is cut off', async () => {
    const wrong = await login('nobody-here@example.com', 'whatever 1', '203.0.113.99')
    expect(wrong.statusCode).toBe(401)
    let refused = 0
    for (let i = 0; i < 60 && !refused; i++) {
      if ((await login(`spray-${i}@example.com`, 'password 123', '203.0.113.99')).statusCode === 429) refused = i
    }
    expect(refused).toBeGreaterThan(40)
    expect(refused).toBeLessThanOrEqual(50)
  })
})
