// Background jobs on pg-boss, on PGlite or PostgreSQL alike. A module defines a job once
// (name, handler, retry policy); HTTP routes and workers then call the same service. Jobs sent
// with a transaction commit or vanish with it. Failed jobs retry with exponential backoff and
// jitter (pg-boss: delay·2^n/2 + random·delay·2^n/2); after the last retry they land in the
// queue's dead-letter queue `<name>-dead`, which admins list and re-drive, kept for a set number of
// days. A job whose worker died (kill -9, lost machine) stays "active" until its expiry passes; each
// node looks for such jobs every few seconds, so a queue whose jobs are short can use a short expiry
// and a crash costs seconds.
import PgBoss from 'pg-boss'
import type { Logger } from 'pino'
import type { Database, Executor } from '../db/client'
import type { Metrics } from '../metrics/registry'
import { trackInFlight, trackStatements } from './tracked-statements'

export interface JobDefinition<T> {
  name: string
  handler: (data: T, job: { id: string; retryCount: number }) => Promise<void>
  retryLimit?: number
  /** Seconds before the first retry; doubled (with jitter) for each later one. */
  retryDelaySeconds?: number
  /**
   * A job running longer than this is presumed dead (its worker was killed) and runs again; pg-boss
   * also fails a batch still running after it. Set it to fit the work: the longest a healthy run
   * takes, with a margin. Default 15 minutes.
   */
  expireInSeconds?: number
  batchSize?: number
  /** Parallel workers for this queue on each worker node. */
  concurrency?: number
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if it commits. */
  tx?: Executor
  startAfter?: Date | number
  singletonKey?: string
  priority?: number
  /** The job's own id: sending an id that is queued already does nothing (a step that may run twice enqueues its next step once). */
  id?: string
}

export interface DeadJob {
  id: string
  queue: string
  data: unknown
  error: unknown
  createdOn: string
}

const DEAD_SUFFIX = '-dead'
const DEFAULT_EXPIRE_SECONDS = 15 * 60

export interface JobsOptions {
  database: Database
  logger: Logger
  metrics: Metrics
  /** How often pg-boss archives finished jobs and drops old ones (one node at a time); default 60. */
  maintenanceIntervalSeconds?: number
  /**
   * How often this node fails jobs past their expiry so they are retried; default 5. pg-boss does
   * it only in its maintenance, which would add up to a whole maintenance interval to every crash.
   */
  expireCheckSeconds?: number
  /** Days a job that failed for good stays in `<queue>-dead`; default 30. */
  deadLetterRetentionDays?: number
}

