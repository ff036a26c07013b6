// The sending pipeline, as jobs: accept → fan-out (recipients, preferences, quiet hours, consent,
// rate limits → one delivery per channel, or per device for push) → deliver (render, filter,
// provider with failover, status). Routes and jobs call these same functions.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Database, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { CounterStore } from '../../core/http/rate-limit-store'
import type { Jobs } from '../../core/jobs/queue'
import type { AccountsService } from '../accounts'
import { DEFAULT_LOCALE, type Catalog } from './catalog'
import type { Inbox } from './inbox'
import { decide, QUIET_CHANNELS, quietHoursEnd } from './preferences'
import type { Preferences } from './preferences-store'
import type { ProviderRegistry } from './provider-registry'
import { ProviderError, type Provider, type PushTarget, type SendResult } from './providers/types'
import type { SettingsStore } from './settings'
import { smsSegments } from './sms-segments'
import { deliveries, deliveryAttempts, notifications, topics, topicSubscriptions, type DeliveryStatus, type NotifyChannel } from './tables'
import { renderTemplate, type RenderContext, type TemplateContent } from './templates'

export const JOB_FANOUT = 'notify-fanout'
export const JOB_DELIVER = 'notify-deliver'
export const MAX_ATTEMPTS = 6
const FANOUT_CHUNK = 500
const LIVE: DeliveryStatus[] = ['pending', 'queued', 'sending']

export interface SendInput {
  type: string
  to: string | string[] | { topic: string }
  data?: Record<string, unknown>
  channels?: NotifyChannel[]
  sendAt?: string
  idempotencyKey?: string
}

