// Writing users' sends, many at a time (group commit, core/db/group-commit.ts): one transaction
// locks every conversation in the batch, checks each send (member, not blocked, reply in the same
// conversation, not a resend), numbers and inserts the rest together, claims their attachments and
// enqueues what tells offline members. A refused send is answered alone; the others go on.
import type { Db } from '../../core/db/client'
import { createGroupCommit, type ItemResult } from '../../core/db/group-commit'
import { AppError } from '../../core/http/errors'
import { appendLocked } from './append'
import { ATTACHMENT_OWNER } from './moderation'
import type { ChatFiles, OfflineNotifier } from './ports'
import { conversationsRepo, messagesRepo, type MessageRow } from './repo'

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

export interface WrittenSend {
  row: MessageRow
  /** The sender had sent this clientMessageId before: `row` is that message, nothing was written. */
  duplicate: boolean
}

const notFound = () => new AppError('not_found', 'No such conversation')
const keyOf = (s: { conversationId: string; senderId: string | null; clientMessageId: string | null }) =>
  `${s.conversationId}\n${s.senderId}\n${s.clientMessageId}`

export function createSendWriter(deps: { db: Db; files: ChatFiles; notifier: OfflineNotifier }) {
  async function write(sends: PendingSend[]): Promise<ItemResult<WrittenSend>[]> {
    return deps.db.transaction(async (tx) => {
      const results: ItemResult<WrittenSend>[] = new Array(sends.length)
      // The conversations' locks first: a concurrent resend of the same clientMessageId waits here,
      // and what is read next sees everything committed before the lock was ours.
      const locked = new Map(
        (await conversationsRepo.lockManyForSend(tx, [...new Set(sends.map((s) => s.conversationId))])).map((c) => [c.id, c]),
      )
      const inLocked = sends.filter((s) => locked.has(s.conversationId))
      const checks = await messagesRepo.sendChecks(tx, {
        conversationIds: [...locked.keys()],
        direct: [...locked.values()].filter((c) => c.kind === 'direct').map((c) => c.id),
        senderIds: [...new Set(inLocked.map((s) => s.userId))],
        keys: inLocked.map((s) => ({ conversationId: s.conversationId, senderId: s.userId, clientMessageId: s.clientMessageId })),
        replyIds: [...new Set(inLocked.map((s) => s.replyTo).filter((id): id is string => !!id))],
      })
      const members = new Map<string, string[]>()
      for (const m of checks.members) members.set(m.conversationId, [...(members.get(m.conversationId) ?? []), m.userId])
      const othersOf = (s: PendingSend) => (members.get(s.conversationId) ?? []).filter((u) => u !== s.userId)
      // In a direct conversation, the other member may have blocked the sender.
      const blocked = new Set(checks.blocks.map((b) => `${b.blockerId}\n${b.blockedId}`))
      const replies = new Map(checks.replies.map((r) => [r.id, r.conversationId]))
      const stored = new Map((await messagesRepo.byIds(tx, checks.stored)).map((r) => [keyOf(r), r]))

      const refusal = (s: PendingSend): AppError | undefined => {
        const conversation = locked.get(s.conversationId)
        if (!conversation || !members.get(s.conversationId)?.includes(s.userId)) return notFound()
        if (conversation.kind === 'direct' && othersOf(s).some((o) => blocked.has(`${o}\n${s.userId}`)))
          return new AppError('blocked', 'This user does not accept your messages')
        if (s.replyTo && replies.get(s.replyTo) !== s.conversationId)
          return new AppError('validation', 'The message replied to is not in this conversation', {
            errors: [{ field: 'body.replyTo', message: 'is not a message of this conversation' }],
          })
      }

      // Resends: stored before, or sent twice in this batch (the later one is the earlier's duplicate).
      const firstOf = new Map<string, number>()
      const again: { i: number; first: number }[] = []
      const open = sends
        .map((_, i) => i)
        .filter((i) => {
          const s = sends[i]
          const error = refusal(s)
          if (error) {
            results[i] = { ok: false, error }
            return false
          }
          const key = keyOf({ conversationId: s.conversationId, senderId: s.userId, clientMessageId: s.clientMessageId })
          const before = stored.get(key)
          if (before) results[i] = { ok: true, value: { row: before, duplicate: true } }
          else if (firstOf.has(key)) again.push({ i, first: firstOf.get(key)! })
          else firstOf.set(key, i)
          return !before && firstOf.get(key) === i
        })

      const rows = await appendLocked(
        tx,
        locked,
        open.map((i) => {
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
          }
        }),
      )
      open.forEach((i, k) => (results[i] = { ok: true, value: { row: rows[k], duplicate: false } }))
      for (const { i, first } of again) results[i] = { ok: true, value: { row: rows[open.indexOf(first)], duplicate: true } }

      // A forged or foreign attachment id throws here: the batch rolls back and each send is written alone.
      for (const [k, i] of open.entries())
        if (sends[i].attachmentIds.length)
          await deps.files.claim(tx, {
            uploaderId: sends[i].userId,
            fileIds: sends[i].attachmentIds,
            owner: { kind: ATTACHMENT_OWNER, id: rows[k].id },
          })
      await deps.notifier.enqueue(
        tx,
        open.map((i, k) => ({ message: rows[k], recipients: othersOf(sends[i]) })),
      )
      return results
    })
  }

  const batches = createGroupCommit<PendingSend, WrittenSend>({ write, maxBatch: 100, maxInFlight: 2 })
  return { write: batches.submit, idle: batches.idle }
}

export type SendWriter = ReturnType<typeof createSendWriter>
