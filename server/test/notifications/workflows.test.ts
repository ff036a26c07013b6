// Workflows on a controlled clock: the test moves workflow time forward and wakes what is due
// (runs.wakeDue), so a 15-minute delay or an hour's digest window takes no real time. Every step
// kind, their conditions and combinations (the classic escalation), cancellation, versions, the
// activity feed and the preview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { api, defineType } from './helpers'

let now = Date.now()
const clock = () => new Date(now)
let t: TestCaravan
let admin: string
let apiKey: string

beforeAll(async () => {
  t = await startTestCaravan({ clock })
  admin = (await adminSession(t)).accessToken
  apiKey = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'shop', scopes: ['notifications:send'] })).body.key
})
afterAll(async () => {
  await t?.close()
})

/** Moves workflow time forward and wakes every run and digest window now due. */
async function advance(seconds: number) {
  now += seconds * 1000
  await t.caravan.services.notifications.runs.wakeDue()
}

let typeCount = 0
/** A new type on the given channels (templates in both locales; in-app title shows the digest count) with this workflow. */
async function typeWith(channels: string[], steps: unknown[]): Promise<string> {
  const key = `wf.case_${++typeCount}`
  await defineType(t, admin, key, channels)
  for (const locale of ['en', 'fa'])
    await api(t, 'PUT', `/v1/admin/notification-types/${key}/templates/in_app/${locale}`, admin, {
      content: { title: '{{ count | default: 1 }} new', body: 'Order {{ orderId }}{% for e in events %} {{ e.orderId }}{% endfor %}' },
    })
  const saved = await api(t, 'PUT', `/v1/admin/notification-types/${key}/workflow`, admin, { steps })
  if (saved.status !== 201) throw new Error(`workflow: ${saved.status} ${JSON.stringify(saved.body)}`)
  return key
}

async function trigger(body: Record<string, unknown>): Promise<string> {
  const res = await api(t, 'POST', '/v1/notifications', apiKey, body)
  expect(res.status).toBe(202)
  return res.body.id
}

/** The notification's detail once its (only) run satisfies `ready`. */
async function runOf(id: string, ready: (run: any) => boolean, what = 'run') {
  return until(
    async () => {
      const detail = (await api(t, 'GET', `/v1/notifications/${id}`, apiKey)).body
      const run = detail.runs?.[0]
      return run && ready(run) && detail.deliveries.every((d: any) => !['queued', 'sending'].includes(d.status))
        ? { run, detail }
        : undefined
    },
    20_000,
    what,
  )
}
const channelsSent = (detail: any) => detail.deliveries.filter((d: any) => d.status !== 'suppressed').map((d: any) => d.channel)

async function customer(fields: Record<string, unknown> = {}) {
  const user = await registerUser(t)
  if (Object.keys(fields).length) await api(t, 'PATCH', '/v1/me', user.accessToken, fields)
  return user
}

