import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { topicsRepo } from '../../src/modules/notifications/repo'
import { api, defineType, HOLDS_DELIVERY, insertUsers, settled } from './helpers'

let t: TestCaravan
let admin: string
let apiKey: string
let initialSettings: { rateLimits: unknown; contentRules: unknown }
beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  apiKey = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'shop', scopes: ['notifications:send'] })).body.key
  await defineType(t, admin, 'order.paid', ['in_app', 'email', 'sms', 'push'])
  initialSettings = (await api(t, 'GET', '/v1/admin/notification-settings', admin)).body
})
// Rate limits and content rules are file-wide: whatever a test set, the next one starts without it.
afterEach(async () => {
  const restored = await api(t, 'PUT', '/v1/admin/notification-settings', admin, initialSettings)
  if (restored.status !== 200) throw new Error(`settings not restored: ${restored.status} ${JSON.stringify(restored.body)}`)
})
afterAll(async () => {
  await t?.close()
})

const send = (body: unknown, token = apiKey) => api(t, 'POST', '/v1/notifications', token, body)

/** A type with the given templates: { channel: { locale: content } }. */
async function createType(key: string, channels: string[], templates: Record<string, Record<string, Record<string, string>>>) {
  expect(
    (await api(t, 'POST', '/v1/admin/notification-types', admin, { key, name: key, category: 'transactional', channels })).status,
  ).toBe(201)
  for (const [channel, byLocale] of Object.entries(templates))
    for (const [locale, content] of Object.entries(byLocale))
      expect((await api(t, 'PUT', `/v1/admin/notification-types/${key}/templates/${channel}/${locale}`, admin, { content })).status).toBe(
        201,
      )
}

