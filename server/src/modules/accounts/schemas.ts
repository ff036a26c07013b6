import { Type, type Static } from 'typebox'
import { Id, IdParams, Locale, PageQuery, RefTo, Timestamp } from '../../core/http/schemas'

export { Id, IdParams, Locale, Timestamp }

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'Compared case-insensitively' })
export const Password = Type.String({ minLength: 8, maxLength: 256 })
export const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164, e.g. +989121234567' })
export const Timezone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Asia/Tehran' })
export const Name = Type.String({ minLength: 1, maxLength: 200 })
export const Role = Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('admin')])

export const User = Type.Object(
  {
    id: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()], { description: "The host product's own id for this user, if it has one" }),
    email: Type.Union([Type.String(), Type.Null()], { description: "Null for a host product's user created without one" }),
    name: Type.Union([Type.String(), Type.Null()]),
    locale: Locale,
    timezone: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    role: Role,
    createdAt: Timestamp,
  },
  { $id: 'User' },
)
export type UserView = Static<typeof User>

export const Session = Type.Object(
  {
    user: RefTo(User),
    accessToken: Type.String({ description: 'JWT, send as Authorization: Bearer <token>' }),
    accessTokenExpiresIn: Type.Integer({ description: 'Seconds' }),
    refreshToken: Type.String({ description: 'Single use: every refresh returns a new one' }),
  },
  { $id: 'Session' },
)

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Name),
    locale: Type.Optional(Locale),
    timezone: Type.Optional(Timezone),
    phone: Type.Optional(Phone),
  },
  { additionalProperties: false },
)

export const Registration = Type.Union([
  Type.Intersect([RefTo(Session), Type.Object({ verificationRequired: Type.Literal(false) })]),
  Type.Object({
    user: RefTo(User),
    verificationRequired: Type.Literal(true, { description: 'A link was e-mailed; sign-in works once it is opened' }),
  }),
])
export const VerifyEmailBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })
export const ResendVerificationBody = Type.Object({ email: Email }, { additionalProperties: false })

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
)
export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })

export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(Type.Union([Name, Type.Null()])),
    locale: Type.Optional(Locale),
    timezone: Type.Optional(Timezone),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const ListUsersQuery = Type.Object(
  {
    ...PageQuery,
    role: Type.Optional(Role),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the email, name or externalId' })),
  },
  { additionalProperties: false },
)

export const UserPage = Type.Object({ items: Type.Array(RefTo(User)), nextCursor: Type.Union([Type.String(), Type.Null()]) })
export const SetRoleBody = Type.Object({ role: Role }, { additionalProperties: false })

export const Scope = Type.String({
  pattern: '^(\\*|[a-z]+:[a-z*]+)$',
  maxLength: 64,
  description: 'e.g. users:read, notifications:send, or * for all',
})
export const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
    scopes: Type.Array(Type.String()),
    createdAt: Timestamp,
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'ApiKey' },
)
export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 32, uniqueItems: true }),
  },
  { additionalProperties: false },
)
export const CreatedApiKey = Type.Object({ apiKey: RefTo(ApiKey), key: Type.String({ description: 'Shown once; store it now' }) })

export const WebPushSubscription = Type.Object(
  {
    // https only; the service also refuses http unless ALLOW_LOOPBACK_URLS (tests' loopback push services).
    endpoint: Type.String({
      format: 'uri',
      maxLength: 2048,
      pattern: '^https?://',
      description: 'An https URL on an allowed push service',
    }),
    keys: Type.Object({ p256dh: Type.String({ minLength: 1, maxLength: 512 }), auth: Type.String({ minLength: 1, maxLength: 512 }) }),
  },
  { additionalProperties: false },
)
export const RegisterDeviceBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('fcm'),
      token: Type.String({ minLength: 1, maxLength: 4096 }),
      label: Type.Optional(Type.String({ maxLength: 100 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('apns'),
      token: Type.String({ pattern: '^[0-9a-fA-F]{64,200}$' }),
      label: Type.Optional(Type.String({ maxLength: 100 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('webpush'), subscription: WebPushSubscription, label: Type.Optional(Type.String({ maxLength: 100 })) },
    { additionalProperties: false },
  ),
])
export const Device = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('fcm'), Type.Literal('apns'), Type.Literal('webpush')]),
    token: Type.String({ description: 'The push token, or the Web Push endpoint' }),
    label: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    disabled: Type.Boolean({ description: 'Set when the push service reported the token as no longer valid' }),
  },
  { $id: 'Device' },
)

