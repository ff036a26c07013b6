// Payments benchmark (see docs/benchmarks.md#payments): Caravan's payment creation against a bare
// baseline started by this script in the same run, and its Stripe webhook processing, on
// PostgreSQL and on embedded PGlite.
//
//   create   POST /v1/payments with a new Idempotency-Key on every request, routed to the built-in
//            test gateway (IRR), autocannon with fixed connections; once with an API key
//            (payments:write) naming the customer by externalId (server to server), once with the
//            customer's own bearer token; the requests go to BENCH_CUSTOMERS customers in turn. Baseline: bench/payments/baseline.ts, bare Fastify + one
//            INSERT … RETURNING of a comparable row into the same kind of database.
//   webhook  signed Stripe checkout.session.completed events, each for its own payment created
//            beforehand on Stripe (the Stripe fake of server/test/fakes, in its own process), each
//            with its own event id; autocannon sends every prepared event once.
// On PostgreSQL a diagnostic pass then counts the SQL statements per create and per event through
// a counting proxy (bench/lib/pgwire-count.ts), with a Caravan of its own (never timed).
//
// Settings (env): BENCH_DATABASE_URL, BENCH_DURATION (10), BENCH_CONNECTIONS (50), BENCH_WARMUP (2),
// BENCH_CUSTOMERS (200: the creates are spread over them), BENCH_PGLITE=0 to skip PGlite, BENCH_WEBHOOK_EVENTS (default: as many as the warm-up's rate
// processes in BENCH_DURATION seconds), BENCH_CPU_PROFILE_DIR (diagnostics: V8 CPU profiles of the
// measured Caravan processes, read with lib/profile-summary.ts).
// Exit code: 0 clean and on target, 1 could not run, 2 an error or unexpected answer, a missing
// row, or a PostgreSQL create row below the target (≥ 0.3× the bare insert, p99 < 100 ms).
import { PGlite } from '@electric-sql/pglite'
import autocannon from 'autocannon'
import pg from 'pg'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { onCleanup, runBench } from '../lib/cleanup'
import { connectAdmin, freshDatabase } from '../lib/databases'
import { caravanNodeArgs, machineInfo, positiveInt, withPglite } from '../lib/env'
import { settle, statusCounts } from '../lib/load'
import { pgCounters, type PgCounters } from '../lib/pgstats'
import { startStatementCounter } from '../lib/pgwire-count'
import { cpuSeconds, totalCpuSeconds } from '../lib/proc'
import { benchDir, forkScript, nextMessage, startCaravan, tempDir, type Caravan } from '../lib/processes'
import { formatRate, formatRatio, printTable, writeResults } from '../lib/report'
import { call } from '../lib/call'
import type { FakeStripeAnswer, FakeStripeRequest } from './stripe-fake'

const resultsFile = join(benchDir, 'results', 'payments-latest.json')

const duration = positiveInt('BENCH_DURATION', 10)
const connections = positiveInt('BENCH_CONNECTIONS', 50)
const warmup = positiveInt('BENCH_WARMUP', 2, 0)
const webhookEventsSetting = process.env.BENCH_WEBHOOK_EVENTS ? positiveInt('BENCH_WEBHOOK_EVENTS', 1000) : undefined
/** The target for creation on PostgreSQL. */
const TARGET = { ratio: 0.3, p99Ms: 100 }
/** Sequential requests of each kind in the statement-count pass. */
const PROBES = 50

const admin = { email: 'bench-admin@example.com', password: 'bench-admin-password-1' }
const adminEnv = { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }
const stripeKeys = { secretKey: 'sk_test_51CaravanBenchKey0000', webhookSecret: 'whsec_caravanBenchSigningSecret' }
/**
 * The customers the creates are spread over (round robin), each a host user with a session: one
 * customer would measure that customer's fraud-check lock (a customer's operations are assessed
 * one at a time, so a burst cannot count the same velocity window twice), not the server.
 */
const CUSTOMERS = positiveInt('BENCH_CUSTOMERS', 200)
const customerRef = (i: number) => `bench-customer-${i % CUSTOMERS}`
const round = (n: number) => Math.round(n * 100) / 100

type Database = 'PostgreSQL' | 'PGlite'

