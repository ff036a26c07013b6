import type { EmailThread } from './providers/types'
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
    requestedBy: text('requested_by').notNull(),
    status: text('status').$type<'accepted' | 'fanning_out' | 'fanned_out'>().notNull().default('accepted'),
    recipientCount: integer('recipient_count'),
    /** For email deliveries: threading headers and reply address (the support desk's replies). */
    emailOptions: jsonb('email_options').$type<{ thread?: EmailThread; replyTo?: string }>(),
    createdAt: created(),
  },
  (t) => [uniqueIndex('notifications_idempotency_key').on(t.idempotencyKey), index('notifications_created_idx').on(t.createdAt)],
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
    uniqueIndex('deliveries_unique_target').on(t.notificationId, t.userId, t.channel, t.target),
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
