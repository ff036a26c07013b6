// A worker killed (SIGKILL) in the middle of a large send on every channel: after another worker
// takes over, nothing is lost and nothing shows twice. A delivery is "in doubt" only when the kill
// caught it inside its provider call; then in-app and push (its repeat collapses) are sent again,
// e-mail is sent again with the same Message-ID (the default, at least once) and SMS is recorded
// failed rather than risk a second paid message (the default, at most once). The test prints each
// channel's in-doubt share; with the defaults it must stay under 2 %.
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { createPostgresDatabase, POSTGRES_URL, requireServices } from '../helpers/services'
import { until } from '../helpers/wait'
import { startWorkerProcess } from '../helpers/worker'
import { startFakeFcm, type FakeFcm } from '../fakes/fcm'
import { startFakeKavenegar, type FakeKavenegar } from '../fakes/kavenegar'
import { startFakeSendGrid, type FakeSendGrid } from '../fakes/sendgrid'
import { api, defineType } from './helpers'

const RECIPIENTS = 2000
const CHANNELS = ['in_app', 'email', 'sms', 'push'] as const
/** Each fake answers after this long, as a real provider's API does: sends are really in flight. */
const LATENCY_MS = 40

let run = false
let t: TestCaravan
let sendgrid: FakeSendGrid
let kavenegar: FakeKavenegar
let fcm: FakeFcm
let db: { url: string; drop: () => Promise<void> }
const workers: ChildProcess[] = []
/** user id ⇒ the phone number as Kavenegar receives it (09…). */
const receptors = new Map<string, string>()

async function startWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess(t, db.url, {
    // Deliveries in flight at the kill are noticed within seconds.
    JOBS_EXPIRE_CHECK_SECONDS: '1',
    NOTIFY_DELIVER_EXPIRE_SECONDS: '4',
  })
  workers.push(child)
  return child
}

beforeAll(async () => {
  run = await requireServices({ postgres: true })
  if (!run) return
  db = await createPostgresDatabase(POSTGRES_URL)
  // This node only accepts requests: the workers are the child processes.
  t = await startTestCaravan({
    database: { url: db.url },
    env: { CARAVAN_ROLE: 'api', NOTIFY_DELIVER_EXPIRE_SECONDS: '4', JOBS_EXPIRE_CHECK_SECONDS: '1' },
  })
  sendgrid = await startFakeSendGrid({ apiKey: 'SG.kill-test', latencyMs: LATENCY_MS })
  kavenegar = await startFakeKavenegar({ apiKey: 'kill-test-key', latencyMs: LATENCY_MS })
  kavenegar.account.credit = 1e12 // a thousand texts cost more than the fake's default credit
  fcm = await startFakeFcm()
  const admin = (await adminSession(t)).accessToken
  for (const body of [
    { provider: 'sendgrid', config: { apiKey: 'SG.kill-test', from: 'shop@example.com', baseUrl: sendgrid.baseUrl, timeoutMs: 5000 } },
    { provider: 'kavenegar', config: { apiKey: 'kill-test-key', baseUrl: kavenegar.url, timeoutMs: 5000 } },
    { provider: 'fcm', config: { serviceAccount: fcm.serviceAccount, baseUrl: fcm.url } },
  ]) {
    const provider = await api(t, 'POST', '/v1/admin/notification-providers', admin, body)
    expect(provider.status, JSON.stringify(provider.body)).toBe(201)
  }
  await defineType(t, admin, 'bulk.notice', [...CHANNELS])
  const ids = Array.from({ length: RECIPIENTS }, () => randomUUID())
  const phones = ids.map((_, i) => `+98912${String(1_000_000 + i)}`)
  ids.forEach((id, i) => receptors.set(id, `0${phones[i].slice(3)}`))
  await t.database.query(
    `insert into users (id, email, password_hash, locale, timezone, phone)
     select id, 'bulk-' || id || '@example.com', 'x', 'en', 'UTC', phone from unnest($1::uuid[], $2::text[]) as u(id, phone)`,
    [ids, phones],
  )
  await t.database.query(
    `insert into devices (id, user_id, kind, token) select gen_random_uuid(), id, 'fcm', 'kill-' || id from unnest($1::uuid[]) as id`,
    [ids],
  )
  const sent = await api(t, 'POST', '/v1/notifications', admin, { type: 'bulk.notice', to: ids, data: { orderId: 'K' } })
  expect(sent.status).toBe(202)
}, 120_000)

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL')
  await Promise.all([sendgrid, kavenegar, fcm].map((f) => f?.close()))
  await t?.close()
  await db?.drop().catch(() => {})
})

/** How many times each key was sent to a provider. */
function tally(keys: string[]): Map<string, number> {
  const sends = new Map<string, number>()
  for (const key of keys) sends.set(key, (sends.get(key) ?? 0) + 1)
  return sends
}