// ---- rows
interface Row {
  database: Database
  workload: 'create' | 'webhook'
  server: 'baseline' | 'caravan'
  request: string
  rate: number
  unit: 'req/s' | 'events/s'
  p50Ms: number
  p99Ms: number
  total: number
  errors: number
  statusCodes: Record<string, number>
  ratio: number | null
  /** PostgreSQL create rows of Caravan: the target. */
  target?: 'met' | 'missed'
  flagged: boolean
  problems: string[]
  details: Record<string, unknown>
}

// ---- HTTP helpers

async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++
        out[i] = await task(i)
      }
    }),
  )
  return out
}

/** A payment; `customer`: named by the API key's caller (the i-th customer's externalId), else the token's own. */
const paymentBody = (ref: string, currency: 'IRR' | 'USD', customer: boolean, i = 0) => ({
  amount: currency === 'IRR' ? '125000' : '1250',
  currency,
  purpose: { type: 'order', ref },
  returnUrl: 'https://shop.example.com/done',
  ...(customer ? { customerId: { externalId: customerRef(i) } } : {}),
})

// ---- measurement: autocannon with CPU time and PostgreSQL write counters read around the measured run
interface Probe {
  /** The server under test (Caravan or the baseline; with PGlite the database is inside it). */
  pid?: number
  /** PostgreSQL: a connection to the server under test's database (its backends' CPU, write counters). */
  stats?: pg.Client
  /** Another process whose CPU counts (the Stripe fake). */
  otherPid?: number
  /** Caravan: its /metrics, for the event-loop delay during the run (prom-client restarts the measure at each scrape). */
  caravanUrl?: string
}

/** Caravan's event-loop delay since the previous scrape of /metrics, in ms. */
async function eventLoopDelay(caravanUrl: string | undefined) {
  if (!caravanUrl) return undefined
  const text = await fetch(caravanUrl + '/metrics').then((r) => r.text())
  const ms = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`caravan_nodejs_eventloop_lag_${name}_seconds `))
    return line ? round(Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000) : null
  }
  return { p50: ms('p50'), p99: ms('p99'), max: ms('max') }
}

interface Snapshot {
  at: number
  server?: number
  other?: number
  postgres?: number
  backendPids: number[]
  counters?: PgCounters
}

async function snapshot(probe: Probe, backendPids?: number[]): Promise<Snapshot> {
  let pids = backendPids ?? []
  if (probe.stats && !backendPids) {
    const { rows } = await probe.stats.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )
    pids = rows.map((r) => r.pid as number)
  }
  return {
    at: performance.now(),
    server: cpuSeconds(probe.pid),
    other: cpuSeconds(probe.otherPid),
    postgres: probe.stats ? totalCpuSeconds(pids) : undefined,
    backendPids: pids,
    counters: probe.stats ? await pgCounters(probe.stats) : undefined,
  }
}

/** Cores used and CPU ms per unit between two snapshots; write transactions and WAL per unit on PostgreSQL. */
function costs(a: Snapshot, b: Snapshot, units: number, otherName = 'other') {
  const seconds = (b.at - a.at) / 1000
  const n = Math.max(1, units)
  const cpu = (x?: number, y?: number) => (x === undefined || y === undefined ? undefined : y - x)
  const out: Record<string, number> = {}
  const server = cpu(a.server, b.server)
  if (server !== undefined) Object.assign(out, { serverCores: round(server / seconds), serverCpuMsPer: round((server * 1000) / n) })
  const postgres = cpu(a.postgres, b.postgres)
  if (postgres !== undefined)
    Object.assign(out, { postgresCores: round(postgres / seconds), postgresCpuMsPer: round((postgres * 1000) / n) })
  const other = cpu(a.other, b.other)
  if (other !== undefined)
    Object.assign(out, { [`${otherName}Cores`]: round(other / seconds), [`${otherName}CpuMsPer`]: round((other * 1000) / n) })
  if (a.counters && b.counters)
    Object.assign(out, {
      writeTransactionsPer: round((b.counters.xid - a.counters.xid) / n),
      walBytesPer: Math.round((b.counters.walBytes - a.counters.walBytes) / n),
    })
  return out
}

/**
 * PostgreSQL: what the server's connections do while it is loaded, sampled every 100 ms from
 * pg_stat_activity — running (and on what they wait: WAL flushes, locks) or idle, waiting for the
 * server's next statement (ClientRead). Returns a stop function giving the mean number of
 * connections in each state.
 */
