// SQL for the chat tables only: no rules here; every function takes the executor to run on (the
// database or an open transaction).
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import { compiled } from '../../core/db/prepared'
import {
  chatBlocks,
  chatConversations,
  chatLastSeen,
  chatMembers,
  chatMessageEdits,
  chatMessages,
  chatReactions,
  chatReports,
  chatSettings,
  type MemberRole,
} from './tables'

export type ConversationRow = typeof chatConversations.$inferSelect
export type MemberRow = typeof chatMembers.$inferSelect
export type MessageRow = typeof chatMessages.$inferSelect
export type ReportRow = typeof chatReports.$inferSelect
/** A message about to be stored, before it has a seq (chat_append gives it one). */
export type MessageInsert = Pick<
  MessageRow,
  | 'id'
  | 'conversationId'
  | 'senderId'
  | 'clientMessageId'
  | 'kind'
  | 'body'
  | 'system'
  | 'replyToId'
  | 'attachmentIds'
  | 'searchTokens'
  | 'flagged'
>
/** One message for chat_append: who has read up to it, and whether it is a user's send to check. */
export interface AppendItem {
  row: MessageInsert
  readerId: string | null
  checked: boolean
}
export type AppendVerdict = 'ok' | 'not_found' | 'blocked' | 'bad_reply'
/** chat_append's answer, item by item in the order given (see drizzle/0008_chat_append_function.sql). */
export interface AppendAnswer {
  at: Date
  results: { verdict: AppendVerdict; storedId: string | null; seq: number | null }[]
  members: { conversationId: string; userId: string }[]
}

