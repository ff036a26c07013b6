// The wallet's SQL, and nothing else: every function takes the executor (db or a transaction) it
// runs on; the ledger's rules live in ledger.ts.
import { and, asc, desc, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { compiledSelectPair } from '../../core/db/prepared'
import { unnestColumns, unnestRows, type UnnestColumn } from '../../core/db/unnest'
import type { Currency } from '../../core/money/currency'
import {
  ledgerAccounts,
  ledgerPostings,
  ledgerTransfers,
  walletPayments,
  walletWithdrawals,
  type PlatformCode,
  type TransferKind,
  type TransferStatus,
  type WalletPaymentStatus,
  type WithdrawalStatus,
} from './tables'

export type AccountRow = typeof ledgerAccounts.$inferSelect
export type TransferRow = typeof ledgerTransfers.$inferSelect
export type PostingRow = typeof ledgerPostings.$inferSelect
export type NewPosting = Pick<PostingRow, 'transferId' | 'accountId' | 'amount' | 'balanceAfter' | 'currency'>
/** A direct (posted) transfer as a batch writes it. */
export type NewPostedTransfer = Pick<
  TransferRow,
  'id' | 'debitAccountId' | 'creditAccountId' | 'amount' | 'currency' | 'kind' | 'memo' | 'createdBy' | 'idempotencyKey' | 'createdAt'
>
export type WalletPaymentRow = typeof walletPayments.$inferSelect
export type WithdrawalRow = typeof walletWithdrawals.$inferSelect

const num = (value: bigint) => sql`${value.toString()}::numeric`

/** How an account's counters move; `cover` asks that a no-overdraft account can still pay this much. */
export interface CounterMove {
  debitsPosted?: bigint
  creditsPosted?: bigint
  debitsPending?: bigint
  creditsPending?: bigint
  cover?: bigint
}

/** Opens an account (read first: an existing one costs no write); two openers at once open one. */
async function open(x: Executor, row: typeof ledgerAccounts.$inferInsert, where: SQL | undefined): Promise<AccountRow> {
  await x.insert(ledgerAccounts).values(row).onConflictDoNothing()
  const [opened] = await x.select().from(ledgerAccounts).where(where)
  return opened
}

/**
 * A transfer batch's first read, built once (core/db/prepared.ts): its wallets locked in id order,
 * and the transfers its requests' Idempotency-Keys made already. One statement, so one round trip:
 * each one costs a batch about as much as the work in it under load.
 */
const walletPairs = unnestColumns('w_', {
  user_id: ['uuid', (p: { userId: string; currency: Currency }) => p.userId],
  currency: ['text', (p) => p.currency],
})
const keyPairs = unnestColumns('k_', {
  created_by: ['text', (k: { createdBy: string; key: string }) => k.createdBy],
  key: ['text', (k) => k.key],
})
const selectLockedWalletsAndKeys = compiledSelectPair(
  {
    table: ledgerAccounts,
    tail: () => sql`where (${ledgerAccounts.userId}, ${ledgerAccounts.currency}) in (select user_id, currency from ${walletPairs.rows})
    order by ${ledgerAccounts.id} for update`,
  },
  {
    table: ledgerTransfers,
    tail: () => sql`where idempotency_key is not null and (created_by, idempotency_key) in (select created_by, key from ${keyPairs.rows})`,
  },
)

export const accountsRepo = {
  /** The user's wallet in that currency, opened on first use (two callers at once open one). */
  async wallet(x: Executor, userId: string, currency: Currency): Promise<AccountRow> {
    const where = and(eq(ledgerAccounts.userId, userId), eq(ledgerAccounts.currency, currency))
    return (await x.select().from(ledgerAccounts).where(where))[0] ?? open(x, { id: newId(), currency, userId, noOverdraft: true }, where)
  },
  /** A platform account (clearing, revenue, adjustments …): it may go below zero. */
  async platform(x: Executor, code: PlatformCode, currency: Currency): Promise<AccountRow> {
    const where = and(eq(ledgerAccounts.code, code), eq(ledgerAccounts.currency, currency))
    return (await x.select().from(ledgerAccounts).where(where))[0] ?? open(x, { id: newId(), currency, code, noOverdraft: false }, where)
  },
  async byId(x: Executor, id: string): Promise<AccountRow | undefined> {
    const [row] = await x.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, id))
    return row
  },
  async walletsOf(x: Executor, userId: string): Promise<AccountRow[]> {
    return x.select().from(ledgerAccounts).where(eq(ledgerAccounts.userId, userId)).orderBy(asc(ledgerAccounts.currency))
  },
  /** What all users' wallets hold per currency (posted balances, held amounts included): the platform's liability to them. */
  async liabilities(x: Executor): Promise<{ currency: Currency; amount: string }[]> {
    return x
      .select({
        currency: ledgerAccounts.currency,
        amount: sql<string>`sum(${ledgerAccounts.creditsPosted} - ${ledgerAccounts.debitsPosted})::text`,
      })
      .from(ledgerAccounts)
      .where(sql`${ledgerAccounts.userId} is not null`)
      .groupBy(ledgerAccounts.currency)
      .orderBy(asc(ledgerAccounts.currency))
  },
  /**
   * Moves the counters of one account of that currency in one statement (which locks its row until
   * the commit). Undefined when the account is not there, is in another currency, or must not
   * overdraw and cannot cover `cover`: nothing moved then.
   */
  async move(x: Executor, accountId: string, currency: Currency, m: CounterMove): Promise<AccountRow | undefined> {
    const set: Partial<Record<'debitsPosted' | 'creditsPosted' | 'debitsPending' | 'creditsPending', SQL>> = {}
    for (const field of ['debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'] as const) {
      const delta = m[field]
      if (delta !== undefined && delta !== 0n) set[field] = sql`${ledgerAccounts[field]} + ${num(delta)}`
    }
    const conditions = [eq(ledgerAccounts.id, accountId), eq(ledgerAccounts.currency, currency)]
    if (m.cover !== undefined)
      conditions.push(
        sql`(not ${ledgerAccounts.noOverdraft} or ${ledgerAccounts.creditsPosted} - ${ledgerAccounts.debitsPosted} - ${ledgerAccounts.debitsPending} >= ${num(m.cover)})`,
      )
    const [row] = Object.keys(set).length
      ? await x
          .update(ledgerAccounts)
          .set(set)
          .where(and(...conditions))
          .returning()
      : await x
          .select()
          .from(ledgerAccounts)
          .where(and(...conditions))
          .for('update')
    return row
  },
  /** Opens wallets with the ids given; how many were opened (fewer when another opened one of them first). */
  async openWallets(x: Executor, wallets: readonly { id: string; userId: string; currency: Currency }[]): Promise<number> {
    if (!wallets.length) return 0
    const v = unnestRows(wallets, {
      id: ['uuid', (w) => w.id],
      currency: ['text', (w) => w.currency],
      user_id: ['uuid', (w) => w.userId],
      no_overdraft: ['boolean', () => true],
    })
    const opened = await x.execute(
      sql`insert into ledger_accounts (${v.names}) select * from ${v.rows} on conflict do nothing returning id`,
    )
    return opened.rows.length
  },
  /** The ledger explorer's list: newest first, keyset by id (UUIDv7); `limit + 1` rows for pageOf. */
  async list(x: Executor, f: { kind?: 'wallet' | 'platform'; userId?: string; currency?: Currency; before?: string; limit: number }) {
    const conditions: SQL[] = []
    if (f.kind === 'wallet') conditions.push(sql`${ledgerAccounts.userId} is not null`)
    if (f.kind === 'platform') conditions.push(sql`${ledgerAccounts.code} is not null`)
    if (f.userId) conditions.push(eq(ledgerAccounts.userId, f.userId))
    if (f.currency) conditions.push(eq(ledgerAccounts.currency, f.currency))
    if (f.before) conditions.push(lt(ledgerAccounts.id, f.before))
    return x
      .select()
      .from(ledgerAccounts)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(ledgerAccounts.id))
      .limit(f.limit + 1)
  },
}

