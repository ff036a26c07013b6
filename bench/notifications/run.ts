// Notifications benchmark: Caravan's sending pipeline against bare baselines started by this script
// in the same run, reported as ratios (see docs/benchmarks.md#notifications).
//
//   trigger   POST /v1/notifications (one user, in_app) with an API key, autocannon, Caravan started
//             with --role api so no worker competes with the API for the CPU; baseline: the bare
//             Fastify + pg one-row INSERT … RETURNING of bench/http (an accepted trigger is
//             essentially one insert and one job insert).
//   pipeline  ONE notification to N users by email (Liquid template, email layout, dev outbox),
//             Caravan with --role all (one process: API and workers), timed from the 202 until
//             every delivery is final; baseline: bench/notifications/baseline.ts, a bare pg-boss 10
//             pipeline moving N jobs into an outbox table with the same worker settings.
//
// Settings (env): BENCH_DATABASE_URL, BENCH_DURATION (10), BENCH_CONNECTIONS (50), BENCH_WARMUP (2),
// BENCH_RECIPIENTS (2000, at most 10,000: one notification's limit), BENCH_PGLITE=0 to skip PGlite,
// BENCH_TOPIC (off; e.g. 100000: one notification to a topic of that many subscribers, Caravan's
// resident memory sampled throughout), BENCH_CPU_PROFILE_DIR (diagnostics: every Caravan process
// measured writes a V8 CPU profile there), BENCH_HEAP_LIMIT_MB (caps Caravan's V8 old space: a
// topic that finishes under the cap never held more) and BENCH_HEAP_SNAPSHOT_DIR (the topic run
// takes a heap snapshot before the send and after it, and reports what stayed reachable).
// Exit code: 0 all clean, 1 could not run, 2 some workload saw an error, an unexpected status, a
// delivery that did not end `delivered`, or did not finish in time.
import { PGlite } from '@electric-sql/pglite'
import type autocannon from 'autocannon'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BaselineResult } from './baseline'
import { onCleanup, runBench } from '../lib/cleanup'
import { connectAdmin, freshDatabase } from '../lib/databases'
import { caravanNodeArgs, heapArgs, heapSnapshotDir, machineInfo, positiveInt, withPglite } from '../lib/env'
import { summarizeHeap, takeHeapSnapshot } from '../lib/heap'
import { jsonPost, measure, statusCounts, type LoadSettings } from '../lib/load'
import { pgCounters, perUnit } from '../lib/pgstats'
import { residentMb, totalCpuSeconds } from '../lib/proc'
import { benchDir, forkScript, migrateCaravan, startCaravan, tempDir, type Caravan } from '../lib/processes'
import { formatRate, formatRatio, printTable, writeResults } from '../lib/report'
import { call } from '../lib/call'
import { BUNDLE } from './bundle'

const here = dirname(fileURLToPath(import.meta.url))
const resultsFile = join(benchDir, 'results', 'notifications-latest.json')

const duration = positiveInt('BENCH_DURATION', 10)
const connections = positiveInt('BENCH_CONNECTIONS', 50)
const warmup = positiveInt('BENCH_WARMUP', 2, 0)
const recipients = positiveInt('BENCH_RECIPIENTS', 2000)
if (recipients > 10_000) {
  console.error(`BENCH_RECIPIENTS must be at most 10,000 (one notification's limit), got ${recipients}`)
  process.exit(1)
}
const load: LoadSettings = { connections, durationSeconds: duration, warmupSeconds: warmup }
/** Longest wait for the pipeline to finish before the row is flagged. */
const pipelineTimeoutMs = Math.max(120_000, recipients * 100)
/** BENCH_TOPIC=N (off by default): also one notification to a topic of N subscribers, with Caravan's memory. */
const topicMembers = process.env.BENCH_TOPIC ? positiveInt('BENCH_TOPIC', 0) : 0
const POLL_MS = 200

const admin = { email: 'bench-admin@example.com', password: 'bench-admin-password-1' }
const adminEnv = { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }
const TYPE = 'bench.ping'
const LIVE = ['pending', 'queued', 'sending']
const NOT_DELIVERED = ['pending', 'queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed']
const round = (n: number) => Math.round(n * 100) / 100
const cpuDelta = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : b - a)

// ---- rows
type Database = 'PostgreSQL' | 'PGlite'
interface Row {
  database: Database
  workload: 'trigger' | 'pipeline' | 'topic'
  server: 'baseline' | 'caravan'
  setup: string
  measured: string
  /** Triggers: accepted requests/s; pipeline: deliveries (outbox rows)/s from the 202 until all are final. */
  rate: number
  unit: 'req/s' | 'deliveries/s' | 'rows/s'
  p50Ms?: number
  p99Ms?: number
  total: number
  /** Pipeline: seconds until all N deliveries (baseline: jobs) existed, and until all were final. */
  fanoutSeconds?: number
  totalSeconds?: number
  errors: number
  statusCodes?: Record<string, number>
  deliveryStatuses?: Record<string, number>
  ratio: number | null
  flagged: boolean
  problems: string[]
  details?: Record<string, unknown>
}

