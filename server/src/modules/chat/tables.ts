import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const CONVERSATION_KINDS = ['direct', 'group', 'support'] as const
export type ConversationKind = (typeof CONVERSATION_KINDS)[number]
export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]

const created = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()

export const chatConversations = pgTable(
  'chat_conversations',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').$type<ConversationKind>().notNull(),
    name: text('name'),
    /** Direct conversations only: the two user ids, sorted and joined, so a pair has one conversation. */
    directKey: text('direct_key'),
    /** The seq of the newest message; the next message takes lastSeq + 1 under this row's lock. */
    lastSeq: integer('last_seq').notNull().default(0),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('chat_conversations_direct_key').on(t.directKey)],
)

export const chatMembers = pgTable(
  'chat_members',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => chatConversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    role: text('role').$type<MemberRole>().notNull().default('member'),
    lastReadSeq: integer('last_read_seq').notNull().default(0),
    lastDeliveredSeq: integer('last_delivered_seq').notNull().default(0),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] }), index('chat_members_user').on(t.userId)],
)

export interface SystemEvent {
  event: 'created' | 'joined' | 'left' | 'removed' | 'renamed'
  actorId: string | null
  userIds?: string[]
  name?: string
}

export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => chatConversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    /** Null for system messages. */
    senderId: uuid('sender_id'),
    clientMessageId: text('client_message_id'),
    kind: text('kind').$type<'text' | 'system'>().notNull(),
    /** The text, sealed with the key ring (AES-256-GCM, bound to the message id); null once deleted. */
    body: text('body'),
    system: jsonb('system').$type<SystemEvent>(),
    replyToId: uuid('reply_to_id'),
    attachmentIds: uuid('attachment_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** Blind-index tokens of the text (keyed HMACs of normalized words), for search without plaintext. */
    searchTokens: text('search_tokens')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Set by the content filter in flag mode: shown, and listed for moderators. */
    flagged: text('flagged'),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: uuid('deleted_by'),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('chat_messages_seq').on(t.conversationId, t.seq),
    uniqueIndex('chat_messages_client_id').on(t.conversationId, t.senderId, t.clientMessageId),
    index('chat_messages_created').on(t.createdAt),
    // fastupdate off: each insert updates the index itself. With it on, inserts pile up in a pending
    // list that the insert that overflows it merges, a send stalling 50–100 ms every few seconds.
    index('chat_messages_search').using('gin', t.searchTokens).with({ fastupdate: false }),
  ],
)

/** Earlier versions of an edited message (sealed like the message). */
export const chatMessageEdits = pgTable(
  'chat_message_edits',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => chatMessages.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    editedAt: created(),
  },
  (t) => [index('chat_message_edits_message').on(t.messageId)],
)

export const chatReactions = pgTable(
  'chat_reactions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => chatMessages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    emoji: text('emoji').notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
)

export const chatBlocks = pgTable(
  'chat_blocks',
  {
    blockerId: uuid('blocker_id').notNull(),
    blockedId: uuid('blocked_id').notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('chat_blocks_blocked').on(t.blockedId)],
)

export const chatReports = pgTable(
  'chat_reports',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => chatMessages.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull(),
    reporterId: uuid('reporter_id').notNull(),
    reason: text('reason').notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('chat_reports_once').on(t.messageId, t.reporterId), index('chat_reports_open').on(t.resolvedAt)],
)

/** Module settings (moderation mode, retention), one row per key. */
export const chatSettings = pgTable('chat_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** Last seen, kept when a user's last socket closes (presence itself lives in memory or Redis). */
export const chatLastSeen = pgTable('chat_last_seen', {
  userId: uuid('user_id').primaryKey(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
})