export const transfersRepo = {
  /** Inserts the transfer unless its id is taken (then undefined: the caller reads the first one). */
  async claim(x: Executor, row: typeof ledgerTransfers.$inferInsert): Promise<TransferRow | undefined> {
    const [inserted] = await x.insert(ledgerTransfers).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byId(x: Executor, id: string, lock = false): Promise<TransferRow | undefined> {
    const query = x.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, id))
    const [row] = lock ? await query.for('update') : await query
    return row
  },
  async resolve(x: Executor, id: string, status: TransferStatus, postedAmount: bigint): Promise<TransferRow> {
    const [row] = await x
      .update(ledgerTransfers)
      .set({ status, postedAmount, resolvedAt: new Date() })
      .where(eq(ledgerTransfers.id, id))
      .returning()
    return row
  },
  /** What each account sent by transfers of this kind since `since` (holds included, releases not); absent = nothing. */
  async sentSince(x: Executor, accountIds: readonly string[], kind: TransferKind, since: Date): Promise<Map<string, bigint>> {
    const rows = await x
      .select({ accountId: ledgerTransfers.debitAccountId, total: sql<string>`sum(${ledgerTransfers.amount})::text` })
      .from(ledgerTransfers)
      .where(
        and(
          sql`${ledgerTransfers.debitAccountId} = any(${sql.param([...accountIds])}::uuid[])`,
          eq(ledgerTransfers.kind, kind),
          sql`${ledgerTransfers.status} <> 'voided'`,
          sql`${ledgerTransfers.createdAt} > ${since.toISOString()}::timestamptz`,
        ),
      )
      .groupBy(ledgerTransfers.debitAccountId)
    return new Map(rows.map((r) => [r.accountId, BigInt(r.total)]))
  },
  /**
   * Posted transfers with new ids, the accounts' posted counters they move (one row per account,
   * locked by the caller) and their postings, in one statement: data-modifying parts of one
   * `with`, with `along` (another insert carried in the same round trip: the audit rows). Each
   * row's CHECKs hold as in separate statements; the postings' foreign keys are checked at the
   * statement's end, when the transfers are in.
   */
  async insertPosted(
    x: Executor,
    batch: {
      transfers: readonly NewPostedTransfer[]
      moves: readonly { id: string; debits: bigint; credits: bigint }[]
      postings: readonly NewPosting[]
    },
    along?: SQL,
  ): Promise<void> {
    if (!batch.transfers.length) {
      // Nothing to post; what rides along is written all the same (a data-modifying WITH always runs).
      if (along) await x.execute(sql`with along as (${along}) select 1`)
      return
    }
    const t = unnestRows(batch.transfers, {
      id: ['uuid', (r) => r.id],
      debit_account_id: ['uuid', (r) => r.debitAccountId],
      credit_account_id: ['uuid', (r) => r.creditAccountId],
      amount: ['numeric', (r) => r.amount.toString()],
      currency: ['text', (r) => r.currency],
      kind: ['text', (r) => r.kind],
      status: ['text', () => 'posted'],
      posted_amount: ['numeric', (r) => r.amount.toString()],
      memo: ['text', (r) => r.memo],
      created_by: ['text', (r) => r.createdBy],
      idempotency_key: ['text', (r) => r.idempotencyKey],
      resolved_at: ['timestamptz', (r) => r.createdAt.toISOString()],
      created_at: ['timestamptz', (r) => r.createdAt.toISOString()],
    })
    const m = unnestRows(batch.moves, {
      id: ['uuid', (r) => r.id],
      debits: ['numeric', (r) => r.debits.toString()],
      credits: ['numeric', (r) => r.credits.toString()],
    })
    const p = unnestRows(batch.postings, POSTING_COLUMNS)
    await x.execute(sql`with ${along ? sql`along as (${along}),` : sql``} transfers as (insert into ledger_transfers (${t.names}) select * from ${t.rows}),
      counters as (update ledger_accounts a set debits_posted = a.debits_posted + v.debits, credits_posted = a.credits_posted + v.credits from ${m.rows} where a.id = v.id)
      insert into ledger_postings (${p.names}) select * from ${p.rows}`)
  },
  /** Holds past their expiry, oldest first. */
  async expired(x: Executor, now: Date, limit: number): Promise<string[]> {
    const rows = await x
      .select({ id: ledgerTransfers.id })
      .from(ledgerTransfers)
      .where(and(eq(ledgerTransfers.status, 'pending'), lte(ledgerTransfers.expiresAt, now)))
      .orderBy(asc(ledgerTransfers.expiresAt))
      .limit(limit)
    return rows.map((r) => r.id)
  },
  /**
   * A transfer batch's first read, one statement: the wallets of these (user, currency) pairs that
   * exist, each row locked until the commit, in id order as every transfer locks; and the transfers
   * these requests (by who sent them and their Idempotency-Key) made already.
   */
  async lockWalletsAndKeys(
    x: Executor,
    pairs: readonly { userId: string; currency: Currency }[],
    keys: readonly { createdBy: string; key: string }[],
  ): Promise<{ wallets: AccountRow[]; made: TransferRow[] }> {
    const [wallets, made] = await selectLockedWalletsAndKeys(x, { ...walletPairs.values(pairs), ...keyPairs.values(keys) })
    return { wallets, made }
  },
  async byIds(x: Executor, ids: string[]): Promise<TransferRow[]> {
    if (ids.length === 0) return []
    return x.select().from(ledgerTransfers).where(inArray(ledgerTransfers.id, ids))
  },
  /** An account's holds that are still pending (its "held" amount, itemized). */
  async pendingOf(x: Executor, accountId: string): Promise<TransferRow[]> {
    return x
      .select()
      .from(ledgerTransfers)
      .where(and(eq(ledgerTransfers.debitAccountId, accountId), eq(ledgerTransfers.status, 'pending')))
      .orderBy(desc(ledgerTransfers.createdAt))
  },
}

