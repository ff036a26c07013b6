// Request and response schemas of the wallet API. Amounts are strings of digits in minor units;
// a signed amount (an adjustment, a posting) may start with '-'.
import { Type, type Static } from 'typebox'
import { CURRENCIES, CurrencyCode, MinorUnits, POSITIVE_MINOR_UNITS, PositiveMinorUnits } from '../../core/money/currency'
import { Id, Nullable, PageQuery, RefTo, Timestamp } from '../../core/http/schemas'
import { UUID_PATTERN } from '../../core/db/ids'
import { UserRefSchema } from '../accounts'
import { TRANSFER_KINDS, TRANSFER_STATUSES, WALLET_PAYMENT_STATUSES, WITHDRAWAL_STATUSES } from './tables'

const SignedAmount = Type.String({
  pattern: '^-?(0|[1-9][0-9]{0,77})$',
  description: 'Signed amount in minor units: + into the wallet, - out of it',
  examples: ['-12500'],
})
const TransferKind = Type.Enum(TRANSFER_KINDS)

export const BalanceView = Type.Object(
  {
    currency: CurrencyCode,
    balance: MinorUnits,
    held: Type.String({ description: 'Reserved by holds (payments in progress, withdrawals awaiting approval)' }),
    available: Type.String({ description: 'balance − held: what can be spent now' }),
  },
  { $id: 'WalletBalance' },
)
export type BalanceView = Static<typeof BalanceView>

export const HoldView = Type.Object(
  {
    id: Id,
    kind: TransferKind,
    amount: MinorUnits,
    currency: CurrencyCode,
    ref: Nullable(Type.String()),
    memo: Nullable(Type.String()),
    expiresAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'WalletHold' },
)

export const TransactionView = Type.Object(
  {
    id: Id,
    kind: TransferKind,
    amount: SignedAmount,
    balanceAfter: Type.String({ description: 'The wallet’s balance right after this transaction' }),
    currency: CurrencyCode,
    ref: Nullable(Type.String({ description: 'What caused it: a payment id, for example' })),
    memo: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'WalletTransaction' },
)

export const TransactionsQuery = Type.Object({ currency: Type.Optional(CurrencyCode), ...PageQuery }, { additionalProperties: false })
export type TransactionsQuery = Static<typeof TransactionsQuery>

export const StatementQuery = Type.Object(
  {
    currency: CurrencyCode,
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)
export type StatementQuery = Static<typeof StatementQuery>

export const AdjustmentBody = Type.Object(
  {
    userId: UserRefSchema,
    currency: CurrencyCode,
    amount: Type.String({
      pattern: '^-?[1-9][0-9]{0,77}$',
      description: 'Minor units: positive credits the wallet, negative debits it (never below zero)',
    }),
    reason: Type.String({ minLength: 3, maxLength: 500, pattern: '\\S', description: 'Why: kept on the transaction and in the audit log' }),
  },
  { additionalProperties: false },
)
export type AdjustmentBody = Static<typeof AdjustmentBody>

export const WalletPaymentBody = Type.Object(
  {
    amount: PositiveMinorUnits,
    currency: CurrencyCode,
    purpose: Type.Object(
      {
        type: Type.Union([Type.Literal('order'), Type.Literal('custom')]),
        ref: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Your order id, for example' })),
      },
      { additionalProperties: false },
    ),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)
export type WalletPaymentBody = Static<typeof WalletPaymentBody>

export const WalletPaymentView = Type.Object(
  {
    id: Id,
    status: Type.Enum(WALLET_PAYMENT_STATUSES),
    amount: MinorUnits,
    currency: CurrencyCode,
    purpose: Type.Object({ type: Type.String(), ref: Nullable(Type.String()) }),
    description: Nullable(Type.String()),
    failure: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'WalletPayment' },
)
export type WalletPaymentView = Static<typeof WalletPaymentView>
export const WalletPaymentResult = Type.Object({ ...WalletPaymentView.properties, balance: RefTo(BalanceView) })

/** The wallet's pay page for a payment made with `gateway: wallet`. */
export const CheckoutParams = Type.Object({ attemptId: Id })
export const CheckoutInfo = Type.Object(
  {
    paymentId: Id,
    amount: MinorUnits,
    currency: CurrencyCode,
    description: Nullable(Type.String()),
    status: Type.String({ description: 'The payment’s status: it can be paid while requires_action' }),
    expiresAt: Timestamp,
    walletPaymentStatus: Nullable(Type.Enum(WALLET_PAYMENT_STATUSES, { description: 'Set once the wallet paid (or failed to)' })),
    available: Type.String({ pattern: '^[0-9]+$', description: 'What the wallet can spend now in this currency, minor units' }),
    returnUrl: Type.String({ description: 'Where the payer goes after paying: the payment’s return page' }),
    cancelUrl: Type.String({ description: 'Where "back" goes: the payment is canceled' }),
  },
  { $id: 'WalletCheckoutInfo' },
)
export const CheckoutResult = Type.Object({
  status: Type.Enum(WALLET_PAYMENT_STATUSES),
  failure: Nullable(Type.String()),
  redirectUrl: Type.String({ description: 'The payment’s return page: it confirms the payment and sends the payer back to the shop' }),
})

export const TransferBody = Type.Object(
  {
    to: Type.Union(
      [
        Id,
        Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }) }, { additionalProperties: false }),
      ],
      { description: 'The recipient: a Caravan id, your product’s externalId, or an e-mail address' },
    ),
    amount: PositiveMinorUnits,
    currency: CurrencyCode,
    note: Type.Optional(Type.String({ maxLength: 200, description: 'Shown to both in their history' })),
  },
  { additionalProperties: false },
)
export type TransferBody = Static<typeof TransferBody>
export const TransferResult = Type.Object({
  transferId: Id,
  amount: MinorUnits,
  currency: CurrencyCode,
  to: Type.Object({ id: Id, name: Nullable(Type.String()) }),
  balance: RefTo(BalanceView),
})