function sampleActivity(stats: pg.Client | undefined): () => Promise<Record<string, unknown> | undefined> {
  if (!stats) return async () => undefined
  const seen = new Map<string, number>()
  let samples = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const { rows } = await stats.query(
        `SELECT state || ' | ' || coalesce(wait_event_type || ':' || wait_event, 'CPU') AS what, count(*)::int AS n
        FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1`,
      )
      samples++
      for (const r of rows) seen.set(r.what, (seen.get(r.what) ?? 0) + r.n)
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  return async () => {
    running = false
    await loop
    const mean = (n: number) => round(n / Math.max(1, samples))
    const entries = [...seen].sort((a, b) => b[1] - a[1])
    return {
      samples,
      meanConnections: mean(entries.reduce((a, [, n]) => a + n, 0)),
      meanActive: mean(entries.filter(([k]) => !k.startsWith('idle')).reduce((a, [, n]) => a + n, 0)),
      states: Object.fromEntries(entries.slice(0, 8).map(([k, n]) => [k, mean(n)])),
    }
  }
}

const base = (options: autocannon.Options) => ({ connections, timeout: 30, ...options })

/** Warm-up (discarded), then BENCH_DURATION seconds measured with snapshots around them. */
async function measureFor(probe: Probe, options: autocannon.Options) {
  let warm: autocannon.Result | undefined
  if (warmup > 0) {
    warm = await autocannon(base({ ...options, duration: warmup }))
    await settle(warm)
  }
  await eventLoopDelay(probe.caravanUrl)
  const before = await snapshot(probe)
  const stopSampling = sampleActivity(probe.stats)
  const result = await autocannon(base({ ...options, duration }))
  const after = await snapshot(probe, before.backendPids)
  const activity = await stopSampling()
  const eventLoopDelayMs = await eventLoopDelay(probe.caravanUrl)
  await settle(result)
  return {
    result,
    warm,
    details: {
      ...costs(before, after, result.requests.total),
      ...(eventLoopDelayMs ? { eventLoopDelayMs } : {}),
      ...(activity ? { activity } : {}),
    },
  }
}

function loadRow(
  database: Database,
  workload: Row['workload'],
  server: Row['server'],
  request: string,
  expected: number,
  r: autocannon.Result,
  rate: number,
  details: Record<string, unknown>,
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
    workload,
    server,
    request,
    rate,
    unit: workload === 'create' ? 'req/s' : 'events/s',
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    errors: unexpected + r.errors,
    statusCodes,
    ratio: null,
    flagged: problems.length > 0,
    problems,
    details,
  }
}

/** Create requests, each with a new Idempotency-Key and order ref, for the customers in turn (`authorization(i)`). */
function createRequests(prefix: string, authorization: (i: number) => string, customer: boolean): autocannon.Options['requests'] {
  let n = 0
  return [
    {
      setupRequest: (request) => {
        const i = n++
        return {
          ...request,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: authorization(i), 'idempotency-key': `${prefix}-${i}` },
          body: JSON.stringify(paymentBody(`order-${prefix}-${i}`, 'IRR', customer, i)),
        }
      },
    },
  ]
}

// ---- servers
interface Baseline {
  url: string
  pid?: number
  stop: () => Promise<void>
}

/** On PostgreSQL in the database given, else on PGlite in a temporary folder. */
async function startBaseline(database: Database, databaseUrl?: string): Promise<Baseline> {
  const env = databaseUrl ? { BASELINE_DATABASE_URL: databaseUrl } : { BASELINE_PGLITE_DIR: await tempDir('payments-baseline-') }
  const { ready, stop, child } = await forkScript<{ port: number }>(
    join(benchDir, 'payments', 'baseline.ts'),
    env,
    `baseline on ${database}`,
  )
  const url = `http://127.0.0.1:${ready.port}`
  const check = await call(url, 'POST', '/baseline/payments', {
    body: paymentBody('check', 'IRR', false),
    headers: { 'idempotency-key': 'check' },
    expect: 201,
  })
  if (!check?.id) throw new Error('the baseline answered without an id')
  return { url, pid: child.pid, stop }
}

