// Schemas of the live chat widget's API: sites (admins), the visitor's calls, the desk's conversation list.
import { Type, type Static } from 'typebox'
import { Id, Nullable, RefTo, Timestamp } from '../../core/http/schemas'
import { ChatMessageSchema } from '../chat'
import { CONVERSATION_STATUSES, WIDGET_LOCALES } from './tables'

const Locale = Type.Enum(WIDGET_LOCALES)
const Origins = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
  minItems: 1,
  maxItems: 50,
  description: 'Exact origins (scheme://host[:port]) whose pages may use the site token',
})

export const SiteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    allowedOrigins: Origins,
    requireIdentity: Type.Optional(Type.Boolean({ description: 'Refuse every widget call without a valid identity signature' })),
    teamId: Type.Optional(Nullable(Id)),
    locale: Type.Optional(Locale),
  },
  { additionalProperties: false },
)
export const SitePatch = Type.Partial(SiteBody, { additionalProperties: false, minProperties: 1 })

export const SiteView = Type.Object(
  {
    id: Id,
    token: Type.String({ description: 'Public: goes into the embed snippet' }),
    name: Type.String(),
    allowedOrigins: Type.Array(Type.String()),
    requireIdentity: Type.Boolean(),
    teamId: Nullable(Id),
    locale: Locale,
    snippet: Type.String({ description: 'The <script> tag to paste into the site' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'SupportSite' },
)
export const SiteSecret = Type.Object({
  identitySecret: Type.String({ description: 'Shown once: hosts sign their users’ externalIds with it (hex HMAC-SHA256)' }),
})
export const SiteCreated = Type.Object({ site: RefTo(SiteView), ...SiteSecret.properties })

export const ConfigQuery = Type.Object({
  site: Type.String({ maxLength: 100, description: 'The site token from the embed snippet (data-site)' }),
})
export const WidgetConfig = Type.Object({
  name: Type.String(),
  locale: Locale,
  online: Type.Boolean({ description: "An agent of the site's team can answer now" }),
  requireIdentity: Type.Boolean(),
})

const VisitorName = Type.String({ maxLength: 100 })
export const SessionBody = Type.Object(
  {
    visitorToken: Type.Optional(Type.String({ maxLength: 2000, description: 'The token of an earlier visit, to resume it' })),
    name: Type.Optional(VisitorName),
  },
  { additionalProperties: false },
)
export const WidgetSession = Type.Object({
  visitorToken: Type.String({ description: 'Kept by the browser; sent as `Authorization: Widget <visitorToken>`' }),
  visitor: Type.Object({ id: Id, name: Nullable(Type.String()), identified: Type.Boolean() }),
})

const ClientMessageId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\w.:-]+$' })
export const StartBody = Type.Object(
  {
    text: Type.String({ maxLength: 4000, default: '' }),
    clientMessageId: ClientMessageId,
    name: Type.Optional(VisitorName),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    attachmentIds: Type.Optional(Type.Array(Id, { maxItems: 10, uniqueItems: true })),
  },
  { additionalProperties: false },
)
export type StartBody = Static<typeof StartBody>

export const VisitorConversation = Type.Object(
  {
    id: Id,
    status: Type.Enum(CONVERSATION_STATUSES),
    lastMessage: Nullable(RefTo(ChatMessageSchema)),
    unreadCount: Type.Integer(),
    lastSeq: Type.Integer(),
    lastMessageAt: Timestamp,
    createdAt: Timestamp,
  },
  { $id: 'WidgetConversation' },
)
export const Started = Type.Object({ conversation: RefTo(VisitorConversation), created: Type.Boolean() })

export const OfflineBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Type.Optional(VisitorName),
    subject: Type.Optional(Type.String({ maxLength: 200 })),
    text: Type.String({ minLength: 1, maxLength: 20_000, pattern: '\\S' }),
  },
  { additionalProperties: false },
)
export const OfflineCreated = Type.Object({ ticketId: Id, number: Type.Integer() })

export const DeskConversation = Type.Object(
  {
    id: Id,
    siteId: Id,
    siteName: Nullable(Type.String()),
    visitor: Type.Object({ id: Id, name: Nullable(Type.String()), email: Nullable(Type.String()), identified: Type.Boolean() }),
    teamId: Id,
    assigneeId: Nullable(Id),
    status: Type.Enum(CONVERSATION_STATUSES),
    ticketId: Nullable(Id),
    createdAt: Timestamp,
    lastMessageAt: Timestamp,
  },
  { $id: 'SupportConversation' },
)
export const DeskConversationQuery = Type.Object({
  status: Type.Optional(Type.Enum(CONVERSATION_STATUSES)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
})
export const EscalateBody = Type.Object({ subject: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false })

export const widgetSchemas = [SiteView, VisitorConversation, DeskConversation]
