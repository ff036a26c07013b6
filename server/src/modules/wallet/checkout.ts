// The wallet as a payment method of the payments module: a gateway named `wallet` whose "hosted
// page" is the web app's /wallet/pay/<attempt> page. The signed-in customer confirms there; the
// amount is held and then posted from their wallet to the wallet's clearing account under a wallet
// payment whose id is derived from the attempt, so a double click or a retry pays once. The payer
// then goes to the payments module's return page, which asks this gateway (`confirm`) what
// happened, like any other gateway. Refunds through the gateway credit the wallet back from
// clearing. Money that arrives after the payment was canceled or expired (a page left open) is
// refunded by the payments module's late-capture rule, back into the wallet.
import type { Db } from '../../core/db/client'
import { derivedId } from '../../core/db/ids'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import type { Principal } from '../../core/http/auth'
import { AppError, defineProblemTypes } from '../../core/http/errors'
import { CURRENCIES, type Currency } from '../../core/money/currency'
import { ProviderError } from '../../core/net/service-http'
import type { Gateway, PaymentsService } from '../payments'
import { ledger } from './ledger'
import { accountsRepo, walletPaymentsRepo, type AccountRow } from './repo'
import type { WalletPaymentBody } from './schemas'
import type { PlatformCode } from './tables'
import { balanceView } from './views'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    checkout_closed: true
  }
}
defineProblemTypes({ checkout_closed: { status: 409, title: 'The payment is no longer waiting to be paid' } })

/** Where the money for wallet-paid payments waits, like a gateway's clearing account. */
const CLEARING: PlatformCode = 'clearing:wallet'
/** The wallet payment of an attempt: one per attempt, whoever asks how often. */
export const checkoutPaymentId = (attemptId: string) => derivedId('wallet-checkout', attemptId)
export const checkoutPagePath = (attemptId: string) => `/wallet/pay/${attemptId}`

type Pay = (principal: Principal, body: WalletPaymentBody, options: { id?: string; to?: PlatformCode }) => Promise<unknown>

export function createWalletCheckout(deps: {
  db: Db
  events: EventBus
  publicUrl: string
  attemptAt: PaymentsService['attemptAt']
  pay: Pay
  changed: (account: AccountRow) => DomainEvent
}) {
  const { db, events } = deps

  /** The customer's own attempt at the wallet gateway; 404 for anyone else (no probing). */
  async function attemptOf(principal: Principal, attemptId: string) {
    const found = await deps.attemptAt('wallet', attemptId)
    if (!found || principal.kind !== 'user' || found.payment.customerId !== principal.userId)
      throw new AppError('not_found', 'No such payment to pay from the wallet')
    return found
  }

  /** What the wallet can spend now in that currency, in minor units. */
  async function available(userId: string, currency: Currency): Promise<string> {
    const wallet = (await accountsRepo.walletsOf(db, userId)).find((w) => w.currency === currency)
    return wallet ? balanceView(wallet).available : '0'
  }

  /** What the pay page shows: the payment, what the wallet has, and whether it is paid already. */
  async function info(principal: Principal, attemptId: string) {
    const { payment, returnUrl } = await attemptOf(principal, attemptId)
    const paid = await walletPaymentsRepo.byId(db, checkoutPaymentId(attemptId))
    return {
      paymentId: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      description: payment.description,
      status: payment.status,
      expiresAt: payment.expiresAt,
      walletPaymentStatus: paid?.status ?? null,
      available: await available(payment.customerId, payment.currency as Currency),
      returnUrl,
      cancelUrl: `${returnUrl}?canceled=1`,
    }
  }

  /** Pays the attempt from the customer's wallet, once; answers where the payer goes next. */
  async function pay(principal: Principal, attemptId: string) {
    const { payment, attempt, current, returnUrl } = await attemptOf(principal, attemptId)
    const id = checkoutPaymentId(attemptId)
    let paid = await walletPaymentsRepo.byId(db, id)
    if (!paid) {
      if (payment.status !== 'requires_action' || attempt.status !== 'pending')
        throw new AppError('checkout_closed', `The payment is ${payment.status}`)
      if (!current) throw new AppError('checkout_closed', 'The payment is being paid another way')
      await deps.pay(
        principal,
        {
          amount: payment.amount,
          currency: payment.currency as Currency,
          purpose: { type: payment.purpose.type === 'custom' ? 'custom' : 'order', ref: payment.id },
          description: payment.description ?? undefined,
        },
        { id, to: CLEARING },
      )
      paid = (await walletPaymentsRepo.byId(db, id))!
    }
    // The first click's hold not yet posted: this one waits and asks again.
    if (paid.status === 'processing') throw new AppError('idempotency_in_progress', undefined, { retryAfterSeconds: 1 })
    return { status: paid.status, failure: paid.failure, redirectUrl: returnUrl }
  }

  const gateway: Gateway = {
    name: 'wallet',
    currencies: Object.keys(CURRENCIES) as Currency[],
    async create(charge) {
      return { reference: charge.attemptId, redirectUrl: new URL(checkoutPagePath(charge.attemptId), deps.publicUrl).toString() }
    },
    async confirm({ reference, returned }) {
      const paid = await walletPaymentsRepo.byId(db, checkoutPaymentId(reference))
      if (paid?.status === 'succeeded')
        return { status: 'succeeded', amount: paid.amount, currency: paid.currency, receipt: { walletPaymentId: paid.id } }
      if (paid?.status === 'failed') return { status: 'failed', reason: paid.failure ?? 'The wallet payment failed' }
      // The payer chose "back" on the pay page without paying.
      if (!paid && returned?.canceled === '1') return { status: 'canceled', reason: 'The payer went back without paying' }
      return { status: 'pending' }
    },
    async refund(request) {
      const paid = await walletPaymentsRepo.byId(db, checkoutPaymentId(request.reference))
      if (paid?.status !== 'succeeded') throw new ProviderError('permanent', 'Wallet: the payment was not paid from the wallet')
      const transferId = derivedId('wallet-gateway-refund', request.refundId)
      await events.inTransaction(db, async (tx, raise) => {
        const wallet = await accountsRepo.wallet(tx, paid.userId, request.currency)
        const clearing = await accountsRepo.platform(tx, CLEARING, request.currency)
        const out = await ledger.transfer(tx, {
          id: transferId,
          debitAccountId: clearing.id,
          creditAccountId: wallet.id,
          amount: request.amount,
          currency: request.currency,
          kind: 'refund',
          ref: paid.purposeRef,
          memo: request.reason ?? null,
          createdBy: 'system:payments',
        })
        if (out.created) raise(deps.changed(out.accounts.find((a) => a.id === wallet.id)!))
      })
      return { status: 'succeeded', gatewayRefundId: transferId }
    },
    async refundStatus(gatewayRefundId) {
      // Refunds to the wallet succeed in the call that makes them.
      return { status: 'succeeded', gatewayRefundId }
    },
  }

  return { gateway, info, pay }
}
