// SQL for the notifications tables only: no rules here, every function takes the executor to run on
// (the database or an open transaction). The provider adapters' own storage (the dev outbox's
// store) stays with them.
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, sql } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import {
  deliveries,
  deliveryAttempts,
  devOutbox,
  inboxItems,
  notificationDigests,
  notificationPreferences,
  notificationRuns,
  notificationThrottleHits,
  notificationWorkflows,
  notifications,
  notificationSettings,
  notificationTemplates,
  notificationTypes,
  providerConfigs,
  quietHours,
  topics,
  topicSubscriptions,
  type DeliveryStatus,
  type NotifyChannel,
  type RunLogEntry,
  type RunStatus,
} from './tables'

export type TypeRow = typeof notificationTypes.$inferSelect
export type TemplateRow = typeof notificationTemplates.$inferSelect
export type NotificationRow = typeof notifications.$inferSelect
export type DeliveryRow = typeof deliveries.$inferSelect
export type NewDelivery = typeof deliveries.$inferInsert
export type AttemptRow = typeof deliveryAttempts.$inferSelect
export type NewAttempt = typeof deliveryAttempts.$inferInsert
export type InboxItemRow = typeof inboxItems.$inferSelect
export type TopicRow = typeof topics.$inferSelect
export type TopicVisibility = TopicRow['visibility']
export type OutboxRow = typeof devOutbox.$inferSelect
export type Locale = TemplateRow['locale']
export type WorkflowRow = typeof notificationWorkflows.$inferSelect
export type RunRow = typeof notificationRuns.$inferSelect
export type NewRun = typeof notificationRuns.$inferInsert
export type DigestRow = typeof notificationDigests.$inferSelect

export const typesRepo = {
  async byKey(x: Executor, key: string): Promise<TypeRow | undefined> {
    const [row] = await x.select().from(notificationTypes).where(eq(notificationTypes.key, key))
    return row
  },
  list(x: Executor): Promise<TypeRow[]> {
    return x.select().from(notificationTypes).orderBy(asc(notificationTypes.key))
  },
  /** The new row, or nothing when the key is taken. */
  async insert(x: Executor, row: typeof notificationTypes.$inferInsert): Promise<TypeRow | undefined> {
    const [created] = await x.insert(notificationTypes).values(row).onConflictDoNothing().returning()
    return created
  },
  async update(x: Executor, key: string, patch: Partial<typeof notificationTypes.$inferInsert>): Promise<TypeRow | undefined> {
    const [row] = await x
      .update(notificationTypes)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(notificationTypes.key, key))
      .returning()
    return row
  },
  async remove(x: Executor, id: string) {
    await x.delete(notificationTypes).where(eq(notificationTypes.id, id))
  },
}

const templateOf = (typeId: string, channel: NotifyChannel, locale: Locale) =>
  and(eq(notificationTemplates.typeId, typeId), eq(notificationTemplates.channel, channel), eq(notificationTemplates.locale, locale))

export const templatesRepo = {
  async lastVersion(x: Executor, typeId: string, channel: NotifyChannel, locale: Locale): Promise<number> {
    const [last] = await x
      .select({ version: notificationTemplates.version })
      .from(notificationTemplates)
      .where(templateOf(typeId, channel, locale))
      .orderBy(desc(notificationTemplates.version))
      .limit(1)
    return last?.version ?? 0
  },
  async insert(x: Executor, row: typeof notificationTemplates.$inferInsert): Promise<TemplateRow> {
    const [created] = await x.insert(notificationTemplates).values(row).returning()
    return created
  },
  /** Every version, by channel and locale, newest first within each. */
  versions(x: Executor, typeId: string, channel?: NotifyChannel, locale?: Locale): Promise<TemplateRow[]> {
    return x
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.typeId, typeId),
          channel ? eq(notificationTemplates.channel, channel) : undefined,
          locale ? eq(notificationTemplates.locale, locale) : undefined,
        ),
      )
      .orderBy(asc(notificationTemplates.channel), asc(notificationTemplates.locale), desc(notificationTemplates.version))
  },
  /** One version, or the newest when `version` is not given. */
  async version(x: Executor, typeId: string, channel: NotifyChannel, locale: Locale, version?: number): Promise<TemplateRow | undefined> {
    const [row] = await x
      .select()
      .from(notificationTemplates)
      .where(and(templateOf(typeId, channel, locale), version ? eq(notificationTemplates.version, version) : undefined))
      .orderBy(desc(notificationTemplates.version))
      .limit(1)
    return row
  },
}

