// Request and response schemas of the fraud API, and the rules document's schema (the one an
// admin edits: the same schema validates the PUT body and types the evaluation in rules.ts).
import { Type, type Static } from 'typebox'
import { Id, Nullable, PageQuery, RefTo, Timestamp } from '../../core/http/schemas'
import { CURRENCIES, CurrencyCode, MinorUnits, POSITIVE_MINOR_UNITS } from '../../core/money/currency'
import { ASSESSED_OPERATIONS, BLOCKLIST_KINDS, DECISIONS, OPERATIONS, REVIEW_STATUSES } from './tables'

const Score = Type.Integer({ minimum: 0, maximum: 100, description: 'Added to the assessment’s score when the rule matches (0–100)' })
const Action = Type.Union([Type.Literal('review'), Type.Literal('block')], {
  description: 'Forces at least this decision when the rule matches, whatever the score',
})
const RuleId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'Names the rule in the reasons (unique)' })
const Operations = Type.Array(Type.Enum(OPERATIONS), {
  minItems: 1,
  uniqueItems: true,
  description: 'The operations the rule looks at (and, for velocity, counts); all of them when left out',
})
const PerCurrency = (description: string) =>
  Type.Object(
    Object.fromEntries(
      Object.keys(CURRENCIES).map((code) => [
        code,
        Type.Optional(Type.String({ pattern: POSITIVE_MINOR_UNITS, description: 'Minor units' })),
      ]),
    ),
    { additionalProperties: false, description },
  )

export const VelocityRule = Type.Object(
  {
    id: RuleId,
    subject: Type.Union([Type.Literal('user'), Type.Literal('ip'), Type.Literal('device')], {
      description: 'Whose operations are counted: the user’s, the caller address’s or the device’s',
    }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 2_592_000, description: 'The sliding window (at most 30 days)' }),
    maxCount: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Matches when this operation makes more than this many' }),
    ),
    maxAmount: Type.Optional(
      PerCurrency('Matches when this operation takes the sum in its currency above this (a currency left out has no limit)'),
    ),
    score: Score,
    action: Type.Optional(Action),
    operations: Type.Optional(Operations),
  },
  { additionalProperties: false },
)

export const AccountAgeRule = Type.Object(
  {
    id: RuleId,
    maxAgeDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'Applies to accounts younger than this' }),
    maxAmount: PerCurrency('Matches when one operation is above this (a currency left out has no limit)'),
    score: Score,
    action: Type.Optional(Action),
    operations: Type.Optional(Operations),
  },
  { additionalProperties: false },
)

const Listed = Type.Object({ score: Score, action: Type.Optional(Action) }, { additionalProperties: false })

export const FraudRules = Type.Object(
  {
    enabled: Type.Boolean({ description: 'False: nothing is assessed or recorded, every operation goes ahead' }),
    thresholds: Type.Object(
      {
        review: Type.Integer({ minimum: 1, maximum: 100, description: 'A score from this up is reviewed' }),
        block: Type.Integer({ minimum: 1, maximum: 100, description: 'A score from this up is blocked' }),
      },
      { additionalProperties: false },
    ),
    velocity: Type.Array(VelocityRule, { maxItems: 50 }),
    accountAge: Type.Array(AccountAgeRule, { maxItems: 20 }),
    blocklists: Type.Object(
      { emailDomain: Listed, ip: Listed, device: Listed, cardFingerprint: Listed },
      {
        additionalProperties: false,
        description: 'What a match on each blocklist adds (the entries are kept apart: /v1/admin/fraud/blocklist)',
      },
    ),
    countryMismatch: Nullable(
      Type.Object(
        { score: Score, action: Type.Optional(Action) },
        {
          additionalProperties: false,
          description: 'The payment’s country differs from the user’s `country` attribute; null turns the rule off',
        },
      ),
    ),
  },
  { additionalProperties: false, $id: 'FraudRules' },
)
export type FraudRules = Static<typeof FraudRules>
export type VelocityRule = Static<typeof VelocityRule>
export type AccountAgeRule = Static<typeof AccountAgeRule>

export const FraudRulesView = Type.Object(
  {
    version: Type.Integer({ description: 'Send it back with a change: another admin’s change in between is a 409' }),
    rules: RefTo(FraudRules),
    updatedBy: Nullable(Type.String()),
    updatedAt: Nullable(Timestamp),
  },
  { $id: 'FraudRulesDocument' },
)
export type FraudRulesView = Static<typeof FraudRulesView>

