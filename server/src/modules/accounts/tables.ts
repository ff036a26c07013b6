import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Lower-cased. Null for a host product's user created without one, and after erasure. */
    email: text('email'),
    /** Null: no password sign-in (a host product's user, until a password reset sets one; an erased user). */
    passwordHash: text('password_hash'),
    /** The host product's own id for this user (PUT /v1/users/external/{externalId}). */
    externalId: text('external_id'),
    /** Free-form facts the host keeps on the user (plan, company…), usable in templates; at most 8 kB. */
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    name: text('name'),
    locale: text('locale').notNull().default('en'),
    timezone: text('timezone').notNull().default('UTC'),
    phone: text('phone'),
    role: text('role').$type<'customer' | 'agent' | 'admin'>().notNull().default('customer'),
    /** Set when the user proved the address (self-registered accounts, when verification is on). */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /** Set when the host product gave the number (it vouches for its own users); a number the user types in is unverified. */
    phoneVerifiedAt: timestamp('phone_verified_at', { withTimezone: true }),
    /** Raised by a role change or "sign out everywhere": access tokens of an older version stop working at once. */
    sessionVersion: integer('session_version').notNull().default(1),
    /** Set by erasure: personal fields are wiped, the row stays for the records that point at it. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Emails are stored lower-cased; the unique index is what makes "email taken" race-free.
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_external_id_key').on(t.externalId),
    index('users_role_idx').on(t.role, t.id),
  ],
)

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
    // The session check loads a user's recently revoked families.
    index('refresh_tokens_user_idx').on(t.userId, t.revokedAt),
  ],
)

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_hash_key').on(t.keyHash)],
)

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'fcm' | 'apns' | 'webpush'>().notNull(),
    /** FCM/APNS token, or the Web Push endpoint URL. */
    token: text('token').notNull(),
    subscription: jsonb('subscription'),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [
    // One row per physical device: re-registering a token moves it to the current user.
    uniqueIndex('devices_kind_token_key').on(t.kind, t.token),
    index('devices_user_idx').on(t.userId),
  ],
)

/**
 * Identity verification secrets: the host's server signs a user's externalId with the current one
 * (HMAC-SHA256) and the browser trades it for a session. After a rotation the previous secret
 * keeps working until `expiresAt` (the grace period), then never again.
 */
export const identitySecrets = pgTable('identity_secrets', {
  id: uuid('id').primaryKey(),
  /** Sealed with SECRETS_KEY (core/secrets): a database dump alone cannot sign identities. */
  secret: text('secret').notNull(),
  prefix: text('prefix').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  /** Null while current; set when a newer secret replaced it. */
  expiresAt: timestamp('expires_at', { withTimezone: true }),
})
