// Delivery statuses reported after the send: provider webhooks (SendGrid events, Twilio status
// callbacks) and polled look-ups (Kavenegar). A status only moves forward.
import type { Logger } from 'pino'
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import type { ProviderRegistry } from './provider-registry'
import type { StatusEvent, WebhookRequest } from './providers/types'
import { deliveriesRepo, providerConfigsRepo } from './repo'
import type { DeliveryStatus } from './tables'

/** Deliveries asked about per provider and poll. */
const POLL_BATCH = 500

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
      const by =
        event.deliveryId && /^[0-9a-f-]{36}$/.test(event.deliveryId)
          ? { deliveryId: event.deliveryId }
          : event.providerMessageId
            ? { providerId: providerConfigId, providerMessageId: event.providerMessageId }
            : undefined
      if (!by) continue
      const d = await deliveriesRepo.forStatusEvent(db, by)
      if (!d || d.providerId !== providerConfigId) continue
      if (event.status === 'spam') {
        await deliveriesRepo.markSpamReport(db, d.id)
        continue
      }
      const status = nextStatus(d.status, event.status)
      if (!status) continue
      await deliveriesRepo.moveStatus(db, d.id, d.status, status, event.reason ?? null)
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
    let changed = 0
    for (const id of await providerConfigsRepo.idsOfChannel(db, 'sms')) {
      const provider = await registry.byConfigId(id)
      if (!provider || provider.channel !== 'sms' || !provider.lookupStatus) continue
      const ids = await deliveriesRepo.sentMessageIds(db, id, POLL_BATCH)
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
