// The pipeline against real provider adapters talking to loopback fakes: failover, circuit
// breaker, retries honouring Retry-After, dead tokens, throughput limits, signed status webhooks.
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { startFakeFcm, type FakeFcm } from '../fakes/fcm'
import { startFakeSendGrid, type FakeSendGrid } from '../fakes/sendgrid'
import { startFakeTwilio, type FakeTwilio } from '../fakes/twilio'
import { api, defineType, HOLDS_DELIVERY, settled } from './helpers'

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

  it('two edits at once of different fields keep both', async () => {
    const created = await api(t, 'POST', '/v1/admin/notification-providers', admin, {
      provider: 'smtp',
      enabled: false,
      config: { host: 'smtp.example.com', port: 2525, from: 'Shop <shop@example.com>' },
    })
    expect(created.status).toBe(201)
    onTestFinished(async () => {
      await api(t, 'DELETE', `/v1/admin/notification-providers/${created.body.id}`, admin)
    })
    const edit = (config: Record<string, unknown>) =>
      api(t, 'PATCH', `/v1/admin/notification-providers/${created.body.id}`, admin, { config })
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([edit({ from: `Shop ${round} <shop@example.com>` }), edit({ timeoutMs: 1000 + round })])
      expect(answers.map((a) => a.status)).toEqual([200, 200])
      const list = await api(t, 'GET', '/v1/admin/notification-providers', admin)
      expect(list.body.items.find((p: { id: string }) => p.id === created.body.id).config).toMatchObject({
        from: `Shop ${round} <shop@example.com>`,
        timeoutMs: 1000 + round,
      })
    }
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
    try {
      backup.failNext(1, { status: 429, retryAfter: '7' })
      const id = await send(user.user.id, ['email'])
      const queued = await until(async () => {
        const d = (await api(t, 'GET', `/v1/notifications/${id}`, admin)).body.deliveries?.[0]
        return d?.status === 'queued' && d.attempts >= 1 ? d : undefined
      })
      expect(queued.reason).toMatch(/retrying in \d+ s/)
      const job = await t.database.query(`select start_after from pgboss.job where ${HOLDS_DELIVERY} order by created_on desc limit 1`, [
        queued.id,
      ])
      expect(new Date(job.rows[0].start_after).getTime() - Date.now()).toBeGreaterThan(4000)
      const done = await settled(t, admin, id, 30_000)
      expect(done.deliveries[0]).toMatchObject({ status: 'sent', attempts: 2 })
    } finally {
      await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.backup}`, admin, { enabled: true, priority: 2 })
    }
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

describe('push whose outcome is unknown', () => {
  it('is sent again after a crash, with the same collapse key, so the repeat replaces the first', async () => {
    const user = await registerUser(t)
    await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'fcm', token: 'doubt-token:APA91bHun4MxP5egoKMwt2KZFBaFUH' })
    const first = await settled(t, admin, await send(user.user.id, ['push']))
    const delivery = first.deliveries[0]
    expect(delivery.status).toBe('sent')
    // As a worker killed during the provider call leaves it: marked sending, the job run again.
    await t.database.query(`update deliveries set status = 'sending' where id = $1`, [delivery.id])
    await t.caravan.services.notifications.pipeline.deliver({ deliveryId: delivery.id })
    const { rows } = await t.database.query(`select status from deliveries where id = $1`, [delivery.id])
    expect(rows[0].status).toBe('sent')
    const outcomes = await t.database.query(`select outcome from delivery_attempts where delivery_id = $1 order by created_at`, [
      delivery.id,
    ])
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(['sent', 'in_doubt', 'sent'])
    const sends = fcm.messages.filter((m) => m.message.token === 'doubt-token:APA91bHun4MxP5egoKMwt2KZFBaFUH')
    expect(sends.map((m) => m.message.android)).toEqual([{ collapse_key: delivery.id }, { collapse_key: delivery.id }])
  })
})

describe('e-mail and SMS whose outcome is unknown', () => {
  /** As a worker killed during the provider call leaves a delivery: marked sending, its job run again. */
  async function crashAndRerun(deliveryId: string) {
    await t.database.query(`update deliveries set status = 'sending' where id = $1`, [deliveryId])
    await t.caravan.services.notifications.pipeline.deliver({ deliveryId })
    const { rows } = await t.database.query(`select status, reason from deliveries where id = $1`, [deliveryId])
    const attempts = await t.database.query(`select outcome from delivery_attempts where delivery_id = $1 order by created_at`, [
      deliveryId,
    ])
    return { ...rows[0], outcomes: attempts.rows.map((r) => r.outcome) }
  }
  // Earlier tests may leave the primary's circuit open: its backup then takes the mail.
  const mailsOf = (deliveryId: string) =>
    [...primary.accepted, ...backup.accepted].filter((m) => m.body.personalizations[0].custom_args?.delivery_id === deliveryId)
  const smsTo = (phone: string) => twilio.messages.filter((m) => m.to === phone)
  const setGuarantees = async (guarantees: Record<string, string>) => {
    const res = await api(t, 'PATCH', '/v1/admin/notification-types/order.shipped', admin, { guarantees })
    expect(res.status).toBe(200)
    return res.body
  }

  it('by default, an e-mail is sent again with the same Message-ID and an SMS is recorded failed', async () => {
    const user = await registerUser(t)
    const phone = '+989121119001'
    await api(t, 'PATCH', '/v1/me', user.accessToken, { phone })
    const type = await api(t, 'GET', '/v1/admin/notification-types/order.shipped', admin)
    expect(type.body.type.guarantees).toEqual({ email: 'at_least_once', sms: 'at_most_once' })
    const detail = await settled(t, admin, await send(user.user.id, ['email', 'sms']))
    const email = detail.deliveries.find((d: any) => d.channel === 'email')
    const sms = detail.deliveries.find((d: any) => d.channel === 'sms')

    expect(await crashAndRerun(email.id)).toMatchObject({ status: 'sent', outcomes: ['sent', 'in_doubt', 'sent'] })
    const messageId = `<${email.id}@${new URL(t.caravan.config.publicUrl).hostname}>`
    expect(mailsOf(email.id).map((m) => m.body.headers?.['Message-ID'])).toEqual([messageId, messageId])

    expect(await crashAndRerun(sms.id)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^outcome unknown/),
      outcomes: ['sent', 'in_doubt'],
    })
    expect(smsTo(phone)).toHaveLength(1)
  })

  it('each type chooses: e-mail at most once, SMS at least once', async () => {
    onTestFinished(() => setGuarantees({ email: 'at_least_once', sms: 'at_most_once' }))
    const updated = await setGuarantees({ email: 'at_most_once', sms: 'at_least_once' })
    expect(updated.guarantees).toEqual({ email: 'at_most_once', sms: 'at_least_once' })
    const user = await registerUser(t)
    const phone = '+989121119002'
    await api(t, 'PATCH', '/v1/me', user.accessToken, { phone })
    const detail = await settled(t, admin, await send(user.user.id, ['email', 'sms']))
    const email = detail.deliveries.find((d: any) => d.channel === 'email')
    const sms = detail.deliveries.find((d: any) => d.channel === 'sms')

    expect(await crashAndRerun(email.id)).toMatchObject({ status: 'failed', outcomes: ['sent', 'in_doubt'] })
    expect(mailsOf(email.id)).toHaveLength(1)
    expect(await crashAndRerun(sms.id)).toMatchObject({ status: 'sent', outcomes: ['sent', 'in_doubt', 'sent'] })
    expect(smsTo(phone)).toHaveLength(2)
  })

  it('refuses guarantees it does not know, and changes nothing', async () => {
    for (const guarantees of [{ email: 'sometimes' }, {}, { push: 'at_least_once' }, 'at_least_once', { sms: null }]) {
      const res = await api(t, 'PATCH', '/v1/admin/notification-types/order.shipped', admin, { guarantees })
      expect(res.status, JSON.stringify(guarantees)).toBe(400)
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    }
    const created = await api(t, 'POST', '/v1/admin/notification-types', admin, {
      key: 'guarantee.bad',
      name: 'x',
      category: 'transactional',
      channels: ['email'],
      guarantees: { email: 'twice' },
    })
    expect(created.status).toBe(400)
    const type = await api(t, 'GET', '/v1/admin/notification-types/order.shipped', admin)
    expect(type.body.type.guarantees).toEqual({ email: 'at_least_once', sms: 'at_most_once' })
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
    onTestFinished(async () => {
      await api(t, 'PATCH', `/v1/admin/notification-providers/${providerIds.fcm}`, admin, { maxPerSecond: null })
    })
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
    // The limit counts per wall-clock second, so 6 at 2/s take three distinct seconds: the last
    // goes out no earlier than the start of the second two after the one the test began in.
    expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 + 2000)
  })
})

describe('credentials check (POST /v1/admin/notification-providers/:id/test)', () => {
  const check = (id: string, token = admin) => api(t, 'POST', `/v1/admin/notification-providers/${id}/test`, token)

  it('answers ok for working SendGrid, FCM and Twilio credentials, without delivering anything', async () => {
    // A SendGrid of its own: the shared fakes may still hold failures queued by other tests.
    const sendgrid = await startFakeSendGrid({ apiKey: 'SG.check-key-0123' })
    const added = await api(t, 'POST', '/v1/admin/notification-providers', admin, {
      provider: 'sendgrid',
      enabled: false,
      config: { apiKey: 'SG.check-key-0123', from: 'shop@example.com', baseUrl: sendgrid.baseUrl },
    })
    try {
      const delivered = { fcm: fcm.messages.length, twilio: twilio.messages.length }
      for (const id of [added.body.id, providerIds.fcm, providerIds.twilio]) {
        const res = await check(id)
        expect(res.status, id).toBe(200)
        expect(res.body, id).toEqual({ ok: true, detail: expect.any(String) })
      }
      expect(sendgrid.accepted).toHaveLength(0)
      expect({ fcm: fcm.messages.length, twilio: twilio.messages.length }).toEqual(delivered)
    } finally {
      await api(t, 'DELETE', `/v1/admin/notification-providers/${added.body.id}`, admin)
      await sendgrid.close()
    }
  })

  it('answers ok: false with what the service said, never the secret, for credentials it refuses', async () => {
    const sendgrid = await startFakeSendGrid({ apiKey: 'SG.current-key-0123' })
    const res = await api(t, 'POST', '/v1/admin/notification-providers', admin, {
      provider: 'sendgrid',
      enabled: false,
      config: { apiKey: 'SG.revoked-key-0123456789', from: 'shop@example.com', baseUrl: sendgrid.baseUrl },
    })
    expect(res.status).toBe(201)
    try {
      const result = await check(res.body.id)
      expect(result.status).toBe(200)
      expect(result.body.ok).toBe(false)
      expect(result.body.detail).toMatch(/^SendGrid refused the API key \(401: The provided authorization grant is invalid/)
      expect(JSON.stringify(result.body)).not.toContain('revoked-key')
    } finally {
      await api(t, 'DELETE', `/v1/admin/notification-providers/${res.body.id}`, admin)
      await sendgrid.close()
    }
  })

  it('is for admins only, and 404 for an unknown provider', async () => {
    const customer = await registerUser(t)
    expect((await check(providerIds.primary, customer.accessToken)).status).toBe(403)
    const unknown = await check('00000000-0000-7000-8000-000000000000')
    expect(unknown.status).toBe(404)
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

describe('changing where a provider connects requires its secrets again', () => {
  it('SendGrid baseUrl: 422 without the API key (nothing changes, the old host keeps sending); with it, the new host gets the new key only', async () => {
    const old = await startFakeSendGrid({ apiKey: 'SG.old-host-key' })
    const moved = await startFakeSendGrid({ apiKey: 'SG.new-host-key' })
    const created = await api(t, 'POST', '/v1/admin/notification-providers', admin, {
      provider: 'sendgrid',
      priority: 0,
      config: { apiKey: 'SG.old-host-key', from: 'shop@example.com', baseUrl: old.baseUrl, timeoutMs: 1000 },
    })
    expect(created.status).toBe(201)
    const id = created.body.id as string
    const url = `/v1/admin/notification-providers/${id}`
    const stored = async () => (await api(t, 'GET', '/v1/admin/notification-providers', admin)).body.items.find((p: any) => p.id === id)
    const sendEmail = async () => {
      const user = await registerUser(t)
      const detail = await settled(t, admin, await send(user.user.id, ['email']))
      expect(detail.deliveries[0]).toMatchObject({ status: 'sent', providerId: id })
    }
    try {
      await sendEmail()
      expect(old.accepted).toHaveLength(1)
      const before = await stored()

      for (const config of [{ baseUrl: moved.baseUrl }, { baseUrl: moved.baseUrl, apiKey: '••••••' }]) {
        const refused = await api(t, 'PATCH', url, admin, { priority: 5, config })
        expect(refused.status, JSON.stringify(config)).toBe(422)
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(refused.body.detail).toBe('Changing baseUrl requires apiKey again')
        expect(refused.body.errors).toEqual([{ field: 'body.config.apiKey', message: 'must be given again when baseUrl changes' }])
      }
      expect(await stored()).toEqual(before) // neither the config nor the priority changed
      await sendEmail()
      expect(old.accepted).toHaveLength(2)
      expect(moved.requestCount()).toBe(0)

      const accepted = await api(t, 'PATCH', url, admin, { config: { baseUrl: moved.baseUrl, apiKey: 'SG.new-host-key' } })
      expect(accepted.status).toBe(200)
      expect(accepted.body.config).toMatchObject({ baseUrl: moved.baseUrl, apiKey: '••••••' })
      await sendEmail()
      expect(moved.accepted).toHaveLength(1)
      expect(moved.keysSeen).toEqual(['SG.new-host-key'])
      expect(old.keysSeen).not.toContain('SG.new-host-key')
      expect(old.accepted).toHaveLength(2)
    } finally {
      await api(t, 'DELETE', url, admin)
      await Promise.all([old.close(), moved.close()])
    }
  })

  it('applies to each provider’s connection fields, and only to secrets that are stored', async () => {
    const add = async (body: Record<string, unknown>) => {
      const res = await api(t, 'POST', '/v1/admin/notification-providers', admin, { enabled: false, ...body })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return `/v1/admin/notification-providers/${res.body.id}`
    }
    const smtp = await add({
      provider: 'smtp',
      config: { host: 'mail.example.com', port: 587, user: 'mailer', pass: 'smtp-pass-1', from: 'a@example.com' },
    })
    const openRelay = await add({ provider: 'smtp', config: { host: 'relay.example.com', port: 25, from: 'a@example.com' } })
    const apnsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const apnsUrl = await add({
      provider: 'apns',
      config: { teamId: 'TEAM123456', keyId: 'KEY7654321', privateKey: apnsKey, bundleId: 'app.x', production: false },
    })
    try {
      const patch = (url: string, config: Record<string, unknown>) => api(t, 'PATCH', url, admin, { config })
      for (const config of [{ host: 'evil.example.com' }, { port: 2525 }, { secure: true }]) {
        const res = await patch(smtp, config)
        expect(res.status, JSON.stringify(config)).toBe(422)
        expect(res.body.errors).toEqual([{ field: 'body.config.pass', message: expect.stringMatching(/must be given again/) }])
      }
      expect((await patch(smtp, { from: 'b@example.com', port: 587, secure: false })).status).toBe(200) // nothing moved
      expect((await patch(smtp, { host: 'mail2.example.com', pass: 'smtp-pass-1' })).status).toBe(200)
      expect((await patch(openRelay, { host: 'relay2.example.com' })).status).toBe(200) // no stored secret to protect
      const flipped = await patch(apnsUrl, { production: true })
      expect(flipped.status).toBe(422)
      expect(flipped.body.errors).toEqual([{ field: 'body.config.privateKey', message: 'must be given again when production changes' }])
      expect((await patch(apnsUrl, { production: true, privateKey: apnsKey })).status).toBe(200)
    } finally {
      for (const url of [smtp, openRelay, apnsUrl]) await api(t, 'DELETE', url, admin)
    }
  })
})
