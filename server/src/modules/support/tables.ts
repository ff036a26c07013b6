import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { BusinessSchedule } from './business-hours'

export const TICKET_STATUSES = ['open', 'pending', 'on_hold', 'solved', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]
/** Where a ticket came from. */
export const TICKET_CHANNELS = ['web', 'widget', 'email', 'api', 'agent'] as const
export type TicketChannel = (typeof TICKET_CHANNELS)[number]
/** Timeline entries: replies and notes are written by people, the rest by the desk when a field changes. */
export const EVENT_KINDS = ['reply', 'note', 'status', 'priority', 'assignment', 'team', 'tags', 'merge'] as const
export type EventKind = (typeof EVENT_KINDS)[number]
export const AGENT_STATUSES = ['online', 'away', 'offline'] as const
export type AgentStatus = (typeof AGENT_STATUSES)[number]
/** The three SLA clocks of a ticket. */
export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const
export type SlaMetric = (typeof SLA_METRICS)[number]

const created = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
const updated = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
const at = (name: string) => timestamp(name, { withTimezone: true })

/** A group of agents with its business hours (SLA clocks count in them) and its support address. */
export const supportTeams = pgTable(
  'support_teams',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** Inbound mail to this address becomes this team's ticket (lower-cased). */
    email: text('email'),
    schedule: jsonb('schedule').$type<BusinessSchedule>().notNull(),
    /** New tickets that name no team go to the default team; there is exactly one. */
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    uniqueIndex('support_teams_name').on(sql`lower(${t.name})`),
    uniqueIndex('support_teams_email').on(t.email),
    uniqueIndex('support_teams_default')
      .on(t.isDefault)
      .where(sql`is_default`),
  ],
)

export const supportTeamMembers = pgTable(
  'support_team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => supportTeams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('support_team_members_user').on(t.userId)],
)

/** An agent's availability and capacity; the row appears the first time the agent sets a status or is added to a team. */
export const supportAgents = pgTable('support_agents', {
  userId: uuid('user_id').primaryKey(),
  status: text('status').$type<AgentStatus>().notNull().default('offline'),
  /** Open tickets (open, pending, on_hold) this agent takes at most by automatic assignment. */
  capacity: integer('capacity').notNull().default(10),
  /** Round robin gives the next ticket to the available agent who waited longest. */
  lastAssignedAt: at('last_assigned_at'),
  statusChangedAt: at('status_changed_at').notNull().defaultNow(),
})

export const supportTickets = pgTable(
  'support_tickets',
  {
    id: uuid('id').primaryKey(),
    /** What people say ("#1042"); ids are for machines. */
    number: serial('number').notNull(),
    subject: text('subject').notNull(),
    requesterId: uuid('requester_id').notNull(),
    status: text('status').$type<TicketStatus>().notNull().default('open'),
    priority: text('priority').$type<TicketPriority>().notNull().default('normal'),
    assigneeId: uuid('assignee_id'),
    teamId: uuid('team_id').notNull(),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    channel: text('channel').$type<TicketChannel>().notNull(),
    /** The support conversation this ticket grew from (the widget), if any. */
    conversationId: uuid('conversation_id'),
    /** Set on a ticket merged into another: it is closed and points to the one that lives on. */
    mergedIntoId: uuid('merged_into_id'),
    createdBy: text('created_by').notNull(),
    // SLA: deadlines are instants computed in the team's business hours when the clock starts;
    // the figures are business minutes, kept so analytics aggregate them in SQL.
    firstResponseDueAt: at('first_response_due_at'),
    nextResponseDueAt: at('next_response_due_at'),
    resolutionDueAt: at('resolution_due_at'),
    firstRespondedAt: at('first_responded_at'),
    firstResponseMinutes: integer('first_response_minutes'),
    resolutionMinutes: integer('resolution_minutes'),
    /** Since when the customer waits for an agent's public reply (null: the ball is with the customer). */
    awaitingSince: at('awaiting_since'),
    slaBreaches: text('sla_breaches')
      .array()
      .$type<SlaMetric[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    slaWarnings: text('sla_warnings')
      .array()
      .$type<SlaMetric[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    solvedAt: at('solved_at'),
    closedAt: at('closed_at'),
    csatRequestedAt: at('csat_requested_at'),
    lastActivityAt: at('last_activity_at').notNull().defaultNow(),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    uniqueIndex('support_tickets_number').on(t.number),
    index('support_tickets_requester').on(t.requesterId, t.id),
    index('support_tickets_assignee').on(t.assigneeId, t.status),
    index('support_tickets_status').on(t.status, t.lastActivityAt),
    index('support_tickets_created').on(t.createdAt),
    // A live chat conversation is escalated into one ticket, even by two agents at once.
    uniqueIndex('support_tickets_conversation')
      .on(t.conversationId)
      .where(sql`conversation_id is not null`),
  ],
)

/** A ticket's timeline. `public` entries are what the customer sees; notes and internal changes are not. */
export const supportTicketEvents = pgTable(
  'support_ticket_events',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => supportTickets.id, { onDelete: 'cascade' }),
    /** Insertion order: entries written in one transaction share created_at and their ids' random tails. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    kind: text('kind').$type<EventKind>().notNull(),
    public: boolean('public').notNull(),
    /** Null for the desk's own entries (SLA job, auto-close, the system). */
    authorId: uuid('author_id'),
    /** Written by an agent (or the API acting for the desk); false for the customer and the desk's own entries. */
    byAgent: boolean('by_agent').notNull().default(false),
    body: text('body'),
    /** For field changes: { from, to }; for merges: { ticketId, number }. */
    data: jsonb('data').$type<Record<string, unknown>>(),
    attachmentIds: uuid('attachment_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** The mail's Message-ID, for replies that came or went by email (threading). */
    emailMessageId: text('email_message_id'),
    createdAt: created(),
  },
  (t) => [
    index('support_ticket_events_ticket').on(t.ticketId, t.seq), // A mail delivered twice (SMTP retries, SendGrid's) is stored once.
    uniqueIndex('support_ticket_events_email')
      .on(t.emailMessageId)
      .where(sql`email_message_id is not null`),
  ],
)

/** One answer per ticket, 1–5, from its requester. */
export const supportCsat = pgTable(
  'support_csat',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => supportTickets.id, { onDelete: 'cascade' }),
    rating: smallint('rating').notNull(),
    comment: text('comment'),
    createdAt: created(),
  },
  (t) => [check('support_csat_rating', sql`${t.rating} between 1 and 5`)],
)

