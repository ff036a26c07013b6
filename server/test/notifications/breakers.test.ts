// Circuit breakers in the delivery pipeline, against real provider adapters on loopback fakes:
// a half-open trial ends whatever the provider answers; only provider-level failures count, and
// for Web Push per push service (host); deliveries held back by open circuits wait with growing
// pauses and fail after a bound instead of spinning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { providerFactories } from '../../src/modules/notifications'
import { createWebPushProvider, generateVapidKeys, type WebPushConfig } from '../../src/modules/notifications/providers/push/webpush'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { startFakeFcm, type FakeFcm } from '../fakes/fcm'
import { startFakeSendGrid, type FakeSendGrid } from '../fakes/sendgrid'
import { startFakeWebPush, type FakeWebPush } from '../fakes/webpush'
import { api, breakerState, defineType, deliveryJobRuns, insertDevice, insertUsers, settled } from './helpers'

/** A node whose own sign-up messages have settled, with `account.welcome` kept off the providers under test. */
async function node(env: Record<string, string>) {
  const t = await startTestCaravan({ env })
  const admin = (await adminSession(t)).accessToken
  await api(t, 'PATCH', '/v1/admin/notification-types/account.welcome', admin, { channels: ['in_app'] })
  await until(async () => {
    const { rows } = await t.database.query(`select count(*)::int as n from deliveries where status in ('pending', 'queued', 'sending')`)
    return rows[0].n === 0
  })
  return { t, admin }
}