describe('first run', () => {
  it('a new user gets the welcome notification in the inbox and in the dev outbox', async () => {
    const user = await registerUser(t, { locale: 'fa', name: 'مینا' })
    const inbox = await until(async () =>
      (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.length
        ? (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body
        : undefined,
    )
    expect(inbox.items[0]).toMatchObject({ type: 'account.welcome', title: expect.stringContaining('خوش آمدید'), read: false })
    const outbox = await until(async () =>
      (await api(t, 'GET', '/v1/dev/outbox?channel=email', admin)).body.items.find((m: any) => m.recipient === user.user.email),
    )
    expect(outbox.payload.subject).toContain('خوش آمدید')
    expect(outbox.payload.html).toContain('dir="rtl"')
  })
})

describe('sending', () => {
  it('accepts with 202, fans out one delivery per channel and device, and records the template version', async () => {
    const user = await registerUser(t)
    await api(t, 'PATCH', '/v1/me', user.accessToken, { phone: '+989121234567' })
    await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'fcm', token: 'device-a' })
    await api(t, 'POST', '/v1/me/devices', user.accessToken, { kind: 'fcm', token: 'device-b' })
    const res = await send({ type: 'order.paid', to: user.user.id, data: { orderId: 'A-1' } })
    expect(res.status).toBe(202)
    const detail = await settled(t, apiKey, res.body.id)
    const byChannel = (c: string) => detail.deliveries.filter((d: any) => d.channel === c)
    expect(byChannel('push')).toHaveLength(2)
    expect(byChannel('in_app')[0]).toMatchObject({ status: 'delivered', templateVersion: 1 })
    expect(byChannel('email')[0]).toMatchObject({ status: 'delivered', providerId: 'dev-outbox' })
    expect(byChannel('sms')[0].meta.sms).toMatchObject({ encoding: 'GSM-7', segments: 1 })
    expect(detail.deliveries.every((d: any) => d.attemptLog.length === (d.channel === 'in_app' ? 0 : 1))).toBe(true)
  })

  it('never sends twice for one idempotencyKey', async () => {
    const user = await registerUser(t)
    const body = { type: 'order.paid', to: [user.user.id], channels: ['in_app'], data: { orderId: 'dup' }, idempotencyKey: 'order-dup-1' }
    const [a, b] = await Promise.all([send(body), send(body)])
    expect(a.body.id).toBe(b.body.id)
    expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true])
    await settled(t, apiKey, a.body.id)
    const again = await send(body)
    expect(again.body).toEqual({ id: a.body.id, duplicate: true })
    const items = (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.filter((i: any) => i.type === 'order.paid')
    expect(items).toHaveLength(1)
  })

  it('accepts a burst of triggers together, each answered on its own: an unknown user refused alone, one key stored once', async () => {
    const user = await registerUser(t)
    const bodies = Array.from({ length: 30 }, (_, i) => ({
      type: 'order.paid',
      to: user.user.id,
      channels: ['in_app'],
      data: { orderId: `burst-${i}` },
      ...(i % 10 === 0 ? { idempotencyKey: 'burst-same' } : {}),
    }))
    const stranger = { type: 'order.paid', to: '00000000-0000-7000-8000-000000000000', channels: ['in_app'] }
    const answers = await Promise.all([...bodies.map((body) => send(body)), send(stranger)])
    expect(answers.at(-1)!.status).toBe(422)
    const accepted = answers.slice(0, -1)
    expect(accepted.map((a) => a.status)).toEqual(bodies.map(() => 202))
    // Three bodies share one key: the first stored is the answer of all three.
    const ids = new Set(accepted.map((a) => a.body.id))
    expect(ids.size).toBe(28)
    expect(accepted.filter((a) => a.body.duplicate)).toHaveLength(2)
    for (const id of ids) expect((await settled(t, apiKey, id)).status).toBe('fanned_out')
    const items = (await api(t, 'GET', '/v1/me/notifications?limit=100', user.accessToken)).body.items
    expect(items.filter((i: any) => i.type === 'order.paid')).toHaveLength(28)
  })

  it('refuses bad requests without writing anything', async () => {
    const user = await registerUser(t)
    const count = async () =>
      Number((await t.database.query(`select count(*)::int as n from notifications where type_key <> 'account.welcome'`)).rows[0].n)
    const before = await count()
    expect((await send({ type: 'no.such', to: user.user.id })).status).toBe(404)
    expect((await send({ type: 'order.paid', to: '00000000-0000-7000-8000-000000000000' })).status).toBe(422)
    expect((await send({ type: 'order.paid', to: user.user.id, channels: ['fax'] })).status).toBe(400)
    expect((await send({ type: 'order.paid', to: Array.from({ length: 10_001 }, () => user.user.id) })).status).toBe(400)
    expect((await send({ type: 'order.paid', to: { topic: 'nobody-follows' } })).status).toBe(422)
    expect((await send({ type: 'order.paid', to: user.user.id, sendAt: 'tomorrow' })).status).toBe(400)
    expect((await send({ type: 'order.paid', to: user.user.id }, user.accessToken)).status).toBe(403)
    expect(await count()).toBe(before)
  })

  it("fans out to a topic's subscribers", async () => {
    const a = await registerUser(t)
    const b = await registerUser(t)
    expect((await api(t, 'POST', '/v1/topics', apiKey, { key: 'order-42', name: 'Order 42', visibility: 'public' })).status).toBe(201)
    expect((await api(t, 'POST', '/v1/topics/order-42/subscribers', apiKey, { users: [a.user.id] })).status).toBe(204)
    expect((await api(t, 'PUT', '/v1/me/topics/order-42', b.accessToken)).status).toBe(204)
    const res = await send({ type: 'order.paid', to: { topic: 'order-42' }, channels: ['in_app'], data: { orderId: '42' } })
    const detail = await settled(t, apiKey, res.body.id)
    expect(detail.deliveries.map((d: any) => d.userId).sort()).toEqual([a.user.id, b.user.id].sort())
  })

  it('sends a big notification in bundles of 25 deliveries a job, each delivery still its own', async () => {
    const users = await insertUsers(t, 60)
    const res = await send({ type: 'order.paid', to: users, channels: ['email'], data: { orderId: 'bundle' } })
    const detail = await settled(t, apiKey, res.body.id)
    expect(detail.deliveries).toHaveLength(60)
    expect(new Set(detail.deliveries.map((d: any) => d.status))).toEqual(new Set(['delivered']))
    const ids = detail.deliveries.map((d: any) => d.id)
    const { rows } = await t.database.query(
      `select data->'deliveryIds' as ids from pgboss.job
        where name = 'notify-deliver' and data->'deliveryIds' ?| $1::text[] order by jsonb_array_length(data->'deliveryIds') desc`,
      [ids],
    )
    expect(rows.map((r: { ids: string[] }) => r.ids.length)).toEqual([25, 25, 10])
    // Every delivery in exactly one bundle.
    expect(rows.flatMap((r: { ids: string[] }) => r.ids).sort()).toEqual([...ids].sort())
  })

  it("fans a topic out one chunk of 500 subscribers at a time, never reading more (a big topic's memory is one chunk)", async () => {
    const users = await insertUsers(t, 1_201)
    expect((await api(t, 'POST', '/v1/topics', apiKey, { key: 'big-topic', name: 'Big topic' })).status).toBe(201)
    await t.database.query(
      `insert into notification_topic_subscriptions (topic_id, user_id)
       select (select id from notification_topics where key = 'big-topic'), unnest($1::uuid[])`,
      [users],
    )
    const reads = vi.spyOn(topicsRepo, 'subscriberIds')
    try {
      const res = await send({ type: 'order.paid', to: { topic: 'big-topic' }, channels: ['in_app'], data: { orderId: 'big' } })
      const detail = await settled(t, apiKey, res.body.id, 60_000)
      expect(detail.recipientCount).toBe(1_201)
      const made = await t.database.query(
        `select count(*)::int as n, count(distinct user_id)::int as users from deliveries where notification_id = $1`,
        [res.body.id],
      )
      expect(made.rows[0]).toEqual({ n: 1_201, users: 1_201 })
      // Three chunks, each reading after the last user of the one before: 500, 500, 201.
      const calls = reads.mock.calls.filter(([, key]) => key === 'big-topic')
      expect(calls.map(([, , , limit]) => limit)).toEqual([500, 500, 500])
      expect(calls[0][2]).toBeUndefined()
      const answers = await Promise.all(reads.mock.results.filter((_, i) => reads.mock.calls[i][1] === 'big-topic').map((r) => r.value))
      expect(answers.map((ids: string[]) => ids.length)).toEqual([500, 500, 201])
      expect(calls[1][2]).toBe(answers[0].at(-1))
    } finally {
      reads.mockRestore()
    }
  })

  it('sendAt delays the fan-out', async () => {
    const user = await registerUser(t)
    const sendAt = new Date(Date.now() + 2_000)
    const res = await send({
      type: 'order.paid',
      to: user.user.id,
      channels: ['in_app'],
      sendAt: sendAt.toISOString(),
      data: { orderId: 'later' },
    })
    // The fan-out job cannot start before sendAt, and the deliveries are written by it: no clock race decides this.
    const job = await t.database.query(`select start_after from pgboss.job where name = 'notify-fanout' and data->>'notificationId' = $1`, [
      res.body.id,
    ])
    expect(new Date(job.rows[0].start_after).getTime()).toBe(sendAt.getTime())
    const detail = await settled(t, apiKey, res.body.id)
    expect(detail.deliveries[0].status).toBe('delivered')
    expect(new Date(detail.deliveries[0].createdAt).getTime()).toBeGreaterThanOrEqual(sendAt.getTime())
  })

  it('honours the Idempotency-Key header: a retry replays the first answer and sends nothing new', async () => {
    const user = await registerUser(t)
    const body = { type: 'order.paid', to: user.user.id, channels: ['in_app'], data: { orderId: 'hdr' } }
    const key = { 'idempotency-key': `order-hdr-${user.user.id}` }
    const first = await api(t, 'POST', '/v1/notifications', apiKey, body, key)
    expect(first.status).toBe(202)
    expect(first.body).toMatchObject({ duplicate: false })
    const retry = await api(t, 'POST', '/v1/notifications', apiKey, body, key)
    expect(retry.status).toBe(202)
    expect(retry.body).toEqual(first.body)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    const other = await api(t, 'POST', '/v1/notifications', apiKey, { ...body, data: { orderId: 'changed' } }, key)
    expect(other.status).toBe(422)
    expect(other.body.type).toMatch(/idempotency_mismatch$/)
    await settled(t, apiKey, first.body.id)
    const sent = await t.database.query(
      `select count(*)::int as n from notifications where audience->'userIds' ? $1 and type_key = 'order.paid'`,
      [user.user.id],
    )
    expect(sent.rows[0].n).toBe(1)
    const items = (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.filter((i: any) => i.type === 'order.paid')
    expect(items).toHaveLength(1)
  })
})