// ---- HTTP helpers

/**
 * Admin set-up on a Caravan started with ADMIN_EMAIL/ADMIN_PASSWORD: per-user rate limits out of
 * the way, the bench.ping type with in_app and email templates in en and fa, an API key that may
 * send. Returns the admin's access token and the API key.
 */
async function prepareCaravan(url: string): Promise<{ adminToken: string; apiKey: string }> {
  const { accessToken: adminToken } = await call(url, 'POST', '/v1/auth/login', { body: admin, expect: 200 })
  const high = { in_app: 1_000_000, email: 1_000_000, sms: 1_000_000, push: 1_000_000 }
  await call(url, 'PUT', '/v1/admin/notification-settings', { token: adminToken, body: { rateLimits: { '*': high } }, expect: 200 })
  await call(url, 'POST', '/v1/admin/notification-types', {
    token: adminToken,
    body: { key: TYPE, name: 'Bench', category: 'transactional', channels: ['in_app', 'email'] },
    expect: 201,
  })
  for (const locale of ['en', 'fa']) {
    await call(url, 'PUT', `/v1/admin/notification-types/${TYPE}/templates/in_app/${locale}`, {
      token: adminToken,
      body: { content: { title: 'Ping', body: '{{ n }}' } },
      expect: 201,
    })
    await call(url, 'PUT', `/v1/admin/notification-types/${TYPE}/templates/email/${locale}`, {
      token: adminToken,
      body: { content: { subject: 'Ping', html: '<p>{{ n }}</p>', text: '{{ n }}' } },
      expect: 201,
    })
  }
  const { key: apiKey } = await call(url, 'POST', '/v1/api-keys', {
    token: adminToken,
    body: { name: 'bench', scopes: ['notifications:send'] },
    expect: 201,
  })
  return { adminToken, apiKey }
}

/**
 * Creating the admin raised user.registered, so a --role all node sends the admin a welcome
 * notification right after start. Wait until its deliveries are final, so that they neither
 * compete with the measurement nor count in the job metrics.
 */
async function waitForWelcome(url: string, adminToken: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const { items } = await call<{ items: { status: string }[] }>(
      url,
      'GET',
      '/v1/admin/notifications/deliveries?type=account.welcome&limit=100',
      { token: adminToken, expect: 200 },
    )
    if (items.length > 0 && items.every((d) => !LIVE.includes(d.status))) return
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  throw new Error("the admin's welcome notification was not delivered within 60 s")
}

