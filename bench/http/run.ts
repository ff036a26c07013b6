// HTTP benchmark: Caravan against a bare Fastify + pg baseline, both started by this script as
// child processes in the same run, so the ratio (Caravan req/s ÷ baseline req/s) means the same
// thing on any machine. Workloads run one at a time (two load generators on a small box would
// measure each other), and an idle server costs next to nothing while another one is measured.
//
// Settings (env): BENCH_DATABASE_URL (a PostgreSQL server, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DURATION seconds per workload (10), BENCH_CONNECTIONS (50), BENCH_WARMUP seconds (2),
// BENCH_PGLITE=0 to skip the run on embedded PGlite.
// Exit code: 0 all clean, 1 could not run, 2 some workload saw errors or non-2xx answers.
import type autocannon from 'autocannon'
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runBench } from '../lib/cleanup'
import { connectAdmin, freshDatabase } from '../lib/databases'
import { machineInfo, positiveInt, withPglite } from '../lib/env'
import { jsonPost, measure as measureLoad, statusCounts, type LoadSettings } from '../lib/load'
import { forkScript, startCaravan } from '../lib/processes'
import { formatRate, formatRatio, printTable, writeResults } from '../lib/report'

const here = dirname(fileURLToPath(import.meta.url))
const resultsFile = join(here, '..', 'results', 'http-latest.json')

const duration = positiveInt('BENCH_DURATION', 10)
const connections = positiveInt('BENCH_CONNECTIONS', 50)
const warmup = positiveInt('BENCH_WARMUP', 2, 0)
const load: LoadSettings = { connections, durationSeconds: duration, warmupSeconds: warmup }
const password = 'bench-password-1'

// ---- servers
interface Server {
  url: string
  stop: () => Promise<void>
}

async function startBaseline(databaseUrl: string): Promise<Server> {
  const { ready, stop } = await forkScript<{ port: number }>(join(here, 'baseline.ts'), { BASELINE_DATABASE_URL: databaseUrl }, 'baseline')
  return { url: `http://127.0.0.1:${ready.port}`, stop }
}

// ---- workloads
interface Row {
  database: string
  workload: 'read' | 'write'
  server: 'baseline' | 'caravan'
  request: string
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  total: number
  non2xx: number
  errors: number
  statusCodes: Record<string, number>
  ratio: number | null
  flagged: boolean
}

function row(database: string, workload: Row['workload'], server: Row['server'], request: string, r: autocannon.Result): Row {
  const statusCodes = statusCounts(r)
  return {
    database,
    workload,
    server,
    request,
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes,
    ratio: null,
    flagged: r.non2xx > 0 || r.errors > 0,
  }
}

/** Request bodies with a new email each time: both servers reject a duplicate. */
function uniqueSignups(prefix: string): autocannon.Options['requests'] {
  let n = 0
  return [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: `${prefix}-${n++}@example.com`, password }) }) }]
}

/** A server under test: how to reach it for each workload, and how to stop it. */
interface Target {
  database: string
  server: Row['server']
  stop: () => Promise<void>
  workloads: Record<Row['workload'], { request: string; options: autocannon.Options }>
}

async function baselineTarget(databaseUrl: string): Promise<Target> {
  const { url, stop } = await startBaseline(databaseUrl)
  const check = await fetch(url + '/baseline/read')
  if (check.status !== 200) throw new Error(`baseline GET /baseline/read answered ${check.status}`)
  return {
    database: 'PostgreSQL',
    server: 'baseline',
    stop,
    workloads: {
      read: { request: 'GET /baseline/read', options: { url: url + '/baseline/read' } },
      write: {
        request: 'POST /baseline/insert',
        options: { url: url + '/baseline/insert', ...jsonPost, requests: uniqueSignups('baseline') },
      },
    },
  }
}

async function caravanTarget(database: 'PostgreSQL' | 'PGlite', databaseUrl?: string): Promise<Target> {
  const { url, stop } = await startCaravan({ databaseUrl })
  const registered = await fetch(url + '/v1/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password }),
  })
  if (registered.status !== 201) throw new Error(`POST /v1/auth/register answered ${registered.status}: ${await registered.text()}`)
  const { accessToken } = (await registered.json()) as { accessToken: string }
  const authorization = `Bearer ${accessToken}`
  const me = await fetch(url + '/v1/me', { headers: { authorization } })
  if (me.status !== 200) throw new Error(`GET /v1/me answered ${me.status}: ${await me.text()}`)
  return {
    database,
    server: 'caravan',
    stop,
    workloads: {
      read: { request: 'GET /v1/me', options: { url: url + '/v1/me', headers: { authorization } } },
      write: {
        request: 'POST /v1/auth/register',
        options: { url: url + '/v1/auth/register', ...jsonPost, requests: uniqueSignups(`bench-${randomBytes(3).toString('hex')}`) },
      },
    },
  }
}