export const notificationsRepo = {
  /** The ids of the rows stored; a row whose idempotency key was used already (before, or earlier in `rows`) is not. */
  async insertMany(x: Executor, rows: (typeof notifications.$inferInsert)[]): Promise<string[]> {
    if (!rows.length) return []
    const created = await x
      .insert(notifications)
      .values(rows)
      .onConflictDoNothing({ target: notifications.idempotencyKey })
      .returning({ id: notifications.id })
    return created.map((r) => r.id)
  },
  async idOfKey(x: Executor, idempotencyKey: string): Promise<string | undefined> {
    const [row] = await x.select({ id: notifications.id }).from(notifications).where(eq(notifications.idempotencyKey, idempotencyKey))
    return row?.id
  },
  async byId(x: Executor, id: string): Promise<NotificationRow | undefined> {
    const [row] = await x.select().from(notifications).where(eq(notifications.id, id))
    return row
  },
  async update(x: Executor, id: string, patch: Partial<typeof notifications.$inferInsert>) {
    await x.update(notifications).set(patch).where(eq(notifications.id, id))
  },
  /** Ids of the notifications a cancel names: by cancelKey (anyone's), or by the caller's own idempotency key. */
  async idsToCancel(x: Executor, by: { cancelKey: string } | { idempotencyKey: string }): Promise<string[]> {
    const rows = await x
      .select({ id: notifications.id })
      .from(notifications)
      .where('cancelKey' in by ? eq(notifications.cancelKey, by.cancelKey) : eq(notifications.idempotencyKey, by.idempotencyKey))
    return rows.map((r) => r.id)
  },
  /** Calls off notifications still waiting for their sendAt (not fanned out yet); returns how many. */
  async cancelAccepted(x: Executor, ids: string[]): Promise<number> {
    if (!ids.length) return 0
    const rows = await x
      .update(notifications)
      .set({ status: 'cancelled' })
      .where(and(inArray(notifications.id, ids), eq(notifications.status, 'accepted')))
      .returning({ id: notifications.id })
    return rows.length
  },
}

export const workflowsRepo = {
  /** The newest version of the type's workflow. */
  async current(x: Executor, typeId: string): Promise<WorkflowRow | undefined> {
    const [row] = await x
      .select()
      .from(notificationWorkflows)
      .where(eq(notificationWorkflows.typeId, typeId))
      .orderBy(desc(notificationWorkflows.version))
      .limit(1)
    return row
  },
  async byId(x: Executor, id: string): Promise<WorkflowRow | undefined> {
    const [row] = await x.select().from(notificationWorkflows).where(eq(notificationWorkflows.id, id))
    return row
  },
  async insert(x: Executor, row: typeof notificationWorkflows.$inferInsert): Promise<WorkflowRow> {
    const [created] = await x.insert(notificationWorkflows).values(row).returning()
    return created
  },
  versions(x: Executor, typeId: string, limit: number): Promise<WorkflowRow[]> {
    return x
      .select()
      .from(notificationWorkflows)
      .where(eq(notificationWorkflows.typeId, typeId))
      .orderBy(desc(notificationWorkflows.version))
      .limit(limit)
  },
}

const LIVE_RUN: RunStatus[] = ['running', 'waiting', 'digesting']
const appendLog = (entry: RunLogEntry) => sql`${notificationRuns.log} || ${JSON.stringify([entry])}::jsonb`

export interface RunFilter {
  beforeId?: string
  status?: RunStatus
  userId?: string
  type?: string
  notificationId?: string
}