async function measureBaseline(database: Database, baseline: Baseline, stats?: pg.Client): Promise<Row> {
  console.log(`  baseline on ${database}: POST /baseline/payments`)
  const prefix = `baseline-${randomBytes(3).toString('hex')}`
  const { result, details } = await measureFor(
    { pid: baseline.pid, stats },
    { url: baseline.url + '/baseline/payments', requests: createRequests(prefix, () => 'none', false) },
  )
  return loadRow(
    database,
    'create',
    'baseline',
    'POST /baseline/payments (one INSERT … RETURNING)',
    201,
    result,
    result.requests.average,
    details,
  )
}

interface Prepared {
  caravan: Caravan
  adminToken: string
  apiKey: string
  /** The CUSTOMERS customers' session tokens and ids, in order. */
  customerTokens: string[]
  customerIds: string[]
}

/** Admin login, an API key (payments:write/read, sessions:create), the customer as a host user with a session. */
async function prepareCaravan(caravan: Caravan): Promise<Prepared> {
  const url = caravan.url
  const { accessToken: adminToken } = await call(url, 'POST', '/v1/auth/login', { body: admin, expect: 200 })
  const { key: apiKey } = await call(url, 'POST', '/v1/api-keys', {
    token: adminToken,
    body: { name: 'bench', scopes: ['payments:write', 'payments:read', 'sessions:create'] },
    expect: 201,
  })
  const customerTokens: string[] = []
  const customerIds: string[] = []
  for (let i = 0; i < CUSTOMERS; i++) {
    const session = await call(url, 'POST', '/v1/auth/sessions', {
      token: apiKey,
      body: { externalId: customerRef(i), name: `Bench Customer ${i}` },
      expect: 200,
    })
    customerTokens.push(session.accessToken)
    customerIds.push(session.user.id)
  }
  return { caravan, adminToken, apiKey, customerTokens, customerIds }
}

/** One create each way, checked: 201, the test gateway, a redirect to follow. */
async function checkCreate(p: Prepared) {
  for (const [token, customer] of [
    [p.apiKey, true],
    [p.customerTokens[0], false],
  ] as const) {
    const created = await call(p.caravan.url, 'POST', '/v1/payments', {
      token,
      body: paymentBody(`check-${randomBytes(4).toString('hex')}`, 'IRR', customer),
      headers: { 'idempotency-key': `check-${randomBytes(6).toString('hex')}` },
      expect: 201,
    })
    if (created.gateway !== 'test' || !created.nextAction?.url || created.customerId !== p.customerIds[0])
      throw new Error(`POST /v1/payments: unexpected answer ${JSON.stringify(created).slice(0, 300)}`)
  }
}

const CREATE_KINDS = [
  { label: 'POST /v1/payments (API key, customerId by externalId)', key: 'apikey', customer: true },
  { label: 'POST /v1/payments (customer bearer token)', key: 'token', customer: false },
] as const

async function measureCreates(database: Database, p: Prepared, stats?: pg.Client): Promise<{ rows: Row[]; answered201: number }> {
  const rows: Row[] = []
  let answered201 = 2 // checkCreate
  for (const kind of CREATE_KINDS) {
    console.log(`  Caravan on ${database}: ${kind.label}`)
    const prefix = `${kind.key}-${randomBytes(3).toString('hex')}`
    const authorization = (i: number) => `Bearer ${kind.customer ? p.apiKey : p.customerTokens[i % CUSTOMERS]}`
    const { result, warm, details } = await measureFor(
      { pid: p.caravan.child.pid, stats, caravanUrl: p.caravan.url },
      { url: p.caravan.url + '/v1/payments', requests: createRequests(prefix, authorization, kind.customer) },
    )
    answered201 += (statusCounts(result)['201'] ?? 0) + (warm ? (statusCounts(warm)['201'] ?? 0) : 0)
    rows.push(loadRow(database, 'create', 'caravan', kind.label, 201, result, result.requests.average, details))
  }
  return { rows, answered201 }
}

// ---- the Stripe fake and the webhook workload
interface StripeFake {
  url: string
  pid?: number
  pay: (sessionIds: string[]) => Promise<{ id: string; body: string; header: string }[]>
  stop: () => Promise<void>
}

