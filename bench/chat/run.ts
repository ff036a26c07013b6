// The chat benchmark: 1,000 sockets in 100 conversations of 10, a paced sender stepping its rate
// up, and p50/p99 send-to-receive latency, for a bare socket.io server and for Caravan (every
// message stored with its seq) on PostgreSQL, on two nodes over Redis, and on PGlite. Caravan's
// sustainable rate (p99 under the limit, nothing lost) is reported as a ratio of the baseline's.
// BENCH_CPU_PROFILE_DIR (diagnostics): each Caravan process writes a V8 CPU profile there.
import { join } from 'node:path'
import { cleanup, runBench } from '../lib/cleanup'
import { connectAdmin, freshDatabase } from '../lib/databases'
import { caravanNodeArgs, machineInfo, positiveInt, withPglite } from '../lib/env'
import { benchDir, forkScript, startCaravan } from '../lib/processes'
import { formatRatio, formatRate, printTable, writeResults } from '../lib/report'
import { connectAll, findSustainable, type Member, type StepResult } from './harness'

const USERS = positiveInt('BENCH_CHAT_USERS', 1000, 10)
const GROUP = 10
const SECONDS = positiveInt('BENCH_DURATION', 10)
const P99_LIMIT_MS = 50
const RATES = (process.env.BENCH_CHAT_RATES ?? '100,200,500,1000,1500,2000,2500,3000').split(',').map(Number)
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin password 1' }

interface Row {
  name: string
  sustainable: StepResult | undefined
  steps: StepResult[]
  ratio: number | null
  seqCheck: string
}

/** The target, on PostgreSQL (one node or two): at least half the bare rate at p99 < 50 ms; and no seq gap anywhere. */
const flaggedRow = (r: Row) => r.seqCheck.startsWith('FAILED') || (/PostgreSQL|Redis/.test(r.name) && (r.ratio ?? 0) < 0.5)