export const runsRepo = {
  /** Inserts the runs that do not exist yet (one per notification and recipient); returns the new ones. */
  insertNew(x: Executor, rows: NewRun[]): Promise<{ id: string }[]> {
    if (!rows.length) return Promise.resolve([])
    return x
      .insert(notificationRuns)
      .values(rows)
      .onConflictDoNothing({ target: [notificationRuns.notificationId, notificationRuns.userId] })
      .returning({ id: notificationRuns.id })
  },
  async byId(x: Executor, id: string): Promise<RunRow | undefined> {
    const [row] = await x.select().from(notificationRuns).where(eq(notificationRuns.id, id))
    return row
  },
  /**
   * Moves a run from step `from` (while its status is one of `statuses`) and logs the move; nothing
   * when another worker moved it first or it was cancelled: the caller then does nothing else.
   */
  async move(
    x: Executor,
    id: string,
    from: { step: number; statuses: RunStatus[] },
    patch: Partial<Pick<NewRun, 'step' | 'status' | 'wakeAt' | 'digestId' | 'events' | 'eventCount'>>,
    entry: RunLogEntry,
  ): Promise<RunRow | undefined> {
    const [row] = await x
      .update(notificationRuns)
      .set({ ...patch, log: appendLog(entry), updatedAt: sql`now()` })
      .where(and(eq(notificationRuns.id, id), eq(notificationRuns.step, from.step), inArray(notificationRuns.status, from.statuses)))
      .returning()
    return row
  },
  /** Waiting runs whose time has come (a safety net for their own jobs, and the controlled clock in tests). */
  async due(x: Executor, now: Date, limit: number): Promise<{ id: string; step: number }[]> {
    return x
      .select({ id: notificationRuns.id, step: notificationRuns.step })
      .from(notificationRuns)
      .where(and(eq(notificationRuns.status, 'waiting'), lte(notificationRuns.wakeAt, now)))
      .orderBy(asc(notificationRuns.wakeAt))
      .limit(limit)
  },
  /** The runs waiting in a digest window, first triggered first, with the data of their notifications. */
  inDigest(x: Executor, digestId: string) {
    return (
      x
        .select({ id: notificationRuns.id, step: notificationRuns.step, data: notifications.data, createdAt: notificationRuns.createdAt })
        .from(notificationRuns)
        .innerJoin(notifications, eq(notifications.id, notificationRuns.notificationId))
        .where(and(eq(notificationRuns.digestId, digestId), eq(notificationRuns.status, 'digesting')))
        // In the order they were triggered (their runs may have reached the window in another order).
        .orderBy(asc(notifications.createdAt), asc(notifications.id))
    )
  },
  /** Ends the other runs of a digest: their notifications go on inside the first one's. */
  async merge(x: Executor, ids: string[], entry: RunLogEntry) {
    if (!ids.length) return
    await x
      .update(notificationRuns)
      .set({ status: 'merged', log: appendLog(entry), updatedAt: sql`now()` })
      .where(and(inArray(notificationRuns.id, ids), eq(notificationRuns.status, 'digesting')))
  },
  /** Calls off the live runs of these notifications; returns how many. */
  async cancel(x: Executor, notificationIds: string[], entry: RunLogEntry): Promise<number> {
    if (!notificationIds.length) return 0
    const rows = await x
      .update(notificationRuns)
      .set({
        status: 'cancelled',
        wakeAt: null,
        log: appendLog(entry),
        updatedAt: sql`now()`,
      })
      .where(and(inArray(notificationRuns.notificationId, notificationIds), inArray(notificationRuns.status, LIVE_RUN)))
      .returning({ id: notificationRuns.id })
    return rows.length
  },
  /** Newest first, `limit` rows. */
  list(x: Executor, f: RunFilter, limit: number): Promise<RunRow[]> {
    return x
      .select()
      .from(notificationRuns)
      .where(
        and(
          f.beforeId ? lt(notificationRuns.id, f.beforeId) : undefined,
          f.status ? eq(notificationRuns.status, f.status) : undefined,
          f.userId ? eq(notificationRuns.userId, f.userId) : undefined,
          f.type ? eq(notificationRuns.typeKey, f.type) : undefined,
          f.notificationId ? eq(notificationRuns.notificationId, f.notificationId) : undefined,
        ),
      )
      .orderBy(desc(notificationRuns.id))
      .limit(limit)
  },
  /** Whether any in-app item this run's notification put in the user's inbox was read, or listed to them. */
  async inAppState(x: Executor, notificationId: string, userId: string): Promise<{ read: boolean; seen: boolean }> {
    const [row] = await x
      .select({
        read: sql<boolean>`coalesce(bool_or(${inboxItems.readAt} is not null), false)`,
        seen: sql<boolean>`coalesce(bool_or(${inboxItems.seenAt} is not null), false)`,
      })
      .from(inboxItems)
      .innerJoin(deliveries, eq(deliveries.id, inboxItems.deliveryId))
      .where(and(eq(deliveries.notificationId, notificationId), eq(deliveries.userId, userId), eq(deliveries.channel, 'in_app')))
    return { read: Boolean(row?.read), seen: Boolean(row?.seen) }
  },
}