describe('saving a workflow', () => {
  it('refuses what cannot run, with the step named, and keeps versions', async () => {
    await defineType(t, admin, 'wf.checks', ['in_app', 'email'])
    const put = (steps: unknown) => api(t, 'PUT', '/v1/admin/notification-types/wf.checks/workflow', admin, { steps })
    expect((await api(t, 'GET', '/v1/admin/notification-types/wf.checks/workflow', admin)).body).toMatchObject({ version: 0, steps: [] })

    const sms = await put([{ kind: 'channel', channel: 'sms' }])
    expect(sms.status).toBe(422)
    expect(sms.body.errors[0]).toMatchObject({ field: 'steps[0].channel', code: 'channel_unused' })
    expect(
      (
        await put([
          { kind: 'delay', seconds: 60, until: 'data.at' },
          { kind: 'channel', channel: 'email' },
        ])
      ).status,
    ).toBe(422)
    expect((await put([{ kind: 'channel', channel: 'email', if: [{ check: 'in_app_unread' }] }])).body.errors[0].field).toBe(
      'steps[0].if[0]',
    )
    expect((await put([{ kind: 'delay', seconds: 60 }])).status).toBe(422) // sends nothing
    expect((await put([{ kind: 'channel', channel: 'email', if: [{ check: 'data', path: 'data.x', op: 'gt' }] }])).status).toBe(422)
    const objectValue = [{ kind: 'channel', channel: 'email', if: [{ check: 'data', path: 'data.x', op: 'eq', value: { a: 1 } }] }]
    expect((await put(objectValue)).body.errors[0].field).toBe('steps[0].if[0].value')
    // Shapes the schema refuses: 400, nothing saved.
    for (const bad of [
      [{ kind: 'wait', seconds: 5 }],
      [{ kind: 'delay', seconds: 10 ** 12 }],
      [{ kind: 'delay', seconds: 1.5 }],
      [{ kind: 'digest', windowSeconds: 60, key: 'user.password' }],
      [{ kind: 'throttle', limit: 0, windowSeconds: 60 }],
      Array.from({ length: 21 }, () => ({ kind: 'channel', channel: 'email' })),
    ])
      expect({ bad, status: (await put(bad)).status }).toEqual({ bad, status: 400 })
    expect((await api(t, 'GET', '/v1/admin/notification-types/wf.checks/workflow', admin)).body.version).toBe(0)

    const v1 = await put([
      { kind: 'channel', channel: 'in_app' },
      { kind: 'delay', seconds: 60 },
      { kind: 'channel', channel: 'email' },
    ])
    expect(v1).toMatchObject({ status: 201, body: { version: 1 } })
    expect((await put([])).body).toMatchObject({ version: 2, steps: [] })
    const versions = (await api(t, 'GET', '/v1/admin/notification-types/wf.checks/workflow/versions', admin)).body.items
    expect(versions.map((v: any) => v.version)).toEqual([2, 1])
    expect((await api(t, 'PUT', '/v1/admin/notification-types/wf.none/workflow', admin, { steps: [] })).status).toBe(404)
    // A customer may not touch workflows.
    expect((await api(t, 'GET', '/v1/admin/notification-types/wf.checks/workflow', (await customer()).accessToken)).status).toBe(403)
  })

  it('a type whose workflow was removed sends on all its channels at once, without runs', async () => {
    const user = await customer()
    const id = await trigger({ type: 'wf.checks', to: user.user.id, data: { orderId: 'A' } })
    const detail = await until(async () => {
      const d = (await api(t, 'GET', `/v1/notifications/${id}`, apiKey)).body
      return d.deliveries.length === 2 && d.deliveries.every((x: any) => x.status === 'delivered') ? d : undefined
    })
    expect(detail.runs).toEqual([])
  })
})

