// Request and response schemas of the chat API (validation, types and the OpenAPI document).
import { Type, type Static } from 'typebox'
import { Id, Nullable, PageQuery, RefTo, Timestamp } from '../../core/http/schemas'
import { UserRefSchema } from '../accounts'
import { FileView } from '../files'

export { RefTo }

export const MAX_TEXT = 10_000
export const MAX_GROUP_MEMBERS = 500

const ConversationKind = Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('support')])
const MemberRole = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')])
const GroupName = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' })
export const Emoji = Type.String({ minLength: 1, maxLength: 32, description: 'One emoji (or a short code), as the client shows it' })

export const Member = Type.Object(
  {
    userId: Id,
    externalId: Nullable(Type.String()),
    name: Nullable(Type.String()),
    role: MemberRole,
    lastReadSeq: Type.Integer(),
    lastDeliveredSeq: Type.Integer(),
    online: Type.Boolean(),
    lastSeenAt: Nullable(Timestamp),
  },
  { $id: 'ChatMember' },
)

export const SystemEvent = Type.Object({
  event: Type.Union([
    Type.Literal('created'),
    Type.Literal('joined'),
    Type.Literal('left'),
    Type.Literal('removed'),
    Type.Literal('renamed'),
  ]),
  actorId: Nullable(Id),
  userIds: Type.Optional(Type.Array(Id)),
  name: Type.Optional(Type.String()),
  people: Type.Optional(
    Type.Array(Type.Object({ userId: Id, name: Nullable(Type.String()), externalId: Nullable(Type.String()) }), {
      description: 'The actor and the users the event names, as they are named now (also those who have left since)',
    }),
  ),
})

export const Reaction = Type.Object({ emoji: Type.String(), count: Type.Integer(), userIds: Type.Array(Id) })

export const Message = Type.Object(
  {
    id: Id,
    conversationId: Id,
    seq: Type.Integer({ description: 'Per conversation: 1, 2, 3… with no gaps' }),
    senderId: Nullable(Id),
    clientMessageId: Nullable(Type.String()),
    kind: Type.Union([Type.Literal('text'), Type.Literal('system')]),
    text: Nullable(Type.String({ description: 'null once deleted (a tombstone)' })),
    system: Nullable(SystemEvent),
    replyTo: Nullable(
      Type.Object({
        id: Id,
        seq: Type.Integer(),
        senderId: Nullable(Id),
        text: Nullable(Type.String({ description: 'The first 200 characters' })),
      }),
    ),
    attachments: Type.Array(RefTo(FileView)),
    reactions: Type.Array(Reaction),
    flagged: Type.Boolean({ description: 'The content filter flagged it (moderation mode "flag")' }),
    editedAt: Nullable(Timestamp),
    deletedAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'ChatMessage' },
)
export type MessageView = Static<typeof Message>

export const Conversation = Type.Object(
  {
    id: Id,
    kind: ConversationKind,
    name: Nullable(Type.String()),
    members: Type.Array(RefTo(Member)),
    lastSeq: Type.Integer(),
    lastMessage: Nullable(RefTo(Message)),
    unreadCount: Type.Integer(),
    myRole: MemberRole,
    blocked: Type.Boolean({ description: 'Direct only: one of the two has blocked the other' }),
    lastMessageAt: Timestamp,
    createdAt: Timestamp,
  },
  { $id: 'ChatConversation' },
)
export type ConversationView = Static<typeof Conversation>

export const CreateConversationBody = Type.Object(
  {
    type: Type.Union([Type.Literal('direct'), Type.Literal('group')]),
    memberIds: Type.Array(UserRefSchema, {
      minItems: 1,
      maxItems: MAX_GROUP_MEMBERS,
      description: 'The others (you are added yourself); direct: exactly one',
    }),
    name: Type.Optional(GroupName),
  },
  { additionalProperties: false },
)

export const ConversationQuery = Type.Object({ ...PageQuery })

export const RenameBody = Type.Object({ name: GroupName }, { additionalProperties: false })
export const MembersBody = Type.Object(
  { memberIds: Type.Array(UserRefSchema, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
)
export const MemberRoleBody = Type.Object(
  { role: Type.Union([Type.Literal('admin'), Type.Literal('member')]) },
  { additionalProperties: false },
)

export const SendBody = Type.Object(
  {
    clientMessageId: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[\\w.:-]+$',
      description: 'Chosen by the client (a UUID is fine); sending it again returns the same message',
    }),
    text: Type.String({ maxLength: MAX_TEXT, default: '' }),
    replyTo: Type.Optional(Id),
    attachmentIds: Type.Optional(Type.Array(Id, { maxItems: 10, uniqueItems: true })),
  },
  { additionalProperties: false },
)
export type SendInput = Static<typeof SendBody>

export const EditBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: MAX_TEXT }) }, { additionalProperties: false })
export const ReactBody = Type.Object({ emoji: Emoji }, { additionalProperties: false })
export const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }) }, { additionalProperties: false })
export const ReportBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })

const Seq = Type.Integer({ minimum: 0, maximum: 2_147_483_647 })
export const MessagesQuery = Type.Object({
  after: Type.Optional({ ...Seq, description: 'Resync: the messages after this seq, oldest first' }),
  before: Type.Optional({ ...Seq, description: 'History: the messages before this seq, newest first' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
})
export const MessagesPage = Type.Object({
  items: Type.Array(RefTo(Message)),
  lastSeq: Type.Integer({ description: "The conversation's newest seq when read" }),
  hasMore: Type.Boolean({ description: 'More messages lie further in the direction asked' }),
})

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200 }),
  conversationId: Type.Optional(Id),
  ...PageQuery,
})
export const SearchHit = Type.Object({ message: RefTo(Message), conversationName: Nullable(Type.String()) })

export const MessageEdit = Type.Object({ text: Type.String(), editedAt: Timestamp })

export const BlockView = Type.Object({ userId: Id, createdAt: Timestamp })

export const Report = Type.Object({
  id: Id,
  messageId: Id,
  conversationId: Id,
  reporterId: Id,
  reason: Type.String(),
  message: Nullable(RefTo(Message)),
  resolvedAt: Nullable(Timestamp),
  createdAt: Timestamp,
})
export const ReportQuery = Type.Object({ open: Type.Optional(Type.Boolean({ default: true })), ...PageQuery })

export const ModerationMode = Type.Union([Type.Literal('off'), Type.Literal('flag'), Type.Literal('mask'), Type.Literal('block')])
export const ChatSettings = Type.Object({
  moderation: ModerationMode,
  retentionDays: Nullable(Type.Integer({ minimum: 1, maximum: 36_500 })),
  floodPerMinute: Type.Integer({ minimum: 1, maximum: 100_000 }),
})
export type ChatSettingsView = Static<typeof ChatSettings>
export const ChatSettingsPatch = Type.Partial(ChatSettings, { additionalProperties: false })

export const chatSchemas = [Member, Message, Conversation]
