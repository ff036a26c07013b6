// A worker killed (SIGKILL) while it fans out a notification accepted a moment before: another
// worker takes the fan-out over within seconds (its chunk job expires after a minute and expired
// jobs are noticed every few seconds), not after the quarter of an hour every job used to get.
import type { ChildProcess } from 'node:child_process'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { createPostgresDatabase, POSTGRES_URL, requireServices } from '../helpers/services'
import { until } from '../helpers/wait'
import { startWorkerProcess } from '../helpers/worker'
import { api, defineType, insertUsers } from './helpers'

let run = false
let t: TestCaravan
let db: { url: string; drop: () => Promise<void> }
let admin: string
const workers: ChildProcess[] = []

async function startWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess(t, db.url)
  workers.push(child)
  return child
}

beforeAll(async () => {
  run = await requireServices({ postgres: true })
  if (!run) return
  db = await createPostgresDatabase(POSTGRES_URL)
  // This node only accepts requests: the workers are the child processes.
  t = await startTestCaravan({ database: { url: db.url }, env: { CARAVAN_ROLE: 'api' } })
  admin = (await adminSession(t)).accessToken
  await defineType(t, admin, 'crash.notice', ['in_app'])
}, 120_000)

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL')
  await t?.close()
  await db?.drop().catch(() => {})
})

describe('a worker killed during a fan-out', () => {
  it('costs seconds: another worker fans the notification out within 90 s', async (ctx) => {
    if (!run) return ctx.skip()
    const users = await insertUsers(t, 3)
    const sent = await api(t, 'POST', '/v1/notifications', admin, { type: 'crash.notice', to: users, data: { orderId: 'K' } })
    expect(sent.status).toBe(202)
    const id = sent.body.id

    // Hold the notification row so the first worker's chunk blocks in its insert (the deliveries'
    // foreign key waits for the lock): it is then certainly in the middle of the fan-out.
    const lock = new pg.Client({ connectionString: db.url })
    await lock.connect()
    try {
      await lock.query('begin')
      await lock.query('select id from notifications where id = $1 for update', [id])
      const first = await startWorker()
      await until(
        async () => {
          const { rows } = await t.database.query(
            `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'insert into "deliveries"%'`,
          )
          return rows[0].n > 0
        },
        60_000,
        'the first worker blocked inside the fan-out',
      )
      first.kill('SIGKILL')
      await new Promise((resolve) => first.once('exit', resolve))
      await lock.query('commit')
    } finally {
      await lock.end()
    }
    const killedAt = Date.now()

    await startWorker()
    await until(
      async () => {
        const { rows } = await t.database.query(`select status from notifications where id = $1`, [id])
        return rows[0].status === 'fanned_out'
      },
      90_000,
      'fanned out by the second worker',
    )
    const { rows } = await t.database.query(`select count(*)::int as n from deliveries where notification_id = $1`, [id])
    expect(rows[0].n).toBe(3)
    const seconds = (Date.now() - killedAt) / 1000
    console.log(`crash recovery: fanned out ${seconds.toFixed(1)} s after the kill`)
    expect(seconds).toBeLessThan(90)
  }, 240_000)
})
