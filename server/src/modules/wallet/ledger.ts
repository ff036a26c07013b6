// The ledger's rules, run inside the caller's transaction so a transfer commits with what caused it.
// (Transfers between users' wallets are written in batches by transfer-batches.ts, to the same rules.)
// - A transfer is idempotent by its id: the row is claimed first (a second caller with the same id
//   waits on the primary key, then reads the first one's result); the same id with other terms is
//   refused.
// - The two accounts are moved in id order, so two transfers between the same accounts in opposite
//   directions cannot deadlock; each move is one conditional UPDATE, which is also the row lock.
// - A no-overdraft account (every wallet) moves only when it can cover the debit; a CHECK on the
//   table holds the same rule should any code forget it.
// - Pending transfers (holds) move the pending counters; posting one (all or part) or voiding it
//   releases them. Only posted amounts write postings, with each account's balance after them.
import { AppError, defineProblemTypes } from '../../core/http/errors'
import type { Executor } from '../../core/db/client'
import type { Currency } from '../../core/money/currency'
import { accountsRepo, postingsRepo, transfersRepo, type AccountRow, type CounterMove, type TransferRow } from './repo'
import type { TransferKind } from './tables'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    insufficient_funds: true
    wallet_limit_exceeded: true
    ledger_transfer_conflict: true
    hold_not_pending: true
    withdrawal_decided: true
    hold_expired: true
  }
}

defineProblemTypes({
  insufficient_funds: { status: 409, title: 'The wallet does not hold enough for this' },
  wallet_limit_exceeded: { status: 422, title: 'The amount is over the wallet’s transfer limit' },
  ledger_transfer_conflict: { status: 409, title: 'A transfer with this id was made with other terms' },
  hold_not_pending: { status: 409, title: 'The hold was already posted or released' },
  withdrawal_decided: { status: 409, title: 'The withdrawal was already decided' },
  hold_expired: { status: 409, title: 'The hold expired and its amount was released' },
})

export interface TransferSpec {
  id: string
  debitAccountId: string
  creditAccountId: string
  amount: bigint
  currency: Currency
  kind: TransferKind
  /** A hold: the amount is reserved, not moved, until posted or voided (or it expires). */
  pending?: { expiresAt: Date }
  ref?: string | null
  memo?: string | null
  metadata?: Record<string, string>
  /** Principal key of who caused it, or `system:<what>`. */
  createdBy: string
}

export interface TransferOutcome {
  transfer: TransferRow
  /** False when this id had been used: nothing moved this time. */
  created: boolean
  /** The accounts after the transfer (only when created). */
  accounts: AccountRow[]
}

const sameTerms = (row: TransferRow, spec: TransferSpec) =>
  row.debitAccountId === spec.debitAccountId &&
  row.creditAccountId === spec.creditAccountId &&
  row.amount === spec.amount &&
  row.currency === spec.currency &&
  row.kind === spec.kind &&
  (row.status === 'pending' || row.expiresAt !== null) === Boolean(spec.pending)

/** Moves both sides in id order; throws (and so rolls the caller back) when a side cannot move. */
async function moveBoth(
  x: Executor,
  currency: Currency,
  debit: { id: string; move: CounterMove },
  credit: { id: string; move: CounterMove },
): Promise<{ debit: AccountRow; credit: AccountRow }> {
  const moved = new Map<string, AccountRow>()
  for (const side of [debit, credit].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const row = await accountsRepo.move(x, side.id, currency, side.move)
    if (!row) throw await whyNot(x, side.id, currency, side.move.cover)
    moved.set(side.id, row)
  }
  return { debit: moved.get(debit.id)!, credit: moved.get(credit.id)! }
}

async function whyNot(x: Executor, accountId: string, currency: Currency, cover: bigint | undefined): Promise<AppError> {
  const account = await accountsRepo.byId(x, accountId)
  if (!account) return new AppError('not_found', 'No such ledger account')
  if (account.currency !== currency) return new AppError('validation', `The account holds ${account.currency}, not ${currency}`)
  const available = account.creditsPosted - account.debitsPosted - account.debitsPending
  return new AppError('insufficient_funds', `Available ${available} ${currency} (minor units), needed ${cover ?? 0n}`)
}

const balance = (a: AccountRow) => a.creditsPosted - a.debitsPosted

