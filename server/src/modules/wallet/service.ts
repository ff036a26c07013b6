// The wallet: users' balances on the double-entry ledger (ledger.ts). Top-ups are credited from the
// payments module's `payment.succeeded` event, delivered as a job enqueued in the payment's own
// transaction and credited under an id derived from the payment, so a top-up is credited exactly
// once whatever crashes or repeats. Admins adjust balances with a reason; every write is audited.
import type { Logger } from 'pino'
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database, Executor } from '../../core/db/client'
import { derivedId, newId } from '../../core/db/ids'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import type { ClientContext } from '../../core/http/client-context'
import { AppError } from '../../core/http/errors'
import { decodeCursor, decodeSeqCursor, encodeCursor, pageOf } from '../../core/http/paging'
import type { Jobs } from '../../core/jobs/queue'
import type { Currency } from '../../core/money/currency'
import { csvDocument, csvText } from '../../core/util/csv'
import type { AccountsService } from '../accounts'
import type { FraudChecks } from '../fraud'
import type { PaymentsService, PaymentView, RefundGuard, RefundView } from '../payments'
import { createWalletCheckout } from './checkout'
import './events'
import { createLedgerExplorer } from './explorer'
import { createTransferBatches } from './transfer-batches'
import { ledger } from './ledger'
import type { PlatformCode } from './tables'
import { accountsRepo, invariantsRepo, postingsRepo, transfersRepo, walletPaymentsRepo, withdrawalsRepo, type AccountRow } from './repo'
import type {
  AdjustmentBody,
  StatementQuery,
  TransactionsQuery,
  TransferBody,
  WalletPaymentBody,
  WalletSettingsPatch,
  WithdrawalBody,
  WithdrawalQuery,
} from './schemas'
import { createWalletSettings } from './settings'
import { balanceView, holdView, transactionView, walletPaymentView, withdrawalView } from './views'

export const JOB_TOPUP = 'wallet-topup'
export const JOB_REFUND = 'wallet-refund'
export const JOB_REFUND_FAILED = 'wallet-refund-failed'
/** A refunded top-up's hold waits for the refund's outcome (an approval can take a while). */
const REVERSAL_HOLD_DAYS = 365
export const JOB_EXPIRE_HOLDS = 'wallet-expire-holds'
/** How long a wallet payment's hold lasts should the process die between the hold and the post. */
const PAYMENT_HOLD_MINUTES = 15
/** A withdrawal nobody decided on is released after this, and the request expires. */
const WITHDRAWAL_HOLD_DAYS = 30

export interface WalletDeps {
  database: Database
  bus: InvalidationBus
  /** The payments module's hook on refunds people ask for (a refunded top-up leaves the wallet). */
  refundGuard: (guard: RefundGuard) => void
  events: EventBus
  jobs: Jobs
  audit: Audit
  accounts: AccountsService
  logger: Logger
  /** Fraud checks: payments, transfers and withdrawals are assessed before anything is written (a block writes nothing). */
  fraud: FraudChecks
  /** The payments module's attempts, for paying one from the wallet (checkout.ts). */
  attemptAt: PaymentsService['attemptAt']
  publicUrl: string
}

/**
 * The id a keyed request's record takes, derived from who sent it and its Idempotency-Key. The
 * shared Idempotency-Key store runs a request again when a killed process left its claim running
 * (after 60 s); run again, the request finds what it made the first time instead of making it
 * twice. Undefined without a key.
 */
function keyedId(namespace: string, principal: Principal, key: string | undefined): string | undefined {
  return key === undefined ? undefined : derivedId(namespace, `${principalKey(principal)}\n${key}`)
}

/** A keyed request's fraud check is decided once: its first assessment answers a retry, or a run again. */
const dedupeKeyOf = (principal: Principal, key: string | undefined) => (key === undefined ? undefined : `${principalKey(principal)}:${key}`)

