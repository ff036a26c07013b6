// The payments module: creation with routing and fallback (creation.ts), settlement of what
// gateways report (settlement.ts), refunds (refunds.ts), the gateways and their settings
// (gateway-registry.ts, settings.ts), and the jobs that expire and reconcile open payments.
import type { Logger } from 'pino'
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import type { Principal } from '../../core/http/auth'
import { AppError, defineProblemTypes } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { Jobs } from '../../core/jobs/queue'
import type { BreakerOptions } from '../../core/net/circuit-breaker'
import type { SecretBox } from '../../core/secrets/crypto'
import type { AccountsService } from '../accounts'
import type { FraudChecks } from '../fraud'
import { createPaymentAnalytics, type WalletLiabilities } from './analytics'
import { createPaymentCreation, returnPath } from './creation'
import './events'
import { createGatewayRegistry } from './gateway-registry'
import { createTestGateway } from './gateways/test'
import { CARD_FINGERPRINT_KEYS, type GatewayContext, type GatewayFactory, type GatewayName } from './gateways/types'
import { createRefunds, type RefundService } from './refunds'
import { attemptsRepo, paymentsRepo, refundsRepo, testChargesRepo, type PaymentRow } from './repo'
import type { PaymentQuery } from './schemas'
import { createSettlement } from './settlement'
import { createPaymentSettings } from './settings'
import { attemptView, paymentView, refundView } from './views'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    gateway_unavailable: true
    gateway_not_enabled: true
    gateway_refused: true
    payment_not_cancelable: true
    payment_not_open: true
    payment_not_refundable: true
    refund_exceeds_captured: true
    refund_not_awaiting: true
  }
}

defineProblemTypes({
  gateway_unavailable: { status: 503, title: 'No payment gateway can take this payment now' },
  gateway_not_enabled: { status: 422, title: 'No enabled payment gateway takes this payment' },
  gateway_refused: { status: 422, title: 'The payment gateway refused the payment' },
  payment_not_cancelable: { status: 409, title: 'The payment can no longer be canceled' },
  payment_not_open: { status: 409, title: 'The payment is no longer waiting to be paid' },
  payment_not_refundable: { status: 409, title: 'The payment cannot be refunded' },
  refund_exceeds_captured: { status: 422, title: 'The refund is larger than what is left of the payment' },
  refund_not_awaiting: { status: 409, title: 'The refund is not waiting for approval' },
})

export const JOB_RECONCILE = 'payments-reconcile'

export interface PaymentsDeps {
  database: Database
  bus: InvalidationBus
  jobs: Jobs
  events: EventBus
  audit: Audit
  secrets: SecretBox
  accounts: AccountsService
  logger: Logger
  factories: Partial<Record<GatewayName, GatewayFactory>>
  /** How IRR is shown to people (the notifications module's display setting, one for the whole product). */
  irrDisplay: () => Promise<'toman' | 'rial'>
  /** Fraud checks: a payment is assessed before it is created (a block creates nothing). */
  fraud: Pick<FraudChecks, 'prepareCheck' | 'decideIn'>
  /** Users' wallet balances per currency now, for the analytics (the wallet module's; it depends on payments, not the reverse). */
  walletLiabilities: WalletLiabilities
  settings: {
    publicUrl: string
    /** Open payments not heard of for this long are asked at their gateway. */
    reconcileAfterSeconds?: number
    breaker?: BreakerOptions
    gatewayContext?: GatewayContext
  }
}