async function addProvider(t: TestCaravan, admin: string, body: Record<string, unknown>): Promise<string> {
  const res = await api(t, 'POST', '/v1/admin/notification-providers', admin, body)
  if (res.status !== 201) throw new Error(`provider: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}

async function send(t: TestCaravan, admin: string, type: string, to: string | string[]): Promise<string> {
  const res = await api(t, 'POST', '/v1/notifications', admin, { type, to, data: { orderId: 'B' } })
  expect(res.status).toBe(202)
  return res.body.id
}

/** The deliveries of a notification, once it has `count` of them. */
async function deliveriesOf(t: TestCaravan, admin: string, id: string, count = 1) {
  return until(async () => {
    const body = (await api(t, 'GET', `/v1/notifications/${id}`, admin)).body
    return body.deliveries?.length >= count ? body.deliveries : undefined
  })
}

async function transientAttempts(t: TestCaravan, notificationId: string): Promise<number> {
  const { rows } = await t.database.query(
    `select count(*)::int as n from delivery_attempts a join deliveries d on d.id = a.delivery_id
      where d.notification_id = $1 and a.outcome = 'transient'`,
    [notificationId],
  )
  return rows[0].n
}

describe('a half-open trial', () => {
  let t: TestCaravan
  let admin: string
  let fcm: FakeFcm
  beforeAll(async () => {
    ;({ t, admin } = await node({ NOTIFY_BREAKER_OPEN_SECONDS: '1' }))
    fcm = await startFakeFcm()
  })
  afterAll(async () => {
    await t?.close()
    await fcm?.close()
  })

  it('ends with any answer: a dead token as the trial leaves the provider usable', async () => {
    const providerId = await addProvider(t, admin, { provider: 'fcm', config: { serviceAccount: fcm.serviceAccount, baseUrl: fcm.url } })
    await defineType(t, admin, 'trial.push', ['push'])
    // Five transient failures in a row open the circuit.
    const tripping = await insertUsers(t, 5)
    const trippingDevices = await Promise.all(
      tripping.map((id, i) => insertDevice(t, id, { kind: 'fcm', token: `trip-${i}:APA91bHun4MxP5eg` })),
    )
    fcm.failNext(5, 503)
    const trip = await send(t, admin, 'trial.push', tripping)
    await until(async () => (await transientAttempts(t, trip)) === 5, 20_000, 'five transient failures')
    expect(await breakerState(t, admin, providerId)).toBe('open')
    // Their retries must not be the trial: take their devices away.
    await t.database.query(`update devices set disabled_at = now() where id = any($1::uuid[])`, [trippingDevices])
    await until(async () => (await breakerState(t, admin, providerId)) === 'half_open', 10_000, 'half open')

    // The trial: a token FCM no longer knows. FCM answered, so it is up.
    const [dead] = await insertUsers(t, 1)
    await insertDevice(t, dead, { kind: 'fcm', token: 'dead-trial:APA91bHun4MxP5eg' })
    fcm.unregistered.add('dead-trial:APA91bHun4MxP5eg')
    const trial = await settled(t, admin, await send(t, admin, 'trial.push', dead))
    expect(trial.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1 })
    expect(trial.deliveries[0].attemptLog.map((a: any) => a.outcome)).toEqual(['invalid_recipient'])
    expect(await breakerState(t, admin, providerId)).toBe('closed')

    // The next push goes out at once instead of waiting for a trial that never ends.
    const [live] = await insertUsers(t, 1)
    await insertDevice(t, live, { kind: 'fcm', token: 'live-trial:APA91bHun4MxP5eg' })
    const next = await settled(t, admin, await send(t, admin, 'trial.push', live), 5_000)
    expect(next.deliveries[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })
})

describe('Web Push breakers per push service', () => {
  let t: TestCaravan
  let admin: string
  let hostA: FakeWebPush
  let hostB: FakeWebPush
  // The real adapter, allowed to reach the loopback fakes over http (the admin-facing factory is https-only).
  providerFactories['webpush-loopback'] = {
    channel: 'push',
    secretFields: ['vapidPrivateKey'],
    connectionFields: [],
    create: (config) =>
      createWebPushProvider({
        ...(config as unknown as WebPushConfig),
        allowHttpEndpoints: true,
        allowLoopback: true,
        allowedHosts: ['127.0.0.1'],
      }),
  }
  beforeAll(async () => {
    ;({ t, admin } = await node({}))
    hostA = await startFakeWebPush()
    hostB = await startFakeWebPush()
  })
  afterAll(async () => {
    delete providerFactories['webpush-loopback']
    await t?.close()
    await hostA?.close()
    await hostB?.close()
  })

  it('dead endpoints and one failing push service do not hold back pushes to another', async () => {
    const vapid = generateVapidKeys()
    await addProvider(t, admin, {
      provider: 'webpush-loopback',
      config: { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, subject: 'mailto:ops@example.com', timeoutMs: 2000 },
    })
    await defineType(t, admin, 'host.push', ['push'])
    const subscribe = async (host: FakeWebPush, userId: string) => {
      const subscriber = host.subscribe(vapid.publicKey)
      await insertDevice(t, userId, { kind: 'webpush', subscription: subscriber.subscription })
      return subscriber
    }

    // Ten subscriptions the users revoked: 410 from host A, each the recipient's fault.
    const gone = await insertUsers(t, 10)
    for (const id of gone) hostA.unsubscribe(await subscribe(hostA, id))
    const dead = await settled(t, admin, await send(t, admin, 'host.push', gone))
    expect(dead.deliveries.map((d: any) => d.status)).toEqual(Array(10).fill('failed'))
    // The deadline is generous: a 410 that came after it (a loaded CI machine signing ten pushes at once)
    // would be a transient failure, retried after a pause longer than this test waits, and five of them
    // would open host A's circuit before the test means to. The last attempt is the one that decided.
    expect(dead.deliveries.every((d: any) => d.attemptLog.at(-1)?.outcome === 'invalid_recipient')).toBe(true)

    // Host A stops answering: five timeouts in a row.
    const stuck = await insertUsers(t, 5)
    for (const id of stuck) await subscribe(hostA, id)
    hostA.hangNext(5)
    const timeouts = await send(t, admin, 'host.push', stuck)
    await until(async () => (await transientAttempts(t, timeouts)) === 5, 30_000, 'five timeouts from host A')

    // A push to host B goes out at once.
    const [onB] = await insertUsers(t, 1)
    await subscribe(hostB, onB)
    const started = Date.now()
    const detail = await settled(t, admin, await send(t, admin, 'host.push', onB), 5_000)
    expect(detail.deliveries[0]).toMatchObject({ status: 'sent', attempts: 1 })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(hostB.received).toHaveLength(1)

    // Host A itself is paused: a push to it waits for its circuit instead of calling it.
    const [onA] = await insertUsers(t, 1)
    await subscribe(hostA, onA)
    const requestsBefore = hostA.requests
    const [waiting] = await deliveriesOf(t, admin, await send(t, admin, 'host.push', onA))
    const held = await until(async () => {
      const d = (await api(t, 'GET', `/v1/notifications/${waiting.notificationId}`, admin)).body.deliveries[0]
      return d.status === 'queued' && /circuit open/.test(d.reason ?? '') ? d : undefined
    })
    expect(held.attempts).toBe(0)
    expect(hostA.requests).toBe(requestsBefore)
  })
})

describe('a delivery held back by open circuits', () => {
  let t: TestCaravan
  let admin: string
  let sendgrid: FakeSendGrid
  beforeAll(async () => {
    // The circuit stays open for the whole test; the wait is bounded at 6 s.
    ;({ t, admin } = await node({ NOTIFY_BREAKER_OPEN_SECONDS: '600', NOTIFY_DEFER_MAX_SECONDS: '6' }))
    sendgrid = await startFakeSendGrid({ apiKey: 'SG.defer-key' })
  })
  afterAll(async () => {
    await t?.close()
    await sendgrid?.close()
  })

  it('waits with few job runs, then fails with the reason', async () => {
    const providerId = await addProvider(t, admin, {
      provider: 'sendgrid',
      config: { apiKey: 'SG.defer-key', from: 'shop@example.com', baseUrl: sendgrid.baseUrl, timeoutMs: 1000 },
    })
    await defineType(t, admin, 'defer.mail', ['email'])
    sendgrid.failNext(5, { status: 503 })
    const trip = await send(t, admin, 'defer.mail', await insertUsers(t, 5))
    await until(async () => (await transientAttempts(t, trip)) === 5, 20_000, 'five transient failures')
    expect(await breakerState(t, admin, providerId)).toBe('open')

    const requestsBefore = sendgrid.requestCount()
    const [held] = await deliveriesOf(t, admin, await send(t, admin, 'defer.mail', (await insertUsers(t, 1))[0]))
    const failed = await until(
      async () => {
        const d = (await api(t, 'GET', `/v1/notifications/${held.notificationId}`, admin)).body.deliveries[0]
        return d.status === 'failed' ? d : undefined
      },
      15_000,
      'the held-back delivery failed',
    )
    expect(failed.reason).toMatch(/circuit/)
    expect(failed.attempts).toBe(0)
    expect(await deliveryJobRuns(t, held.id)).toBeLessThanOrEqual(3)
    expect(sendgrid.requestCount()).toBe(requestsBefore)
  })
})
