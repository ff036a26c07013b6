// Rows into the shapes the API and the sockets send: bodies opened, replies, attachments,
// reactions and members filled in with as few queries as the page needs.
import type { Db } from '../../core/db/client'
import type { Presence } from '../../core/realtime/presence'
import type { AccountsService } from '../accounts'
import type { Attachment, ChatFiles, TextSealer } from './ports'
import { lastSeenRepo, membersRepo, messagesRepo, reactionsRepo, type ConversationRow, type MemberRow, type MessageRow } from './repo'
import type { ConversationView, MessageView } from './schemas'

export const REPLY_EXCERPT = 200

type Person = { userId: string; name: string | null; externalId: string | null }

export function createViews(deps: { db: Db; sealer: TextSealer; files: ChatFiles; accounts: AccountsService; presence: Presence }) {
  const { db, sealer, files, accounts, presence } = deps

  async function textOf(row: Pick<MessageRow, 'id' | 'body'>): Promise<string | null> {
    return row.body === null ? null : sealer.open(row.body, row.id)
  }

  /** One message's view from what was read for it. */
  /** Names of the people system messages speak of: members who left are no longer in the member list. */
  async function peopleOf(rows: MessageRow[]): Promise<Map<string, Person>> {
    const ids = new Set<string>()
    for (const r of rows) {
      if (r.system?.actorId) ids.add(r.system.actorId)
      for (const id of r.system?.userIds ?? []) ids.add(id)
    }
    if (!ids.size) return new Map()
    const contacts = await accounts.contactsOf([...ids])
    return new Map(contacts.map((c) => [c.id, { userId: c.id, name: c.name, externalId: c.externalId }]))
  }

  function systemOf(row: MessageRow, people: Map<string, Person>): MessageView['system'] {
    if (!row.system) return null
    const ids = [row.system.actorId, ...(row.system.userIds ?? [])].filter((id): id is string => !!id)
    return { ...row.system, people: [...new Set(ids)].map((id) => people.get(id)).filter((p) => p !== undefined) }
  }

  async function shape(
    row: MessageRow,
    reply: MessageRow | undefined,
    reactions: { emoji: string; userId: string }[],
    fileById: Map<string, Attachment>,
    people: Map<string, Person>,
    /** The body's text when the caller already has it in the clear (a message just sealed). */
    text?: string | null,
  ): Promise<MessageView> {
    const grouped = new Map<string, string[]>()
    for (const r of reactions) grouped.set(r.emoji, [...(grouped.get(r.emoji) ?? []), r.userId])
    return {
      id: row.id,
      conversationId: row.conversationId,
      seq: row.seq,
      senderId: row.senderId,
      clientMessageId: row.clientMessageId,
      kind: row.kind,
      text: text !== undefined ? text : await textOf(row),
      system: systemOf(row, people),
      replyTo: reply
        ? { id: reply.id, seq: reply.seq, senderId: reply.senderId, text: (await textOf(reply))?.slice(0, REPLY_EXCERPT) ?? null }
        : null,
      attachments: row.attachmentIds.map((id) => fileById.get(id)).filter((f) => f !== undefined),
      reactions: [...grouped].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds })),
      flagged: row.flagged !== null,
      editedAt: row.editedAt?.toISOString() ?? null,
      deletedAt: row.deletedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    }
  }

  const fileViews = async (ids: string[]) => new Map((ids.length ? await files.views(ids) : []).map((f) => [f.id, f]))

  async function messages(rows: MessageRow[]): Promise<MessageView[]> {
    if (!rows.length) return []
    const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((id): id is string => !!id))]
    const [replies, reactions, fileById, people] = await Promise.all([
      messagesRepo.byIds(db, replyIds),
      reactionsRepo.forMessages(
        db,
        rows.map((r) => r.id),
      ),
      fileViews(rows.flatMap((r) => r.attachmentIds)),
      peopleOf(rows),
    ])
    const replyById = new Map(replies.map((r) => [r.id, r]))
    return Promise.all(
      rows.map((row) =>
        shape(
          row,
          row.replyToId ? replyById.get(row.replyToId) : undefined,
          reactions.filter((r) => r.messageId === row.id),
          fileById,
          people,
        ),
      ),
    )
  }

  async function message(row: MessageRow): Promise<MessageView> {
    return (await messages([row]))[0]
  }

  /**
   * A message just sent: no reactions yet, so only its reply and files need reading. `text` is its
   * body in the clear when the sender's path has it (a send's text, just sealed), else it is opened.
   */
  async function fresh(row: MessageRow, text?: string | null): Promise<MessageView> {
    const reply = row.replyToId ? await messagesRepo.byId(db, row.replyToId) : undefined
    return shape(row, reply, [], await fileViews(row.attachmentIds), await peopleOf([row]), text)
  }

  /** Conversations as `viewerId` sees them (their unread count and role). */
  async function conversations(rows: ConversationRow[], viewerId: string): Promise<ConversationView[]> {
    if (!rows.length) return []
    const members = await membersRepo.listOf(
      db,
      rows.map((r) => r.id),
    )
    const userIds = [...new Set(members.map((m) => m.userId))]
    const [contacts, online, seen, last] = await Promise.all([
      accounts.contactsOf(userIds),
      presence.online(userIds),
      lastSeenRepo.of(db, userIds),
      messagesRepo.lastOf(db, rows),
    ])
    const contactById = new Map(contacts.map((c) => [c.id, c]))
    const seenById = new Map(seen.map((s) => [s.userId, s.lastSeenAt.toISOString()]))
    const lastViews = new Map((await messages(last)).map((m) => [m.conversationId, m]))
    return rows.map((row) => {
      const own = members.filter((m) => m.conversationId === row.id)
      const mine = own.find((m) => m.userId === viewerId)
      return {
        id: row.id,
        kind: row.kind,
        name: row.name,
        members: own.map((m: MemberRow) => ({
          userId: m.userId,
          externalId: contactById.get(m.userId)?.externalId ?? null,
          name: contactById.get(m.userId)?.name ?? null,
          role: m.role,
          lastReadSeq: m.lastReadSeq,
          lastDeliveredSeq: m.lastDeliveredSeq,
          online: online.has(m.userId),
          lastSeenAt: seenById.get(m.userId) ?? null,
        })),
        lastSeq: row.lastSeq,
        lastMessage: lastViews.get(row.id) ?? null,
        unreadCount: Math.max(0, row.lastSeq - (mine?.lastReadSeq ?? row.lastSeq)),
        myRole: mine?.role ?? 'member',
        blocked: false,
        lastMessageAt: row.lastMessageAt.toISOString(),
        createdAt: row.createdAt.toISOString(),
      }
    })
  }

  return { messages, message, fresh, conversations, textOf }
}

export type ChatViews = ReturnType<typeof createViews>
