// Builds the notifications module from its parts and wires its jobs and event subscriptions.
import type { Logger } from 'pino'
import type { Audit } from '../../core/audit/service'
import type { Database } from '../../core/db/client'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Jobs } from '../../core/jobs/queue'
import type { SecretBox } from '../../core/secrets/crypto'
import type { AccountsService } from '../accounts'
import { createActivity } from './activity'
import { createCatalog } from './catalog'
import { createInbox } from './inbox'
import { createPipeline, JOB_DELIVER, JOB_FANOUT } from './pipeline'
import { createPreferences } from './preferences-store'
import { createProviderRegistry, type EnvProvider, type ProviderFactory } from './provider-registry'
import { createDevOutbox } from './providers/dev-outbox'
import { seedSystemTypes } from './seed'
import { createSettingsStore } from './settings'
import { createStatusTracker } from './status'
import { createTopics } from './topics'

export interface NotificationsDeps {
  database: Database
  jobs: Jobs
  events: EventBus
  audit: Audit
  counters: CounterStore
  secrets: SecretBox
  accounts: AccountsService
  logger: Logger
  factories: Record<string, ProviderFactory>
  settings: { publicUrl: string; brandName?: string; deliverConcurrency?: number; jobExpireSeconds?: number; envProviders?: EnvProvider[] }
}

export function createNotificationsService(deps: NotificationsDeps) {
  const { database, jobs, events, audit, counters, accounts, logger } = deps
  const db = database.db
  const brand = { name: deps.settings.brandName ?? 'Caravan', url: deps.settings.publicUrl }
  const catalog = createCatalog({ db, audit, brand })
  const devOutbox = createDevOutbox(db)
  const registry = createProviderRegistry({
    db,
    secrets: deps.secrets,
    audit,
    devOutbox,
    factories: deps.factories,
    envProviders: deps.settings.envProviders,
  })
  const settings = createSettingsStore(db)
  const preferences = createPreferences(db)
  const inbox = createInbox({ db, events })
  const topics = createTopics(db)
  const status = createStatusTracker({ db, registry, logger })
  const pipeline = createPipeline({
    database,
    jobs,
    events,
    accounts,
    catalog,
    registry,
    settings,
    preferences,
    inbox,
    counters,
    logger,
    brand,
  })

  // A job running longer than this is presumed dead (worker killed) and runs again; both jobs are
  // safe to repeat: fan-out skips deliveries that exist, delivery skips finished or in-doubt ones.
  const expireInSeconds = deps.settings.jobExpireSeconds ?? 15 * 60
  jobs.define<{ notificationId: string }>({
    name: JOB_FANOUT,
    retryLimit: 5,
    retryDelaySeconds: 5,
    expireInSeconds,
    handler: ({ notificationId }) => pipeline.fanout(notificationId),
  })
  jobs.define<{ deliveryId: string }>({
    name: JOB_DELIVER,
    retryLimit: 5,
    retryDelaySeconds: 5,
    batchSize: 20,
    concurrency: deps.settings.deliverConcurrency ?? 2,
    expireInSeconds,
    handler: ({ deliveryId }) => pipeline.deliver(deliveryId),
  })
  jobs.define({
    name: 'notify-status-poll',
    retryLimit: 0,
    handler: async () => {
      await status.poll()
    },
  })
  jobs.schedule('notify-status-poll', '* * * * *')

  // Caravan's own events become notifications; durable, so a crash after the commit loses none.
  jobs.define<{ event: DomainEvent<'user.registered'> }>({
    name: 'notify-user-registered',
    retryLimit: 5,
    handler: async ({ event }) => {
      await pipeline.accept('system', {
        type: 'account.welcome',
        to: event.payload.userId,
        idempotencyKey: `welcome:${event.payload.userId}`,
      })
    },
  })
  events.subscribeDurable('user.registered', 'notify-user-registered')
  jobs.define<{ event: DomainEvent<'user.role_changed'> }>({
    name: 'notify-role-changed',
    retryLimit: 5,
    handler: async ({ event }) => {
      const { userId, from, to } = event.payload
      await pipeline.accept('system', {
        type: 'account.role_changed',
        to: userId,
        data: { from, to },
        idempotencyKey: `role:${userId}:${event.at}`,
      })
    },
  })
  events.subscribeDurable('user.role_changed', 'notify-role-changed')

  return {
    catalog,
    registry,
    settings,
    preferences,
    inbox,
    topics,
    status,
    pipeline,
    devOutbox,
    activity: createActivity(db),
    /** At start: Caravan's own types and templates. */
    seed: () => seedSystemTypes(catalog),
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
