// Request and response schemas of the support API (validation, types and the OpenAPI document).
import { Type, type Static } from 'typebox'
import { Id, Nullable, PageQuery, Timestamp } from '../../core/http/schemas'
import { UserRefUpsertSchema } from '../accounts'
import { widgetSchemas } from './widget-schemas'
import { AGENT_STATUSES, EVENT_KINDS, SLA_METRICS, TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from './tables'

const Status = Type.Enum(TICKET_STATUSES)
const Priority = Type.Enum(TICKET_PRIORITIES)
/** Tags are words: letters, digits, '-', '_' and ':' (Persian letters too), lower-cased by the server. */
const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^[\\p{L}\\p{N}_:-]+$' })
const Tags = Type.Array(Tag, { maxItems: 30, uniqueItems: true })
const Body = (max: number) => Type.String({ minLength: 1, maxLength: max })
const AttachmentIds = Type.Array(Id, { maxItems: 10, uniqueItems: true, description: 'Ids of your own uploads (POST /v1/uploads)' })

export const CreateTicketBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    body: Body(20_000),
    priority: Type.Optional(Priority),
    requester: Type.Optional(UserRefUpsertSchema),
    teamId: Type.Optional(Id),
    tags: Type.Optional(Tags),
    attachmentIds: Type.Optional(AttachmentIds),
  },
  { additionalProperties: false },
)
export type CreateTicketBody = Static<typeof CreateTicketBody>

export const ReplyBody = Type.Object({ body: Body(20_000), attachmentIds: Type.Optional(AttachmentIds) }, { additionalProperties: false })
export type ReplyBody = Static<typeof ReplyBody>

export const UpdateTicketBody = Type.Object(
  {
    status: Type.Optional(Status),
    priority: Type.Optional(Priority),
    assigneeId: Type.Optional(Nullable(Id)),
    teamId: Type.Optional(Id),
    tags: Type.Optional(Tags),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateTicketBody = Static<typeof UpdateTicketBody>

export const MergeBody = Type.Object(
  {
    sourceTicketId: Type.Union([Id, Type.Integer({ minimum: 1, maximum: 2_147_483_647 })], {
      description: 'The ticket merged into this one (its id or number)',
    }),
  },
  { additionalProperties: false },
)

export const CsatBody = Type.Object(
  { rating: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
)

export const TicketQuery = Type.Object(
  {
    view: Type.Optional(
      Type.Union([Type.Literal('mine'), Type.Literal('unassigned'), Type.Literal('all'), Type.Literal('sla_at_risk')], {
        description: 'Agents: my tickets, unassigned ones, all, or those whose SLA deadline is near or past',
      }),
    ),
    status: Type.Optional(
      Type.Union([Status, Type.Literal('active')], { description: "One status, or 'active' (open, pending or on hold)" }),
    ),
    priority: Type.Optional(Priority),
    tag: Type.Optional(Tag),
    teamId: Type.Optional(Id),
    requesterId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
)
export type TicketQuery = Static<typeof TicketQuery>

const Person = Type.Object({ id: Id, name: Nullable(Type.String()), externalId: Nullable(Type.String()) })

export const SlaClockView = Type.Object({
  metric: Type.Enum(SLA_METRICS),
  status: Type.Enum(['none', 'running', 'at_risk', 'breached', 'met'] as const),
  dueAt: Nullable(Timestamp),
})

export const TicketView = Type.Object(
  {
    id: Id,
    number: Type.Integer(),
    subject: Type.String(),
    status: Status,
    priority: Priority,
    channel: Type.Enum(TICKET_CHANNELS),
    requester: Person,
    mergedIntoId: Nullable(Id),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    solvedAt: Nullable(Timestamp),
    closedAt: Nullable(Timestamp),
    /** The requester's rating, once given. */
    csat: Nullable(Type.Object({ rating: Type.Integer(), comment: Nullable(Type.String()), createdAt: Timestamp })),
    /** Whether the requester may still rate it (solved or closed, not yet rated). */
    canRate: Type.Boolean(),
    // Agents only (absent for customers):
    assignee: Type.Optional(Nullable(Person)),
    teamId: Type.Optional(Id),
    tags: Type.Optional(Type.Array(Type.String())),
    sla: Type.Optional(Type.Array(SlaClockView)),
    firstResponseMinutes: Type.Optional(Nullable(Type.Integer())),
    resolutionMinutes: Type.Optional(Nullable(Type.Integer())),
  },
  { $id: 'TicketView' },
)
export type TicketView = Static<typeof TicketView>

export const TicketEventView = Type.Object(
  {
    id: Id,
    ticketId: Id,
    kind: Type.Enum(EVENT_KINDS),
    public: Type.Boolean(),
    author: Nullable(Person),
    /** The author is an agent (false: the customer, or the desk itself when author is null). */
    byAgent: Type.Boolean(),
    body: Nullable(Type.String()),
    data: Nullable(Type.Record(Type.String(), Type.Unknown())),
    attachmentIds: Type.Array(Id),
    createdAt: Timestamp,
  },
  { $id: 'TicketEventView' },
)
export type TicketEventView = Static<typeof TicketEventView>

export const TicketDetail = Type.Object(
  {
    ticket: Type.Unsafe<TicketView>(Type.Ref('TicketView')),
    events: Type.Array(Type.Unsafe<TicketEventView>(Type.Ref('TicketEventView'))),
  },
  { $id: 'TicketDetail' },
)

export const Schedule = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64, examples: ['Asia/Tehran'] }),
    week: Type.Array(
      Type.Array(
        Type.Object(
          { start: Type.String({ pattern: '^\\d\\d:\\d\\d$' }), end: Type.String({ pattern: '^\\d\\d:\\d\\d$' }) },
          { additionalProperties: false },
        ),
        { maxItems: 6 },
      ),
      { minItems: 7, maxItems: 7, description: 'Working hours per weekday, Sunday first; [] is a day off' },
    ),
    holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\d$' }), { maxItems: 1000, description: 'Local dates off' }),
  },
  { additionalProperties: false },
)

