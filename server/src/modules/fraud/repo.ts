// The fraud module's SQL, and nothing else: every function takes the executor (db or a transaction).
import { and, count, desc, eq, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm'
import type { Executor, Tx } from '../../core/db/client'
import { compiled } from '../../core/db/prepared'
import { unnestColumns, type UnnestColumn } from '../../core/db/unnest'
import type { Currency } from '../../core/money/currency'
import type { VelocityRule } from './schemas'
import {
  fraudAssessments,
  fraudBlocklist,
  fraudRules,
  type AssessedOperation,
  type BlocklistKind,
  type Decision,
  type ReviewStatus,
} from './tables'

export type AssessmentRow = typeof fraudAssessments.$inferSelect
export type BlocklistRow = typeof fraudBlocklist.$inferSelect
export type RulesRow = typeof fraudRules.$inferSelect

const t = fraudAssessments

/** An assessment as decided, before the database stamps its time (a review is decided later). */
export type NewAssessment = Omit<AssessmentRow, 'reviewedBy' | 'reviewedAt' | 'reviewNote' | 'createdAt'>
const NEW_ASSESSMENT_COLUMNS: Record<string, UnnestColumn<NewAssessment>> = {
  id: ['uuid', (r) => r.id],
  operation: ['text', (r) => r.operation],
  user_id: ['uuid', (r) => r.userId],
  ref: ['text', (r) => r.ref],
  amount: ['numeric', (r) => r.amount.toString()],
  currency: ['text', (r) => r.currency],
  ip: ['text', (r) => r.ip],
  device_id: ['text', (r) => r.deviceId],
  email_domain: ['text', (r) => r.emailDomain],
  country: ['text', (r) => r.country],
  card_fingerprint: ['text', (r) => r.cardFingerprint],
  score: ['smallint', (r) => r.score],
  decision: ['text', (r) => r.decision],
  reasons: ['jsonb', (r) => JSON.stringify(r.reasons)],
  rules_version: ['integer', (r) => r.rulesVersion],
  actor: ['text', (r) => r.actor],
  dedupe_key: ['text', (r) => r.dedupeKey],
  review_status: ['text', (r) => r.reviewStatus],
  user_count: ['integer', (r) => r.userCount],
  user_amount: ['numeric', (r) => r.userAmount?.toString()],
}
const SUBJECT_COLUMNS = { user: t.userId, ip: t.ip, device: t.deviceId } as const
/** Every batch of assessments is written by this statement, built once (core/db/prepared.ts). */
const newAssessments = unnestColumns('', NEW_ASSESSMENT_COLUMNS)
const insertAssessments = compiled(
  () =>
    sql`insert into ${t} (${newAssessments.names}) select * from ${newAssessments.rows} on conflict do nothing returning id, created_at`,
)

/** A user's running totals as they stand: the count by user id, the amount by `${userId} ${currency}`. */
export interface RunningTotals {
  count: Map<string, number>
  amount: Map<string, bigint>
}

/** One row of the velocity statement: a window (i), a taken dedupe key, or a user's running totals. */
type VelocityRow = {
  i: number | null
  n: number
  amount: string
  taken: string | null
  user_id: string | null
  currency: string | null
  last_count: number | null
  last_amount: string | null
  /** A window read row by row: the oldest row read, and whether the window was known full and not read. */
  oldest: string | null
  full: boolean | null
}

/** A window read row by row (its rules' longest window, their largest cap), and its memory of being full. */
type Scan = {
  key: string
  g: number
  subject: string
  value: string
  seconds: number
  operations: string | null
  cap: number | null
  /** Its rules have windows of different lengths: being full says nothing of the shorter ones. */
  mixed?: true
  /** The time of the row that filled it when it was last read full. */
  known: string | null
}

/**
 * Windows read full (their cap reached), on this node: the time of the row that made the cap, by
 * window. While that row is in the window, the window still holds at least the cap (rows are only
 * ever added within a window; erasure clears an address or a device, so one erased user's rows can
 * count for up to a window longer), so it is not read again: an address shared by many, past its
 * limit, costs nothing per batch. Bounded; forgotten whole when full.
 */
export type SaturatedWindows = Map<string, string>
const SATURATED_MAX = 10_000
const memoKey = (scan: Scan) => JSON.stringify([scan.key, scan.seconds, scan.cap])
function remember(saturated: SaturatedWindows, key: string, oldest: string) {
  if (saturated.size >= SATURATED_MAX) saturated.clear()
  saturated.set(key, oldest)
}

/**
 * The windows read row by row: each scan reads its subject's window through that subject's index
 * (the other two branches compare with null), newest first, stopping at the cap; each query counts
 * its own window of its scan's rows. A bitmap scan would read all of the window first, and on a
 * young, growing table (statistics not analyzed yet) the planner takes it for a few rows and picks
 * one: thousands of rows for a busy address. Not in this transaction: lockSubjects, which always
 * comes first, turned bitmap scans off in it.
 */
type ScannedQuery = { i: number; g: number; seconds: number; currency: Currency; known: string | null }
const scanColumns = unnestColumns('g_', {
  g: ['int', (v: Scan) => v.g],
  subject: ['text', (v) => v.subject],
  value: ['text', (v) => v.value],
  seconds: ['int', (v) => v.seconds],
  operations: ['text', (v) => v.operations],
  cap: ['int', (v) => v.cap],
  known: ['timestamptz', (v) => v.known],
})
const scannedColumns = unnestColumns('q_', {
  i: ['int', (v: ScannedQuery) => v.i],
  g: ['int', (v) => v.g],
  seconds: ['int', (v) => v.seconds],
  currency: ['text', (v) => v.currency],
  known: ['timestamptz', (v) => v.known],
})
function scannedWindows(): SQL {
  // Known full and still so: the scan does not run (a condition on the outer row alone is checked once).
  const full = (x: 'v' | 'q') => sql.raw(`coalesce(${x}.known > now() - ${x}.seconds * interval '1 second', false)`)
  const window = (subject: VelocityRule['subject'], value: SQL) => sql`(
    select ${t.createdAt} as created_at, ${t.amount} as amount, ${t.currency} as currency, ${t.decision} as decision from ${t}
    where ${SUBJECT_COLUMNS[subject]} = case when v.subject = ${subject} then ${value} end
      and ${t.createdAt} > now() - v.seconds * interval '1 second'
      and ${t.operation} <> 'payment_capture' and (v.operations is null or ${t.operation} = any(string_to_array(v.operations, ',')))
      and not ${full('v')}
    order by ${t.createdAt} desc limit v.cap)`
  return sql`(with s as (
      select v.g, r.* from ${scanColumns.rows}
      cross join lateral (${window('user', sql`v.value::uuid`)} union all ${window('ip', sql`v.value`)} union all ${window('device', sql`v.value`)}) r
    )
    select q.i, count(s.g)::int as n,
      coalesce(sum(s.amount) filter (where s.currency = q.currency and s.decision <> 'block'), 0)::text as amount,
      null::text as taken, null::text as user_id, null::text as currency, null::int as last_count, null::text as last_amount,
      min(s.created_at)::text as oldest, ${full('q')} as full
    from (select * from ${scannedColumns.rows}) q left join s on s.g = q.g and s.created_at > now() - q.seconds * interval '1 second'
    group by q.i, q.known, q.seconds)`
}

/**
 * A user's windows from the running totals: the window's count is the user's last count less the
 * window's first row's, plus one; its amount in a currency, the last total in that currency less
 * the first row's, plus the first row's own. The last ones are read once per user and currency,
 * the first ones once per window: probes of (user, time, count), which orders a batch's rows (one
 * time) by their count, so no probe sorts. A user and currency without a window to read still
 * gives its running totals (a row without `i`).
 */
type ProbedQuery = { i: number; userId: string; seconds: number; currency: Currency }
type UserCurrency = { userId: string; currency: Currency }
const userColumns = unnestColumns('u_', { user_id: ['uuid', (v: UserCurrency) => v.userId], currency: ['text', (v) => v.currency] })
const probedColumns = unnestColumns('p_', {
  i: ['int', (v: ProbedQuery) => v.i],
  user_id: ['uuid', (v) => v.userId],
  seconds: ['int', (v) => v.seconds],
  currency: ['text', (v) => v.currency],
})
function probedWindows(): SQL {
  const mine = (x: 'u' | 'q') => sql`${t.userId} = ${sql.raw(x)}.user_id and ${t.userCount} is not null`
  const inWindow = sql`${t.createdAt} > now() - q.seconds * interval '1 second'`
  const newest = sql`order by ${t.createdAt} desc, ${t.userCount} desc limit 1`
  const oldest = sql`order by ${t.createdAt}, ${t.userCount} limit 1`
  return sql`(with last as (
      select u.user_id, u.currency, l.n, lc.a from (select * from ${userColumns.rows}) u
      left join lateral (select ${t.userCount} as n from ${t} where ${mine('u')} ${newest}) l on true
      left join lateral (select ${t.userAmount} as a from ${t} where ${mine('u')} and ${t.currency} = u.currency ${newest}) lc on true
    )
    select q.i, coalesce(last.n - f.n + 1, 0)::int as n, coalesce(last.a - fc.a + fc.own, 0)::text as amount,
      null::text as taken, last.user_id::text as user_id, last.currency, last.n as last_count, last.a::text as last_amount,
      null::text as oldest, null::boolean as full
    from last left join (select * from ${probedColumns.rows}) q on q.user_id = last.user_id and q.currency = last.currency
    left join lateral (select ${t.userCount} as n from ${t} where ${mine('q')} and ${inWindow} ${oldest}) f on true
    left join lateral (
      select ${t.userAmount} as a, case when ${t.decision} <> 'block' then ${t.amount} else 0 end as own from ${t}
      where ${mine('q')} and ${t.currency} = q.currency and ${inWindow} ${oldest}) fc on true)`
}

/** lockSubjects, built once. */
const lockStatement = compiled(
  (
    p,
  ) => sql`select pg_advisory_xact_lock(h) from (select hashtextextended(k, 0) as h from unnest(${p('keys')}::text[]) as v(k) order by 1) as s,
    (select set_config('enable_bitmapscan', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)) as plan`,
)

// One index probe per key: the statement's generic plan is made once per connection, and made
// while the table was small (a new deployment) a `dedupe_key = any(…)` was planned as a scan of the
// whole table, which it stayed as the table grew (measured: 3.4 ms a batch against 0.5).
const takenKeys = (): SQL => sql`select null, null, null, f.dedupe_key, null, null, null, null, null, null
  from unnest(${sql.placeholder('keys')}::text[]) as k(key)
  cross join lateral (select ${t.dedupeKey} as dedupe_key from ${t} where ${t.dedupeKey} = k.key limit 1) f`

/**
 * The velocity statement, one per shape (which of its three parts a batch needs), each built once.
 * Prepared: planning it cost as much as running it (1–1.8 ms a batch, measured with
 * pg_stat_statements), inside the locks. Its generic plan is used at once (lockSubjects sets
 * plan_cache_mode for the transaction): the shapes are fixed, the values are arrays.
 */
const velocityStatements = new Map<string, ReturnType<typeof compiled>>()
function velocityStatement(parts: { scanned: boolean; probed: boolean; taken: boolean }) {
  const shape = JSON.stringify(parts)
  let statement = velocityStatements.get(shape)
  if (!statement) {
    const build = [parts.scanned && scannedWindows, parts.probed && probedWindows, parts.taken && takenKeys].filter((b) => b !== false)
    statement = compiled(
      () =>
        sql.join(
          build.map((b) => b()),
          sql` union all `,
        ),
      { prepared: true },
    )
    velocityStatements.set(shape, statement)
  }
  return statement
}

export const assessmentsRepo = {
  /**
   * Serializes assessments that share a subject (a user, an address, a device) until the commit,
   * so operations at once cannot all count the same window and slip past a velocity rule together.
   * One statement; the locks are taken in hash order, so two assessments never wait on each other.
   * The same statement turns bitmap scans off for the rest of the transaction, for the velocity
   * read (see velocity); the statements a batched write runs after it fetch a few rows by key,
   * where an index scan is the plan anyway. It also has the transaction's prepared statements (only
   * the velocity read is one) use their generic plan at once.
   */
  async lockSubjects(x: Executor, keys: string[]): Promise<void> {
    if (!keys.length) return
    await lockStatement(x, { keys: keys.map((k) => `fraud:${k}`) })
  },

  /**
   * For each velocity query, in order: what its subject did in the window (count of every attempt;
   * amount in the query's `currency` of those not blocked); which of `dedupeKeys` are taken; and
   * each of `users`' running totals as they stand (`running`, for the rows about to be written).
   * One statement for a whole batch.
   *
   * A user's window over every operation (the default, and the built-in rules) is read from the
   * running totals: its first and last rows, four index probes, however busy the user (the daily
   * amount rule used to read a busy user's whole day, on every operation). The totals are exact
   * because a user's assessments are written one batch at a time (lockSubjects).
   * Other windows (an address, a device, a rule naming its operations) are read row by row, and
   * a subject's rules that count the same operations share one read over the longest window. A
   * read whose rules all have a count limit stops at the largest limit + 1 rows (`atLeast` then):
   * the rows are read newest first, so a shorter window past its own limit has at least its limit
   * + 1 among them; past the limit the count decides and the amount is not looked at, and a window
   * shared by many (an office's address) costs no more to check when it is busy.
   */
  async velocity(
    tx: Tx,
    queries: { rule: VelocityRule; value: string; currency: Currency }[],
    dedupeKeys: string[],
    users: { userId: string; currency: Currency }[],
    saturated: SaturatedWindows = new Map(),
  ): Promise<{
    windows: { count: number; amount: bigint; atLeast: boolean }[]
    taken: Set<string>
    running: RunningTotals
  }> {
    const scans = new Map<string, Scan>()
    const scanned: { i: number; g: number; seconds: number; currency: Currency }[] = []
    const probed: { i: number; userId: string; seconds: number; currency: Currency }[] = []
    queries.forEach((query, i) => {
      const { rule, value } = query
      if (rule.subject === 'user' && !rule.operations) {
        probed.push({ i, userId: value, seconds: rule.windowSeconds, currency: query.currency })
        return
      }
      // null: every operation but a capture: a plain comparison per row, where a list is taken
      // apart again for every row it is compared with.
      const operations = rule.operations?.join(',') ?? null
      const key = JSON.stringify([rule.subject, value, operations])
      const cap = rule.maxCount === undefined ? null : rule.maxCount + 1
      let scan = scans.get(key)
      if (!scan)
        scans.set(
          key,
          (scan = { key, g: scans.size, subject: rule.subject, value, seconds: rule.windowSeconds, operations, cap, known: null }),
        )
      if (scan.seconds !== rule.windowSeconds) scan.mixed = true
      scan.seconds = Math.max(scan.seconds, rule.windowSeconds)
      scan.cap = scan.cap === null || cap === null ? null : Math.max(scan.cap, cap)
      scanned.push({ i, g: scan.g, seconds: rule.windowSeconds, currency: query.currency })
    })
    // The running totals of every user in the batch, in every currency it uses (and those the windows ask).
    const pairs = new Map<string, { userId: string; currency: Currency }>()
    for (const p of [...users, ...probed]) pairs.set(`${p.userId} ${p.currency}`, { userId: p.userId, currency: p.currency })
    // A window seen full (its cap reached) stays full while the row that filled it is in it: not read again till then.
    const byG = [...scans.values()]
    for (const scan of byG) scan.known = (scan.cap !== null && !scan.mixed && saturated.get(memoKey(scan))) || null
    const scanOf = new Map(scanned.map((q) => [q.i, byG[q.g]]))
    const parts = { scanned: scanned.length > 0, probed: pairs.size > 0, taken: dedupeKeys.length > 0 }
    const windows = queries.map(() => ({ count: 0, amount: 0n, atLeast: false }))
    const taken = new Set<string>()
    const running: RunningTotals = { count: new Map(), amount: new Map() }
    if (!parts.scanned && !parts.probed && !parts.taken) return { windows, taken, running }
    const { rows } = await velocityStatement(parts)(tx, {
      ...scanColumns.values(byG),
      ...scannedColumns.values(scanned.map((q) => ({ ...q, known: byG[q.g].known }))),
      ...userColumns.values([...pairs.values()]),
      ...probedColumns.values(probed),
      keys: dedupeKeys,
    })
    for (const row of rows as VelocityRow[]) {
      if (row.taken !== null) {
        taken.add(row.taken)
        continue
      }
      if (row.user_id !== null) {
        running.count.set(row.user_id, Number(row.last_count ?? 0))
        running.amount.set(`${row.user_id} ${row.currency}`, BigInt(row.last_amount ?? 0))
      }
      if (row.i === null) continue
      const { rule } = queries[Number(row.i)]
      const scan = scanOf.get(Number(row.i))
      if (scan && row.full) {
        // Still full: as many as the cap, at least (the amount is not looked at past a count limit).
        windows[Number(row.i)] = { count: scan.cap!, amount: 0n, atLeast: true }
        continue
      }
      windows[Number(row.i)] = {
        count: Number(row.n),
        amount: BigInt(row.amount),
        atLeast: row.user_id === null && rule.maxCount !== undefined && row.n > rule.maxCount,
      }
      if (scan && scan.cap !== null && !scan.mixed && row.n >= scan.cap && row.oldest) remember(saturated, memoKey(scan), row.oldest)
    }
    return { windows, taken, running }
  },

  /** Card fingerprints the user paid with (reported at capture), newest first. */
  async cardsOf(x: Executor, userId: string, limit = 50): Promise<string[]> {
    const rows = await x
      .selectDistinct({ card: t.cardFingerprint })
      .from(t)
      .where(and(eq(t.userId, userId), isNotNull(t.cardFingerprint)))
      .limit(limit)
    return rows.map((r) => r.card!)
  },

  /**
   * Inserts those whose dedupe key is free (the others: read the first with byDedupe); the rows
   * inserted, stamped with the database's time. One statement of one array per column (unnestRows).
   */
  async insertMany(x: Executor, rows: NewAssessment[]): Promise<AssessmentRow[]> {
    if (!rows.length) return []
    const { rows: written } = await insertAssessments(x, newAssessments.values(rows))
    const at = new Map((written as { id: string; created_at: string | Date }[]).map((r) => [r.id, new Date(r.created_at)]))
    return rows
      .filter((r) => at.has(r.id))
      .map((r) => ({ ...r, reviewedBy: null, reviewedAt: null, reviewNote: null, createdAt: at.get(r.id)! }))
  },
  /** The stored assessments of these dedupe keys, by key. */
  async byDedupeKeys(x: Executor, keys: string[]): Promise<Map<string, AssessmentRow>> {
    if (!keys.length) return new Map()
    const rows = await x.select().from(t).where(inArray(t.dedupeKey, keys))
    return new Map(rows.map((r) => [r.dedupeKey!, r]))
  },
  async byDedupe(x: Executor, key: string): Promise<AssessmentRow | undefined> {
    const [row] = await x.select().from(t).where(eq(t.dedupeKey, key))
    return row
  },
  async byId(x: Executor, id: string): Promise<AssessmentRow | undefined> {
    const [row] = await x.select().from(t).where(eq(t.id, id))
    return row
  },

  /** Newest first; `limit + 1` rows for pageOf. `reviews` keeps only assessments that went to the review queue. */
  async list(
    x: Executor,
    f: {
      userId?: string
      decision?: Decision
      operation?: AssessedOperation
      ref?: string
      reviews?: boolean
      reviewStatus?: ReviewStatus
      before?: string
      limit: number
    },
  ): Promise<AssessmentRow[]> {
    const conditions: SQL[] = []
    if (f.userId) conditions.push(eq(t.userId, f.userId))
    if (f.decision) conditions.push(eq(t.decision, f.decision))
    if (f.operation) conditions.push(eq(t.operation, f.operation))
    if (f.ref) conditions.push(eq(t.ref, f.ref))
    if (f.reviews) conditions.push(isNotNull(t.reviewStatus))
    if (f.reviewStatus) conditions.push(eq(t.reviewStatus, f.reviewStatus))
    if (f.before) conditions.push(lt(t.id, f.before))
    return x
      .select()
      .from(t)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(t.id))
      .limit(f.limit + 1)
  },

  /** Decides an open review; undefined when it is not open (decided already, or no review). The row stays locked until the commit. */
  async decide(
    x: Executor,
    id: string,
    status: 'approved' | 'rejected',
    by: string,
    note: string | null,
  ): Promise<AssessmentRow | undefined> {
    const [row] = await x
      .update(t)
      .set({ reviewStatus: status, reviewedBy: by, reviewedAt: sql`now()`, reviewNote: note })
      .where(and(eq(t.id, id), eq(t.reviewStatus, 'open')))
      .returning()
    return row
  },

  /** The reviews of what an operation produced (a withdrawal id), share-locked so none is decided until the caller commits. */
  async reviewsOf(x: Executor, operation: AssessedOperation, ref: string): Promise<AssessmentRow[]> {
    return x
      .select()
      .from(t)
      .where(and(eq(t.operation, operation), eq(t.ref, ref), isNotNull(t.reviewStatus)))
      .for('share')
  },

  async ofUser(x: Executor, userId: string): Promise<AssessmentRow[]> {
    return x.select().from(t).where(eq(t.userId, userId)).orderBy(desc(t.id))
  },

  /** Erasure: the decisions stay (money records refer to them), the facts that identify the person go. */
  async eraseFacts(x: Executor, userId: string): Promise<void> {
    await x
      .update(t)
      .set({ ip: null, deviceId: null, emailDomain: null, country: null, cardFingerprint: null, reasons: [] })
      .where(eq(t.userId, userId))
  },
}

