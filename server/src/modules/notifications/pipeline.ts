// The sending pipeline, as jobs: accept → fan-out (recipients, preferences, quiet hours, consent,
// rate limits → one delivery per channel, or per device for push) → deliver (render, filter,
// provider with failover, status). Routes and jobs call these same functions.
import type { Logger } from 'pino'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database, Executor } from '../../core/db/client'
import { createBatchedReads, createGroupCommit } from '../../core/db/group-commit'
import { derivedId, newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Jobs } from '../../core/jobs/queue'
import type { AccountsService, UserRef } from '../accounts'
import type { AudienceService } from './audience'
import { DEFAULT_LOCALE, type Catalog } from './catalog'
import type { CallOutcome } from '../../core/net/circuit-breaker'
import { planDeferral, type DeferralPolicy } from './deferral'
import type { Inbox } from './inbox'
import { decide, QUIET_CHANNELS, quietHoursEnd } from './preferences'
import type { Preferences } from './preferences-store'
import type { ProviderRegistry } from './provider-registry'
import { ProviderError, type EmailThread, type Provider, type PushTarget, type SendResult } from './providers/types'
import type { SettingsStore } from './settings'
import { smsSegments } from './sms-segments'
import {
  attemptsRepo,
  deliveriesRepo,
  notificationsRepo,
  runsRepo,
  type AttemptRow,
  type DeliveryRow,
  type NewDelivery,
  type NewAttempt,
  type NotificationRow,
  type SentOutcome,
  type TemplateStamp,
  type TypeRow,
} from './repo'
import type { DeliveryStatus, Guarantee, notifications, NotifyChannel } from './tables'
import { renderTemplate, type RenderContext, type TemplateContent } from './templates'
import { JOB_RUN, type RunJob } from './runs'
import { stepMessage } from './workflow-rules'
import type { Workflows } from './workflows'

export const JOB_FANOUT = 'notify-fanout'
export const JOB_DELIVER = 'notify-deliver'
export const MAX_ATTEMPTS = 6
const FANOUT_CHUNK = 500
/**
 * Deliveries a fan-out puts in one job, sent together: a job is three row writes in the queue, so
 * a big send's queue work is a 25th of one job per delivery. Retries and waits are one per job.
 */
export const DELIVERY_BUNDLE = 25

/** The longest a provider's timeoutMs may be set to (provider-factories.ts caps it at 120 s). */
const PROVIDER_TIMEOUT_MAX_SECONDS = 120
/** The longest one provider attempt can take: FCM and APNs may fetch a token before the send. */
export const ATTEMPT_MAX_SECONDS = 2 * PROVIDER_TIMEOUT_MAX_SECONDS
/** Default delivery job expiry: one attempt at its longest, and a minute for rendering and bookkeeping. */
export const DELIVER_EXPIRE_SECONDS = ATTEMPT_MAX_SECONDS + 60
/** Kept free before a delivery job's expiry: failover stops when one more attempt could run into it. */
const DELIVER_MARGIN_SECONDS = 30
/** Per-user rate limits count notifications in a sliding hour. */
const RATE_WINDOW_SECONDS = 3600
const DEFAULT_DEFERRAL: DeferralPolicy = { limit: 10, maxSeconds: 6 * 3600 }

/** A fan-out job: one chunk of recipients, those after `after` (user id order); `counted` before it. */
export interface FanoutJob {
  notificationId: string
  after?: string
  counted?: number
}
/** One delivery's job: a retry, or a wait; `deferrals` and `deferredSince` count the waits for open circuits. */
export interface DeliveryTask {
  deliveryId: string
  deferrals?: number
  deferredSince?: string
}
/** A delivery job: a bundle of a fan-out's deliveries (DELIVERY_BUNDLE), or one delivery. */
export type DeliverJob = { deliveryIds: string[] } | DeliveryTask
const LIVE: DeliveryStatus[] = ['pending', 'queued', 'sending']

type Contact = Awaited<ReturnType<AccountsService['contactsOf']>>[number]

export interface SendInput {
  type: string
  /** Users by Caravan id or externalId (profile fields upsert the user inline), or a topic. */
  to: UserRef | UserRef[] | { topic: string }
  data?: Record<string, unknown>
  channels?: NotifyChannel[]
  sendAt?: string
  idempotencyKey?: string
  /** The host's handle for calling the notification's workflow runs off (cancel()). */
  cancelKey?: string
  /** Modules only (not the REST API): threading headers and a reply address for the email. */
  email?: { thread?: EmailThread; replyTo?: string }
}