const POSTING_COLUMNS: Record<string, UnnestColumn<NewPosting>> = {
  transfer_id: ['uuid', (r) => r.transferId],
  account_id: ['uuid', (r) => r.accountId],
  amount: ['numeric', (r) => r.amount.toString()],
  balance_after: ['numeric', (r) => r.balanceAfter.toString()],
  currency: ['text', (r) => r.currency],
}

export const postingsRepo = {
  /** Postings in one statement; their seqs follow the order given (an account's history is by seq). */
  async insert(x: Executor, rows: readonly NewPosting[]): Promise<void> {
    if (!rows.length) return
    const v = unnestRows(rows, POSTING_COLUMNS)
    await x.execute(sql`insert into ledger_postings (${v.names}) select * from ${v.rows}`)
  },
  /** A transfer's postings (two once posted, none before), in the order written. */
  async ofTransfer(x: Executor, transferId: string): Promise<PostingRow[]> {
    return x.select().from(ledgerPostings).where(eq(ledgerPostings.transferId, transferId)).orderBy(asc(ledgerPostings.seq))
  },
  /** Accounts' postings, newest first (or oldest first), with their transfers; keyset by seq. */
  async history(
    x: Executor,
    filter: { accountIds: string[]; beforeSeq?: bigint; from?: Date; to?: Date; limit: number; oldestFirst?: boolean },
  ) {
    if (filter.accountIds.length === 0) return []
    const conditions: SQL[] = [inArray(ledgerPostings.accountId, filter.accountIds)]
    if (filter.beforeSeq !== undefined) conditions.push(lt(ledgerPostings.seq, filter.beforeSeq))
    if (filter.from) conditions.push(sql`${ledgerPostings.createdAt} >= ${filter.from.toISOString()}::timestamptz`)
    if (filter.to) conditions.push(sql`${ledgerPostings.createdAt} < ${filter.to.toISOString()}::timestamptz`)
    return x
      .select({ posting: ledgerPostings, transfer: ledgerTransfers })
      .from(ledgerPostings)
      .innerJoin(ledgerTransfers, eq(ledgerTransfers.id, ledgerPostings.transferId))
      .where(and(...conditions))
      .orderBy(filter.oldestFirst ? asc(ledgerPostings.seq) : desc(ledgerPostings.seq))
      .limit(filter.limit)
  },
}

