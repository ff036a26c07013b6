// Messages: send (numbered, idempotent by clientMessageId, filtered, sealed, indexed), resync and
// history by seq, edits with history, tombstone deletes, reactions, read and delivered marks,
// search through the blind index, and reports. Every entry point checks membership first.
import type { Audit } from '../../core/audit/service'
import type { UserPrincipal } from '../../core/http/auth'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Conversations } from './conversations'
import { conversationRoom } from './events'
import { ATTACHMENT_OWNER, type Moderation } from './moderation'
import type { ChatFiles, ContentPolicy, OfflineNotifier, SearchIndexer, TextSealer } from './ports'
import { conversationsRepo, membersRepo, messagesRepo, reactionsRepo, type MessageRow } from './repo'
import type { MessageView, SendInput } from './schemas'
import { createSendWriter } from './sends'
import type { ChatViews } from './views'

const MAX_REACTIONS_PER_USER = 20

export function createMessages(deps: {
  db: Db
  events: EventBus
  audit: Audit
  counters: CounterStore
  sealer: TextSealer
  indexer: SearchIndexer
  files: ChatFiles
  views: ChatViews
  conversations: Conversations
  moderation: Moderation
  policy: () => Promise<ContentPolicy>
  notifier: OfflineNotifier
}) {
  const { db, events, sealer, indexer, files, views, conversations, moderation } = deps
  const room = (conversationId: string) => ({ rooms: [conversationRoom(conversationId)] })
  const writer = createSendWriter({ db, files, notifier: deps.notifier })

  async function floodCheck(userId: string) {
    const { floodPerMinute } = await moderation.settings()
    const { count, resetInSeconds } = await deps.counters.hit(`chat-flood:${userId}`, 60)
    if (count > floodPerMinute)
      throw new AppError('rate_limited', `At most ${floodPerMinute} messages a minute`, { retryAfterSeconds: Math.max(1, resetInSeconds) })
  }

  /** The text as it will be stored under the moderation mode, and whether it was flagged. */
  async function moderate(text: string): Promise<{ text: string; flagged: string | null }> {
    const { moderation: mode } = await moderation.settings()
    if (mode === 'off' || !text) return { text, flagged: null }
    const policy = await deps.policy()
    const verdict = policy.check(text)
    if (verdict.ok) return { text, flagged: null }
    if (mode === 'block') throw new AppError('message_blocked', `The message was not sent: ${verdict.reason}`)
    if (mode === 'mask') return { text: policy.mask(text), flagged: null }
    return { text, flagged: verdict.reason }
  }

  async function send(userId: string, conversationId: string, input: SendInput): Promise<{ message: MessageView; duplicate: boolean }> {
    const attachmentIds = input.attachmentIds ?? []
    if (!input.text.trim() && !attachmentIds.length)
      throw new AppError('validation', 'A message needs text or an attachment', {
        errors: [{ field: 'body.text', message: 'is empty and there are no attachmentIds' }],
      })
    // A resend counts against the flood limit like any send: checking for it first would cost
    // every message a query; the insert below finds it instead.
    await floodCheck(userId)
    const { text, flagged } = await moderate(input.text)
    const id = newId()
    const outcome = await writer.write({
      id,
      userId,
      conversationId,
      clientMessageId: input.clientMessageId,
      body: text ? await sealer.seal(text, id) : null,
      searchTokens: text ? indexer.tokensFor(text) : [],
      flagged,
      replyTo: input.replyTo ?? null,
      attachmentIds,
    })
    if (outcome.duplicate) return { message: await views.message(outcome.row), duplicate: true }
    // The text as stored (masked, if moderation masks): what the row's body holds, without opening it again.
    const message = await views.fresh(outcome.row, text || null)
    // Members infer the sender's read mark from message:new; no separate receipt is sent.
    await events.publish(events.event('message:new', message, room(conversationId)))
    return { message, duplicate: false }
  }

  async function list(userId: string, conversationId: string, q: { after?: number; before?: number; limit?: number }) {
    const { conversation } = await conversations.requireMember(db, conversationId, userId)
    if (q.after !== undefined && q.before !== undefined)
      throw new AppError('validation', 'Ask for messages after a seq or before one, not both', {
        errors: [{ field: 'querystring.before', message: 'cannot be used with after' }],
      })
    const limit = q.limit ?? 50
    const rows = await messagesRepo.page(db, conversationId, { after: q.after, before: q.before, limit: limit + 1 })
    const page = rows.slice(0, limit)
    // History comes newest first from the database; every page is sent oldest first.
    if (q.after === undefined) page.reverse()
    return { items: await views.messages(page), lastSeq: conversation.lastSeq, hasMore: rows.length > limit }
  }

  async function messageOf(userId: string, conversationId: string, messageId: string): Promise<MessageRow> {
    await conversations.requireMember(db, conversationId, userId)
    const row = await messagesRepo.byId(db, messageId)
    if (!row || row.conversationId !== conversationId) throw new AppError('not_found', 'No such message')
    return row
  }

  async function edit(userId: string, conversationId: string, messageId: string, newText: string) {
    const row = await messageOf(userId, conversationId, messageId)
    if (row.senderId !== userId) throw new AppError('forbidden', 'Only its sender can edit a message')
    if (row.deletedAt || row.body === null) throw new AppError('unprocessable', 'A deleted message cannot be edited')
    const { text, flagged } = await moderate(newText)
    const sealed = await sealer.seal(text, messageId)
    await db.transaction(async (tx) => {
      // The version being replaced goes to the history, sealed as it was (bound to the same message id).
      await messagesRepo.addEdit(tx, { id: newId(), messageId, body: row.body! })
      await messagesRepo.setBody(tx, messageId, { body: sealed, searchTokens: indexer.tokensFor(text), flagged })
    })
    const message = await views.message((await messagesRepo.byId(db, messageId))!)
    await events.publish(events.event('message:updated', message, room(conversationId)))
    return message
  }

  async function edits(userId: string, conversationId: string, messageId: string) {
    await messageOf(userId, conversationId, messageId)
    const rows = await messagesRepo.edits(db, messageId)
    return Promise.all(rows.map(async (r) => ({ text: await sealer.open(r.body, messageId), editedAt: r.editedAt.toISOString() })))
  }

  async function tombstone(by: string, row: MessageRow, moderator?: UserPrincipal) {
    const deleted = await db.transaction(async (tx) => {
      const done = await messagesRepo.tombstone(tx, row.id, by)
      if (done) await messagesRepo.deleteEdits(tx, row.id)
      if (done && moderator)
        await deps.audit.append(tx, { actor: moderator, action: 'chat.message.delete', targetType: 'chat_message', targetId: row.id })
      return done
    })
    if (!deleted) return
    await files.deleteOwned(ATTACHMENT_OWNER, [row.id])
    await events.publish(
      events.event(
        'message:deleted',
        { conversationId: row.conversationId, id: row.id, seq: row.seq, deletedAt: deleted.deletedAt!.toISOString() },
        room(row.conversationId),
      ),
    )
  }

  async function remove(userId: string, conversationId: string, messageId: string) {
    const row = await messageOf(userId, conversationId, messageId)
    if (row.senderId !== userId) throw new AppError('forbidden', 'Only its sender can delete a message')
    await tombstone(userId, row)
  }

  /** Admins delete any message (moderation); audited. */
  async function adminRemove(actor: UserPrincipal, messageId: string) {
    const row = await messagesRepo.byId(db, messageId)
    if (!row) throw new AppError('not_found', 'No such message')
    await tombstone(actor.userId, row, actor)
  }

  async function react(userId: string, conversationId: string, messageId: string, emoji: string, add: boolean) {
    const row = await messageOf(userId, conversationId, messageId)
    if (row.deletedAt) throw new AppError('unprocessable', 'A deleted message takes no reactions')
    if (add && (await reactionsRepo.countOf(db, messageId, userId)) >= MAX_REACTIONS_PER_USER)
      throw new AppError('unprocessable', `At most ${MAX_REACTIONS_PER_USER} reactions per message`)
    const changed = add ? await reactionsRepo.add(db, messageId, userId, emoji) : await reactionsRepo.remove(db, messageId, userId, emoji)
    if (changed)
      await events.publish(events.event('reaction', { conversationId, messageId, userId, emoji, added: add }, room(conversationId)))
    return views.message(row)
  }

  async function mark(kind: 'read' | 'delivered', userId: string, conversationId: string, seq: number) {
    const { conversation } = await conversations.requireMember(db, conversationId, userId)
    if (seq > conversation.lastSeq)
      throw new AppError('validation', `There is no message ${seq} yet (the newest is ${conversation.lastSeq})`, {
        errors: [{ field: 'seq', message: `is after the newest message (${conversation.lastSeq})` }],
      })
    const moved =
      kind === 'read'
        ? await membersRepo.markRead(db, conversationId, userId, seq)
        : await membersRepo.markDelivered(db, conversationId, userId, seq)
    if (moved) await events.publish(events.event(kind, { conversationId, userId, seq }, room(conversationId)))
    const member = moved ?? (await membersRepo.get(db, conversationId, userId))!
    return { lastReadSeq: member.lastReadSeq, lastDeliveredSeq: member.lastDeliveredSeq }
  }

  async function search(userId: string, q: { q: string; conversationId?: string; cursor?: string; limit?: number }) {
    const limit = q.limit ?? 20
    if (q.conversationId) await conversations.requireMember(db, q.conversationId, userId)
    const scope = q.conversationId ? [q.conversationId] : await membersRepo.conversationIdsOf(db, userId)
    const tokens = indexer.queryTokens(q.q)
    const rows = await messagesRepo.search(db, scope, tokens, limit + 1, decodeCursor(q.cursor))
    const messages = await views.messages(rows.slice(0, limit))
    const names = new Map<string, string | null>()
    for (const m of messages)
      if (!names.has(m.conversationId)) names.set(m.conversationId, (await conversationsRepo.byId(db, m.conversationId))?.name ?? null)
    const byId = new Map(messages.map((m) => [m.id, m]))
    return pageOf(rows, limit, (r) => ({ message: byId.get(r.id)!, conversationName: names.get(r.conversationId) ?? null }))
  }

  async function report(userId: string, conversationId: string, messageId: string, reason: string) {
    const row = await messageOf(userId, conversationId, messageId)
    if (row.senderId === userId) throw new AppError('unprocessable', 'You cannot report your own message')
    return moderation.report(userId, row, reason)
  }

  /** Who may download a message's attachment: the members of its conversation. */
  async function canReadAttachment(userId: string, messageId: string): Promise<boolean> {
    const row = await messagesRepo.byId(db, messageId)
    return !!row && !!(await membersRepo.get(db, row.conversationId, userId))
  }

  /** A file's scan decided: the message shows the attachment as it now is. */
  async function attachmentChanged(messageId: string) {
    const row = await messagesRepo.byId(db, messageId)
    if (row) await events.publish(events.event('message:updated', await views.message(row), room(row.conversationId)))
  }

  return { send, list, edit, edits, remove, adminRemove, react, mark, search, report, canReadAttachment, attachmentChanged }
}

export type Messages = ReturnType<typeof createMessages>
