// Wallet benchmark (see docs/benchmarks.md#wallet): Caravan's wallet transfers against a bare
// single-row UPDATE baseline started by this script in the same run, on PostgreSQL.
//
//   many  POST /v1/wallet/transfers from a random one of BENCH_WALLETS users to another, 1 rial
//         each, a new Idempotency-Key per request (each sender's own session token). Baseline:
//         bench/wallet/baseline.ts, one `UPDATE … SET balance = balance + 1` of a random row.
//   hot   the same, every transfer to one wallet (its row lock taken by every request). Baseline:
//         the same UPDATE, always of one row.
// After the Caravan runs: the hot wallet's balance must equal its start plus the transfers answered
// 201 (no lost update), no answer other than 201 (no deadlock, no refusal), and the ledger's
// invariants must hold (GET /v1/admin/wallet/check).
//
// Settings (env): BENCH_DATABASE_URL, BENCH_DURATION (10), BENCH_CONNECTIONS (50), BENCH_WARMUP (2),
// BENCH_WALLETS (200), BENCH_CPU_PROFILE_DIR (diagnostics: Caravan writes a V8 CPU profile there). Exit code: 0 clean and on target, 1 could not run, 2 an unexpected answer, a
// balance that does not add up, a broken invariant, or `many` below the target (≥ 0.3×).
import autocannon from 'autocannon'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { call } from '../lib/call'
import { runBench } from '../lib/cleanup'
import { connectAdmin, freshDatabase } from '../lib/databases'
import { caravanNodeArgs, machineInfo, positiveInt } from '../lib/env'
import { measure, statusCounts } from '../lib/load'
import { startStatementCounter } from '../lib/pgwire-count'
import { benchDir, forkScript, startCaravan } from '../lib/processes'
import { formatRate, formatRatio, printTable, writeResults } from '../lib/report'

const resultsFile = join(benchDir, 'results', 'wallet-latest.json')
const settings = {
  durationSeconds: positiveInt('BENCH_DURATION', 10),
  connections: positiveInt('BENCH_CONNECTIONS', 50),
  warmupSeconds: positiveInt('BENCH_WARMUP', 2, 0),
}
const WALLETS = positiveInt('BENCH_WALLETS', 200, 2)
/** The target for transfers on many wallets. */
const TARGET_RATIO = 0.3
const FUNDS = '1000000000'
const admin = { email: 'bench-admin@example.com', password: 'bench-admin-password-1' }

type Workload = 'many' | 'hot'
interface Row {
  workload: Workload
  server: 'baseline' | 'caravan'
  rate: number
  p50Ms: number
  p99Ms: number
  total: number
  statusCodes: Record<string, number>
  ratio: number | null
  problems: string[]
}

const pick = (n: number, not?: number) => {
  for (;;) {
    const i = Math.floor(Math.random() * n)
    if (i !== not) return i
  }
}

function row(workload: Workload, server: Row['server'], r: autocannon.Result): Row {
  const statusCodes = statusCounts(r)
  const other = Object.entries(statusCodes).filter(([code]) => code !== '201')
  const problems = other.length ? [`answers other than 201: ${JSON.stringify(statusCodes)}`] : []
  if (r.errors) problems.push(`${r.errors} socket errors (${r.timeouts} timeouts)`)
  return {
    workload,
    server,
    rate: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    statusCodes,
    ratio: null,
    problems,
  }
}

async function measureBaseline(url: string, workload: Workload): Promise<Row> {
  console.log(`  baseline: ${workload}`)
  const result = await measure(settings, {
    url: url + '/baseline/wallets',
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ wallet: workload === 'hot' ? 0 : pick(WALLETS), amount: '1' }),
        }),
      },
    ],
  })
  return row(workload, 'baseline', result)
}

interface Users {
  ids: string[]
  tokens: string[]
}