describe('escalation: in-app now, e-mail after 15 minutes if unread, SMS after an hour if critical and unread', () => {
  const steps = [
    { kind: 'channel', channel: 'in_app' },
    { kind: 'delay', seconds: 15 * 60 },
    { kind: 'channel', channel: 'email', if: [{ check: 'in_app_unread' }] },
    { kind: 'delay', seconds: 45 * 60 },
    {
      kind: 'channel',
      channel: 'sms',
      if: [{ check: 'data', path: 'data.priority', op: 'eq', value: 'critical' }, { check: 'in_app_unread' }],
    },
  ]
  let key: string
  beforeAll(async () => {
    key = await typeWith(['in_app', 'email', 'sms'], steps)
  })

  it('unread and critical: in-app at once, e-mail at 15 minutes, SMS at an hour', async () => {
    const user = await customer({ phone: '+989121234567' })
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'E-1', priority: 'critical' } })
    let { run, detail } = await runOf(id, (r) => r.status === 'waiting' && r.nextStep?.index === 2)
    expect(channelsSent(detail)).toEqual(['in_app'])
    expect(new Date(run.wakeAt).getTime()).toBe(now + 15 * 60_000)

    await advance(14 * 60) // not yet
    expect((await runOf(id, (r) => r.status === 'waiting')).detail.deliveries).toHaveLength(1)
    await advance(60)
    ;({ detail } = await runOf(id, (r) => r.status === 'waiting' && r.nextStep?.index === 4))
    expect(channelsSent(detail)).toEqual(['in_app', 'email'])

    await advance(45 * 60)
    ;({ run, detail } = await runOf(id, (r) => r.status === 'completed'))
    expect(channelsSent(detail)).toEqual(['in_app', 'email', 'sms'])
    expect(detail.deliveries.map((d: any) => d.status)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(run.log.map((e: any) => `${e.step}:${e.kind}:${e.outcome}`)).toEqual([
      '0:channel:done',
      '1:delay:waiting',
      '2:channel:done',
      '3:delay:waiting',
      '4:channel:done',
    ])
    expect(run.nextStep).toBeNull()
  })

  it('read before 15 minutes: no e-mail and no SMS', async () => {
    const user = await customer({ phone: '+989121234568' })
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'E-2', priority: 'critical' } })
    await runOf(id, (r) => r.status === 'waiting')
    const item = (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.find((i: any) => i.type === key)
    expect((await api(t, 'POST', `/v1/me/notifications/${item.id}/read`, user.accessToken)).status).toBe(200)
    await advance(15 * 60)
    await runOf(id, (r) => r.status === 'waiting' && r.nextStep?.index === 4)
    await advance(45 * 60)
    const { run, detail } = await runOf(id, (r) => r.status === 'completed')
    expect(channelsSent(detail)).toEqual(['in_app'])
    expect(run.log.filter((e: any) => e.outcome === 'skipped').map((e: any) => `${e.code}: ${e.detail}`)).toEqual([
      'in_app_read: the in-app item was read',
      'in_app_read: the in-app item was read',
    ])
  })

  it('unread but not critical: the e-mail, no SMS', async () => {
    const user = await customer({ phone: '+989121234569' })
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'E-3', priority: 'normal' } })
    await runOf(id, (r) => r.status === 'waiting')
    await advance(15 * 60)
    await runOf(id, (r) => r.nextStep?.index === 4)
    await advance(45 * 60)
    const { run, detail } = await runOf(id, (r) => r.status === 'completed')
    expect(channelsSent(detail)).toEqual(['in_app', 'email'])
    expect(run.log.at(-1).detail).toBe('data.priority eq "critical" does not hold')
  })

  it('quiet hours, preferences and consent still apply at each channel step', async () => {
    const user = await customer()
    const prefs = await api(t, 'PUT', '/v1/me/notification-preferences', user.accessToken, {
      channels: { in_app: true, email: false, sms: true, push: true },
      categories: {},
      quietHours: null,
    })
    expect(prefs.status).toBe(200)
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'E-4', priority: 'critical' } })
    await runOf(id, (r) => r.status === 'waiting')
    await advance(15 * 60)
    const { detail } = await runOf(id, (r) => r.nextStep?.index === 4)
    expect(detail.deliveries.find((d: any) => d.channel === 'email')).toMatchObject({ status: 'suppressed', step: 2 })
    await advance(45 * 60)
    const done = await runOf(id, (r) => r.status === 'completed')
    expect(
      done.detail.deliveries.find((d: any) => d.channel === 'sms'),
      JSON.stringify(done.run.log),
    ).toMatchObject({
      status: 'suppressed',
      reason: 'no phone number',
    })
  })
})

describe('delay until a time in the data', () => {
  let key: string
  beforeAll(async () => {
    key = await typeWith(
      ['in_app'],
      [
        { kind: 'delay', until: 'data.startsAt', offsetSeconds: -3600 },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
  })

  it('waits until an hour before the event', async () => {
    const user = await customer()
    const startsAt = new Date(now + 3 * 3600_000).toISOString()
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'D-1', startsAt } })
    const { run } = await runOf(id, (r) => r.status === 'waiting')
    expect(run.wakeAt).toBe(new Date(Date.parse(startsAt) - 3600_000).toISOString())
    expect(run.log[0]).toMatchObject({ outcome: 'waiting', until: run.wakeAt })
    await advance(3600)
    expect((await runOf(id, (r) => r.status === 'waiting')).detail.deliveries).toEqual([])
    await advance(3600)
    expect(channelsSent((await runOf(id, (r) => r.status === 'completed')).detail)).toEqual(['in_app'])
  })

  it('a time already past goes on at once; a missing or unreadable one fails the run, sending nothing', async () => {
    const user = await customer()
    const past = await trigger({ type: key, to: user.user.id, data: { orderId: 'D-2', startsAt: new Date(now - 60_000).toISOString() } })
    expect(channelsSent((await runOf(past, (r) => r.status === 'completed')).detail)).toEqual(['in_app'])
    for (const data of [{ orderId: 'D-3' }, { orderId: 'D-4', startsAt: 'next tuesday' }, { orderId: 'D-5', startsAt: { at: 1 } }]) {
      const id = await trigger({ type: key, to: user.user.id, data })
      const { run, detail } = await runOf(id, (r) => r.status === 'failed')
      expect(run.log[0]).toMatchObject({ code: 'no_time', detail: expect.stringMatching(/^data\.startsAt is not a time/) })
      expect(detail.deliveries).toEqual([])
    }
  })
})

