import type { EmailThread } from './providers/types'
import type { WorkflowStep } from './workflow-rules'
import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const CATEGORIES = ['transactional', 'security', 'chat', 'support', 'payments', 'marketing'] as const
export type Category = (typeof CATEGORIES)[number]
export const CHANNELS = ['in_app', 'email', 'sms', 'push'] as const
export type NotifyChannel = (typeof CHANNELS)[number]
export const DELIVERY_STATUSES = ['pending', 'queued', 'sending', 'sent', 'delivered', 'opened', 'failed', 'bounced', 'suppressed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]
/** What a send whose outcome is unknown (the worker died during the provider call) gets: repeated, or recorded failed. */
export const GUARANTEES = ['at_least_once', 'at_most_once'] as const
export type Guarantee = (typeof GUARANTEES)[number]
/** 'cancelled': called off (cancelKey) while still waiting for its send time, before any fan-out. */
export type NotificationStatus = 'accepted' | 'fanning_out' | 'fanned_out' | 'cancelled'

const created = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()

export const notificationTypes = pgTable(
  'notification_types',
  {
    id: uuid('id').primaryKey(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    category: text('category').$type<Category>().notNull(),
    /** Security alerts and receipts: ignore opt-outs and quiet hours. */
    critical: boolean('critical').notNull().default(false),
    channels: text('channels').array().$type<NotifyChannel[]>().notNull(),
    /** E-mail repeats carry the first send's Message-ID, so mail clients show one; an SMS repeat costs and shows twice. */
    emailGuarantee: text('email_guarantee').$type<Guarantee>().notNull().default('at_least_once'),
    smsGuarantee: text('sms_guarantee').$type<Guarantee>().notNull().default('at_most_once'),
    /** Seeded by Caravan for its own events (can be edited, not deleted). */
    system: boolean('system').notNull().default(false),
    createdAt: created(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('notification_types_key_key').on(t.key)],
)

/** Every save is a new row (version n+1); deliveries point at the exact row they used. */
export const notificationTemplates = pgTable(
  'notification_templates',
  {
    id: uuid('id').primaryKey(),
    typeId: uuid('type_id')
      .notNull()
      .references(() => notificationTypes.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<NotifyChannel>().notNull(),
    locale: text('locale').$type<'fa' | 'en'>().notNull(),
    version: integer('version').notNull(),
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    createdBy: text('created_by'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('notification_templates_version_key').on(t.typeId, t.channel, t.locale, t.version)],
)

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    typeKey: text('type_key').notNull(),
    /** { userIds: [...] } or { topic: 'key' } */
    audience: jsonb('audience').$type<{ userIds?: string[]; topic?: string }>().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    channels: text('channels').array().$type<NotifyChannel[]>(),
    sendAt: timestamp('send_at', { withTimezone: true }),
    /** Caller-scoped: "<principal>|<key>", so two API clients never collide. */
    idempotencyKey: text('idempotency_key'),
    /** The host's own handle for calling the workflow runs off (DELETE /v1/notifications/runs?cancelKey=), e.g. "order:123". */
    cancelKey: text('cancel_key'),
    requestedBy: text('requested_by').notNull(),
    status: text('status').$type<NotificationStatus>().notNull().default('accepted'),
    recipientCount: integer('recipient_count'),
    /** For email deliveries: threading headers and reply address (the support desk's replies). */
    emailOptions: jsonb('email_options').$type<{ thread?: EmailThread; replyTo?: string }>(),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('notifications_idempotency_key').on(t.idempotencyKey),
    index('notifications_created_idx').on(t.createdAt),
    index('notifications_cancel_key_idx')
      .on(t.cancelKey)
      .where(sql`cancel_key is not null`),
  ],
)

export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    typeKey: text('type_key').notNull(),
    channel: text('channel').$type<NotifyChannel>().notNull(),
    /** Device id for push (one delivery per device), '' for the other channels. */
    target: text('target').notNull().default(''),
    /** The workflow run that made it (null without a workflow) and the index of its channel step. */
    runId: uuid('run_id'),
    step: integer('step').notNull().default(0),
    status: text('status').$type<DeliveryStatus>().notNull(),
    reason: text('reason'),
    templateId: uuid('template_id'),
    templateVersion: integer('template_version'),
    providerId: text('provider_id'),
    providerMessageId: text('provider_message_id'),
    attempts: integer('attempts').notNull().default(0),
    meta: jsonb('meta').$type<Record<string, unknown>>(),
    createdAt: created(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Re-running a fan-out never makes a second delivery for the same person, channel and device.
    uniqueIndex('deliveries_unique_target').on(t.notificationId, t.userId, t.channel, t.target, t.step),
    index('deliveries_feed_idx').on(t.createdAt),
    index('deliveries_user_idx').on(t.userId, t.createdAt),
    index('deliveries_provider_message_idx').on(t.providerId, t.providerMessageId),
  ],
)

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: uuid('id').primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    providerId: text('provider_id').notNull(),
    outcome: text('outcome').$type<'sent' | 'transient' | 'permanent' | 'invalid_recipient' | 'in_doubt'>().notNull(),
    error: text('error'),
    meta: jsonb('meta').$type<Record<string, unknown>>(),
    createdAt: created(),
  },
  (t) => [index('delivery_attempts_delivery_idx').on(t.deliveryId)],
)