export const digestsRepo = {
  /**
   * Joins the open window of (workflow step, recipient, key), or opens it: one statement, so two
   * runs arriving together share one window. Returns the window and whether this call opened it.
   */
  async join(
    x: Executor,
    w: { id: string; workflowId: string; step: number; userId: string; key: string; closesAt: Date },
  ): Promise<{ digest: DigestRow; opened: boolean }> {
    const [digest] = await x
      .insert(notificationDigests)
      .values({ ...w, count: 1 })
      .onConflictDoUpdate({
        target: [notificationDigests.workflowId, notificationDigests.step, notificationDigests.userId, notificationDigests.key],
        targetWhere: sql`status = 'open'`,
        set: { count: sql`${notificationDigests.count} + 1` },
      })
      .returning()
    return { digest, opened: digest.id === w.id }
  },
  async byId(x: Executor, id: string): Promise<DigestRow | undefined> {
    const [row] = await x.select().from(notificationDigests).where(eq(notificationDigests.id, id))
    return row
  },
  /** Closes an open window; false when it was closed already (another worker, a repeated job). */
  async close(x: Executor, id: string): Promise<boolean> {
    const rows = await x
      .update(notificationDigests)
      .set({ status: 'closed' })
      .where(and(eq(notificationDigests.id, id), eq(notificationDigests.status, 'open')))
      .returning({ id: notificationDigests.id })
    return rows.length > 0
  },
  async due(x: Executor, now: Date, limit: number): Promise<string[]> {
    const rows = await x
      .select({ id: notificationDigests.id })
      .from(notificationDigests)
      .where(and(eq(notificationDigests.status, 'open'), lte(notificationDigests.closesAt, now)))
      .orderBy(asc(notificationDigests.closesAt))
      .limit(limit)
    return rows.map((r) => r.id)
  },
}

