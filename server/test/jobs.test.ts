import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, bearer, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { until } from './helpers/wait'

let t: TestCaravan
const seen: string[] = []
const attempts = new Map<string, number>()
let release!: () => void
const slowStarted: string[] = []

beforeAll(async () => {
  t = await startTestCaravan({ deferStart: true })
  const { jobs } = t.caravan
  jobs.define<{ tag: string }>({
    name: 'test-record',
    handler: async ({ tag }) => {
      seen.push(tag)
    },
  })
  jobs.define<{ tag: string }>({
    name: 'test-flaky',
    retryLimit: 2,
    retryDelaySeconds: 1,
    handler: async ({ tag }) => {
      const n = (attempts.get(tag) ?? 0) + 1
      attempts.set(tag, n)
      if (tag.startsWith('always') || n < 2) throw new Error(`fail ${tag} #${n}`)
      seen.push(tag)
    },
  })
  jobs.define<{ tag: string }>({
    name: 'test-slow',
    handler: async ({ tag }) => {
      slowStarted.push(tag)
      await new Promise<void>((resolve) => {
        release = resolve
      })
      seen.push(tag)
    },
  })
  jobs.schedule('test-record', '*/5 * * * *', { tag: 'cron' })
  await t.caravan.start()
})
afterAll(async () => {
  await t?.close()
})

describe('jobs', () => {
  it('a job sent inside a transaction runs only if the transaction commits', async () => {
    const { jobs, database } = t.caravan
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`)
      await jobs.send('test-record', { tag: 'committed' }, { tx })
    })
    await database.db
      .transaction(async (tx) => {
        await jobs.send('test-record', { tag: 'rolled-back' }, { tx })
        tx.rollback()
      })
      .catch(() => {})
    await until(() => seen.includes('committed'))
    // The rolled-back job was never stored, so no worker can ever run it (no waiting needed to see that).
    const stored = await t.database.query(`select count(*)::int as n from pgboss.job where data->>'tag' = 'rolled-back'`)
    expect(stored.rows[0].n).toBe(0)
    expect(seen).not.toContain('rolled-back')
  })

  it('retries a failing job with growing delays, then succeeds', async () => {
    await t.caravan.jobs.send('test-flaky', { tag: 'second-time' })
    await until(() => seen.includes('second-time'))
    expect(attempts.get('second-time')).toBe(2)
  })

  it('puts a job that fails every retry in the dead letters, where an admin sees and re-drives it', async () => {
    await t.caravan.jobs.send('test-flaky', { tag: 'always-fails' })
    await until(async () => (await t.caravan.jobs.listDead()).some((j) => (j.data as any).tag === 'always-fails'), 40_000)
    expect(attempts.get('always-fails')).toBe(3) // first run + 2 retries
    const admin = await adminSession(t)
    const list = await t.caravan.app.inject({ method: 'GET', url: '/v1/admin/jobs/dead', headers: bearer(admin.accessToken) })
    const dead = list.json().items.find((j: any) => j.data.tag === 'always-fails')
    expect(dead).toMatchObject({ queue: 'test-flaky' })
    const retry = await t.caravan.app.inject({
      method: 'POST',
      url: `/v1/admin/jobs/dead/${dead.id}/retry`,
      headers: bearer(admin.accessToken),
    })
    expect(retry.statusCode).toBe(202)
    await until(() => (attempts.get('always-fails') ?? 0) >= 4)
    expect(
      (await t.caravan.app.inject({ method: 'POST', url: `/v1/admin/jobs/dead/${dead.id}/retry`, headers: bearer(admin.accessToken) }))
        .statusCode,
    ).toBe(404)
    const audit = await t.database.query(`select count(*)::int as n from audit_log where action = 'job.retried'`)
    expect(audit.rows[0].n).toBe(1)
  }, 90_000)

  it('registers cron schedules', async () => {
    const rows = await t.database.query(`select name, cron from pgboss.schedule`)
    expect(rows.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'test-record', cron: '*/5 * * * *' }),
        expect.objectContaining({ name: 'idempotency-purge' }),
      ]),
    )
  })

  it('counts outcomes in /metrics', async () => {
    const metrics = await t.caravan.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/caravan_jobs_total\{queue="test-record",outcome="completed"\} [1-9]/)
    expect(metrics.body).toMatch(/caravan_jobs_total\{queue="test-flaky",outcome="retried"\} [1-9]/)
    expect(metrics.body).toMatch(/caravan_jobs_total\{queue="test-flaky",outcome="dead"\} [1-9]/)
  })

  it('graceful shutdown lets a job in flight finish', async () => {
    await t.caravan.jobs.send('test-slow', { tag: 'in-flight' })
    await until(() => slowStarted.includes('in-flight'))
    let stopped = false
    const stopping = t.caravan.jobs.stop(10_000).then(() => {
      stopped = true
    })
    await until(async () => !(await t.caravan.jobs.healthy())) // the queue is stopping
    expect(stopped).toBe(false) // and waits for the job it holds
    release()
    await stopping
    expect(seen).toContain('in-flight')
    const state = await t.database.query(`select state from pgboss.job where name = 'test-slow' and data->>'tag' = 'in-flight'`)
    expect(state.rows[0].state).toBe('completed')
  })
})

describe('shutdown that runs out of time', () => {
  it('releases the job in flight so another worker retries it', async () => {
    const node = await startTestCaravan({ deferStart: true, env: { SHUTDOWN_TIMEOUT_SECONDS: '1' } })
    try {
      let started = false
      node.caravan.jobs.define({
        name: 'test-stuck',
        retryDelaySeconds: 1,
        handler: async () => {
          started = true
          await new Promise(() => {})
        },
      })
      await node.caravan.start()
      await node.caravan.jobs.send('test-stuck', {})
      await until(() => started)
      await node.caravan.jobs.stop(1000)
      const state = await node.database.query(`select state, retry_count from pgboss.job where name = 'test-stuck'`)
      expect(state.rows[0].state).toBe('retry') // released: runnable again after its retry delay
    } finally {
      await node.close()
    }
  })

  it('waits a while longer for a job that outlives the timeout: its last statements run before the database closes', async () => {
    const node = await startTestCaravan({ deferStart: true, env: { SHUTDOWN_TIMEOUT_SECONDS: '1' } })
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    let closed = false
    try {
      let started = false
      let wrote = false
      node.caravan.jobs.define({
        name: 'test-late',
        handler: async () => {
          started = true
          // Longer than the graceful timeout (1 s), shorter than the second one it is given.
          await new Promise((resolve) => setTimeout(resolve, 1300))
          await node.database.query('select 1')
          wrote = true
        },
      })
      await node.caravan.start()
      await node.caravan.jobs.send('test-late', {})
      await until(() => started)
      await node.caravan.jobs.stop(1000)
      expect(wrote).toBe(true)
      await node.close()
      closed = true
      // Anything pg-boss still had to say to the closed pool would have been rejected by now.
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
      if (!closed) await node.close()
    }
  })
})
