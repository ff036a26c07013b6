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
import { blocksRepo, conversationsRepo, membersRepo, messagesRepo, type MemberRow, type MessageRow } from './repo'

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
      const refuse = (i: number, error: AppError) => (results[i] = { ok: false, error })
      // The conversations' locks first: a concurrent resend of the same clientMessageId waits here.
      const locked = new Map(
        (await conversationsRepo.lockManyForSend(tx, [...new Set(sends.map((s) => s.conversationId))])).map((c) => [c.id, c]),
      )
      const members = new Map<string, MemberRow[]>()
      for (const m of await membersRepo.listOf(tx, [...locked.keys()]))
        members.set(m.conversationId, [...(members.get(m.conversationId) ?? []), m])
      const othersOf = (s: PendingSend) => (members.get(s.conversationId) ?? []).map((m) => m.userId).filter((u) => u !== s.userId)

      let open = sends.map((s, i) => i)
      open = open.filter((i) => {
        const s = sends[i]
        const ok = locked.has(s.conversationId) && (members.get(s.conversationId) ?? []).some((m) => m.userId === s.userId)
        if (!ok) refuse(i, notFound())
        return ok
      })

      // In a direct conversation, the other member may have blocked the sender.
      const direct = open.filter((i) => locked.get(sends[i].conversationId)!.kind === 'direct')
      const blocks = await blocksRepo.among(
        tx,
        direct.flatMap((i) => othersOf(sends[i]).map((other) => ({ blockerId: other, blockedId: sends[i].userId }))),
      )
      const blocked = new Set(blocks.map((b) => `${b.blockerId}\n${b.blockedId}`))
      open = open.filter((i) => {
        const s = sends[i]
        const ok = locked.get(s.conversationId)!.kind !== 'direct' || !othersOf(s).some((o) => blocked.has(`${o}\n${s.userId}`))
        if (!ok) refuse(i, new AppError('blocked', 'This user does not accept your messages'))
        return ok
      })

      const replyIds = [...new Set(open.map((i) => sends[i].replyTo).filter((id): id is string => !!id))]
      const replies = new Map((await messagesRepo.byIds(tx, replyIds)).map((r) => [r.id, r]))
      open = open.filter((i) => {
        const s = sends[i]
        const ok = !s.replyTo || replies.get(s.replyTo)?.conversationId === s.conversationId
        if (!ok)
          refuse(
            i,
            new AppError('validation', 'The message replied to is not in this conversation', {
              errors: [{ field: 'body.replyTo', message: 'is not a message of this conversation' }],
            }),
          )
        return ok
      })

      // Resends: stored before, or sent twice in this batch (the later one is the earlier's duplicate).
      const stored = new Map(
        (
          await (open.length
            ? messagesRepo.sentAlready(
                tx,
                open.map((i) => ({
                  conversationId: sends[i].conversationId,
                  senderId: sends[i].userId,
                  clientMessageId: sends[i].clientMessageId,
                })),
              )
            : [])
        ).map((r) => [keyOf(r), r]),
      )
      const firstOf = new Map<string, number>()
      const again: { i: number; first: number }[] = []
      open = open.filter((i) => {
        const s = sends[i]
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
