// The in-app inbox: one item per in-app delivery, a live unread count, read/archive.
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { InboxItemView } from './events'
import './events'
import { deliveriesRepo, inboxRepo, type DeliveryRow, type InboxItemRow, type TemplateStamp } from './repo'
import type { TemplateContent } from './templates'

export function itemView(row: InboxItemRow): InboxItemView {
  return {
    id: row.id,
    type: row.typeKey,
    category: row.category,
    title: row.title,
    body: row.body,
    actionUrl: row.actionUrl,
    read: row.readAt !== null,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt.toISOString(),
  }
}

export function createInbox(deps: { db: Db; events: EventBus }) {
  const { db, events } = deps

  /** The count with its order: a client keeps the count of the highest `seq` it has seen (events may arrive out of order). */
  const unreadCount = (userId: string) => db.transaction((tx) => inboxRepo.unreadCount(tx, userId))

  /** Stores the item and marks the delivery delivered in one transaction; idempotent per delivery. */
  async function deliver(d: DeliveryRow, category: string, rendered: TemplateContent, stamp: TemplateStamp) {
    const stored = await db.transaction(async (tx) => {
      const row = await inboxRepo.insert(tx, {
        id: newId(),
        userId: d.userId,
        deliveryId: d.id,
        typeKey: d.typeKey,
        category,
        title: String(rendered.title),
        body: String(rendered.body),
        actionUrl: rendered.actionUrl ? String(rendered.actionUrl) : null,
      })
      await deliveriesRepo.update(tx, d.id, { status: 'delivered', reason: null, providerId: 'in-app', attempts: d.attempts + 1, ...stamp })
      // Counted in the same transaction, the new item included, in order with every other count.
      return row && { row, unread: await inboxRepo.unreadCount(tx, d.userId) }
    })
    if (stored) {
      const { row, unread } = stored
      await events.publish(
        events.event(
          'notification:new',
          { item: itemView(row), unreadCount: unread.count, unreadSeq: unread.seq },
          { userIds: [d.userId] },
        ),
      )
    }
  }

  async function list(userId: string, options: { limit?: number; cursor?: string; unread?: boolean; archived?: boolean }) {
    const limit = options.limit ?? 20
    const rows = await inboxRepo.list(
      db,
      userId,
      { beforeId: decodeCursor(options.cursor), unread: options.unread, archived: options.archived },
      limit + 1,
    )
    // Listed is seen (the inbox was opened): a workflow's "unseen" condition stops holding.
    const unseen = rows.slice(0, limit).filter((r) => !r.seenAt)
    if (unseen.length)
      await inboxRepo.markSeen(
        db,
        userId,
        unseen.map((r) => r.id),
      )
    return pageOf(rows, limit, itemView)
  }

  async function announceCount(userId: string) {
    await events.publish(events.event('notification:unread', await unreadCount(userId), { userIds: [userId] }))
  }

  async function changed(userId: string, row: InboxItemRow | undefined) {
    if (!row) throw new AppError('not_found', 'No such notification')
    await announceCount(userId)
    return itemView(row)
  }

  return {
    deliver,
    list,
    unreadCount,
    markRead: async (userId: string, id: string) => changed(userId, await inboxRepo.stamp(db, userId, id, 'readAt')),
    archive: async (userId: string, id: string) => changed(userId, await inboxRepo.stamp(db, userId, id, 'archivedAt')),
    /** Undo of archive, and the archive view's "restore". */
    restore: async (userId: string, id: string) => changed(userId, await inboxRepo.restore(db, userId, id)),
    async readAll(userId: string) {
      const updated = await inboxRepo.readAll(db, userId)
      await announceCount(userId)
      return updated
    },
  }
}

export type Inbox = ReturnType<typeof createInbox>