describe('digest', () => {
  it('collects the notifications of one key over the window and goes on once with all of them', async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'digest', key: 'data.conversationId', windowSeconds: 600 },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
    const user = await customer()
    const ids = []
    for (const [orderId, conversationId] of [
      ['m1', 'c-1'],
      ['m2', 'c-1'],
      ['m3', 'c-2'],
      ['m4', 'c-1'],
    ])
      ids.push(await trigger({ type: key, to: user.user.id, data: { orderId, conversationId } }))
    for (const id of ids) await runOf(id, (r) => r.status === 'digesting')
    await advance(599)
    expect((await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.filter((i: any) => i.type === key)).toEqual([])
    await advance(1)
    const items = await until(async () => {
      const list = (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.filter((i: any) => i.type === key)
      return list.length === 2 ? list : undefined
    })
    expect(items.map((i: any) => `${i.title}|${i.body}`).sort()).toEqual(['1 new|Order m3 m3', '3 new|Order m1 m1 m2 m4'])
    const runs = await Promise.all(ids.map((id) => runOf(id, (r) => ['completed', 'merged'].includes(r.status))))
    expect(runs.map(({ run }) => run.status)).toEqual(['completed', 'merged', 'completed', 'merged'])
    expect(runs[0].run.eventCount).toBe(3)
    expect(runs[0].run.log.map((e: any) => e.outcome)).toEqual(['digested', 'done', 'done'])
    expect(runs[0].run.log[1]).toMatchObject({ kind: 'digest', count: 3 })
    expect(runs[1].run.log.at(-1).detail).toBe(`went on in run ${runs[0].run.id}`)
    // A notification after the window opens a new one.
    const later = await trigger({ type: key, to: user.user.id, data: { orderId: 'm5', conversationId: 'c-1' } })
    const { run } = await runOf(later, (r) => r.status === 'digesting')
    expect(new Date(run.wakeAt).getTime()).toBe(now + 600_000)
  })

  it('closes at maxEvents without waiting for the window, and twenty at once make one window', async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'digest', windowSeconds: 3600, maxEvents: 20 },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
    const user = await customer()
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => trigger({ type: key, to: user.user.id, data: { orderId: `n${i}` } })),
    )
    const item = await until(async () =>
      (await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.find((i: any) => i.type === key),
    )
    expect(item.title).toBe('20 new')
    const runs = await Promise.all(ids.map((id) => runOf(id, (r) => ['completed', 'merged'].includes(r.status))))
    expect(runs.filter(({ run }) => run.status === 'completed')).toHaveLength(1)
    expect((await api(t, 'GET', '/v1/me/notifications', user.accessToken)).body.items.filter((i: any) => i.type === key)).toHaveLength(1)
  })
})

describe('throttle', () => {
  it('lets at most N per window and key through; the rest stop, recorded', async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'throttle', limit: 2, windowSeconds: 3600, key: 'data.orderId' },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
    const user = await customer()
    const send = (orderId: string) => trigger({ type: key, to: user.user.id, data: { orderId } })
    const first = await Promise.all([send('T-1'), send('T-1'), send('T-1'), send('T-2')])
    const outcomes = await Promise.all(first.map((id) => runOf(id, (r) => ['completed', 'throttled'].includes(r.status))))
    expect(outcomes.map(({ run }) => run.status).sort()).toEqual(['completed', 'completed', 'completed', 'throttled'])
    expect(outcomes.find(({ run }) => run.status === 'throttled')!.run.log[0].detail).toBe('more than 2 in 3600 s')
    await advance(3600)
    expect((await runOf(await send('T-1'), (r) => r.status !== 'running')).run.status).toBe('completed')
  })
})