async function startStripeFake(): Promise<StripeFake> {
  const { ready, child, stop } = await forkScript<FakeStripeAnswer>(
    join(benchDir, 'payments', 'stripe-fake.ts'),
    { FAKE_STRIPE_SECRET_KEY: stripeKeys.secretKey, FAKE_STRIPE_WEBHOOK_SECRET: stripeKeys.webhookSecret },
    'Stripe fake',
  )
  if (!('url' in ready)) throw new Error(`Stripe fake: ${JSON.stringify(ready)}`)
  return {
    url: ready.url,
    pid: child.pid,
    stop,
    async pay(sessionIds) {
      const out: { id: string; body: string; header: string }[] = []
      for (let i = 0; i < sessionIds.length; i += 500) {
        const answer = nextMessage<FakeStripeAnswer>(child, 'Stripe fake')
        child.send({ pay: sessionIds.slice(i, i + 500) } satisfies FakeStripeRequest)
        const got = await answer
        if ('error' in got) throw new Error(`Stripe fake: ${got.error}`)
        if (!('events' in got)) throw new Error('Stripe fake: unexpected answer')
        out.push(...got.events)
      }
      return out
    },
  }
}

async function configureStripe(p: Prepared, stripe: StripeFake) {
  await call(p.caravan.url, 'PUT', '/v1/admin/payment-gateways/stripe', {
    token: p.adminToken,
    body: { enabled: true, config: { ...stripeKeys, baseUrl: stripe.url, timeoutMs: 10_000 } },
    expect: 200,
  })
}

/** n USD payments on Stripe (API key, 20 at a time); their Checkout Session ids. */
async function stripePayments(p: Prepared, n: number): Promise<string[]> {
  const prefix = `wh-${randomBytes(3).toString('hex')}`
  return inParallel(n, 20, async (i) => {
    const created = await call(p.caravan.url, 'POST', '/v1/payments', {
      token: p.apiKey,
      body: { ...paymentBody(`order-${prefix}-${i}`, 'USD', true), gateway: 'stripe' },
      headers: { 'idempotency-key': `${prefix}-${i}` },
      expect: 201,
    })
    const session = /\/c\/pay\/([^/?]+)/.exec(created.nextAction?.url ?? '')?.[1]
    if (created.gateway !== 'stripe' || !session)
      throw new Error(`a Stripe payment without a Checkout Session: ${JSON.stringify(created).slice(0, 300)}`)
    return decodeURIComponent(session)
  })
}

/** Sends every event once (autocannon `amount`); counts answers that processed an event for the first time. Settling is the caller's. */
async function sendEvents(url: string, events: { body: string; header: string }[]) {
  let i = 0
  let fresh = 0
  const result = await autocannon({
    url: url + '/v1/webhooks/payments/stripe',
    connections: Math.min(connections, events.length),
    amount: events.length,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const e = events[Math.min(i++, events.length - 1)]
          return {
            ...request,
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': e.header },
            body: e.body,
          }
        },
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"duplicate":false')) fresh++
        },
      },
    ],
  })
  return { result, fresh, rate: result.requests.total / Math.max(0.001, result.duration) }
}

async function measureWebhooks(
  database: Database,
  p: Prepared,
  stripe: StripeFake,
  stats?: pg.Client,
): Promise<{ row: Row; sent: number }> {
  await configureStripe(p, stripe)
  const probe: Probe = { pid: p.caravan.child.pid, stats, otherPid: stripe.pid, caravanUrl: p.caravan.url }
  let sent = 0
  let warmRate: number | undefined
  if (warmup > 0) {
    const w = Math.max(100, 100 * warmup)
    console.log(`  Caravan on ${database}: warm-up, ${w} Stripe payments and their webhooks`)
    const warm = await sendEvents(p.caravan.url, await stripe.pay(await stripePayments(p, w)))
    await settle(warm.result)
    sent += warm.result.requests.total
    warmRate = warm.rate
  }
  const n = webhookEventsSetting ?? Math.min(20_000, Math.max(200, Math.round((warmRate ?? 200) * duration)))
  console.log(`  Caravan on ${database}: creating ${n.toLocaleString('en-US')} Stripe payments, paying them at the fake`)
  const sessions = await stripePayments(p, n)
  const events = await stripe.pay(sessions)
  if (new Set(events.map((e) => e.id)).size !== events.length) throw new Error('the Stripe fake gave two events the same id')
  console.log(`  Caravan on ${database}: POST /v1/webhooks/payments/stripe, ${n.toLocaleString('en-US')} checkout.session.completed events`)
  await eventLoopDelay(probe.caravanUrl)
  const before = await snapshot(probe)
  const stopSampling = sampleActivity(stats)
  const { result, fresh, rate } = await sendEvents(p.caravan.url, events)
  const after = await snapshot(probe, before.backendPids)
  const activity = await stopSampling()
  const eventLoopDelayMs = await eventLoopDelay(probe.caravanUrl)
  await settle(result)
  sent += result.requests.total
  const row = loadRow(database, 'webhook', 'caravan', 'POST /v1/webhooks/payments/stripe (checkout.session.completed)', 200, result, rate, {
    events: n,
    seconds: round(result.duration),
    ...costs(before, after, result.requests.total, 'stripeFake'),
    eventLoopDelayMs,
    ...(activity ? { activity } : {}),
  })
  if (fresh !== n) {
    row.problems.push(`${n - fresh} of ${n} events not processed as new (duplicate or failed)`)
    row.flagged = true
  }
  return { row, sent }
}