/** Push repeats collapse and in-app writes are idempotent: only e-mail and SMS choose. */
function guaranteeOf(type: TypeRow, channel: NotifyChannel): Guarantee {
  return channel === 'sms' ? type.smsGuarantee : channel === 'email' ? type.emailGuarantee : 'at_most_once'
}

/** Exponential backoff with full jitter: 5 s, 10 s, 20 s… capped at an hour. */
export function backoffSeconds(attempt: number): number {
  const ceiling = Math.min(3600, 5 * 2 ** Math.max(0, attempt - 1))
  return Math.ceil(ceiling / 2 + (Math.random() * ceiling) / 2)
}

export function createPipeline(deps: {
  database: Database
  jobs: Jobs
  events: EventBus
  accounts: AccountsService
  audience: AudienceService
  catalog: Catalog
  registry: ProviderRegistry
  settings: SettingsStore
  preferences: Preferences
  inbox: Inbox
  counters: CounterStore
  logger: Logger
  brand: RenderContext['brand']
  /** The right-hand side of the Message-IDs e-mails carry (the public URL's host name). */
  mailDomain: string
  /** The acknowledgement a Web Push payload carries for its click report (push-opens.ts). */
  pushAck: (deliveryId: string) => string
  /** The delivery queue's job expiry (seconds): failover in one run stays inside it. */
  deliverExpireSeconds?: number
  deferral?: DeferralPolicy
  bus: InvalidationBus
  workflows: Workflows
}) {
  const { database, jobs, accounts, catalog, registry, settings, counters, logger } = deps
  const db = database.db
  const deliverBudgetMs = ((deps.deliverExpireSeconds ?? DELIVER_EXPIRE_SECONDS) - DELIVER_MARGIN_SECONDS) * 1000
  const deferral = deps.deferral ?? DEFAULT_DEFERRAL

  // ---- accept ---------------------------------------------------------------------------------
  async function accept(principal: Principal | 'system', input: SendInput): Promise<{ id: string; duplicate: boolean }> {
    const type = await catalog.requireType(input.type)
    const channels = input.channels ?? type.channels
    const unused = channels.filter((c) => !type.channels.includes(c))
    if (unused.length) throw new AppError('unprocessable', `The type "${type.key}" does not use ${unused.join(', ')}`)
    const audience = await deps.audience.fromSendTarget(input.to)
    await deps.audience.check(audience)
    const sendAt = input.sendAt ? new Date(input.sendAt) : undefined
    const idempotencyKey = input.idempotencyKey
      ? `${principal === 'system' ? 'system' : principalKey(principal)}|${input.idempotencyKey}`
      : null
    const id = newId()
    const created = await acceptWrites.submit({
      id,
      typeKey: type.key,
      audience,
      data: input.data ?? {},
      channels: input.channels ?? null,
      sendAt: sendAt ?? null,
      idempotencyKey,
      cancelKey: input.cancelKey ?? null,
      requestedBy: principal === 'system' ? 'system' : principalKey(principal),
      emailOptions: input.email ?? null,
    })
    if (created) return { id, duplicate: false }
    return { id: (await notificationsRepo.idOfKey(db, idempotencyKey!))!, duplicate: true }
  }

  // Triggers that arrive while others are being written go together: one transaction stores their
  // notifications and fan-out jobs (a busy API pays its commits per batch, not per trigger). Each is
  // answered on its own: stored, or not because its idempotency key was used (before, or earlier in
  // the same batch).
  const acceptWrites = createGroupCommit<typeof notifications.$inferInsert & { id: string }, boolean>({
    maxBatch: 100,
    write: (rows) =>
      db.transaction(async (tx) => {
        const created = new Set(await notificationsRepo.insertMany(tx, rows))
        const jobsToSend = rows
          .filter((row) => created.has(row.id))
          .map((row) => ({ data: { notificationId: row.id } satisfies FanoutJob, startAfter: row.sendAt ?? undefined }))
        await jobs.sendMany(JOB_FANOUT, jobsToSend, { tx })
        return rows.map((row) => ({ ok: true as const, value: created.has(row.id) }))
      }),
  })

  // ---- fan-out --------------------------------------------------------------------------------
  // One job per chunk of FANOUT_CHUNK recipients, in user id order: a chunk is seconds of work, so
  // its job can expire after a minute and a dead worker's chunk runs again soon. A chunk commits its
  // deliveries, their jobs and the job of the next chunk together; the next chunk's job id is named
  // by the chunk, so a chunk that runs twice enqueues it once. Rate limits count a (notification,
  // user, channel) once, so a chunk that ran before counts nobody twice.
  async function fanout(job: FanoutJob) {
    const { notificationId } = job
    const n = await notificationsRepo.byId(db, notificationId)
    if (!n || n.status === 'fanned_out' || n.status === 'cancelled') return
    const type = await catalog.cachedType(n.typeKey)
    if (!type) {
      logger.warn({ notificationId }, 'notification type vanished before fan-out')
      return
    }
    const chunk = await deps.audience.recipients(n.audience, job.after, FANOUT_CHUNK)
    // A type with a workflow gets one run per recipient (runs.ts); its channel steps make the deliveries.
    const workflow = await deps.workflows.active(type.id)
    const planned = workflow ? undefined : await deliveriesFor(n, type, chunk)
    const counted = (job.counted ?? 0) + chunk.length
    await db.transaction(async (tx) => {
      if (workflow) {
        const runs = await runsRepo.insertNew(
          tx,
          chunk.map((userId) => ({ id: newId(), notificationId, userId, typeKey: type.key, workflowId: workflow.id })),
        )
        await jobs.sendMany(
          JOB_RUN,
          runs.map((r) => ({ data: { runId: r.id } satisfies RunJob })),
          { tx },
        )
      } else await enqueueDeliveries(tx, planned!.rows, planned!.wakeAt)
      if (chunk.length < FANOUT_CHUNK) {
        await notificationsRepo.update(tx, notificationId, { status: 'fanned_out', recipientCount: counted })
        return
      }
      if (!job.after) await notificationsRepo.update(tx, notificationId, { status: 'fanning_out' })
      const next: FanoutJob = { notificationId, after: chunk.at(-1)!, counted }
      await jobs.send(JOB_FANOUT, next, { tx, id: derivedId(JOB_FANOUT, `${notificationId}:${next.after}`) })
    })
  }

  /**
   * Stores new deliveries and enqueues the live ones in bundles, each bundle of deliveries that may
   * start at the same time (now, or when the recipient's quiet hours end).
   */
  async function enqueueDeliveries(tx: Executor, rows: NewDelivery[], wakeAt: Map<string, Date>) {
    const inserted = await deliveriesRepo.insertNew(tx, rows)
    const byStart = new Map<number, string[]>()
    for (const d of inserted) {
      if (d.status === 'suppressed') continue
      const start = wakeAt.get(d.id)?.getTime() ?? 0
      const ids = byStart.get(start)
      if (ids) ids.push(d.id)
      else byStart.set(start, [d.id])
    }
    const bundles: { data: DeliverJob; startAfter?: Date }[] = []
    for (const [start, ids] of byStart)
      for (let i = 0; i < ids.length; i += DELIVERY_BUNDLE)
        bundles.push({ data: { deliveryIds: ids.slice(i, i + DELIVERY_BUNDLE) }, startAfter: start ? new Date(start) : undefined })
    await jobs.sendMany(JOB_DELIVER, bundles, { tx })
  }

  /**
   * The deliveries of one chunk of recipients: preferences, consent, rate limits, quiet hours. A
   * workflow's channel step asks for one channel, and its deliveries carry the run and the step.
   */
  async function deliveriesFor(
    n: NotificationRow,
    type: TypeRow,
    userIds: string[],
    step?: { channel: NotifyChannel; index: number; runId: string },
  ) {
    const channels = step ? [step.channel] : (n.channels ?? type.channels)
    const { rateLimits } = await settings.read()
    const now = new Date()
    const [contacts, devices, prefs] = await Promise.all([
      accounts.contactsOf(userIds),
      channels.includes('push') ? accounts.activeDevicesOf(userIds) : Promise.resolve([]),
      deps.preferences.forUsers(userIds),
    ])
    const rows: NewDelivery[] = []
    const wakeAt = new Map<string, Date>()
    for (const contact of contacts) {
      const userPrefs = prefs.get(contact.id)!
      for (const channel of channels) {
        const targets = channel === 'push' ? devices.filter((d) => d.userId === contact.id).map((d) => d.id) : ['']
        const base = {
          notificationId: n.id,
          userId: contact.id,
          typeKey: type.key,
          channel,
          ...(step ? { runId: step.runId, step: step.index } : {}),
        }
        const suppressed = (reason: string) =>
          rows.push(
            ...(targets.length ? targets : ['']).map((target) => ({
              ...base,
              id: newId(),
              target,
              status: 'suppressed' as const,
              reason,
            })),
          )
        const decision = decide({ channel, category: type.category, critical: type.critical, prefs: userPrefs })
        if (!decision.send) {
          suppressed(decision.reason)
          continue
        }
        if (channel === 'sms' && !contact.phone) {
          suppressed('no phone number')
          continue
        }
        if (channel === 'email' && !contact.email) {
          suppressed('no e-mail address')
          continue
        }
        if (channel === 'push' && targets.length === 0) {
          suppressed('no push device')
          continue
        }
        const limit = settings.limitFor(rateLimits, type.category, channel)
        if (limit !== undefined) {
          // Joined, not a template literal: a flat string, where a template makes a chain of pieces
          // that the memory store would keep for the hour, per recipient.
          const key = ['notify-hour', contact.id, type.category, channel].join(':')
          const { position } = await counters.hitUnique(key, step ? `${n.id}:${step.index}` : n.id, RATE_WINDOW_SECONDS)
          if (position > limit) {
            suppressed(`rate limit: ${limit} ${type.category} ${channel} messages per hour`)
            continue
          }
        }
        const quietEnd =
          !type.critical && QUIET_CHANNELS.includes(channel) ? quietHoursEnd(now, contact.timezone, userPrefs.quietHours) : null
        for (const target of targets) {
          const id = newId()
          rows.push({
            ...base,
            id,
            target,
            status: quietEnd ? 'pending' : 'queued',
            reason: quietEnd ? `quiet hours until ${quietEnd.toISOString()}` : null,
          })
          if (quietEnd) wakeAt.set(id, quietEnd)
        }
      }
    }
    return { rows, wakeAt }
  }

  // ---- deliver --------------------------------------------------------------------------------
  // What a delivery reads of its notification (type, data, e-mail options) never changes once
  // accepted, and a notification's deliveries run together: one read serves them all.
  const sentNotifications = createHotCache<NotificationRow | null>({
    name: 'notifications.accepted',
    bus: deps.bus,
    ttlMs: 30_000,
    maxEntries: 1000,
    load: async (id) => (await notificationsRepo.byId(db, id)) ?? null,
  })
  // A batch of delivery jobs runs together: their rows and recipients are read in one query each,
  // and their successful sends are recorded in one transaction (core/db/group-commit.ts).
  const readDelivery = createBatchedReads<string, DeliveryRow>(
    async (ids) => new Map((await deliveriesRepo.byIds(db, ids)).map((d) => [d.id, d])),
  )
  const readContact = createBatchedReads<string, Contact>(async (ids) => new Map((await accounts.contactsOf(ids)).map((c) => [c.id, c])))
  /** The attempt and the outcome of a successful send, with the others of its batch in one commit; false when the delivery had moved on. */
  const recordSent = createGroupCommit<{ attempt: NewAttempt; outcome: SentOutcome }, boolean>({
    write: (items) =>
      db.transaction(async (tx) => {
        await attemptsRepo.insert(
          tx,
          items.map((i) => i.attempt),
        )
        const changed = await deliveriesRepo.finishMany(
          tx,
          items.map((i) => i.outcome),
        )
        return items.map((i) => ({ ok: true as const, value: changed.has(i.outcome.id) }))
      }),
  })
  const setDelivery = (x: Executor, id: string, patch: Partial<NewDelivery>, onlyIf?: DeliveryStatus[]) =>
    deliveriesRepo.update(x, id, patch, onlyIf)

  async function attempt(
    deliveryId: string,
    providerId: string,
    outcome: AttemptRow['outcome'],
    error: string | null,
    meta?: Record<string, unknown>,
    x: Executor = db,
  ) {
    await attemptsRepo.insert(x, [{ id: newId(), deliveryId, providerId, outcome, error, meta: meta ?? null }])
  }

  async function retryLater(d: DeliveryRow, attempts: number, reason: string, retryAfterSeconds?: number) {
    if (attempts >= MAX_ATTEMPTS) {
      await setDelivery(db, d.id, { status: 'failed', reason: `gave up after ${attempts} attempts: ${reason}`, attempts })
      return
    }
    const delay = Math.max(backoffSeconds(attempts), retryAfterSeconds ?? 0)
    await db.transaction(async (tx) => {
      // The count is kept here too: a send to an idempotent provider is not marked in flight first.
      await setDelivery(tx, d.id, { status: 'queued', reason: `retrying in ${delay} s: ${reason}`, attempts })
      await jobs.send(JOB_DELIVER, { deliveryId: d.id } satisfies DeliveryTask, { tx, startAfter: new Date(Date.now() + delay * 1000) })
    })
  }

  /** Every provider left was skipped by an open circuit: wait for one (not an attempt), within the deferral bounds. */
  async function defer(d: DeliveryRow, job: DeliveryTask, attempts: number, openUntil: number | undefined, reason: string) {
    const now = Date.now()
    const count = (job.deferrals ?? 0) + 1
    const since = job.deferredSince ? Date.parse(job.deferredSince) : now
    const plan = planDeferral({ now, deferral: count, since, openUntil, policy: deferral })
    if ('giveUp' in plan) {
      await setDelivery(db, d.id, { status: 'failed', reason: `${plan.giveUp}: ${reason}`, attempts })
      return
    }
    const next: DeliveryTask = { deliveryId: d.id, deferrals: count, deferredSince: new Date(since).toISOString() }
    await db.transaction(async (tx) => {
      await setDelivery(tx, d.id, {
        status: 'queued',
        reason: `waiting ${plan.waitSeconds} s for an open circuit (${count} of ${deferral.limit}): ${reason}`,
        attempts,
      })
      await jobs.send(JOB_DELIVER, next, { tx, startAfter: new Date(now + plan.waitSeconds * 1000) })
    })
  }

  /**
   * A delivery job. A bundle's deliveries go at once, each on its own: one that throws stops none of
   * the others, and the job then fails and runs again, where the finished ones skip (a repeat never
   * sends twice; see deliver).
   */
  async function deliverJob(job: DeliverJob) {
    if (!('deliveryIds' in job)) return deliver(job)
    const results = await Promise.allSettled(job.deliveryIds.map((deliveryId) => deliver({ deliveryId })))
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  async function deliver(job: DeliveryTask) {
    const { deliveryId } = job
    const deadline = Date.now() + deliverBudgetMs
    const d = await readDelivery(deliveryId)
    if (!d || !LIVE.includes(d.status)) return // done already: a duplicate job never sends twice

    const type = await catalog.cachedType(d.typeKey)
    const contact = await readContact(d.userId)
    const n = (await sentNotifications.get(d.notificationId)) ?? undefined
    if (!type || !contact || !n) {
      await setDelivery(db, d.id, { status: 'failed', reason: 'the type, user or notification no longer exists' })
      return
    }

    // A workflow's channel step may carry its own message (in the version the run started with);
    // after a digest step, templates see what it collected.
    const run = d.runId ? await runsRepo.byId(db, d.runId) : undefined
    const workflow = run ? await deps.workflows.byId(run.workflowId) : undefined
    const template =
      stepMessage(workflow?.steps[d.step], contact.locale, DEFAULT_LOCALE) ??
      (await catalog.currentTemplate(type.id, d.channel, contact.locale))
    if (!template) {
      await setDelivery(db, d.id, { status: 'failed', reason: `no ${d.channel} template for ${contact.locale} or ${DEFAULT_LOCALE}` })
      return
    }
    const stamp: TemplateStamp =
      'id' in template ? { templateId: template.id, templateVersion: template.version } : { templateId: null, templateVersion: null }
    let rendered: TemplateContent
    const { formats } = await settings.read()
    try {
      rendered = await renderTemplate(d.channel, template.content as TemplateContent, {
        locale: template.locale,
        irr: formats.irr,
        data: n.data,
        ...(run?.events ? { digest: { events: run.events, count: run.eventCount ?? run.events.length } } : {}),
        user: {
          name: contact.name,
          email: contact.email,
          locale: contact.locale,
          timezone: contact.timezone,
          externalId: contact.externalId,
          attributes: contact.attributes,
        },
        brand: deps.brand,
      })
    } catch (e) {
      await setDelivery(db, d.id, { status: 'failed', reason: (e as Error).message, ...stamp })
      return
    }

    const { filter } = await settings.read()
    const visible = [rendered.subject, rendered.title, rendered.body, rendered.text]
      .filter((v): v is string => typeof v === 'string')
      .join('\n')
    const verdict = filter.check(visible)
    if (!verdict.ok) {
      await setDelivery(db, d.id, { status: 'suppressed', reason: `content filter: ${verdict.reason}`, ...stamp })
      return
    }

    if (d.channel === 'in_app') {
      await deps.inbox.deliver(d, type.category, rendered, stamp)
      return
    }

    let target: PushTarget | undefined
    if (d.channel === 'push') {
      const device = await accounts.activeDevice(d.target)
      if (!device) {
        await setDelivery(db, d.id, { status: 'suppressed', reason: 'the device was removed or disabled', ...stamp })
        return
      }
      target =
        device.kind === 'webpush'
          ? { kind: 'webpush', token: device.token, subscription: device.subscription! }
          : { kind: device.kind, token: device.token }
    }
    const meta: Record<string, unknown> = {}
    if (d.channel === 'sms') Object.assign(meta, { sms: smsSegments(String(rendered.text)) })

    const candidates = await registry.providersFor(d.channel, target?.kind)
    // A send whose outcome is unknown (the worker died mid-send) is repeated only where the repeat
    // is harmless or chosen: an idempotent provider, a push whose repeat replaces the first
    // (collapse id), or a type that wants this channel at least once (an e-mail repeat carries the
    // same Message-ID). Otherwise it is recorded failed: sent at most once.
    if (d.status === 'sending') {
      const previous = candidates.find((c) => c.configId === d.providerId)
      const providerId = previous?.configId ?? d.providerId ?? 'unknown'
      if (previous?.provider.collapses)
        await attempt(d.id, providerId, 'in_doubt', 'the worker stopped during the send; sent again, collapsed')
      else if (!previous?.provider.idempotent) {
        if (guaranteeOf(type, d.channel) === 'at_least_once') {
          const how = d.channel === 'email' ? 'with the same Message-ID' : 'at least once, as the type asks'
          await attempt(d.id, providerId, 'in_doubt', `the worker stopped during the send; sent again ${how}`)
        } else {
          await attempt(d.id, providerId, 'in_doubt', 'the worker stopped during the send')
          await setDelivery(db, d.id, {
            status: 'failed',
            reason: 'outcome unknown: the worker stopped during the send; not repeated to avoid a duplicate',
          })
          return
        }
      }
    }

    let attempts = d.attempts
    let lastReason = 'no provider available'
    let retryAfter: number | undefined
    let anyTransient = false
    let outOfTime = false
    /** The earliest a skipped circuit may be tried again; set when any provider was skipped. */
    let openUntil: number | undefined
    for (const candidate of candidates) {
      const provider = candidate.provider
      // Web Push has a breaker per push service: a dead or slow one does not pause the others.
      const scope = target && provider.channel === 'push' ? provider.breakerScope?.(target) : undefined
      const breaker = scope ? registry.breakerFor(candidate.configId, scope) : candidate.breaker
      const name = scope ? `${provider.id} (${scope})` : provider.id
      // Fail over in this run only while one more attempt at its longest ends before the job expires.
      if (attempts > d.attempts && Date.now() + ATTEMPT_MAX_SECONDS * 1000 > deadline) {
        outOfTime = true
        break
      }
      const permit = breaker.tryAcquire()
      if (!permit) {
        lastReason = `${name}: circuit open`
        openUntil = Math.min(openUntil ?? Infinity, breaker.retryAt ?? Date.now())
        continue
      }
      // Whatever happens below ends the permit, so a half-open trial never stays out: 'up' when the
      // provider answered (even to refuse this one message), 'down' when it failed as a service.
      let outcome: CallOutcome = 'unused'
      try {
        if (candidate.maxPerSecond) {
          const second = Math.floor(Date.now() / 1000)
          const { count } = await counters.hit(`notify-rate:${candidate.configId}:${second}`, 2)
          if (count > candidate.maxPerSecond) {
            // Throttle, never drop: wait for a later second on the same provider.
            await jobs.send(JOB_DELIVER, job, { startAfter: new Date((second + 1) * 1000 + Math.random() * 1000) })
            return
          }
        }
        attempts++
        const inFlight = { providerId: candidate.configId, attempts, meta, ...stamp }
        // "In flight" matters only where a repeat could double the message: a send to an
        // idempotent provider (the dev outbox) is simply repeated after a crash.
        if (!provider.idempotent) await setDelivery(db, d.id, { status: 'sending', ...inFlight })
        let result: SendResult
        try {
          result = await send(provider, d, contact, rendered, target!, n.emailOptions)
        } catch (e) {
          const error = e instanceof ProviderError ? e : new ProviderError('transient', (e as Error)?.message ?? String(e))
          // A dead address or a message the provider refuses is this recipient's fault, not the provider's.
          outcome = error.kind === 'transient' ? 'down' : 'up'
          await attempt(d.id, candidate.configId, error.kind, error.message, { provider: provider.id, ...error.details })
          if (error.kind === 'invalid_recipient') {
            if (d.channel === 'push') await accounts.disableDevice(d.target)
            await setDelivery(db, d.id, { status: 'failed', reason: `${name}: ${error.message}` })
            return
          }
          if (error.kind === 'transient') {
            anyTransient = true
            // The longest Retry-After any provider asked for.
            retryAfter = Math.max(retryAfter ?? 0, error.details.retryAfterSeconds ?? 0)
          }
          lastReason = `${name}: ${error.message}`
          continue // fail over to the next provider
        }
        outcome = 'up'
        // The attempt and the outcome in one commit.
        await recordSent.submit({
          attempt: {
            id: newId(),
            deliveryId: d.id,
            providerId: candidate.configId,
            outcome: 'sent',
            error: null,
            meta: { provider: provider.id, ...result.meta },
          },
          outcome: {
            id: d.id,
            status: result.status,
            providerId: candidate.configId,
            providerMessageId: result.providerMessageId ?? null,
            attempts,
            meta: { ...meta, ...result.meta },
            ...stamp,
            onlyIf: provider.idempotent ? LIVE : ['sending'],
          },
        })
        return
      } finally {
        permit.end(outcome)
      }
    }
    if (anyTransient || outOfTime) {
      await retryLater({ ...d, attempts }, attempts, outOfTime ? `${lastReason} (no time left to fail over)` : lastReason, retryAfter)
      return
    }
    if (openUntil !== undefined) {
      await defer(d, job, attempts, openUntil, lastReason)
      return
    }
    await setDelivery(db, d.id, { status: 'failed', reason: lastReason, attempts })
  }

  function send(
    provider: Provider,
    d: DeliveryRow,
    contact: { email: string | null; phone: string | null; locale: string },
    rendered: TemplateContent,
    target: PushTarget,
    email: { thread?: EmailThread; replyTo?: string } | null,
  ): Promise<SendResult> {
    switch (provider.channel) {
      case 'email':
        return provider.send({
          deliveryId: d.id,
          to: contact.email!,
          subject: String(rendered.subject),
          html: String(rendered.html),
          text: String(rendered.text),
          locale: contact.locale,
          // Stable per delivery, so a repeat after a crash is recognised as the same mail.
          messageId: email?.thread?.messageId ?? `${d.id}@${deps.mailDomain}`,
          ...(email?.thread ? { thread: email.thread } : {}),
          ...(email?.replyTo ? { replyTo: email.replyTo } : {}),
        })
      case 'sms':
        return provider.send({ deliveryId: d.id, to: contact.phone!, text: String(rendered.text) })
      case 'push':
        return provider.send({
          deliveryId: d.id,
          target,
          title: String(rendered.title),
          body: String(rendered.body),
          // The service worker reports a click with these (POST /v1/push/opened): it has no session.
          data:
            target.kind === 'webpush'
              ? { ...(rendered.data as Record<string, string> | undefined), caravanDeliveryId: d.id, caravanAck: deps.pushAck(d.id) }
              : ((rendered.data as Record<string, string>) ?? undefined),
        })
    }
  }

  return {
    accept,
    fanout,
    deliverJob,
    deliver,
    deliveriesFor,
    enqueueDeliveries,
    sentNotification: (id: string) => sentNotifications.get(id),
  }
}

export type Pipeline = ReturnType<typeof createPipeline>
