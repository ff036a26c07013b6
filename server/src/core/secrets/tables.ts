import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Data keys for content encrypted at rest (chat messages, stored files): 32 random bytes each,
 * stored sealed by the SecretBox (SECRETS_KEY), so the database alone opens nothing. The newest is
 * the active one; older ones stay to open what they sealed until the rotation job has moved it.
 */
export const dataKeys = pgTable('data_keys', {
  id: text('id').primaryKey(),
  wrapped: text('wrapped').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})