export const inboxItems = pgTable(
  'inbox_items',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    typeKey: text('type_key').notNull(),
    category: text('category').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    actionUrl: text('action_url'),
    readAt: timestamp('read_at', { withTimezone: true }),
    /** Set when the item was first listed to the user (the inbox opened); workflows' "unseen" condition. */
    seenAt: timestamp('seen_at', { withTimezone: true }),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('inbox_items_delivery_key').on(t.deliveryId),
    index('inbox_items_user_idx').on(t.userId, t.id),
    index('inbox_items_unread_idx')
      .on(t.userId)
      .where(sql`read_at is null and archived_at is null`),
  ],
)

/** Per user: a row per (category, channel) the user switched; category '*' is the channel's global switch. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id').notNull(),
    category: text('category').notNull(),
    channel: text('channel').$type<NotifyChannel>().notNull(),
    enabled: boolean('enabled').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.category, t.channel] })],
)

export const quietHours = pgTable('notification_quiet_hours', {
  userId: uuid('user_id').primaryKey(),
  /** "HH:MM" in the user's time zone; start > end spans midnight. */
  start: text('start').notNull(),
  end: text('end').notNull(),
})

export const topics = pgTable(
  'notification_topics',
  {
    id: uuid('id').primaryKey(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** public: users may follow it themselves; private: only the host's server (API key) or an admin subscribes users. */
    visibility: text('visibility').$type<'public' | 'private'>().notNull().default('private'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('notification_topics_key_key').on(t.key)],
)

export const topicSubscriptions = pgTable(
  'notification_topic_subscriptions',
  {
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.topicId, t.userId] })],
)