/** `count` host users with sessions, each wallet funded by an admin adjustment; no transfer limits. */
async function prepare(url: string, count = WALLETS): Promise<{ users: Users; adminToken: string }> {
  const { accessToken: adminToken } = await call(url, 'POST', '/v1/auth/login', { body: admin, expect: 200 })
  const { key } = await call(url, 'POST', '/v1/api-keys', {
    token: adminToken,
    body: { name: 'bench', scopes: ['sessions:create'] },
    expect: 201,
  })
  await call(url, 'PATCH', '/v1/admin/wallet/settings', { token: adminToken, body: { transferLimits: {} }, expect: 200 })
  const users: Users = { ids: [], tokens: [] }
  for (let i = 0; i < count; i++) {
    const session = await call(url, 'POST', '/v1/auth/sessions', { token: key, body: { externalId: `bench-${i}` }, expect: 200 })
    users.ids.push(session.user.id)
    users.tokens.push(session.accessToken)
    await call(url, 'POST', '/v1/admin/wallet/adjustments', {
      token: adminToken,
      body: { userId: session.user.id, currency: 'IRR', amount: FUNDS, reason: 'bench funds' },
      headers: { 'idempotency-key': `fund-${i}` },
      expect: 201,
    })
  }
  return { users, adminToken }
}

async function balanceOf(url: string, token: string): Promise<bigint> {
  const wallet = await call(url, 'GET', '/v1/me/wallet', { token, expect: 200 })
  return BigInt(wallet.balances.find((b: { currency: string }) => b.currency === 'IRR')?.balance ?? '0')
}