// ---- /metrics (Prometheus text): job counts and handler time per queue, event-loop delay
interface JobStats {
  completed: number
  retried: number
  dead: number
  seconds: number
  count: number
}
function metricValue(text: string, name: string, ...labels: string[]): number {
  return text
    .split('\n')
    .filter((l) => (l.startsWith(name + '{') || l.startsWith(name + ' ')) && labels.every((label) => l.includes(label)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
}
function jobStatsOf(text: string, queue: string): JobStats {
  const q = `queue="${queue}"`
  return {
    completed: metricValue(text, 'caravan_jobs_total', q, 'outcome="completed"'),
    retried: metricValue(text, 'caravan_jobs_total', q, 'outcome="retried"'),
    dead: metricValue(text, 'caravan_jobs_total', q, 'outcome="dead"'),
    seconds: metricValue(text, 'caravan_job_duration_seconds_sum', q),
    count: metricValue(text, 'caravan_job_duration_seconds_count', q),
  }
}
/** The fan-out and deliver job counters, and the event-loop delay since the previous scrape (prom-client resets it at each one). */
async function pipelineStats(url: string) {
  const text = await fetch(url + '/metrics').then((r) => r.text())
  const ms = (name: string) => Math.round(metricValue(text, `caravan_nodejs_eventloop_lag_${name}_seconds`) * 1000 * 10) / 10
  return {
    fanout: jobStatsOf(text, 'notify-fanout'),
    deliver: jobStatsOf(text, 'notify-deliver'),
    eventLoopDelayMs: { mean: ms('mean'), p99: ms('p99'), max: ms('max') },
  }
}
const diff = (a: JobStats, b: JobStats): JobStats => ({
  completed: a.completed - b.completed,
  retried: a.retried - b.retried,
  dead: a.dead - b.dead,
  seconds: a.seconds - b.seconds,
  count: a.count - b.count,
})

// ---- trigger workload
/**
 * Runs the load and reads the server process's CPU time around the measured run (not the warm-up):
 * cores it used on average, and CPU milliseconds per request (null off Linux).
 */
async function measureWithCpu(pid: number | undefined, options: autocannon.Options) {
  let cpu0: number | undefined,
    cpu1: number | undefined,
    t0 = 0,
    t1 = 0
  const result = await measure(load, options, {
    before: () => {
      ;[cpu0, t0] = [totalCpuSeconds(pid ? [pid] : []), performance.now()]
    },
    after: () => {
      ;[cpu1, t1] = [totalCpuSeconds(pid ? [pid] : []), performance.now()]
    },
  })
  const cpu = cpuDelta(cpu0, cpu1)
  return {
    result,
    cpu: {
      serverCores: cpu === undefined ? null : round(cpu / ((t1 - t0) / 1000)),
      serverCpuMsPerRequest: cpu === undefined ? null : round((cpu * 1000) / Math.max(1, result.requests.total)),
    },
  }
}

function triggerRow(
  database: Database,
  server: Row['server'],
  setup: string,
  measured: string,
  expected: number,
  r: autocannon.Result,
): Row {
  const statusCodes = statusCounts(r)
  const unexpected = Object.entries(statusCodes)
    .filter(([code]) => Number(code) !== expected)
    .reduce((n, [, count]) => n + count, 0)
  const problems: string[] = []
  if (unexpected > 0) problems.push(`${unexpected} answers other than ${expected}: ${JSON.stringify(statusCodes)}`)
  if (r.errors > 0) problems.push(`${r.errors} socket errors (${r.timeouts} timeouts)`)
  return {
    database,
    workload: 'trigger',
    server,
    setup,
    measured,
    rate: r.requests.average,
    unit: 'req/s',
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    errors: unexpected + r.errors,
    statusCodes,
    ratio: null,
    flagged: problems.length > 0,
    problems,
  }
}

async function triggerBaseline(): Promise<{ row: Row; stop: () => Promise<void> }> {
  const { ready, stop, child } = await forkScript<{ port: number }>(
    join(benchDir, 'http', 'baseline.ts'),
    { BASELINE_DATABASE_URL: await freshDatabase() },
    'trigger baseline',
  )
  console.log('  baseline on PostgreSQL: POST /baseline/insert')
  let n = 0
  const { result, cpu } = await measureWithCpu(child.pid, {
    url: `http://127.0.0.1:${ready.port}/baseline/insert`,
    ...jsonPost,
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: `trigger-${n++}@example.com` }) }) }],
  })
  const row = triggerRow(
    'PostgreSQL',
    'baseline',
    'Fastify + pg pool of 10',
    'POST /baseline/insert (one-row INSERT … RETURNING)',
    201,
    result,
  )
  row.details = cpu
  return { row, stop }
}

async function triggerCaravan(database: Database, databaseUrl?: string): Promise<Row> {
  const caravan = await startCaravan({ databaseUrl, role: 'api', env: adminEnv, nodeArgs: caravanNodeArgs })
  try {
    const { apiKey } = await prepareCaravan(caravan.url)
    const { user } = await call(caravan.url, 'POST', '/v1/auth/register', {
      body: { email: 'bench-user@example.com', password: admin.password },
      expect: 201,
    })
    const body = JSON.stringify({ type: TYPE, to: user.id, channels: ['in_app'], data: { n: 1 } })
    await call(caravan.url, 'POST', '/v1/notifications', { token: apiKey, body: JSON.parse(body), expect: 202 })
    console.log(`  Caravan (--role api) on ${database}: POST /v1/notifications`)
    const { result, cpu } = await measureWithCpu(caravan.child.pid, {
      url: caravan.url + '/v1/notifications',
      ...jsonPost,
      headers: { ...jsonPost.headers, authorization: `Bearer ${apiKey}` },
      body,
    })
    const row = triggerRow(database, 'caravan', '--role api (no workers)', 'POST /v1/notifications (1 user, in_app)', 202, result)
    row.details = cpu
    return row
  } finally {
    await caravan.stop()
  }
}

// ---- pipeline workload
async function pipelineBaseline(): Promise<Row> {
  console.log(`  baseline on PostgreSQL: bare pg-boss, ${recipients.toLocaleString('en-US')} jobs → outbox`)
  const { ready, stop } = await forkScript<BaselineResult | { error: string }>(
    join(here, 'baseline.ts'),
    {
      BASELINE_DATABASE_URL: await freshDatabase(),
      BASELINE_RECIPIENTS: String(recipients),
    },
    'pipeline baseline',
  )
  await stop()
  if ('error' in ready) throw new Error(`pipeline baseline: ${ready.error}`)
  const problems = ready.rows < recipients ? [`only ${ready.rows} of ${recipients} outbox rows`] : []
  return {
    database: 'PostgreSQL',
    workload: 'pipeline',
    server: 'baseline',
    setup: `pg-boss 10, jobs of ${BUNDLE}, 2 workers × batch 2`,
    measured: `${recipients} messages in jobs of ${BUNDLE} → outbox rows`,
    rate: ready.rows / (ready.totalMs / 1000),
    unit: 'rows/s',
    total: ready.rows,
    fanoutSeconds: ready.enqueueMs / 1000,
    totalSeconds: ready.totalMs / 1000,
    errors: recipients - ready.rows,
    ratio: null,
    flagged: problems.length > 0,
    problems,
    details: { cpuMsPerRow: ready.cpuMsPerRow, ...ready.counters },
  }
}