// ---- what ended up in the database
interface Tally {
  testPayments: number
  succeededStripe: number
  statuses: Record<string, number>
}
const TALLY_SQL = `SELECT coalesce(gateway, '-') AS gateway, status, count(*)::int AS n FROM payments GROUP BY 1, 2`
function tallyOf(rows: { gateway: string; status: string; n: number }[]): Tally {
  const statuses: Record<string, number> = {}
  for (const r of rows) statuses[`${r.gateway}/${r.status}`] = r.n
  return {
    testPayments: rows.filter((r) => r.gateway === 'test').reduce((a, r) => a + r.n, 0),
    succeededStripe: statuses['stripe/succeeded'] ?? 0,
    statuses,
  }
}

/** Every 201 is a payment row (a few more rows may come from requests cut off when a run ended); every event settled one. */
function checkTally(rows: Row[], tally: Tally, answered201: number, eventsSent: number) {
  const problems: string[] = []
  if (tally.testPayments < answered201)
    problems.push(`${answered201} creates answered 201 but only ${tally.testPayments} test-gateway payments exist`)
  if (tally.succeededStripe !== eventsSent) problems.push(`${eventsSent} events sent, ${tally.succeededStripe} Stripe payments succeeded`)
  for (const r of rows.filter((r) => r.server === 'caravan')) {
    r.details.databaseCheck = problems.length ? problems.join('; ') : `ok: ${JSON.stringify(tally.statuses)}`
    if (problems.length) {
      r.problems.push(...problems)
      r.flagged = true
    }
  }
}

// ---- statement counts (PostgreSQL, diagnostic, untimed)
interface StatementCounts {
  perCreateApiKey: number
  perCreateToken: number
  perWebhook: number
  createApiKey: { statement: string; perRequest: number }[]
  createToken: { statement: string; perRequest: number }[]
  webhook: { statement: string; perRequest: number }[]
}

async function countStatements(databaseUrl: string, dataDir: string, stripe: StripeFake): Promise<StatementCounts> {
  const counter = await startStatementCounter(databaseUrl)
  onCleanup(() => counter.close())
  // --role api: no workers or cron, so what the proxy sees is the requests' own work.
  const caravan = await startCaravan({ databaseUrl: counter.url, dataDir, role: 'api', env: adminEnv })
  try {
    const p = await prepareCaravan(caravan)
    // Stripe is enabled, so the test gateway is off by default: switch it on for the IRR creates.
    await call(caravan.url, 'PUT', '/v1/admin/payment-gateways/test', {
      token: p.adminToken,
      body: { enabled: true, config: {} },
      expect: 200,
    })
    const perRequest = async (label: string, run: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 5; i++) await run(-1 - i) // caches warm
      counter.reset()
      for (let i = 0; i < PROBES; i++) await run(i)
      const list = [...counter.counts()]
        .map(([statement, n]) => ({ statement, perRequest: round(n / PROBES) }))
        .sort((a, b) => b.perRequest - a.perRequest)
      console.log(`  ${label}: ${round(list.reduce((a, s) => a + s.perRequest, 0))} statements per request`)
      return list
    }
    const prefix = randomBytes(3).toString('hex')
    const create = (customer: boolean) => (i: number) =>
      call(caravan.url, 'POST', '/v1/payments', {
        token: customer ? p.apiKey : p.customerTokens[0],
        body: paymentBody(`count-${prefix}-${customer}-${i}`, 'IRR', customer),
        headers: { 'idempotency-key': `count-${prefix}-${customer}-${i}` },
        expect: 201,
      })
    const createApiKey = await perRequest('create, API key', create(true))
    const createToken = await perRequest('create, customer token', create(false))
    const events = await stripe.pay(await stripePayments(p, PROBES + 5))
    const webhook = await perRequest('webhook', async (i) => {
      const e = events[i < 0 ? PROBES - 1 - i : i]
      // The signature covers Stripe's exact bytes: sent as they are.
      const r = await fetch(caravan.url + '/v1/webhooks/payments/stripe', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': e.header },
        body: e.body,
      })
      const answer = await r.text()
      if (r.status !== 200 || !answer.includes('"duplicate":false'))
        throw new Error(`webhook answered ${r.status}: ${answer.slice(0, 300)}`)
    })
    const sum = (list: { perRequest: number }[]) => round(list.reduce((a, s) => a + s.perRequest, 0))
    return {
      perCreateApiKey: sum(createApiKey),
      perCreateToken: sum(createToken),
      perWebhook: sum(webhook),
      createApiKey,
      createToken,
      webhook,
    }
  } finally {
    await caravan.stop()
    await counter.close()
  }
}