describe('a worker killed mid-send', () => {
  it('loses no in-app or push message, repeats e-mail under the same Message-ID, and keeps the in-doubt share under 2 %', async (ctx) => {
    if (!run) return ctx.skip()
    const first = await startWorker()
    await until(() => sendgrid.accepted.length >= RECIPIENTS * 0.3, 90_000, 'a third of the e-mails accepted')
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    const acceptedAtKill = sendgrid.accepted.length
    expect(acceptedAtKill).toBeLessThan(RECIPIENTS)

    await startWorker()
    const final = await until(
      async () => {
        const { rows } = await t.database.query(
          `select id, user_id, channel, status, reason from deliveries where type_key = 'bulk.notice'`,
        )
        return rows.length === RECIPIENTS * CHANNELS.length && rows.every((r: any) => !['pending', 'queued', 'sending'].includes(r.status))
          ? rows
          : undefined
      },
      180_000,
      'every delivery final',
    )
    const { rows: doubts } = await t.database.query(
      `select distinct a.delivery_id from delivery_attempts a join deliveries d on d.id = a.delivery_id
        where d.type_key = 'bulk.notice' and a.outcome = 'in_doubt'`,
    )
    const inDoubt = new Set(doubts.map((r: any) => r.delivery_id as string))
    const of = (channel: string) => final.filter((d: any) => d.channel === channel)
    const doubted = (channel: string) => of(channel).filter((d: any) => inDoubt.has(d.id))

    // In-app: written once per recipient, whatever happened.
    const { rows: inbox } = await t.database.query(
      `select user_id, count(*)::int n from inbox_items where type_key = 'bulk.notice' group by user_id`,
    )
    expect(inbox).toHaveLength(RECIPIENTS)
    expect(inbox.every((r: any) => r.n === 1)).toBe(true)
    expect(of('in_app').every((d: any) => d.status === 'delivered')).toBe(true)

    // Push: every one sent; a repeat only after doubt, under the delivery's collapse key.
    expect(of('push').every((d: any) => d.status === 'sent')).toBe(true)
    const pushes = tally(fcm.messages.map((m) => m.message.android?.collapse_key as string))
    for (const d of of('push')) {
      const n = pushes.get(d.id) ?? 0
      expect(n, `push ${d.id}`).toBeGreaterThanOrEqual(1)
      if (n > 1) expect(inDoubt.has(d.id), `push ${d.id} repeated without doubt`).toBe(true)
    }

    // E-mail (at least once): every one sent; every copy of one carries the same Message-ID.
    expect(of('email').every((d: any) => d.status === 'sent')).toBe(true)
    const mails = new Map<string, string[]>()
    for (const mail of sendgrid.accepted) {
      const id = mail.body.personalizations[0].custom_args?.delivery_id as string
      mails.set(id, [...(mails.get(id) ?? []), mail.body.headers?.['Message-ID'] as string])
    }
    for (const d of of('email')) {
      const copies = mails.get(d.id) ?? []
      expect(copies.length, `e-mail ${d.id}`).toBeGreaterThanOrEqual(1)
      if (copies.length > 1) expect(inDoubt.has(d.id), `e-mail ${d.id} repeated without doubt`).toBe(true)
      expect(new Set(copies).size).toBe(1)
      expect(copies[0]).toMatch(new RegExp(`^<${d.id}@`))
    }

    // SMS (at most once): sent exactly once, or recorded failed as in doubt and never repeated.
    const texts = tally(kavenegar.messages.map((m) => m.receptor))
    for (const d of of('sms')) {
      const n = texts.get(receptors.get(d.user_id)!) ?? 0
      if (d.status === 'sent') expect(n, `sms ${d.id}`).toBe(1)
      else {
        expect(d).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^outcome unknown/) })
        expect(n).toBeLessThanOrEqual(1)
      }
    }
    expect(of('sms').filter((d: any) => d.status !== 'sent').length).toBe(doubted('sms').length)

    const share = (channel: string) => doubted(channel).length / RECIPIENTS
    const duplicates = [...mails.values()].filter((copies) => copies.length > 1).length
    console.log(
      `kill test: ${RECIPIENTS} recipients × ${CHANNELS.join(', ')}; ${acceptedAtKill} e-mails accepted before the kill; in doubt: ` +
        `push ${doubted('push').length} (sent again, collapsed), e-mail ${doubted('email').length} = ${(share('email') * 100).toFixed(1)} % ` +
        `(sent again with the same Message-ID; ${duplicates} reached the provider twice), SMS ${doubted('sms').length} = ` +
        `${(share('sms') * 100).toFixed(1)} % (failed, not repeated); lost: in-app 0, push 0, e-mail 0`,
    )
    expect(share('email')).toBeLessThan(0.02)
    expect(share('sms')).toBeLessThan(0.02)
  }, 300_000)
})
