// Request and response schemas of the payments API (validation, types and the OpenAPI document).
// Amounts are strings of digits in minor units, always.
import { Type, type Static } from 'typebox'
import { CurrencyCode, MinorUnits, PositiveMinorUnits } from '../../core/money/currency'
import { Id, Nullable, PageQuery, RefTo, Timestamp } from '../../core/http/schemas'
import { UserRefUpsertSchema } from '../accounts'
import { GATEWAY_NAMES } from './gateways/types'
import { ATTEMPT_STATUSES, PAYMENT_STATUSES, PURPOSE_TYPES, REFUND_REASONS, REFUND_STATUSES } from './tables'

const GatewayName = Type.Enum(GATEWAY_NAMES)
const PaymentStatus = Type.Enum(PAYMENT_STATUSES)
const PurposeType = Type.Enum(PURPOSE_TYPES)
const PositiveAmount = PositiveMinorUnits
const HttpUrl = Type.String({ pattern: '^https?://', maxLength: 2048, format: 'uri' })
const Metadata = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }), {
  maxProperties: 20,
  description: 'Up to 20 keys of your own, strings only; returned as given',
})

export const CreatePaymentBody = Type.Object(
  {
    amount: PositiveAmount,
    currency: CurrencyCode,
    purpose: Type.Object(
      {
        type: PurposeType,
        ref: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Your order id, for example' })),
      },
      { additionalProperties: false },
    ),
    customerId: Type.Optional(UserRefUpsertSchema),
    returnUrl: HttpUrl,
    gateway: Type.Optional(GatewayName),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2}$', description: "The customer's country (ISO 3166-1 alpha-2), for routing" }),
    ),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
)
export type CreatePaymentBody = Static<typeof CreatePaymentBody>

export const PaymentView = Type.Object(
  {
    id: Id,
    status: PaymentStatus,
    amount: MinorUnits,
    currency: CurrencyCode,
    purpose: Type.Object({ type: PurposeType, ref: Nullable(Type.String()) }),
    customerId: Id,
    description: Nullable(Type.String()),
    gateway: Nullable(GatewayName),
    nextAction: Nullable(Type.Object({ type: Type.Literal('redirect'), url: Type.String() })),
    returnUrl: Type.String(),
    metadata: Type.Record(Type.String(), Type.String()),
    capturedAmount: MinorUnits,
    refundedAmount: MinorUnits,
    heldReason: Nullable(Type.String({ description: 'Set when the gateway reported another amount or currency: an admin must look' })),
    expiresAt: Timestamp,
    settledAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Payment' },
)
export type PaymentView = Static<typeof PaymentView>

export const AttemptView = Type.Object(
  {
    id: Id,
    gateway: GatewayName,
    status: Type.Enum(ATTEMPT_STATUSES),
    reference: Nullable(Type.String()),
    error: Nullable(Type.String()),
    receipt: Nullable(Type.Record(Type.String(), Type.String())),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PaymentAttempt' },
)

export const RefundView = Type.Object(
  {
    id: Id,
    paymentId: Id,
    amount: MinorUnits,
    currency: CurrencyCode,
    status: Type.Enum(REFUND_STATUSES),
    reason: Type.String(),
    destination: Type.Union([Type.Literal('original'), Type.Literal('wallet')]),
    gatewayRefundId: Nullable(Type.String()),
    error: Nullable(Type.String()),
    approvedBy: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Refund' },
)
export type RefundView = Static<typeof RefundView>

export const PaymentDetail = Type.Object(
  {
    payment: PaymentView,
    attempts: Type.Array(AttemptView, { description: 'Every try at a gateway, oldest first: the route the payment took' }),
    refunds: Type.Array(RefundView),
  },
  { $id: 'PaymentDetail' },
)

export const SwitchGatewayBody = Type.Object(
  { gateway: GatewayName },
  { additionalProperties: false, description: 'The enabled gateway to pay at instead (the wallet, for one)' },
)
export type SwitchGatewayBody = Static<typeof SwitchGatewayBody>

export const PaymentQuery = Type.Object(
  {
    ...PageQuery,
    customerId: Type.Optional(Id),
    status: Type.Optional(PaymentStatus),
    gateway: Type.Optional(GatewayName),
    purposeType: Type.Optional(PurposeType),
    purposeRef: Type.Optional(Type.String({ maxLength: 200 })),
    held: Type.Optional(Type.Boolean()),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
)
export type PaymentQuery = Static<typeof PaymentQuery>

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(PositiveAmount),
    reason: Type.Enum(REFUND_REASONS),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    destination: Type.Optional(
      Type.Union([Type.Literal('original'), Type.Literal('wallet')], {
        description: "original (default): back through the gateway; wallet: credited to the customer's wallet at once, no gateway call",
      }),
    ),
  },
  { additionalProperties: false },
)
export type RefundBody = Static<typeof RefundBody>

export const GatewayParams = Type.Object({ name: GatewayName })
export const GatewaySettingsBody = Type.Object(
  {
    enabled: Type.Boolean(),
    config: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
      maxProperties: 30,
      description: 'The gateway\'s settings; secrets sent back as "••••••" keep their stored value',
    }),
  },
  { additionalProperties: false },
)
export const GatewayView = Type.Object(
  {
    name: GatewayName,
    enabled: Type.Boolean(),
    source: Type.Union([Type.Literal('stored'), Type.Literal('default')]),
    config: Type.Record(Type.String(), Type.Unknown()),
    fields: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: Type.Union([Type.Literal('text'), Type.Literal('secret'), Type.Literal('number'), Type.Literal('select')]),
        required: Type.Boolean(),
        options: Type.Optional(Type.Array(Type.String())),
        description: Type.Optional(Type.String()),
      }),
      { description: 'The settings the gateway takes, as a form' },
    ),
    currencies: Type.Array(Type.String()),
    state: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]),
    updatedAt: Nullable(Timestamp),
  },
  { $id: 'PaymentGateway' },
)

