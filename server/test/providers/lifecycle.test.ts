// Provider lifecycle on a running node: an instance replaced by a config change, or whose config
// is removed, is closed, and so is every instance when the node stops. Observed from the APNs
// fake's side: its HTTP/2 sessions end.
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeApns, type FakeApns } from '../fakes/apns'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { api, defineType, settled } from '../notifications/helpers'

const TEAM_ID = 'TEAM123456'
const KEY_ID = 'KEY7654321'
const BUNDLE_ID = 'app.caravan.demo'
const teamKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const pem = teamKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string

let t: TestCaravan | undefined
let apns: FakeApns
let admin: string

beforeAll(async () => {
  // Cleartext HTTP/2: a provider configured through the API cannot be given a test CA.
  apns = await startFakeApns({ teamId: TEAM_ID, keyId: KEY_ID, publicKey: teamKey.publicKey, bundleId: BUNDLE_ID, tls: false })
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  await api(t, 'PATCH', '/v1/admin/notification-types/account.welcome', admin, { channels: ['in_app'] })
  await defineType(t, admin, 'order.shipped', ['push'])
})
afterAll(async () => {
  await t?.close()
  await apns?.close()
})

async function addApns(): Promise<string> {
  const res = await api(t!, 'POST', '/v1/admin/notification-providers', admin, {
    provider: 'apns',
    config: { teamId: TEAM_ID, keyId: KEY_ID, privateKey: pem, bundleId: BUNDLE_ID, production: false, baseUrl: apns.url },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.id
}

async function push(userId: string) {
  const res = await api(t!, 'POST', '/v1/notifications', admin, { type: 'order.shipped', to: userId, data: { orderId: 'L-1' } })
  expect(res.status).toBe(202)
  const detail = await settled(t!, admin, res.body.id)
  expect(detail.deliveries.map((d: { status: string }) => d.status)).toEqual(['sent'])
}

describe('provider lifecycle', () => {
  it('closes the APNs HTTP/2 session when the config changes, when it is removed, and when the node stops', async () => {
    const user = await registerUser(t!)
    expect((await api(t!, 'POST', '/v1/me/devices', user.accessToken, { kind: 'apns', token: 'ab'.repeat(32) })).status).toBe(201)
    const id = await addApns()

    await push(user.user.id)
    expect(apns.notifications).toHaveLength(1)
    expect(apns.openConnections()).toBe(1)

    // A change that does not move the provider (no secrets needed): the old instance is replaced and closed.
    const changed = await api(t!, 'PATCH', `/v1/admin/notification-providers/${id}`, admin, { config: { ttlSeconds: 3600 } })
    expect(changed.status).toBe(200)
    await until(() => apns.closedConnections === 1 && apns.openConnections() === 0, 5000, 'session closed after the update')

    await push(user.user.id)
    expect(apns.connections).toBe(2)
    // The new instance runs on the new settings: messages now expire after an hour.
    const expiresIn = Number(apns.notifications.at(-1)!.headers['apns-expiration']) - Date.now() / 1000
    expect(expiresIn).toBeGreaterThan(3500)
    expect(expiresIn).toBeLessThanOrEqual(3600)

    expect((await api(t!, 'DELETE', `/v1/admin/notification-providers/${id}`, admin)).status).toBe(204)
    await until(() => apns.closedConnections === 2 && apns.openConnections() === 0, 5000, 'session closed after removal')

    await addApns()
    await push(user.user.id)
    expect(apns.openConnections()).toBe(1)
    const node = t!
    t = undefined
    await node.close()
    await until(() => apns.closedConnections === 3 && apns.openConnections() === 0, 5000, 'session closed at stop')
  })
})