/** Text an agent inserts with /shortcut; Liquid placeholders ({{ customer.name }}) are filled at insertion. */
export const supportCannedResponses = pgTable(
  'support_canned_responses',
  {
    id: uuid('id').primaryKey(),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [uniqueIndex('support_canned_shortcut').on(sql`lower(${t.shortcut})`)],
)

export interface MacroActions {
  status?: TicketStatus
  priority?: TicketPriority
  addTags?: string[]
  removeTags?: string[]
}

/** Several field changes applied to a ticket at once. */
export const supportMacros = pgTable(
  'support_macros',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    actions: jsonb('actions').$type<MacroActions>().notNull(),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [uniqueIndex('support_macros_name').on(sql`lower(${t.name})`)],
)

export const supportSettings = pgTable('support_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updated(),
})

export const WIDGET_LOCALES = ['fa', 'en'] as const
export type WidgetLocale = (typeof WIDGET_LOCALES)[number]

/** A place the live chat widget may run: its public token, the origins allowed to use it, its identity secret. */
export const supportSites = pgTable(
  'support_sites',
  {
    id: uuid('id').primaryKey(),
    /** Public: goes into the embed snippet. */
    token: text('token').notNull(),
    name: text('name').notNull(),
    allowedOrigins: text('allowed_origins').array().notNull(),
    /** HMAC key hosts sign their users' externalIds with; sealed with the secret box. */
    identitySecret: text('identity_secret').notNull(),
    requireIdentity: boolean('require_identity').notNull().default(false),
    /** Who answers its conversations; null: the default team. */
    teamId: uuid('team_id'),
    locale: text('locale').$type<WidgetLocale>().notNull().default('en'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('support_sites_token').on(t.token)],
)

export const CONVERSATION_STATUSES = ['open', 'closed'] as const
export type SupportConversationStatus = (typeof CONVERSATION_STATUSES)[number]

/** The desk's side of a live chat conversation (the chat module keeps its members and messages). */
export const supportConversations = pgTable(
  'support_conversations',
  {
    conversationId: uuid('conversation_id').primaryKey(),
    siteId: uuid('site_id').notNull(),
    visitorId: uuid('visitor_id').notNull(),
    teamId: uuid('team_id').notNull(),
    assigneeId: uuid('assignee_id'),
    status: text('status').$type<SupportConversationStatus>().notNull().default('open'),
    /** What the pre-chat form asked; not written to the visitor's account (the browser vouches for nothing). */
    visitorName: text('visitor_name'),
    visitorEmail: text('visitor_email'),
    /** The visitor's clientMessageId of the first message: starting twice with it starts one conversation. */
    startKey: text('start_key').notNull(),
    /** The ticket it was escalated into. */
    ticketId: uuid('ticket_id'),
    createdAt: at('created_at').notNull().defaultNow(),
    closedAt: at('closed_at'),
  },
  (t) => [
    index('support_conversations_visitor').on(t.visitorId, t.siteId, t.createdAt),
    uniqueIndex('support_conversations_start').on(t.visitorId, t.startKey),
    index('support_conversations_status').on(t.status, t.createdAt),
  ],
)