// ---- report
/** The commit measured, and server files changed from it (figures of a dirty tree are not the commit's). */
function sourceState() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: benchDir, encoding: 'utf8' }).trim()
    } catch {
      return undefined
    }
  }
  const changed = git('status', '--porcelain', '--', '../server/src')
  return { commit: git('rev-parse', 'HEAD'), serverSourceChanged: changed ? changed.split('\n').map((l) => l.trim()) : [] }
}

function printRows(rows: Row[]) {
  printTable<Row>(
    [
      { header: 'database', cell: (r) => r.database },
      { header: 'workload', cell: (r) => r.workload },
      { header: 'server', cell: (r) => r.server },
      { header: 'request', cell: (r) => r.request },
      { header: 'rate', cell: (r) => formatRate(r.rate), numeric: true },
      { header: 'unit', cell: (r) => r.unit },
      { header: 'p50 ms', cell: (r) => String(r.p50Ms), numeric: true },
      { header: 'p99 ms', cell: (r) => String(r.p99Ms), numeric: true },
      { header: 'errors', cell: (r) => String(r.errors), numeric: true },
      { header: 'ratio', cell: (r) => formatRatio(r.ratio), numeric: true },
      { header: 'target', cell: (r) => r.target ?? '' },
    ],
    rows,
    (r) => r.flagged,
  )
}

const NOTES = [
  'ratio = Caravan req/s ÷ the bare baseline of the same database in this run (PGlite rows: the PGlite baseline).',
  'create: a new Idempotency-Key and order ref per request, IRR on the built-in test gateway. Baseline: bare Fastify, one INSERT … RETURNING',
  '  of a comparable row (uuid, numeric amount, currency, status, unique (created_by, idempotency_key)); pg pool of 10 or PGlite in-process.',
  `target (PostgreSQL create rows, from the issue): ratio ≥ ${TARGET.ratio}× and p99 < ${TARGET.p99Ms} ms; a miss is flagged (exit 2).`,
  'webhook: each event for its own Stripe payment, distinct event ids, all sent once; Caravan checks the signature, records the event id,',
  '  retrieves the Checkout Session from the Stripe fake (its own process, CPU in details) and settles the payment under its row lock.',
  'details: CPU ms per request of the server (with PGlite: the database inside it) and of its PostgreSQL backends; write transactions and',
  '  WAL bytes per request (server-wide, while only this server was loaded).',
]

