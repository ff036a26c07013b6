// The audit log's reads for the admin list. People are joined in the same query (no lookup per
// row), so the page shows names, not ids. This is the one place core reads module tables: the
// log names users and API keys by id, and only the accounts tables can say who they are.
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../db/client'
import { UUID_PATTERN } from '../db/ids'
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