describe('conditions', () => {
  it('phone_verified: a number the host gave passes, one the user typed does not', async () => {
    const key = await typeWith(['sms'], [{ kind: 'channel', channel: 'sms', if: [{ check: 'phone_verified' }] }])
    const typed = await customer({ phone: '+989121111111' })
    const skipped = await runOf(await trigger({ type: key, to: typed.user.id, data: { orderId: 'P-1' } }), (r) => r.status === 'completed')
    expect(skipped.run.log[0]).toMatchObject({ outcome: 'skipped', detail: 'no verified phone number' })
    const hosted = await trigger({ type: key, to: { externalId: 'wf-host-1', phone: '+989122222222' }, data: { orderId: 'P-2' } })
    expect(channelsSent((await runOf(hosted, (r) => r.status === 'completed')).detail)).toEqual(['sms'])
    // The user saving the same number again keeps it verified; another number is not.
    const accounts = t.caravan.services.accounts
    const hostUser = (await runOf(hosted, () => true)).run.userId
    const verified = async () => (await accounts.contactsOf([hostUser]))[0].phoneVerified
    await accounts.updateMe(hostUser, { phone: '+989122222222', name: 'Sara' })
    expect(await verified()).toBe(true)
    await accounts.updateMe(hostUser, { phone: '+989123333333' })
    expect(await verified()).toBe(false)
  })

  it('in_app_unseen: listing the inbox counts as seen', async () => {
    const key = await typeWith(
      ['in_app', 'email'],
      [
        { kind: 'channel', channel: 'in_app' },
        { kind: 'delay', seconds: 60 },
        { kind: 'channel', channel: 'email', if: [{ check: 'in_app_unseen' }] },
      ],
    )
    const user = await customer()
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'S-1' } })
    await runOf(id, (r) => r.status === 'waiting')
    await api(t, 'GET', '/v1/me/notifications', user.accessToken)
    await advance(60)
    const { run, detail } = await runOf(id, (r) => r.status === 'completed')
    expect(run.log.at(-1).detail).toBe('the in-app item was seen')
    expect(channelsSent(detail)).toEqual(['in_app'])
  })

  it('data comparisons: numbers as numbers, absent fields, and a skipped delay', async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'delay', seconds: 600, if: [{ check: 'data', path: 'data.amount', op: 'lt', value: 1000 }] },
        { kind: 'channel', channel: 'in_app', if: [{ check: 'data', path: 'data.customer.tier', op: 'exists' }] },
      ],
    )
    const user = await customer()
    const big = await trigger({ type: key, to: user.user.id, data: { orderId: 'C-1', amount: '25000', customer: { tier: 'gold' } } })
    expect(channelsSent((await runOf(big, (r) => r.status === 'completed')).detail)).toEqual(['in_app'])
    const small = await trigger({ type: key, to: user.user.id, data: { orderId: 'C-2', amount: 5 } })
    await runOf(small, (r) => r.status === 'waiting')
    await advance(600)
    const { run } = await runOf(small, (r) => r.status === 'completed')
    expect(run.log.at(-1).detail).toBe('data.customer.tier exists does not hold')
  })
})

