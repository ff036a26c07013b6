// What was sent: one notification with its deliveries and attempts, and the admin activity feed.
import { and, asc, desc, eq, gte, inArray, lt, lte } from 'drizzle-orm'
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import { deliveries, deliveryAttempts, notifications, type DeliveryStatus, type NotifyChannel } from './tables'

type DeliveryRow = typeof deliveries.$inferSelect

export function deliveryView(d: DeliveryRow) {
  return {
    id: d.id,
    notificationId: d.notificationId,
    userId: d.userId,
    type: d.typeKey,
    channel: d.channel,
    target: d.target,
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

export function createActivity(db: Db) {
  async function notification(id: string) {
    const [n] = await db.select().from(notifications).where(eq(notifications.id, id))
    if (!n) throw new AppError('not_found', 'No such notification')
    const rows = await db.select().from(deliveries).where(eq(deliveries.notificationId, id)).orderBy(asc(deliveries.createdAt)).limit(1000)
    const attempts = rows.length
      ? await db
          .select()
          .from(deliveryAttempts)
          .where(
            inArray(
              deliveryAttempts.deliveryId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(asc(deliveryAttempts.createdAt))
      : []
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
    }
  }

  async function feed(q: {
    limit: number
    cursor?: string
    userId?: string
    type?: string
    channel?: NotifyChannel
    status?: DeliveryStatus
    from?: string
    to?: string
  }) {
    const rows = await db
      .select()
      .from(deliveries)
      .where(
        and(
          q.cursor ? lt(deliveries.id, decodeCursor(q.cursor)!) : undefined,
          q.userId ? eq(deliveries.userId, q.userId) : undefined,
          q.type ? eq(deliveries.typeKey, q.type) : undefined,
          q.channel ? eq(deliveries.channel, q.channel) : undefined,
          q.status ? eq(deliveries.status, q.status) : undefined,
          q.from ? gte(deliveries.createdAt, new Date(q.from)) : undefined,
          q.to ? lte(deliveries.createdAt, new Date(q.to)) : undefined,
        ),
      )
      .orderBy(desc(deliveries.id))
      .limit(q.limit + 1)
    return pageOf(rows, q.limit, deliveryView)
  }

  return { notification, feed }
}