export const throttleRepo = {
  /**
   * Counts the run in (scope, window) if fewer than `limit` passed in it, under the scope's lock so
   * two runs at once cannot both take the last place; forgets hits older than the window. True: it may pass.
   */
  async pass(x: Executor, scope: string, runId: string, now: Date, windowSeconds: number, limit: number): Promise<boolean> {
    const since = new Date(now.getTime() - windowSeconds * 1000)
    await x.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`notify-throttle:${scope}`}, 0))`)
    await x.delete(notificationThrottleHits).where(and(eq(notificationThrottleHits.scope, scope), lte(notificationThrottleHits.at, since)))
    const [row] = await x
      .select({ n: sql<number>`count(*)::int` })
      .from(notificationThrottleHits)
      .where(eq(notificationThrottleHits.scope, scope))
    if (row.n >= limit) return false
    await x.insert(notificationThrottleHits).values({ scope, runId, at: now }).onConflictDoNothing()
    return true
  },
}

/** What a successful send records on its delivery (deliveriesRepo.finishMany). */
export interface SentOutcome {
  id: string
  status: DeliveryStatus
  providerId: string
  providerMessageId: string | null
  attempts: number
  meta: Record<string, unknown>
  templateId: string | null
  templateVersion: number | null
  onlyIf: DeliveryStatus[]
}

/** Which template a delivery was rendered with (both null: a workflow step's own message). */
export type TemplateStamp = Pick<SentOutcome, 'templateId' | 'templateVersion'>

export interface DeliveryFilter {
  beforeId?: string
  userId?: string
  type?: string
  channel?: NotifyChannel
  status?: DeliveryStatus
  from?: Date
  to?: Date
}

export const deliveriesRepo = {
  /** Inserts what does not exist yet (one per notification, user, channel and target); returns the new ones. */
  insertNew(x: Executor, rows: NewDelivery[]): Promise<{ id: string; status: DeliveryStatus }[]> {
    if (!rows.length) return Promise.resolve([])
    return x
      .insert(deliveries)
      .values(rows)
      .onConflictDoNothing({
        target: [deliveries.notificationId, deliveries.userId, deliveries.channel, deliveries.target, deliveries.step],
      })
      .returning({ id: deliveries.id, status: deliveries.status })
  },
  async byId(x: Executor, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await x.select().from(deliveries).where(eq(deliveries.id, id))
    return row
  },
  byIds(x: Executor, ids: string[]): Promise<DeliveryRow[]> {
    return ids.length ? x.select().from(deliveries).where(inArray(deliveries.id, ids)) : Promise.resolve([])
  },
  /**
   * Records many sends' outcomes in one statement, each only while its status is one of its
   * `onlyIf`; returns the ids it changed.
   */
  async finishMany(x: Executor, rows: SentOutcome[]): Promise<Set<string>> {
    if (!rows.length) return new Set()
    const values = rows.map((r) => ({
      id: r.id,
      status: r.status,
      provider_id: r.providerId,
      provider_message_id: r.providerMessageId,
      attempts: r.attempts,
      meta: r.meta,
      template_id: r.templateId,
      template_version: r.templateVersion,
      only_if: r.onlyIf,
    }))
    const { rows: changed } = await x.execute(sql`
      update ${deliveries} as d
         set status = v.status, reason = null, provider_id = v.provider_id, provider_message_id = v.provider_message_id,
             attempts = v.attempts, meta = v.meta, template_id = v.template_id, template_version = v.template_version, updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, status text, provider_id text, provider_message_id text,
             attempts int, meta jsonb, template_id uuid, template_version int, only_if text[])
       where d.id = v.id and d.status = any(v.only_if)
   returning d.id`)
    return new Set(changed.map((r) => String((r as { id: string }).id)))
  },
  /** Changes a delivery, only while its status is one of `onlyIf` when given; returns it, or nothing. */
  async update(x: Executor, id: string, patch: Partial<NewDelivery>, onlyIf?: DeliveryStatus[]): Promise<DeliveryRow | undefined> {
    const [row] = await x
      .update(deliveries)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(deliveries.id, id), onlyIf ? inArray(deliveries.status, onlyIf) : undefined))
      .returning()
    return row
  },
  ofNotification(x: Executor, notificationId: string, limit: number): Promise<DeliveryRow[]> {
    return x.select().from(deliveries).where(eq(deliveries.notificationId, notificationId)).orderBy(asc(deliveries.createdAt)).limit(limit)
  },
  /** Newest first, `limit` rows. */
  list(x: Executor, f: DeliveryFilter, limit: number): Promise<DeliveryRow[]> {
    return x
      .select()
      .from(deliveries)
      .where(
        and(
          f.beforeId ? lt(deliveries.id, f.beforeId) : undefined,
          f.userId ? eq(deliveries.userId, f.userId) : undefined,
          f.type ? eq(deliveries.typeKey, f.type) : undefined,
          f.channel ? eq(deliveries.channel, f.channel) : undefined,
          f.status ? eq(deliveries.status, f.status) : undefined,
          f.from ? gte(deliveries.createdAt, f.from) : undefined,
          f.to ? lte(deliveries.createdAt, f.to) : undefined,
        ),
      )
      .orderBy(desc(deliveries.id))
      .limit(limit)
  },
  /** The delivery a provider's status event is about: by our id, or by the provider's message id. */
  async forStatusEvent(x: Executor, by: { deliveryId: string } | { providerId: string; providerMessageId: string }) {
    const [row] = await x
      .select({ id: deliveries.id, status: deliveries.status, providerId: deliveries.providerId })
      .from(deliveries)
      .where(
        'deliveryId' in by
          ? eq(deliveries.id, by.deliveryId)
          : and(eq(deliveries.providerId, by.providerId), eq(deliveries.providerMessageId, by.providerMessageId)),
      )
      .limit(1)
    return row
  },
  async markSpamReport(x: Executor, id: string) {
    await x
      .update(deliveries)
      .set({ meta: sql`coalesce(${deliveries.meta}, '{}'::jsonb) || '{"spamReport": true}'::jsonb`, updatedAt: sql`now()` })
      .where(eq(deliveries.id, id))
  },
  /** Moves a delivery from `from` to a new status; false when someone moved it first. */
  async moveStatus(x: Executor, id: string, from: DeliveryStatus, to: DeliveryStatus, reason: string | null): Promise<boolean> {
    const rows = await x
      .update(deliveries)
      .set({ status: to, reason, updatedAt: sql`now()` })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, from)))
      .returning({ id: deliveries.id })
    return rows.length > 0
  },
  /** Calls off the deliveries of these notifications still waiting for quiet hours to end; returns how many. */
  async cancelPending(x: Executor, notificationIds: string[]): Promise<number> {
    if (!notificationIds.length) return 0
    const rows = await x
      .update(deliveries)
      .set({ status: 'suppressed', reason: 'cancelled', updatedAt: sql`now()` })
      .where(and(inArray(deliveries.notificationId, notificationIds), eq(deliveries.status, 'pending')))
      .returning({ id: deliveries.id })
    return rows.length
  },
  /** Provider message ids still marked sent (updated in the last 3 days), for a status look-up. */
  async sentMessageIds(x: Executor, providerId: string, limit: number): Promise<string[]> {
    const rows = await x
      .select({ providerMessageId: deliveries.providerMessageId })
      .from(deliveries)
      .where(
        and(eq(deliveries.providerId, providerId), eq(deliveries.status, 'sent'), gt(deliveries.updatedAt, sql`now() - interval '3 days'`)),
      )
      .limit(limit)
    return rows.map((r) => r.providerMessageId).filter((id): id is string => Boolean(id))
  },
}

export const attemptsRepo = {
  async insert(x: Executor, rows: NewAttempt[]) {
    if (rows.length) await x.insert(deliveryAttempts).values(rows)
  },
  ofDeliveries(x: Executor, deliveryIds: string[]): Promise<AttemptRow[]> {
    if (!deliveryIds.length) return Promise.resolve([])
    return x
      .select()
      .from(deliveryAttempts)
      .where(inArray(deliveryAttempts.deliveryId, deliveryIds))
      .orderBy(asc(deliveryAttempts.createdAt))
  },
}

const unread = (userId: string) => and(eq(inboxItems.userId, userId), isNull(inboxItems.readAt), isNull(inboxItems.archivedAt))

export const inboxRepo = {
  /**
   * The user's unread count and its place in order (`seq`, from unreadCountSeq). Call it in a
   * transaction: the user's lock, held to its end, makes a later `seq` read the count later, after
   * the earlier one's transaction committed; two statements, so the count's snapshot follows the lock.
   */
  async unreadCount(x: Executor, userId: string): Promise<{ count: number; seq: number }> {
    await x.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`inbox-count:${userId}`}, 0))`)
    const [row] = await x
      .select({ n: sql<number>`count(*)::int`, seq: sql<string>`nextval('notification_unread_seq')` })
      .from(inboxItems)
      .where(unread(userId))
    return { count: row.n, seq: Number(row.seq) }
  },
  /** The new item, or nothing when the delivery has one already. */
  async insert(x: Executor, row: typeof inboxItems.$inferInsert): Promise<InboxItemRow | undefined> {
    const [created] = await x.insert(inboxItems).values(row).onConflictDoNothing({ target: inboxItems.deliveryId }).returning()
    return created
  },
  /** Newest first, `limit` rows. */
  list(
    x: Executor,
    userId: string,
    f: { beforeId?: string; unread?: boolean; archived?: boolean },
    limit: number,
  ): Promise<InboxItemRow[]> {
    return x
      .select()
      .from(inboxItems)
      .where(
        and(
          eq(inboxItems.userId, userId),
          f.archived ? sql`${inboxItems.archivedAt} is not null` : isNull(inboxItems.archivedAt),
          f.unread ? isNull(inboxItems.readAt) : undefined,
          f.beforeId ? lt(inboxItems.id, f.beforeId) : undefined,
        ),
      )
      .orderBy(desc(inboxItems.id))
      .limit(limit)
  },
  /** Stamps read_at or archived_at (kept when already set) on the user's own item. */
  async stamp(x: Executor, userId: string, id: string, field: 'readAt' | 'archivedAt'): Promise<InboxItemRow | undefined> {
    const column = field === 'readAt' ? inboxItems.readAt : inboxItems.archivedAt
    const [row] = await x
      .update(inboxItems)
      .set({ [field]: sql`coalesce(${column}, now())` })
      .where(and(eq(inboxItems.id, id), eq(inboxItems.userId, userId)))
      .returning()
    return row
  },
  /** Clears archived_at: the item is back in the inbox (read state untouched). */
  async restore(x: Executor, userId: string, id: string): Promise<InboxItemRow | undefined> {
    const [row] = await x
      .update(inboxItems)
      .set({ archivedAt: null })
      .where(and(eq(inboxItems.id, id), eq(inboxItems.userId, userId)))
      .returning()
    return row
  },
  /** Stamps seen_at on the items just listed to the user (workflows' "unseen" condition). */
  async markSeen(x: Executor, userId: string, ids: string[]) {
    if (!ids.length) return
    await x
      .update(inboxItems)
      .set({ seenAt: sql`now()` })
      .where(and(eq(inboxItems.userId, userId), inArray(inboxItems.id, ids), isNull(inboxItems.seenAt)))
  },
  async readAll(x: Executor, userId: string): Promise<number> {
    const rows = await x
      .update(inboxItems)
      .set({ readAt: sql`now()` })
      .where(and(eq(inboxItems.userId, userId), isNull(inboxItems.readAt)))
      .returning({ id: inboxItems.id })
    return rows.length
  },
}