describe('preferences, quiet hours, consent, limits and filters', () => {
  it("suppresses by the user's switches with the reason; critical types ignore them", async () => {
    const user = await registerUser(t)
    const prefs = await api(t, 'PUT', '/v1/me/notification-preferences', user.accessToken, {
      channels: { in_app: true, email: true, sms: false, push: true },
      categories: { transactional: { email: false } },
      quietHours: null,
    })
    expect(prefs.status).toBe(200)
    const res = await send({ type: 'order.paid', to: user.user.id, channels: ['email', 'sms'], data: { orderId: 'p' } })
    const detail = await settled(t, apiKey, res.body.id)
    expect(detail.deliveries.find((d: any) => d.channel === 'email')).toMatchObject({
      status: 'suppressed',
      reason: expect.stringContaining('opted out of transactional'),
    })
    expect(detail.deliveries.find((d: any) => d.channel === 'sms')).toMatchObject({ status: 'suppressed', reason: 'user turned sms off' })
    await api(t, 'POST', '/v1/admin/notification-types', admin, {
      key: 'security.alert',
      name: 'Alert',
      category: 'security',
      critical: true,
      channels: ['email'],
    })
    for (const locale of ['en', 'fa'])
      await api(t, 'PUT', `/v1/admin/notification-types/security.alert/templates/email/${locale}`, admin, {
        content: { subject: 's', html: '<p>x</p>', text: 'x' },
      })
    await api(t, 'PUT', '/v1/me/notification-preferences', user.accessToken, {
      channels: { in_app: false, email: false, sms: false, push: false },
      categories: {},
      quietHours: null,
    })
    const critical = await settled(t, apiKey, (await send({ type: 'security.alert', to: user.user.id })).body.id)
    expect(critical.deliveries[0].status).toBe('delivered')
  })

  it("holds non-critical push and SMS until quiet hours end in the user's time zone", async () => {
    const user = await registerUser(t)
    await api(t, 'PATCH', '/v1/me', user.accessToken, { timezone: 'Asia/Tehran', phone: '+989121234568' })
    // Quiet from one minute ago to one hour from now, Tehran time (UTC+3:30).
    const tehran = (offsetMin: number) => new Date(Date.now() + (210 + offsetMin) * 60_000).toISOString().slice(11, 16)
    await api(t, 'PUT', '/v1/me/notification-preferences', user.accessToken, {
      channels: { in_app: true, email: true, sms: true, push: true },
      categories: {},
      quietHours: { start: tehran(-1), end: tehran(60) },
    })
    const res = await send({ type: 'order.paid', to: user.user.id, channels: ['sms', 'in_app'], data: { orderId: 'q' } })
    const detail = await until(async () => {
      const b = (await api(t, 'GET', `/v1/notifications/${res.body.id}`, apiKey)).body
      return b.deliveries.length === 2 && b.deliveries.find((d: any) => d.channel === 'in_app').status === 'delivered' ? b : undefined
    })
    expect(detail.deliveries.find((d: any) => d.channel === 'sms')).toMatchObject({
      status: 'pending',
      reason: expect.stringContaining('quiet hours until'),
    })
    const job = await t.database.query(`select start_after from pgboss.job where ${HOLDS_DELIVERY}`, [
      detail.deliveries.find((d: any) => d.channel === 'sms').id,
    ])
    expect(new Date(job.rows[0].start_after).getTime()).toBeGreaterThan(Date.now() + 55 * 60_000)
  })

  it('refuses bad preferences', async () => {
    const user = await registerUser(t)
    for (const bad of [
      { channels: { in_app: true } },
      { channels: { in_app: true, email: true, sms: true, push: true }, categories: {}, quietHours: { start: '25:00', end: '08:00' } },
      { channels: { in_app: 'yes', email: true, sms: true, push: true }, categories: {}, quietHours: null },
    ]) {
      expect((await api(t, 'PUT', '/v1/me/notification-preferences', user.accessToken, bad)).status).toBe(400)
    }
  })

  it('suppresses a channel with no address or device (consent)', async () => {
    const user = await registerUser(t)
    const detail = await settled(
      t,
      apiKey,
      (await send({ type: 'order.paid', to: user.user.id, channels: ['sms', 'push'], data: { orderId: 'c' } })).body.id,
    )
    expect(detail.deliveries.map((d: any) => d.reason).sort()).toEqual(['no phone number', 'no push device'])
  })

  it('applies per-user rate limits by category and channel', async () => {
    const user = await registerUser(t)
    await api(t, 'POST', '/v1/admin/notification-types', admin, {
      key: 'receipt.issued',
      name: 'Receipt',
      category: 'payments',
      channels: ['in_app'],
    })
    for (const locale of ['en', 'fa'])
      await api(t, 'PUT', `/v1/admin/notification-types/receipt.issued/templates/in_app/${locale}`, admin, {
        content: { title: 'Receipt', body: '{{ n }}' },
      })
    expect(
      (await api(t, 'PUT', '/v1/admin/notification-settings', admin, { rateLimits: { '*': { in_app: 1000 }, payments: { in_app: 2 } } }))
        .status,
    ).toBe(200)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await send({ type: 'receipt.issued', to: user.user.id, data: { n: i } })).body.id)
    const statuses = []
    for (const id of ids) statuses.push((await settled(t, apiKey, id)).deliveries[0])
    // The three fan-outs may run in any order; exactly one goes over the limit.
    expect(statuses.map((d) => d.status).sort()).toEqual(['delivered', 'delivered', 'suppressed'])
    expect(statuses.find((d) => d.status === 'suppressed').reason).toMatch(/rate limit: 2 payments in_app/)
  })

  it('filters content with Persian normalization', async () => {
    const user = await registerUser(t)
    await api(t, 'PUT', '/v1/admin/notification-settings', admin, { contentRules: { blockedWords: ['کلاهبرداری'], links: 'allow' } })
    // Arabic kaf and a zero-width non-joiner: still the blocked word.
    const detail = await settled(
      t,
      apiKey,
      (await send({ type: 'order.paid', to: user.user.id, channels: ['in_app'], data: { orderId: 'كلاه‌برداری' } })).body.id,
    )
    expect(detail.deliveries[0]).toMatchObject({ status: 'suppressed', reason: expect.stringContaining('content filter') })
  })
})

