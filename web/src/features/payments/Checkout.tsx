// /pay: the customer tops up their wallet (an amount and a currency) or, with ?paymentId=, pays a
// payment the host product created for them (at the gateway it was routed to, or from their
// wallet instead). Either way the browser goes to the gateway's page
// (nextAction.url), and the gateway sends it back to /pay/result. Caravan never sees a card.
// Customers cannot list gateways (an admin route), so the server's routing picks one; an admin
// trying it out may name one of the enabled gateways that take the currency.
import type { CreatePaymentInput, Currency, PaymentGatewayName } from '@caravan/sdk'
import { useEffect, useState } from 'react'
import { useI18n } from '../../i18n'
import { Link, navigate, useLocation } from '../../navigation'
import { Button, ConfirmDialog, Form, FormSelectField, ProblemAlert, Skeleton, SubmitButton, useServerForm } from '../../ui'
import { StatusMessage } from '../../ui/messages'
import { useSignedInUser } from '../auth/session'
import { Page } from '../shell/Page'
import { useIdempotencyKey } from './idempotency'
import { isOpen, PaymentFor, StatusBadge, useGatewayName } from './labels'
import { CURRENCY_CODES, minorToInput } from './money'
import { useCancelPayment, useCreatePayment, useGateways, usePayment } from './queries'
import { useMoney } from './useMoney'
import './payments.css'
import { AmountField } from './AmountField'
import { PayFromWallet } from '../wallet/PayFromWallet'

/** Where gateways send the payer back (through the server's return page, which confirms first). */
export const resultUrl = () => `${location.origin}/pay/result`
const AUTO = 'auto'

export function Checkout() {
  const { t } = useI18n()
  const { search } = useLocation()
  const paymentId = search.get('paymentId')
  return (
    <Page title={t('pay.title')} intro={paymentId ? t('pay.introExisting') : t('pay.intro')}>
      {paymentId ? <PayExisting id={paymentId} /> : <TopUpForm />}
      <p className="toolbar">
        <Link to="/payments">{t('pay.history')}</Link>
        <Link to="/wallet">{t('wallet.title')}</Link>
      </p>
    </Page>
  )
}

/** Sends the browser to the gateway's page (another site: a full navigation, not the app's router). */
function goToGateway(url: string) {
  window.location.assign(url)
}

interface TopUpValues {
  amount: string
  currency: Currency
  gateway: string
}

function TopUpForm() {
  const { t } = useI18n()
  const { search } = useLocation()
  const user = useSignedInUser()
  const { money, parse, irr } = useMoney()
  const gatewayName = useGatewayName()
  const create = useCreatePayment()
  const idempotency = useIdempotencyKey()
  const [leaving, setLeaving] = useState(false)
  // "Try again" on the result page brings the amount and currency back.
  const queryCurrency = search.get('currency') as Currency | null
  const startCurrency: Currency = queryCurrency && CURRENCY_CODES.includes(queryCurrency) ? queryCurrency : 'IRR'
  const startAmount = search.get('amount')
  const form = useServerForm<TopUpValues>({
    defaultValues: { amount: startAmount ? minorToInput(startAmount, startCurrency, irr) : '', currency: startCurrency, gateway: AUTO },
    onSubmit: async (values) => {
      const parsed = parse(values.amount, values.currency)
      if (!parsed.ok) return
      const input: CreatePaymentInput = {
        amount: parsed.minor,
        currency: values.currency,
        purpose: { type: 'wallet_topup' },
        description: t('pay.topUpDescription'),
        returnUrl: resultUrl(),
        ...(values.gateway !== AUTO ? { gateway: values.gateway as PaymentGatewayName } : {}),
      }
      // The same form sent again (after a timeout or a 5xx) reuses its key: one payment, not two.
      const payment = await create.mutateAsync({ input, idempotencyKey: idempotency.keyFor(input) })
      idempotency.done()
      if (payment.nextAction) {
        setLeaving(true)
        goToGateway(payment.nextAction.url)
      } else navigate(`/pay/result?payment_id=${encodeURIComponent(payment.id)}`)
    },
  })
  const currency = form.watch('currency')
  const amount = form.watch('amount')
  // A gateway chosen for one currency may not take the next: back to automatic.
  const { setValue } = form
  useEffect(() => setValue('gateway', AUTO), [currency, setValue])
  const parsed = parse(amount, currency)

  // An admin may name a gateway; customers leave it to the server's routing.
  const gateways = useGateways(user.role === 'admin')
  const usable = (gateways.data ?? []).filter((g) => g.enabled && g.currencies.includes(currency))

  return (
    <section className="card pay-card" aria-labelledby="pay-topup">
      <h2 id="pay-topup">{t('pay.topUp')}</h2>
      <Form
        form={form}
        aria-labelledby="pay-topup"
        actions={
          <>
            <StatusMessage message={leaving ? t('pay.leaving') : null} tone="info" />
            <SubmitButton className="pay-button" isDisabled={leaving}>
              {t('pay.submit')}
            </SubmitButton>
          </>
        }
      >
        <FormSelectField
          control={form.control}
          name="currency"
          label={t('pay.currency')}
          options={CURRENCY_CODES.map((c) => ({ id: c, label: t(`currency.${c}`) }))}
          isRequired
        />
        <AmountField
          control={form.control}
          currency={currency}
          currencyNow={() => form.getValues('currency')}
          description={
            parsed.ok
              ? t('pay.youPay', { amount: money(parsed.minor, currency) })
              : currency === 'IRR' && irr === 'toman'
                ? t('pay.tomanHint')
                : undefined
          }
        />
        {usable.length > 0 ? (
          <FormSelectField
            control={form.control}
            name="gateway"
            label={t('pay.method')}
            description={t('pay.methodHint')}
            options={[{ id: AUTO, label: t('pay.methodAuto') }, ...usable.map((g) => ({ id: g.name, label: gatewayName(g.name) }))]}
          />
        ) : (
          <p className="hint">{t('pay.methodCustomer')}</p>
        )}
        <p className="hint">{t('pay.noCards')}</p>
      </Form>
    </section>
  )
}

