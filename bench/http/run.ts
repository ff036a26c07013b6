// HTTP benchmark: Caravan against a bare Fastify + pg baseline, both started by this script as
// child processes in the same run, so the ratio (Caravan req/s ÷ baseline req/s) means the same
// thing on any machine. Workloads run one at a time (two load generators on a small box would
// measure each other), and an idle server costs next to nothing while another one is measured.
//
// Settings (env): BENCH_DATABASE_URL (a PostgreSQL server, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DURATION seconds per workload (10), BENCH_CONNECTIONS (50), BENCH_WARMUP seconds (2),
// BENCH_PGLITE=0 to skip the run on embedded PGlite.
// Exit code: 0 all clean, 1 could not run, 2 some workload saw errors or non-2xx answers.
import autocannon from 'autocannon'
import pg from 'pg'
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..')
const resultsFile = join(here, '..', 'results', 'http-latest.json')

function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min}, got "${raw}"`)
    process.exit(1)
  }
  return value
}

const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const duration = positiveInt('BENCH_DURATION', 10)
const connections = positiveInt('BENCH_CONNECTIONS', 50)
const warmup = positiveInt('BENCH_WARMUP', 2, 0)
const withPglite = process.env.BENCH_PGLITE !== '0'
const password = 'bench-password-1'

// ---- cleanup: everything started registers its undo here; it runs once, newest first, on
// success, failure, Ctrl-C or SIGTERM alike.
const cleanups: Array<() => Promise<unknown>> = []
let cleaning: Promise<void> | undefined
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const undo of cleanups.splice(0).reverse()) {
      await undo().catch((e) => console.error('cleanup:', (e as Error).message))
    }
  })()
  return cleaning
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping servers and dropping the bench databases…`)
    void cleanup().finally(() => process.exit(code))
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const force = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(force)
}

/** Rejects as soon as the child exits, so a crash at start-up fails fast instead of timing out. */
function exitOf(child: ChildProcess, name: string): Promise<never> {
  return new Promise((_, reject) => child.once('exit', (code, signal) =>
    reject(new Error(`${name} exited (${signal ?? 'code ' + code}) before it was ready`))))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

// ---- databases: a fresh one per server, dropped at the end even if clients are still connected.
const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 })
admin.on('error', (e) => console.error('admin connection:', e.message))

async function freshDatabase(): Promise<string> {
  const name = `caravan_bench_${randomBytes(6).toString('hex')}`
  await admin.query(`CREATE DATABASE ${name}`)
  cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
  const url = new URL(adminUrl)
  url.pathname = '/' + name
  return url.toString()
}

// ---- servers
interface Server { url: string; stop: () => Promise<void> }

async function startBaseline(databaseUrl: string): Promise<Server> {
  const child = fork(join(here, 'baseline.ts'), {
    cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BASELINE_DATABASE_URL: databaseUrl },
  })
  cleanups.push(() => stopChild(child))
  const port = await Promise.race([
    new Promise<number>((resolve) => child.once('message', (m) => resolve((m as { port: number }).port))),
    exitOf(child, 'baseline'),
  ])
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) }
}

async function startCaravan(databaseUrl: string | undefined): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'caravan-bench-'))
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn',
    // 1,000,000/min is the highest the config accepts: high enough that no limit is hit here.
    RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  }
  // Measure the single-process default: no Redis, and PGlite unless a database is given.
  delete env.REDIS_URL
  delete env.DATABASE_URL
  if (databaseUrl) env.DATABASE_URL = databaseUrl
  const child = spawn(process.execPath, ['server/bin/caravan.js', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] })
  cleanups.push(() => stopChild(child))
  const url = `http://127.0.0.1:${port}`
  const ready = (async () => {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const status = await fetch(url + '/readyz').then((r) => r.status, () => 0)
      if (status === 200) return
      await new Promise((r) => setTimeout(r, 250))
    }
    throw new Error('Caravan did not answer 200 on /readyz within 60 s')
  })()
  await Promise.race([ready, exitOf(child, 'Caravan')])
  return { url, stop: () => stopChild(child) }
}

// ---- workloads
interface Row {
  database: string; workload: 'read' | 'write'; server: 'baseline' | 'caravan'; request: string
  requestsPerSecond: number; p50Ms: number; p99Ms: number; total: number; non2xx: number; errors: number
  statusCodes: Record<string, number>; ratio: number | null; flagged: boolean
}

/**
 * autocannon stops by closing its sockets, but the server still finishes the requests it had
 * started (50 registrations are about 2 s of Argon2 work). Waiting out the slowest latency seen
 * keeps that leftover work out of the next measurement and out of the shutdown.
 */
async function settle(result: autocannon.Result): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.min(result.latency.max, 10_000) + 250))
}

/** A short discarded run first, so JIT warm-up and pool connects do not count. */
async function measure(options: autocannon.Options): Promise<autocannon.Result> {
  // 30 s, not autocannon's 10 s: 50 sign-ups queued behind Argon2 wait seconds on a small or busy
  // machine, and that is slowness to report, not a failure.
  const base = { connections, timeout: 30, ...options }
  if (warmup > 0) await settle(await autocannon({ ...base, duration: warmup }))
  const result = await autocannon({ ...base, duration })
  await settle(result)
  return result
}

function row(database: string, workload: Row['workload'], server: Row['server'], request: string, r: autocannon.Result): Row {
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count: number }).count]))
  return {
    database, workload, server, request, requestsPerSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99,
    total: r.requests.total, non2xx: r.non2xx, errors: r.errors, statusCodes, ratio: null, flagged: r.non2xx > 0 || r.errors > 0,
  }
}