const Limit = Type.Object(
  {
    perTransfer: Type.Optional(Type.String({ pattern: POSITIVE_MINOR_UNITS, description: 'At most this in one transfer' })),
    perDay: Type.Optional(Type.String({ pattern: POSITIVE_MINOR_UNITS, description: 'At most this sent in 24 hours' })),
  },
  { additionalProperties: false },
)
const SettingsFields = {
  transferLimits: Type.Object(Object.fromEntries(Object.keys(CURRENCIES).map((code) => [code, Type.Optional(Limit)])), {
    additionalProperties: false,
    description: 'Per currency; a currency left out has no limit',
  }),
}
export const WalletSettingsView = Type.Object(SettingsFields, { $id: 'WalletSettings' })

export const WalletView = Type.Object(
  {
    balances: Type.Array(BalanceView),
    holds: Type.Array(HoldView),
    // The customer's own limits, so that an app can say them before and after a refusal.
    transferLimits: { ...SettingsFields.transferLimits, description: 'What a transfer may send, per currency (the wallet settings)' },
  },
  { $id: 'Wallet' },
)
export const WalletSettingsPatch = Type.Partial(Type.Object(SettingsFields, { additionalProperties: false }))
export type WalletSettingsPatch = Static<typeof WalletSettingsPatch>

export const WithdrawalBody = Type.Object(
  {
    amount: PositiveMinorUnits,
    currency: CurrencyCode,
    destination: Type.String({
      minLength: 4,
      maxLength: 100,
      pattern: '\\S',
      description: 'Where to pay it: a Sheba (IBAN) such as IR06 2960 0000 0010 0324 2000 01, or an account you name',
    }),
  },
  { additionalProperties: false },
)
export type WithdrawalBody = Static<typeof WithdrawalBody>
export const WithdrawalView = Type.Object(
  {
    id: Id,
    userId: Id,
    amount: MinorUnits,
    currency: CurrencyCode,
    destination: Type.String(),
    status: Type.Enum(WITHDRAWAL_STATUSES),
    note: Nullable(Type.String({ description: "The admin's note (a rejection's reason)" })),
    decidedAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'WalletWithdrawal' },
)
export const WithdrawalQuery = Type.Object(
  { status: Type.Optional(Type.Enum(WITHDRAWAL_STATUSES)), ...PageQuery },
  { additionalProperties: false },
)
export type WithdrawalQuery = Static<typeof WithdrawalQuery>
export const DecisionBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })

