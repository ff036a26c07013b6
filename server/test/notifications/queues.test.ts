// The job queues the notifications module runs on: each with an expiry that fits its work, expired
// jobs (a dead worker's) noticed within seconds, and dead letters kept DEAD_LETTER_RETENTION_DAYS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { DELIVER_EXPIRE_SECONDS } from '../../src/modules/notifications/pipeline'
import { startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'

let t: TestCaravan
const ran: string[] = []
beforeAll(async () => {
  // pg-boss's own maintenance (which also expires jobs) stays at its minute: the checks below are the node's.
  t = await startTestCaravan({ deferStart: true, env: { DEAD_LETTER_RETENTION_DAYS: '3', JOBS_MAINTENANCE_SECONDS: '60' } })
  const { jobs } = t.caravan
  jobs.define<{ tag: string }>({
    name: 'test-always-fails',
    retryLimit: 0,
    handler: async ({ tag }) => {
      throw new Error(`no luck for ${tag}`)
    },
  })
  jobs.define<{ tag: string }>({
    name: 'test-orphaned',
    retryLimit: 2,
    retryDelaySeconds: 1,
    expireInSeconds: 30,
    handler: async ({ tag }) => {
      ran.push(tag)
    },
  })
  await t.caravan.start()
})
afterAll(async () => {
  await t?.close()
})

const queue = async (name: string) =>
  (await t.database.query(`select retention_minutes, expire_seconds, dead_letter from pgboss.queue where name = $1`, [name])).rows[0]

describe('queue expiries', () => {
  it('fit the work of each queue', async () => {
    expect(await queue('notify-fanout')).toMatchObject({ expire_seconds: 60, dead_letter: 'notify-fanout-dead' })
    // One provider attempt at its longest (two calls of the highest timeout a provider accepts) and a margin.
    expect(DELIVER_EXPIRE_SECONDS).toBeGreaterThanOrEqual(2 * 120)
    expect(await queue('notify-deliver')).toMatchObject({ expire_seconds: DELIVER_EXPIRE_SECONDS })
    expect((await queue('notify-status-poll')).expire_seconds).toBeLessThanOrEqual(300)
    expect((await queue('notify-user-registered')).expire_seconds).toBeLessThanOrEqual(60)
  })

  it('are settings; NOTIFY_JOB_EXPIRE_SECONDS still sets both notification queues', () => {
    const base = { DATA_DIR: t.caravan.config.dataDir }
    expect(loadConfig(base)).toMatchObject({
      notifyFanoutExpireSeconds: 60,
      notifyDeliverExpireSeconds: undefined,
      deadLetterRetentionDays: 30,
    })
    expect(loadConfig({ ...base, NOTIFY_JOB_EXPIRE_SECONDS: '4' })).toMatchObject({
      notifyFanoutExpireSeconds: 4,
      notifyDeliverExpireSeconds: 4,
    })
    expect(
      loadConfig({ ...base, NOTIFY_JOB_EXPIRE_SECONDS: '4', NOTIFY_FANOUT_EXPIRE_SECONDS: '30', NOTIFY_DELIVER_EXPIRE_SECONDS: '400' }),
    ).toMatchObject({ notifyFanoutExpireSeconds: 30, notifyDeliverExpireSeconds: 400 })
    expect(() => loadConfig({ ...base, DEAD_LETTER_RETENTION_DAYS: '0' })).toThrow(/DEAD_LETTER_RETENTION_DAYS/)
  })

  it("a dead worker's job runs again within seconds of its expiry", async () => {
    // As a killed worker leaves it: active, started long ago, nobody working on it.
    const id = await t.caravan.jobs.send('test-orphaned', { tag: 'orphan' }, { startAfter: new Date(Date.now() + 3_600_000) })
    await t.database.query(
      `update pgboss.job set state = 'active', started_on = now() - interval '1 hour', start_after = now() where id = $1`,
      [id],
    )
    const started = Date.now()
    await until(() => ran.includes('orphan'), 20_000, 'the orphaned job ran again')
    // The expiry check runs every 5 s (JOBS_EXPIRE_CHECK_SECONDS), then the retry waits 1–2 s.
    expect(Date.now() - started).toBeLessThan(15_000)
  })
})

describe('dead letters', () => {
  it('are kept DEAD_LETTER_RETENTION_DAYS, for jobs that land there too', async () => {
    for (const name of ['notify-deliver-dead', 'notify-fanout-dead', 'test-always-fails-dead']) {
      expect((await queue(name)).retention_minutes, name).toBe(3 * 24 * 60)
    }
    await t.caravan.jobs.send('test-always-fails', { tag: 'doomed' })
    const dead = await until(
      async () => {
        const { rows } = await t.database.query(
          `select extract(epoch from keep_until - created_on)::int as kept from pgboss.job where name = 'test-always-fails-dead' and data->>'tag' = 'doomed'`,
        )
        return rows[0]?.kept === 3 * 86_400 ? rows[0] : undefined
      },
      20_000,
      'the dead job kept 3 days',
    )
    expect(dead.kept).toBe(3 * 86_400)
    expect((await t.caravan.jobs.listDead()).some((j) => j.queue === 'test-always-fails')).toBe(true)
  })
})
