// Ledger rows as the API shows them.
import type { AccountRow, PostingRow, TransferRow, WalletPaymentRow, WithdrawalRow } from './repo'
import type { BalanceView } from './schemas'

export function balanceView(a: AccountRow): BalanceView {
  const balance = a.creditsPosted - a.debitsPosted
  return {
    currency: a.currency,
    balance: balance.toString(),
    held: a.debitsPending.toString(),
    available: (balance - a.debitsPending).toString(),
  }
}

export const holdView = (t: TransferRow) => ({
  id: t.id,
  kind: t.kind,
  amount: t.amount.toString(),
  currency: t.currency,
  ref: t.ref,
  memo: t.memo,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
})

export const transactionView = ({ posting, transfer }: { posting: PostingRow; transfer: TransferRow }) => ({
  id: transfer.id,
  kind: transfer.kind,
  amount: posting.amount.toString(),
  balanceAfter: posting.balanceAfter.toString(),
  currency: posting.currency,
  ref: transfer.ref,
  memo: transfer.memo,
  createdAt: posting.createdAt.toISOString(),
})

export const walletPaymentView = (p: WalletPaymentRow) => ({
  id: p.id,
  status: p.status,
  amount: p.amount.toString(),
  currency: p.currency,
  purpose: { type: p.purposeType, ref: p.purposeRef },
  description: p.description,
  failure: p.failure,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
})

export const withdrawalView = (w: WithdrawalRow) => ({
  id: w.id,
  userId: w.userId,
  amount: w.amount.toString(),
  currency: w.currency,
  destination: w.destination,
  status: w.status,
  note: w.note,
  decidedAt: w.decidedAt?.toISOString() ?? null,
  createdAt: w.createdAt.toISOString(),
})

// ---- the ledger explorer (admins)

export const ledgerAccountView = (a: AccountRow) => {
  const balance = a.creditsPosted - a.debitsPosted
  return {
    id: a.id,
    kind: a.userId ? ('wallet' as const) : ('platform' as const),
    userId: a.userId,
    code: a.code,
    currency: a.currency,
    noOverdraft: a.noOverdraft,
    balance: balance.toString(),
    held: a.debitsPending.toString(),
    available: (balance - a.debitsPending).toString(),
    debitsPosted: a.debitsPosted.toString(),
    creditsPosted: a.creditsPosted.toString(),
    debitsPending: a.debitsPending.toString(),
    creditsPending: a.creditsPending.toString(),
    createdAt: a.createdAt.toISOString(),
  }
}

export const ledgerPostingView = ({ posting, transfer }: { posting: PostingRow; transfer: TransferRow }) => ({
  transferId: transfer.id,
  kind: transfer.kind,
  amount: posting.amount.toString(),
  balanceAfter: posting.balanceAfter.toString(),
  currency: posting.currency,
  counterAccountId: posting.accountId === transfer.debitAccountId ? transfer.creditAccountId : transfer.debitAccountId,
  ref: transfer.ref,
  memo: transfer.memo,
  createdAt: posting.createdAt.toISOString(),
})

export const ledgerTransferView = (t: TransferRow, postings: PostingRow[]) => ({
  id: t.id,
  kind: t.kind,
  status: t.status,
  amount: t.amount.toString(),
  postedAmount: t.postedAmount?.toString() ?? null,
  currency: t.currency,
  debitAccountId: t.debitAccountId,
  creditAccountId: t.creditAccountId,
  ref: t.ref,
  memo: t.memo,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  resolvedAt: t.resolvedAt?.toISOString() ?? null,
  // Debit side first, whatever order they were written in.
  postings: [...postings]
    .sort((a, b) => Number(b.accountId === t.debitAccountId) - Number(a.accountId === t.debitAccountId))
    .map((p) => ({
      accountId: p.accountId,
      amount: p.amount.toString(),
      balanceAfter: p.balanceAfter.toString(),
      createdAt: p.createdAt.toISOString(),
    })),
})