const b = fraudBlocklist

export const blocklistRepo = {
  async all(x: Executor): Promise<{ kind: BlocklistKind; value: string }[]> {
    return x.select({ kind: b.kind, value: b.value }).from(b)
  },
  async count(x: Executor): Promise<number> {
    const [row] = await x.select({ n: count() }).from(b)
    return Number(row.n)
  },
  async list(x: Executor, f: { kind?: BlocklistKind; before?: string; limit: number }): Promise<BlocklistRow[]> {
    const conditions: SQL[] = []
    if (f.kind) conditions.push(eq(b.kind, f.kind))
    if (f.before) conditions.push(lt(b.id, f.before))
    return x
      .select()
      .from(b)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(b.id))
      .limit(f.limit + 1)
  },
  /** Undefined when the value is listed already. */
  async insert(x: Executor, row: typeof b.$inferInsert): Promise<BlocklistRow | undefined> {
    const [inserted] = await x.insert(b).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byValue(x: Executor, kind: BlocklistKind, value: string): Promise<BlocklistRow | undefined> {
    const [row] = await x
      .select()
      .from(b)
      .where(and(eq(b.kind, kind), eq(b.value, value)))
    return row
  },
  async remove(x: Executor, id: string): Promise<BlocklistRow | undefined> {
    const [row] = await x.delete(b).where(eq(b.id, id)).returning()
    return row
  },
}

export const rulesRepo = {
  async get(x: Executor): Promise<RulesRow | undefined> {
    const [row] = await x.select().from(fraudRules).where(eq(fraudRules.id, 1))
    return row
  },
  /** Writes the rules as version `expected + 1`; undefined when the stored version is not `expected` (someone changed them meanwhile). */
  async write(x: Executor, rules: unknown, expected: number, by: string): Promise<RulesRow | undefined> {
    // No row yet is version 0 (the defaults): only a writer who read those may insert the first.
    const [row] =
      expected === 0
        ? await x.insert(fraudRules).values({ id: 1, rules, version: 1, updatedBy: by }).onConflictDoNothing().returning()
        : await x
            .update(fraudRules)
            .set({ rules, version: expected + 1, updatedBy: by, updatedAt: sql`now()` })
            .where(and(eq(fraudRules.id, 1), eq(fraudRules.version, expected)))
            .returning()
    return row
  },
}
