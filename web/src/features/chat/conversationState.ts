// A conversation as the list and the thread header show it, changed by what the socket says: a new
// message (last message, activity, the sender's read mark, my unread count), read and delivered
// marks, presence, and the server's own updated copy. Pure functions, applied in queries.ts.
import type { ChatMessage, Conversation, ConversationPage } from '@caravan/sdk'
import type { InfiniteData } from '@tanstack/react-query'

export type ConversationList = InfiniteData<ConversationPage, string | undefined>

/** The server counts unread as lastSeq − my lastReadSeq; so does the page. */
export function withUnread(c: Conversation, me: string): Conversation {
  const mine = c.members.find((m) => m.userId === me)
  const unreadCount = mine ? Math.max(0, c.lastSeq - mine.lastReadSeq) : c.unreadCount
  return unreadCount === c.unreadCount ? c : { ...c, unreadCount }
}

/** A member's read or delivered mark moved (marks only move forward; reading implies delivery). */
export function withMark(c: Conversation, kind: 'read' | 'delivered', userId: string, seq: number, me: string): Conversation {
  const member = c.members.find((m) => m.userId === userId)
  if (!member) return c
  const read = kind === 'read' ? Math.max(member.lastReadSeq, seq) : member.lastReadSeq
  const delivered = Math.max(member.lastDeliveredSeq, seq)
  if (read === member.lastReadSeq && delivered === member.lastDeliveredSeq) return c
  const members = c.members.map((m) => (m === member ? { ...m, lastReadSeq: read, lastDeliveredSeq: delivered } : m))
  return withUnread({ ...c, members }, me)
}

/**
 * A new message: it is the last one if it is the newest, activity moves to it, and its sender (or
 * a system message's actor) has read up to it, as the server records.
 */
export function withNewMessage(c: Conversation, message: ChatMessage, me: string): Conversation {
  const newest = message.seq >= (c.lastMessage?.seq ?? 0)
  let next: Conversation = {
    ...c,
    lastSeq: Math.max(c.lastSeq, message.seq),
    lastMessage: newest ? message : c.lastMessage,
    lastMessageAt: newest && message.createdAt > c.lastMessageAt ? message.createdAt : c.lastMessageAt,
  }
  const reader = message.senderId ?? message.system?.actorId
  if (reader) next = withMark(next, 'read', reader, message.seq, me)
  return withUnread(next, me)
}

/** The last message changed (edited, deleted, a scan finished): the excerpt follows. */
export function withLastMessageChanged(c: Conversation, message: ChatMessage): Conversation {
  return c.lastMessage?.id === message.id ? { ...c, lastMessage: message } : c
}

export function withPresence(c: Conversation, userId: string, online: boolean, lastSeenAt: string | null): Conversation {
  if (!c.members.some((m) => m.userId === userId && (m.online !== online || m.lastSeenAt !== lastSeenAt))) return c
  return { ...c, members: c.members.map((m) => (m.userId === userId ? { ...m, online, lastSeenAt } : m)) }
}

/** The server's copy (conversation:updated) over the held one: my own unread count and role stay mine. */
export function withServerCopy(c: Conversation, copy: Omit<Conversation, 'unreadCount' | 'myRole'>, me: string): Conversation {
  const myRole = copy.members.find((m) => m.userId === me)?.role ?? c.myRole
  return withUnread({ ...c, ...copy, myRole, unreadCount: c.unreadCount }, me)
}

/** Newest activity first, as the server lists them (ties by id, also as the server does). */
export const byActivity = (a: Conversation, b: Conversation) =>
  a.lastMessageAt === b.lastMessageAt ? (a.id < b.id ? 1 : -1) : a.lastMessageAt < b.lastMessageAt ? 1 : -1

/** Every cached page with `change` applied to conversation `id`. */
export function mapInList(list: ConversationList, id: string, change: (c: Conversation) => Conversation): ConversationList {
  let changed = false
  const pages = list.pages.map((page) => {
    if (!page.items.some((c) => c.id === id)) return page
    changed = true
    return { ...page, items: page.items.map((c) => (c.id === id ? change(c) : c)) }
  })
  return changed ? { ...list, pages } : list
}

/**
 * Puts `conversation` where its activity places it: removed from wherever it was, and into the
 * first page if it is newer than that page's oldest (else it stays out until that page is read).
 */
export function placeInList(list: ConversationList, conversation: Conversation): ConversationList {
  const pages = list.pages.map((page) => ({ ...page, items: page.items.filter((c) => c.id !== conversation.id) }))
  const [first, ...rest] = pages
  if (!first) return list
  const oldestShown = first.items.at(-1)
  if (first.nextCursor && oldestShown && byActivity(conversation, oldestShown) > 0) return { ...list, pages }
  return { ...list, pages: [{ ...first, items: [...first.items, conversation].sort(byActivity) }, ...rest] }
}

export function removeFromList(list: ConversationList, id: string): ConversationList {
  return { ...list, pages: list.pages.map((page) => ({ ...page, items: page.items.filter((c) => c.id !== id) })) }
}

export const findInList = (list: ConversationList | undefined, id: string): Conversation | undefined =>
  list?.pages.flatMap((p) => p.items).find((c) => c.id === id)
