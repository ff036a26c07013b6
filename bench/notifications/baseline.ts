// The pipeline baseline: the least a Node service on pg-boss 10 can do to move N messages into an
// outbox — no fan-out logic, templates, preferences, statuses or attempts. run.ts forks this file
// with a fresh database, and reports Caravan's deliveries/s as a ratio of its rows/s.
//
// What it does, timed from before the first insert:
//   1. enqueue: N messages in jobs of 25 (Caravan's DELIVERY_BUNDLE) with boss.insert() in
//      batches of 500 messages (the "fan-out" of this baseline);
//   2. work: 2 workers, batchSize 2, polling every second, the messages of a batch in parallel,
//      each one `INSERT INTO outbox … VALUES …`; a worker that got a full batch calls
//      boss.notifyWorker(workerId) to skip its polling sleep (see RECIPES.md) — the same worker
//      settings as Caravan's notify-deliver queue (2 per node, batch 2, 1 s polling, notifyWorker);
//   3. done when `SELECT count(*) FROM outbox` = N, polled every 200 ms like run.ts polls Caravan.
// Sends one IPC message: { enqueueMs, totalMs, rows, cpuMsPerRow, counters } (or { error });
// counters = write transactions and WAL bytes per outbox row (lib/pgstats.ts), for comparison.
import PgBoss from 'pg-boss'
import pg from 'pg'
import { pgCounters, perUnit } from '../lib/pgstats'
import { BUNDLE } from './bundle'

const databaseUrl = process.env.BASELINE_DATABASE_URL
if (!databaseUrl) throw new Error('BASELINE_DATABASE_URL is not set')
const recipients = Number(process.env.BASELINE_RECIPIENTS ?? 2000)
const QUEUE = 'baseline-deliver'
const BATCH = 2
const WORKERS = 2

export interface BaselineResult {
  enqueueMs: number
  totalMs: number
  rows: number
  cpuMsPerRow: number
  counters: ReturnType<typeof perUnit>
}

// Caravan's sizes: an app pool of 10 and a pg-boss pool of 4.
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
const boss = new PgBoss({ connectionString: databaseUrl, max: 4 })
boss.on('error', (err) => console.error('baseline pg-boss:', err.message))

async function main(): Promise<BaselineResult> {
  await pool.query(`CREATE TABLE outbox (
    id bigserial PRIMARY KEY, job_id uuid NOT NULL, recipient text NOT NULL, channel text NOT NULL,
    payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (job_id, recipient))`)
  await boss.start()
  await boss.createQueue(QUEUE)

  for (let i = 0; i < WORKERS; i++) {
    const workerId: string = await boss.work<{ to: string[]; n: number }>(
      QUEUE,
      { batchSize: BATCH, pollingIntervalSeconds: 1 },
      async (jobs) => {
        await Promise.all(
          jobs.flatMap((job) =>
            job.data.to.map((to) =>
              pool.query('INSERT INTO outbox (job_id, channel, recipient, payload) VALUES ($1, $2, $3, $4)', [
                job.id,
                'email',
                to,
                { subject: 'Ping', html: `<p>${job.data.n}</p>`, text: String(job.data.n) },
              ]),
            ),
          ),
        )
        if (jobs.length === BATCH) boss.notifyWorker(workerId)
      },
    )
  }

  const before = await pgCounters(pool)
  const cpu = process.cpuUsage()
  const started = performance.now()
  const to = (i: number) => `user${i}@example.com`
  for (let i = 0; i < recipients; i += 500) {
    const batch = []
    for (let j = i; j < Math.min(i + 500, recipients); j += BUNDLE)
      batch.push({ name: QUEUE, data: { to: Array.from({ length: Math.min(BUNDLE, recipients - j) }, (_, k) => to(j + k)), n: 1 } })
    await boss.insert(batch)
  }
  const enqueueMs = performance.now() - started

  let rows = 0
  const deadline = Date.now() + 10 * 60_000
  while (Date.now() < deadline) {
    rows = Number((await pool.query('SELECT count(*) AS n FROM outbox')).rows[0].n)
    if (rows >= recipients) break
    await new Promise((r) => setTimeout(r, 200))
  }
  const totalMs = performance.now() - started
  const { user, system } = process.cpuUsage(cpu)
  const cpuMsPerRow = Math.round(((user + system) / 1000 / Math.max(1, rows)) * 100) / 100
  return { enqueueMs, totalMs, rows, cpuMsPerRow, counters: perUnit(before, await pgCounters(pool), rows) }
}

async function stop() {
  await boss.stop({ graceful: false, wait: true, close: true } as PgBoss.StopOptions).catch(() => {})
  await pool.end().catch(() => {})
}
process.on('SIGTERM', () => void stop().finally(() => process.exit(0)))
process.on('SIGINT', () => void stop().finally(() => process.exit(0)))

try {
  process.send?.(await main())
} catch (e) {
  process.send?.({ error: (e as Error).message })
}
// Wait for run.ts to stop this process (SIGTERM), so it is never cut off mid-query by its own exit.
