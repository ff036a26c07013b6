// Transfers between users' wallets that arrive together are written together (core/db/group-commit):
// one transaction and a fixed handful of statements for the batch, whatever its size — the wallets
// locked in id order in one statement, the day's totals read in one, then the transfers, the
// counters, the postings and the audit rows in one statement. The ledger's rules are
// applied here, in order, to the locked rows: a sender covers each amount from what it holds after
// the batch's earlier transfers, and its day's total counts them too. The CHECKs on the tables
// hold the same rules should this code be wrong (the batch then fails and each transfer is written
// again alone). The batch's fraud checks are decided first, in the same transaction (a blocked
// transfer writes nothing but its assessment). The single transfers of the rest of the wallet go
// through ledger.ts.
// A transfer keeps its request's Idempotency-Key on its row: after the sender's fraud lock (which
// every transfer of that sender waits for, on any node) the batch reads which of its keys made a
// transfer already (in the statement that locks its wallets), and those requests are answered by
// it instead of moving money again; a key sent twice in one batch is made once, its twin answered
// by the first's outcome.
import type { Audit, AuditEntry } from '../../core/audit/service'
import type { Db } from '../../core/db/client'
import { createGroupCommit, type ItemResult } from '../../core/db/group-commit'
import { newId } from '../../core/db/ids'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { Currency } from '../../core/money/currency'
import type { FraudChecks, PreparedCheck } from '../fraud'
import { accountsRepo, transfersRepo, type AccountRow, type NewPostedTransfer, type NewPosting, type TransferRow } from './repo'

const DAY_MS = 86_400_000

export interface TransferRequest {
  /** New: a transfer's id is never reused (retries are answered by the route's Idempotency-Key). */
  id: string
  fromUserId: string
  toUserId: string
  amount: bigint
  currency: Currency
  memo: string | null
  actor: Principal
  /** The most the sender may send in 24 hours in this currency, if limited. */
  perDay?: bigint
  /** The transfer's fraud check, decided in the batch's transaction. */
  check: PreparedCheck
  /** The request's Idempotency-Key: kept on the transfer, which answers the key's retries. */
  idempotencyKey: string | null
}

export interface TransferWritten {
  /** The transfer made: this request's, or for a replay the one the key made before. */
  transferId: string
  /** Both wallets right after this transfer (not after the rest of its batch); for a replay, as they stand. */
  from: AccountRow
  to: AccountRow
  /** The key's transfer was made before (by an earlier request or this batch's twin): nothing moved now. */
  replayed: boolean
}

const emptyWallet = (userId: string, currency: Currency): AccountRow => ({
  id: newId(),
  currency,
  userId,
  code: null,
  noOverdraft: true,
  debitsPosted: 0n,
  creditsPosted: 0n,
  debitsPending: 0n,
  creditsPending: 0n,
  createdAt: new Date(),
})
class OpenedMeanwhile extends Error {
  constructor() {
    super('a wallet this batch was opening was opened by another transaction')
  }
}

const balance = (a: AccountRow) => a.creditsPosted - a.debitsPosted
/** Who sent a keyed request and its key; undefined without a key. */
const keyOf = (item: TransferRequest) =>
  item.idempotencyKey === null ? undefined : { createdBy: principalKey(item.actor), key: item.idempotencyKey }
/** One string per sender and key, to look a key up by. */
const keyName = (createdBy: string, key: string | null) => `${createdBy}\n${key}`
/** The same key with the same request (a retry), not another request reusing the key. */
const sameRequest = (a: TransferRequest, b: TransferRequest) =>
  a.toUserId === b.toUserId && a.amount === b.amount && a.currency === b.currency && a.memo === b.memo

