// A worker killed (SIGKILL) while 1,000 workflow runs wait in digest windows: a second worker closes
// every window once, each recipient gets exactly one digested in-app item with all its
// notifications, and every run ends exactly once (one went on, the others merged into it).
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { createPostgresDatabase, POSTGRES_URL, requireServices } from '../helpers/services'
import { until } from '../helpers/wait'
import { startWorkerProcess } from '../helpers/worker'
import { api, defineType, insertUsers } from './helpers'

const USERS = 200
const PER_USER = 5
const RUNS = USERS * PER_USER
/** Long enough for the first worker to put all 1,000 runs into their windows before any closes. */
const WINDOW_SECONDS = 40
const TYPE = 'chat.digest_kill'

let run = false
let t: TestCaravan
let db: { url: string; drop: () => Promise<void> }
const workers: ChildProcess[] = []

async function startWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess(t, db.url, { JOBS_EXPIRE_CHECK_SECONDS: '1' })
  workers.push(child)
  return child
}

const count = async (sql: string, params: unknown[] = []) => (await t.database.query(sql, params)).rows[0].n as number

beforeAll(async () => {
  run = await requireServices({ postgres: true })
  if (!run) return
  db = await createPostgresDatabase(POSTGRES_URL)
  // This node only accepts requests: the workers are the child processes.
  t = await startTestCaravan({ database: { url: db.url }, env: { CARAVAN_ROLE: 'api', JOBS_EXPIRE_CHECK_SECONDS: '1' } })
  const admin = (await adminSession(t)).accessToken
  await defineType(t, admin, TYPE, ['in_app'])
  for (const locale of ['en', 'fa'])
    await api(t, 'PUT', `/v1/admin/notification-types/${TYPE}/templates/in_app/${locale}`, admin, {
      content: { title: '{{ count }} new', body: '{% for e in events %}{{ e.orderId }} {% endfor %}' },
    })
  const saved = await api(t, 'PUT', `/v1/admin/notification-types/${TYPE}/workflow`, admin, {
    steps: [
      { kind: 'digest', key: 'data.conversationId', windowSeconds: WINDOW_SECONDS },
      { kind: 'channel', channel: 'in_app' },
    ],
  })
  expect(saved.status).toBe(201)
  const users = await insertUsers(t, USERS)
  for (let i = 0; i < PER_USER; i++) {
    const sent = await api(t, 'POST', '/v1/notifications', admin, {
      type: TYPE,
      to: users,
      data: { conversationId: 'c-1', orderId: `m${i}` },
    })
    expect(sent.status).toBe(202)
  }
}, 120_000)

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL')
  await t?.close()
  await db?.drop().catch(() => {})
})

describe('a worker killed while runs wait in digest windows', () => {
  it('a second worker finishes every run exactly once', async (ctx) => {
    if (!run) return ctx.skip()
    const first = await startWorker()
    await until(
      async () => (await count(`select count(*)::int n from notification_runs where status = 'digesting'`)) === RUNS,
      WINDOW_SECONDS * 1000 * 0.75,
      `all ${RUNS} runs waiting in their windows`,
    )
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    expect(await count(`select count(*)::int n from notification_digests where status = 'open'`)).toBe(USERS)
    expect(await count(`select count(*)::int n from inbox_items where type_key = $1`, [TYPE])).toBe(0)

    await startWorker()
    await until(
      async () => (await count(`select count(*)::int n from notification_runs where status in ('completed', 'merged')`)) === RUNS,
      WINDOW_SECONDS * 1000 + 90_000,
      'every run ended',
    )
    await until(
      async () => (await count(`select count(*)::int n from deliveries where type_key = $1 and status = 'delivered'`, [TYPE])) === USERS,
      30_000,
      'every digest delivered',
    )
    const { rows: runs } = await t.database.query(`select status, event_count, count(*)::int n from notification_runs group by 1, 2`)
    expect(runs.sort((a: any, b: any) => a.status.localeCompare(b.status))).toEqual([
      { status: 'completed', event_count: PER_USER, n: USERS },
      { status: 'merged', event_count: null, n: RUNS - USERS },
    ])
    expect(await count(`select count(*)::int n from notification_digests where status = 'closed'`)).toBe(USERS)
    expect(await count(`select count(*)::int n from notification_digests`)).toBe(USERS)
    // Exactly one item per recipient, holding all five notifications in the order they were sent.
    const { rows: items } = await t.database.query(`select user_id, title, body from inbox_items where type_key = $1`, [TYPE])
    expect(items).toHaveLength(USERS)
    expect(new Set(items.map((i: any) => i.user_id)).size).toBe(USERS)
    expect(new Set(items.map((i: any) => `${i.title}|${i.body}`))).toEqual(new Set([`${PER_USER} new|m0 m1 m2 m3 m4`]))
    expect(await count(`select count(*)::int n from deliveries where type_key = $1`, [TYPE])).toBe(USERS)
    console.log(
      `workflow kill test: ${RUNS} runs in ${USERS} digest windows at the kill; after it: ${USERS} windows closed once, ${USERS} in-app items (one each, ${PER_USER} notifications in each), ${RUNS - USERS} runs merged, none lost or repeated`,
    )
  }, 240_000)
})
