import { Type, type TLiteral, type TUnion } from 'typebox'
import { Id, Locale, Nullable, PageQuery, RefTo } from '../../core/http/schemas'

export { RefTo }
import { UserRefSchema, UserRefUpsertSchema } from '../accounts'
import { CATEGORIES, CHANNELS, DELIVERY_STATUSES, GUARANTEES, RUN_STATUSES } from './tables'

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> }
/** A union of string literals typed as the union of those strings (a mapped array would type as never). */
const literalUnion = <const T extends readonly string[]>(values: T, options = {}): TUnion<Literals<T>> =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<Literals<T>>

export const Channel = literalUnion(CHANNELS, { description: 'in_app, email, sms or push' })
export const CategorySchema = literalUnion(CATEGORIES)
const GuaranteeSchema = literalUnion(GUARANTEES)
const GUARANTEES_HELP =
  'What happens to a send whose outcome is unknown (the worker stopped during the provider call): `at_least_once` sends it again (an e-mail with the same Message-ID, so mail clients show one), `at_most_once` records it failed. Defaults: e-mail at_least_once, SMS at_most_once (a repeated SMS costs and shows twice).'
const Guarantees = Type.Object(
  { email: GuaranteeSchema, sms: GuaranteeSchema },
  { additionalProperties: false, description: GUARANTEES_HELP },
)
const GuaranteesPatch = Type.Object(
  { email: Type.Optional(GuaranteeSchema), sms: Type.Optional(GuaranteeSchema) },
  { additionalProperties: false, minProperties: 1, description: GUARANTEES_HELP },
)
export const DeliveryStatusSchema = literalUnion(DELIVERY_STATUSES)
export const TypeKey = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', maxLength: 100, description: 'e.g. order.paid' })
export const TopicKey = Type.String({ pattern: '^[a-z0-9][a-z0-9_.:-]{0,99}$' })

export const SendBody = Type.Object(
  {
    type: TypeKey,
    to: Type.Union(
      [
        UserRefUpsertSchema,
        Type.Array(UserRefUpsertSchema, { minItems: 1, maxItems: 10_000 }),
        Type.Object({ topic: TopicKey }, { additionalProperties: false }),
      ],
      {
        description:
          'A user, up to 10,000 users, or { topic }. A user is a Caravan id or { externalId } (with email, phone, name, locale, timezone or attributes, the user is created or updated first)',
      },
    ),
    data: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { description: 'Template variables' })),
    channels: Type.Optional(Type.Array(Channel, { minItems: 1, uniqueItems: true })),
    sendAt: Type.Optional(Type.String({ format: 'date-time' })),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The same key never sends twice' })),
    cancelKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          'Your handle for calling this off later (DELETE /v1/notifications/runs?cancelKey=), e.g. "order:123": waiting workflow steps and a sendAt not reached yet are cancelled',
      }),
    ),
  },
  { additionalProperties: false },
)
export const SendAccepted = Type.Object({
  id: Type.String(),
  duplicate: Type.Boolean({ description: 'True when this idempotencyKey was already used: nothing new is sent' }),
})

