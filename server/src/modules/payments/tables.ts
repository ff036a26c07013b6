import { sql } from 'drizzle-orm'
import { boolean, check, index, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { Currency } from '../../core/money/currency'
import type { GatewayName } from './gateways/types'

export const PAYMENT_STATUSES = ['requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'expired'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]
export const PURPOSE_TYPES = ['order', 'wallet_topup', 'custom'] as const
export type PurposeType = (typeof PURPOSE_TYPES)[number]
export const ATTEMPT_STATUSES = ['pending', 'succeeded', 'failed', 'canceled', 'error'] as const
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number]
export const REFUND_STATUSES = ['awaiting_approval', 'pending', 'succeeded', 'failed', 'rejected'] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]
export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent', 'order_canceled', 'other'] as const
export type RefundReason = (typeof REFUND_REASONS)[number]

/** Money columns: integer minor units, up to 78 digits (wei), read as bigint. */
const money = (name: string) => numeric(name, { precision: 78, scale: 0, mode: 'bigint' })
const created = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
const updated = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').$type<Currency>().notNull(),
    status: text('status').$type<PaymentStatus>().notNull(),
    purposeType: text('purpose_type').$type<PurposeType>().notNull(),
    purposeRef: text('purpose_ref'),
    description: text('description'),
    /** The gateway of the current attempt. */
    gateway: text('gateway').$type<GatewayName>(),
    /** Where the payer goes after our return page (the host product's page). */
    returnUrl: text('return_url').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** What the gateway captured; equals amount once succeeded. */
    capturedAmount: money('captured_amount')
      .notNull()
      .default(sql`0`),
    /** Sum of refunds that succeeded or are on their way (pending): the cap is capturedAmount. */
    refundedAmount: money('refunded_amount')
      .notNull()
      .default(sql`0`),
    /** Set when the gateway reported another amount or currency: the payment waits for an admin. */
    heldReason: text('held_reason'),
    /** Who created it (principal key) and with which Idempotency-Key: a retry finds this row. */
    createdBy: text('created_by').notNull(),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    /** An unpaid payment expires at this time (the expiry job). */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    uniqueIndex('payments_idempotency').on(t.createdBy, t.idempotencyKey),
    index('payments_customer').on(t.customerId, t.id),
    index('payments_status').on(t.status, t.id),
    // The expiry and reconciliation jobs look only at open payments.
    index('payments_open')
      .on(t.expiresAt)
      .where(sql`status in ('requires_action', 'processing')`),
    index('payments_purpose').on(t.customerId, t.purposeType, t.purposeRef),
    // The last line of defence against refunding more than was taken (the service checks under a lock first).
    check('payments_refunds_within_captured', sql`${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.capturedAmount}`),
    check('payments_amount_positive', sql`${t.amount} > 0`),
  ],
)

/** One try at one gateway; a payment has one per gateway it was sent to (fallback makes several). */
export const paymentAttempts = pgTable(
  'payment_attempts',
  {
    id: uuid('id').primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    gateway: text('gateway').$type<GatewayName>().notNull(),
    status: text('status').$type<AttemptStatus>().notNull(),
    /** The gateway's id of this attempt (Authority, Checkout Session, order id). */
    reference: text('reference'),
    redirectUrl: text('redirect_url'),
    captureId: text('capture_id'),
    receipt: jsonb('receipt').$type<Record<string, string>>(),
    /** Why the gateway refused or failed it, in its words. */
    error: text('error'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('payment_attempts_payment').on(t.paymentId), uniqueIndex('payment_attempts_reference').on(t.gateway, t.reference)],
)

export const paymentRefunds = pgTable(
  'payment_refunds',
  {
    id: uuid('id').primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    /** The attempt whose capture is refunded (a payment charged twice has two). */
    attemptId: uuid('attempt_id').notNull(),
    amount: money('amount').notNull(),
    status: text('status').$type<RefundStatus>().notNull(),
    reason: text('reason').notNull(),
    /** original = back through the gateway; wallet = credited to the customer's wallet. */
    destination: text('destination').$type<'original' | 'wallet'>().notNull().default('original'),
    gatewayRefundId: text('gateway_refund_id'),
    error: text('error'),
    /** Who asked (principal key) and with which Idempotency-Key. */
    createdBy: text('created_by').notNull(),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    /** The policy that approved it automatically, or the admin who did. */
    approvedBy: text('approved_by'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('payment_refunds_payment').on(t.paymentId), uniqueIndex('payment_refunds_idempotency').on(t.createdBy, t.idempotencyKey)],
)

/** Webhook events already processed, per gateway: a replay is answered 200 and does nothing. */
export const paymentGatewayEvents = pgTable(
  'payment_gateway_events',
  {
    gateway: text('gateway').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.gateway, t.eventId] })],
)

/** Gateways the admin configured: credentials sealed with SECRETS_KEY, never returned. */
export const paymentGatewayConfigs = pgTable('payment_gateways', {
  name: text('name').$type<GatewayName>().primaryKey(),
  enabled: boolean('enabled').notNull().default(true),
  sealedConfig: text('sealed_config').notNull(),
  updatedAt: updated(),
})

/** Module-wide settings as JSON documents: 'routing' (rules), 'refund_policies'. */
export const paymentSettings = pgTable('payment_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updated(),
})

/** The built-in test gateway's own books: what a real gateway would keep on its side. */
export const testGatewayCharges = pgTable('test_gateway_charges', {
  reference: text('reference').primaryKey(),
  attemptId: uuid('attempt_id').notNull(),
  amount: money('amount').notNull(),
  currency: text('currency').$type<Currency>().notNull(),
  description: text('description').notNull(),
  returnUrl: text('return_url').notNull(),
  status: text('status').$type<'open' | 'paid' | 'failed'>().notNull().default('open'),
  refunded: money('refunded')
    .notNull()
    .default(sql`0`),
  createdAt: created(),
})