describe('formats', () => {
  it('IRR reads in toman by default and in rial when the setting says so, in previews and in delivered messages', async () => {
    await defineType(t, admin, 'wallet.topup', ['in_app'])
    const save = await api(t, 'PUT', '/v1/admin/notification-types/wallet.topup/templates/in_app/fa', admin, {
      content: { title: 'شارژ', body: '{{ amount | money: "IRR" }}' },
    })
    expect(save.status).toBe(201)
    const preview = async () =>
      (
        await api(t, 'POST', '/v1/admin/notification-types/wallet.topup/preview', admin, {
          channel: 'in_app',
          locale: 'fa',
          data: { amount: 990000 },
        })
      ).body.rendered.body
    expect(await preview()).toBe('۹۹٬۰۰۰ تومان')
    expect((await api(t, 'GET', '/v1/admin/notification-settings', admin)).body.formats).toEqual({ irr: 'toman' })

    const changed = await api(t, 'PUT', '/v1/admin/notification-settings', admin, { formats: { irr: 'rial' } })
    expect(changed.body.formats).toEqual({ irr: 'rial' })
    expect(await preview()).toBe('۹۹۰٬۰۰۰ ریال')
    const user = await registerUser(t, { locale: 'fa' })
    await settled(t, apiKey, (await send({ type: 'wallet.topup', to: user.user.id, data: { amount: 990000 } })).body.id)
    // (The new user's welcome item may arrive after this one: find it by its type.)
    const inbox = await api(t, 'GET', '/v1/me/notifications', user.accessToken)
    expect(inbox.body.items.find((i: { type: string }) => i.type === 'wallet.topup').body).toBe('۹۹۰٬۰۰۰ ریال')

    // Anything else is refused and changes nothing.
    expect((await api(t, 'PUT', '/v1/admin/notification-settings', admin, { formats: { irr: 'dinar' } })).status).toBe(400)
    expect((await api(t, 'PUT', '/v1/admin/notification-settings', admin, { formats: { irr: 'rial', extra: 1 } })).status).toBe(400)
    expect((await api(t, 'GET', '/v1/admin/notification-settings', admin)).body.formats).toEqual({ irr: 'rial' })
  })
})