async function main() {
  const postgresVersion = await connectAdmin()
  const started = Date.now()
  console.log(
    `Payments bench: ${connections} connections, ${warmup} s warm-up + ${duration} s per create workload; ` +
      `PostgreSQL ${postgresVersion}, Node ${process.version}, ${cpus().length} cores`,
  )
  const rows: Row[] = []
  const stripe = await startStripeFake()

  // PostgreSQL: the baseline's row first, then Caravan's, so a ratio compares runs seconds apart.
  console.log('create on PostgreSQL …')
  const pgStats = async (url: string) => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    onCleanup(() => client.end())
    return client
  }
  const baselineDb = await freshDatabase()
  const pgBaseline = await startBaseline('PostgreSQL', baselineDb)
  rows.push(await measureBaseline('PostgreSQL', pgBaseline, await pgStats(baselineDb)))
  await pgBaseline.stop()

  const caravanDb = await freshDatabase()
  const caravanPg = await startCaravan({ databaseUrl: caravanDb, env: adminEnv, nodeArgs: caravanNodeArgs })
  const caravanStats = await pgStats(caravanDb)
  const preparedPg = await prepareCaravan(caravanPg)
  await checkCreate(preparedPg)
  const pgCreates = await measureCreates('PostgreSQL', preparedPg, caravanStats)
  rows.push(...pgCreates.rows)
  console.log('webhooks on PostgreSQL …')
  const pgWebhooks = await measureWebhooks('PostgreSQL', preparedPg, stripe, caravanStats)
  rows.push(pgWebhooks.row)
  await caravanPg.stop()
  checkTally(
    rows.filter((r) => r.database === 'PostgreSQL'),
    tallyOf((await caravanStats.query(TALLY_SQL)).rows),
    pgCreates.answered201,
    pgWebhooks.sent,
  )
  console.log('counting SQL statements per request on PostgreSQL (through a counting proxy, not timed) …')
  const statements = await countStatements(caravanDb, caravanPg.dataDir, stripe)

  if (withPglite) {
    console.log('create on PGlite …')
    const liteBaseline = await startBaseline('PGlite')
    rows.push(await measureBaseline('PGlite', liteBaseline))
    await liteBaseline.stop()
    const caravanLite = await startCaravan({ env: adminEnv, nodeArgs: caravanNodeArgs })
    const preparedLite = await prepareCaravan(caravanLite)
    await checkCreate(preparedLite)
    const liteCreates = await measureCreates('PGlite', preparedLite)
    rows.push(...liteCreates.rows)
    console.log('webhooks on PGlite …')
    const liteWebhooks = await measureWebhooks('PGlite', preparedLite, stripe)
    rows.push(liteWebhooks.row)
    await caravanLite.stop()
    // The database lives in Caravan's data folder: read it once Caravan has let go of it.
    const lite = await PGlite.create(join(caravanLite.dataDir, 'pglite'))
    try {
      checkTally(
        rows.filter((r) => r.database === 'PGlite'),
        tallyOf((await lite.query<{ gateway: string; status: string; n: number }>(TALLY_SQL)).rows),
        liteCreates.answered201,
        liteWebhooks.sent,
      )
    } finally {
      await lite.close()
    }
  }
  await stripe.stop()

  for (const r of rows) {
    const baseline = rows.find((b) => b.server === 'baseline' && b.database === r.database && b.workload === r.workload)
    if (r.server === 'caravan' && baseline) r.ratio = r.rate / baseline.rate
    if (r.server === 'caravan' && r.workload === 'create' && r.database === 'PostgreSQL') {
      r.target = (r.ratio ?? 0) >= TARGET.ratio && r.p99Ms < TARGET.p99Ms ? 'met' : 'missed'
      if (r.target === 'missed') {
        r.problems.push(`below the target (≥ ${TARGET.ratio}× the bare insert with p99 < ${TARGET.p99Ms} ms)`)
        r.flagged = true
      }
    }
  }

  printRows(rows)
  console.log('\n' + NOTES.join('\n'))
  for (const r of rows) console.log(`details, ${r.database} ${r.workload} ${r.server} ${r.request}: ${JSON.stringify(r.details)}`)
  for (const [label, total, list] of [
    ['create (API key)', statements.perCreateApiKey, statements.createApiKey],
    ['create (customer token)', statements.perCreateToken, statements.createToken],
    ['webhook', statements.perWebhook, statements.webhook],
  ] as const) {
    console.log(`\nSQL statements per ${label}: ${total}`)
    for (const s of list) console.log(`  ${String(s.perRequest).padStart(5)}  ${s.statement}`)
  }
  const flagged = rows.filter((r) => r.flagged)
  for (const r of flagged) console.log(`FLAGGED: ${r.database} ${r.workload} ${r.server}: ${r.problems.join('; ')}`)
  const runSeconds = Math.round((Date.now() - started) / 1000)
  console.log(`run took ${runSeconds} s`)

  await writeResults(resultsFile, {
    date: new Date().toISOString(),
    machine: machineInfo(),
    source: sourceState(),
    settings: { connections, durationSeconds: duration, warmupSeconds: warmup, postgresVersion, target: TARGET, runSeconds },
    rows,
    statements,
    notes: NOTES,
  })
  return flagged.length > 0 ? 2 : 0
}

await runBench(main)
