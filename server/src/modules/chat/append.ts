// The one place messages get their seq: under their conversation row's lock, lastSeq + 1, + 2, …
// written in the same transaction as the messages. A rollback undoes both, so the numbers have no
// gaps, and senders in one conversation are numbered one after the other. A batch of messages
// (many conversations) costs three statements: see docs/benchmarks.md#chat.
import type { Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { conversationsRepo, messagesRepo, type ConversationRow, type MessageRow } from './repo'
import type { chatMessages } from './tables'

export type NewMessage = Omit<typeof chatMessages.$inferInsert, 'seq' | 'id' | 'createdAt'> & { id?: string }

/**
 * Numbers and writes messages into conversations the caller has locked (`locked` rows move to their
 * new lastSeq), in the order given; each `readerId` (the sender) has read up to their message.
 */
export async function appendLocked(
  tx: Tx,
  locked: Map<string, ConversationRow>,
  messages: { input: NewMessage; readerId: string | null }[],
): Promise<MessageRow[]> {
  if (!messages.length) return []
  const rows = messages.map(({ input }) => {
    const conversation = locked.get(input.conversationId)
    if (!conversation) throw new Error(`conversation ${input.conversationId} is not locked`)
    conversation.lastSeq += 1
    return { ...input, id: input.id ?? newId(), seq: conversation.lastSeq }
  })
  const byId = new Map((await messagesRepo.insertMany(tx, rows)).map((r) => [r.id, r]))
  const stored = rows.map((r) => byId.get(r.id)!)
  const newest = new Map<string, { id: string; seq: number; at: Date }>()
  const reads = new Map<string, { conversationId: string; userId: string; seq: number }>()
  stored.forEach((row, i) => {
    newest.set(row.conversationId, { id: row.conversationId, seq: row.seq, at: row.createdAt })
    const reader = messages[i].readerId
    if (reader) reads.set(`${row.conversationId}:${reader}`, { conversationId: row.conversationId, userId: reader, seq: row.seq })
  })
  await conversationsRepo.advance(tx, [...newest.values()], [...reads.values()])
  return stored
}

/** One message (a system message): locks its conversation and appends it. */
export async function appendMessage(tx: Tx, input: NewMessage, readerId: string | null): Promise<MessageRow> {
  const conversation = await conversationsRepo.lockForSend(tx, input.conversationId)
  if (!conversation) throw new AppError('not_found', 'No such conversation')
  const [row] = await appendLocked(tx, new Map([[conversation.id, conversation]]), [{ input, readerId }])
  return row
}
