// Delivery statuses reported after the send: provider webhooks (SendGrid events, Twilio status
// callbacks) and polled look-ups (Kavenegar). A status only moves forward.
import { and, eq, gt, inArray, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import type { ProviderRegistry } from './provider-registry'
import type { StatusEvent, WebhookRequest } from './providers/types'
import { deliveries, providerConfigs, type DeliveryStatus } from './tables'

const RANK: Partial<Record<DeliveryStatus, number>> = { pending: 0, queued: 0, sending: 1, sent: 2, delivered: 3, opened: 4 }

/** The status an event moves a delivery to, or null when it would move it backwards. */
export function nextStatus(current: DeliveryStatus, event: StatusEvent['status']): DeliveryStatus | null {
  if (current === 'failed' || current === 'bounced' || current === 'suppressed') return null
  switch (event) {
    case 'delivered':
      return (RANK[current] ?? 9) < RANK.delivered! ? 'delivered' : null
    case 'opened':
      return current !== 'opened' ? 'opened' : null
    case 'bounced':
      return 'bounced'
    case 'failed':
      return 'failed'
    case 'spam':
      return null
  }
}

export function createStatusTracker(deps: { db: Db; registry: ProviderRegistry; logger: Logger }) {
  const { db, registry } = deps

  async function apply(providerConfigId: string, events: StatusEvent[]): Promise<number> {
    let changed = 0
    for (const event of events) {
      const where =
        event.deliveryId && /^[0-9a-f-]{36}$/.test(event.deliveryId)
          ? eq(deliveries.id, event.deliveryId)
          : event.providerMessageId
            ? and(eq(deliveries.providerId, providerConfigId), eq(deliveries.providerMessageId, event.providerMessageId))
            : undefined
      if (!where) continue
      const [d] = await db
        .select({ id: deliveries.id, status: deliveries.status, providerId: deliveries.providerId })
        .from(deliveries)
        .where(where)
        .limit(1)
      if (!d || d.providerId !== providerConfigId) continue
      if (event.status === 'spam') {
        await db
          .update(deliveries)
          .set({ meta: sql`coalesce(${deliveries.meta}, '{}'::jsonb) || '{"spamReport": true}'::jsonb`, updatedAt: sql`now()` })
          .where(eq(deliveries.id, d.id))
        continue
      }
      const status = nextStatus(d.status, event.status)
      if (!status) continue
      await db
        .update(deliveries)
        .set({ status, reason: event.reason ?? null, updatedAt: sql`now()` })
        .where(and(eq(deliveries.id, d.id), eq(deliveries.status, d.status)))
      changed++
    }
    return changed
  }

  /** A provider's webhook: only a request with a valid signature changes anything. */
  async function webhook(providerConfigId: string, request: WebhookRequest): Promise<number> {
    const provider = await registry.byConfigId(providerConfigId)
    if (!provider || !('verifySignature' in provider) || !provider.verifySignature || !provider.parseEvents)
      throw new AppError('not_found', 'No provider with webhooks at this address')
    if (!(await provider.verifySignature(request))) throw new AppError('unauthorized', 'The webhook signature is not valid')
    let events: StatusEvent[]
    try {
      events = provider.parseEvents(request)
    } catch (e) {
      throw new AppError('bad_request', `The webhook body cannot be read: ${(e as Error).message}`)
    }
    return apply(providerConfigId, events)
  }

  /** Cron: asks providers without callbacks (Kavenegar) about messages still marked sent. */
  async function poll(): Promise<number> {
    const configs = await db.select({ id: providerConfigs.id }).from(providerConfigs).where(eq(providerConfigs.channel, 'sms'))
    let changed = 0
    for (const { id } of configs) {
      const provider = await registry.byConfigId(id)
      if (!provider || provider.channel !== 'sms' || !provider.lookupStatus) continue
      const open = await db
        .select({ providerMessageId: deliveries.providerMessageId })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.providerId, id),
            inArray(deliveries.status, ['sent']),
            gt(deliveries.updatedAt, sql`now() - interval '3 days'`),
          ),
        )
        .limit(500)
      const ids = open.map((r) => r.providerMessageId).filter((x): x is string => Boolean(x))
      if (!ids.length) continue
      try {
        changed += await apply(id, await provider.lookupStatus(ids))
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message, provider: id }, 'status look-up failed')
      }
    }
    return changed
  }

  return { apply, webhook, poll }
}

export type StatusTracker = ReturnType<typeof createStatusTracker>
