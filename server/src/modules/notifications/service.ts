// Builds the notifications module from its parts; jobs.ts wires its jobs and event subscriptions.
import type { Logger } from 'pino'
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Jobs } from '../../core/jobs/queue'
import type { SecretBox } from '../../core/secrets/crypto'
import type { Static } from 'typebox'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { AccountsService } from '../accounts'
import { createActivity } from './activity'
import { createAudience } from './audience'
import { createCatalog } from './catalog'
import type { DeferralPolicy } from './deferral'
import { createInbox } from './inbox'
import { defineNotificationJobs, type NotificationJobSettings } from './jobs'
import { outboxPage } from './outbox'
import { createPipeline } from './pipeline'
import { createPreferences } from './preferences-store'
import { createProviderRegistry, type EnvProvider, type ProviderContext, type ProviderFactory } from './provider-registry'
import { createDevOutbox } from './providers/dev-outbox'
import type { OutboxQuery } from './schemas'
import { seedSystemTypes } from './seed'
import { createSettingsStore } from './settings'
import { createPushOpens } from './push-opens'
import { createWebPushProvider } from './providers/push/webpush'
import { createStatusTracker } from './status'
import { personalDataRepo } from './repo'
import { createTopics } from './topics'
import { createRuns } from './runs'
import { createWorkflows } from './workflows'

export interface NotificationsDeps {
  database: Database
  /** Drops cached settings and provider lists on every node when they change. */
  bus: InvalidationBus
  jobs: Jobs
  events: EventBus
  audit: Audit
  counters: CounterStore
  secrets: SecretBox
  accounts: AccountsService
  /** Where this module's part of a user's personal data is registered (export, erasure). */
  privacy: PrivacyRegistry
  logger: Logger
  /** Workflow time (delays, digest windows, throttles); tests pass a controlled clock. */
  clock?: () => Date
  factories: Record<string, ProviderFactory>
  settings: NotificationJobSettings & {
    breaker?: { threshold: number; openSeconds: number }
    deferral?: DeferralPolicy
    publicUrl: string
    brandName?: string
    envProviders?: EnvProvider[]
    network?: ProviderContext['network']
    /** The built-in Web Push sender (VAPID pair, subject), used while no webpush provider is configured. */
    webPush?: { publicKey: string; privateKey: string; subject: string }
    /** Signs the acknowledgements Web Push payloads carry for their click report. */
    pushAckKey: string
  }
}

export function createNotificationsService(deps: NotificationsDeps) {
  const { database, jobs, events, audit, counters, accounts, logger } = deps
  const db = database.db
  const brand = { name: deps.settings.brandName ?? 'Caravan', url: deps.settings.publicUrl }
  const devOutbox = createDevOutbox(db)
  const { webPush, network } = deps.settings
  const registry = createProviderRegistry({
    db,
    secrets: deps.secrets,
    audit,
    devOutbox,
    factories: deps.factories,
    envProviders: deps.settings.envProviders,
    builtinWebPush: webPush && {
      publicKey: webPush.publicKey,
      create: () =>
        createWebPushProvider({
          subject: webPush.subject,
          vapidPublicKey: webPush.publicKey,
          vapidPrivateKey: webPush.privateKey,
          allowLoopback: network?.allowLoopback ?? false,
          // Tests only (ALLOW_LOOPBACK_URLS): their push services are loopback fakes over http.
          allowHttpEndpoints: network?.allowLoopback ?? false,
          ...(network?.webPushAllowedHosts ? { allowedHosts: network.webPushAllowedHosts } : {}),
        }),
    },
    breaker: deps.settings.breaker && { threshold: deps.settings.breaker.threshold, openMs: deps.settings.breaker.openSeconds * 1000 },
    context: { network: deps.settings.network },
    bus: deps.bus,
  })
  const settings = createSettingsStore(db, deps.bus)
  const catalog = createCatalog({ db, bus: deps.bus, audit, brand, formats: async () => (await settings.read()).formats })
  const preferences = createPreferences({
    db,
    timezoneOf: async (userId) => (await accounts.getUser(userId)).timezone,
    criticalCategories: catalog.criticalCategories,
  })
  const workflows = createWorkflows({ db, bus: deps.bus, audit, catalog })
  const inbox = createInbox({ db, events })
  const audience = createAudience({ db, accounts })
  const topics = createTopics({ db, audience })
  const status = createStatusTracker({ db, registry, logger })
  const pushOpens = createPushOpens({ db, key: deps.settings.pushAckKey })
  const pipeline = createPipeline({
    database,
    jobs,
    events,
    accounts,
    audience,
    catalog,
    registry,
    settings,
    preferences,
    inbox,
    counters,
    logger,
    brand,
    bus: deps.bus,
    mailDomain: new URL(deps.settings.publicUrl).hostname,
    pushAck: pushOpens.ackFor,
    deliverExpireSeconds: deps.settings.deliverExpireSeconds,
    deferral: deps.settings.deferral,
    workflows,
  })
  const runs = createRuns({ database, jobs, catalog, workflows, accounts, pipeline, clock: deps.clock ?? (() => new Date()), logger })
  deps.privacy.register({
    name: 'notifications',
    export: (userId) => personalDataRepo.export(db, userId),
    erase: (tx, userId) => personalDataRepo.erase(tx, userId),
  })

  defineNotificationJobs({ jobs, events, accounts, pipeline, status, runs }, deps.settings)

  return {
    catalog,
    registry,
    /** The providers page: configured providers and what can be added. */
    async providers() {
      const available = Object.entries(registry.factories).map(([provider, f]) => ({
        provider,
        channel: f.channel,
        secretFields: f.secretFields,
      }))
      return { items: await registry.list(), available }
    },
    settings,
    preferences,
    inbox,
    topics,
    status,
    pushOpens,
    /** What a browser subscribes with (GET /v1/push/config). */
    webPushPublicKey: () => registry.webPushPublicKey(),
    pipeline,
    workflows,
    runs,
    devOutbox,
    outbox: (q: Static<typeof OutboxQuery>) => outboxPage(db, q),
    activity: createActivity(db, runs),
    /** At start: Caravan's own types and templates. */
    seed: () => seedSystemTypes(catalog),
    /** At shutdown, after the job workers stopped: closes provider connections (APNs HTTP/2 sessions, pooled sockets). */
    stop: () => registry.closeAll(),
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