async function measureCaravan(url: string, users: Users, workload: Workload): Promise<Row> {
  console.log(`  Caravan: ${workload}`)
  const prefix = randomBytes(4).toString('hex')
  let n = 0
  // The hot run has no warm-up of its own (the many run warmed the server up): every transfer it
  // sends is counted, so the hot wallet's balance must grow by exactly the 201s.
  const result = await measure(workload === 'hot' ? { ...settings, warmupSeconds: 0 } : settings, {
    url: url + '/v1/wallet/transfers',
    requests: [
      {
        setupRequest: (request) => {
          const to = workload === 'hot' ? 0 : pick(WALLETS)
          const from = pick(WALLETS, to)
          return {
            ...request,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${users.tokens[from]}`,
              'idempotency-key': `${prefix}-${n++}`,
            },
            body: JSON.stringify({ to: users.ids[to], amount: '1', currency: 'IRR' }),
          }
        },
      },
    ],
  })
  return row(workload, 'caravan', result)
}

/** Transfers in each statement-count pass. */
const PROBES = 50
/** Transfers in flight at once in the concurrent pass (distinct payers, so batches form). */
const IN_FLIGHT = 25

interface StatementCounts {
  /** One transfer at a time: every batch holds one. */
  sequential: { statement: string; perRequest: number }[]
  /** IN_FLIGHT at once: what batching saves. */
  concurrent: { statement: string; perRequest: number }[]
}

/**
 * Diagnostic, untimed: the SQL statements a transfer sends, through a counting proxy (each is a
 * round trip to PostgreSQL and a socket write), on a node with `--role api` so that no worker's
 * statements mix in; once one at a time and once with IN_FLIGHT payers at once.
 */
async function countStatements(databaseUrl: string): Promise<StatementCounts> {
  const counter = await startStatementCounter(databaseUrl)
  const caravan = await startCaravan({
    databaseUrl: counter.url,
    role: 'api',
    env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
  })
  const perRequest = () =>
    [...counter.counts()]
      .map(([statement, n]) => ({ statement, perRequest: Math.round((n / PROBES) * 100) / 100 }))
      .sort((a, b) => b.perRequest - a.perRequest)
  try {
    const { users } = await prepare(caravan.url, IN_FLIGHT * 2)
    const transfer = (from: number, key: string) =>
      call(caravan.url, 'POST', '/v1/wallet/transfers', {
        token: users.tokens[from],
        body: { to: users.ids[from + IN_FLIGHT], amount: '1', currency: 'IRR' },
        headers: { 'idempotency-key': key },
        expect: 201,
      })
    for (let i = 0; i < 5; i++) await transfer(0, `count-warm-${i}`) // caches warm
    counter.reset()
    for (let i = 0; i < PROBES; i++) await transfer(0, `count-${i}`)
    const sequential = perRequest()
    counter.reset()
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, payer) => {
        for (let i = payer; i < PROBES; i += IN_FLIGHT) await transfer(payer, `count-at-once-${i}`)
      }),
    )
    return { sequential, concurrent: perRequest() }
  } finally {
    await caravan.stop()
    await counter.close()
  }
}

async function main(): Promise<number> {
  const started = Date.now()
  const postgresVersion = await connectAdmin()
  console.log(`PostgreSQL ${postgresVersion}; ${WALLETS} wallets; ${settings.connections} connections, ${settings.durationSeconds} s a run`)
  const rows: Row[] = []

  const baseline = await forkScript<{ port: number }>(
    join(benchDir, 'wallet', 'baseline.ts'),
    { BASELINE_DATABASE_URL: await freshDatabase(), BASELINE_WALLETS: String(WALLETS) },
    'wallet baseline',
  )
  const baselineUrl = `http://127.0.0.1:${baseline.ready.port}`
  for (const workload of ['many', 'hot'] as const) rows.push(await measureBaseline(baselineUrl, workload))
  await baseline.stop()

  const caravan = await startCaravan({
    databaseUrl: await freshDatabase(),
    env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
    nodeArgs: caravanNodeArgs,
  })
  const { users, adminToken } = await prepare(caravan.url)
  const checks: string[] = []
  for (const workload of ['many', 'hot'] as const) {
    const before = await balanceOf(caravan.url, users.tokens[0])
    const r = await measureCaravan(caravan.url, users, workload)
    if (workload === 'hot') {
      const received = Number((await balanceOf(caravan.url, users.tokens[0])) - before)
      const answered = r.statusCodes['201'] ?? 0
      // Requests still in flight when autocannon stops are finished by the server but not counted:
      // at most one per connection.
      checks.push(`hot wallet: +${received} rials for ${answered} transfers answered 201 (up to ${settings.connections} more in flight)`)
      if (received < answered || received > answered + settings.connections)
        r.problems.push(`the hot wallet received ${received} for ${answered} transfers answered 201: a lost or extra update`)
    }
    rows.push(r)
  }
  const ledger = await call(caravan.url, 'GET', '/v1/admin/wallet/check', { token: adminToken, expect: 200 })
  checks.push(`ledger check: ${ledger.ok ? 'every invariant holds' : JSON.stringify(ledger.violations).slice(0, 300)}`)
  if (!ledger.ok) rows.filter((r) => r.server === 'caravan').forEach((r) => r.problems.push('the ledger check failed'))
  await caravan.stop()

  for (const r of rows.filter((x) => x.server === 'caravan')) {
    const base = rows.find((b) => b.server === 'baseline' && b.workload === r.workload)!
    r.ratio = r.rate / base.rate
    if (r.workload === 'many' && r.ratio < TARGET_RATIO) r.problems.push(`below the target (≥ ${TARGET_RATIO}× the bare update)`)
  }

  console.log('counting SQL statements per transfer (through a counting proxy, not timed) …')
  const statements = await countStatements(await freshDatabase())
  const total = (counts: StatementCounts['sequential']) => Math.round(counts.reduce((a, x) => a + x.perRequest, 0) * 100) / 100
  checks.push(
    `statements per transfer: ${total(statements.sequential)} one at a time, ${total(statements.concurrent)} with ${IN_FLIGHT} at once`,
  )

  printTable(
    [
      { header: 'workload', cell: (r: Row) => r.workload },
      { header: 'server', cell: (r: Row) => (r.server === 'baseline' ? 'bare UPDATE of one row' : 'POST /v1/wallet/transfers') },
      { header: 'req/s', cell: (r: Row) => formatRate(r.rate), numeric: true },
      { header: 'p50 ms', cell: (r: Row) => String(r.p50Ms), numeric: true },
      { header: 'p99 ms', cell: (r: Row) => String(r.p99Ms), numeric: true },
      { header: 'ratio', cell: (r: Row) => formatRatio(r.ratio), numeric: true },
    ],
    rows,
    (r) => r.problems.length > 0,
  )
  for (const c of checks) console.log(c)
  const flagged = rows.filter((r) => r.problems.length)
  for (const r of flagged) console.log(`FLAGGED: ${r.workload} ${r.server}: ${r.problems.join('; ')}`)
  await writeResults(resultsFile, {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      ...settings,
      wallets: WALLETS,
      postgresVersion,
      targetRatio: TARGET_RATIO,
      runSeconds: Math.round((Date.now() - started) / 1000),
    },
    rows,
    checks,
    statements,
  })
  return flagged.length ? 2 : 0
}

await runBench(main)