/** Sends the one notification and returns its id and the moment its 202 arrived. */
async function sendToAll(url: string, apiKey: string, userIds: string[]): Promise<{ id: string; requestMs: number; acceptedAt: number }> {
  const started = performance.now()
  const { id } = await call<{ id: string }>(url, 'POST', '/v1/notifications', {
    token: apiKey,
    body: { type: TYPE, to: userIds, channels: ['email'], data: { n: 1 } },
    expect: 202,
  })
  const acceptedAt = performance.now()
  return { id, requestMs: acceptedAt - started, acceptedAt }
}

/** Deliveries in any status but delivered. */
const undelivered = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .filter(([status]) => status !== 'delivered')
    .reduce((n, [, count]) => n + count, 0)

function pipelineRow(
  database: Database,
  measured: {
    fanoutMs?: number
    totalMs?: number
    done: number
    statuses: Record<string, number>
    details: Record<string, unknown>
  },
): Row {
  const problems: string[] = []
  if (measured.totalMs === undefined)
    problems.push(`not finished after ${pipelineTimeoutMs / 1000} s: ${measured.done} of ${recipients} deliveries final`)
  const notDelivered = undelivered(measured.statuses)
  if (notDelivered > 0) problems.push(`deliveries not delivered: ${JSON.stringify(measured.statuses)}`)
  const totalMs = measured.totalMs ?? pipelineTimeoutMs
  return {
    database,
    workload: 'pipeline',
    server: 'caravan',
    setup: '--role all (API + workers in one process)',
    measured: `1 notification → ${recipients} users, email → dev outbox`,
    rate: measured.done / (totalMs / 1000),
    unit: 'deliveries/s',
    total: measured.done,
    fanoutSeconds: measured.fanoutMs === undefined ? undefined : measured.fanoutMs / 1000,
    totalSeconds: measured.totalMs === undefined ? undefined : measured.totalMs / 1000,
    errors: notDelivered + (recipients - measured.done),
    deliveryStatuses: measured.statuses,
    ratio: null,
    flagged: problems.length > 0,
    problems,
    details: measured.details,
  }
}

/** What the pipeline spent per stage, from Caravan's job metrics and CPU time. */
function stageDetails(fanout: JobStats, deliver: JobStats, wallMs: number, caravanCpu?: number, postgresCpu?: number) {
  return {
    fanoutJobSeconds: round(fanout.seconds),
    deliverJobs: deliver.count,
    deliverJobsRetried: deliver.retried,
    deliverJobsDead: deliver.dead,
    deliverJobMeanMs: deliver.count ? round((deliver.seconds / deliver.count) * 1000) : null,
    caravanCpuSeconds: caravanCpu === undefined ? null : round(caravanCpu),
    caravanCpuMsPerDelivery: caravanCpu === undefined ? null : round((caravanCpu * 1000) / recipients),
    caravanCores: caravanCpu === undefined ? null : round(caravanCpu / (wallMs / 1000)),
    ...(postgresCpu === undefined
      ? {}
      : { postgresBackendsCpuSeconds: round(postgresCpu), postgresBackendsCores: round(postgresCpu / (wallMs / 1000)) }),
  }
}

/**
 * Does the API stay responsive while the workers run? GET /healthz (no database work) one at a
 * time, 200 ms apart, until stopped; the summary of its response times.
 */
function startProbe(url: string): () => Promise<{ probes: number; healthzP50Ms: number; healthzMaxMs: number }> {
  const latencies: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t = performance.now()
      await fetch(url + '/healthz')
        .then((r) => r.text())
        .catch(() => '')
      latencies.push(performance.now() - t)
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
  })()
  return async () => {
    running = false
    await loop
    const sorted = latencies.sort((a, b) => a - b)
    return {
      probes: sorted.length,
      healthzP50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      healthzMaxMs: Math.round(sorted.at(-1) ?? 0),
    }
  }
}