describe('cancelling', () => {
  let key: string
  beforeAll(async () => {
    key = await typeWith(
      ['in_app', 'email'],
      [
        { kind: 'channel', channel: 'in_app' },
        { kind: 'delay', seconds: 3600 },
        { kind: 'channel', channel: 'email' },
      ],
    )
  })
  const cancel = (query: string, token = apiKey) => api(t, 'DELETE', `/v1/notifications/runs?${query}`, token)

  it('by cancelKey: the waiting run stops, what was sent stays', async () => {
    const user = await customer()
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'X-1' }, cancelKey: 'order:X-1' })
    await runOf(id, (r) => r.status === 'waiting')
    expect((await cancel('cancelKey=order%3AX-1')).body).toEqual({ runs: 1, notifications: 0, deliveries: 0 })
    expect((await cancel('cancelKey=order%3AX-1')).body).toEqual({ runs: 0, notifications: 0, deliveries: 0 })
    await advance(3600)
    const { run, detail } = await runOf(id, (r) => r.status === 'cancelled')
    expect(run).toMatchObject({ nextStep: null, wakeAt: null })
    expect(channelsSent(detail)).toEqual(['in_app'])
  })

  it("by the caller's own idempotencyKey only; a scheduled notification is called off before it fans out", async () => {
    const user = await customer()
    const other = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'other', scopes: ['notifications:send'] })).body.key
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'X-2' }, idempotencyKey: 'remind-X-2' })
    await runOf(id, (r) => r.status === 'waiting')
    expect((await cancel('idempotencyKey=remind-X-2', other)).body.runs).toBe(0)
    expect((await cancel('idempotencyKey=remind-X-2')).body.runs).toBe(1)

    const later = await trigger({
      type: key,
      to: user.user.id,
      data: { orderId: 'X-3' },
      cancelKey: 'order:X-3',
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    })
    expect((await cancel('cancelKey=order:X-3')).body).toEqual({ runs: 0, notifications: 1, deliveries: 0 })
    expect((await api(t, 'GET', `/v1/notifications/${later}`, apiKey)).body).toMatchObject({
      status: 'cancelled',
      runs: [],
      deliveries: [],
    })
  })

  it('refuses a request that names no key, or both (400), and customers (403)', async () => {
    expect((await cancel('')).status).toBe(400)
    expect((await cancel('cancelKey=a&idempotencyKey=b')).status).toBe(400)
    expect((await cancel(`cancelKey=${'x'.repeat(300)}`)).status).toBe(400)
    expect((await cancel('cancelKey=a', (await customer()).accessToken)).status).toBe(403)
  })
})

describe('privacy', () => {
  it("a user's export lists their runs; erasure stops them and forgets what they collected", async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'digest', key: 'data.orderId', windowSeconds: 600 },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
    const user = await customer()
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'secret-7' } })
    const { run } = await runOf(id, (r) => r.status === 'digesting')
    const exported = (await api(t, 'GET', `/v1/users/${user.user.id}/export`, admin)).body
    expect(JSON.stringify(exported)).toContain(run.id)
    expect((await api(t, 'DELETE', `/v1/users/${user.user.id}`, admin)).status).toBe(204)
    expect((await runOf(id, () => true)).run).toMatchObject({ status: 'cancelled', nextStep: null })
    const { rows } = await t.database.query(`select count(*)::int n from notification_digests where user_id = $1`, [user.user.id])
    expect(rows[0].n).toBe(0)
    await advance(600)
    expect((await runOf(id, () => true)).detail.deliveries).toEqual([])
  })
})

