// The one place a message gets its seq: under the conversation row's lock, lastSeq + 1, written in
// the same transaction as the message. A rollback undoes both, so the numbers have no gaps, and two
// senders in one conversation are numbered one after the other.
import type { Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { conversationsRepo, messagesRepo, type MessageRow } from './repo'
import type { chatMessages } from './tables'

type NewMessage = Omit<typeof chatMessages.$inferInsert, 'seq' | 'id'> & { id?: string }

export async function appendMessage(tx: Tx, input: NewMessage): Promise<MessageRow> {
  const conversation = await conversationsRepo.lockForSend(tx, input.conversationId)
  if (!conversation) throw new AppError('not_found', 'No such conversation')
  const seq = conversation.lastSeq + 1
  const row = await messagesRepo.insert(tx, { ...input, id: input.id ?? newId(), seq })
  await conversationsRepo.setLastSeq(tx, input.conversationId, seq, row.createdAt)
  return row
}