/** The answer to a retry of a transfer made before: the wallets as they stand, or 422 when the key was used for another transfer. */
function replay(
  item: TransferRequest,
  made: TransferRow,
  wallet: (userId: string, currency: Currency) => AccountRow,
): ItemResult<TransferWritten> {
  const from = wallet(item.fromUserId, item.currency)
  const to = wallet(item.toUserId, item.currency)
  const same =
    made.debitAccountId === from.id &&
    made.creditAccountId === to.id &&
    made.amount === item.amount &&
    made.currency === item.currency &&
    made.memo === item.memo
  if (!same) return { ok: false, error: new AppError('idempotency_mismatch') }
  return { ok: true, value: { transferId: made.id, from: { ...from }, to: { ...to }, replayed: true } }
}
const walletKey = (userId: string, currency: Currency) => `${userId}:${currency}`

export function createTransferBatches(deps: {
  db: Db
  events: EventBus
  audit: Audit
  /** The event a wallet's new balance raises. */
  changed: (account: AccountRow) => DomainEvent
  fraud: Pick<FraudChecks, 'decideIn'>
}) {
  const { db, events, audit } = deps

  /** Why the sender cannot make this transfer now, or undefined when it can. */
  function refusal(item: TransferRequest, from: AccountRow, sentToday: bigint): AppError | undefined {
    if (item.amount <= 0n) return new AppError('validation', 'A transfer moves more than zero')
    if (item.perDay !== undefined && sentToday + item.amount > item.perDay)
      return new AppError(
        'wallet_limit_exceeded',
        `At most ${item.perDay} ${item.currency} (minor units) a day; ${sentToday} sent in the last 24 hours`,
      )
    const available = balance(from) - from.debitsPending
    if (from.noOverdraft && available < item.amount)
      return new AppError('insufficient_funds', `Available ${available} ${item.currency} (minor units), needed ${item.amount}`)
    return undefined
  }

  /** One try at the batch's transaction; throws OpenedMeanwhile when another opened a wallet it was opening. */
  async function attempt(items: TransferRequest[]): Promise<ItemResult<TransferWritten>[]> {
    return events.inTransaction(db, async (tx, raise) => {
      // Its advisory locks first, as in every path that takes them, then the wallets'.
      const verdicts = await deps.fraud.decideIn(
        tx,
        raise,
        items.map((i) => i.check),
      )
      const pairs = items.flatMap((i) => [
        { userId: i.fromUserId, currency: i.currency },
        { userId: i.toUserId, currency: i.currency },
      ])
      const keys = items.flatMap((i) => keyOf(i) ?? [])
      const locked = await transfersRepo.lockWalletsAndKeys(tx, pairs, keys)
      // Copies: the loop below moves them as each transfer goes through. A wallet not opened yet
      // holds nothing: it is opened by the first transfer into it (a refused one opens none).
      const wallets = new Map(locked.wallets.map((a) => [walletKey(a.userId!, a.currency), { ...a }]))
      const unopened = new Map<string, AccountRow>()
      const wallet = (userId: string, currency: Currency) => {
        const key = walletKey(userId, currency)
        const found = wallets.get(key) ?? unopened.get(key)
        if (found) return found
        const fresh = emptyWallet(userId, currency)
        unopened.set(key, fresh)
        return fresh
      }
      const limitedSenders = [...new Set(items.filter((i) => i.perDay !== undefined).map((i) => wallet(i.fromUserId, i.currency).id))]
      const sent = limitedSenders.length
        ? await transfersRepo.sentSince(tx, limitedSenders, 'transfer', new Date(Date.now() - DAY_MS))
        : new Map<string, bigint>()

      const now = new Date()
      const transfers: NewPostedTransfer[] = []
      const postings: NewPosting[] = []
      const entries: AuditEntry[] = []
      const moves = new Map<string, { id: string; debits: bigint; credits: bigint }>()
      const move = (id: string, debits: bigint, credits: bigint) => {
        const m = moves.get(id) ?? { id, debits: 0n, credits: 0n }
        moves.set(id, { id, debits: m.debits + debits, credits: m.credits + credits })
      }
      const made = new Map(locked.made.map((t) => [keyName(t.createdBy, t.idempotencyKey), t]))
      // A key's first request in this batch, and its outcome, for its twins.
      const firsts = new Map<string, { item: TransferRequest; result: ItemResult<TransferWritten> }>()
      const results = items.map((item, n): ItemResult<TransferWritten> => {
        const key = keyOf(item)
        const id = key && keyName(key.createdBy, key.key)
        const before = id ? made.get(id) : undefined
        if (before) return replay(item, before, wallet)
        const twin = id ? firsts.get(id) : undefined
        if (twin) {
          if (!sameRequest(item, twin.item)) return { ok: false, error: new AppError('idempotency_mismatch') }
          const { result } = twin
          return result.ok ? { ok: true, value: { ...result.value, replayed: true } } : result
        }
        const result = apply(item, n)
        if (id) firsts.set(id, { item, result })
        return result
      })
      function apply(item: TransferRequest, n: number): ItemResult<TransferWritten> {
        const verdict = verdicts[n]
        if (!verdict.ok) return verdict
        const from = wallet(item.fromUserId, item.currency)
        const to = wallet(item.toUserId, item.currency)
        const sentToday = sent.get(from.id) ?? 0n
        const refused = refusal(item, from, sentToday)
        if (refused) return { ok: false, error: refused }
        const { id, amount, currency } = item
        sent.set(from.id, sentToday + amount)
        from.debitsPosted += amount
        to.creditsPosted += amount
        move(from.id, amount, 0n)
        move(to.id, 0n, amount)
        transfers.push({
          id,
          debitAccountId: from.id,
          creditAccountId: to.id,
          amount,
          currency,
          kind: 'transfer',
          memo: item.memo,
          createdBy: principalKey(item.actor),
          idempotencyKey: item.idempotencyKey,
          createdAt: now,
        })
        postings.push(
          { transferId: id, accountId: from.id, amount: -amount, balanceAfter: balance(from), currency },
          { transferId: id, accountId: to.id, amount, balanceAfter: balance(to), currency },
        )
        entries.push({
          actor: item.actor,
          action: 'wallet.transferred',
          targetType: 'user',
          targetId: item.toUserId,
          data: { transferId: id, amount: amount.toString(), currency },
        })
        const written = { transferId: id, from: { ...from }, to: { ...to }, replayed: false }
        raise(deps.changed(written.from))
        raise(deps.changed(written.to))
        return { ok: true, value: written }
      }
      const credited = new Set(transfers.map((t) => t.creditAccountId))
      const opening = [...unopened.values()].filter((w) => credited.has(w.id))
      // Another transaction opened one of them first (its insert waited for that commit): this try
      // counted the wallet as empty, so it is rolled back and the batch tried again, finding it.
      const opened = await accountsRepo.openWallets(
        tx,
        opening.map((w) => ({ id: w.id, userId: w.userId!, currency: w.currency })),
      )
      if (opened < opening.length) throw new OpenedMeanwhile()
      // The transfers, counters, postings and audit rows: one statement.
      await audit.appendMany(tx, entries, (auditRows) =>
        transfersRepo.insertPosted(tx, { transfers, moves: [...moves.values()], postings }, auditRows),
      )
      return results
    })
  }

  async function write(items: TransferRequest[]): Promise<ItemResult<TransferWritten>[]> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt(items)
      } catch (error) {
        if (!(error instanceof OpenedMeanwhile) || tries === 3) throw error
      }
    }
  }

  // Two batches at once never share a user: the second would wait on the first's fraud lock and
  // wallet rows, holding its own (core/db/group-commit: keys).
  const batches = createGroupCommit<TransferRequest, TransferWritten>({
    write,
    maxBatch: 100,
    maxInFlight: 2,
    keys: (r) => [r.fromUserId, r.toUserId],
  })
  return { submit: batches.submit }
}