async function writePostings(x: Executor, t: TransferRow, amount: bigint, debit: AccountRow, credit: AccountRow) {
  if (amount === 0n) return
  await postingsRepo.insert(x, [
    { transferId: t.id, accountId: debit.id, amount: -amount, balanceAfter: balance(debit), currency: t.currency },
    { transferId: t.id, accountId: credit.id, amount, balanceAfter: balance(credit), currency: t.currency },
  ])
}

export const ledger = {
  async transfer(x: Executor, spec: TransferSpec): Promise<TransferOutcome> {
    if (spec.amount <= 0n) throw new AppError('validation', 'A transfer moves more than zero')
    if (spec.debitAccountId === spec.creditAccountId) throw new AppError('validation', 'A transfer needs two different accounts')
    const claimed = await transfersRepo.claim(x, {
      id: spec.id,
      debitAccountId: spec.debitAccountId,
      creditAccountId: spec.creditAccountId,
      amount: spec.amount,
      currency: spec.currency,
      kind: spec.kind,
      status: spec.pending ? 'pending' : 'posted',
      postedAmount: spec.pending ? null : spec.amount,
      expiresAt: spec.pending?.expiresAt ?? null,
      ref: spec.ref ?? null,
      memo: spec.memo ?? null,
      metadata: spec.metadata ?? {},
      createdBy: spec.createdBy,
      resolvedAt: spec.pending ? null : new Date(),
    })
    if (!claimed) {
      const first = (await transfersRepo.byId(x, spec.id))!
      if (!sameTerms(first, spec)) throw new AppError('ledger_transfer_conflict')
      return { transfer: first, created: false, accounts: [] }
    }
    const a = spec.amount
    const { debit, credit } = spec.pending
      ? await moveBoth(
          x,
          spec.currency,
          { id: spec.debitAccountId, move: { debitsPending: a, cover: a } },
          { id: spec.creditAccountId, move: { creditsPending: a } },
        )
      : await moveBoth(
          x,
          spec.currency,
          { id: spec.debitAccountId, move: { debitsPosted: a, cover: a } },
          { id: spec.creditAccountId, move: { creditsPosted: a } },
        )
    if (!spec.pending) await writePostings(x, claimed, a, debit, credit)
    return { transfer: claimed, created: true, accounts: [debit, credit] }
  },

  /** Posts a hold: `amount` (default all of it, at most all) moves, the rest is released. Posting twice answers the first. */
  async post(x: Executor, id: string, amount?: bigint): Promise<TransferOutcome> {
    const t = await transfersRepo.byId(x, id, true)
    if (!t) throw new AppError('not_found', 'No such hold')
    if (t.status === 'posted' && (amount === undefined || amount === t.postedAmount)) return { transfer: t, created: false, accounts: [] }
    if (t.status !== 'pending') throw new AppError('hold_not_pending')
    if (t.expiresAt && t.expiresAt.getTime() <= Date.now()) {
      await ledger.void(x, id)
      throw new AppError('hold_expired')
    }
    const posted = amount ?? t.amount
    if (posted < 0n || posted > t.amount) throw new AppError('validation', `A hold of ${t.amount} cannot post ${posted}`)
    const { debit, credit } = await moveBoth(
      x,
      t.currency,
      { id: t.debitAccountId, move: { debitsPending: -t.amount, debitsPosted: posted } },
      { id: t.creditAccountId, move: { creditsPending: -t.amount, creditsPosted: posted } },
    )
    const resolved = await transfersRepo.resolve(x, id, 'posted', posted)
    await writePostings(x, resolved, posted, debit, credit)
    return { transfer: resolved, created: true, accounts: [debit, credit] }
  },

  /** Releases a hold; releasing it twice answers the first. */
  async void(x: Executor, id: string): Promise<TransferOutcome> {
    const t = await transfersRepo.byId(x, id, true)
    if (!t) throw new AppError('not_found', 'No such hold')
    if (t.status === 'voided') return { transfer: t, created: false, accounts: [] }
    if (t.status !== 'pending') throw new AppError('hold_not_pending')
    const { debit, credit } = await moveBoth(
      x,
      t.currency,
      { id: t.debitAccountId, move: { debitsPending: -t.amount } },
      { id: t.creditAccountId, move: { creditsPending: -t.amount } },
    )
    return { transfer: await transfersRepo.resolve(x, id, 'voided', 0n), created: true, accounts: [debit, credit] }
  },
}