export const UpdateFraudRulesBody = Type.Object(
  {
    version: Type.Integer({ minimum: 0, description: 'The version these rules were read at' }),
    rules: RefTo(FraudRules),
  },
  { additionalProperties: false },
)
export type UpdateFraudRulesBody = Static<typeof UpdateFraudRulesBody>

export const ReasonView = Type.Object({
  rule: Type.Union([Type.Literal('velocity'), Type.Literal('account_age'), Type.Literal('blocklist'), Type.Literal('country_mismatch')]),
  id: Type.String(),
  score: Type.Integer(),
  action: Type.Optional(Action),
  detail: Type.String({ description: 'In English' }),
  values: Type.Record(Type.String(), Type.String(), {
    description:
      'What was observed against which limit (subject, measure, observed, limit, currency, windowSeconds, ageDays, kind, value…)',
  }),
})

export const AssessmentView = Type.Object(
  {
    id: Id,
    operation: Type.Enum(ASSESSED_OPERATIONS),
    userId: Id,
    ref: Nullable(Type.String({ description: 'The payment, wallet payment, ledger transfer or withdrawal it is about' })),
    amount: MinorUnits,
    currency: CurrencyCode,
    ip: Nullable(Type.String()),
    deviceId: Nullable(Type.String()),
    emailDomain: Nullable(Type.String()),
    country: Nullable(Type.String()),
    cardFingerprint: Nullable(Type.String()),
    score: Type.Integer({ minimum: 0, maximum: 100 }),
    decision: Type.Enum(DECISIONS),
    reasons: Type.Array(ReasonView),
    rulesVersion: Type.Integer(),
    actor: Type.String({ description: 'Who called: user:<id>, apiKey:<id> or system' }),
    review: Nullable(
      Type.Object({
        status: Type.Enum(REVIEW_STATUSES),
        decidedBy: Nullable(Type.String()),
        decidedAt: Nullable(Timestamp),
        note: Nullable(Type.String()),
      }),
    ),
    createdAt: Timestamp,
  },
  { $id: 'FraudAssessment' },
)
export type AssessmentView = Static<typeof AssessmentView>

export const ReviewQuery = Type.Object({ status: Type.Optional(Type.Enum(REVIEW_STATUSES)), ...PageQuery }, { additionalProperties: false })
export type ReviewQuery = Static<typeof ReviewQuery>

export const AssessmentQuery = Type.Object(
  {
    userId: Type.Optional(Id),
    decision: Type.Optional(Type.Enum(DECISIONS)),
    operation: Type.Optional(Type.Enum(ASSESSED_OPERATIONS)),
    ref: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...PageQuery,
  },
  { additionalProperties: false },
)
export type AssessmentQuery = Static<typeof AssessmentQuery>

const Note = Type.String({ maxLength: 500 })
const BlocklistKind = Type.Enum(BLOCKLIST_KINDS)
export const ApproveReviewBody = Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false })
export const RejectReviewBody = Type.Object(
  {
    note: Type.Optional(Note),
    block: Type.Optional(
      Type.Array(BlocklistKind, {
        uniqueItems: true,
        maxItems: 4,
        description: 'Also put these facts of the assessment on the blocklist (those it has)',
      }),
    ),
  },
  { additionalProperties: false },
)
export type RejectReviewBody = Static<typeof RejectReviewBody>

export const BlocklistEntryView = Type.Object(
  {
    id: Id,
    kind: BlocklistKind,
    value: Type.String(),
    note: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'FraudBlocklistEntry' },
)
export const BlocklistBody = Type.Object(
  {
    kind: BlocklistKind,
    value: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'A domain (example.com also matches its subdomains), an IP or CIDR (v4 or v6), a device id or a card fingerprint',
    }),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
)
export type BlocklistBody = Static<typeof BlocklistBody>
export const BlocklistQuery = Type.Object({ kind: Type.Optional(BlocklistKind), ...PageQuery }, { additionalProperties: false })
export type BlocklistQuery = Static<typeof BlocklistQuery>

export const fraudSchemas = [FraudRules, FraudRulesView, AssessmentView, BlocklistEntryView]
export const fraudTags = [
  { name: 'fraud', description: 'Fraud checks on money operations: rules, blocklist, assessments and the review queue' },
]