describe("a step's own message", () => {
  const firmer = {
    en: {
      subject: 'Second reminder: order {{ orderId }}',
      html: '<p>Please pay for {{ orderId }}</p>',
      text: 'Please pay for {{ orderId }}',
    },
    fa: {
      subject: 'یادآوری دوم: سفارش {{ orderId }}',
      html: '<p>لطفاً {{ orderId }} را بپردازید</p>',
      text: 'لطفاً {{ orderId }} را بپردازید',
    },
  }
  /** The e-mails the dev outbox holds for these deliveries, in their order. */
  const mails = async (deliveries: { id: string }[]) => {
    const items = (await api(t, 'GET', '/v1/dev/outbox?channel=email&limit=100', admin)).body.items as any[]
    return deliveries.map((d) => items.find((m) => m.deliveryId === d.id)).filter(Boolean)
  }

  it("a second, firmer e-mail: the first step uses the type's template, the later one its own, in the user's locale", async () => {
    const key = await typeWith(
      ['email'],
      [
        { kind: 'channel', channel: 'email' },
        { kind: 'delay', seconds: 3600 },
        { kind: 'channel', channel: 'email', content: firmer },
      ],
    )
    for (const [locale, subjects] of [
      ['en', ['Order R-1', 'Second reminder: order R-1']],
      ['fa', ['Order R-1', 'یادآوری دوم: سفارش R-1']],
    ] as const) {
      const user = await customer({ locale })
      const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'R-1' } })
      await runOf(id, (r) => r.status === 'waiting')
      await advance(3600)
      const { detail } = await runOf(id, (r) => r.status === 'completed')
      const sent = await until(async () => {
        const m = await mails(detail.deliveries)
        return m.length === 2 ? m : undefined
      })
      expect(sent.map((m) => m.payload.subject)).toEqual(subjects)
      expect(sent[1].payload.html).toContain(locale === 'fa' ? 'dir="rtl"' : 'Please pay for R-1')
      // The type's template is stamped with its version; the step's own message with none.
      expect(detail.deliveries.map((d: any) => d.templateVersion)).toEqual([1, null])
    }
  })

  it("falls back to the default locale's message, then to the only one given; a run keeps its version's message", async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'delay', seconds: 60 },
        { kind: 'channel', channel: 'in_app', content: { fa: { title: 'فقط فارسی', body: '{{ orderId }}' } } },
      ],
    )
    const en = await customer({ locale: 'en' })
    const id = await trigger({ type: key, to: en.user.id, data: { orderId: 'L-1' } })
    await runOf(id, (r) => r.status === 'waiting')
    // Saved while the run waits: the run still sends the message of the version it started with.
    await api(t, 'PUT', `/v1/admin/notification-types/${key}/workflow`, admin, {
      steps: [
        { kind: 'delay', seconds: 60 },
        { kind: 'channel', channel: 'in_app', content: { en: { title: 'English now', body: 'x' } } },
      ],
    })
    await advance(60)
    await runOf(id, (r) => r.status === 'completed')
    const items = (await api(t, 'GET', '/v1/me/notifications', en.accessToken)).body.items.filter((i: any) => i.type === key)
    expect(items.map((i: any) => [i.title, i.body])).toEqual([['فقط فارسی', 'L-1']])
  })

  it('refuses a message the channel cannot send, naming the step, locale and field (422), and a shape the schema refuses (400)', async () => {
    await defineType(t, admin, 'wf.own_checks', ['email', 'sms'])
    const put = (steps: unknown) => api(t, 'PUT', '/v1/admin/notification-types/wf.own_checks/workflow', admin, { steps })
    const missing = await put([{ kind: 'channel', channel: 'email', content: { en: { subject: 'Hi' } } }])
    expect(missing.status).toBe(422)
    expect(missing.body.errors.map((e: any) => `${e.field} ${e.code}`)).toEqual([
      'steps[0].content.en.html template',
      'steps[0].content.en.text template',
    ])
    const syntax = await put([{ kind: 'channel', channel: 'sms', content: { en: { text: 'ok' }, fa: { text: 'سلام {{ user.name ' } } }])
    expect(syntax.status).toBe(422)
    expect(syntax.body.errors[0]).toMatchObject({ field: 'steps[0].content.fa.text', code: 'template' })
    expect(syntax.body.errors[0].message).toMatch(/^syntax error on line 1/)
    const unknownField = await put([{ kind: 'channel', channel: 'sms', content: { en: { text: 'ok', title: 'no' } } }])
    expect(unknownField.body.errors[0]).toMatchObject({ field: 'steps[0].content.en.title', message: 'is not a sms template field' })
    for (const bad of [
      [{ kind: 'channel', channel: 'sms', content: {} }],
      [{ kind: 'channel', channel: 'sms', content: { de: { text: 'Hallo' } } }],
      [{ kind: 'channel', channel: 'sms', content: { en: 'text' } }],
      [
        { kind: 'delay', seconds: 60, content: { en: { text: 'x' } } },
        { kind: 'channel', channel: 'sms' },
      ],
    ])
      expect({ bad, status: (await put(bad)).status }).toEqual({ bad, status: 400 })
    expect((await api(t, 'GET', '/v1/admin/notification-types/wf.own_checks/workflow', admin)).body.version).toBe(0)
  })

  it("previews the step's own message (unsaved), in the locale asked or the one it has", async () => {
    const key = await typeWith(['in_app', 'sms'], [])
    const preview = (locale: string) =>
      api(t, 'POST', `/v1/admin/notification-types/${key}/workflow/preview`, admin, {
        steps: [
          { kind: 'channel', channel: 'in_app' },
          { kind: 'channel', channel: 'sms', content: { fa: { text: 'آخرین یادآوری {{ orderId }}' } } },
        ],
        locale,
        data: { orderId: 'P-9' },
      })
    for (const locale of ['en', 'fa']) {
      const res = await preview(locale)
      expect(res.status).toBe(200)
      expect(res.body.steps[1].rendered.text).toBe('آخرین یادآوری P-9')
    }
    expect((await preview('en')).body.steps[0].rendered.title).toBe('1 new')
  })
})