export interface TopicWithCount {
  key: string
  name: string
  visibility: TopicVisibility
  subscribers: number
}

export const topicsRepo = {
  async byKey(x: Executor, key: string): Promise<TopicRow | undefined> {
    const [row] = await x.select().from(topics).where(eq(topics.key, key))
    return row
  },
  list(x: Executor): Promise<TopicWithCount[]> {
    return x
      .select({
        key: topics.key,
        name: topics.name,
        visibility: topics.visibility,
        subscribers: sql<number>`(select count(*)::int from ${topicSubscriptions} s where s.topic_id = ${topics.id})`,
      })
      .from(topics)
      .orderBy(asc(topics.key))
  },
  /** The new topic, or nothing when the key is taken. */
  async insert(x: Executor, row: typeof topics.$inferInsert): Promise<TopicRow | undefined> {
    const [created] = await x.insert(topics).values(row).onConflictDoNothing().returning()
    return created
  },
  async update(x: Executor, key: string, patch: { name?: string; visibility?: TopicVisibility }): Promise<TopicRow | undefined> {
    const [row] = await x.update(topics).set(patch).where(eq(topics.key, key)).returning()
    return row
  },
  async subscriberCount(x: Executor, topicId: string): Promise<number> {
    const [row] = await x
      .select({ n: sql<number>`count(*)::int` })
      .from(topicSubscriptions)
      .where(eq(topicSubscriptions.topicId, topicId))
    return row.n
  },
  async subscribe(x: Executor, topicId: string, userIds: string[]) {
    if (userIds.length)
      await x
        .insert(topicSubscriptions)
        .values(userIds.map((userId) => ({ topicId, userId })))
        .onConflictDoNothing()
  },
  async unsubscribe(x: Executor, topicId: string, userIds: string[]) {
    if (userIds.length)
      await x.delete(topicSubscriptions).where(and(eq(topicSubscriptions.topicId, topicId), inArray(topicSubscriptions.userId, userIds)))
  },
  /** Every topic the user is subscribed to, whoever subscribed them. */
  ofUser(x: Executor, userId: string): Promise<{ key: string; name: string; visibility: TopicVisibility }[]> {
    return x
      .select({ key: topics.key, name: topics.name, visibility: topics.visibility })
      .from(topicSubscriptions)
      .innerJoin(topics, eq(topics.id, topicSubscriptions.topicId))
      .where(eq(topicSubscriptions.userId, userId))
      .orderBy(asc(topics.key))
  },
  /** Public topics, newest first, each with whether the user follows it. */
  publicFor(x: Executor, userId: string, beforeId: string | undefined, limit: number) {
    return x
      .select({
        id: topics.id,
        key: topics.key,
        name: topics.name,
        following: sql<boolean>`exists (select 1 from ${topicSubscriptions} s where s.topic_id = ${topics.id} and s.user_id = ${userId})`,
      })
      .from(topics)
      .where(and(eq(topics.visibility, 'public'), beforeId ? lt(topics.id, beforeId) : undefined))
      .orderBy(desc(topics.id))
      .limit(limit)
  },
  /** Subscribers of a topic in user id order, after `afterUserId`, at most `limit`. */
  async subscriberIds(x: Executor, key: string, afterUserId: string | undefined, limit: number): Promise<string[]> {
    const rows = await x
      .select({ userId: topicSubscriptions.userId })
      .from(topicSubscriptions)
      .innerJoin(topics, eq(topics.id, topicSubscriptions.topicId))
      .where(and(eq(topics.key, key), afterUserId ? gt(topicSubscriptions.userId, afterUserId) : undefined))
      .orderBy(asc(topicSubscriptions.userId))
      .limit(limit)
    return rows.map((r) => r.userId)
  },
}