async function json(url: string, method: string, token: string | undefined, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const answer = await res.json().catch(() => undefined)
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(answer)}`)
  return answer as any
}

async function inBatches<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++
        out[i] = await task(i)
      }
    }),
  )
  return out
}

/** Host users with session tokens (no password hashing), groups of 10, and the flood limit lifted. */
async function setUp(url: string) {
  const admin = await json(`${url}/v1/auth/login`, 'POST', undefined, ADMIN)
  await json(`${url}/v1/admin/chat/settings`, 'PATCH', admin.accessToken, { floodPerMinute: 100_000 })
  const key = (await json(`${url}/v1/api-keys`, 'POST', admin.accessToken, { name: 'bench', scopes: ['sessions:create'] })).key as string
  const sessions = await inBatches(USERS, 20, (i) =>
    json(`${url}/v1/auth/sessions`, 'POST', key, { externalId: `bench-${i}`, name: `User ${i}` }),
  )
  const conversations = await inBatches(USERS / GROUP, 10, async (c) => {
    const members = Array.from({ length: GROUP }, (_, k) => c * GROUP + k)
    const created = await json(`${url}/v1/conversations`, 'POST', sessions[members[0]].accessToken, {
      type: 'group',
      memberIds: members.slice(1).map((m) => sessions[m].user.id),
      name: `Bench ${c}`,
    })
    return { id: created.id as string, members }
  })
  return { sessions: sessions.map((s) => ({ token: s.accessToken as string })), conversations }
}

/** The messages of a sample of conversations: seqs 1..N with no gap, N = acked sends + the "created" message. */
async function checkSeqs(
  url: string,
  token: (member: number) => string,
  conversations: { id: string; members: number[] }[],
  acked: Map<string, number>,
) {
  const sample = conversations.slice(0, 5)
  for (const c of sample) {
    const seqs: number[] = []
    let after = 0
    for (;;) {
      const page = await json(`${url}/v1/conversations/${c.id}/messages?after=${after}&limit=200`, 'GET', token(c.members[0]))
      seqs.push(...page.items.map((m: { seq: number }) => m.seq))
      if (!page.hasMore) break
      after = seqs.at(-1)!
    }
    const want = (acked.get(c.id) ?? 0) + 1
    if (seqs.length !== want || seqs.some((s, i) => s !== i + 1)) return `FAILED in ${c.id}: ${seqs.length} messages, ${want} expected`
  }
  return `ok (${sample.length} conversations, every seq 1..N, none missing)`
}

async function measureCaravan(name: string, urls: string[], baseline: number | undefined): Promise<Row> {
  console.log(`\n${name}: setting up ${USERS} users and ${USERS / GROUP} conversations…`)
  const { sessions, conversations } = await setUp(urls[0])
  const members: Member[] = sessions.map((s, i) => ({ url: urls[i % urls.length], auth: { token: s.token } }))
  const sockets = await connectAll(members)
  const acked = new Map<string, number>()
  const { steps, sustainable } = await findSustainable(name, sockets, conversations, RATES, SECONDS, P99_LIMIT_MS, acked)
  for (const s of sockets) s.disconnect()
  const seqCheck = await checkSeqs(urls[0], (m) => sessions[m].token, conversations, acked)
  return { name, steps, sustainable, ratio: baseline && sustainable ? sustainable.ackedRate / baseline : null, seqCheck }
}

async function main(): Promise<number> {
  const postgresVersion = await connectAdmin()
  const rows: Row[] = []

  // Baseline first, alone.
  const bare = await forkScript<{ port: number }>(join(benchDir, 'chat', 'baseline.ts'), {}, 'chat baseline')
  const bareUrl = `http://127.0.0.1:${bare.ready.port}`
  const conversations = Array.from({ length: USERS / GROUP }, (_, c) => ({
    id: `room-${c}`,
    members: Array.from({ length: GROUP }, (_, k) => c * GROUP + k),
  }))
  const roomsOf = (i: number) => `room-${Math.floor(i / GROUP)}`
  console.log(`\nbare socket.io: ${USERS} sockets in ${USERS / GROUP} rooms of ${GROUP}`)
  const bareSockets = await connectAll(Array.from({ length: USERS }, (_, i) => ({ url: bareUrl, auth: { rooms: roomsOf(i) } })))
  const bareRun = await findSustainable('bare socket.io', bareSockets, conversations, RATES, SECONDS, P99_LIMIT_MS, new Map())
  for (const s of bareSockets) s.disconnect()
  await bare.stop()
  const baseline = bareRun.sustainable?.ackedRate
  rows.push({
    name: 'bare socket.io (baseline)',
    steps: bareRun.steps,
    sustainable: bareRun.sustainable,
    ratio: 1,
    seqCheck: 'n/a (no storage)',
  })

  const adminEnv = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_PER_MINUTE: '1000000' }

  const pgUrl = await freshDatabase()
  const one = await startCaravan({ databaseUrl: pgUrl, env: adminEnv, nodeArgs: caravanNodeArgs })
  rows.push(await measureCaravan('Caravan, PostgreSQL', [one.url], baseline))
  await one.stop()

  // BENCH_CHAT_ONE_NODE=1: the baseline and one PostgreSQL node only (still reported and written).
  const oneNode = process.env.BENCH_CHAT_ONE_NODE === '1'
  if (!oneNode) {
    const twoUrl = await freshDatabase()
    const shared = {
      ...adminEnv,
      JWT_SECRET: 'bench-two-nodes-jwt-secret-0123456789abcdef',
      SECRETS_KEY: 'bench-two-nodes-secrets-key-0123456789abcdef',
      REDIS_KEY_PREFIX: `caravan-bench-${Date.now()}:`,
    }
    const a = await startCaravan({ databaseUrl: twoUrl, redisUrl: REDIS_URL, env: shared, nodeArgs: caravanNodeArgs })
    const b = await startCaravan({ databaseUrl: twoUrl, redisUrl: REDIS_URL, env: shared, nodeArgs: caravanNodeArgs })
    rows.push(await measureCaravan('Caravan, 2 nodes over Redis', [a.url, b.url], baseline))
    await a.stop()
    await b.stop()
  }

  if (withPglite && !oneNode) {
    const lite = await startCaravan({ env: adminEnv, nodeArgs: caravanNodeArgs })
    rows.push(await measureCaravan('Caravan, PGlite', [lite.url], baseline))
    await lite.stop()
  }

  const held = (r: Row) => r.sustainable
  printTable<Row>(
    [
      { header: 'server', cell: (r) => r.name },
      { header: 'msg/s in (p99 < 50 ms)', cell: (r) => (held(r) ? formatRate(held(r)!.ackedRate) : 'none held'), numeric: true },
      { header: 'deliveries/s', cell: (r) => (held(r) ? formatRate(held(r)!.ackedRate * (GROUP - 1)) : ''), numeric: true },
      { header: 'p50 ms', cell: (r) => (held(r) ? held(r)!.p50.toFixed(1) : ''), numeric: true },
      { header: 'p99 ms', cell: (r) => (held(r) ? held(r)!.p99.toFixed(1) : ''), numeric: true },
      { header: 'vs bare', cell: (r) => formatRatio(r.ratio), numeric: true },
      { header: 'seq check', cell: (r) => r.seqCheck },
    ],
    rows,
    flaggedRow,
  )
  await writeResults(join(benchDir, 'results', 'chat.json'), {
    at: new Date().toISOString(),
    machine: machineInfo(),
    postgres: postgresVersion,
    settings: { users: USERS, group: GROUP, seconds: SECONDS, rates: RATES, p99LimitMs: P99_LIMIT_MS },
    rows,
  })
  await cleanup()
  const flagged = rows.some(flaggedRow)
  return flagged ? 2 : 0
}

void runBench(main)