export const conversationsRepo = {
  async insert(x: Executor, row: typeof chatConversations.$inferInsert): Promise<ConversationRow | undefined> {
    const [created] = await x.insert(chatConversations).values(row).onConflictDoNothing().returning()
    return created
  },
  async byId(x: Executor, id: string): Promise<ConversationRow | undefined> {
    const [row] = await x.select().from(chatConversations).where(eq(chatConversations.id, id))
    return row
  },
  async byDirectKey(x: Executor, key: string): Promise<ConversationRow | undefined> {
    const [row] = await x.select().from(chatConversations).where(eq(chatConversations.directKey, key))
    return row
  },
  async rename(x: Executor, id: string, name: string) {
    await x.update(chatConversations).set({ name }).where(eq(chatConversations.id, id))
  },
  async remove(x: Executor, id: string) {
    await x.delete(chatConversations).where(eq(chatConversations.id, id))
  },
  /** A user's conversations, most recent activity first; the cursor is the last row's (time, id). */
  listOfUser(x: Executor, userId: string, limit: number, after?: { at: Date; id: string }) {
    const c = chatConversations
    return x
      .select({ conversation: c, member: chatMembers })
      .from(chatMembers)
      .innerJoin(c, eq(c.id, chatMembers.conversationId))
      .where(
        and(
          eq(chatMembers.userId, userId),
          after ? or(lt(c.lastMessageAt, after.at), and(eq(c.lastMessageAt, after.at), lt(c.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(c.lastMessageAt), desc(c.id))
      .limit(limit)
  },
}

export const membersRepo = {
  async insert(x: Executor, rows: (typeof chatMembers.$inferInsert)[]) {
    if (!rows.length) return []
    return x.insert(chatMembers).values(rows).onConflictDoNothing().returning()
  },
  async remove(x: Executor, conversationId: string, userIds: string[]): Promise<string[]> {
    if (!userIds.length) return []
    const rows = await x
      .delete(chatMembers)
      .where(and(eq(chatMembers.conversationId, conversationId), inArray(chatMembers.userId, userIds)))
      .returning({ userId: chatMembers.userId })
    return rows.map((r) => r.userId)
  },
  async get(x: Executor, conversationId: string, userId: string): Promise<MemberRow | undefined> {
    const [row] = await x
      .select()
      .from(chatMembers)
      .where(and(eq(chatMembers.conversationId, conversationId), eq(chatMembers.userId, userId)))
    return row
  },
  listOf(x: Executor, conversationIds: string[]): Promise<MemberRow[]> {
    if (!conversationIds.length) return Promise.resolve([])
    return x
      .select()
      .from(chatMembers)
      .where(inArray(chatMembers.conversationId, conversationIds))
      .orderBy(asc(chatMembers.joinedAt), asc(chatMembers.userId))
  },
  async conversationIdsOf(x: Executor, userId: string): Promise<string[]> {
    const rows = await x.select({ id: chatMembers.conversationId }).from(chatMembers).where(eq(chatMembers.userId, userId))
    return rows.map((r) => r.id)
  },
  /** Whether the two users are members of one conversation together. */
  async share(x: Executor, a: string, b: string): Promise<boolean> {
    const rows = await x.execute<{ one: number }>(sql`
      select 1 as one from chat_members m1 join chat_members m2 on m1.conversation_id = m2.conversation_id
      where m1.user_id = ${a} and m2.user_id = ${b} limit 1`)
    return rows.rows.length > 0
  },
  async setRole(x: Executor, conversationId: string, userId: string, role: MemberRole) {
    await x
      .update(chatMembers)
      .set({ role })
      .where(and(eq(chatMembers.conversationId, conversationId), eq(chatMembers.userId, userId)))
  },
  /** Moves the read (and delivered) mark forward only; the new marks, or nothing when they did not move. */
  async markRead(x: Executor, conversationId: string, userId: string, seq: number) {
    const [row] = await x
      .update(chatMembers)
      .set({ lastReadSeq: seq, lastDeliveredSeq: sql`greatest(${chatMembers.lastDeliveredSeq}, ${seq})` })
      .where(and(eq(chatMembers.conversationId, conversationId), eq(chatMembers.userId, userId), lt(chatMembers.lastReadSeq, seq)))
      .returning()
    return row
  },
  async markDelivered(x: Executor, conversationId: string, userId: string, seq: number) {
    const [row] = await x
      .update(chatMembers)
      .set({ lastDeliveredSeq: seq })
      .where(and(eq(chatMembers.conversationId, conversationId), eq(chatMembers.userId, userId), lt(chatMembers.lastDeliveredSeq, seq)))
      .returning()
    return row
  },
}

/** A message as chat_append's jsonb_to_recordset reads it (column names). */
const toRecord = ({ row: r, readerId, checked }: AppendItem, ord: number) => ({
  ord,
  id: r.id,
  conversation_id: r.conversationId,
  sender_id: r.senderId,
  client_message_id: r.clientMessageId,
  kind: r.kind,
  body: r.body,
  system: r.system,
  reply_to_id: r.replyToId,
  attachment_ids: r.attachmentIds,
  search_tokens: r.searchTokens,
  flagged: r.flagged,
  reader_id: readerId,
  checked,
})

// node-postgres parses json; PGlite too; a driver answering text would be parsed here.
const parseJson = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

/** chat_append's call, built once (core/db/prepared.ts): every batch of sends runs it. */
const callAppend = compiled((p) => sql`select chat_append(${p('items')}::jsonb) as answer`)

export const messagesRepo = {
  /**
   * Checks, numbers and stores messages in one round trip (the chat_append function): locks their
   * conversations, judges each item, stores the accepted ones, moves each conversation's newest seq
   * and time and the readers' read and delivered marks.
   */
  async append(x: Executor, items: AppendItem[]): Promise<AppendAnswer> {
    type Pair = [string, string]
    type Answer = { at: string; results: [AppendVerdict, string | null, number | null][]; members: Pair[] }
    const { rows } = await callAppend(x, { items: JSON.stringify(items.map(toRecord)) })
    const answer = parseJson((rows[0] as { answer: Answer | string }).answer)
    return {
      at: new Date(answer.at),
      results: answer.results.map(([verdict, storedId, seq]) => ({ verdict, storedId, seq })),
      members: answer.members.map(([conversationId, userId]) => ({ conversationId, userId })),
    }
  },
  async byId(x: Executor, id: string): Promise<MessageRow | undefined> {
    const [row] = await x.select().from(chatMessages).where(eq(chatMessages.id, id))
    return row
  },
  byIds(x: Executor, ids: string[]): Promise<MessageRow[]> {
    if (!ids.length) return Promise.resolve([])
    return x.select().from(chatMessages).where(inArray(chatMessages.id, ids))
  },
  /** Messages after a seq (oldest first: resync) or before one (newest first: history). */
  page(x: Executor, conversationId: string, q: { after?: number; before?: number; limit: number }): Promise<MessageRow[]> {
    const m = chatMessages
    if (q.after !== undefined)
      return x
        .select()
        .from(m)
        .where(and(eq(m.conversationId, conversationId), gt(m.seq, q.after)))
        .orderBy(asc(m.seq))
        .limit(q.limit)
    return x
      .select()
      .from(m)
      .where(and(eq(m.conversationId, conversationId), q.before !== undefined ? lt(m.seq, q.before) : undefined))
      .orderBy(desc(m.seq))
      .limit(q.limit)
  },
  /** The newest message of each conversation. */
  lastOf(x: Executor, conversations: { id: string; lastSeq: number }[]): Promise<MessageRow[]> {
    const withMessages = conversations.filter((c) => c.lastSeq > 0)
    if (!withMessages.length) return Promise.resolve([])
    return x
      .select()
      .from(chatMessages)
      .where(or(...withMessages.map((c) => and(eq(chatMessages.conversationId, c.id), eq(chatMessages.seq, c.lastSeq)))))
  },
  /** Messages whose tokens include every query token, in the given conversations, newest first. */
  search(x: Executor, conversationIds: string[], tokens: string[], limit: number, beforeId?: string): Promise<MessageRow[]> {
    if (!conversationIds.length || !tokens.length) return Promise.resolve([])
    const m = chatMessages
    return x
      .select()
      .from(m)
      .where(
        and(
          inArray(m.conversationId, conversationIds),
          sql`${m.searchTokens} @> ARRAY[${sql.join(
            tokens.map((t) => sql`${t}`),
            sql`, `,
          )}]::text[]`,
          isNull(m.deletedAt),
          beforeId ? lt(m.id, beforeId) : undefined,
        ),
      )
      .orderBy(desc(m.id))
      .limit(limit)
  },
  async setBody(x: Executor, id: string, patch: { body: string; searchTokens: string[]; flagged: string | null }) {
    await x
      .update(chatMessages)
      .set({ ...patch, editedAt: sql`now()` })
      .where(eq(chatMessages.id, id))
  },
  async tombstone(x: Executor, id: string, by: string): Promise<MessageRow | undefined> {
    const [row] = await x
      .update(chatMessages)
      .set({ body: null, searchTokens: [], attachmentIds: [], deletedAt: sql`now()`, deletedBy: by })
      .where(and(eq(chatMessages.id, id), isNull(chatMessages.deletedAt)))
      .returning()
    return row
  },
  async addEdit(x: Executor, row: typeof chatMessageEdits.$inferInsert) {
    await x.insert(chatMessageEdits).values(row)
  },
  edits(x: Executor, messageId: string) {
    return x.select().from(chatMessageEdits).where(eq(chatMessageEdits.messageId, messageId)).orderBy(asc(chatMessageEdits.editedAt))
  },
  async deleteEdits(x: Executor, messageId: string) {
    await x.delete(chatMessageEdits).where(eq(chatMessageEdits.messageId, messageId))
  },
  /** Up to `limit` messages older than `before`: their ids, for the retention purge. */
  async olderThan(x: Executor, before: Date, limit: number): Promise<{ id: string; conversationId: string }[]> {
    return x
      .select({ id: chatMessages.id, conversationId: chatMessages.conversationId })
      .from(chatMessages)
      .where(lt(chatMessages.createdAt, before))
      .limit(limit)
  },
  async deleteByIds(x: Executor, ids: string[]) {
    if (ids.length) await x.delete(chatMessages).where(inArray(chatMessages.id, ids))
  },
  /** Sealed bodies not under the given key id (key rotation), oldest first. */
  notUnderKey(x: Executor, keyId: string, limit: number) {
    return x
      .select({ id: chatMessages.id, body: chatMessages.body })
      .from(chatMessages)
      .where(and(sql`${chatMessages.body} is not null`, sql`split_part(${chatMessages.body}, '.', 1) <> ${keyId}`))
      .limit(limit)
  },
  async countNotUnderKey(x: Executor, keyId: string): Promise<number> {
    const rows = await x.execute<{ n: number }>(
      sql`select count(*)::int as n from chat_messages where body is not null and split_part(body, '.', 1) <> ${keyId}`,
    )
    return Number(rows.rows[0]?.n ?? 0)
  },
  async reseal(x: Executor, id: string, from: string, to: string) {
    await x
      .update(chatMessages)
      .set({ body: to })
      .where(and(eq(chatMessages.id, id), eq(chatMessages.body, from)))
  },
  /** The user's own messages (personal data export). */
  ofSender(x: Executor, userId: string) {
    return x.select().from(chatMessages).where(eq(chatMessages.senderId, userId)).orderBy(asc(chatMessages.createdAt))
  },
}

export const reactionsRepo = {
  async add(x: Executor, messageId: string, userId: string, emoji: string): Promise<boolean> {
    const rows = await x.insert(chatReactions).values({ messageId, userId, emoji }).onConflictDoNothing().returning()
    return rows.length > 0
  },
  async remove(x: Executor, messageId: string, userId: string, emoji: string): Promise<boolean> {
    const rows = await x
      .delete(chatReactions)
      .where(and(eq(chatReactions.messageId, messageId), eq(chatReactions.userId, userId), eq(chatReactions.emoji, emoji)))
      .returning()
    return rows.length > 0
  },
  async countOf(x: Executor, messageId: string, userId: string): Promise<number> {
    const rows = await x
      .select({ emoji: chatReactions.emoji })
      .from(chatReactions)
      .where(and(eq(chatReactions.messageId, messageId), eq(chatReactions.userId, userId)))
    return rows.length
  },
  forMessages(x: Executor, messageIds: string[]) {
    if (!messageIds.length) return Promise.resolve([])
    return x.select().from(chatReactions).where(inArray(chatReactions.messageId, messageIds)).orderBy(asc(chatReactions.createdAt))
  },
}

export const blocksRepo = {
  async add(x: Executor, blockerId: string, blockedId: string) {
    await x.insert(chatBlocks).values({ blockerId, blockedId }).onConflictDoNothing()
  },
  async remove(x: Executor, blockerId: string, blockedId: string) {
    await x.delete(chatBlocks).where(and(eq(chatBlocks.blockerId, blockerId), eq(chatBlocks.blockedId, blockedId)))
  },
  /** Whether `blockerId` has blocked any of `userIds`. */
  async blockedAny(x: Executor, blockerIds: string[], blockedId: string): Promise<boolean> {
    if (!blockerIds.length) return false
    const rows = await x
      .select({ id: chatBlocks.blockerId })
      .from(chatBlocks)
      .where(and(inArray(chatBlocks.blockerId, blockerIds), eq(chatBlocks.blockedId, blockedId)))
      .limit(1)
    return rows.length > 0
  },
  listOf(x: Executor, blockerId: string) {
    return x.select().from(chatBlocks).where(eq(chatBlocks.blockerId, blockerId)).orderBy(desc(chatBlocks.createdAt))
  },
  async eraseUser(x: Executor, userId: string) {
    await x.delete(chatBlocks).where(or(eq(chatBlocks.blockerId, userId), eq(chatBlocks.blockedId, userId)))
  },
}

export const reportsRepo = {
  async insert(x: Executor, row: typeof chatReports.$inferInsert): Promise<ReportRow | undefined> {
    const [created] = await x.insert(chatReports).values(row).onConflictDoNothing().returning()
    return created
  },
  list(x: Executor, q: { open: boolean; limit: number; beforeId?: string }) {
    return x
      .select()
      .from(chatReports)
      .where(and(q.open ? isNull(chatReports.resolvedAt) : undefined, q.beforeId ? lt(chatReports.id, q.beforeId) : undefined))
      .orderBy(desc(chatReports.id))
      .limit(q.limit)
  },
  async resolve(x: Executor, id: string, by: string): Promise<ReportRow | undefined> {
    const [row] = await x
      .update(chatReports)
      .set({ resolvedAt: sql`now()`, resolvedBy: by })
      .where(and(eq(chatReports.id, id), isNull(chatReports.resolvedAt)))
      .returning()
    return row
  },
}

export const settingsRepo = {
  all(x: Executor) {
    return x.select().from(chatSettings)
  },
  async put(x: Executor, key: string, value: unknown) {
    // A JSON null (a setting turned off), not an SQL NULL.
    const json = value === null ? sql`'null'::jsonb` : value
    await x
      .insert(chatSettings)
      .values({ key, value: json })
      .onConflictDoUpdate({ target: chatSettings.key, set: { value: json, updatedAt: sql`now()` } })
  },
}

export const lastSeenRepo = {
  async touch(x: Executor, userId: string, at: Date) {
    await x
      .insert(chatLastSeen)
      .values({ userId, lastSeenAt: at })
      .onConflictDoUpdate({ target: chatLastSeen.userId, set: { lastSeenAt: at } })
  },
  of(x: Executor, userIds: string[]) {
    if (!userIds.length) return Promise.resolve([])
    return x.select().from(chatLastSeen).where(inArray(chatLastSeen.userId, userIds))
  },
}

/** Personal data: what a user wrote or set here, and its erasure. */
export const personalDataRepo = {
  async erase(x: Executor, userId: string) {
    // Their messages become tombstones (others' conversations keep their numbering); the rest goes.
    await x
      .update(chatMessages)
      .set({ body: null, searchTokens: [], attachmentIds: [], deletedAt: sql`coalesce(${chatMessages.deletedAt}, now())` })
      .where(eq(chatMessages.senderId, userId))
    await x.delete(chatMessageEdits).where(sql`${chatMessageEdits.messageId} in (select id from chat_messages where sender_id = ${userId})`)
    await x.delete(chatReactions).where(eq(chatReactions.userId, userId))
    await x.delete(chatMembers).where(eq(chatMembers.userId, userId))
    await x.delete(chatReports).where(eq(chatReports.reporterId, userId))
    await x.delete(chatLastSeen).where(eq(chatLastSeen.userId, userId))
    await blocksRepo.eraseUser(x, userId)
  },
}
