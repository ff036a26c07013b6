// Writing users' sends, many at a time (group commit, core/db/group-commit.ts): one transaction,
// one call of the database's chat_append (locks every conversation in the batch, checks each send:
// member, not blocked, reply in the same conversation, not a resend; numbers and inserts the rest),
// then claims their attachments and enqueues what tells offline members. A refused send is answered
// alone; the others go on.
import type { Db } from '../../core/db/client'
import { createGroupCommit, type ItemResult } from '../../core/db/group-commit'
import { appendMessages, type Appended } from './append'
import { ATTACHMENT_OWNER } from './moderation'
import type { ChatFiles, OfflineNotifier } from './ports'

/** One send, checked and sealed, ready to be written. */
export interface PendingSend {
  id: string
  userId: string
  conversationId: string
  clientMessageId: string
  body: string | null
  searchTokens: string[]
  flagged: string | null
  replyTo: string | null
  attachmentIds: string[]
}

export type WrittenSend = Appended

const keyOf = (s: PendingSend) => `${s.conversationId}\n${s.userId}\n${s.clientMessageId}`

export function createSendWriter(deps: { db: Db; files: ChatFiles; notifier: OfflineNotifier }) {
  async function write(sends: PendingSend[]): Promise<ItemResult<WrittenSend>[]> {
    // The same send twice in one batch: the later one is answered as the earlier's resend.
    const firstOf = new Map<string, number>()
    const firsts: number[] = []
    sends.forEach((s, i) => {
      if (firstOf.has(keyOf(s))) return
      firstOf.set(keyOf(s), i)
      firsts.push(i)
    })
    return deps.db.transaction(async (tx) => {
      const { results: written, members } = await appendMessages(
        tx,
        firsts.map((i) => {
          const s = sends[i]
          return {
            input: {
              id: s.id,
              conversationId: s.conversationId,
              senderId: s.userId,
              clientMessageId: s.clientMessageId,
              kind: 'text' as const,
              body: s.body,
              replyToId: s.replyTo,
              attachmentIds: s.attachmentIds,
              searchTokens: s.searchTokens,
              flagged: s.flagged,
            },
            // Sending a message means having read up to it.
            readerId: s.userId,
            checked: true,
          }
        }),
      )
      const resultOf = new Map(firsts.map((i, k) => [i, written[k]]))
      const results = sends.map((s, i): ItemResult<WrittenSend> => {
        const first = resultOf.get(i)
        if (first) return first
        const earlier = resultOf.get(firstOf.get(keyOf(s))!)!
        return earlier.ok ? { ok: true, value: { row: earlier.value.row, duplicate: true } } : earlier
      })

      const fresh = firsts.flatMap((i, k) => {
        const result = written[k]
        return result.ok && !result.value.duplicate ? [{ send: sends[i], row: result.value.row }] : []
      })
      // A forged or foreign attachment id throws here: the batch rolls back and each send is written alone.
      for (const { send, row } of fresh)
        if (send.attachmentIds.length)
          await deps.files.claim(tx, {
            uploaderId: send.userId,
            fileIds: send.attachmentIds,
            owner: { kind: ATTACHMENT_OWNER, id: row.id },
          })
      await deps.notifier.enqueue(
        tx,
        fresh.map(({ send, row }) => ({
          message: row,
          recipients: (members.get(row.conversationId) ?? []).filter((u) => u !== send.userId),
        })),
      )
      return results
    })
  }

  const batches = createGroupCommit<PendingSend, WrittenSend>({ write, maxBatch: 100, maxInFlight: 2 })
  return { write: batches.submit, idle: batches.idle }
}

export type SendWriter = ReturnType<typeof createSendWriter>
