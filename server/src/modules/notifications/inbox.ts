// The in-app inbox: one item per in-app delivery, a live unread count, read/archive.
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { InboxItemView } from './events'
import './events'
import { deliveries, inboxItems } from './tables'
import type { TemplateContent } from './templates'

type ItemRow = typeof inboxItems.$inferSelect

export function itemView(row: ItemRow): InboxItemView {
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

  async function unreadCount(userId: string): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(inboxItems)
      .where(and(eq(inboxItems.userId, userId), isNull(inboxItems.readAt), isNull(inboxItems.archivedAt)))
    return row.n
  }

  /** Stores the item and marks the delivery delivered in one transaction; idempotent per delivery. */
  async function deliver(
    d: typeof deliveries.$inferSelect,
    category: string,
    rendered: TemplateContent,
    stamp: { templateId: string; templateVersion: number },
  ) {
    const item = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(inboxItems)
        .values({
          id: newId(),
          userId: d.userId,
          deliveryId: d.id,
          typeKey: d.typeKey,
          category,
          title: String(rendered.title),
          body: String(rendered.body),
          actionUrl: rendered.actionUrl ? String(rendered.actionUrl) : null,
        })
        .onConflictDoNothing({ target: inboxItems.deliveryId })
        .returning()
      await tx
        .update(deliveries)
        .set({ status: 'delivered', reason: null, providerId: 'in-app', attempts: d.attempts + 1, ...stamp, updatedAt: sql`now()` })
        .where(eq(deliveries.id, d.id))
      return row
    })
    if (item)
      await events.publish(
        events.event('notification:new', { item: itemView(item), unreadCount: await unreadCount(d.userId) }, { userIds: [d.userId] }),
      )
  }

  async function list(userId: string, options: { limit: number; cursor?: string; unread?: boolean; archived?: boolean }) {
    const rows = await db
      .select()
      .from(inboxItems)
      .where(
        and(
          eq(inboxItems.userId, userId),
          options.archived ? sql`${inboxItems.archivedAt} is not null` : isNull(inboxItems.archivedAt),
          options.unread ? isNull(inboxItems.readAt) : undefined,
          options.cursor ? lt(inboxItems.id, decodeCursor(options.cursor)!) : undefined,
        ),
      )
      .orderBy(desc(inboxItems.id))
      .limit(options.limit + 1)
    return pageOf(rows, options.limit, itemView)
  }

  async function announceCount(userId: string) {
    await events.publish(events.event('notification:unread', { count: await unreadCount(userId) }, { userIds: [userId] }))
  }

  async function change(userId: string, id: string, patch: Partial<typeof inboxItems.$inferInsert>) {
    const [row] = await db
      .update(inboxItems)
      .set(patch)
      .where(and(eq(inboxItems.id, id), eq(inboxItems.userId, userId)))
      .returning()
    if (!row) throw new AppError('not_found', 'No such notification')
    await announceCount(userId)
    return itemView(row)
  }

  return {
    deliver,
    list,
    unreadCount,
    markRead: (userId: string, id: string) => change(userId, id, { readAt: sql`coalesce(${inboxItems.readAt}, now())` as any }),
    archive: (userId: string, id: string) => change(userId, id, { archivedAt: sql`coalesce(${inboxItems.archivedAt}, now())` as any }),
    async readAll(userId: string) {
      const rows = await db
        .update(inboxItems)
        .set({ readAt: sql`now()` })
        .where(and(eq(inboxItems.userId, userId), isNull(inboxItems.readAt)))
        .returning({ id: inboxItems.id })
      await announceCount(userId)
      return rows.length
    },
  }
}

export type Inbox = ReturnType<typeof createInbox>