export function createWalletService(deps: WalletDeps) {
  const db = deps.database.db
  const { events, jobs, audit, logger } = deps
  const settings = createWalletSettings({ db, bus: deps.bus, audit })

  /** The wallet's new balance, to its owner's sockets (after the commit). */
  const changed = (account: AccountRow): DomainEvent =>
    events.event('wallet.changed', { userId: account.userId!, balance: balanceView(account) }, { userIds: [account.userId!] })
  const transferBatches = createTransferBatches({ db, events, audit, changed, fraud: deps.fraud })

  /**
   * Money a gateway took for a payment, now owed to its customer: credited from the gateway's
   * clearing account to the wallet under `transferId` (derived from the cause), so only once.
   */
  async function creditFromClearing(
    payment: PaymentView,
    credit: { transferId: string; amount: bigint; kind: 'topup' | 'refund'; memo?: string; action: string; data: Record<string, string> },
  ): Promise<boolean> {
    return events.inTransaction(db, async (tx, raise) => {
      const wallet = await accountsRepo.wallet(tx, payment.customerId, payment.currency)
      const clearing = await accountsRepo.platform(tx, `clearing:${payment.gateway ?? 'unknown'}`, payment.currency)
      const out = await ledger.transfer(tx, {
        id: credit.transferId,
        debitAccountId: clearing.id,
        creditAccountId: wallet.id,
        amount: credit.amount,
        currency: payment.currency,
        kind: credit.kind,
        ref: payment.id,
        memo: credit.memo ?? null,
        createdBy: 'system:payments',
      })
      if (!out.created) return false
      await audit.append(tx, {
        actor: 'system',
        action: credit.action,
        targetType: 'user',
        targetId: payment.customerId,
        data: {
          ...credit.data,
          paymentId: payment.id,
          transferId: out.transfer.id,
          amount: credit.amount.toString(),
          currency: payment.currency,
        },
      })
      raise(changed(out.accounts.find((a) => a.id === wallet.id)!))
      return true
    })
  }

  /** Credits a succeeded wallet_topup payment to its customer's wallet, once. */
  async function creditTopUp(payment: PaymentView): Promise<boolean> {
    if (payment.purpose.type !== 'wallet_topup' || payment.status !== 'succeeded') return false
    const amount = BigInt(payment.capturedAmount)
    if (amount <= 0n) return false
    return creditFromClearing(payment, {
      transferId: derivedId('wallet-topup', payment.id),
      amount,
      kind: 'topup',
      action: 'wallet.topped_up',
      data: {},
    })
  }

  jobs.define<{ event: DomainEvent<'payment.succeeded'> }>({
    name: JOB_TOPUP,
    retryLimit: 10,
    expireInSeconds: 60,
    handler: async ({ event }) => {
      if (await creditTopUp(event.payload.payment)) logger.info({ paymentId: event.payload.payment.id }, 'wallet topped up')
    },
  })
  events.subscribeDurable('payment.succeeded', JOB_TOPUP)

  /** Credits a refund the payments module sent to the wallet, once (the money stays in clearing, owed to the customer). */
  async function creditRefund(payment: PaymentView, refund: RefundView): Promise<boolean> {
    if (refund.destination !== 'wallet' || refund.status !== 'succeeded') return false
    return creditFromClearing(payment, {
      transferId: derivedId('wallet-refund', refund.id),
      amount: BigInt(refund.amount),
      kind: 'refund',
      memo: refund.reason,
      action: 'wallet.refunded',
      data: { refundId: refund.id },
    })
  }

  // A top-up refunded through its gateway takes its amount back out of the wallet: held when the
  // refund is asked for (refused with 409 when the wallet no longer holds it), then posted when the
  // refund succeeds or released when it fails or is rejected.
  const reversalId = (refund: RefundView) => derivedId('wallet-topup-reversal', refund.id)
  const isReversal = (payment: PaymentView, refund: RefundView) =>
    payment.purpose.type === 'wallet_topup' && refund.destination === 'original'
  deps.refundGuard(async (tx, payment, refund) => {
    if (!isReversal(payment, refund)) return
    const wallet = await accountsRepo.wallet(tx, payment.customerId, payment.currency)
    const clearing = await accountsRepo.platform(tx, `clearing:${payment.gateway ?? 'unknown'}`, payment.currency)
    await ledger.transfer(tx, {
      id: reversalId(refund),
      debitAccountId: wallet.id,
      creditAccountId: clearing.id,
      amount: BigInt(refund.amount),
      currency: payment.currency,
      kind: 'topup_reversal',
      pending: { expiresAt: new Date(Date.now() + REVERSAL_HOLD_DAYS * 86_400_000) },
      ref: payment.id,
      memo: refund.reason,
      createdBy: 'system:payments',
    })
  })

  /** Posts (the refund succeeded) or releases (it failed) a refunded top-up's hold, once; none is there for refunds not asked for by people. */
  async function settleReversal(payment: PaymentView, refund: RefundView, succeeded: boolean) {
    if (!isReversal(payment, refund)) return
    await events.inTransaction(db, async (tx, raise) => {
      const hold = await transfersRepo.byId(tx, reversalId(refund))
      if (!hold || hold.status !== 'pending') return
      const out = succeeded ? await ledger.post(tx, hold.id) : await ledger.void(tx, hold.id)
      for (const a of out.accounts) if (a.userId) raise(changed(a))
    })
  }

  jobs.define<{ event: DomainEvent<'payment.refunded'> }>({
    name: JOB_REFUND,
    retryLimit: 10,
    expireInSeconds: 60,
    handler: async ({ event }) => {
      await creditRefund(event.payload.payment, event.payload.refund)
      await settleReversal(event.payload.payment, event.payload.refund, true)
    },
  })
  events.subscribeDurable('payment.refunded', JOB_REFUND)
  jobs.define<{ event: DomainEvent<'payment.refund_failed'> }>({
    name: JOB_REFUND_FAILED,
    retryLimit: 10,
    expireInSeconds: 60,
    handler: async ({ event }) => settleReversal(event.payload.payment, event.payload.refund, false),
  })
  events.subscribeDurable('payment.refund_failed', JOB_REFUND_FAILED)

  /** Holds past their expiry are released (the job, every minute). */
  async function expireHolds(limit = 500): Promise<number> {
    let released = 0
    for (const id of await transfersRepo.expired(db, new Date(), limit)) {
      await events.inTransaction(db, async (tx, raise) => {
        const out = await ledger.void(tx, id)
        if (!out.created) return
        released++
        for (const a of out.accounts) if (a.userId) raise(changed(a))
        const payment = await walletPaymentsRepo.byHold(tx, id)
        if (payment) await walletPaymentsRepo.finish(tx, payment.id, 'failed', 'The hold expired before the payment completed')
        const withdrawal = await withdrawalsRepo.byHold(tx, id)
        if (withdrawal?.status === 'pending') await withdrawalsRepo.decide(tx, withdrawal.id, 'expired', 'system', 'Nobody decided in time')
      })
    }
    return released
  }
  jobs.define({
    name: JOB_EXPIRE_HOLDS,
    retryLimit: 0,
    expireInSeconds: 5 * 60,
    handler: async () => {
      const released = await expireHolds()
      if (released) logger.info({ released }, 'expired wallet holds released')
    },
  })
  jobs.schedule(JOB_EXPIRE_HOLDS, '* * * * *')

  /** The user's balances (available and held) per currency, with the holds that make up "held", and the transfer limits. */
  async function walletOf(userId: string) {
    const wallets = await accountsRepo.walletsOf(db, userId)
    const holds = (await Promise.all(wallets.map((w) => transfersRepo.pendingOf(db, w.id)))).flat()
    const { transferLimits } = await settings.read()
    return { balances: wallets.map(balanceView), holds: holds.map(holdView), transferLimits }
  }

  async function accountFor(userId: string, currency: Currency | undefined): Promise<AccountRow[]> {
    const wallets = await accountsRepo.walletsOf(db, userId)
    return currency ? wallets.filter((w) => w.currency === currency) : wallets
  }

  /** Postings of the user's wallets, newest first, each with the balance after it. */
  async function transactions(userId: string, query: TransactionsQuery) {
    const limit = query.limit ?? 20
    const beforeSeq = decodeSeqCursor(query.cursor)
    const accounts = await accountFor(userId, query.currency)
    const rows = await postingsRepo.history(db, {
      accountIds: accounts.map((a) => a.id),
      beforeSeq,
      limit: limit + 1,
    })
    const page = rows.slice(0, limit)
    return {
      items: page.map(transactionView),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.posting.seq.toString()) : null,
    }
  }

  /** The statement of one currency over a range, oldest first, as CSV (at most 100,000 rows). */
  async function statement(userId: string, query: StatementQuery): Promise<string> {
    const from = query.from ? new Date(query.from) : undefined
    const to = query.to ? new Date(query.to) : undefined
    if (from && to && from > to) throw new AppError('validation', 'The date range ends before it starts')
    const accounts = await accountFor(userId, query.currency)
    const rows = accounts.length
      ? await postingsRepo.history(db, { accountIds: accounts.map((a) => a.id), from, to, limit: 100_000, oldestFirst: true })
      : []
    return csvDocument([
      ['date', 'transaction', 'kind', 'amount', 'balance_after', 'currency', 'reference', 'memo'],
      ...rows.map(({ posting, transfer }) => [
        posting.createdAt.toISOString(),
        transfer.id,
        transfer.kind,
        posting.amount.toString(),
        posting.balanceAfter.toString(),
        posting.currency,
        csvText(transfer.ref),
        csvText(transfer.memo),
      ]),
    ])
  }

  /**
   * An admin's correction: credits (amount > 0) or debits (amount < 0) the user's wallet, with a
   * reason. With an Idempotency-Key the transfer's id is derived from it: a request run again (the
   * key's claim taken over after a crash that came after the commit) moves nothing the second time.
   */
  async function adjust(principal: Principal, body: AdjustmentBody, idempotencyKey?: string) {
    const contact = await deps.accounts.contactOf(body.userId, { upsert: false, field: 'body.userId' })
    if (!contact)
      throw new AppError('unprocessable', `No user ${typeof body.userId === 'string' ? body.userId : body.userId.externalId}`, {
        errors: [{ field: 'body.userId', message: 'no such user' }],
      })
    const userId = contact.id
    const signed = BigInt(body.amount)
    const amount = signed < 0n ? -signed : signed
    return events.inTransaction(db, async (tx, raise) => {
      const wallet = await accountsRepo.wallet(tx, userId, body.currency)
      const adjustments = await accountsRepo.platform(tx, 'adjustments', body.currency)
      const createdBy = principalKey(principal)
      const out = await ledger.transfer(tx, {
        id: keyedId('wallet-adjustment', principal, idempotencyKey) ?? newId(),
        debitAccountId: signed > 0n ? adjustments.id : wallet.id,
        creditAccountId: signed > 0n ? wallet.id : adjustments.id,
        amount,
        currency: body.currency,
        kind: 'adjustment',
        memo: body.reason,
        createdBy,
      })
      if (!out.created) return { transferId: out.transfer.id, balance: balanceView(wallet) }
      await audit.append(tx, {
        actor: principal,
        action: 'wallet.adjusted',
        targetType: 'user',
        targetId: userId,
        data: { transferId: out.transfer.id, amount: body.amount, currency: body.currency, reason: body.reason },
      })
      const after = out.accounts.find((a) => a.id === wallet.id)!
      raise(changed(after))
      return { transferId: out.transfer.id, balance: balanceView(after) }
    })
  }

  /**
   * Pays from the signed-in user's wallet: a hold (409 insufficient_funds, and nothing written, when
   * the wallet cannot cover it), then the hold posted to revenue. Should posting fail, the hold is
   * released and the payment fails; should the process die in between, the hold expires and the
   * expiry job fails the payment.
   */
  async function pay(
    principal: Principal,
    body: WalletPaymentBody,
    /**
     * `id` when the caller derives it (a checkout: one per attempt); `to` the platform account paid
     * (revenue by default); `client` where the request came from: given by the route, it has the
     * payment assessed by the fraud rules (a checkout's payment was assessed when it was created).
     */
    options: { id?: string; to?: PlatformCode; client?: ClientContext; idempotencyKey?: string } = {},
  ) {
    if (principal.kind !== 'user') throw new AppError('forbidden', 'A wallet pays for its own user: sign in as that user')
    const id = options.id ?? newId()
    const keyed = options.id === undefined ? keyedId('wallet-payment-key', principal, options.idempotencyKey) : undefined
    const holdId = keyed ?? derivedId('wallet-payment', id)
    const amount = BigInt(body.amount)
    if (options.client) {
      const { userId } = principal
      await deps.fraud.assess({
        operation: 'wallet_payment',
        userId,
        amount,
        currency: body.currency,
        ref: id,
        actor: principal,
        client: options.client,
        dedupeKey: dedupeKeyOf(principal, options.idempotencyKey),
      })
    }
    const before = await events.inTransaction(db, async (tx, raise) => {
      const w = await accountsRepo.wallet(tx, principal.userId, body.currency)
      const payee = await accountsRepo.platform(tx, options.to ?? 'revenue', body.currency)
      const out = await ledger.transfer(tx, {
        id: holdId,
        debitAccountId: w.id,
        creditAccountId: payee.id,
        amount,
        currency: body.currency,
        kind: 'payment',
        pending: { expiresAt: new Date(Date.now() + PAYMENT_HOLD_MINUTES * 60_000) },
        ref: body.purpose.ref ?? id,
        memo: body.description ?? null,
        createdBy: principalKey(principal),
      })
      // The key's hold was made before: the request runs again, and goes on with the first payment.
      if (keyed && !out.created) return walletPaymentsRepo.byHold(tx, holdId)
      const inserted = await walletPaymentsRepo.insert(tx, {
        id,
        userId: principal.userId,
        amount,
        currency: body.currency,
        purposeType: body.purpose.type,
        purposeRef: body.purpose.ref ?? null,
        description: body.description ?? null,
        status: 'processing',
        holdId,
        createdBy: principalKey(principal),
      })
      // Only a caller-chosen id can be taken already: the same payment running at once elsewhere.
      if (!inserted) throw new AppError('idempotency_in_progress', undefined, { retryAfterSeconds: 1 })
      raise(changed(out.accounts.find((a) => a.id === w.id)!))
      return undefined
    })
    if (before && before.status !== 'processing') {
      const w = await accountsRepo.wallet(db, principal.userId, body.currency)
      return { ...walletPaymentView(before), balance: balanceView(w) }
    }
    const paymentId = before?.id ?? id
    try {
      return await events.inTransaction(db, async (tx, raise) => {
        const out = await ledger.post(tx, holdId)
        const payment = (await walletPaymentsRepo.finish(tx, paymentId, 'succeeded', null))!
        await audit.append(tx, {
          actor: principal,
          action: 'wallet.paid',
          targetType: 'wallet_payment',
          targetId: paymentId,
          data: { amount: body.amount, currency: body.currency, purpose: body.purpose, holdId },
        })
        const w = out.accounts.find((a) => a.userId === principal.userId)!
        const view = walletPaymentView(payment)
        raise(changed(w))
        raise(events.event('wallet.payment_succeeded', { payment: view }))
        return { ...view, balance: balanceView(w) }
      })
    } catch (err) {
      await release(paymentId, holdId, err instanceof AppError ? (err.detail ?? err.message) : 'The payment could not be completed')
      throw err
    }
  }

  /** The recipient a sender names: a Caravan id, the host's externalId, or an e-mail address. */
  async function recipientOf(to: TransferBody['to']): Promise<{ id: string; name: string | null }> {
    const field = 'body.to'
    const id = typeof to !== 'string' && 'email' in to ? await deps.accounts.userIdByEmail(to.email) : to
    const contact = id ? await deps.accounts.contactOf(id, { upsert: false, field }) : undefined
    if (!contact) throw new AppError('unprocessable', 'No such recipient', { errors: [{ field, message: 'no such user' }] })
    return { id: contact.id, name: contact.name ?? null }
  }

  /**
   * Sends from the signed-in user's wallet to another user's, within the currency's limits, written
   * with the transfers that arrive at the same time (transfer-batches.ts: both wallets locked, so
   * the day's total cannot be raced past its limit), its fraud check decided in the same transaction.
   */
  async function transfer(principal: Principal, body: TransferBody, client: ClientContext = {}, idempotencyKey?: string) {
    if (principal.kind !== 'user') throw new AppError('forbidden', 'A wallet sends for its own user: sign in as that user')
    const amount = BigInt(body.amount)
    const id = newId()
    const { userId } = principal
    // The recipient and the sender's fraud facts are read together (one read of both users).
    const [recipient, check] = await Promise.all([
      recipientOf(body.to),
      deps.fraud.prepareCheck({
        operation: 'transfer',
        userId,
        amount,
        currency: body.currency,
        ref: id,
        actor: principal,
        client,
        dedupeKey: dedupeKeyOf(principal, idempotencyKey),
      }),
    ])
    const to = recipient.id
    if (to === userId)
      throw new AppError('unprocessable', 'You cannot send money to yourself', { errors: [{ field: 'body.to', message: 'is you' }] })
    const limit = (await settings.read()).transferLimits[body.currency]
    if (limit?.perTransfer && amount > BigInt(limit.perTransfer))
      throw new AppError('wallet_limit_exceeded', `At most ${limit.perTransfer} ${body.currency} (minor units) in one transfer`)
    const written = await transferBatches.submit({
      id,
      fromUserId: userId,
      toUserId: to,
      amount,
      currency: body.currency,
      memo: body.note ?? null,
      actor: principal,
      perDay: limit?.perDay ? BigInt(limit.perDay) : undefined,
      check,
      idempotencyKey: idempotencyKey ?? null,
    })
    return {
      replayed: written.replayed,
      answer: {
        transferId: written.transferId,
        amount: body.amount,
        currency: body.currency,
        to: recipient,
        balance: balanceView(written.from),
      },
    }
  }

  /** A request to pay money out: its amount is held (409 when the wallet cannot cover it) until an admin decides. */
  async function withdraw(principal: Principal, body: WithdrawalBody, client: ClientContext = {}, idempotencyKey?: string) {
    if (principal.kind !== 'user') throw new AppError('forbidden', 'A wallet withdraws for its own user: sign in as that user')
    const id = newId()
    const keyed = keyedId('wallet-withdrawal-key', principal, idempotencyKey)
    const holdId = keyed ?? derivedId('wallet-withdrawal', id)
    // A review keeps the request from being approved until the review is (decideWithdrawal).
    const { userId } = principal
    await deps.fraud.assess({
      operation: 'withdrawal',
      userId,
      amount: BigInt(body.amount),
      currency: body.currency,
      ref: id,
      actor: principal,
      client,
      dedupeKey: dedupeKeyOf(principal, idempotencyKey),
    })
    return events.inTransaction(db, async (tx, raise) => {
      const w = await accountsRepo.wallet(tx, principal.userId, body.currency)
      const payable = await accountsRepo.platform(tx, 'withdrawals_payable', body.currency)
      const out = await ledger.transfer(tx, {
        id: holdId,
        debitAccountId: w.id,
        creditAccountId: payable.id,
        amount: BigInt(body.amount),
        currency: body.currency,
        kind: 'withdrawal',
        pending: { expiresAt: new Date(Date.now() + WITHDRAWAL_HOLD_DAYS * 86_400_000) },
        ref: id,
        memo: body.destination,
        createdBy: principalKey(principal),
      })
      // The key's hold was made before: the request runs again, and answers the first withdrawal.
      if (!out.created) return withdrawalView((await withdrawalsRepo.byHold(tx, holdId))!)
      const row = await withdrawalsRepo.insert(tx, {
        id,
        userId: principal.userId,
        amount: BigInt(body.amount),
        currency: body.currency,
        destination: body.destination,
        status: 'pending',
        holdId,
      })
      await audit.append(tx, {
        actor: principal,
        action: 'wallet.withdrawal_requested',
        targetType: 'wallet_withdrawal',
        targetId: id,
        data: { amount: body.amount, currency: body.currency },
      })
      raise(changed(out.accounts.find((a) => a.id === w.id)!))
      return withdrawalView(row)
    })
  }

  /** Withdrawals, newest first: a user's own, or (admins) everyone's by status. */
  async function withdrawals(query: WithdrawalQuery, userId?: string) {
    const limit = query.limit ?? 20
    const rows = await withdrawalsRepo.list(db, { userId, status: query.status, before: decodeCursor(query.cursor), limit })
    return pageOf(rows, limit, withdrawalView)
  }

  /** An admin approves (the held amount leaves the wallet, owed to the bank) or rejects (it is released). */
  async function decideWithdrawal(admin: Principal, id: string, approve: boolean, note: string | undefined) {
    return events.inTransaction(db, async (tx, raise) => {
      // 409 fraud_review_open while a fraud review of it is open (checked before the row lock, in the order a review's decision takes them).
      if (approve) await deps.fraud.assertCleared(tx, 'withdrawal', id)
      const w = await withdrawalsRepo.byId(tx, id, true)
      if (!w) throw new AppError('not_found', 'No such withdrawal')
      if (w.status !== 'pending') throw new AppError('withdrawal_decided', `The withdrawal is ${w.status}`)
      const out = approve ? await ledger.post(tx, w.holdId) : await ledger.void(tx, w.holdId)
      const decided = await withdrawalsRepo.decide(tx, id, approve ? 'approved' : 'rejected', principalKey(admin), note ?? null)
      await audit.append(tx, {
        actor: admin,
        action: approve ? 'wallet.withdrawal_approved' : 'wallet.withdrawal_rejected',
        targetType: 'wallet_withdrawal',
        targetId: id,
        data: { userId: w.userId, amount: w.amount.toString(), currency: w.currency, note: note ?? null },
      })
      for (const a of out.accounts) if (a.userId) raise(changed(a))
      return withdrawalView(decided)
    })
  }

  // A fraud review rejected: the withdrawal it held is rejected with it, in the review's transaction.
  deps.fraud.onReviewRejected('withdrawal', async (tx, raise, admin, withdrawalId) => {
    const w = await withdrawalsRepo.byId(tx, withdrawalId, true)
    if (w?.status !== 'pending') return
    const out = await ledger.void(tx, w.holdId)
    const note = 'Refused after a fraud review'
    await withdrawalsRepo.decide(tx, w.id, 'rejected', principalKey(admin), note)
    await audit.append(tx, {
      actor: admin,
      action: 'wallet.withdrawal_rejected',
      targetType: 'wallet_withdrawal',
      targetId: w.id,
      data: { userId: w.userId, amount: w.amount.toString(), currency: w.currency, note },
    })
    for (const a of out.accounts) if (a.userId) raise(changed(a))
  })

  /** Releases a wallet payment's hold and fails the payment (both once, whoever comes first). */
  async function release(paymentId: string, holdId: string, failure: string) {
    await events.inTransaction(db, async (tx, raise) => {
      const out = await ledger.void(tx, holdId).catch((e: unknown) => {
        if (e instanceof AppError && e.type === 'hold_not_pending') return undefined
        throw e
      })
      for (const a of out?.accounts ?? []) if (a.userId) raise(changed(a))
      await walletPaymentsRepo.finish(tx, paymentId, 'failed', failure)
    })
  }

  const checkout = createWalletCheckout({ db, events, publicUrl: deps.publicUrl, attemptAt: deps.attemptAt, pay, changed })

  return {
    pay,
    /** The wallet as a payment method: its gateway (attached to the payments module) and its pay page's calls. */
    checkout,
    transfer,
    withdraw,
    withdrawals,
    decideWithdrawal,
    settings: {
      read: () => settings.read(),
      write: (actor: Principal, patch: WalletSettingsPatch) => settings.write(actor, patch),
    },
    walletOf,
    /** Users' balances per currency, summed (the payments analytics' wallet liabilities). */
    liabilities: () => accountsRepo.liabilities(db),
    transactions,
    statement,
    adjust,
    creditTopUp,
    creditRefund,
    expireHolds,
    /** The ledger explorer's reads (admins): accounts, postings, transfers. */
    explorer: createLedgerExplorer(db),
    /** Every invariant of the ledger; an empty list means it holds. */
    check: async (x: Executor = db) => {
      const violations = await invariantsRepo.check(x)
      return { ok: violations.length === 0, violations, currencies: await invariantsRepo.totals(x) }
    },
  }
}

export type WalletService = ReturnType<typeof createWalletService>