describe('versions, the activity feed and the preview', () => {
  it('a run keeps the version it started with', async () => {
    const key = await typeWith(
      ['in_app', 'email'],
      [
        { kind: 'delay', seconds: 60 },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
    const user = await customer()
    const id = await trigger({ type: key, to: user.user.id, data: { orderId: 'V-1' } })
    await runOf(id, (r) => r.status === 'waiting')
    await api(t, 'PUT', `/v1/admin/notification-types/${key}/workflow`, admin, {
      steps: [
        { kind: 'delay', seconds: 60 },
        { kind: 'channel', channel: 'email' },
      ],
    })
    await advance(60)
    expect(channelsSent((await runOf(id, (r) => r.status === 'completed')).detail)).toEqual(['in_app'])
  })

  it('the feed lists runs with their next step and time, by status and user', async () => {
    const key = await typeWith(
      ['in_app'],
      [
        { kind: 'delay', seconds: 86_400 },
        { kind: 'channel', channel: 'in_app' },
      ],
    )
    const user = await customer()
    await runOf(await trigger({ type: key, to: user.user.id, data: { orderId: 'F-1' } }), (r) => r.status === 'waiting')
    const page = (await api(t, 'GET', `/v1/admin/notifications/runs?status=waiting&userId=${user.user.id}`, admin)).body
    expect(page.items).toHaveLength(1)
    expect(page.items[0]).toMatchObject({
      type: key,
      nextStep: { index: 1, kind: 'channel' },
      wakeAt: new Date(now + 86_400_000).toISOString(),
    })
    expect((await api(t, 'GET', '/v1/admin/notifications/runs?status=sleeping', admin)).status).toBe(400)
    expect((await api(t, 'GET', '/v1/admin/notifications/runs?limit=2', admin)).body.items).toHaveLength(2)
  })

  it('previews each step with sample data and assumed facts, rendered in the locale', async () => {
    const key = await typeWith(['in_app', 'email', 'sms'], [])
    const steps = [
      { kind: 'digest', windowSeconds: 600 },
      { kind: 'channel', channel: 'in_app' },
      { kind: 'delay', seconds: 900 },
      { kind: 'channel', channel: 'email', if: [{ check: 'in_app_unread' }] },
      { kind: 'delay', seconds: 60 },
      { kind: 'channel', channel: 'sms', if: [{ check: 'phone_verified' }] },
    ]
    const res = await api(t, 'POST', `/v1/admin/notification-types/${key}/workflow/preview`, admin, {
      steps,
      locale: 'fa',
      data: { orderId: '۴۲' },
      assume: { inAppRead: true, events: 3, phoneVerified: true },
    })
    expect(res.status).toBe(200)
    expect(res.body.steps.map((s: any) => `${s.index}:${s.outcome}@${s.atSeconds}`)).toEqual([
      '0:digest@600',
      '1:send@600',
      '2:wait@1500',
      '3:skip@1500',
      '4:wait@1560',
      '5:send@1560',
    ])
    expect(res.body.steps[1].rendered.title).toBe('3 new')
    expect(res.body.steps[0]).toMatchObject({ count: 3 })
    expect(res.body.steps[3]).toMatchObject({ code: 'in_app_read' })
    expect(res.body.steps[5].rendered.text).toBe('سفارش ۴۲')
    // Each fixed delay counts from the step before it.
    const [, , first, , second] = res.body.steps.map((s: any) => Date.parse(s.detail.replace('until ', '')))
    expect(second - first).toBe(60_000)
    const invalid = await api(t, 'POST', `/v1/admin/notification-types/${key}/workflow/preview`, admin, {
      steps: [{ kind: 'channel', channel: 'push' }],
      locale: 'en',
    })
    expect(invalid.status).toBe(422)
  })
})
