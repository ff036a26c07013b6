// The one place a message gets its seq: under the conversation row's lock, lastSeq + 1, written in
// the same transaction as the message. A rollback undoes both, so the numbers have no gaps, and two
// senders in one conversation are numbered one after the other. Kept to few round trips: it is on
// the path of every message (see docs/benchmarks.md#chat).
import type { Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { conversationsRepo, messagesRepo, type ConversationRow, type MessageRow } from './repo'
import type { chatMessages } from './tables'

type NewMessage = Omit<typeof chatMessages.$inferInsert, 'seq' | 'id'> & { id?: string }

/**
 * Appends a message; undefined when its sender already sent this clientMessageId (nothing written).
 * `conversation`: the row the caller already locked; `readerId`: whose read mark moves to it.
 */
export async function appendMessage(
  tx: Tx,
  input: NewMessage,
  options: { conversation?: ConversationRow; readerId?: string | null } = {},
): Promise<MessageRow | undefined> {
  const conversation = options.conversation ?? (await conversationsRepo.lockForSend(tx, input.conversationId))
  if (!conversation) throw new AppError('not_found', 'No such conversation')
  const seq = conversation.lastSeq + 1
  const row = await messagesRepo.insertUnlessSent(tx, { ...input, id: input.id ?? newId(), seq })
  if (!row) return undefined
  await conversationsRepo.advance(tx, input.conversationId, seq, row.createdAt, options.readerId ?? null)
  conversation.lastSeq = seq
  return row
}