// ---- the host product's users ---------------------------------------------------------------------

export const ExternalId = Type.String({
  pattern: '^[A-Za-z0-9_.:@-]{1,128}$',
  description: "The host product's own id for the user: 1-128 of A-Z a-z 0-9 _ . : @ -",
})
export const ExternalIdParams = Type.Object({ externalId: ExternalId })
export const Attributes = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Unknown(), {
  description:
    'Facts the host keeps on the user (plan, company…), at most 8 kB as JSON; replaced whole when given; templates see them as user.attributes',
})
/** Profile fields the host may set: omitted fields stay as they are, null clears one. */
const hostProfile = {
  email: Type.Optional(Type.Union([Email, Type.Null()])),
  phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  name: Type.Optional(Type.Union([Name, Type.Null()])),
  locale: Type.Optional(Locale),
  timezone: Type.Optional(Timezone),
  attributes: Type.Optional(Attributes),
}
export const UpsertExternalUserBody = Type.Object(hostProfile, { additionalProperties: false })
export const ExternalUserItem = Type.Object({ externalId: ExternalId, ...hostProfile }, { additionalProperties: false })
export const BatchUpsertBody = Type.Object(
  { users: Type.Array(ExternalUserItem, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
)
export const ExternalUser = Type.Object(
  {
    id: Type.String(),
    externalId: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    locale: Locale,
    timezone: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    role: Role,
    createdAt: Timestamp,
    attributes: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'ExternalUser' },
)
export const BatchUpsertResult = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  items: Type.Array(RefTo(ExternalUser)),
})

/** Anywhere the API takes a user: the Caravan id, or the host's id. */
export const UserRef = Type.Union([Id, Type.Object({ externalId: ExternalId }, { additionalProperties: false })], {
  description: 'A Caravan user id, or { "externalId": "…" }',
})
/** Where a trigger names a user: the Caravan id, or the host's id with profile fields to create or update the user inline. */
export const UserRefUpsert = Type.Union([Id, ExternalUserItem], {
  description:
    'A Caravan user id, or { "externalId": "…", email?, phone?, name?, locale?, timezone?, attributes? } (created or updated inline)',
})

export const SessionForExternalBody = ExternalUserItem
export const IdentityBody = Type.Object(
  {
    externalId: ExternalId,
    signature: Type.String({ minLength: 1, maxLength: 128, description: 'Hex HMAC-SHA256 of the externalId with the identity secret' }),
  },
  { additionalProperties: false },
)
export const IdentitySecret = Type.Object(
  {
    id: Type.String(),
    prefix: Type.String({ description: 'The first characters of the secret, to tell secrets apart' }),
    createdAt: Timestamp,
    expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'Null for the current secret; set when a newer one replaced it' }),
  },
  { $id: 'IdentitySecret' },
)
export const RotateIdentitySecretBody = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30 * 86_400,
        default: 86_400,
        description: 'How long the previous secret keeps working (default a day)',
      }),
    ),
  },
  { additionalProperties: false },
)
export const RotatedIdentitySecret = Type.Object({
  identitySecret: RefTo(IdentitySecret),
  secret: Type.String({ description: "Shown once; keep it on the host product's server only" }),
})
export const UserExport = Type.Object(
  { exportedAt: Timestamp, userId: Type.String() },
  { additionalProperties: Type.Unknown(), description: "Every module's part of the user's data, under the module's name" },
)

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
)
export const PasswordResetBody = Type.Object({ email: Email }, { additionalProperties: false })
export const PasswordResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 2000 }), password: Password },
  { additionalProperties: false },
)
