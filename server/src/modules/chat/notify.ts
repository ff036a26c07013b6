// Members who are offline when a message arrives hear of it through the notifications module
// (type chat.message, category chat: their preferences and quiet hours apply), at most once per
// conversation every five minutes, not once per message. The job is enqueued in the message's own
// transaction, so a crash cannot lose it; online members get the message on their sockets instead.
import type { Db, Tx } from '../../core/db/client'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Jobs } from '../../core/jobs/queue'
import type { Presence } from '../../core/realtime/presence'
import type { AccountsService } from '../accounts'
import type { NotificationsService } from '../notifications'
import type { OfflineNotifier, TextSealer } from './ports'
import { conversationsRepo, messagesRepo, type MessageRow } from './repo'

export const JOB_NOTIFY = 'chat-notify-offline'
const QUIET_SECONDS = 5 * 60
const PREVIEW = 140

interface NotifyJob {
  messageId: string
  recipients: string[]
}

export function createOfflineNotifier(deps: {
  db: Db
  jobs: Jobs
  presence: Presence
  counters: CounterStore
  sealer: TextSealer
  accounts: AccountsService
  notifications: NotificationsService
}): OfflineNotifier {
  const { db, jobs, presence, counters } = deps

  jobs.define<NotifyJob>({
    name: JOB_NOTIFY,
    retryLimit: 5,
    expireInSeconds: 120,
    handler: async ({ messageId, recipients }) => {
      const message = await messagesRepo.byId(db, messageId)
      if (!message || message.deletedAt) return
      const online = await presence.online(recipients)
      const due: string[] = []
      for (const userId of recipients) {
        if (online.has(userId)) continue
        const { count } = await counters.hit(`chat-notify:${message.conversationId}:${userId}`, QUIET_SECONDS)
        if (count === 1) due.push(userId)
      }
      if (!due.length) return
      const conversation = await conversationsRepo.byId(db, message.conversationId)
      const [sender] = message.senderId ? await deps.accounts.contactsOf([message.senderId]) : []
      const text = message.body ? await deps.sealer.open(message.body, message.id) : ''
      for (const userId of due)
        await deps.notifications.pipeline.accept('system', {
          type: 'chat.message',
          to: userId,
          data: {
            conversationId: message.conversationId,
            conversationName: conversation?.name ?? '',
            senderName: sender?.name ?? '',
            preview: text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text || '📎',
          },
          // A retried job sends nothing twice.
          idempotencyKey: `chat:${message.id}:${userId}`,
        })
    },
  })

  return {
    async enqueue(tx: Tx, sent: { message: MessageRow; recipients: string[] }[]) {
      const online = await presence.online([...new Set(sent.flatMap((s) => s.recipients))])
      const jobsToSend = sent
        .map(({ message, recipients }) => ({ data: { messageId: message.id, recipients: recipients.filter((id) => !online.has(id)) } }))
        .filter((job) => job.data.recipients.length)
      if (jobsToSend.length) await jobs.sendMany<NotifyJob>(JOB_NOTIFY, jobsToSend, { tx })
    },
  }
}
