// POST /v1/me/devices with a Web Push subscription: its endpoint is a URL a browser (so, anyone)
// chose, and the server will call it. Only allowed push-service hosts resolving to public
// addresses are stored; and a user's devices are capped (MAX_DEVICES_PER_USER).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerUser, startTestCaravan, type TestCaravan } from '../../helpers/caravan'
import { api } from '../../notifications/helpers'

let t: TestCaravan

beforeAll(async () => {
  t = await startTestCaravan({
    env: {
      // Loopback, link-local and private literals are on the host list here, so that what refuses
      // them is the address check, not the list. ALLOW_LOOPBACK_URLS stays at its default (false).
      WEBPUSH_ALLOWED_HOSTS: '127.0.0.1,localhost,[::1],169.254.169.254,10.0.0.5,[::ffff:127.0.0.1]',
      MAX_DEVICES_PER_USER: '3',
    },
  })
})
afterAll(async () => {
  await t?.close()
})

const subscription = (endpoint: string) => ({
  endpoint,
  keys: {
    p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    auth: 'tBHItJI5svbpez7KI4CCXg',
  },
})

describe('Web Push endpoints', () => {
  it.each([
    ['https://127.0.0.1/push/abc', /127\.0\.0\.1 is a loopback address/],
    ['https://localhost/push/abc', /localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['https://[::1]/push/abc', /::1 is a loopback address/],
    ['https://169.254.169.254/latest/meta-data/iam/security-credentials/', /169\.254\.169\.254 is a link-local address/],
    ['https://10.0.0.5/push/abc', /10\.0\.0\.5 is a private address/],
    ['https://[::ffff:127.0.0.1]/push/abc', /::ffff:7f00:1 is a loopback \(IPv4-mapped IPv6\) address/],
    ['https://push.attacker.example/abc', /push\.attacker\.example is not an allowed host/],
    ['https://fcm.googleapis.com.attacker.example/fcm/send/abc', /not an allowed host/],
  ])('refuses %s with 422 naming body.subscription.endpoint, and stores nothing', async (endpoint, why) => {
    const user = await registerUser(t)
    const res = await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'webpush', subscription: subscription(endpoint) })
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.body.errors).toEqual([{ field: 'body.subscription.endpoint', message: expect.stringMatching(why) }])
    expect((await api(t, 'GET', '/v1/me/devices', user.accessToken)).body.items).toEqual([])
    const stored = await t.database.query('select count(*)::int as n from devices where user_id = $1', [user.user.id])
    expect(stored.rows[0].n).toBe(0)
  })

  it('accepts an endpoint on a known push service', async () => {
    // Offline (CI), fcm.googleapis.com does not resolve: an allowed host is still accepted, and
    // every send checks the address it connects to. Online it resolves to public addresses.
    const user = await registerUser(t)
    const endpoint = 'https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24'
    const res = await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'webpush', subscription: subscription(endpoint) })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ kind: 'webpush', token: endpoint })
  })
})

describe('devices per user', () => {
  it('past MAX_DEVICES_PER_USER, registering removes the least recently seen device of that user only', async () => {
    const user = await registerUser(t)
    const other = await registerUser(t)
    const register = async (who: typeof user, token: string) => {
      const res = await api(t, 'POST', '/v1/me/devices', who.accessToken, { kind: 'fcm', token })
      expect(res.status).toBe(201)
      return res.body.id as string
    }
    const otherDevice = await register(other, 'other-user-device-token')
    const a = await register(user, 'device-token-a')
    const b = await register(user, 'device-token-b')
    const c = await register(user, 'device-token-c')
    // Registering a again counts as seeing it: b is now the least recently seen.
    expect(await register(user, 'device-token-a')).toBe(a)
    const d = await register(user, 'device-token-d')
    const ids = (await api(t, 'GET', '/v1/me/devices', user.accessToken)).body.items.map((x: { id: string }) => x.id)
    expect(ids.sort()).toEqual([a, c, d].sort())
    expect(ids).not.toContain(b)
    expect((await api(t, 'GET', '/v1/me/devices', other.accessToken)).body.items.map((x: { id: string }) => x.id)).toEqual([otherDevice])
  })
})