/** A notification's deliveries: how many exist, and how many are final. */
async function deliveryProgress(db: pg.Client, id: string): Promise<{ rows: number; final: number }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status NOT IN ('pending', 'queued', 'sending'))::int AS final
    FROM deliveries WHERE notification_id = $1`,
    [id],
  )
  return rows[0]
}

/** Caravan (--role all) on a fresh PostgreSQL database, and a client of that database. */
async function caravanOnPostgres() {
  const databaseUrl = await freshDatabase()
  const caravan = await startCaravan({ databaseUrl, role: 'all', env: adminEnv, nodeArgs: [...caravanNodeArgs, ...heapArgs] })
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  onCleanup(() => db.end())
  return { caravan, db }
}

async function pipelineCaravanPostgres(): Promise<Row> {
  const { caravan, db } = await caravanOnPostgres()
  try {
    const { adminToken, apiKey } = await prepareCaravan(caravan.url)
    const userIds = await insertUsers((text, values) => db.query(text, values))
    await waitForWelcome(caravan.url, adminToken)
    console.log(`  Caravan (--role all) on PostgreSQL: 1 notification → ${recipients.toLocaleString('en-US')} users by email`)

    const before = { ...(await pipelineStats(caravan.url)), counters: await pgCounters(db) }
    const backendPids = (
      await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
    ).rows.map((r) => r.pid as number)
    const cpu0 = { caravan: totalCpuSeconds([caravan.child.pid!]), postgres: totalCpuSeconds(backendPids) }
    const { id, requestMs, acceptedAt } = await sendToAll(caravan.url, apiKey, userIds)

    // Poll the deliveries; meanwhile sample what Caravan's connections are doing.
    const stopProbe = startProbe(caravan.url)
    let fanoutMs: number | undefined,
      totalMs: number | undefined,
      done = 0
    const activity = new Map<string, number>()
    let samples = 0
    const deadline = acceptedAt + pipelineTimeoutMs
    while (performance.now() < deadline) {
      const c = await deliveryProgress(db, id)
      const now = performance.now()
      if (fanoutMs === undefined && c.rows >= recipients) fanoutMs = now - acceptedAt
      done = c.final
      if (done >= recipients) {
        totalMs = now - acceptedAt
        break
      }
      const { rows: active } =
        await db.query(`SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query
        FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`)
      samples++
      for (const a of active) activity.set(`${a.wait} | ${a.query}`, (activity.get(`${a.wait} | ${a.query}`) ?? 0) + 1)
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
    const wallMs = performance.now() - acceptedAt
    const probe = await stopProbe()
    const cpu1 = { caravan: totalCpuSeconds([caravan.child.pid!]), postgres: totalCpuSeconds(backendPids) }
    const after = { ...(await pipelineStats(caravan.url)), counters: await pgCounters(db) }
    const statuses = Object.fromEntries(
      (await db.query('SELECT status, count(*)::int AS n FROM deliveries WHERE notification_id = $1 GROUP BY status', [id])).rows.map(
        (r) => [r.status, r.n],
      ),
    )
    // The same durations by the database's clock, from the notification row's created_at.
    const {
      rows: [clock],
    } = await db.query(
      `SELECT
        extract(epoch FROM (SELECT max(created_at) FROM deliveries WHERE notification_id = n.id) - n.created_at)::float8 AS fanout,
        extract(epoch FROM (SELECT max(updated_at) FROM deliveries WHERE notification_id = n.id) - n.created_at)::float8 AS final,
        (SELECT count(*) FROM dev_outbox o JOIN deliveries d ON d.id = o.delivery_id WHERE d.notification_id = n.id)::int AS outbox
      FROM notifications n WHERE n.id = $1`,
      [id],
    )
    const busiest = [...activity.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([what, n]) => ({ what, meanActiveConnections: round(n / Math.max(1, samples)) }))
    return pipelineRow('PostgreSQL', {
      fanoutMs,
      totalMs,
      done,
      statuses,
      details: {
        requestMs: Math.round(requestMs),
        outboxRows: clock.outbox,
        databaseClock: { fanoutSeconds: round(clock.fanout), finalSeconds: round(clock.final) },
        ...perUnit(before.counters, after.counters, done),
        ...stageDetails(
          diff(after.fanout, before.fanout),
          diff(after.deliver, before.deliver),
          wallMs,
          cpuDelta(cpu0.caravan, cpu1.caravan),
          cpuDelta(cpu0.postgres, cpu1.postgres),
        ),
        eventLoopDelayMs: after.eventLoopDelayMs,
        ...probe,
        meanActiveConnections: round([...activity.values()].reduce((a, b) => a + b, 0) / Math.max(1, samples)),
        busiestQueries: busiest,
      },
    })
  } finally {
    await caravan.stop()
  }
}

/** N users straight into Caravan's users table (registering would spend N Argon2 hashes); their ids. */
async function insertUsers(query: (text: string, values: unknown[]) => Promise<{ rows: any[] }>): Promise<string[]> {
  const prefix = randomBytes(3).toString('hex')
  const { rows } = await query(
    `INSERT INTO users (id, email, password_hash, locale, timezone)
    SELECT gen_random_uuid(), 'bench-' || $1::text || '-' || i || '@example.com', 'not-a-hash', 'en', 'UTC' FROM generate_series(1, $2::int) AS i
    RETURNING id`,
    [prefix, recipients],
  )
  return rows.map((r) => r.id as string)
}

// ---- topic workload (BENCH_TOPIC=N)
/**
 * One notification to a topic of N subscribers, in-app, on PostgreSQL: the fan-out reads the topic
 * a chunk at a time, so Caravan's memory should not grow with N. Samples its resident memory (VmRSS)
 * every 100 ms from before the trigger until every delivery is final.
 */
async function topicCaravanPostgres(members: number): Promise<Row> {
  const { caravan, db } = await caravanOnPostgres()
  try {
    const { adminToken, apiKey } = await prepareCaravan(caravan.url)
    await waitForWelcome(caravan.url, adminToken)
    await call(caravan.url, 'POST', '/v1/topics', { token: apiKey, body: { key: 'bench-topic', name: 'Bench topic' }, expect: 201 })
    await db.query(
      `WITH made AS (
        INSERT INTO users (id, email, password_hash, locale, timezone)
        SELECT gen_random_uuid(), 'topic-' || i || '@example.com', 'not-a-hash', 'en', 'UTC' FROM generate_series(1, $1::int) AS i
        RETURNING id)
      INSERT INTO notification_topic_subscriptions (topic_id, user_id)
      SELECT (SELECT id FROM notification_topics WHERE key = 'bench-topic'), id FROM made`,
      [members],
    )
    console.log(`  Caravan (--role all) on PostgreSQL: 1 notification → a topic of ${members.toLocaleString('en-US')} subscribers, in-app`)
    const pid = caravan.child.pid
    // With BENCH_HEAP_SNAPSHOT_DIR: what is reachable before the send and after it, once collected.
    const heapBefore = await takeHeapSnapshot(pid, heapSnapshotDir)
    const before = residentMb(pid) ?? 0
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, residentMb(pid) ?? 0)), 100)
    const started = performance.now()
    const { id } = await call<{ id: string }>(caravan.url, 'POST', '/v1/notifications', {
      token: apiKey,
      body: { type: TYPE, to: { topic: 'bench-topic' }, channels: ['in_app'], data: { n: 1 } },
      expect: 202,
    })
    const acceptedAt = performance.now()
    let fanoutMs: number | undefined,
      totalMs: number | undefined,
      done = 0
    const deadline = acceptedAt + Math.max(120_000, members * 10)
    while (performance.now() < deadline) {
      const c = await deliveryProgress(db, id)
      if (fanoutMs === undefined && c.rows >= members) fanoutMs = performance.now() - acceptedAt
      done = c.final
      if (done >= members) {
        totalMs = performance.now() - acceptedAt
        break
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
    clearInterval(sampler)
    const heapAfter = await takeHeapSnapshot(pid, heapSnapshotDir)
    const heap = heapBefore && heapAfter && { before: summarizeHeap(heapBefore, 0).reachableMb, after: summarizeHeap(heapAfter, 10) }
    const statuses: Record<string, number> = Object.fromEntries(
      (await db.query('SELECT status, count(*)::int AS n FROM deliveries WHERE notification_id = $1 GROUP BY status', [id])).rows.map(
        (r) => [r.status, r.n],
      ),
    )
    const problems: string[] = []
    if (totalMs === undefined) problems.push(`not finished: ${done} of ${members} deliveries final`)
    const notDelivered = undelivered(statuses)
    if (notDelivered > 0) problems.push(`deliveries not delivered: ${JSON.stringify(statuses)}`)
    return {
      database: 'PostgreSQL',
      workload: 'topic',
      server: 'caravan',
      setup: '--role all (API + workers in one process)',
      measured: `1 notification → topic of ${members} subscribers, in-app`,
      rate: done / ((totalMs ?? performance.now() - acceptedAt) / 1000),
      unit: 'deliveries/s',
      total: done,
      fanoutSeconds: fanoutMs === undefined ? undefined : fanoutMs / 1000,
      totalSeconds: totalMs === undefined ? undefined : totalMs / 1000,
      errors: notDelivered + (members - done),
      deliveryStatuses: statuses,
      ratio: null,
      flagged: problems.length > 0,
      problems,
      details: {
        requestMs: Math.round(acceptedAt - started),
        residentMb: { before: Math.round(before), peak: Math.round(peak), growth: Math.round(peak - before) },
        ...(heap ? { heapReachableMb: { before: heap.before, after: heap.after.reachableMb, largestAfter: heap.after.top } } : {}),
        ...(heapArgs.length ? { nodeArgs: heapArgs } : {}),
      },
    }
  } finally {
    await caravan.stop()
  }
}

async function pipelineCaravanPglite(): Promise<Row> {
  // PGlite lives inside the Caravan process: migrate its data folder, add the users from here
  // while no Caravan has it open, then start Caravan on it.
  const dataDir = await tempDir('caravan-bench-')
  await migrateCaravan({ dataDir })
  const lite = await PGlite.create(join(dataDir, 'pglite'))
  let userIds: string[]
  try {
    userIds = await insertUsers((text, values) => lite.query(text, values))
  } finally {
    await lite.close()
  }
  const caravan: Caravan = await startCaravan({ dataDir, role: 'all', env: adminEnv, nodeArgs: caravanNodeArgs })
  try {
    const { adminToken, apiKey } = await prepareCaravan(caravan.url)
    await waitForWelcome(caravan.url, adminToken)
    console.log(`  Caravan (--role all) on PGlite: 1 notification → ${recipients.toLocaleString('en-US')} users by email`)
    const before = await pipelineStats(caravan.url)
    const cpu0 = totalCpuSeconds([caravan.child.pid!])
    const { id, requestMs, acceptedAt } = await sendToAll(caravan.url, apiKey, userIds)

    // The database is inside Caravan: follow its job counters on /metrics until every delivery job
    // completed. While its workers run, the node hardly answers HTTP at all (PGlite runs in its one
    // thread; measured here: the event loop stalls for most of the run), so a poll may return only
    // when the work is over; the durations therefore come from the rows' timestamps below.
    const stopProbe = startProbe(caravan.url)
    // Deliveries go 25 to a job: every delivery is final once every bundle's job completed.
    const bundles = Math.ceil(recipients / BUNDLE)
    let done = 0,
      finished = false,
      slowestPollMs = 0,
      eventLoopDelayMs = before.eventLoopDelayMs
    const deadline = acceptedAt + pipelineTimeoutMs
    while (performance.now() < deadline) {
      const t = performance.now()
      const stats = await pipelineStats(caravan.url)
      done = Math.min(recipients, diff(stats.deliver, before.deliver).completed * BUNDLE)
      // The event-loop delay of the slowest poll's scrape: it covers the longest stretch of the run.
      if (performance.now() - t > slowestPollMs) [slowestPollMs, eventLoopDelayMs] = [performance.now() - t, stats.eventLoopDelayMs]
      if (diff(stats.deliver, before.deliver).completed >= bundles) {
        finished = true
        break
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
    const wallMs = performance.now() - acceptedAt
    const probe = await stopProbe()
    const cpu1 = totalCpuSeconds([caravan.child.pid!])
    const after = await pipelineStats(caravan.url)
    // Completed jobs mean final deliveries; check that none ended other than delivered.
    const statuses: Record<string, number> = {}
    for (const status of NOT_DELIVERED) {
      const { items } = await call<{ items: { notificationId: string }[] }>(
        caravan.url,
        'GET',
        `/v1/admin/notifications/deliveries?type=${TYPE}&status=${status}&limit=100`,
        { token: adminToken, expect: 200 },
      )
      const mine = items.filter((d) => d.notificationId === id).length
      if (mine) statuses[status] = mine
    }
    statuses.delivered = done - Object.values(statuses).reduce((a, b) => a + b, 0)
    // Durations by the rows' timestamps: from the notification's created_at to the newest delivery
    // row (fan-out) and to the newest dev-outbox email (the last send; its status follows at once).
    const token = { token: adminToken, expect: 200 }
    const notification = await call<{ createdAt: string; recipientCount: number }>(caravan.url, 'GET', `/v1/notifications/${id}`, token)
    const [newestDelivery] = (
      await call<{ items: { createdAt: string; notificationId: string }[] }>(
        caravan.url,
        'GET',
        `/v1/admin/notifications/deliveries?type=${TYPE}&limit=1`,
        token,
      )
    ).items
    const [newestEmail] = (
      await call<{ items: { createdAt: string }[] }>(caravan.url, 'GET', '/v1/dev/outbox?channel=email&limit=1', token)
    ).items
    const since = (iso?: string) => (iso ? Date.parse(iso) - Date.parse(notification.createdAt) : undefined)
    return pipelineRow('PGlite', {
      fanoutMs: newestDelivery?.notificationId === id ? since(newestDelivery.createdAt) : undefined,
      totalMs: finished ? since(newestEmail?.createdAt) : undefined,
      done,
      statuses,
      details: {
        requestMs: Math.round(requestMs),
        recipientCount: notification.recipientCount,
        observedSeconds: round(wallMs / 1000),
        ...stageDetails(diff(after.fanout, before.fanout), diff(after.deliver, before.deliver), wallMs, cpuDelta(cpu0, cpu1)),
        eventLoopDelayMs,
        ...probe,
        metricsPollMaxMs: Math.round(slowestPollMs),
        note: "durations by the rows' timestamps (notification created_at → newest delivery row / newest dev-outbox email); statuses from the admin delivery feed, 100 per status at most",
      },
    })
  } finally {
    await caravan.stop()
  }
}

// ---- report
const seconds = (s?: number) => (s === undefined ? '' : s.toFixed(1))
function printRows(rows: Row[]) {
  printTable<Row>(
    [
      { header: 'database', cell: (r) => r.database },
      { header: 'workload', cell: (r) => r.workload },
      { header: 'server', cell: (r) => r.server },
      { header: 'setup', cell: (r) => r.setup },
      { header: 'measured', cell: (r) => r.measured },
      { header: 'rate', cell: (r) => formatRate(r.rate), numeric: true },
      { header: 'unit', cell: (r) => r.unit },
      { header: 'p50 ms', cell: (r) => (r.p50Ms === undefined ? '' : String(r.p50Ms)), numeric: true },
      { header: 'p99 ms', cell: (r) => (r.p99Ms === undefined ? '' : String(r.p99Ms)), numeric: true },
      { header: 'fan-out s', cell: (r) => seconds(r.fanoutSeconds), numeric: true },
      { header: 'total s', cell: (r) => seconds(r.totalSeconds), numeric: true },
      { header: 'errors', cell: (r) => String(r.errors), numeric: true },
      { header: 'ratio', cell: (r) => formatRatio(r.ratio), numeric: true },
    ],
    rows,
    (r) => r.flagged,
  )
}

const NOTES = [
  'ratio = Caravan ÷ the bare baseline of the same workload, measured in this run (PGlite rows too: same PostgreSQL baselines).',
  "trigger: Caravan ran with --role api, so no worker competed with the API for the CPU (the triggers' jobs wait in the queue).",
  '  Each accepted trigger = API-key check, type and user look-ups, then its notification row + fan-out job in a transaction shared with the triggers that arrived meanwhile. Baseline: one-row INSERT … RETURNING.',
  `pipeline: Caravan ran with --role all (one process: API + workers). Timed from the 202 until all ${recipients} deliveries were final;`,
  '  fan-out s = until all delivery rows existed. Each delivery: rendered with Liquid, wrapped in the email layout, stored by the dev outbox,',
  '  status and attempt recorded. Baseline: bare pg-boss, 25 messages a job, inserted 500 messages at a time (its fan-out s), 2 workers × batch 2, one INSERT per message.',
]

async function main() {
  const postgresVersion = await connectAdmin()
  const started = Date.now()
  console.log(
    `Notifications bench: triggers with ${connections} connections, ${warmup} s warm-up + ${duration} s; pipeline of ${recipients.toLocaleString('en-US')} deliveries; ` +
      `PostgreSQL ${postgresVersion}, Node ${process.version}, ${cpus().length} cores`,
  )
  const rows: Row[] = []

  console.log('triggers on PostgreSQL …')
  // Each Caravan row runs right after its baseline, so a ratio compares measurements taken seconds
  // apart; the PGlite rows are compared with the same PostgreSQL baselines, as in bench/http.
  const baseline = await triggerBaseline()
  rows.push(baseline.row, await triggerCaravan('PostgreSQL', await freshDatabase()))
  await baseline.stop()
  console.log('pipeline on PostgreSQL …')
  rows.push(await pipelineBaseline(), await pipelineCaravanPostgres())
  if (topicMembers) {
    console.log('a topic on PostgreSQL …')
    rows.push(await topicCaravanPostgres(topicMembers))
  }
  if (withPglite) {
    console.log('triggers and pipeline on PGlite …')
    rows.push(await triggerCaravan('PGlite'), await pipelineCaravanPglite())
  }
  for (const r of rows) {
    const base = rows.find((b) => b.server === 'baseline' && b.workload === r.workload)
    if (r.server === 'caravan' && base) r.ratio = r.rate / base.rate
  }

  printRows(rows)
  console.log('\n' + NOTES.join('\n'))
  for (const r of rows) console.log(`details, ${r.database} ${r.workload} ${r.server}: ${JSON.stringify(r.details)}`)
  const flagged = rows.filter((r) => r.flagged)
  for (const r of flagged) console.log(`FLAGGED: ${r.database} ${r.workload} ${r.server}: ${r.problems.join('; ')}`)
  const runSeconds = Math.round((Date.now() - started) / 1000)
  console.log(`run took ${runSeconds} s`)

  await writeResults(resultsFile, {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: { connections, durationSeconds: duration, warmupSeconds: warmup, recipients, postgresVersion, runSeconds },
    rows,
    notes: NOTES,
  })
  return flagged.length > 0 ? 2 : 0
}

await runBench(main)