export const TeamBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    schedule: Type.Optional(Schedule),
    memberIds: Type.Optional(Type.Array(Id, { maxItems: 500, uniqueItems: true })),
  },
  { additionalProperties: false },
)
export type TeamBody = Static<typeof TeamBody>
export const TeamPatch = Type.Partial(TeamBody, { additionalProperties: false, minProperties: 1 })
export type TeamPatch = Static<typeof TeamPatch>

export const TeamView = Type.Object(
  {
    id: Id,
    name: Type.String(),
    email: Nullable(Type.String()),
    schedule: Schedule,
    isDefault: Type.Boolean(),
    memberIds: Type.Array(Id),
  },
  { $id: 'TeamView' },
)

export const PresenceBody = Type.Object(
  { status: Type.Enum(AGENT_STATUSES), capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) },
  { additionalProperties: false },
)
export const AgentView = Type.Object(
  {
    userId: Id,
    name: Nullable(Type.String()),
    status: Type.Enum(AGENT_STATUSES),
    /** Counts for automatic assignment now: online, and (with autoOffline) with the console open. */
    available: Type.Boolean(),
    capacity: Type.Integer(),
    load: Type.Integer(),
    teamIds: Type.Array(Id),
  },
  { $id: 'AgentView' },
)
export const SupportStatus = Type.Object({ online: Type.Boolean({ description: 'Some agent is available now' }) })

export const CannedBody = Type.Object(
  {
    shortcut: Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\p{L}\\p{N}_-]+$', description: 'Typed after / in the composer' }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Body(10_000),
  },
  { additionalProperties: false },
)
export type CannedBody = Static<typeof CannedBody>
export const CannedView = Type.Object(
  { id: Id, shortcut: Type.String(), title: Type.String(), body: Type.String(), updatedAt: Timestamp },
  { $id: 'CannedResponseView' },
)
export const RenderCannedBody = Type.Object({ ticketId: Id }, { additionalProperties: false })

const MacroActions = Type.Object(
  {
    status: Type.Optional(Status),
    priority: Type.Optional(Priority),
    addTags: Type.Optional(Tags),
    removeTags: Type.Optional(Tags),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const MacroBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), actions: MacroActions },
  { additionalProperties: false },
)
export type MacroBody = Static<typeof MacroBody>
export const MacroView = Type.Object({ id: Id, name: Type.String(), actions: MacroActions, updatedAt: Timestamp }, { $id: 'MacroView' })

const Minutes = Nullable(Type.Integer({ minimum: 1, maximum: 525_600 }))
const Targets = Type.Object({ firstResponse: Minutes, nextResponse: Minutes, resolution: Minutes }, { additionalProperties: false })
export const SupportSettingsView = Type.Object(
  {
    sla: Type.Object({ low: Targets, normal: Targets, high: Targets, urgent: Targets }, { additionalProperties: false }),
    slaWarnMinutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
    autoCloseHours: Type.Integer({ minimum: 0, maximum: 8_760 }),
    autoOffline: Type.Boolean(),
    csat: Type.Boolean(),
    sendgridInboundKey: Nullable(
      Type.String({
        minLength: 40,
        maxLength: 1000,
        description: "SendGrid Inbound Parse security policy's public key (PEM or base64); null turns the webhook off",
      }),
    ),
  },
  { $id: 'SupportSettings', additionalProperties: false },
)
export const SupportSettingsPatch = Type.Partial(Type.Omit(SupportSettingsView, []), { additionalProperties: false, minProperties: 1 })

const Num = Nullable(Type.Number())
const Spread = Type.Object({ median: Num, p90: Num })
const FigureFields = {
  ticketsCreated: Type.Integer(),
  ticketsSolved: Type.Integer(),
  conversationsCreated: Type.Integer({ description: 'Live chat conversations started (per agent: the assignee; per team: the site’s)' }),
  conversationsClosed: Type.Integer({ description: 'Live chat conversations closed or escalated into a ticket' }),
  firstResponseMinutes: Spread,
  resolutionMinutes: Spread,
  slaBreachRate: Nullable(Type.Number({ description: '0..1 of the tickets with an SLA deadline' })),
  csatAverage: Num,
  csatResponses: Type.Integer(),
  csatRequested: Type.Integer(),
  csatResponseRate: Num,
  activeTickets: Type.Integer({ description: 'Open, pending or on hold now (workload)' }),
}
export const AnalyticsQuery = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    groupBy: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('agent'), Type.Literal('team'), Type.Literal('channel')])),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone for day buckets; Asia/Tehran by default' })),
  },
  { additionalProperties: false },
)
export const AnalyticsView = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    groupBy: Type.Union([Type.Literal('day'), Type.Literal('agent'), Type.Literal('team'), Type.Literal('channel')]),
    timezone: Type.String(),
    totals: Type.Object(FigureFields),
    groups: Type.Array(Type.Object({ key: Type.String(), label: Nullable(Type.String()), ...FigureFields })),
  },
  { $id: 'SupportAnalytics' },
)

export const supportSchemas = [
  AnalyticsView,
  TicketView,
  TicketEventView,
  TicketDetail,
  TeamView,
  AgentView,
  CannedView,
  MacroView,
  SupportSettingsView,
  ...widgetSchemas,
]
export const supportTags = [
  { name: 'support', description: 'Tickets, teams, agents, SLA, canned responses, macros and CSAT' },
  { name: 'support-widget', description: 'The live chat widget: sites, visitors, their conversations, the offline form' },
]