export const Attempt = Type.Object({
  providerId: Type.String(),
  outcome: Type.String(),
  error: Nullable(Type.String()),
  createdAt: Type.String(),
})
export const Delivery = Type.Object(
  {
    id: Type.String(),
    notificationId: Type.String(),
    userId: Type.String(),
    type: Type.String(),
    channel: Channel,
    target: Type.String({ description: 'Device id for push' }),
    runId: Nullable(Type.String({ description: 'The workflow run that made it' })),
    step: Type.Integer({ description: "The workflow's channel step (0 without a workflow)" }),
    status: DeliveryStatusSchema,
    reason: Nullable(Type.String()),
    providerId: Nullable(Type.String()),
    providerMessageId: Nullable(Type.String()),
    templateVersion: Nullable(
      Type.Integer({
        description: "The type's template version it was rendered with (null: a workflow step's own message, or not rendered yet)",
      }),
    ),
    attempts: Type.Integer(),
    meta: Type.Unknown(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Delivery' },
)
export const DeliveryQuery = Type.Object(
  {
    ...PageQuery,
    userId: Type.Optional(Id),
    type: Type.Optional(TypeKey),
    channel: Type.Optional(Channel),
    status: Type.Optional(DeliveryStatusSchema),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)

export const NotificationType = Type.Object(
  {
    key: Type.String(),
    name: Type.String(),
    category: CategorySchema,
    critical: Type.Boolean(),
    channels: Type.Array(Channel),
    guarantees: Guarantees,
    system: Type.Boolean(),
    updatedAt: Type.String(),
  },
  { $id: 'NotificationType' },
)
export const CreateTypeBody = Type.Object(
  {
    key: TypeKey,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: CategorySchema,
    critical: Type.Optional(Type.Boolean({ description: 'Security alerts and receipts: ignores opt-outs and quiet hours' })),
    channels: Type.Array(Channel, { minItems: 1, uniqueItems: true }),
    guarantees: Type.Optional(GuaranteesPatch),
  },
  { additionalProperties: false },
)
export const UpdateTypeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    category: Type.Optional(CategorySchema),
    critical: Type.Optional(Type.Boolean()),
    channels: Type.Optional(Type.Array(Channel, { minItems: 1, uniqueItems: true })),
    guarantees: Type.Optional(GuaranteesPatch),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const TemplateContent = Type.Record(
  Type.String({ maxLength: 50 }),
  Type.Union([Type.String({ maxLength: 200_000 }), Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 4000 }))]),
  {
    description: 'email: subject, html, text · sms: text · push: title, body, data? · in_app: title, body, actionUrl?',
  },
)
export const Template = Type.Object(
  {
    id: Type.String(),
    channel: Channel,
    locale: Locale,
    version: Type.Integer(),
    content: Type.Unknown(),
    createdBy: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { $id: 'NotificationTemplate' },
)
export const TypeDetail = Type.Object({
  type: RefTo(NotificationType),
  templates: Type.Array(RefTo(Template), { description: 'The newest version per channel and locale' }),
})
export const TemplateParams = Type.Object({ key: TypeKey, channel: Channel, locale: Locale })
export const TemplateVersionsQuery = Type.Object(
  { channel: Type.Optional(Channel), locale: Type.Optional(Locale) },
  { additionalProperties: false },
)
export const PreviewBody = Type.Object(
  {
    channel: Channel,
    locale: Locale,
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    content: Type.Optional(TemplateContent),
    data: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
  },
  { additionalProperties: false },
)
export const PreviewResult = Type.Object({ channel: Channel, locale: Locale, version: Nullable(Type.Integer()), rendered: Type.Unknown() })

export const Preferences = Type.Object(
  {
    channels: Type.Object(
      { in_app: Type.Boolean(), email: Type.Boolean(), sms: Type.Boolean(), push: Type.Boolean() },
      { additionalProperties: false },
    ),
    categories: Type.Partial(
      Type.Record(
        CategorySchema,
        Type.Partial(
          Type.Object(
            { in_app: Type.Boolean(), email: Type.Boolean(), sms: Type.Boolean(), push: Type.Boolean() },
            { additionalProperties: false },
          ),
        ),
        { additionalProperties: false },
      ),
    ),
    quietHours: Nullable(
      Type.Object(
        {
          start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
          end: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'NotificationPreferences' },
)
export const PreferencesView = Type.Object({
  preferences: RefTo(Preferences),
  timezone: Type.String({ description: "Quiet hours are in this zone (the profile's)" }),
  criticalCategories: Type.Array(Type.String(), {
    description: 'Categories whose every type is critical (security alerts, receipts): always sent, whatever the preferences say',
  }),
})

export const InboxItem = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    category: Type.String(),
    title: Type.String(),
    body: Type.String(),
    actionUrl: Nullable(Type.String()),
    read: Type.Boolean(),
    archived: Type.Boolean(),
    createdAt: Type.String(),
  },
  { $id: 'InboxItem' },
)
export const InboxQuery = Type.Object(
  { ...PageQuery, unread: Type.Optional(Type.Boolean()), archived: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)

export const ProviderView = Type.Object(
  {
    id: Type.String(),
    channel: Type.String(),
    provider: Type.String(),
    priority: Type.Integer(),
    enabled: Type.Boolean(),
    maxPerSecond: Nullable(Type.Integer()),
    config: Type.Record(Type.String(), Type.Unknown(), { description: 'Secret fields show as •••••• or null' }),
    state: Type.String({ description: 'Circuit breaker on this node' }),
    source: Type.Union([Type.Literal('admin'), Type.Literal('env')], { description: 'env = NOTIFY_PROVIDERS, read-only here' }),
    updatedAt: Type.String(),
  },
  { $id: 'NotificationProvider' },
)
export const ProvidersOverview = Type.Object({
  items: Type.Array(RefTo(ProviderView)),
  available: Type.Array(Type.Object({ provider: Type.String(), channel: Type.String(), secretFields: Type.Array(Type.String()) })),
})
export const CreateProviderBody = Type.Object(
  {
    provider: Type.String({ description: 'smtp, sendgrid, twilio, kavenegar, fcm, apns, webpush, dev-outbox' }),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    enabled: Type.Optional(Type.Boolean()),
    maxPerSecond: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
    config: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
)
export const UpdateProviderBody = Type.Object(
  {
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    enabled: Type.Optional(Type.Boolean()),
    maxPerSecond: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, minProperties: 1 },
)

const Limits = Type.Partial(
  Type.Object(
    {
      in_app: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      email: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      sms: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
      push: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    },
    { additionalProperties: false },
  ),
)
const Formats = Type.Object(
  {
    irr: Type.Union([Type.Literal('toman'), Type.Literal('rial')], {
      description: 'How `{{ amount | money: "IRR" }}` reads: "۹۹٬۰۰۰ تومان" (toman, the default) or "۹۹۰٬۰۰۰ ریال" (rial)',
    }),
  },
  { additionalProperties: false },
)
export const SettingsView = Type.Object({ rateLimits: Type.Unknown(), contentRules: Type.Unknown(), formats: Formats })
export const SettingsBody = Type.Object(
  {
    rateLimits: Type.Optional(
      Type.Partial(Type.Record(Type.Union([CategorySchema, Type.Literal('*')]), Limits), {
        additionalProperties: false,
        description: 'Max messages per user per hour, by category ("*" = any) and channel',
      }),
    ),
    contentRules: Type.Optional(
      Type.Object(
        {
          blockedWords: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 5000 }),
          links: Type.Union([
            Type.Literal('allow'),
            Type.Literal('block'),
            Type.Object({ allowDomains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 1000 }) }),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
    formats: Type.Optional(Formats),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const TopicVisibility = Type.Union([Type.Literal('public'), Type.Literal('private')], {
  description: 'public: users may follow it themselves; private (the default): only the host (API key) or an admin subscribes users',
})
export const Topic = Type.Object({ key: Type.String(), name: Type.String(), visibility: TopicVisibility, subscribers: Type.Integer() })
export const CreateTopicBody = Type.Object(
  { key: TopicKey, name: Type.String({ minLength: 1, maxLength: 200 }), visibility: Type.Optional(TopicVisibility) },
  { additionalProperties: false },
)
export const UpdateTopicBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), visibility: Type.Optional(TopicVisibility) },
  { additionalProperties: false, minProperties: 1 },
)
/** A topic I am subscribed to; a private one was the host's doing, and only the host can take me out of it. */
export const MyTopic = Type.Object({ key: Type.String(), name: Type.String(), visibility: TopicVisibility })
export const AvailableTopic = Type.Object({ key: Type.String(), name: Type.String(), following: Type.Boolean() })
export const TopicUsersBody = Type.Object(
  { users: Type.Array(UserRefSchema, { minItems: 1, maxItems: 10_000, description: 'Caravan ids or { externalId }' }) },
  { additionalProperties: false },
)

export const OutboxQuery = Type.Object(
  { ...PageQuery, channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')])) },
  { additionalProperties: false },
)
export const OutboxItem = Type.Object({
  id: Type.String(),
  deliveryId: Type.String(),
  channel: Type.String(),
  recipient: Type.String(),
  payload: Type.Unknown(),
  createdAt: Type.String(),
})

export const notificationTags = [
  { name: 'notifications', description: 'Notification types, templates, sending, inbox, preferences, topics, providers' },
  { name: 'webhooks', description: 'Callbacks from external providers (signed)' },
]

// ---- workflows ----
const SECONDS_PER_DAY = 86_400
const DataPath = Type.String({
  pattern: '^data(\\.[A-Za-z0-9_]{1,64}){1,5}$',
  maxLength: 300,
  description: "A field of the trigger's data, e.g. data.conversationId",
})
const Condition = Type.Union(
  [
    Type.Object(
      { check: Type.Literal('in_app_unread') },
      { additionalProperties: false, description: "No in-app item of this run was read yet (or there is none: the user didn't see it)" },
    ),
    Type.Object(
      { check: Type.Literal('in_app_unseen') },
      { additionalProperties: false, description: 'No in-app item of this run was listed to the user yet (the inbox not opened since)' },
    ),
    Type.Object(
      { check: Type.Literal('phone_verified') },
      {
        additionalProperties: false,
        description: 'The user has a phone number the host product gave (host-supplied numbers count as verified)',
      },
    ),
    Type.Object(
      {
        check: Type.Literal('data'),
        path: DataPath,
        op: literalUnion(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists'] as const),
        // Checked in workflow-rules.ts: a union here would be coerced (1000 would arrive as "1000").
        value: Type.Optional(Type.Unknown({ description: 'A string (up to 500 characters), number, boolean or null' })),
      },
      { additionalProperties: false, description: 'A comparison on the trigger data (numbers compare as numbers, the rest as text)' },
    ),
  ],
  { description: 'A condition on a step' },
)
const StepContent = Type.Object(
  { en: Type.Optional(TemplateContent), fa: Type.Optional(TemplateContent) },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      "This step's own message per locale, with the channel's template fields (e.g. a second, firmer e-mail), versioned with the workflow: a recipient gets their locale's, else en's, else the other one; without content the type's template is used",
  },
)
const If = Type.Optional(Type.Array(Condition, { maxItems: 10, description: 'Every condition must hold, or the step is skipped' }))
export const WorkflowStep = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal('channel'), channel: Channel, content: Type.Optional(StepContent), if: If },
      {
        additionalProperties: false,
        description: "Send on one channel with the type's template for it, or with the step's own message (content)",
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('delay'),
        seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 * SECONDS_PER_DAY })),
        until: Type.Optional(DataPath),
        offsetSeconds: Type.Optional(Type.Integer({ minimum: -366 * SECONDS_PER_DAY, maximum: 366 * SECONDS_PER_DAY })),
        if: If,
      },
      {
        additionalProperties: false,
        description: 'Wait a fixed time (seconds), or until a time in the data (until) moved by offsetSeconds (e.g. -3600: an hour before)',
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('digest'),
        key: Type.Optional(DataPath),
        windowSeconds: Type.Integer({ minimum: 1, maximum: 7 * SECONDS_PER_DAY }),
        maxEvents: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000 })),
        if: If,
      },
      {
        additionalProperties: false,
        description:
          'Collect every notification of this type for the recipient with the same key over the window (or until maxEvents), then go on once: templates see events and count',
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('throttle'),
        limit: Type.Integer({ minimum: 1, maximum: 10_000 }),
        windowSeconds: Type.Integer({ minimum: 1, maximum: 30 * SECONDS_PER_DAY }),
        key: Type.Optional(DataPath),
        if: If,
      },
      {
        additionalProperties: false,
        description: 'Let at most limit runs per recipient (and key) through in the window; the rest stop, recorded',
      },
    ),
  ],
  { $id: 'WorkflowStep' },
)
export const WorkflowSteps = Type.Array(RefTo(WorkflowStep), { maxItems: 20, description: 'In order; [] removes the workflow' })
export const Workflow = Type.Object(
  {
    type: Type.String(),
    version: Type.Integer({ description: '0: the type never had a workflow' }),
    steps: WorkflowSteps,
    createdBy: Nullable(Type.String()),
    createdAt: Nullable(Type.String()),
  },
  { $id: 'NotificationWorkflow' },
)
export const SaveWorkflowBody = Type.Object({ steps: WorkflowSteps }, { additionalProperties: false })
export const WorkflowPreviewBody = Type.Object(
  {
    steps: Type.Optional(WorkflowSteps),
    locale: Locale,
    data: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
    assume: Type.Optional(
      Type.Object(
        {
          inAppRead: Type.Optional(Type.Boolean()),
          inAppSeen: Type.Optional(Type.Boolean()),
          phoneVerified: Type.Optional(Type.Boolean()),
          events: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'How many notifications a digest collects' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
const STEP_CODES =
  'Why, stable for clients: in_app_read, in_app_seen, no_verified_phone, data_condition (a skipped step), channel_unused, channel_not_asked, no_time (a delay without its time)'
export const WorkflowPreview = Type.Object({
  steps: Type.Array(
    Type.Object({
      index: Type.Integer(),
      kind: Type.String(),
      outcome: literalUnion(['send', 'skip', 'wait', 'digest', 'pass', 'stop'] as const),
      atSeconds: Nullable(Type.Integer({ description: 'When it happens, in seconds after the trigger (null: not known in advance)' })),
      code: Type.Optional(Type.String({ description: STEP_CODES })),
      until: Type.Optional(Type.String({ description: "A delay's end" })),
      count: Type.Optional(Type.Integer({ description: "A digest's notifications" })),
      detail: Type.String({ description: 'For people, in English' }),
      rendered: Type.Optional(Type.Unknown()),
    }),
  ),
})
const RunLogEntry = Type.Object({
  step: Nullable(Type.Integer()),
  kind: Type.String(),
  outcome: Type.String(),
  code: Type.Optional(Type.String({ description: STEP_CODES })),
  until: Type.Optional(Type.String({ description: "A wait's end (delay, digest window)" })),
  count: Type.Optional(Type.Integer({ description: "A digest's notifications so far (digested) or in all (done)" })),
  detail: Type.Optional(Type.String({ description: 'For people, in English' })),
  at: Type.String(),
})
export const RunStatusSchema = literalUnion(RUN_STATUSES)
export const Run = Type.Object(
  {
    id: Type.String(),
    notificationId: Type.String(),
    userId: Type.String(),
    type: Type.String(),
    status: RunStatusSchema,
    nextStep: Nullable(
      Type.Object({ index: Type.Integer(), kind: Type.String() }, { description: 'What it does next; null once it ended' }),
    ),
    wakeAt: Nullable(Type.String({ description: 'When a waiting run (delay, digest window) goes on' })),
    eventCount: Nullable(Type.Integer({ description: 'After a digest: how many notifications it collected' })),
    log: Type.Array(RunLogEntry),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'NotificationRun' },
)
export const RunQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(RunStatusSchema),
    userId: Type.Optional(Id),
    type: Type.Optional(TypeKey),
  },
  { additionalProperties: false },
)
export const CancelRunsQuery = Type.Object(
  {
    cancelKey: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    idempotencyKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: "The trigger's idempotencyKey (your own triggers only)" }),
    ),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
)
export const CancelRunsResult = Type.Object({
  runs: Type.Integer({ description: 'Workflow runs called off' }),
  notifications: Type.Integer({ description: 'Notifications called off before their sendAt' }),
  deliveries: Type.Integer({ description: 'Deliveries called off while waiting for quiet hours to end' }),
})

export const NotificationDetail = Type.Object({
  id: Type.String(),
  type: Type.String(),
  audience: Type.Unknown(),
  status: Type.String(),
  recipientCount: Nullable(Type.Integer()),
  sendAt: Nullable(Type.String()),
  createdAt: Type.String(),
  deliveries: Type.Array(Type.Intersect([RefTo(Delivery), Type.Object({ attemptLog: Type.Array(Attempt) })])),
  runs: Type.Array(RefTo(Run), { description: "The workflow's runs, one per recipient (empty without a workflow)" }),
})

export const notificationSchemas = [Delivery, NotificationType, Template, Preferences, InboxItem, ProviderView, WorkflowStep, Workflow, Run]
