// SQL for the chat tables only: no rules here; every function takes the executor to run on (the
// database or an open transaction).
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
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
  type ConversationKind,
  type MemberRole,
} from './tables'

export type ConversationRow = typeof chatConversations.$inferSelect
export type MemberRow = typeof chatMembers.$inferSelect
export type MessageRow = typeof chatMessages.$inferSelect
export type ReportRow = typeof chatReports.$inferSelect
/** A conversation as the send path holds it under its lock. */
export type LockedConversation = Pick<ConversationRow, 'id' | 'kind' | 'lastSeq'>
/** A message about to be stored, numbered. */
export type MessageInsert = Pick<
  MessageRow,
  | 'id'
  | 'conversationId'
  | 'seq'
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
/** A sender's clientMessageId in a conversation: what makes a resend the same message. */
export interface SendKey {
  conversationId: string
  senderId: string
  clientMessageId: string
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
  /** Locks the conversation row until the transaction ends: messages are numbered one at a time. */
  async lockForSend(x: Executor, id: string): Promise<LockedConversation | undefined> {
    const [row] = await conversationsRepo.lockManyForSend(x, [id])
    return row
  },
  /**
   * Locks several conversations in id order, so two batches locking overlapping sets cannot deadlock.
   * Hand-written (as the rest of the send path): it runs once per batch of sends.
   */
  async lockManyForSend(x: Executor, ids: string[]): Promise<LockedConversation[]> {
    const { rows } = await x.execute<{ id: string; kind: ConversationKind; last_seq: number }>(
      sql`select id, kind, last_seq from chat_conversations where id = any(${sql.param(ids)}::uuid[]) order by id for update`,
    )
    return rows.map((r) => ({ id: r.id, kind: r.kind, lastSeq: Number(r.last_seq) }))
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

/** A message as jsonb_to_recordset reads it (column names). */
const toRecord = (r: MessageInsert) => ({
  id: r.id,
  conversation_id: r.conversationId,
  seq: r.seq,
  sender_id: r.senderId,
  client_message_id: r.clientMessageId,
  kind: r.kind,
  body: r.body,
  system: r.system,
  reply_to_id: r.replyToId,
  attachment_ids: r.attachmentIds,
  search_tokens: r.searchTokens,
  flagged: r.flagged,
})

export const messagesRepo = {
  /**
   * Stores numbered messages and, in the same statement, moves each conversation's newest seq and
   * time and the readers' read and delivered marks (`readers`: the senders, who have read what
   * they sent). Answers the stored time (the transaction's, the same for every row).
   */
  async appendMany(x: Executor, rows: MessageInsert[], readers: { conversationId: string; userId: string; seq: number }[]): Promise<Date> {
    const newest = new Map<string, number>()
    for (const r of rows) newest.set(r.conversationId, Math.max(newest.get(r.conversationId) ?? 0, r.seq))
    // One jsonb parameter per list: the statement's text is the same for any batch size.
    const { rows: stored } = await x.execute<{ created_at: string | Date }>(sql`
      with added as (
        insert into chat_messages (id, conversation_id, seq, sender_id, client_message_id, kind, body, system, reply_to_id, attachment_ids, search_tokens, flagged)
        select id, conversation_id, seq, sender_id, client_message_id, kind, body, system, reply_to_id, attachment_ids, search_tokens, flagged
        from jsonb_to_recordset(${JSON.stringify(rows.map(toRecord))}::jsonb) as r(id uuid, conversation_id uuid, seq int, sender_id uuid,
          client_message_id text, kind text, body text, system jsonb, reply_to_id uuid, attachment_ids uuid[], search_tokens text[], flagged text)
        returning created_at
      ), moved as (
        update chat_conversations c set last_seq = v.seq, last_message_at = now()
        from jsonb_to_recordset(${JSON.stringify([...newest].map(([id, seq]) => ({ id, seq })))}::jsonb) as v(id uuid, seq int)
        where c.id = v.id
      ), marked as (
        update chat_members m
        set last_read_seq = greatest(m.last_read_seq, v.seq), last_delivered_seq = greatest(m.last_delivered_seq, v.seq)
        from jsonb_to_recordset(${JSON.stringify(readers.map((r) => ({ conversation_id: r.conversationId, user_id: r.userId, seq: r.seq })))}::jsonb)
          as v(conversation_id uuid, user_id uuid, seq int)
        where m.conversation_id = v.conversation_id and m.user_id = v.user_id
      )
      select created_at from added limit 1`)
    return new Date(stored[0].created_at)
  },
  /**
   * What a batch of sends is checked against, read in one statement once its conversations are
   * locked: their members, the ids of messages already stored under these send keys (resends),
   * blocks of these senders by the members of the `direct` conversations, and the conversations
   * of the messages replied to.
   */
  async sendChecks(
    x: Executor,
    q: { conversationIds: string[]; direct: string[]; senderIds: string[]; keys: SendKey[]; replyIds: string[] },
  ): Promise<{
    members: { conversationId: string; userId: string }[]
    stored: string[]
    blocks: { blockerId: string; blockedId: string }[]
    replies: { id: string; conversationId: string }[]
  }> {
    type Pair = [string, string]
    const { rows } = await x.execute<{ members: Pair[]; stored: string[]; blocks: Pair[]; replies: Pair[] }>(sql`
      select
        (select coalesce(json_agg(json_build_array(conversation_id, user_id)), '[]')
          from chat_members where conversation_id = any(${sql.param(q.conversationIds)}::uuid[])) as members,
        (select coalesce(json_agg(m.id), '[]') from chat_messages m
          join jsonb_to_recordset(${JSON.stringify(q.keys.map((k) => ({ conversation_id: k.conversationId, sender_id: k.senderId, client_message_id: k.clientMessageId })))}::jsonb)
            as k(conversation_id uuid, sender_id uuid, client_message_id text)
          on m.conversation_id = k.conversation_id and m.sender_id = k.sender_id and m.client_message_id = k.client_message_id) as stored,
        (select coalesce(json_agg(json_build_array(b.blocker_id, b.blocked_id)), '[]')
          from chat_blocks b join chat_members m on m.user_id = b.blocker_id
          where m.conversation_id = any(${sql.param(q.direct)}::uuid[]) and b.blocked_id = any(${sql.param(q.senderIds)}::uuid[])) as blocks,
        (select coalesce(json_agg(json_build_array(id, conversation_id)), '[]')
          from chat_messages where id = any(${sql.param(q.replyIds)}::uuid[])) as replies`)
    const [r] = rows
    // node-postgres parses json; PGlite too; a driver answering text would be parsed here.
    const parse = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)
    return {
      members: parse(r.members).map(([conversationId, userId]) => ({ conversationId, userId })),
      stored: parse(r.stored),
      blocks: parse(r.blocks).map(([blockerId, blockedId]) => ({ blockerId, blockedId })),
      replies: parse(r.replies).map(([id, conversationId]) => ({ id, conversationId })),
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
