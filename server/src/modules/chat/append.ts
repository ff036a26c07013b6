// Writing messages: the database's chat_append function (drizzle/0008_chat_append_function.sql) is
// the one place a message gets its seq, under its conversation row's lock, lastSeq + 1, + 2, … in
// the same transaction as the message. A rollback undoes both, so the numbers have no gaps, and
// senders in one conversation are numbered one after the other. However many messages and
// conversations, the writing is one round trip (see docs/benchmarks.md#chat).
import type { Tx } from '../../core/db/client'
import type { ItemResult } from '../../core/db/group-commit'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { messagesRepo, type AppendVerdict, type MessageInsert, type MessageRow } from './repo'

export type NewMessage = Pick<MessageInsert, 'conversationId' | 'senderId' | 'kind'> &
  Partial<Omit<MessageInsert, 'conversationId' | 'senderId' | 'kind'>>

export interface Appended {
  row: MessageRow
  /** The sender had sent this clientMessageId before: `row` is that message, nothing was written. */
  duplicate: boolean
}

const refusals: Record<Exclude<AppendVerdict, 'ok'>, () => AppError> = {
  not_found: () => new AppError('not_found', 'No such conversation'),
  blocked: () => new AppError('blocked', 'This user does not accept your messages'),
  bad_reply: () =>
    new AppError('validation', 'The message replied to is not in this conversation', {
      errors: [{ field: 'body.replyTo', message: 'is not a message of this conversation' }],
    }),
}

/**
 * Writes messages in the order given, each one's answer in the same order: written, a resend of a
 * stored one, or refused (`checked` sends: the sender is a member, not blocked; a reply stays in its
 * conversation). Each `readerId` has read up to their message. Also answers the members of the
 * conversations written to. One item per (conversation, sender, clientMessageId).
 */
export async function appendMessages(
  tx: Tx,
  messages: { input: NewMessage; readerId: string | null; checked: boolean }[],
): Promise<{ results: ItemResult<Appended>[]; members: Map<string, string[]> }> {
  if (!messages.length) return { results: [], members: new Map() }
  const rows: MessageInsert[] = messages.map(({ input }) => ({
    id: input.id ?? newId(),
    conversationId: input.conversationId,
    senderId: input.senderId,
    clientMessageId: input.clientMessageId ?? null,
    kind: input.kind,
    body: input.body ?? null,
    system: input.system ?? null,
    replyToId: input.replyToId ?? null,
    attachmentIds: input.attachmentIds ?? [],
    searchTokens: input.searchTokens ?? [],
    flagged: input.flagged ?? null,
  }))
  const answer = await messagesRepo.append(
    tx,
    rows.map((row, i) => ({ row, readerId: messages[i].readerId, checked: messages[i].checked })),
  )
  const storedIds = answer.results.flatMap((r) => (r.verdict === 'ok' && r.storedId ? [r.storedId] : []))
  const stored = new Map((await messagesRepo.byIds(tx, storedIds)).map((r) => [r.id, r]))
  const results = answer.results.map(({ verdict, storedId, seq }, i): ItemResult<Appended> => {
    if (verdict !== 'ok') return { ok: false, error: refusals[verdict]() }
    if (storedId) return { ok: true, value: { row: stored.get(storedId)!, duplicate: true } }
    const row = { ...rows[i], seq: seq!, editedAt: null, deletedAt: null, deletedBy: null, createdAt: answer.at }
    return { ok: true, value: { row, duplicate: false } }
  })
  const members = new Map<string, string[]>()
  for (const m of answer.members) {
    const list = members.get(m.conversationId)
    if (list) list.push(m.userId)
    else members.set(m.conversationId, [m.userId])
  }
  return { results, members }
}

/** One message (a system message), not checked: the caller has decided it may be written. */
export async function appendMessage(tx: Tx, input: NewMessage, readerId: string | null): Promise<MessageRow> {
  const { results } = await appendMessages(tx, [{ input, readerId, checked: false }])
  const [result] = results
  if (!result.ok) throw result.error
  return result.value.row
}
