// Web Push from the web app with nothing configured: a VAPID pair made at first start (kept in
// DATA_DIR), its public key served to browsers, the built-in sender delivering to their
// subscriptions (the payload carries the delivery id and a click acknowledgement), and the click
// report moving the delivery to opened. An admin's own Web Push provider takes over, key and all.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config'
import { generateVapidKeys } from '../../src/modules/notifications/providers/push/webpush'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { decryptPushMessage, startFakeWebPush, type FakeWebPush } from '../fakes/webpush'
import { api, defineType, settled } from './helpers'

let t: TestCaravan
let admin: string
let push: FakeWebPush

beforeAll(async () => {
  t = await startTestCaravan({ env: { ALLOW_LOOPBACK_URLS: 'true', WEBPUSH_ALLOWED_HOSTS: '127.0.0.1' } })
  admin = (await adminSession(t)).accessToken
  push = await startFakeWebPush()
  await defineType(t, admin, 'order.ready', ['push'])
})
afterAll(async () => {
  await t?.close()
  await push?.close()
})

describe('VAPID keys', () => {
  it('are made at first start into DATA_DIR and kept; a pair in env wins; a bad or half pair stops the start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'caravan-vapid-'))
    try {
      const first = loadConfig({ DATA_DIR: dir }).webPush
      expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65)
      expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32)
      expect(first.subject).toBe('mailto:admin@localhost')
      expect(loadConfig({ DATA_DIR: dir }).webPush).toEqual(first)
      expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).WEBPUSH_VAPID_PUBLIC_KEY).toBe(first.publicKey)

      const given = generateVapidKeys()
      const env = { DATA_DIR: dir, WEBPUSH_VAPID_PUBLIC_KEY: given.publicKey, WEBPUSH_VAPID_PRIVATE_KEY: given.privateKey }
      expect(loadConfig({ ...env, WEBPUSH_SUBJECT: 'https://shop.example.com' }).webPush).toEqual({
        ...given,
        subject: 'https://shop.example.com',
      })
      expect(loadConfig({ ...env, PUBLIC_URL: 'https://caravan.example.com' }).webPush.subject).toBe('https://caravan.example.com')

      for (const bad of [
        { WEBPUSH_VAPID_PUBLIC_KEY: given.publicKey },
        { WEBPUSH_VAPID_PUBLIC_KEY: 'short', WEBPUSH_VAPID_PRIVATE_KEY: given.privateKey },
        { WEBPUSH_VAPID_PUBLIC_KEY: given.publicKey, WEBPUSH_VAPID_PRIVATE_KEY: `${given.privateKey}AA` },
        { WEBPUSH_SUBJECT: 'http://shop.example.com' },
      ]) {
        expect(() => loadConfig({ DATA_DIR: dir, ...bad }), JSON.stringify(bad)).toThrow(ConfigError)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the built-in Web Push sender', () => {
  it('serves its key, sends to a browser subscription, and a click report marks the delivery opened', async () => {
    const config = await api(t, 'GET', '/v1/push/config', '')
    expect(config.status).toBe(200)
    const publicKey = t.caravan.config.webPush.publicKey
    expect(config.body).toEqual({ webPush: { publicKey } })

    const user = await registerUser(t)
    const subscriber = push.subscribe(publicKey)
    const device = await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'webpush', subscription: subscriber.subscription })
    expect(device.status).toBe(201)
    const sent = await api(t, 'POST', '/v1/notifications', admin, { type: 'order.ready', to: user.user.id, data: { orderId: 'W-1' } })
    const detail = await settled(t, admin, sent.body.id)
    const delivery = detail.deliveries[0]
    expect(delivery).toMatchObject({ status: 'sent', providerId: 'builtin-webpush' })

    const message = push.received.find((m) => m.subscriberId === subscriber.id)!
    const payload = JSON.parse(decryptPushMessage(message.body, subscriber).toString('utf8'))
    expect(payload).toMatchObject({ title: 'Order', body: 'Order W-1', tag: delivery.id, data: { caravanDeliveryId: delivery.id } })
    const ack = payload.data.caravanAck as string

    // Ugly input first: nothing changes.
    const refusals: Array<[unknown, number]> = [
      [{ deliveryId: delivery.id, ack: `${ack.slice(0, -1)}x` }, 403],
      [{ deliveryId: '01a2463f-c0e9-7587-b279-b3267af0b185', ack }, 403],
      [{ deliveryId: delivery.id }, 400],
      [{ deliveryId: 'not-a-uuid', ack }, 400],
      [{ deliveryId: delivery.id, ack: 'x'.repeat(101) }, 400],
      [{ deliveryId: delivery.id, ack, extra: 1 }, 400],
    ]
    for (const [body, status] of refusals) {
      const res = await api(t, 'POST', '/v1/push/opened', '', body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    }
    const unchanged = await api(t, 'GET', `/v1/notifications/${sent.body.id}`, admin)
    expect(unchanged.body.deliveries[0].status).toBe('sent')

    for (let i = 0; i < 2; i++) expect((await api(t, 'POST', '/v1/push/opened', '', { deliveryId: delivery.id, ack })).status).toBe(204)
    const opened = await api(t, 'GET', `/v1/notifications/${sent.body.id}`, admin)
    expect(opened.body.deliveries[0].status).toBe('opened')
  })

  it('gives way to a Web Push provider an admin configures: browsers then subscribe with its key', async () => {
    const own = generateVapidKeys()
    const added = await api(t, 'POST', '/v1/admin/notification-providers', admin, {
      provider: 'webpush',
      config: { vapidPublicKey: own.publicKey, vapidPrivateKey: own.privateKey, subject: 'mailto:ops@example.com' },
    })
    expect(added.status).toBe(201)
    try {
      expect((await api(t, 'GET', '/v1/push/config', '')).body).toEqual({ webPush: { publicKey: own.publicKey } })
    } finally {
      await api(t, 'DELETE', `/v1/admin/notification-providers/${added.body.id}`, admin)
    }
    expect((await api(t, 'GET', '/v1/push/config', '')).body).toEqual({ webPush: { publicKey: t.caravan.config.webPush.publicKey } })
  })
})
