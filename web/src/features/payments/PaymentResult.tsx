// /pay/result?payment_id=…: where the payer lands after the gateway (the server's return page
// confirms with the gateway first, then redirects here). The query's `status` is never trusted:
// the payment is read from the API, and read again while it is still being confirmed.
import type { PaymentDetail, PaymentStatus } from '@caravan/sdk'
import { useI18n, type MessageKey } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { ProblemAlert, Skeleton } from '../../ui'
import { StatusMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { isOpen, PaymentFor, ReceiptFacts, StatusBadge } from './labels'
import { usePayment } from './queries'
import { useMoney } from './useMoney'
import './payments.css'

const TITLES: Record<PaymentStatus, MessageKey> = {
  succeeded: 'payResult.succeeded',
  failed: 'payResult.failed',
  canceled: 'payResult.canceled',
  expired: 'payResult.expired',
  processing: 'payResult.processing',
  requires_action: 'payResult.requiresAction',
}

export function PaymentResult() {
  const { t } = useI18n()
  const { search } = useLocation()
  const id = search.get('payment_id')
  if (!id) {
    return (
      <Page title={t('payResult.none')}>
        <p>
          <Link to="/payments">{t('pay.history')}</Link>
        </p>
      </Page>
    )
  }
  return <Result id={id} />
}

function Result({ id }: { id: string }) {
  const { t } = useI18n()
  const detail = usePayment(id)
  if (detail.isPending) {
    return (
      <Page title={t('payResult.checking')}>
        <Skeleton lines={4} />
      </Page>
    )
  }
  if (detail.isError) {
    return (
      <Page title={t('payResult.unknown')}>
        <ProblemAlert error={detail.error} onRetry={() => void detail.refetch()} />
        <p>
          <Link to="/payments">{t('pay.history')}</Link>
        </p>
      </Page>
    )
  }
  return <Outcome detail={detail.data} />
}

function Outcome({ detail }: { detail: PaymentDetail }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const { payment } = detail
  const amount = money(payment.amount, payment.currency)
  const paid = detail.attempts.find((a) => a.status === 'succeeded')
  const failedAttempt = detail.attempts.at(-1)
  const sentence = t(`${TITLES[payment.status]}.body` as MessageKey, { amount })
  return (
    <Page title={t(TITLES[payment.status])}>
      {/* Said once the answer is known; while confirming, the page says so and reads again. */}
      <StatusMessage message={isOpen(payment.status) ? null : sentence} tone={payment.status === 'succeeded' ? 'success' : 'info'} />
      <section className={`card pay-card pay-result pay-result-${payment.status}`} aria-labelledby="pay-result">
        <h2 id="pay-result" className="pay-amount">
          {amount}
        </h2>
        {isOpen(payment.status) && <p>{sentence}</p>}
        {payment.status === 'processing' && <Skeleton lines={1} label={t('payResult.stillChecking')} />}
        <dl className="facts">
          <div>
            <dt>{t('pay.status')}</dt>
            <dd>
              <StatusBadge kind="payment" status={payment.status} />
            </dd>
          </div>
          <div>
            <dt>{t('pay.for')}</dt>
            <dd>
              <PaymentFor payment={payment} />
            </dd>
          </div>
          <div>
            <dt>{t('pay.date')}</dt>
            <dd>{formatDate(payment.settledAt ?? payment.createdAt)}</dd>
          </div>
          <div>
            <dt>{t('pay.reference')}</dt>
            <dd>
              <code dir="ltr" className="wrap-anywhere">
                {payment.id}
              </code>
            </dd>
          </div>
          <ReceiptFacts receipt={paid?.receipt} />
          {payment.refundedAmount !== '0' && (
            <div>
              <dt>{t('pay.refunded')}</dt>
              <dd>{money(payment.refundedAmount, payment.currency)}</dd>
            </div>
          )}
        </dl>
        {payment.status === 'failed' && failedAttempt?.status === 'failed' && <p className="muted">{t('payResult.failedHint')}</p>}
        <div className="toolbar">
          {payment.status === 'requires_action' && payment.nextAction && (
            <a className="button" href={payment.nextAction.url}>
              {t('payResult.continue')}
            </a>
          )}
          {/* A top-up can simply be made again; an order's payment is the host product's to make anew. */}
          {payment.purpose.type === 'wallet_topup' && !isOpen(payment.status) && payment.status !== 'succeeded' && (
            <Link
              className="button"
              to={`/pay?amount=${encodeURIComponent(payment.amount)}&currency=${encodeURIComponent(payment.currency)}`}
            >
              {t('payResult.tryAgain')}
            </Link>
          )}
          {/* The wallet is credited a moment later; its page shows the balance arrive. */}
          {payment.purpose.type === 'wallet_topup' && payment.status === 'succeeded' && (
            <Link className="button" to="/wallet">
              {t('wallet.title')}
            </Link>
          )}
          <Link className="button secondary" to="/payments">
            {t('pay.history')}
          </Link>
        </div>
      </section>
    </Page>
  )
}
