// One conversation's messages as the page holds them: the server's messages by seq (oldest first,
// never two with the same seq) and my messages not yet acknowledged (pending, or failed with a
// Retry). Pure functions: the query cache (queries.ts) and the socket (live.ts) apply them.
import type { ChatMessage, FileView } from '@caravan/sdk'

export interface PendingMessage {
  /** Chosen here (crypto.randomUUID()); a retry sends the same one, so the server never stores two. */
  clientMessageId: string
  conversationId: string
  text: string
  replyTo: ChatMessage['replyTo']
  attachments: FileView[]
  createdAt: string
  status: 'sending' | 'failed'
  error?: unknown
}

export interface Thread {
  /** Ascending seq, unique by seq. */
  messages: ChatMessage[]
  /** Older messages lie before the first one held. */
  hasOlder: boolean
  pending: PendingMessage[]
}

/** What the server answers when it has stored a message (socket ack or REST). */
export interface SendAck {
  id: string
  seq: number
  createdAt: string
}

export const emptyThread = (): Thread => ({ messages: [], hasOlder: false, pending: [] })

/**
 * `held` and `incoming` as one list by seq. For the same seq the incoming copy wins (it is the
 * newer word from the server), except that a deletion is final: a tombstone is never replaced by
 * the message it replaced.
 */
export function mergeMessages(held: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (!incoming.length) return held
  const bySeq = new Map(held.map((m) => [m.seq, m]))
  for (const message of incoming) {
    const before = bySeq.get(message.seq)
    bySeq.set(message.seq, before?.deletedAt && !message.deletedAt ? before : message)
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

/** Merges messages in; my pending copies of any of them go (the server's copy replaces them). */
export function withMessages(thread: Thread, incoming: ChatMessage[], me: string): Thread {
  if (!incoming.length) return thread
  const arrived = new Set(incoming.filter((m) => m.senderId === me && m.clientMessageId).map((m) => m.clientMessageId))
  return {
    ...thread,
    messages: mergeMessages(thread.messages, incoming),
    pending: arrived.size ? thread.pending.filter((p) => !arrived.has(p.clientMessageId)) : thread.pending,
  }
}

/** Older history put in front (a page read with `before`). */
export function withOlder(thread: Thread, older: ChatMessage[], hasOlder: boolean): Thread {
  return { ...thread, messages: mergeMessages(thread.messages, older), hasOlder }
}

/** The newest seq held; 0 when nothing is. */
export const lastSeq = (thread: Thread | undefined): number => thread?.messages.at(-1)?.seq ?? 0

/**
 * The end of the unbroken run of seqs from the first message held: where a resync (`after=`)
 * starts. A live message that arrived after a missed one leaves a hole, and the resync fills it.
 */
export function contiguousEnd(thread: Thread): number {
  const { messages } = thread
  for (let i = 1; i < messages.length; i++) if (messages[i].seq !== messages[i - 1].seq + 1) return messages[i - 1].seq
  return messages.at(-1)?.seq ?? 0
}

/** Whether a message just pushed would leave a hole after what is held (then resync). */
export const leavesGap = (thread: Thread, seq: number): boolean => thread.messages.length > 0 && seq > lastSeq(thread) + 1

export function addPending(thread: Thread, pending: PendingMessage): Thread {
  return { ...thread, pending: [...thread.pending.filter((p) => p.clientMessageId !== pending.clientMessageId), pending] }
}

function editPending(thread: Thread, clientMessageId: string, change: (p: PendingMessage) => PendingMessage): Thread {
  return { ...thread, pending: thread.pending.map((p) => (p.clientMessageId === clientMessageId ? change(p) : p)) }
}

export const markFailed = (thread: Thread, clientMessageId: string, error: unknown): Thread =>
  editPending(thread, clientMessageId, (p) => ({ ...p, status: 'failed', error }))

export const markSending = (thread: Thread, clientMessageId: string): Thread =>
  editPending(thread, clientMessageId, (p) => ({ ...p, status: 'sending', error: undefined }))

export const dropPending = (thread: Thread, clientMessageId: string): Thread => ({
  ...thread,
  pending: thread.pending.filter((p) => p.clientMessageId !== clientMessageId),
})

/** The message the server stored for a pending one, built from what was sent and the server's ack. */
export function messageFromAck(pending: PendingMessage, ack: SendAck, me: string): ChatMessage {
  return {
    id: ack.id,
    conversationId: pending.conversationId,
    seq: ack.seq,
    senderId: me,
    clientMessageId: pending.clientMessageId,
    kind: 'text',
    text: pending.text || null,
    system: null,
    replyTo: pending.replyTo,
    attachments: pending.attachments,
    reactions: [],
    flagged: false,
    editedAt: null,
    deletedAt: null,
    createdAt: ack.createdAt,
  }
}

/**
 * The server acknowledged a pending message: it becomes a stored message with its seq (unless
 * message:new brought the server's copy first, which is kept).
 */
export function acknowledge(thread: Thread, clientMessageId: string, ack: SendAck, me: string): Thread {
  const pending = thread.pending.find((p) => p.clientMessageId === clientMessageId)
  const rest = dropPending(thread, clientMessageId)
  if (!pending || thread.messages.some((m) => m.seq === ack.seq)) return rest
  return { ...rest, messages: mergeMessages(rest.messages, [messageFromAck(pending, ack, me)]) }
}

/** An edited message, or one whose attachment's scan finished; ignored when it is not held. */
export function withUpdated(thread: Thread, message: ChatMessage): Thread {
  if (!thread.messages.some((m) => m.id === message.id)) return thread
  return { ...thread, messages: mergeMessages(thread.messages, [message]) }
}

/** A deleted message becomes a tombstone in its place (its seq stays). */
export function withDeleted(thread: Thread, deleted: { id: string; deletedAt: string }): Thread {
  if (!thread.messages.some((m) => m.id === deleted.id)) return thread
  return { ...thread, messages: thread.messages.map((m) => (m.id === deleted.id ? tombstone(m, deleted.deletedAt) : m)) }
}

export const tombstone = (message: ChatMessage, deletedAt: string): ChatMessage => ({
  ...message,
  text: null,
  attachments: [],
  reactions: [],
  deletedAt,
})

/** One user's reaction added or taken away; applying the same change twice changes nothing. */
export function reactionsWith(
  reactions: ChatMessage['reactions'],
  change: { userId: string; emoji: string; added: boolean },
): ChatMessage['reactions'] {
  const { userId, emoji, added } = change
  const found = reactions.find((r) => r.emoji === emoji)
  if (added) {
    if (found?.userIds.includes(userId)) return reactions
    if (!found) return [...reactions, { emoji, count: 1, userIds: [userId] }]
    return reactions.map((r) => (r === found ? { ...r, count: r.count + 1, userIds: [...r.userIds, userId] } : r))
  }
  if (!found?.userIds.includes(userId)) return reactions
  if (found.userIds.length === 1) return reactions.filter((r) => r !== found)
  return reactions.map((r) => (r === found ? { ...r, count: r.count - 1, userIds: r.userIds.filter((u) => u !== userId) } : r))
}

export function withReaction(thread: Thread, change: { messageId: string; userId: string; emoji: string; added: boolean }): Thread {
  if (!thread.messages.some((m) => m.id === change.messageId)) return thread
  return {
    ...thread,
    messages: thread.messages.map((m) => (m.id === change.messageId ? { ...m, reactions: reactionsWith(m.reactions, change) } : m)),
  }
}
