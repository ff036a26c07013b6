import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const FILE_STATUSES = ['scanning', 'clean', 'unscanned', 'blocked'] as const
export type FileStatus = (typeof FILE_STATUSES)[number]
export type FileKindColumn = 'image' | 'document' | 'archive' | 'text'

/**
 * One row per upload. The blob lives in the file store (encrypted), under a key derived from the
 * id; the row says what it is. An upload belongs to no one (owner null) until the uploader sends
 * it in a message, which claims it; unclaimed uploads are purged after a day.
 */
export const files = pgTable(
  'files',
  {
    id: uuid('id').primaryKey(),
    uploaderId: uuid('uploader_id').notNull(),
    /** Sanitized: no path, no invisible or direction-changing characters, the sniffed extension. */
    name: text('name').notNull(),
    mime: text('mime').notNull(),
    kind: text('kind').$type<FileKindColumn>().notNull(),
    /** Bytes of the stored plaintext (an image after re-encoding). */
    size: bigint('size', { mode: 'number' }).notNull(),
    width: integer('width'),
    height: integer('height'),
    status: text('status').$type<FileStatus>().notNull(),
    /** The virus clamd found (status blocked). */
    signature: text('signature'),
    /** Who the file was sent to: a chat message, later a support ticket… Null until claimed. */
    ownerKind: text('owner_kind'),
    ownerId: text('owner_id'),
    /** The data key the blob was encrypted with (the blob's header says so too). */
    keyId: text('key_id').notNull(),
    hasThumbnail: boolean('has_thumbnail').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    attachedAt: timestamp('attached_at', { withTimezone: true }),
  },
  (t) => [
    index('files_owner_idx').on(t.ownerKind, t.ownerId),
    index('files_uploader_idx').on(t.uploaderId),
    index('files_unattached_idx')
      .on(t.createdAt)
      .where(sql`owner_id is null`),
    index('files_key_idx').on(t.keyId),
  ],
)
