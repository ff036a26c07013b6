// "Withdraw": ask to be paid out of the wallet to a Sheba (IBAN) or an account one names. The
// amount is held at once and an administrator approves (the money leaves the wallet) or rejects it
// (the hold is released). Below the form, the person's requests with their status and the
// administrator's note; wallet.changed (after a decision) brings the new status without a reload.
import type { Currency, WalletBalance, Withdrawal, WithdrawalInput } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { FormTextField, useServerForm } from '../../ui'
import { asCaravanError, useMessage } from '../../ui/messages'
import { DataTable, type Column } from '../../ui/table'
import { client, useSignedInUser } from '../auth/session'
import { useIdempotencyKey } from '../payments/idempotency'
import { useMoney } from '../payments/useMoney'
import { answered, latinDigits } from './forms'
import { WithdrawalStatusBadge } from './labels'
import { availableIn, BalanceAmountFields, MoneyFormCard, refuseAt } from './MoneyForm'
import { useWithdraw, walletKeys } from './queries'

interface WithdrawValues {
  amount: string
  currency: Currency
  destination: string
}

/** A Sheba as people write it: grouped by spaces, maybe in Persian digits. Kept as typed, in Latin digits, spaces collapsed. */
const destinationOf = (text: string) => latinDigits(text).trim().replace(/\s+/g, ' ')

export function WithdrawForm({ balances, currency }: { balances: WalletBalance[]; currency: Currency }) {
  const { t } = useI18n()
  const { money, parse } = useMoney()
  const withdraw = useWithdraw()
  const idempotency = useIdempotencyKey()
  const [message, setMessage] = useMessage()
  const available = (code: Currency) => availableIn(balances, code)

  const form = useServerForm<WithdrawValues>({
    defaultValues: { amount: '', currency, destination: '' },
    onSubmit: async (values): Promise<void> => {
      setMessage(null)
      const parsed = parse(values.amount, values.currency)
      if (!parsed.ok) return
      const input: WithdrawalInput = { amount: parsed.minor, currency: values.currency, destination: destinationOf(values.destination) }
      try {
        const made = await withdraw.mutateAsync({ input, idempotencyKey: idempotency.keyFor(input) })
        idempotency.done()
        // The account is kept for the next request, as it was sent (Latin digits).
        form.reset({ amount: '', currency: values.currency, destination: input.destination })
        const amount = money(made.amount, made.currency)
        setMessage((t) => t('wallet.withdraw.requested', { amount }))
      } catch (error) {
        if (answered(error)) idempotency.done()
        if (asCaravanError(error).code === 'insufficient_funds')
          return refuseAt(form, 'amount', t('wallet.send.insufficient', { available: money(available(values.currency), values.currency) }))
        throw error
      }
    },
  })

  return (
    <MoneyFormCard
      title={t('wallet.withdraw.title')}
      intro={t('wallet.withdraw.intro')}
      form={form}
      message={message}
      submitLabel={t('wallet.withdraw.submit')}
    >
      <BalanceAmountFields
        form={form}
        balances={balances}
        description={(chosen) => t('wallet.availableNow', { amount: money(available(chosen), chosen) })}
      />
      <FormTextField
        control={form.control}
        name="destination"
        label={t('wallet.withdraw.destination')}
        description={t('wallet.withdraw.destinationHint')}
        autoComplete="off"
        dir="ltr"
        isRequired
        rules={{
          validate: (text) => {
            const value = destinationOf(String(text))
            return (value.length >= 4 && value.length <= 100) || t('wallet.withdraw.destinationInvalid')
          },
        }}
      />
    </MoneyFormCard>
  )
}

/** The person's withdrawal requests, newest first. */
export function MyWithdrawals() {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const user = useSignedInUser()
  const columns: Column<Withdrawal>[] = [
    {
      id: 'requested',
      header: t('wallet.withdraw.requestedAt'),
      primary: true,
      cell: (w) => <time dateTime={w.createdAt}>{formatDate(w.createdAt)}</time>,
    },
    { id: 'amount', header: t('wallet.amount'), cell: (w) => money(w.amount, w.currency) },
    {
      id: 'destination',
      header: t('wallet.withdraw.destination'),
      cell: (w) => (
        <bdi dir="ltr" className="wrap-anywhere">
          {w.destination}
        </bdi>
      ),
    },
    { id: 'status', header: t('pay.status'), cell: (w) => <WithdrawalStatusBadge status={w.status} /> },
    {
      id: 'note',
      header: t('wallet.withdraw.decision'),
      cell: (w) =>
        w.decidedAt ? (
          <span className="wallet-reference">
            <time dateTime={w.decidedAt}>{formatDate(w.decidedAt)}</time>
            {/* An expired request's note is the system's (in English): said in the page's words instead. */}
            {w.status === 'expired' ? <span>{t('wallet.withdraw.expiredNote')}</span> : w.note && <bdi>{w.note}</bdi>}
          </span>
        ) : (
          t('common.none')
        ),
    },
  ]
  return (
    <DataTable
      caption={t('wallet.withdraw.list')}
      columns={columns}
      queryKey={walletKeys.withdrawals(user.id)}
      fetchPage={({ cursor, signal }) => client.wallet.withdrawals({ cursor, limit: 20 }, { signal })}
      getRowId={(w) => w.id}
      empty={<p className="empty">{t('wallet.withdraw.listEmpty')}</p>}
    />
  )
}