export function createJobs(options: JobsOptions) {
  const { database, logger, metrics } = options
  const timing = { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60 }
  const expireCheckMs = (options.expireCheckSeconds ?? 5) * 1000
  const deadLetterDays = options.deadLetterRetentionDays ?? 30
  const timers: ReturnType<typeof setInterval>[] = []
  // Work pg-boss started that may outlive its stop: worker batches past the graceful timeout, and
  // the periodic tasks. stop() waits for them before the database goes, since pg-boss records a
  // batch's outcome without awaiting it: a statement on a closed pool would be an unhandled rejection.
  const batches = trackInFlight()
  const statements = trackStatements(database.bossDb)
  const boss = new PgBoss({ db: statements.executor, schema: 'pgboss', ...timing })
  boss.on('error', (err) => logger.error({ err }, 'job queue error'))
  const definitions = new Map<string, JobDefinition<any>>()
  const schedules: { name: string; cron: string; data: object }[] = []
  let started = false

  function define<T>(def: JobDefinition<T>): JobDefinition<T> {
    definitions.set(def.name, def)
    return def
  }

  async function send<T extends object>(name: string, data: T, opts: SendOptions = {}): Promise<string | null> {
    if (!definitions.has(name)) throw new Error(`Unknown job "${name}"`)
    const sendOptions: PgBoss.SendOptions & { db?: unknown } = {}
    if (opts.tx) sendOptions.db = database.jobDb(opts.tx)
    if (opts.startAfter) sendOptions.startAfter = opts.startAfter instanceof Date ? opts.startAfter : new Date(opts.startAfter)
    if (opts.singletonKey) sendOptions.singletonKey = opts.singletonKey
    if (opts.priority) sendOptions.priority = opts.priority
    if (opts.id) sendOptions.id = opts.id
    return boss.send(name, data, sendOptions as PgBoss.SendOptions)
  }

  /** Many jobs of one queue in one statement (fan-out), optionally inside a transaction. */
  async function sendMany<T extends object>(
    name: string,
    items: { data: T; startAfter?: Date; id?: string }[],
    opts: { tx?: Executor } = {},
  ): Promise<void> {
    if (!definitions.has(name)) throw new Error(`Unknown job "${name}"`)
    for (let i = 0; i < items.length; i += 500) {
      const batch: PgBoss.JobInsert[] = items.slice(i, i + 500).map((item) => ({
        name,
        data: item.data,
        ...(item.startAfter ? { startAfter: item.startAfter.toISOString() } : {}),
        ...(item.id ? { id: item.id } : {}),
      }))
      await boss.insert(batch, opts.tx ? { db: database.jobDb(opts.tx) } : {})
    }
  }

  /** A cron schedule (5 or 6 field cron, UTC) that enqueues `name` on one node at each tick. */
  function schedule(name: string, cron: string, data: object = {}) {
    schedules.push({ name, cron, data })
  }

  async function runOne(def: JobDefinition<any>, job: PgBoss.JobWithMetadata<any>): Promise<unknown> {
    // PGlite does no real I/O, so a busy worker would otherwise be one endless chain of promise
    // continuations, and timers and HTTP on this node would wait until the queue is empty.
    if (database.kind === 'pglite') await new Promise((resolve) => setImmediate(resolve))
    const end = metrics.jobDuration.startTimer({ queue: def.name })
    try {
      await def.handler(job.data, { id: job.id, retryCount: job.retryCount })
      metrics.jobsTotal.inc({ queue: def.name, outcome: 'completed' })
      return undefined
    } catch (err) {
      const last = job.retryCount >= job.retryLimit
      metrics.jobsTotal.inc({ queue: def.name, outcome: last ? 'dead' : 'retried' })
      logger.warn(
        { err, job: { id: job.id, queue: def.name, retryCount: job.retryCount } },
        last ? 'job failed for good' : 'job failed, will retry',
      )
      return err
    } finally {
      end()
    }
  }

  const deadQueues = () => [...definitions.keys()].map((name) => name + DEAD_SUFFIX)

  /**
   * pg-boss 10 gives a job moved to its dead letters the failed job's retention doubled (28 days by
   * default), not the dead queue's retentionMinutes; restamp them so the setting holds both ways.
   */
  async function restampDeadLetters() {
    // One queue a statement: pgboss.job is partitioned by queue name, and `name = any($list)` made
    // the planner open every partition, 60+ ms of PostgreSQL each time; `name = $1` plans one.
    for (const name of deadQueues())
      await database.query(
        `update pgboss.job set keep_until = created_on + make_interval(days => $1)
          where name = $2 and state = 'created' and keep_until <> created_on + make_interval(days => $1)`,
        [deadLetterDays, name],
      )
  }

  /**
   * Whether a job is active past its expiry. pg-boss's expire is a delete and re-insert over every
   * partition of pgboss.job (25–70 ms of PostgreSQL, every few seconds on every node); this look
   * costs a few, and a stuck job is rare.
   */
  async function anyExpired(): Promise<boolean> {
    const { rows } = await database.query(
      `select exists (select 1 from pgboss.job where state = 'active' and started_on + expire_in < now()) as due`,
    )
    return rows[0]?.due === true
  }

  /** Runs `task` every `ms` while started (never two at once); an error is logged and the next tick tries again. */
  function every(ms: number, what: string, task: () => Promise<unknown>) {
    let running = false
    const timer = setInterval(() => {
      if (!started || running) return
      running = true
      void batches
        .track(task())
        .catch((err) => logger.warn({ err }, `${what} failed`))
        .finally(() => (running = false))
    }, ms)
    timer.unref()
    timers.push(timer)
  }

  async function start(opts: { work: boolean }) {
    await boss.start()
    started = true
    for (const def of definitions.values()) {
      const dead = def.name + DEAD_SUFFIX
      const deadSettings = { retentionMinutes: deadLetterDays * 24 * 60 }
      await boss.createQueue(dead, { name: dead, ...deadSettings })
      await boss.updateQueue(dead, { name: dead, ...deadSettings })
      const settings = {
        retryLimit: def.retryLimit ?? 5,
        retryDelay: def.retryDelaySeconds ?? 5,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds ?? DEFAULT_EXPIRE_SECONDS,
        deadLetter: dead,
      }
      // createQueue keeps an existing queue as it was: update it so changed settings apply.
      await boss.createQueue(def.name, { name: def.name, ...settings })
      await boss.updateQueue(def.name, { name: def.name, ...settings })
    }
    for (const s of schedules) await boss.schedule(s.name, s.cron, s.data)
    await restampDeadLetters()
    every(expireCheckMs, 'expiring stuck jobs', async () => {
      if (await anyExpired()) await boss.expire()
      await restampDeadLetters()
    })
    if (!opts.work) return
    for (const def of definitions.values()) {
      const batchSize = def.batchSize ?? 5
      for (let i = 0; i < (def.concurrency ?? 1); i++) {
        const workerId: string = await boss.work(
          def.name,
          { batchSize, includeMetadata: true, pollingIntervalSeconds: 1 },
          (jobs: PgBoss.JobWithMetadata<any>[]) => batches.track(runBatch(def, workerId, jobs)),
        )
      }
    }
  }

  /** One batch a worker fetched: each job run; those that threw failed, the rest completed by pg-boss. */
  async function runBatch(def: JobDefinition<any>, workerId: string, jobs: PgBoss.JobWithMetadata<any>[]) {
    const errors = await Promise.all(jobs.map((job) => runOne(def, job)))
    const failed = jobs.filter((_, i) => errors[i] !== undefined)
    // Fail only the jobs that threw; pg-boss then completes the rest of the batch.
    for (const [i, job] of jobs.entries()) {
      if (errors[i] !== undefined) {
        const err = errors[i] as Error
        await boss.fail(def.name, job.id, { message: err?.message ?? String(err) })
      }
    }
    // More may be waiting: a full batch, or jobs that queued follow-ups (a fan-out's next
    // chunk) while they ran. Skip the polling sleep; an empty fetch costs one query.
    if (jobs.length > 0 && failed.length === 0) boss.notifyWorker(workerId)
  }

  async function stop(timeoutMs: number) {
    if (!started) return
    started = false
    for (const timer of timers.splice(0)) clearInterval(timer)
    // Graceful: wait for jobs in flight up to timeoutMs, then fail (= release for retry) the rest.
    await boss.stop({ graceful: timeoutMs > 0, wait: true, timeout: Math.max(1000, timeoutMs) })
    // Work pg-boss started may still be going: a batch that outlived the graceful timeout (its jobs
    // already released for a retry), a fetch in flight whose jobs then run, a periodic task, and the
    // outcomes pg-boss records without awaiting them (tracked-statements.ts). It finishes against an
    // open database, for as long again at most.
    const deadline = Date.now() + Math.max(1000, timeoutMs)
    for (;;) {
      await statements.settled()
      // A turn of the event loop: a fetch's answer starts its batch, a batch's end issues its outcome.
      await new Promise((resolve) => setImmediate(resolve))
      if (!batches.size || Date.now() >= deadline) break
      await Promise.race([batches.settled(), new Promise((resolve) => setTimeout(resolve, deadline - Date.now()).unref())])
    }
    await statements.settled()
  }

  async function listDead(limit = 50): Promise<DeadJob[]> {
    const { rows } = await database.query(
      `select id, name, data, output, created_on from pgboss.job
        where name like '%${DEAD_SUFFIX}' and state = 'created' order by created_on desc limit $1`,
      [limit],
    )
    return rows.map((r: any) => ({
      id: r.id,
      queue: String(r.name).slice(0, -DEAD_SUFFIX.length),
      data: r.data,
      error: r.output ?? null,
      createdOn: new Date(r.created_on).toISOString(),
    }))
  }

  /** Sends a dead job back to its queue (with a fresh retry budget) and removes it from the dead letters. */
  async function retryDead(id: string): Promise<boolean> {
    // One transaction: the job is never both gone from the dead letters and not re-queued.
    return database.db.transaction(async (tx) => {
      const { rows } = await database
        .jobDb(tx)
        .executeSql(`delete from pgboss.job where id = $1 and name like '%${DEAD_SUFFIX}' and state = 'created' returning name, data`, [id])
      if (rows.length === 0) return false
      await send(String(rows[0].name).slice(0, -DEAD_SUFFIX.length), rows[0].data, { tx })
      return true
    })
  }

  async function healthy(): Promise<boolean> {
    if (!started) return false
    await boss.getQueues()
    return true
  }

  return { define, send, sendMany, schedule, start, stop, listDead, retryDead, healthy, boss }
}

export type Jobs = ReturnType<typeof createJobs>
