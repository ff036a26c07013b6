// /wallet/pay/:attemptId: the wallet's "gateway page". A payment made with `gateway: wallet`
// sends the customer here; they see the amount beside what their wallet holds and pay, and the
// browser then goes to the server's return page, which confirms the payment and sends them back
// to the shop. Paying twice (a double click, a reload) pays once: the server keys the wallet
// payment on the attempt.
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Button, ProblemAlert, Skeleton } from '../../ui'
import { asCaravanError, StatusMessage } from '../../ui/messages'
import { client } from '../auth/session'
import { Page } from '../shell/Page'
import { useIdempotencyKey } from '../payments/idempotency'
import { useMoney } from '../payments/useMoney'
import { walletKeys } from './queries'
import '../payments/payments.css'
import './wallet.css'

/** Leaves the app for the server's return page (a full navigation: it redirects to the shop). */
const leaveTo = (url: string) => window.location.assign(url)

export function WalletCheckout({ attemptId }: { attemptId: string }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const idempotency = useIdempotencyKey()
  const [leaving, setLeaving] = useState(false)
  const info = useQuery({
    queryKey: [...walletKeys.all, 'checkout', attemptId],
    queryFn: ({ signal }) => client.wallet.checkout(attemptId, { signal }),
  })
  const pay = useMutation({
    mutationFn: () => client.wallet.payCheckout(attemptId, { idempotencyKey: idempotency.keyFor({ attemptId }) }),
    // The server pays once per attempt whatever the key: a new key after any answer lets a payer
    // who topped up meanwhile try again instead of being replayed the first 409.
    onSettled: () => idempotency.done(),
    onSuccess: (result) => {
      if (result.status === 'succeeded') {
        setLeaving(true)
        leaveTo(result.redirectUrl)
      }
    },
  })

  if (info.isPending)
    return (
      <Page title={t('walletPay.title')}>
        <Skeleton lines={4} />
      </Page>
    )
  if (info.isError)
    return (
      <Page title={t('walletPay.title')}>
        <ProblemAlert error={info.error} onRetry={() => void info.refetch()} />
      </Page>
    )

  const c = info.data
  const amount = money(c.amount, c.currency)
  const short = BigInt(c.available) < BigInt(c.amount)
  const problem = pay.error ? asCaravanError(pay.error).code : undefined
  const closed = c.status !== 'requires_action' || problem === 'checkout_closed'
  const paid = c.walletPaymentStatus === 'succeeded' || pay.data?.status === 'succeeded'
  const failure = pay.data?.status === 'failed' ? pay.data.failure : null

  return (
    <Page title={t('walletPay.title')} intro={t('walletPay.intro')}>
      <section className="card pay-card" aria-labelledby="wallet-pay-amount">
        <h2 id="wallet-pay-amount" className="pay-amount">
          {amount}
        </h2>
        <dl className="facts">
          {c.description && (
            <div>
              <dt>{t('walletPay.for')}</dt>
              <dd>{c.description}</dd>
            </div>
          )}
          <div>
            <dt>{t('walletPay.available')}</dt>
            <dd>{money(c.available, c.currency)}</dd>
          </div>
          {!short && !paid && (
            <div>
              <dt>{t('walletPay.after')}</dt>
              <dd>{money((BigInt(c.available) - BigInt(c.amount)).toString(), c.currency)}</dd>
            </div>
          )}
          {!closed && !paid && (
            <div>
              <dt>{t('walletPay.payBy')}</dt>
              <dd>{formatDate(c.expiresAt)}</dd>
            </div>
          )}
        </dl>
        <StatusMessage message={leaving || paid ? t('walletPay.paid') : null} />
        {failure && <p className="alert error">{t('walletPay.failed', { reason: failure })}</p>}
        {closed && !paid && <p className="alert error">{t('walletPay.closed')}</p>}
        {(short || problem === 'insufficient_funds') && !paid && !closed && (
          <div className="alert error">
            <p>{t('walletPay.short')}</p>
            <p>
              <Link to={`/pay?currency=${c.currency}`}>{t('walletPay.topUp')}</Link>
            </p>
          </div>
        )}
        {problem && problem !== 'insufficient_funds' && problem !== 'checkout_closed' && <ProblemAlert error={pay.error} />}
        <div className="toolbar">
          {paid ? (
            <a className="button pay-button" href={c.returnUrl}>
              {t('walletPay.continue')}
            </a>
          ) : (
            !closed && (
              <>
                <Button className="pay-button" onPress={() => pay.mutate()} isDisabled={short || pay.isPending || leaving}>
                  {t('walletPay.submit', { amount })}
                </Button>
                <a className="button secondary" href={c.cancelUrl}>
                  {t('walletPay.back')}
                </a>
              </>
            )
          )}
        </div>
      </section>
    </Page>
  )
}
