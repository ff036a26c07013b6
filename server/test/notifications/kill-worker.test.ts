// A worker killed (SIGKILL) in the middle of a batch: after another worker takes over, every
// delivery ends sent exactly once to the provider, or failed as "outcome unknown" (sent at most
// once): none lost, none doubled. SendGrid has no idempotency key, so an in-doubt send is never
// repeated.
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { createPostgresDatabase, POSTGRES_URL, requireServices } from '../helpers/services'
import { until } from '../helpers/wait'
import { startWorkerProcess } from '../helpers/worker'
import { startFakeSendGrid, type FakeSendGrid } from '../fakes/sendgrid'
import { api, defineType } from './helpers'

const RECIPIENTS = 150

let run = false
let t: TestCaravan
let fake: FakeSendGrid
let db: { url: string; drop: () => Promise<void> }
const workers: ChildProcess[] = []

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
  fake = await startFakeSendGrid({ apiKey: 'SG.kill-test', latencyMs: 40 })
  const admin = (await adminSession(t)).accessToken
  const provider = await api(t, 'POST', '/v1/admin/notification-providers', admin, {
    provider: 'sendgrid',
    config: { apiKey: 'SG.kill-test', from: 'shop@example.com', baseUrl: fake.baseUrl, timeoutMs: 5000 },
  })
  expect(provider.status).toBe(201)
  await defineType(t, admin, 'bulk.notice', ['email'])
  const ids = Array.from({ length: RECIPIENTS }, () => randomUUID())
  await t.database.query(
    `insert into users (id, email, password_hash, locale, timezone) select id, 'bulk-' || id || '@example.com', 'x', 'en', 'UTC' from unnest($1::uuid[]) as id`,
    [ids],
  )
  const sent = await api(t, 'POST', '/v1/notifications', admin, { type: 'bulk.notice', to: ids, data: { orderId: 'K' } })
  expect(sent.status).toBe(202)
}, 120_000)

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL')
  await fake?.close()
  await t?.close()
  await db?.drop().catch(() => {})
})

describe('a worker killed mid-batch', () => {
  it('loses nothing and doubles nothing', async (ctx) => {
    if (!run) return ctx.skip()
    const first = await startWorker()
    await until(() => fake.accepted.length >= 40, 60_000, '40 emails accepted')
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    const acceptedAtKill = fake.accepted.length
    expect(acceptedAtKill).toBeLessThan(RECIPIENTS)

    await startWorker()
    const final = await until(
      async () => {
        const { rows } = await t.database.query(`select id, status, reason from deliveries where type_key = 'bulk.notice'`)
        return rows.length === RECIPIENTS && rows.every((r: any) => !['pending', 'queued', 'sending'].includes(r.status)) ? rows : undefined
      },
      90_000,
      'every delivery final',
    ).catch(async (e) => {
      const counts = await t.database.query(`select status, count(*)::int n from deliveries group by status`)
      const jobs = await t.database.query(
        `select name, state, count(*)::int n, min(start_after) sa, min(started_on) so from pgboss.job group by name, state`,
      )
      console.log('DEBUG', JSON.stringify(counts.rows), JSON.stringify(jobs.rows), new Date().toISOString())
      throw e
    })

    const sends = new Map<string, number>()
    for (const mail of fake.accepted) {
      const id = mail.body.personalizations[0].custom_args?.delivery_id as string
      sends.set(id, (sends.get(id) ?? 0) + 1)
    }
    const sent = final.filter((d: any) => d.status === 'sent')
    const failed = final.filter((d: any) => d.status === 'failed')
    expect(sent.length + failed.length).toBe(RECIPIENTS)
    for (const d of sent) expect(sends.get(d.id), `delivery ${d.id}`).toBe(1)
    for (const d of failed) {
      expect(d.reason).toMatch(/outcome unknown/)
      expect(sends.get(d.id) ?? 0).toBeLessThanOrEqual(1)
    }
    expect([...sends.values()].every((n) => n === 1)).toBe(true)
    // Only what was in flight at the kill can be in doubt.
    expect(failed.length).toBeLessThanOrEqual(40)
    console.log(`kill test: ${acceptedAtKill} accepted before the kill, ${sent.length} sent, ${failed.length} in doubt → failed`)
  }, 180_000)
})