async function run(target: Target, workload: Row['workload']): Promise<Row> {
  const { request, options } = target.workloads[workload]
  console.log(`  ${target.server} on ${target.database}: ${request}`)
  return row(target.database, workload, target.server, request, await measureLoad(load, options))
}

// ---- report
function printRows(rows: Row[]) {
  printTable<Row>(
    [
      { header: 'database', cell: (r) => r.database },
      { header: 'workload', cell: (r) => r.workload },
      { header: 'server', cell: (r) => r.server },
      { header: 'request', cell: (r) => r.request },
      { header: 'req/s', cell: (r) => formatRate(r.requestsPerSecond), numeric: true },
      { header: 'p50 ms', cell: (r) => String(r.p50Ms), numeric: true },
      { header: 'p99 ms', cell: (r) => String(r.p99Ms), numeric: true },
      { header: 'non-2xx', cell: (r) => String(r.non2xx), numeric: true },
      { header: 'errors', cell: (r) => String(r.errors), numeric: true },
      { header: 'ratio', cell: (r) => formatRatio(r.ratio), numeric: true },
    ],
    rows,
    (r) => r.flagged,
  )
}

const NOTES = [
  'ratio = Caravan req/s ÷ bare baseline req/s for the same kind of work (PGlite rows too: same PostgreSQL baseline).',
  'read: baseline = one-row SELECT by primary key; Caravan GET /v1/me = JWT (HS256) check (verified tokens remembered until they expire)',
  '  + the session check and the user, both from the hot session cache (no query; invalidated across nodes on change)',
  '  + response schema, rate limit, metrics, request id.',
  'write: baseline = one-row INSERT … RETURNING; Caravan POST /v1/auth/register = Argon2id password hash (19 MiB, 2 passes, by design:',
  '  it is what makes stolen hashes slow to crack) + one transaction: the user, a refresh token, the user.registered jobs.',
  "  The hash dominates, so this ratio is low on purpose; it measures the cost of safe sign-up, not of Caravan's plumbing.",
]

async function main() {
  const postgresVersion = await connectAdmin()
  console.log(
    `HTTP bench: ${connections} connections, ${warmup} s warm-up + ${duration} s per workload, PostgreSQL ${postgresVersion}, Node ${process.version}, ${cpus().length} cores`,
  )

  // Each Caravan workload runs right after the same baseline workload, so a ratio compares two
  // measurements taken seconds apart (a busy neighbour on the machine skews both alike).
  const rows: Row[] = []
  console.log('starting the baseline and Caravan on PostgreSQL …')
  const baseline = await baselineTarget(await freshDatabase())
  const caravanPg = await caravanTarget('PostgreSQL', await freshDatabase())
  for (const workload of ['read', 'write'] as const) {
    rows.push(await run(baseline, workload), await run(caravanPg, workload))
  }
  await caravanPg.stop()
  if (withPglite) {
    console.log('starting Caravan on PGlite …')
    const caravanLite = await caravanTarget('PGlite')
    for (const workload of ['read', 'write'] as const) rows.push(await run(caravanLite, workload))
    await caravanLite.stop()
  }
  await baseline.stop()
  for (const r of rows) {
    const base = rows.find((b) => b.server === 'baseline' && b.workload === r.workload)
    if (r.server === 'caravan' && base) r.ratio = r.requestsPerSecond / base.requestsPerSecond
  }

  printRows(rows)
  console.log('\n' + NOTES.join('\n'))
  const flagged = rows.filter((r) => r.flagged)
  for (const r of flagged) {
    console.log(
      `FLAGGED: ${r.database} ${r.request}: ${r.non2xx} non-2xx, ${r.errors} errors; status codes ${JSON.stringify(r.statusCodes)}`,
    )
  }

  await writeResults(resultsFile, {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: { connections, durationSeconds: duration, warmupSeconds: warmup, postgresVersion },
    rows,
    notes: NOTES,
  })
  return flagged.length > 0 ? 2 : 0
}

await runBench(main)