export const settingsRepo = {
  all(x: Executor): Promise<{ key: string; value: unknown }[]> {
    return x.select({ key: notificationSettings.key, value: notificationSettings.value }).from(notificationSettings)
  },
  async put(x: Executor, key: string, value: unknown) {
    await x
      .insert(notificationSettings)
      .values({ key, value })
      .onConflictDoUpdate({ target: notificationSettings.key, set: { value, updatedAt: sql`now()` } })
  },
  async remove(x: Executor, key: string) {
    await x.delete(notificationSettings).where(eq(notificationSettings.key, key))
  },
}

export type PreferenceRow = typeof notificationPreferences.$inferSelect
export type QuietHoursRow = typeof quietHours.$inferSelect

export const preferencesRepo = {
  switchesOf(x: Executor, userIds: string[]): Promise<PreferenceRow[]> {
    return x.select().from(notificationPreferences).where(inArray(notificationPreferences.userId, userIds))
  },
  quietHoursOf(x: Executor, userIds: string[]): Promise<QuietHoursRow[]> {
    return x.select().from(quietHours).where(inArray(quietHours.userId, userIds))
  },
  /** Replaces the user's switched-off rows and quiet hours (run it in a transaction). */
  async replace(x: Executor, userId: string, switches: PreferenceRow[], quiet: { start: string; end: string } | null) {
    await x.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId))
    if (switches.length) await x.insert(notificationPreferences).values(switches)
    await x.delete(quietHours).where(eq(quietHours.userId, userId))
    if (quiet) await x.insert(quietHours).values({ userId, ...quiet })
  },
}

