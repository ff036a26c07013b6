import { bigserial, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Append-only (a trigger refuses UPDATE and DELETE) and hash-chained: see audit/service.ts. */
export const auditLog = pgTable('audit_log', {
  seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
  actorType: text('actor_type').notNull(),
  actorId: text('actor_id'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  data: jsonb('data').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
})
