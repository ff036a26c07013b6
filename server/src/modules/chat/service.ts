// Builds the chat module from its parts. Sockets are attached later (useRealtime), as the realtime
// server is built after the modules.
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import { defineProblemTypes } from '../../core/http/errors'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Jobs } from '../../core/jobs/queue'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { Presence } from '../../core/realtime/presence'
import type { Realtime } from '../../core/realtime/server'
import type { AccountsService } from '../accounts'
import type { NotificationsService } from '../notifications'
import { createConversations, type RoomMover } from './conversations'
import './events'
import { createMessages } from './messages'
import { ATTACHMENT_OWNER, createModeration } from './moderation'
import { createOfflineNotifier } from './notify'
import type { ChatFiles, ContentPolicy, SearchIndexer, TextSealer } from './ports'
import { messagesRepo, personalDataRepo } from './repo'
import type { ChatSettingsView } from './schemas'
import { chatSocket } from './socket'
import { createViews } from './views'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    blocked: true
    message_blocked: true
  }
}
defineProblemTypes({
  blocked: { status: 403, title: 'This user does not accept your messages' },
  message_blocked: { status: 422, title: 'The message breaks the content rules' },
})

export const JOB_RETENTION = 'chat-retention'

export interface ChatDeps {
  database: Database
  bus: InvalidationBus
  jobs: Jobs
  events: EventBus
  audit: Audit
  counters: CounterStore
  accounts: AccountsService
  notifications: NotificationsService
  files: ChatFiles & {
    registerOwnerAccess(kind: string, canRead: (userId: string, ownerId: string) => Promise<boolean>): void
    onStatusChange(kind: string, handler: (file: { id: string; ownerId: string | null; status: string }) => Promise<void> | void): void
  }
  sealer: TextSealer
  indexer: SearchIndexer
  presence: Presence
  privacy: PrivacyRegistry
  /** The content filter under the notifications module's rules (blocked words, links). */
  policy: () => Promise<ContentPolicy>
  settings?: Partial<ChatSettingsView>
}

export function createChatService(deps: ChatDeps) {
  const { database, events, jobs, files, sealer } = deps
  const db = database.db
  let rooms: RoomMover | undefined
  const views = createViews({ db, sealer, files, accounts: deps.accounts, presence: deps.presence })
  const conversations = createConversations({ db, events, accounts: deps.accounts, views, rooms: () => rooms })
  const moderation = createModeration({ db, bus: deps.bus, audit: deps.audit, files, views, defaults: deps.settings })
  const notifier = createOfflineNotifier({
    db,
    jobs,
    presence: deps.presence,
    counters: deps.counters,
    sealer,
    accounts: deps.accounts,
    notifications: deps.notifications,
  })
  const messages = createMessages({
    db,
    events,
    audit: deps.audit,
    counters: deps.counters,
    sealer,
    indexer: deps.indexer,
    files,
    views,
    conversations,
    moderation,
    policy: deps.policy,
    notifier,
  })

  files.registerOwnerAccess(ATTACHMENT_OWNER, (userId, messageId) => messages.canReadAttachment(userId, messageId))
  files.onStatusChange(ATTACHMENT_OWNER, async (file) => {
    if (file.ownerId) await messages.attachmentChanged(file.ownerId)
  })

  jobs.define({
    name: JOB_RETENTION,
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    handler: async () => {
      await moderation.purgeExpired()
    },
  })
  jobs.schedule(JOB_RETENTION, '41 3 * * *')

  deps.privacy.register({
    name: 'chat',
    async export(userId) {
      const own = await messagesRepo.ofSender(db, userId)
      return {
        messages: await Promise.all(
          own.map(async (m) => ({
            conversationId: m.conversationId,
            seq: m.seq,
            text: m.body ? await sealer.open(m.body, m.id) : null,
            createdAt: m.createdAt.toISOString(),
            deletedAt: m.deletedAt?.toISOString() ?? null,
          })),
        ),
        blocks: await conversations.blocks(userId),
      }
    },
    erase: (tx, userId) => personalDataRepo.erase(tx, userId),
  })

  /** Re-seals up to `limit` message bodies under the active key (key rotation); how many it did. */
  async function reseal(limit: number): Promise<number> {
    const activeId = await sealer.activeKeyId()
    const rows = await messagesRepo.notUnderKey(db, activeId, limit)
    for (const row of rows) {
      const text = await sealer.open(row.body!, row.id)
      await messagesRepo.reseal(db, row.id, row.body!, await sealer.seal(text, row.id))
    }
    return rows.length
  }

  return {
    conversations,
    messages,
    moderation,
    reseal,
    remainingUnderOldKeys: async () => messagesRepo.countNotUnderKey(db, await sealer.activeKeyId()),
    /** Binds the socket events and the room moves to the realtime server. */
    useRealtime(realtime: Realtime) {
      rooms = chatSocket({ realtime, db, events, presence: deps.presence, conversations, messages })
    },
  }
}

export type ChatService = ReturnType<typeof createChatService>