describe('templates', () => {
  it('a syntax error is 422 naming the line; every save is a new version; preview renders fa and en', async () => {
    await api(t, 'POST', '/v1/admin/notification-types', admin, {
      key: 'promo.sale',
      name: 'Sale',
      category: 'marketing',
      channels: ['email', 'in_app'],
    })
    const bad = await api(t, 'PUT', '/v1/admin/notification-types/promo.sale/templates/email/en', admin, {
      content: { subject: 'Sale', text: 'x', html: '<p>ok</p>\n{% for %}' },
    })
    expect(bad.status).toBe(422)
    expect(bad.body.errors[0]).toMatchObject({ field: 'content.html', message: expect.stringContaining('line 2') })
    expect(
      (await api(t, 'PUT', '/v1/admin/notification-types/promo.sale/templates/sms/en', admin, { content: { text: 'x' } })).status,
    ).toBe(422)
    const v1 = await api(t, 'PUT', '/v1/admin/notification-types/promo.sale/templates/in_app/en', admin, {
      content: { title: 'Sale v1', body: '{{ percent }}% off' },
    })
    const v2 = await api(t, 'PUT', '/v1/admin/notification-types/promo.sale/templates/in_app/en', admin, {
      content: { title: 'Sale v2', body: '{{ percent }}% off' },
    })
    expect([v1.body.version, v2.body.version]).toEqual([1, 2])
    await api(t, 'PUT', '/v1/admin/notification-types/promo.sale/templates/in_app/fa', admin, {
      content: { title: 'حراج', body: '{{ percent | fa_digits }}٪ تخفیف' },
    })
    const fa = await api(t, 'POST', '/v1/admin/notification-types/promo.sale/preview', admin, {
      channel: 'in_app',
      locale: 'fa',
      data: { percent: 30 },
    })
    expect(fa.body.rendered).toMatchObject({ title: 'حراج', body: '۳۰٪ تخفیف' })
    const old = await api(t, 'POST', '/v1/admin/notification-types/promo.sale/preview', admin, {
      channel: 'in_app',
      locale: 'en',
      version: 1,
      data: { percent: 5 },
    })
    expect(old.body).toMatchObject({ version: 1, rendered: { title: 'Sale v1', body: '5% off' } })
    const versions = await api(t, 'GET', '/v1/admin/notification-types/promo.sale/templates?channel=in_app&locale=en', admin)
    expect(versions.body.items.map((v: any) => v.version)).toEqual([2, 1])
    await api(t, 'DELETE', '/v1/admin/notification-types/promo.sale', admin)
    expect((await api(t, 'GET', '/v1/admin/notification-types/promo.sale', admin)).status).toBe(404)
    expect((await api(t, 'DELETE', '/v1/admin/notification-types/account.welcome', admin)).status).toBe(409)
  })

  it("renders with the en template when the user's locale (fa) has none", async () => {
    await createType('fallback.check', ['in_app'], { in_app: { en: { title: 'English only', body: 'Order {{ orderId }}' } } })
    const user = await registerUser(t, { locale: 'fa' })
    const detail = await settled(t, apiKey, (await send({ type: 'fallback.check', to: user.user.id, data: { orderId: '7' } })).body.id)
    expect(detail.deliveries[0]).toMatchObject({ channel: 'in_app', status: 'delivered', templateVersion: 1 })
    const items = (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items
    expect(items.find((i: any) => i.type === 'fallback.check')).toMatchObject({ title: 'English only', body: 'Order 7' })
  })

  it('keeps javascript: links from trigger data out of emails, inbox items and previews', async () => {
    await createType('link.check', ['in_app', 'email'], {
      in_app: { en: { title: 'Open', body: 'b', actionUrl: '{{ link }}' } },
      email: { en: { subject: 'Open', html: '<p><a href="{{ link }}">open</a> <a href="{{ safe }}">safe</a></p>', text: '{{ link }}' } },
    })
    const user = await registerUser(t)
    const data = { link: ' JaVa\tScript:alert(document.cookie)', safe: 'https://shop.example.com/o/1' }
    const detail = await settled(t, apiKey, (await send({ type: 'link.check', to: user.user.id, data })).body.id)
    expect(detail.deliveries.map((d: any) => d.status)).toEqual(['delivered', 'delivered'])
    const item = (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.find((i: any) => i.type === 'link.check')
    expect(item).toMatchObject({ title: 'Open', actionUrl: null })
    // The user's welcome email may come before or after this one: pick this one by its subject.
    const mail = (await api(t, 'GET', '/v1/dev/outbox?channel=email', admin)).body.items.find(
      (m: any) => m.recipient === user.user.email && m.payload.subject === 'Open',
    )
    expect(mail.payload.html).toContain('<a href="#">open</a> <a href="https://shop.example.com/o/1">safe</a>')
    expect(mail.payload.html).not.toMatch(/script:/i)
    const preview = await api(t, 'POST', '/v1/admin/notification-types/link.check/preview', admin, {
      channel: 'in_app',
      locale: 'en',
      data,
    })
    expect(preview.body.rendered).toEqual({ title: 'Open', body: 'b' })
  })

  it('a preview that would render too much is a short 422 naming the field; the node keeps answering', async () => {
    const preview = (content: Record<string, string>, channel = 'sms', data?: Record<string, unknown>) =>
      api(t, 'POST', '/v1/admin/notification-types/order.paid/preview', admin, { channel, locale: 'en', content, data })
    const cases: [Promise<Awaited<ReturnType<typeof preview>>>, string][] = [
      [preview({ text: '{% for i in (1..100000000) %}xxxxxxxx{% endfor %}' }), 'content.text'],
      [preview({ text: '{% for i in (1..1000000) %}xxxxxxxx{% endfor %}' }), 'content.text'],
      [
        preview({ subject: 's', text: 't', html: '{% for i in (1..3000) %}{{ big }}{% endfor %}' }, 'email', { big: 'y'.repeat(100_000) }),
        'content.html',
      ],
    ]
    for (const [pending, field] of cases) {
      const [res, health] = await Promise.all([pending, t.caravan.app.inject({ method: 'GET', url: '/healthz' })])
      expect(res.status, field).toBe(422)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.body.errors[0].field).toBe(field)
      expect(JSON.stringify(res.body).length).toBeLessThan(2_000)
      expect(health.statusCode).toBe(200)
    }
  })

  it('a delivery whose template renders too much fails with the reason', async () => {
    await createType('huge.render', ['in_app'], { in_app: { en: { title: 't', body: '{% for i in (1..40) %}{{ chunk }}{% endfor %}' } } })
    const user = await registerUser(t)
    const res = await send({ type: 'huge.render', to: user.user.id, data: { chunk: 'z'.repeat(10_000) } })
    expect(res.status).toBe(202)
    const detail = await settled(t, apiKey, res.body.id)
    expect(detail.deliveries[0]).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('in_app.body failed: renders to more than 256 kB'),
    })
  })
})