/** Request bodies with a new email each time: both servers reject a duplicate. */
function uniqueSignups(prefix: string): autocannon.Options['requests'] {
  let n = 0
  return [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: `${prefix}-${n++}@example.com`, password }) }) }]
}
const jsonPost = { method: 'POST' as const, headers: { 'content-type': 'application/json' } }

/** A server under test: how to reach it for each workload, and how to stop it. */
interface Target {
  database: string; server: Row['server']; stop: () => Promise<void>
  workloads: Record<Row['workload'], { request: string; options: autocannon.Options }>
}

async function baselineTarget(databaseUrl: string): Promise<Target> {
  const { url, stop } = await startBaseline(databaseUrl)
  const check = await fetch(url + '/baseline/read')
  if (check.status !== 200) throw new Error(`baseline GET /baseline/read answered ${check.status}`)
  return {
    database: 'PostgreSQL', server: 'baseline', stop,
    workloads: {
      read: { request: 'GET /baseline/read', options: { url: url + '/baseline/read' } },
      write: { request: 'POST /baseline/insert', options: { url: url + '/baseline/insert', ...jsonPost, requests: uniqueSignups('baseline') } },
    },
  }
}

async function caravanTarget(database: 'PostgreSQL' | 'PGlite', databaseUrl?: string): Promise<Target> {
  const { url, stop } = await startCaravan(databaseUrl)
  const registered = await fetch(url + '/v1/auth/register', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.com', password }),
  })
  if (registered.status !== 201) throw new Error(`POST /v1/auth/register answered ${registered.status}: ${await registered.text()}`)
  const { accessToken } = await registered.json() as { accessToken: string }
  const authorization = `Bearer ${accessToken}`
  const me = await fetch(url + '/v1/me', { headers: { authorization } })
  if (me.status !== 200) throw new Error(`GET /v1/me answered ${me.status}: ${await me.text()}`)
  return {
    database, server: 'caravan', stop,
    workloads: {
      read: { request: 'GET /v1/me', options: { url: url + '/v1/me', headers: { authorization } } },
      write: { request: 'POST /v1/auth/register', options: { url: url + '/v1/auth/register', ...jsonPost, requests: uniqueSignups(`bench-${randomBytes(3).toString('hex')}`) } },
    },
  }
}

async function run(target: Target, workload: Row['workload']): Promise<Row> {
  const { request, options } = target.workloads[workload]
  console.log(`  ${target.server} on ${target.database}: ${request}`)
  return row(target.database, workload, target.server, request, await measure(options))
}

// ---- report
const formatRatio = (r: number | null) => r === null ? '' : (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)) + '×'

function printTable(rows: Row[]) {
  const header = ['database', 'workload', 'server', 'request', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'ratio', '']
  const lines = rows.map((r) => [
    r.database, r.workload, r.server, r.request, Math.round(r.requestsPerSecond).toLocaleString('en-US'),
    String(r.p50Ms), String(r.p99Ms), String(r.non2xx), String(r.errors), formatRatio(r.ratio), r.flagged ? '<-- FLAGGED' : '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const numeric = new Set([4, 5, 6, 7, 8, 9])
  const format = (cells: string[]) => cells.map((c, i) => numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])).join('  ').trimEnd()
  console.log('\n' + format(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  ').trimEnd())
  for (const l of lines) console.log(format(l))
}

const NOTES = [
  'ratio = Caravan req/s ÷ bare baseline req/s for the same kind of work (PGlite rows too: same PostgreSQL baseline).',
  'read: baseline = one-row SELECT by primary key; Caravan GET /v1/me = JWT (HS256) check + one-row user read + response schema, rate limit, metrics, request id.',
  'write: baseline = one-row INSERT … RETURNING; Caravan POST /v1/auth/register = Argon2id password hash (19 MiB, 2 passes, by design:',
  '  it is what makes stolen hashes slow to crack) + one transaction: the user, a refresh token, the user.registered jobs.',
  '  The hash dominates, so this ratio is low on purpose; it measures the cost of safe sign-up, not of Caravan\'s plumbing.',
]

async function main() {
  try {
    await admin.connect()
  } catch (e) {
    const where = new URL(adminUrl)
    where.password = where.password ? '***' : ''
    console.error(`PostgreSQL is not reachable at ${where} (${(e as Error).message}).\n` +
      'Start it, or point BENCH_DATABASE_URL at a server where this user may CREATE DATABASE.')
    process.exit(1)
  }
  cleanups.push(() => admin.end())
  const postgresVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string
  console.log(`HTTP bench: ${connections} connections, ${warmup} s warm-up + ${duration} s per workload, PostgreSQL ${postgresVersion}, Node ${process.version}, ${cpus().length} cores`)

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

  printTable(rows)
  console.log('\n' + NOTES.join('\n'))
  const flagged = rows.filter((r) => r.flagged)
  for (const r of flagged) {
    console.log(`FLAGGED: ${r.database} ${r.request}: ${r.non2xx} non-2xx, ${r.errors} errors; status codes ${JSON.stringify(r.statusCodes)}`)
  }

  await mkdir(dirname(resultsFile), { recursive: true })
  await writeFile(resultsFile, JSON.stringify({
    date: new Date().toISOString(),
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    settings: { connections, durationSeconds: duration, warmupSeconds: warmup, postgresVersion },
    rows, notes: NOTES,
  }, null, 2) + '\n')
  console.log(`\nWritten to ${resultsFile}`)
  return flagged.length > 0 ? 2 : 0
}

let exitCode = 1
try {
  exitCode = await main()
} catch (e) {
  console.error('bench failed:', (e as Error).message)
} finally {
  await cleanup()
}
process.exit(exitCode)