/** A payment made for the customer (an order): what it is for, and Pay while it is open. */
function PayExisting({ id }: { id: string }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const detail = usePayment(id)
  const cancel = useCancelPayment()
  const [asking, setAsking] = useState(false)
  if (detail.isPending) return <Skeleton lines={4} />
  if (detail.isError) return <ProblemAlert error={detail.error} onRetry={() => void detail.refetch()} />
  const { payment } = detail.data
  const amount = money(payment.amount, payment.currency)
  return (
    <section className="card pay-card" aria-labelledby="pay-existing">
      <h2 id="pay-existing">{t('pay.existingTitle', { amount })}</h2>
      <dl className="facts">
        <div>
          <dt>{t('pay.amount')}</dt>
          <dd className="pay-amount">{amount}</dd>
        </div>
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
        {payment.status === 'requires_action' && (
          <div>
            <dt>{t('pay.payBy')}</dt>
            <dd>{formatDate(payment.expiresAt)}</dd>
          </div>
        )}
      </dl>
      {payment.status === 'requires_action' && payment.nextAction && (
        <div className="toolbar">
          <a className="button pay-button" href={payment.nextAction.url}>
            {t('pay.submit')}
          </a>
          <Button variant="secondary" onPress={() => setAsking(true)}>
            {t('pay.cancel')}
          </Button>
        </div>
      )}
      {payment.status === 'requires_action' && !payment.nextAction && <p>{t('pay.cannotPayNow')}</p>}
      <PayFromWallet payment={payment} onLeave={goToGateway} />
      {!(payment.status === 'requires_action') && (
        <p>
          {isOpen(payment.status) ? t('pay.beingConfirmed') : t('pay.alreadyDone')}{' '}
          <Link to={`/pay/result?payment_id=${encodeURIComponent(payment.id)}`}>{t('pay.seeResult')}</Link>
        </p>
      )}
      {asking && (
        <ConfirmDialog
          title={t('pay.cancelTitle', { amount })}
          confirmLabel={t('pay.cancelConfirm')}
          pending={cancel.isPending}
          onConfirm={() => cancel.mutate(payment.id, { onSuccess: () => setAsking(false) })}
          onCancel={() => {
            cancel.reset()
            setAsking(false)
          }}
        >
          <p>{t('pay.cancelBody')}</p>
          <ProblemAlert error={cancel.error} />
        </ConfirmDialog>
      )}
    </section>
  )
}