export const providerConfigsRepo = {
  async idsOfChannel(x: Executor, channel: 'email' | 'sms' | 'push'): Promise<string[]> {
    const rows = await x.select({ id: providerConfigs.id }).from(providerConfigs).where(eq(providerConfigs.channel, channel))
    return rows.map((r) => r.id)
  },
}

export const devOutboxRepo = {
  /** Newest first, `limit` rows. */
  list(x: Executor, f: { beforeId?: string; channel?: string }, limit: number): Promise<OutboxRow[]> {
    return x
      .select()
      .from(devOutbox)
      .where(and(f.beforeId ? lt(devOutbox.id, f.beforeId) : undefined, f.channel ? eq(devOutbox.channel, f.channel) : undefined))
      .orderBy(desc(devOutbox.id))
      .limit(limit)
  },
}

/** What the notifications module holds about one user, for export and erasure. */
export const personalDataRepo = {
  async export(x: Executor, userId: string) {
    const [prefs, quiet, subscriptions, inbox, sent, runs] = await Promise.all([
      x
        .select({
          category: notificationPreferences.category,
          channel: notificationPreferences.channel,
          enabled: notificationPreferences.enabled,
        })
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, userId)),
      x.select().from(quietHours).where(eq(quietHours.userId, userId)),
      x
        .select({ topic: topics.key, since: topicSubscriptions.createdAt })
        .from(topicSubscriptions)
        .innerJoin(topics, eq(topics.id, topicSubscriptions.topicId))
        .where(eq(topicSubscriptions.userId, userId)),
      x.select().from(inboxItems).where(eq(inboxItems.userId, userId)).orderBy(desc(inboxItems.id)),
      x
        .select({
          id: deliveries.id,
          notificationId: deliveries.notificationId,
          type: deliveries.typeKey,
          channel: deliveries.channel,
          status: deliveries.status,
          createdAt: deliveries.createdAt,
        })
        .from(deliveries)
        .where(eq(deliveries.userId, userId))
        .orderBy(desc(deliveries.createdAt)),
      x
        .select({
          id: notificationRuns.id,
          notificationId: notificationRuns.notificationId,
          type: notificationRuns.typeKey,
          status: notificationRuns.status,
          log: notificationRuns.log,
          createdAt: notificationRuns.createdAt,
        })
        .from(notificationRuns)
        .where(eq(notificationRuns.userId, userId))
        .orderBy(desc(notificationRuns.id)),
    ])
    return { preferences: prefs, quietHours: quiet[0] ?? null, topics: subscriptions, inbox, deliveries: sent, workflowRuns: runs }
  },
  /**
   * Deletes the user's inbox, preferences, quiet hours and subscriptions, stops their workflow runs; keeps their deliveries
   * (counts and analytics need them) without provider metadata or error texts, which can echo an
   * address, and empties the data of notifications sent to this user alone.
   */
  async erase(x: Executor, userId: string) {
    await x.delete(inboxItems).where(eq(inboxItems.userId, userId))
    await x.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId))
    await x.delete(quietHours).where(eq(quietHours.userId, userId))
    await x.delete(topicSubscriptions).where(eq(topicSubscriptions.userId, userId))
    const ofUser = x.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.userId, userId))
    await x.delete(devOutbox).where(inArray(devOutbox.deliveryId, ofUser))
    await x.update(deliveryAttempts).set({ error: null, meta: null }).where(inArray(deliveryAttempts.deliveryId, ofUser))
    await x.update(deliveries).set({ meta: null, reason: null }).where(eq(deliveries.userId, userId))
    await x
      .update(notifications)
      .set({ data: {} })
      .where(sql`${notifications.audience} = ${JSON.stringify({ userIds: [userId] })}::jsonb`)

    // Workflow runs stop (nothing more is sent to an erased user) and forget the data they collected;
    // digest windows and throttle counts keyed by the user's data go.
    await x
      .update(notificationRuns)
      .set({
        status: sql`case when ${inArray(notificationRuns.status, LIVE_RUN)} then 'cancelled' else ${notificationRuns.status} end`,
        events: null,
        wakeAt: null,
      })
      .where(eq(notificationRuns.userId, userId))
    await x.delete(notificationDigests).where(eq(notificationDigests.userId, userId))
    await x.delete(notificationThrottleHits).where(sql`${notificationThrottleHits.scope} like ${`%:${userId}:%`}`)
  },
}
