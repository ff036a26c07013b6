import { sql } from 'drizzle-orm'
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

/**
 * Append-only (triggers refuse DELETE and any UPDATE but the chainer's one) and hash-chained: see
 * audit/service.ts. A row is written without its place in the chain; the chainer gives it
 * `chain_pos`, `prev_hash` and `hash` once, shortly after its transaction committed.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    data: jsonb('data').notNull(),
    /** The row's place in the chain (commit order, as the chainer found them); null until chained. */
    chainPos: bigint('chain_pos', { mode: 'bigint' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    uniqueIndex('audit_log_chain_pos').on(t.chainPos),
    index('audit_log_unchained')
      .on(t.seq)
      .where(sql`chain_pos is null`),
  ],
)
