// The pipeline against real provider adapters talking to loopback fakes: failover, circuit
// breaker, retries honouring Retry-After, dead tokens, throughput limits, signed status webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { startFakeFcm, type FakeFcm } from '../fakes/fcm'
import { startFakeSendGrid, type FakeSendGrid } from '../fakes/sendgrid'
import { startFakeTwilio, type FakeTwilio } from '../fakes/twilio'
import { api, defineType, settled } from './helpers'

let t: TestCaravan
let admin: string
let primary: FakeSendGrid
let backup: FakeSendGrid
let fcm: FakeFcm
let twilio: FakeTwilio
const providerIds: Record<string, string> = {}

beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  // Welcome emails of the users these tests register would also go through the providers under test.
  await api(t, 'PATCH', '/v1/admin/notification-types/account.welcome', admin, { channels: ['in_app'] })
  primary = await startFakeSendGrid({ apiKey: 'SG.primary-key' })
  backup = await startFakeSendGrid({ apiKey: 'SG.backup-key' })
  fcm = await startFakeFcm()
  twilio = await startFakeTwilio({ accountSid: 'AC' + '1'.repeat(32), authToken: 'twilio-secret-token' })
  const add = async (name: string, body: Record<string, unknown>) => {
    const res = await api(t, 'POST', '/v1/admin/notification-providers', admin, body)
    if (res.status !== 201) throw new Error(`${name}: ${JSON.stringify(res.body)}`)
    providerIds[name] = res.body.id
  }
  await add('primary', {
    provider: 'sendgrid',
    priority: 1,
    config: {
      apiKey: 'SG.primary-key',
      from: 'Shop <shop@example.com>',
      baseUrl: primary.baseUrl,
      webhookPublicKey: primary.publicKey,
      timeoutMs: 1000,
    },
  })
  await add('backup', {
    provider: 'sendgrid',
    priority: 2,
    config: { apiKey: 'SG.backup-key', from: 'shop@example.com', baseUrl: backup.baseUrl, timeoutMs: 1000 },
  })
  await add('fcm', { provider: 'fcm', config: { serviceAccount: fcm.serviceAccount, baseUrl: fcm.url } })
  await add('twilio', {
    provider: 'twilio',
    config: {
      accountSid: 'AC' + '1'.repeat(32),
      authToken: 'twilio-secret-token',
      from: '+15005550006',
      baseUrl: twilio.url,
      statusCallbackUrl: `${t.url}/v1/webhooks/notifications/pending`,
    },
  })
  // The status callback names this provider's own webhook address.
  await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.twilio}`, admin, {
    config: { statusCallbackUrl: `${t.caravan.config.publicUrl}/v1/webhooks/notifications/${providerIds.twilio}` },
  })
  await defineType(t, admin, 'order.shipped', ['email', 'push', 'sms'])
})
afterAll(async () => {
  await t?.close()
  await Promise.all([primary, backup, fcm, twilio].map((f) => f?.close()))
})

const send = async (userId: string, channels: string[], data: Record<string, unknown> = {}) => {
  const res = await api(t, 'POST', '/v1/notifications', admin, {
    type: 'order.shipped',
    to: userId,
    channels,
    data: { orderId: 'S-1', ...data },
  })
  expect(res.status).toBe(202)
  return res.body.id as string
}

describe('provider settings', () => {
  it('are encrypted at rest and never returned', async () => {
    const list = await api(t, 'GET', '/v1/admin/notification-providers', admin)
    expect(JSON.stringify(list.body)).not.toContain('SG.primary-key')
    expect(list.body.items.find((p: any) => p.id === providerIds.primary).config).toMatchObject({
      apiKey: '••••••',
      baseUrl: primary.baseUrl,
    })
    const stored = await t.database.query('select sealed_config from notification_providers')
    for (const row of stored.rows) expect(row.sealed_config).not.toMatch(/SG\.|twilio-secret|PRIVATE KEY/)
    expect(list.body.available.map((p: any) => p.provider)).toEqual(
      expect.arrayContaining(['smtp', 'sendgrid', 'twilio', 'kavenegar', 'fcm', 'apns', 'webpush']),
    )
  })

  it('refuses unknown providers and bad settings', async () => {
    expect((await api(t, 'POST', '/v1/admin/notification-providers', admin, { provider: 'pigeon', config: {} })).status).toBe(400)
    const bad = await api(t, 'POST', '/v1/admin/notification-providers', admin, { provider: 'sendgrid', config: { apiKey: 'x' } })
    expect(bad.status).toBe(400)
    expect(bad.body.errors.length).toBeGreaterThan(0)
  })
})

describe('email status webhooks', () => {
  it('a signed SendGrid event moves the delivery forward; an unsigned one changes nothing', async () => {
    const user = await registerUser(t)
    const detail = await settled(t, admin, await send(user.user.id, ['email']))
    const d = detail.deliveries[0]
    const mail = [...primary.accepted, ...backup.accepted].find((m) => m.body.personalizations[0].custom_args?.delivery_id === d.id)!
    const url = `${t.url}/v1/webhooks/notifications/${d.providerId}`
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(primary.eventsFor(mail, ['delivered'])),
    })
    expect(forged.status).toBe(401)
    expect((await api(t, 'GET', `/v1/notifications/${detail.id}`, admin)).body.deliveries[0].status).toBe('sent')
    const res = await primary.postSignedEvents(url, primary.eventsFor(mail, ['delivered', 'open']))
    expect(res.status).toBe(200)
    expect((await api(t, 'GET', `/v1/notifications/${detail.id}`, admin)).body.deliveries[0].status).toBe('opened')
    // Late "delivered" never moves it back.
    await primary.postSignedEvents(url, primary.eventsFor(mail, ['delivered']))
    expect((await api(t, 'GET', `/v1/notifications/${detail.id}`, admin)).body.deliveries[0].status).toBe('opened')
    expect(
      (await fetch(`${t.url}/v1/webhooks/notifications/00000000-0000-7000-8000-000000000000`, { method: 'POST', body: '[]' })).status,
    ).toBe(404)
  })
})

describe('failover and retries', () => {
  it('sends through the next provider when the first fails, keeping every attempt', async () => {
    const user = await registerUser(t)
    primary.failNext(1, { status: 500 })
    const before = backup.accepted.length
    const detail = await settled(t, admin, await send(user.user.id, ['email']))
    const d = detail.deliveries[0]
    expect(d).toMatchObject({ status: 'sent', providerId: providerIds.backup })
    expect(d.attemptLog.map((a: any) => [a.providerId, a.outcome])).toEqual([
      [providerIds.primary, 'transient'],
      [providerIds.backup, 'sent'],
    ])
    expect(backup.accepted.length).toBe(before + 1)
    expect(backup.accepted.at(-1)!.body.personalizations[0].custom_args?.delivery_id).toBe(d.id)
  })

  it('opens the circuit after repeated failures and skips the provider', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(t)))
    primary.failNext(5, { status: 503 })
    for (const u of users.slice(0, 5)) await settled(t, admin, await send(u.user.id, ['email']))
    const primaryRequests = primary.requestCount()
    const detail = await settled(t, admin, await send(users[5].user.id, ['email']))
    expect(detail.deliveries[0].providerId).toBe(providerIds.backup)
    expect(primary.requestCount()).toBe(primaryRequests) // skipped while open
    const state = (await api(t, 'GET', '/v1/admin/notification-providers', admin)).body.items.find(
      (p: any) => p.id === providerIds.primary,
    ).state
    expect(state).toBe('open')
  })

  it('retries later, honouring Retry-After, when every provider is busy', async () => {
    await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.backup}`, admin, { enabled: false })
    await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.primary}`, admin, { priority: 1 }) // new row version: fresh breaker state is kept per id
    const user = await registerUser(t)
    // Let the primary's breaker half-open: it was opened in the previous test (30 s); use the backup instead.
    await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.backup}`, admin, { enabled: true, priority: 0 })
    backup.failNext(1, { status: 429, retryAfter: '7' })
    const id = await send(user.user.id, ['email'])
    const queued = await until(async () => {
      const d = (await api(t, 'GET', `/v1/notifications/${id}`, admin)).body.deliveries?.[0]
      return d?.status === 'queued' && d.attempts >= 1 ? d : undefined
    })
    expect(queued.reason).toMatch(/retrying in \d+ s/)
    const job = await t.database.query(
      `select start_after from pgboss.job where name = 'notify-deliver' and data->>'deliveryId' = $1 order by created_on desc limit 1`,
      [queued.id],
    )
    expect(new Date(job.rows[0].start_after).getTime() - Date.now()).toBeGreaterThan(4000)
    const done = await settled(t, admin, id, 30_000)
    expect(done.deliveries[0]).toMatchObject({ status: 'sent', attempts: 2 })
    await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.backup}`, admin, { priority: 2 })
  })
})

describe('push', () => {
  it('delivers through FCM, and a dead token fails at once and disables the device', async () => {
    const user = await registerUser(t)
    const good = (
      await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'fcm', token: 'live-token:APA91bHun4MxP5egoKMwt2KZFBaFUH' })
    ).body
    const dead = (
      await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'fcm', token: 'dead-token:APA91bHun4MxP5egoKMwt2KZFBaFUH' })
    ).body
    fcm.unregistered.add('dead-token:APA91bHun4MxP5egoKMwt2KZFBaFUH')
    const detail = await settled(t, admin, await send(user.user.id, ['push']))
    const byTarget = Object.fromEntries(detail.deliveries.map((d: any) => [d.target, d]))
    expect(byTarget[good.id], JSON.stringify(byTarget[good.id])).toMatchObject({ status: 'sent', attempts: 1 })
    expect(byTarget[dead.id]).toMatchObject({ status: 'failed', attempts: 1 })
    expect(byTarget[dead.id].attemptLog[0].outcome).toBe('invalid_recipient')
    const devices = (await api(t, 'GET', '/v1/me/devices', user.accessToken)).body.items
    expect(devices.find((d: any) => d.id === dead.id).disabled).toBe(true)
    expect(fcm.messages.at(-1)!.message.token).toBe('live-token:APA91bHun4MxP5egoKMwt2KZFBaFUH')
    // The next notification skips the disabled device.
    const next = await settled(t, admin, await send(user.user.id, ['push']))
    expect(next.deliveries.map((d: any) => d.target)).toEqual([good.id])
  })
})

describe('SMS with status callbacks', () => {
  it('sends through Twilio, counts Persian segments, and a signed callback marks it delivered', async () => {
    const user = await registerUser(t, { locale: 'fa' })
    await api(t, 'PATCH', '/v1/me', user.accessToken, { phone: '+989121112233' })
    const detail = await settled(t, admin, await send(user.user.id, ['sms']))
    const d = detail.deliveries[0]
    expect(d).toMatchObject({ status: 'sent', providerId: providerIds.twilio })
    expect(d.meta.sms).toMatchObject({ encoding: 'UCS-2', segments: 1 })
    const message = twilio.messages.at(-1)!
    expect(message.body).toBe('سفارش S-1')
    expect((await twilio.sendStatusCallback(message.sid, 'delivered')).status).toBe(200)
    const after = (await api(t, 'GET', `/v1/notifications/${detail.id}`, admin)).body.deliveries[0]
    expect(after.status).toBe('delivered')
  })
})

describe('throughput limits', () => {
  it('throttle the queue, never drop: every message goes out, no more than N a second', async () => {
    await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.fcm}`, admin, { maxPerSecond: 2 })
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(t)))
    for (const [i, u] of users.entries())
      await api(t, 'POST', '/v1/me/devices', u.accessToken, { kind: 'fcm', token: `throttle-token-${i}:APA91bHun4MxP5egoKMwt2K` })
    const before = fcm.messages.length
    const started = Date.now()
    const res = await api(t, 'POST', '/v1/notifications', admin, {
      type: 'order.shipped',
      to: users.map((u) => u.user.id),
      channels: ['push'],
      data: { orderId: 'T' },
    })
    const detail = await settled(t, admin, res.body.id, 40_000)
    expect(detail.deliveries.map((d: any) => d.status + ' ' + (d.reason ?? ''))).toEqual(Array(6).fill('sent '))
    expect(fcm.messages.length - before).toBe(6)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000) // 6 at 2/s needs at least three seconds' windows
    await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.fcm}`, admin, { maxPerSecond: null })
  })
})