export const RoutingRule = Type.Object(
  {
    currencies: Type.Optional(Type.Array(CurrencyCode, { minItems: 1, maxItems: 10 })),
    minAmount: Type.Optional(MinorUnits),
    maxAmount: Type.Optional(MinorUnits),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1, maxItems: 250 })),
    gateways: Type.Array(GatewayName, { minItems: 1, maxItems: 4 }),
  },
  { additionalProperties: false },
)

export const RefundQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.Enum(REFUND_STATUSES)),
    paymentId: Type.Optional(Id),
  },
  { additionalProperties: false },
)
export type RefundQuery = Static<typeof RefundQuery>

const RefundPolicy = Type.Object(
  {
    reasons: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 10 })),
    currency: Type.Optional(CurrencyCode),
    maxAmount: Type.Optional(MinorUnits),
    withinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
  },
  { additionalProperties: false, description: 'Refunds this policy covers are approved at once' },
)
const SettingsFields = {
  routing: Type.Array(RoutingRule, { maxItems: 50, description: 'The first rule that matches picks the gateways, in order' }),
  expiryMinutes: Type.Integer({ minimum: 5, maximum: 7 * 24 * 60, description: 'How long an unpaid payment stays open' }),
  refundPolicies: Type.Array(RefundPolicy, { maxItems: 20 }),
}
export const PaymentSettingsView = Type.Object(SettingsFields)
export const PaymentSettingsPatch = Type.Partial(Type.Object(SettingsFields, { additionalProperties: false }))
export type PaymentSettingsPatch = Static<typeof PaymentSettingsPatch>

export const PaymentOptions = Type.Object(
  {
    methods: Type.Array(Type.Object({ gateway: GatewayName, currencies: Type.Array(CurrencyCode) }), {
      description: 'The enabled gateways (the payment routes among them; name one with `gateway` to choose)',
    }),
    irrDisplay: Type.Union([Type.Literal('toman'), Type.Literal('rial')], {
      description: 'How IRR amounts are shown to people (1 toman = 10 rials); the API always speaks rials',
    }),
  },
  { $id: 'PaymentOptions' },
)

const AnalyticsGroupBy = Type.Union([Type.Literal('day'), Type.Literal('gateway'), Type.Literal('currency')])
export const PaymentAnalyticsQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    groupBy: Type.Optional(AnalyticsGroupBy),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone for day buckets; Asia/Tehran by default' })),
  },
  { additionalProperties: false },
)
export type PaymentAnalyticsQuery = Static<typeof PaymentAnalyticsQuery>
/** 0..1 with 4 decimals; null when there is nothing to divide by. */
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }))
const Count = Type.Integer({ minimum: 0 })
export const PaymentAnalyticsFigures = Type.Object(
  {
    currency: CurrencyCode,
    payments: Type.Integer({ minimum: 0, description: 'Payments created in the range, whatever became of them' }),
    succeeded: Count,
    failed: Count,
    canceled: Count,
    expired: Count,
    open: Type.Integer({ minimum: 0, description: 'Still requires_action or processing (held ones too)' }),
    // Definitions of each figure: docs/payments.md#payment-analytics.
    volume: MinorUnits,
    successRate: Rate,
    averageTicket: Nullable(MinorUnits),
    refunds: Type.Integer({ minimum: 0, description: 'Succeeded refunds of these payments, whenever they happened' }),
    refundedAmount: MinorUnits,
    refundRate: Rate,
  },
  { $id: 'PaymentAnalyticsFigures' },
)
export const PaymentAnalyticsView = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    groupBy: AnalyticsGroupBy,
    timezone: Type.String(),
    totals: Type.Array(RefTo(PaymentAnalyticsFigures), {
      description: 'The whole range, one entry per currency (never added across currencies)',
    }),
    groups: Type.Array(
      Type.Object({
        key: Type.String({ description: "A local date (YYYY-MM-DD), a gateway ('none' when there was none) or a currency" }),
        currencies: Type.Array(RefTo(PaymentAnalyticsFigures)),
      }),
    ),
    failureReasons: Type.Array(
      Type.Object({
        reason: Nullable(Type.String({ description: "The gateway's words, from the payment's latest attempt that recorded an error" })),
        gateway: Nullable(Type.String()),
        count: Count,
      }),
      { description: 'The 10 most frequent reasons among the failed payments of the range' },
    ),
    walletLiabilities: Type.Array(Type.Object({ currency: CurrencyCode, amount: MinorUnits }), {
      description: "What users' wallets hold now (held amounts included), per currency: not bound by the range",
    }),
  },
  { $id: 'PaymentAnalytics' },
)

export const WebhookAnswer = Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() })

export const paymentSchemas = [
  PaymentView,
  AttemptView,
  RefundView,
  PaymentDetail,
  GatewayView,
  PaymentOptions,
  PaymentAnalyticsFigures,
  PaymentAnalyticsView,
]
export const paymentTags = [
  { name: 'payments', description: 'Payments through gateways with routing and fallback, refunds, reconciliation' },
  { name: 'payment-webhooks', description: 'Signed callbacks from the payment gateways' },
]