export function createPaymentsService(deps: PaymentsDeps) {
  const db = deps.database.db
  const { events, audit, jobs, logger } = deps
  const settings = createPaymentSettings({ db, bus: deps.bus, audit })
  const registry = createGatewayRegistry({
    db,
    secrets: deps.secrets,
    bus: deps.bus,
    audit,
    factories: deps.factories,
    testGateway: createTestGateway({ db, publicUrl: deps.settings.publicUrl }),
    breaker: deps.settings.breaker,
    context: deps.settings.gatewayContext,
  })
  const refunds: RefundService = createRefunds({ db, events, audit, jobs, registry, settings, logger })
  const settlement = createSettlement({ db, events, audit, registry, refunds: () => refunds, logger })
  const creation = createPaymentCreation({
    db,
    events,
    accounts: deps.accounts,
    registry,
    settings,
    publicUrl: deps.settings.publicUrl,
    refused: settlement.refused,
    refresh: settlement.refresh,
    closeAtGateway: settlement.closeAtGateway,
    settleTx: settlement.settleTx,
    fraud: deps.fraud,
  })

  jobs.define({
    name: JOB_RECONCILE,
    retryLimit: 0,
    expireInSeconds: 10 * 60,
    handler: async () => {
      const staleSeconds = deps.settings.reconcileAfterSeconds ?? 120
      const outcome = await settlement.reconcile({ staleSeconds, limit: 200 })
      const refundsChecked = await refunds.sweep({ staleSeconds, limit: 200 })
      if (outcome.checked || refundsChecked) logger.info({ ...outcome, refundsChecked }, 'payments reconciled')
    },
  })
  jobs.schedule(JOB_RECONCILE, '* * * * *')

  /** Customers see their own payments only; others see none of theirs (404, not 403: no probing). */
  function visible(principal: Principal, p: PaymentRow | undefined): PaymentRow {
    const own = principal.kind === 'user' && principal.role === 'customer' ? principal.userId : undefined
    if (!p || (own && p.customerId !== own)) throw new AppError('not_found', 'No such payment')
    return p
  }

  async function detail(principal: Principal, id: string) {
    const p = visible(principal, await paymentsRepo.byId(db, id))
    const [attempts, refundRows] = await Promise.all([attemptsRepo.ofPayment(db, id), refundsRepo.ofPayment(db, id)])
    return {
      payment: paymentView(p, attempts.at(-1)),
      attempts: attempts.map(attemptView),
      refunds: refundRows.map((r) => refundView(r, p.currency)),
    }
  }

  async function list(principal: Principal, query: PaymentQuery) {
    const own = principal.kind === 'user' && principal.role === 'customer' ? principal.userId : undefined
    const limit = query.limit ?? 20
    const rows = await paymentsRepo.list(db, { ...query, customerId: own ?? query.customerId, before: decodeCursor(query.cursor), limit })
    return pageOf(rows, limit, (row) => paymentView(row))
  }

  /** The payer came back from the gateway: ask the gateway (never the query), then where the host wants them. */
  async function returned(attemptId: string, query: Record<string, string>): Promise<string> {
    const p = await settlement.confirmAttempt(attemptId, query)
    const to = new URL(p.returnUrl)
    to.searchParams.set('payment_id', p.id)
    to.searchParams.set('status', p.status)
    return to.toString()
  }

  /** The test gateway's hosted page: the charge, and the payer's choice. */
  const testGateway = {
    charge: async (reference: string) => {
      const charge = await testChargesRepo.get(db, reference)
      if (!charge) throw new AppError('not_found', 'No such test payment')
      return charge
    },
    /** Records the payer's choice; answers where the gateway sends the payer next (our return page). */
    choose: async (reference: string, choice: 'pay' | 'fail') => {
      const charge = await testChargesRepo.decide(db, reference, choice === 'pay' ? 'paid' : 'failed')
      return (charge ?? (await testGateway.charge(reference))).returnUrl
    },
  }

  /**
   * An attempt and its payment, for a module whose gateway hosts its own pay page (the wallet):
   * undefined when there is no such attempt at that gateway.
   */
  async function attemptAt(gateway: GatewayName, attemptId: string) {
    const attempt = await attemptsRepo.byId(db, attemptId)
    if (!attempt || attempt.gateway !== gateway) return undefined
    const payment = (await paymentsRepo.byId(db, attempt.paymentId))!
    return {
      attempt: attemptView(attempt),
      /** false once the payer chose another gateway for the payment: this attempt is no longer to be paid. */
      current: (await attemptsRepo.ofPayment(db, payment.id)).at(-1)?.id === attempt.id,
      payment: paymentView(payment, attempt),
      returnUrl: new URL(returnPath(attempt.id), deps.settings.publicUrl).toString(),
    }
  }

  return {
    create: creation.create,
    attemptAt,
    /** What a payer can pay with, and how IRR is shown. */
    options: async () => ({ methods: await registry.methods(), irrDisplay: await deps.irrDisplay() }),
    detail,
    list,
    returned,
    cancel: (principal: Principal, id: string) =>
      settlement.cancel(id, (p) => visible(principal, p)).then(async (p) => paymentView(p, (await attemptsRepo.ofPayment(db, id)).at(-1))),
    refresh: (id: string) => settlement.refresh(id),
    /** Pays the open payment at another gateway (creation.ts). */
    switchGateway: async (principal: Principal, id: string, gateway: GatewayName) =>
      creation.switchGateway(principal, visible(principal, await paymentsRepo.byId(db, id)), gateway),
    /** One pass of the reconciliation job (tests call it directly). */
    reconcile: async (options: { staleSeconds: number; limit: number }) => ({
      ...(await settlement.reconcile(options)),
      refundsChecked: await refunds.sweep(options),
    }),
    webhook: settlement.webhook,
    refunds,
    gateways: registry,
    settings,
    testGateway,
    /** The card fingerprint the gateway reported on the payment's successful attempt (CARD_FINGERPRINT_KEYS), for the fraud checks. */
    cardFingerprint: async (paymentId: string): Promise<string | undefined> => {
      const receipt = (await attemptsRepo.ofPayment(db, paymentId)).find((a) => a.status === 'succeeded')?.receipt
      return CARD_FINGERPRINT_KEYS.map((key) => receipt?.[key]).find(Boolean)
    },
    /** Figures of the payments created over a range (analytics.ts). */
    analytics: createPaymentAnalytics({ db, walletLiabilities: deps.walletLiabilities }).analytics,
    stop: () => registry.close(),
  }
}

export type PaymentsService = ReturnType<typeof createPaymentsService>