export const walletPaymentsRepo = {
  /** Undefined when the id is taken. */
  async insert(x: Executor, row: typeof walletPayments.$inferInsert): Promise<WalletPaymentRow | undefined> {
    const [inserted] = await x.insert(walletPayments).values(row).onConflictDoNothing({ target: walletPayments.id }).returning()
    return inserted
  },
  /** Moves a processing payment to its end; undefined when it had already ended. */
  async finish(x: Executor, id: string, status: WalletPaymentStatus, failure: string | null): Promise<WalletPaymentRow | undefined> {
    const [row] = await x
      .update(walletPayments)
      .set({ status, failure, updatedAt: new Date() })
      .where(and(eq(walletPayments.id, id), eq(walletPayments.status, 'processing')))
      .returning()
    return row
  },
  async byHold(x: Executor, holdId: string): Promise<WalletPaymentRow | undefined> {
    const [row] = await x.select().from(walletPayments).where(eq(walletPayments.holdId, holdId))
    return row
  },
  async byId(x: Executor, id: string): Promise<WalletPaymentRow | undefined> {
    const [row] = await x.select().from(walletPayments).where(eq(walletPayments.id, id))
    return row
  },
}

export const withdrawalsRepo = {
  async insert(x: Executor, row: typeof walletWithdrawals.$inferInsert): Promise<WithdrawalRow> {
    const [inserted] = await x.insert(walletWithdrawals).values(row).returning()
    return inserted
  },
  async byId(x: Executor, id: string, lock = false): Promise<WithdrawalRow | undefined> {
    const query = x.select().from(walletWithdrawals).where(eq(walletWithdrawals.id, id))
    const [row] = lock ? await query.for('update') : await query
    return row
  },
  async byHold(x: Executor, holdId: string): Promise<WithdrawalRow | undefined> {
    const [row] = await x.select().from(walletWithdrawals).where(eq(walletWithdrawals.holdId, holdId))
    return row
  },
  async decide(x: Executor, id: string, status: WithdrawalStatus, decidedBy: string, note: string | null): Promise<WithdrawalRow> {
    const [row] = await x
      .update(walletWithdrawals)
      .set({ status, decidedBy, note, decidedAt: new Date() })
      .where(eq(walletWithdrawals.id, id))
      .returning()
    return row
  },
  /** Newest first; keyset by id (UUIDv7). */
  async list(x: Executor, f: { userId?: string; status?: WithdrawalStatus; before?: string; limit: number }): Promise<WithdrawalRow[]> {
    const where: SQL[] = []
    if (f.userId) where.push(eq(walletWithdrawals.userId, f.userId))
    if (f.status) where.push(eq(walletWithdrawals.status, f.status))
    if (f.before) where.push(lt(walletWithdrawals.id, f.before))
    return x
      .select()
      .from(walletWithdrawals)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(walletWithdrawals.id))
      .limit(f.limit + 1)
  },
}

