// The one place messages get their seq: under their conversation row's lock, lastSeq + 1, + 2, …
// written in the same transaction as the messages. A rollback undoes both, so the numbers have no
// gaps, and senders in one conversation are numbered one after the other. However many messages
// and conversations, the writing is one statement (see docs/benchmarks.md#chat).
import type { Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { conversationsRepo, messagesRepo, type LockedConversation, type MessageInsert, type MessageRow } from './repo'

export type NewMessage = Pick<MessageInsert, 'conversationId' | 'senderId' | 'kind'> &
  Partial<Omit<MessageInsert, 'conversationId' | 'senderId' | 'kind' | 'seq'>>

/**
 * Numbers and writes messages into conversations the caller has locked (`locked` rows move to their
 * new lastSeq), in the order given; each `readerId` (the sender) has read up to their message.
 */
export async function appendLocked(
  tx: Tx,
  locked: Map<string, LockedConversation>,
  messages: { input: NewMessage; readerId: string | null }[],
): Promise<MessageRow[]> {
  if (!messages.length) return []
  const rows: MessageInsert[] = messages.map(({ input }) => {
    const conversation = locked.get(input.conversationId)
    if (!conversation) throw new Error(`conversation ${input.conversationId} is not locked`)
    conversation.lastSeq += 1
    return {
      id: input.id ?? newId(),
      conversationId: input.conversationId,
      seq: conversation.lastSeq,
      senderId: input.senderId,
      clientMessageId: input.clientMessageId ?? null,
      kind: input.kind,
      body: input.body ?? null,
      system: input.system ?? null,
      replyToId: input.replyToId ?? null,
      attachmentIds: input.attachmentIds ?? [],
      searchTokens: input.searchTokens ?? [],
      flagged: input.flagged ?? null,
    }
  })
  const reads = new Map<string, { conversationId: string; userId: string; seq: number }>()
  rows.forEach((row, i) => {
    const reader = messages[i].readerId
    if (reader) reads.set(`${row.conversationId}:${reader}`, { conversationId: row.conversationId, userId: reader, seq: row.seq })
  })
  const createdAt = await messagesRepo.appendMany(tx, rows, [...reads.values()])
  return rows.map((row) => ({ ...row, editedAt: null, deletedAt: null, deletedBy: null, createdAt }))
}

/** One message (a system message): locks its conversation and appends it. */
export async function appendMessage(tx: Tx, input: NewMessage, readerId: string | null): Promise<MessageRow> {
  const conversation = await conversationsRepo.lockForSend(tx, input.conversationId)
  if (!conversation) throw new AppError('not_found', 'No such conversation')
  const [row] = await appendLocked(tx, new Map([[conversation.id, conversation]]), [{ input, readerId }])
  return row
}
