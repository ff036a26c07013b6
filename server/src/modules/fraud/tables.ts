// Fraud checks: every assessment with its facts, score, decision and reasons (the velocity rules
// count these rows, so they are both the record and the counters), the blocklist, and the rules
// document (one row, versioned, so two admins editing at once cannot overwrite each other).
import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, numeric, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { Currency } from '../../core/money/currency'

/** What a user does that is assessed; each names the hook that calls assess(). */
export const OPERATIONS = ['payment', 'wallet_payment', 'transfer', 'withdrawal'] as const
export type Operation = (typeof OPERATIONS)[number]
/** Also assessed: a payment the gateway captured with a card fingerprint (only the blocklists apply). */
export const ASSESSED_OPERATIONS = [...OPERATIONS, 'payment_capture'] as const
export type AssessedOperation = (typeof ASSESSED_OPERATIONS)[number]

export const DECISIONS = ['allow', 'review', 'block'] as const
export type Decision = (typeof DECISIONS)[number]
export const REVIEW_STATUSES = ['open', 'approved', 'rejected'] as const
export type ReviewStatus = (typeof REVIEW_STATUSES)[number]

export const BLOCKLIST_KINDS = ['email_domain', 'ip', 'device', 'card_fingerprint'] as const
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number]

/** Why a rule matched; kept on the assessment for the reviewers (never shown to the customer). */
export interface Reason {
  rule: 'velocity' | 'account_age' | 'blocklist' | 'country_mismatch'
  /** The rule's id (velocity, account age) or the blocklist kind. */
  id: string
  score: number
  /** A rule may force a decision whatever the score. */
  action?: 'review' | 'block'
  /** In English, for the log and the API's readers. */
  detail: string
  /** What was observed against which limit, for a console to word in its own language. */
  values: Record<string, string>
}

const money = (name: string) => numeric(name, { precision: 78, scale: 0, mode: 'bigint' })

export const fraudAssessments = pgTable(
  'fraud_assessments',
  {
    id: uuid('id').primaryKey(),
    operation: text('operation').$type<AssessedOperation>().notNull(),
    userId: uuid('user_id').notNull(),
    /** What it is about: the payment, wallet payment, ledger transfer or withdrawal id. */
    ref: text('ref'),
    amount: money('amount').notNull(),
    currency: text('currency').$type<Currency>().notNull(),
    /** The caller's address, only when the user called themselves (not an API key or an admin for them). */
    ip: text('ip'),
    deviceId: text('device_id'),
    /** The user's e-mail domain at the time (normalized), for the reviewers and the blocklist. */
    emailDomain: text('email_domain'),
    /** The country the payment named (ISO 3166-1 alpha-2, upper case). */
    country: text('country'),
    cardFingerprint: text('card_fingerprint'),
    score: smallint('score').notNull(),
    decision: text('decision').$type<Decision>().notNull(),
    reasons: jsonb('reasons').$type<Reason[]>().notNull().default([]),
    /** The rules' version that decided. */
    rulesVersion: integer('rules_version').notNull(),
    /** Who called (principal key, or system). */
    actor: text('actor').notNull(),
    /** One assessment per retried request (a payment's Idempotency-Key, a capture's payment). */
    dedupeKey: text('dedupe_key'),
    /** Set for the review queue: open until an admin approves or rejects. */
    reviewStatus: text('review_status').$type<ReviewStatus>(),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNote: text('review_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Running totals of the user's operations (every one but captures, null on those), so a user's
    // window is read from its first and last rows, not row by row (repo.ts, velocity): how many the
    // user had up to and including this one, and the sum of those not blocked in this currency.
    userCount: integer('user_count'),
    userAmount: money('user_amount'),
  },
  (t) => [
    // The velocity windows: one range scan per subject (for the user, probes of its first and last rows).
    // With the count last, a batch's rows (one time) come in count order: the running totals' probes sort nothing.
    index('fraud_assessments_user_time').on(t.userId, t.createdAt, t.userCount),
    index('fraud_assessments_ip_time')
      .on(t.ip, t.createdAt)
      .where(sql`ip is not null`),
    index('fraud_assessments_device_time')
      .on(t.deviceId, t.createdAt)
      .where(sql`device_id is not null`),
    // Lists, newest first by id (UUIDv7).
    index('fraud_assessments_user').on(t.userId, t.id),
    index('fraud_assessments_decision').on(t.decision, t.id),
    index('fraud_assessments_review')
      .on(t.reviewStatus, t.id)
      .where(sql`review_status is not null`),
    // By what it is about (ref first): an operation-only condition, the velocity windows' own,
    // cannot use it, so a planner with stale statistics does not AND every window with it.
    index('fraud_assessments_ref').on(t.ref, t.operation),
    index('fraud_assessments_cards')
      .on(t.userId, t.cardFingerprint)
      .where(sql`card_fingerprint is not null`),
    uniqueIndex('fraud_assessments_dedupe').on(t.dedupeKey),
    check('fraud_assessments_amount', sql`${t.amount} >= 0`),
    check('fraud_assessments_decision', sql`${t.decision} in ('allow', 'review', 'block')`),
    check('fraud_assessments_review_status', sql`${t.reviewStatus} is null or ${t.reviewStatus} in ('open', 'approved', 'rejected')`),
  ],
)

export const fraudBlocklist = pgTable(
  'fraud_blocklist',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').$type<BlocklistKind>().notNull(),
    /** Normalized: a lower-case ASCII domain, an IP or CIDR, a device id, a fingerprint. */
    value: text('value').notNull(),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('fraud_blocklist_value').on(t.kind, t.value), index('fraud_blocklist_kind').on(t.kind, t.id)],
)

/** The rules document: one row (id 1), its version bumped on every change. */
export const fraudRules = pgTable(
  'fraud_rules',
  {
    id: smallint('id').primaryKey(),
    rules: jsonb('rules').notNull(),
    version: integer('version').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('fraud_rules_one_row', sql`${t.id} = 1`)],
)