/** One broken invariant: which rule, and the account, transfer or currency it is broken for. */
export interface Violation {
  rule: 'postings_sum_to_zero' | 'balance_equals_postings' | 'running_balance' | 'pending_counters' | 'no_overdraft' | 'transfer_postings'
  subject: string
  detail: string
}

async function rows<T>(x: Executor, query: SQL): Promise<T[]> {
  return (await x.execute(query)).rows as T[]
}

export const invariantsRepo = {
  /** Every invariant of the ledger, checked in SQL over all of it; an empty list means it holds. */
  async check(x: Executor): Promise<Violation[]> {
    const found: Violation[] = []
    for (const r of await rows<{ currency: string; total: string }>(
      x,
      sql`select currency, sum(amount)::text as total from ledger_postings group by currency having sum(amount) <> 0`,
    ))
      found.push({ rule: 'postings_sum_to_zero', subject: r.currency, detail: `postings sum to ${r.total}` })
    for (const r of await rows<{ id: string; balance: string; postings: string }>(
      x,
      sql`select a.id, (a.credits_posted - a.debits_posted)::text as balance, coalesce(p.total, 0)::text as postings
          from ledger_accounts a left join (select account_id, sum(amount) as total from ledger_postings group by account_id) p
            on p.account_id = a.id
          where a.credits_posted - a.debits_posted <> coalesce(p.total, 0)`,
    ))
      found.push({ rule: 'balance_equals_postings', subject: r.id, detail: `balance ${r.balance}, postings ${r.postings}` })
    for (const r of await rows<{ id: string; balance: string; last: string }>(
      x,
      sql`select a.id, (a.credits_posted - a.debits_posted)::text as balance, l.balance_after::text as last
          from ledger_accounts a
          join (select distinct on (account_id) account_id, balance_after from ledger_postings order by account_id, seq desc) l
            on l.account_id = a.id
          where l.balance_after <> a.credits_posted - a.debits_posted`,
    ))
      found.push({ rule: 'running_balance', subject: r.id, detail: `balance ${r.balance}, last balance_after ${r.last}` })
    for (const r of await rows<{ id: string; debits: string; credits: string }>(
      x,
      sql`select a.id, a.debits_pending::text as debits, a.credits_pending::text as credits
          from ledger_accounts a
          left join (select debit_account_id as id, sum(amount) as total from ledger_transfers where status = 'pending' group by 1) d on d.id = a.id
          left join (select credit_account_id as id, sum(amount) as total from ledger_transfers where status = 'pending' group by 1) c on c.id = a.id
          where a.debits_pending <> coalesce(d.total, 0) or a.credits_pending <> coalesce(c.total, 0)`,
    ))
      found.push({
        rule: 'pending_counters',
        subject: r.id,
        detail: `pending debits ${r.debits}, credits ${r.credits} differ from the open holds`,
      })
    for (const r of await rows<{ id: string; available: string }>(
      x,
      sql`select id, (credits_posted - debits_posted - debits_pending)::text as available
          from ledger_accounts where no_overdraft and credits_posted - debits_posted - debits_pending < 0`,
    ))
      found.push({ rule: 'no_overdraft', subject: r.id, detail: `available ${r.available}` })
    for (const r of await rows<{ id: string; n: number; total: string }>(
      x,
      sql`select t.id, count(p.seq)::int as n, coalesce(sum(p.amount), 0)::text as total
          from ledger_transfers t left join ledger_postings p on p.transfer_id = t.id
          where t.status = 'posted'
          group by t.id, t.posted_amount, t.debit_account_id, t.credit_account_id
          having count(p.seq) <> (case when t.posted_amount > 0 then 2 else 0 end)
             or coalesce(sum(p.amount), 0) <> 0
             or coalesce(sum(p.amount) filter (where p.account_id = t.credit_account_id), 0) <> coalesce(t.posted_amount, 0)`,
    ))
      found.push({ rule: 'transfer_postings', subject: r.id, detail: `${r.n} postings summing to ${r.total}` })
    for (const r of await rows<{ id: string }>(
      x,
      sql`select id from ledger_transfers where status <> 'posted' and id in (select transfer_id from ledger_postings)`,
    ))
      found.push({ rule: 'transfer_postings', subject: r.id, detail: 'a transfer that is not posted has postings' })
    return found
  },
  async totals(x: Executor) {
    return rows<{ currency: string; accounts: number; transfers: number }>(
      x,
      sql`select a.currency, count(*)::int as accounts,
            (select count(*)::int from ledger_transfers t where t.currency = a.currency) as transfers
          from ledger_accounts a group by a.currency order by a.currency`,
    )
  },
}