/** Configured providers per channel, tried in priority order; credentials sealed (SECRETS_KEY). */
export const providerConfigs = pgTable('notification_providers', {
  id: uuid('id').primaryKey(),
  channel: text('channel').$type<'email' | 'sms' | 'push'>().notNull(),
  provider: text('provider').notNull(),
  priority: integer('priority').notNull().default(100),
  enabled: boolean('enabled').notNull().default(true),
  /** Messages per second this provider may take (across the cluster when Redis is set); null = no limit. */
  maxPerSecond: integer('max_per_second'),
  sealedConfig: text('sealed_config').notNull(),
  createdAt: created(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** Module-wide settings as JSON documents: 'rate_limits', 'content_filter'. */
export const notificationSettings = pgTable('notification_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** The dev outbox: what would have been sent, when no real provider is configured. */
export const devOutbox = pgTable(
  'dev_outbox',
  {
    id: uuid('id').primaryKey(),
    deliveryId: uuid('delivery_id').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: created(),
  },
  (t) => [uniqueIndex('dev_outbox_delivery_key').on(t.deliveryId), index('dev_outbox_created_idx').on(t.createdAt)],
)

/**
 * Orders a user's unread counts: each count is read under the user's lock with the next value, so a
 * larger value always carries a count read after the smaller one's (inbox.ts). One for all users and
 * nodes: values only need to grow.
 */
export const unreadCountSeq = pgSequence('notification_unread_seq')

/** A type's workflow: every save is a new version; a run keeps the version it started with. `steps: []` = no workflow. */
export const notificationWorkflows = pgTable(
  'notification_workflows',
  {
    id: uuid('id').primaryKey(),
    typeId: uuid('type_id')
      .notNull()
      .references(() => notificationTypes.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    steps: jsonb('steps').$type<WorkflowStep[]>().notNull(),
    createdBy: text('created_by'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('notification_workflows_version_key').on(t.typeId, t.version)],
)

export const RUN_STATUSES = ['running', 'waiting', 'digesting', 'completed', 'merged', 'throttled', 'cancelled', 'failed'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
/** One entry per step taken, for the activity feed. */
export interface RunLogEntry {
  /** null: about the run as a whole (it ended, it was cancelled). */
  step: number | null
  kind: WorkflowStep['kind'] | 'run'
  outcome: 'done' | 'skipped' | 'waiting' | 'digested' | 'merged' | 'throttled' | 'failed' | 'cancelled'
  /** Why, stable for clients: a skip's SkipCode, 'channel_unused', 'channel_not_asked', 'no_time'. */
  code?: string
  /** A wait's end (delay, digest window). */
  until?: string
  /** A digest's notifications so far (digested) or in all (done). */
  count?: number
  /** For people, in English. */
  detail?: string
  at: string
}

/**
 * One recipient's way through a workflow. `step` is the next step to take; a run moves on only by a
 * conditional update on (id, step, status), so two workers never take a step twice.
 */
export const notificationRuns = pgTable(
  'notification_runs',
  {
    id: uuid('id').primaryKey(),
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    typeKey: text('type_key').notNull(),
    workflowId: uuid('workflow_id').notNull(),
    step: integer('step').notNull().default(0),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    /** When a waiting run takes its next step. */
    wakeAt: timestamp('wake_at', { withTimezone: true }),
    digestId: uuid('digest_id'),
    /** After a digest: the data of every notification it collected (templates see `events` and `count`). */
    events: jsonb('events').$type<Record<string, unknown>[]>(),
    eventCount: integer('event_count'),
    log: jsonb('log').$type<RunLogEntry[]>().notNull().default([]),
    createdAt: created(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notification_runs_recipient_key').on(t.notificationId, t.userId),
    index('notification_runs_user_idx').on(t.userId, t.id),
    index('notification_runs_due_idx')
      .on(t.wakeAt)
      .where(sql`status = 'waiting'`),
    index('notification_runs_digest_idx')
      .on(t.digestId)
      .where(sql`status = 'digesting'`),
  ],
)

/** An open digest window: runs of one workflow step, recipient and key collect here until it closes. */
export const notificationDigests = pgTable(
  'notification_digests',
  {
    id: uuid('id').primaryKey(),
    workflowId: uuid('workflow_id').notNull(),
    step: integer('step').notNull(),
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    count: integer('count').notNull().default(0),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    createdAt: created(),
  },
  (t) => [
    // One open window per (step, recipient, key): a run joins it or opens it in one statement.
    uniqueIndex('notification_digests_open_key')
      .on(t.workflowId, t.step, t.userId, t.key)
      .where(sql`status = 'open'`),
    index('notification_digests_due_idx')
      .on(t.closesAt)
      .where(sql`status = 'open'`),
  ],
)

/** Runs a throttle step let through, counted per (type, step index, recipient, key) over its window. */
export const notificationThrottleHits = pgTable(
  'notification_throttle_hits',
  {
    scope: text('scope').notNull(),
    runId: uuid('run_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.runId] }), index('notification_throttle_hits_scope_idx').on(t.scope, t.at)],
)
