// Append-only, hash-chained audit log of admin and money actions. Each row's hash covers its
// content and the previous row's hash, so editing or removing any row (even past the database
// trigger, e.g. by a superuser) breaks verify() from that row on.
import { createHash } from 'node:crypto'
import { desc, sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client'
import { principalKey, type Principal } from '../http/auth'
import { AppError } from '../http/errors'
import { canonicalJson } from '../util/canonical-json'
import { listAuditRows, type AuditListFilter, type AuditListRow } from './repo'
import { auditLog } from './tables'

export const GENESIS_HASH = '0'.repeat(64)
const CHAIN_LOCK_ID = 726_517_002

export interface AuditEntry {
  actor: Principal | 'system'
  action: string
  targetType?: string
  targetId?: string
  data?: Record<string, unknown>
}

interface HashedFields {
  at: string
  actorType: string
  actorId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  data: unknown
}

export function auditHash(prevHash: string, row: HashedFields): string {
  // Only the recorded fields, named one by one: a row read back also carries seq and hashes.
  const content = canonicalJson({
    at: new Date(row.at).toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    data: row.data,
  })
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex')
}

export function createAudit(db: Db) {
  /** Appends inside the caller's transaction, so the audit row commits with the action it records. */
  async function append(tx: Executor, entry: AuditEntry): Promise<void> {
    // Serialize appends: two concurrent writers must not both chain onto the same previous row.
    await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK_ID})`)
    const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1)
    const prevHash = last?.hash ?? GENESIS_HASH
    const actorType = entry.actor === 'system' ? 'system' : entry.actor.kind
    const actorId = entry.actor === 'system' ? null : principalKey(entry.actor).split(':')[1]
    const fields: HashedFields = {
      at: new Date().toISOString(),
      actorType,
      actorId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      data: entry.data ?? {},
    }
    await tx.insert(auditLog).values({ ...fields, data: fields.data as object, prevHash, hash: auditHash(prevHash, fields) })
  }

  /** Newest first, with who acted and on whom by name (see repo.ts); the cursor is the last seq. */
  async function list(filter: AuditListFilter) {
    if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
      throw new AppError('validation', 'The date range ends before it starts', {
        errors: [{ field: 'querystring.to', message: 'must not be before from' }],
      })
    }
    const rows = await listAuditRows(db, filter)
    const page = rows.slice(0, filter.limit).map(auditView)
    return { items: page, nextCursor: rows.length > filter.limit ? page.at(-1)!.seq.toString() : null }
  }

  /** Walks the whole chain in order, in pages, and reports the first row that does not match. */
  async function verify(): Promise<{ valid: boolean; checked: number; brokenAtSeq: string | null; reason: string | null }> {
    let prevHash = GENESIS_HASH
    let afterSeq = 0n
    let checked = 0
    for (;;) {
      const rows = await db
        .select()
        .from(auditLog)
        .where(sql`${auditLog.seq} > ${afterSeq}`)
        .orderBy(auditLog.seq)
        .limit(1000)
      if (rows.length === 0) return { valid: true, checked, brokenAtSeq: null, reason: null }
      for (const row of rows) {
        if (row.prevHash !== prevHash)
          return { valid: false, checked, brokenAtSeq: row.seq.toString(), reason: 'prev_hash does not match the previous row' }
        if (auditHash(prevHash, row) !== row.hash)
          return { valid: false, checked, brokenAtSeq: row.seq.toString(), reason: 'hash does not match the row content' }
        prevHash = row.hash
        afterSeq = row.seq
        checked++
      }
    }
  }

  return { append, list, verify }
}

export type Audit = ReturnType<typeof createAudit>

/** A row as the list shows it: who acted (a user, or an API key by its name) and a label for the target. */
function auditView({ row, actorUser, actorKey, targetUser, targetKeyName }: AuditListRow) {
  const actor = actorUser
    ? { id: actorUser.id, name: actorUser.name, email: actorUser.email, externalId: actorUser.externalId }
    : actorKey
      ? { id: actorKey.id, name: actorKey.name, email: null, externalId: null }
      : null
  const targetLabel = targetUser ? (targetUser.name ?? targetUser.email ?? targetUser.externalId) : targetKeyName
  return { ...row, actor, target: targetLabel ? { label: targetLabel } : null }
}
