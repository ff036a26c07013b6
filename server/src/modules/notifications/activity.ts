// What was sent: one notification with its deliveries and attempts, and the admin activity feed.
import type { Static } from 'typebox'
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import { attemptsRepo, deliveriesRepo, notificationsRepo, type DeliveryRow } from './repo'
import type { Runs } from './runs'
import type { Delivery, DeliveryQuery, NotificationDetail } from './schemas'

/** A notification shows at most this many deliveries (the feed pages through all of them). */
const DETAIL_DELIVERIES = 1000

export function deliveryView(d: DeliveryRow): Static<typeof Delivery> {
  return {
    id: d.id,
    notificationId: d.notificationId,
    userId: d.userId,
    type: d.typeKey,
    channel: d.channel,
    target: d.target,
    runId: d.runId,
    step: d.step,
    status: d.status,
    reason: d.reason,
    providerId: d.providerId,
    providerMessageId: d.providerMessageId,
    templateVersion: d.templateVersion,
    attempts: d.attempts,
    meta: d.meta ?? {},
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }
}

export function createActivity(db: Db, runs: Runs) {
  async function notification(id: string): Promise<Static<typeof NotificationDetail>> {
    const n = await notificationsRepo.byId(db, id)
    if (!n) throw new AppError('not_found', 'No such notification')
    // Runs before deliveries: a run's step commits with the deliveries it made, so what a run says
    // it did is always in the list read after it.
    const runViews = await runs.ofNotification(id, DETAIL_DELIVERIES)
    const rows = await deliveriesRepo.ofNotification(db, id, DETAIL_DELIVERIES)
    const attempts = await attemptsRepo.ofDeliveries(
      db,
      rows.map((r) => r.id),
    )
    return {
      id: n.id,
      type: n.typeKey,
      audience: n.audience,
      status: n.status,
      recipientCount: n.recipientCount,
      sendAt: n.sendAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
      deliveries: rows.map((d) => ({
        ...deliveryView(d),
        attemptLog: attempts
          .filter((a) => a.deliveryId === d.id)
          .map((a) => ({ providerId: a.providerId, outcome: a.outcome, error: a.error, createdAt: a.createdAt.toISOString() })),
      })),
      runs: runViews,
    }
  }

  async function feed(q: Static<typeof DeliveryQuery>) {
    const limit = q.limit ?? 20
    const rows = await deliveriesRepo.list(
      db,
      {
        beforeId: decodeCursor(q.cursor),
        userId: q.userId,
        type: q.type,
        channel: q.channel,
        status: q.status,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      limit + 1,
    )
    return pageOf(rows, limit, deliveryView)
  }

  return { notification, feed }
}
