// The audit log's reads for the admin list. People are joined in the same query (no lookup per
// row), so the page shows names, not ids. This is the one place core reads module tables: the
// log names users and API keys by id, and only the accounts tables can say who they are.
import { and, asc, desc, eq, gt, gte, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db, Executor } from '../db/client'
import { UUID_PATTERN } from '../db/ids'
import { unnestRows } from '../db/unnest'
import { apiKeys, users } from '../../modules/accounts/tables'
import { auditLog } from './tables'

export interface AuditListFilter {
  limit: number
  /** Rows with a smaller seq than this (the cursor). */
  before?: bigint
  action?: string
  actorId?: string
  /** Inclusive. */
  from?: string
  /** Exclusive. */
  to?: string
}

const actorUser = alias(users, 'actor_user')
const actorKey = alias(apiKeys, 'actor_key')
const targetUser = alias(users, 'target_user')
const targetKey = alias(apiKeys, 'target_key')

/**
 * The row's id as a uuid when the type matches, else null. CASE guarantees the cast only runs on
 * ids of that type (a notification type's key is not a uuid), and the uuid keeps the primary-key
 * index usable for the join.
 */
const uuidOf = (type: SQL, wanted: string, id: SQL) => sql`case when ${type} = ${wanted} and ${id} ~ ${UUID_PATTERN} then ${id}::uuid end`

export async function listAuditRows(db: Db, filter: AuditListFilter) {
  const where = and(
    filter.before !== undefined ? lt(auditLog.seq, filter.before) : undefined,
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.actorId ? eq(auditLog.actorId, filter.actorId.toLowerCase()) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lt(auditLog.at, filter.to) : undefined,
  )
  const actorType = sql`${auditLog.actorType}`
  const targetType = sql`${auditLog.targetType}`
  return db
    .select({
      row: auditLog,
      actorUser: { id: actorUser.id, name: actorUser.name, email: actorUser.email, externalId: actorUser.externalId },
      actorKey: { id: actorKey.id, name: actorKey.name },
      // Drizzle turns a joined object into null when its first field is null: the id goes first.
      targetUser: { id: targetUser.id, name: targetUser.name, email: targetUser.email, externalId: targetUser.externalId },
      targetKeyName: targetKey.name,
    })
    .from(auditLog)
    .leftJoin(actorUser, eq(actorUser.id, uuidOf(actorType, 'user', sql`${auditLog.actorId}`)))
    .leftJoin(actorKey, eq(actorKey.id, uuidOf(actorType, 'apiKey', sql`${auditLog.actorId}`)))
    .leftJoin(targetUser, eq(targetUser.id, uuidOf(targetType, 'user', sql`${auditLog.targetId}`)))
    .leftJoin(targetKey, eq(targetKey.id, uuidOf(targetType, 'api_key', sql`${auditLog.targetId}`)))
    .where(where)
    .orderBy(desc(auditLog.seq))
    .limit(filter.limit + 1)
}

export type AuditListRow = Awaited<ReturnType<typeof listAuditRows>>[number]

/** One chainer at a time across every node: the advisory lock the chainer's transaction takes. */
const CHAIN_LOCK_ID = 726_517_002

export type AuditRow = typeof auditLog.$inferSelect

/** The chain's SQL (the chainer and verify in service.ts). */
/** An audit row as appended (what its hash covers): no place in the chain yet. */
export interface NewAuditRow {
  at: string
  actorType: string
  actorId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  data: unknown
}

export const auditRepo = {
  /** The insert of rows in one statement, in order (their seqs follow it), to run or to carry in another statement. */
  insertSql(rows: readonly NewAuditRow[]): SQL {
    const v = unnestRows(rows, {
      at: ['timestamptz', (r) => r.at],
      actor_type: ['text', (r) => r.actorType],
      actor_id: ['text', (r) => r.actorId],
      action: ['text', (r) => r.action],
      target_type: ['text', (r) => r.targetType],
      target_id: ['text', (r) => r.targetId],
      data: ['jsonb', (r) => JSON.stringify(r.data)],
    })
    return sql`insert into audit_log (${v.names}) select * from ${v.rows}`
  },
}

export const chainRepo = {
  /** Takes the chainer's lock for the transaction; false when another chainer holds it (`wait`: wait for it). */
  async lock(tx: Executor, wait: boolean): Promise<boolean> {
    if (wait) {
      await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_ID})`)
      return true
    }
    const { rows } = await tx.execute(sql`select pg_try_advisory_xact_lock(${CHAIN_LOCK_ID}) as got`)
    return Boolean((rows[0] as { got: boolean }).got)
  },
  /** The last chained row's place and hash; undefined when nothing is chained yet. */
  async tail(x: Executor): Promise<{ chainPos: bigint; hash: string } | undefined> {
    const [row] = await x
      .select({ chainPos: auditLog.chainPos, hash: auditLog.hash })
      .from(auditLog)
      .where(isNotNull(auditLog.chainPos))
      .orderBy(desc(auditLog.chainPos))
      .limit(1)
    return row && { chainPos: row.chainPos!, hash: row.hash! }
  },
  /** Committed rows not chained yet, oldest first. */
  async unchained(x: Executor, limit: number): Promise<AuditRow[]> {
    return x.select().from(auditLog).where(isNull(auditLog.chainPos)).orderBy(asc(auditLog.seq)).limit(limit)
  },
  /** Gives rows their place and hashes, in one statement (the trigger allows this once per row). */
  async setChain(x: Executor, rows: { seq: bigint; chainPos: bigint; prevHash: string; hash: string }[]): Promise<void> {
    if (!rows.length) return
    const values = sql.join(
      rows.map((r) => sql`(${r.seq.toString()}::bigint, ${r.chainPos.toString()}::bigint, ${r.prevHash}, ${r.hash})`),
      sql`, `,
    )
    await x.execute(sql`
      update audit_log a set chain_pos = v.chain_pos, prev_hash = v.prev_hash, hash = v.hash
      from (values ${values}) as v (seq, chain_pos, prev_hash, hash) where a.seq = v.seq`)
  },
  /** Chained rows after `afterPos`, in chain order. */
  async page(x: Executor, afterPos: bigint, limit: number): Promise<AuditRow[]> {
    return x.select().from(auditLog).where(gt(auditLog.chainPos, afterPos)).orderBy(asc(auditLog.chainPos)).limit(limit)
  },
}