type DeliveryRow = typeof deliveries.$inferSelect

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
  catalog: Catalog
  registry: ProviderRegistry
  settings: SettingsStore
  preferences: Preferences
  inbox: Inbox
  counters: CounterStore
  logger: Logger
  brand: RenderContext['brand']
}) {
  const { database, jobs, accounts, catalog, registry, settings, counters, logger } = deps
  const db = database.db

  // ---- accept ---------------------------------------------------------------------------------
  async function accept(principal: Principal | 'system', input: SendInput): Promise<{ id: string; duplicate: boolean }> {
    const type = await catalog.requireType(input.type)
    const channels = input.channels ?? type.channels
    const unused = channels.filter((c) => !type.channels.includes(c))
    if (unused.length) throw new AppError('unprocessable', `The type "${type.key}" does not use ${unused.join(', ')}`)
    const audience =
      typeof input.to === 'string'
        ? { userIds: [input.to] }
        : Array.isArray(input.to)
          ? { userIds: [...new Set(input.to)] }
          : { topic: input.to.topic }
    if (audience.userIds) {
      const known = new Set((await accounts.contactsOf(audience.userIds)).map((c) => c.id))
      const unknown = audience.userIds.filter((id) => !known.has(id))
      if (unknown.length)
        throw new AppError(
          'unprocessable',
          `Unknown user${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
        )
    } else if (!(await db.select({ id: topics.id }).from(topics).where(eq(topics.key, audience.topic!))).length) {
      throw new AppError('unprocessable', `Unknown topic "${audience.topic}"`)
    }
    const sendAt = input.sendAt ? new Date(input.sendAt) : undefined
    const idempotencyKey = input.idempotencyKey
      ? `${principal === 'system' ? 'system' : principalKey(principal)}|${input.idempotencyKey}`
      : null
    const id = newId()
    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(notifications)
        .values({
          id,
          typeKey: type.key,
          audience,
          data: input.data ?? {},
          channels: input.channels ?? null,
          sendAt: sendAt ?? null,
          idempotencyKey,
          requestedBy: principal === 'system' ? 'system' : principalKey(principal),
        })
        .onConflictDoNothing({ target: notifications.idempotencyKey })
        .returning({ id: notifications.id })
      if (row) await jobs.send(JOB_FANOUT, { notificationId: id }, { tx, startAfter: sendAt })
      return row
    })
    if (created) return { id, duplicate: false }
    const [existing] = await db
      .select({ id: notifications.id })
      .from(notifications)
      .where(eq(notifications.idempotencyKey, idempotencyKey!))
    return { id: existing.id, duplicate: true }
  }

  // ---- fan-out --------------------------------------------------------------------------------
  async function recipientIds(audience: { userIds?: string[]; topic?: string }): Promise<string[]> {
    if (audience.userIds) return audience.userIds
    const rows = await db
      .select({ userId: topicSubscriptions.userId })
      .from(topicSubscriptions)
      .innerJoin(topics, eq(topics.id, topicSubscriptions.topicId))
      .where(eq(topics.key, audience.topic!))
    return rows.map((r) => r.userId)
  }

  async function fanout(notificationId: string) {
    const [n] = await db.select().from(notifications).where(eq(notifications.id, notificationId))
    if (!n || n.status === 'fanned_out') return
    const type = await catalog.typeByKey(db, n.typeKey)
    if (!type) {
      logger.warn({ notificationId }, 'notification type vanished before fan-out')
      return
    }
    const channels = n.channels ?? type.channels
    const ids = await recipientIds(n.audience)
    const { rateLimits } = await settings.read()
    const now = new Date()

    for (let i = 0; i < ids.length; i += FANOUT_CHUNK) {
      const chunk = ids.slice(i, i + FANOUT_CHUNK)
      const [contacts, devices, prefs] = await Promise.all([
        accounts.contactsOf(chunk),
        channels.includes('push') ? accounts.activeDevicesOf(chunk) : Promise.resolve([]),
        deps.preferences.forUsers(chunk),
      ])
      const rows: (typeof deliveries.$inferInsert)[] = []
      const wakeAt = new Map<string, Date>()
      for (const contact of contacts) {
        const userPrefs = prefs.get(contact.id)!
        for (const channel of channels) {
          const targets = channel === 'push' ? devices.filter((d) => d.userId === contact.id).map((d) => d.id) : ['']
          const base = { notificationId, userId: contact.id, typeKey: type.key, channel }
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
          if (channel === 'push' && targets.length === 0) {
            suppressed('no push device')
            continue
          }
          const limit = settings.limitFor(rateLimits, type.category, channel)
          if (limit !== undefined) {
            const { count } = await counters.hit(`notify:${contact.id}:${type.category}:${channel}`, 3600)
            if (count > limit) {
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
      await db.transaction(async (tx) => {
        const inserted = rows.length
          ? await tx
              .insert(deliveries)
              .values(rows)
              .onConflictDoNothing({ target: [deliveries.notificationId, deliveries.userId, deliveries.channel, deliveries.target] })
              .returning({ id: deliveries.id, status: deliveries.status })
          : []
        const live = inserted.filter((d) => d.status !== 'suppressed')
        await jobs.sendMany(
          JOB_DELIVER,
          live.map((d) => ({ data: { deliveryId: d.id }, startAfter: wakeAt.get(d.id) })),
          { tx },
        )
      })
    }
    await db.update(notifications).set({ status: 'fanned_out', recipientCount: ids.length }).where(eq(notifications.id, notificationId))
  }

  // ---- deliver --------------------------------------------------------------------------------
  async function setDelivery(x: Executor, id: string, patch: Partial<typeof deliveries.$inferInsert>, onlyIf?: DeliveryStatus[]) {
    const [row] = await x
      .update(deliveries)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(deliveries.id, id), onlyIf ? inArray(deliveries.status, onlyIf) : undefined))
      .returning()
    return row
  }

  async function attempt(
    deliveryId: string,
    providerId: string,
    outcome: (typeof deliveryAttempts.$inferInsert)['outcome'],
    error: string | null,
    meta?: Record<string, unknown>,
  ) {
    await db.insert(deliveryAttempts).values({ id: newId(), deliveryId, providerId, outcome, error, meta: meta ?? null })
  }

  async function retryLater(d: DeliveryRow, attempts: number, reason: string, retryAfterSeconds?: number) {
    if (attempts >= MAX_ATTEMPTS) {
      await setDelivery(db, d.id, { status: 'failed', reason: `gave up after ${attempts} attempts: ${reason}` })
      return
    }
    const delay = Math.max(backoffSeconds(attempts), retryAfterSeconds ?? 0)
    await db.transaction(async (tx) => {
      await setDelivery(tx, d.id, { status: 'queued', reason: `retrying in ${delay} s: ${reason}` })
      await jobs.send(JOB_DELIVER, { deliveryId: d.id }, { tx, startAfter: new Date(Date.now() + delay * 1000) })
    })
  }

  async function deliver(deliveryId: string) {
    const [d] = await db.select().from(deliveries).where(eq(deliveries.id, deliveryId))
    if (!d || !LIVE.includes(d.status)) return // done already: a duplicate job never sends twice

    const type = await catalog.typeByKey(db, d.typeKey)
    const [contact] = await accounts.contactsOf([d.userId])
    const [n] = await db.select({ data: notifications.data }).from(notifications).where(eq(notifications.id, d.notificationId))
    if (!type || !contact || !n) {
      await setDelivery(db, d.id, { status: 'failed', reason: 'the type, user or notification no longer exists' })
      return
    }

    const template = await catalog.currentTemplate(type.id, d.channel, contact.locale)
    if (!template) {
      await setDelivery(db, d.id, { status: 'failed', reason: `no ${d.channel} template for ${contact.locale} or ${DEFAULT_LOCALE}` })
      return
    }
    let rendered: TemplateContent
    try {
      rendered = await renderTemplate(d.channel, template.content as TemplateContent, {
        locale: template.locale,
        data: n.data,
        user: { name: contact.name, email: contact.email, locale: contact.locale },
        brand: deps.brand,
      })
    } catch (e) {
      await setDelivery(db, d.id, {
        status: 'failed',
        reason: (e as Error).message,
        templateId: template.id,
        templateVersion: template.version,
      })
      return
    }
    const stamp = { templateId: template.id, templateVersion: template.version }

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
    // A send whose outcome is unknown (the worker died mid-send) is repeated only where that cannot duplicate.
    if (d.status === 'sending') {
      const previous = candidates.find((c) => c.configId === d.providerId)
      if (!previous?.provider.idempotent) {
        await attempt(d.id, d.providerId ?? 'unknown', 'in_doubt', 'the worker stopped during the send')
        await setDelivery(db, d.id, {
          status: 'failed',
          reason: 'outcome unknown: the worker stopped during the send; not repeated to avoid a duplicate',
        })
        return
      }
    }

    let attempts = d.attempts
    let lastReason = 'no provider available'
    let retryAfter: number | undefined
    let anyTransient = false
    for (const candidate of candidates) {
      if (!candidate.breaker.canTry()) {
        lastReason = `${candidate.provider.id}: circuit open`
        anyTransient = true
        continue
      }
      if (candidate.maxPerSecond) {
        const second = Math.floor(Date.now() / 1000)
        const { count } = await counters.hit(`notify-rate:${candidate.configId}:${second}`, 2)
        if (count > candidate.maxPerSecond) {
          // Throttle, never drop: wait for a later second on the same provider.
          await jobs.send(JOB_DELIVER, { deliveryId: d.id }, { startAfter: new Date((second + 1) * 1000 + Math.random() * 1000) })
          return
        }
      }
      attempts++
      await setDelivery(db, d.id, { status: 'sending', providerId: candidate.configId, attempts, meta, ...stamp })
      let result: SendResult
      try {
        result = await send(candidate.provider, d, contact, rendered, target!)
      } catch (e) {
        const error = e instanceof ProviderError ? e : new ProviderError('transient', (e as Error)?.message ?? String(e))
        await attempt(d.id, candidate.configId, error.kind, error.message, { provider: candidate.provider.id, ...error.details })
        if (error.kind === 'invalid_recipient') {
          if (d.channel === 'push') await accounts.disableDevice(d.target)
          await setDelivery(db, d.id, { status: 'failed', reason: `${candidate.provider.id}: ${error.message}` })
          return
        }
        if (error.kind === 'transient') {
          candidate.breaker.failure()
          anyTransient = true
          // The longest Retry-After any provider asked for.
          retryAfter = Math.max(retryAfter ?? 0, error.details.retryAfterSeconds ?? 0)
        }
        lastReason = `${candidate.provider.id}: ${error.message}`
        continue // fail over to the next provider
      }
      candidate.breaker.success()
      await attempt(d.id, candidate.configId, 'sent', null, { provider: candidate.provider.id, ...result.meta })
      await setDelivery(
        db,
        d.id,
        { status: result.status, reason: null, providerMessageId: result.providerMessageId ?? null, meta: { ...meta, ...result.meta } },
        ['sending'],
      )
      return
    }
    if (!anyTransient) {
      await setDelivery(db, d.id, { status: 'failed', reason: lastReason, attempts })
      return
    }
    await retryLater({ ...d, attempts }, attempts, lastReason, retryAfter)
  }

  function send(
    provider: Provider,
    d: DeliveryRow,
    contact: { email: string; phone: string | null; locale: string },
    rendered: TemplateContent,
    target: PushTarget,
  ): Promise<SendResult> {
    switch (provider.channel) {
      case 'email':
        return provider.send({
          deliveryId: d.id,
          to: contact.email,
          subject: String(rendered.subject),
          html: String(rendered.html),
          text: String(rendered.text),
          locale: contact.locale,
        })
      case 'sms':
        return provider.send({ deliveryId: d.id, to: contact.phone!, text: String(rendered.text) })
      case 'push':
        return provider.send({
          deliveryId: d.id,
          target,
          title: String(rendered.title),
          body: String(rendered.body),
          data: (rendered.data as Record<string, string>) ?? undefined,
        })
    }
  }

  return { accept, fanout, deliver }
}

export type Pipeline = ReturnType<typeof createPipeline>
