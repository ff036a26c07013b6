// The wallet's double-entry ledger. Accounts hold TigerBeetle-style counters (debits and credits,
// posted and pending); a transfer moves an amount from one account to another, idempotent by its
// id; a posted transfer writes two postings (−amount on the debit side, +amount on the credit side)
// with each account's balance after it. CHECKs make the guarantees hold whatever the code does:
// an account that must not overdraw (every user wallet) never has more debits than credits.
import { sql } from 'drizzle-orm'
import { bigserial, boolean, check, index, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { Currency } from '../../core/money/currency'

/** Platform accounts, one per code and currency (clearing accounts per gateway: `clearing:<gateway>`). */
export const PLATFORM_CODES = [
  'adjustments',
  'revenue',
  'fees',
  'promotion_liability',
  'loyalty_liability',
  'refunds_payable',
  'withdrawals_payable',
] as const
export type PlatformCode = (typeof PLATFORM_CODES)[number] | `clearing:${string}`

export const TRANSFER_KINDS = ['topup', 'topup_reversal', 'payment', 'transfer', 'adjustment', 'refund', 'withdrawal'] as const
export type TransferKind = (typeof TRANSFER_KINDS)[number]
export const TRANSFER_STATUSES = ['posted', 'pending', 'voided'] as const
export type TransferStatus = (typeof TRANSFER_STATUSES)[number]

const money = (name: string) => numeric(name, { precision: 78, scale: 0, mode: 'bigint' })
const counter = (name: string) =>
  money(name)
    .notNull()
    .default(sql`0`)

export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: uuid('id').primaryKey(),
    currency: text('currency').$type<Currency>().notNull(),
    /** The wallet's owner; null for platform accounts. */
    userId: uuid('user_id'),
    /** A platform account's code; null for wallets. */
    code: text('code').$type<PlatformCode>(),
    /** Debits (posted and pending) may never exceed posted credits: every user wallet. */
    noOverdraft: boolean('no_overdraft').notNull(),
    debitsPosted: counter('debits_posted'),
    creditsPosted: counter('credits_posted'),
    debitsPending: counter('debits_pending'),
    creditsPending: counter('credits_pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ledger_accounts_wallet')
      .on(t.userId, t.currency)
      .where(sql`user_id is not null`),
    uniqueIndex('ledger_accounts_platform')
      .on(t.code, t.currency)
      .where(sql`code is not null`),
    check('ledger_accounts_owner', sql`(${t.userId} is null) <> (${t.code} is null)`),
    check(
      'ledger_accounts_counters',
      sql`${t.debitsPosted} >= 0 and ${t.creditsPosted} >= 0 and ${t.debitsPending} >= 0 and ${t.creditsPending} >= 0`,
    ),
    check('ledger_accounts_no_overdraft', sql`not ${t.noOverdraft} or ${t.debitsPosted} + ${t.debitsPending} <= ${t.creditsPosted}`),
  ],
)

export const ledgerTransfers = pgTable(
  'ledger_transfers',
  {
    /** Chosen by the caller (derived from what caused it): the same id twice moves money once. */
    id: uuid('id').primaryKey(),
    debitAccountId: uuid('debit_account_id').notNull(),
    creditAccountId: uuid('credit_account_id').notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').$type<Currency>().notNull(),
    kind: text('kind').$type<TransferKind>().notNull(),
    status: text('status').$type<TransferStatus>().notNull(),
    /** What was posted of a pending transfer (≤ amount); the rest went back. Equals amount for a direct transfer. */
    postedAmount: money('posted_amount'),
    /** A pending transfer (a hold) is voided by the expiry job after this. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** What caused it: a payment id, a withdrawal id, an order ref. */
    ref: text('ref'),
    memo: text('memo'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdBy: text('created_by').notNull(),
    /**
     * The Idempotency-Key of the request that made it (a user's transfer): the transfer is the
     * record, so a retry finds it, even after a crash between its commit and the answer.
     */
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('ledger_transfers_idempotency')
      .on(t.createdBy, t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
    index('ledger_transfers_debit').on(t.debitAccountId, t.id),
    index('ledger_transfers_credit').on(t.creditAccountId, t.id),
    index('ledger_transfers_pending')
      .on(t.expiresAt)
      .where(sql`status = 'pending'`),
    check('ledger_transfers_amount', sql`${t.amount} > 0`),
    check('ledger_transfers_accounts', sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check('ledger_transfers_posted', sql`${t.postedAmount} is null or (${t.postedAmount} >= 0 and ${t.postedAmount} <= ${t.amount})`),
  ],
)

export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    /** Ordered as written: an account's postings by seq give its history and running balance. */
    seq: bigserial('seq', { mode: 'bigint' }).primaryKey(),
    transferId: uuid('transfer_id').notNull(),
    accountId: uuid('account_id').notNull(),
    /** Signed: −amount on the debit side, +amount on the credit side. */
    amount: money('amount').notNull(),
    /** The account's posted balance (credits − debits) after this posting. */
    balanceAfter: money('balance_after').notNull(),
    currency: text('currency').$type<Currency>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ledger_postings_account').on(t.accountId, t.seq), index('ledger_postings_transfer').on(t.transferId)],
)

export const WALLET_PAYMENT_STATUSES = ['processing', 'succeeded', 'failed'] as const
export type WalletPaymentStatus = (typeof WALLET_PAYMENT_STATUSES)[number]

/** A payment from a wallet: a hold on it, then posted to revenue (or released when it fails or expires). */
export const walletPayments = pgTable(
  'wallet_payments',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').$type<Currency>().notNull(),
    purposeType: text('purpose_type').$type<'order' | 'custom'>().notNull(),
    purposeRef: text('purpose_ref'),
    description: text('description'),
    status: text('status').$type<WalletPaymentStatus>().notNull(),
    /** The ledger transfer that holds, then moves, the amount. */
    holdId: uuid('hold_id').notNull(),
    failure: text('failure'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('wallet_payments_user').on(t.userId, t.id),
    uniqueIndex('wallet_payments_hold').on(t.holdId),
    check('wallet_payments_amount', sql`${t.amount} > 0`),
  ],
)

/** The wallet's settings (transfer limits), one row per setting: core/cache/module-settings. */
export const walletSettings = pgTable('wallet_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const WITHDRAWAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number]

/** A request to pay money out of a wallet: its amount is held until an admin approves or rejects it. */
export const walletWithdrawals = pgTable(
  'wallet_withdrawals',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').$type<Currency>().notNull(),
    /** Where the money goes: a Sheba (IBAN) or an account the user names. */
    destination: text('destination').notNull(),
    status: text('status').$type<WithdrawalStatus>().notNull(),
    holdId: uuid('hold_id').notNull(),
    decidedBy: text('decided_by'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('wallet_withdrawals_user').on(t.userId, t.id),
    index('wallet_withdrawals_status').on(t.status, t.id),
    uniqueIndex('wallet_withdrawals_hold').on(t.holdId),
    check('wallet_withdrawals_amount', sql`${t.amount} > 0`),
  ],
)