export const AdjustmentResult = Type.Object({ transferId: Id, balance: BalanceView })

export const LedgerCheck = Type.Object(
  {
    ok: Type.Boolean({ description: 'Every invariant holds' }),
    violations: Type.Array(Type.Object({ rule: Type.String(), subject: Type.String(), detail: Type.String() })),
    currencies: Type.Array(Type.Object({ currency: Type.String(), accounts: Type.Integer(), transfers: Type.Integer() })),
  },
  { $id: 'LedgerCheck' },
)

// ---- the ledger explorer (admins)

const ledgerAmount = (description = 'Signed amount in minor units') => Type.String({ pattern: '^-?(0|[1-9][0-9]{0,77})$', description })
export const LEDGER_ACCOUNT_KINDS = ['wallet', 'platform'] as const

export const LedgerAccountView = Type.Object(
  {
    id: Id,
    kind: Type.Enum(LEDGER_ACCOUNT_KINDS, { description: 'A user’s wallet, or a platform account (clearing, revenue …)' }),
    userId: Nullable(Id),
    code: Nullable(Type.String({ description: 'A platform account’s code, e.g. revenue or clearing:test' })),
    currency: CurrencyCode,
    noOverdraft: Type.Boolean({ description: 'May never go below zero (every wallet)' }),
    balance: ledgerAmount('credits posted − debits posted; a platform account may be below zero'),
    held: Type.String({ description: 'Debits pending (holds on the account)' }),
    available: ledgerAmount('balance − held'),
    debitsPosted: MinorUnits,
    creditsPosted: MinorUnits,
    debitsPending: MinorUnits,
    creditsPending: MinorUnits,
    createdAt: Timestamp,
  },
  { $id: 'LedgerAccount' },
)
export const LedgerAccountsQuery = Type.Object(
  {
    kind: Type.Optional(Type.Enum(LEDGER_ACCOUNT_KINDS)),
    currency: Type.Optional(CurrencyCode),
    userId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
)
export type LedgerAccountsQuery = Static<typeof LedgerAccountsQuery>

export const LedgerPostingView = Type.Object(
  {
    transferId: Id,
    kind: TransferKind,
    amount: ledgerAmount('− on the debit side, + on the credit side'),
    balanceAfter: ledgerAmount('The account’s posted balance right after this posting'),
    currency: CurrencyCode,
    counterAccountId: Type.String({ pattern: UUID_PATTERN, description: 'The transfer’s other account' }),
    ref: Nullable(Type.String()),
    memo: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'LedgerPosting' },
)
export const LedgerPostingsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })
export type LedgerPostingsQuery = Static<typeof LedgerPostingsQuery>

export const LedgerTransferView = Type.Object(
  {
    id: Id,
    kind: TransferKind,
    status: Type.Enum(TRANSFER_STATUSES),
    amount: MinorUnits,
    postedAmount: Nullable(Type.String({ description: 'What was posted (≤ amount); null while pending' })),
    currency: CurrencyCode,
    debitAccountId: Id,
    creditAccountId: Id,
    ref: Nullable(Type.String()),
    memo: Nullable(Type.String()),
    createdBy: Type.String({ description: 'Who caused it: user:<id>, apikey:<id> or system:<what>' }),
    createdAt: Timestamp,
    expiresAt: Nullable(Timestamp),
    resolvedAt: Nullable(Timestamp),
    postings: Type.Array(
      Type.Object({
        accountId: Id,
        amount: ledgerAmount(),
        balanceAfter: ledgerAmount(),
        createdAt: Timestamp,
      }),
      { description: 'Debit side first; none until the transfer is posted (or when it posted zero)' },
    ),
  },
  { $id: 'LedgerTransfer' },
)

export const walletSchemas = [
  BalanceView,
  HoldView,
  WalletView,
  TransactionView,
  WalletPaymentView,
  WalletSettingsView,
  WithdrawalView,
  LedgerCheck,
  LedgerAccountView,
  LedgerPostingView,
  LedgerTransferView,
  CheckoutInfo,
]
export const walletTags = [{ name: 'wallet', description: 'Balances on a double-entry ledger, top-ups, adjustments and statements' }]