describe('inbox', () => {
  it('lists with cursor and unread filter, marks read, reads all, archives, and pushes live updates', async () => {
    const user = await registerUser(t)
    const socket: Socket = connect(t.url, {
      path: '/realtime',
      auth: { token: user.accessToken },
      transports: ['websocket'],
      reconnection: false,
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    const live: any[] = []
    socket.on('notification:new', (p) => live.push(p))
    for (let i = 0; i < 3; i++)
      await settled(
        t,
        apiKey,
        (await send({ type: 'order.paid', to: user.user.id, channels: ['in_app'], data: { orderId: `i${i}` } })).body.id,
      )
    await until(() => live.filter((p) => p.item.type === 'order.paid').length === 3, 10_000, '3 live items').catch(async (e) => {
      console.log(
        'LIVE',
        JSON.stringify(live.map((p) => p.item.body)),
        JSON.stringify((await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.map((i: any) => i.body)),
      )
      throw e
    })
    expect(live.at(-1).unreadCount).toBeGreaterThanOrEqual(3)
    // Every count carries its order: the one read last (highest seq) is the count now.
    const newest = live.reduce((a, b) => (b.unreadSeq > a.unreadSeq ? b : a))
    const now = (await api(t, 'GET', '/v1/me/notifications/unread-count', user.accessToken)).body
    expect(now.seq).toBeGreaterThan(newest.unreadSeq)
    expect(newest.unreadCount).toBe(now.count)
    const count = async () => (await api(t, 'GET', '/v1/me/notifications/unread-count', user.accessToken)).body.count
    const total = await count()
    const page1 = (await api(t, 'GET', '/v1/me/notifications?limit=2', user.accessToken)).body
    expect(page1.items).toHaveLength(2)
    const page2 = (await api(t, 'GET', `/v1/me/notifications?limit=2&cursor=${page1.nextCursor}`, user.accessToken)).body
    expect(page2.items[0].id).not.toBe(page1.items[1].id)
    const unreadEvent = new Promise<any>((resolve) => socket.once('notification:unread', resolve))
    expect((await api(t, 'POST', `/v1/me/notifications/${page1.items[0].id}/read`, user.accessToken)).body.read).toBe(true)
    expect((await unreadEvent).count).toBe(total - 1)
    expect((await api(t, 'GET', '/v1/me/notifications?unread=true', user.accessToken)).body.items.every((i: any) => !i.read)).toBe(true)
    expect((await api(t, 'POST', `/v1/me/notifications/${page1.items[1].id}/archive`, user.accessToken)).body.archived).toBe(true)
    expect((await api(t, 'GET', '/v1/me/notifications?archived=true', user.accessToken)).body.items).toHaveLength(1)
    // Restore (undo of archive) brings it back to the inbox, unread state kept.
    const restored = (await api(t, 'POST', `/v1/me/notifications/${page1.items[1].id}/restore`, user.accessToken)).body
    expect(restored).toMatchObject({ id: page1.items[1].id, archived: false, read: false })
    expect((await api(t, 'GET', '/v1/me/notifications?archived=true', user.accessToken)).body.items).toHaveLength(0)
    expect((await api(t, 'POST', `/v1/me/notifications/not-a-uuid/restore`, user.accessToken)).status).toBe(400)
    // Several read at once: their counts' events may arrive in any order; the one read last says 0.
    const unread = (await api(t, 'GET', '/v1/me/notifications?unread=true', user.accessToken)).body.items as { id: string }[]
    expect(unread.length).toBeGreaterThanOrEqual(2)
    // (Events of the changes above may still be on their way: theirs are older than this count.)
    const before = (await api(t, 'GET', '/v1/me/notifications/unread-count', user.accessToken)).body.seq
    const counts: { count: number; seq: number }[] = []
    socket.on('notification:unread', (p) => p.seq > before && counts.push(p))
    const reads = await Promise.all(unread.map((i) => api(t, 'POST', `/v1/me/notifications/${i.id}/read`, user.accessToken)))
    expect(reads.map((r) => r.status)).toEqual(unread.map(() => 200))
    await until(() => counts.length === unread.length, 10_000, 'a count per read')
    expect(new Set(counts.map((c) => c.seq)).size).toBe(unread.length)
    expect(counts.reduce((a, b) => (b.seq > a.seq ? b : a)).count).toBe(0)
    await api(t, 'POST', '/v1/me/notifications/read-all', user.accessToken)
    expect(await count()).toBe(0)
    // Someone else's item is not found, not readable.
    const other = await registerUser(t)
    expect((await api(t, 'POST', `/v1/me/notifications/${page1.items[0].id}/read`, other.accessToken)).status).toBe(404)
    expect((await api(t, 'POST', `/v1/me/notifications/${page1.items[1].id}/restore`, other.accessToken)).status).toBe(404)
    socket.disconnect()
  })
})

describe('activity feed and outbox', () => {
  it('filters deliveries by user, type, channel and status; only admins see it', async () => {
    const user = await registerUser(t)
    await settled(
      t,
      apiKey,
      (await send({ type: 'order.paid', to: user.user.id, channels: ['in_app', 'email'], data: { orderId: 'feed' } })).body.id,
    )
    const feed = await api(
      t,
      'GET',
      `/v1/admin/notifications/deliveries?userId=${user.user.id}&type=order.paid&channel=email&status=delivered`,
      admin,
    )
    expect(feed.body.items).toHaveLength(1)
    expect(
      (await api(t, 'GET', `/v1/admin/notifications/deliveries?from=${new Date(Date.now() + 60_000).toISOString()}`, admin)).body.items,
    ).toHaveLength(0)
    expect((await api(t, 'GET', '/v1/admin/notifications/deliveries', user.accessToken)).status).toBe(403)
    expect((await api(t, 'GET', '/v1/dev/outbox', user.accessToken)).status).toBe(403)
    expect(
      (await t.caravan.app.inject({ method: 'GET', url: '/v1/admin/notifications/deliveries?status=lost', headers: bearer(admin) }))
        .statusCode,
    ).toBe(400)
  })
})
