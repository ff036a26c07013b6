// "Send money": from the signed-in person's wallet to another person's, named by e-mail or id, in
// the currency's display unit (toman for IRR when shown in toman; Persian digits understood). What
// the server refuses is said at the field it concerns: not enough money or over the transfer limit
// at the amount, an unknown recipient or oneself at the recipient. One Idempotency-Key per
// transfer meant: a retry after a timeout is the same transfer, not a second one.
import type { Currency, WalletBalance, WalletTransferInput } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { FormTextField, useServerForm } from '../../ui'
import { asCaravanError, useMessage } from '../../ui/messages'
import { useIdempotencyKey } from '../payments/idempotency'
import { useMoney } from '../payments/useMoney'
import { answered, EMAIL, latinDigits, recipientOf } from './forms'
import { availableIn, BalanceAmountFields, MoneyFormCard, refuseAt } from './MoneyForm'
import { freshWallet, useTransfer } from './queries'

interface SendValues {
  to: string
  amount: string
  currency: Currency
  note: string
}

export function SendMoney({ balances, currency }: { balances: WalletBalance[]; currency: Currency }) {
  const { t } = useI18n()
  const { money, parse } = useMoney()
  const transfer = useTransfer()
  const idempotency = useIdempotencyKey()
  const [message, setMessage] = useMessage()
  const available = (code: Currency) => availableIn(balances, code)
  /** Which limit a refused amount is over, with its figure (read again: an admin may have changed it): one transfer's, else the 24 hours'. */
  const overLimit = async (code: Currency, amount: string) => {
    const { perTransfer, perDay } = (await freshWallet().catch(() => null))?.transferLimits[code] ?? {}
    if (perTransfer && BigInt(amount) > BigInt(perTransfer)) return t('wallet.send.overPerTransfer', { limit: money(perTransfer, code) })
    if (perDay) return t('wallet.send.overPerDay', { limit: money(perDay, code) })
    return t('wallet.send.overLimit')
  }

  const form = useServerForm<SendValues>({
    defaultValues: { to: '', amount: '', currency, note: '' },
    onSubmit: async (values): Promise<void> => {
      setMessage(null)
      const parsed = parse(values.amount, values.currency)
      if (!parsed.ok) return
      const note = values.note.trim()
      const input: WalletTransferInput = {
        to: recipientOf(values.to),
        amount: parsed.minor,
        currency: values.currency,
        ...(note ? { note } : {}),
      }
      try {
        const sent = await transfer.mutateAsync({ input, idempotencyKey: idempotency.keyFor(input) })
        idempotency.done()
        form.reset({ to: '', amount: '', currency: values.currency, note: '' })
        const amount = money(sent.amount, sent.currency)
        const name = sent.to.name ?? values.to.trim()
        const left = money(sent.balance.available, sent.currency)
        setMessage((t) => t('wallet.send.sent', { amount, name, available: left }))
      } catch (error) {
        if (answered(error)) idempotency.done()
        const problem = asCaravanError(error)
        const at = (field: 'to' | 'amount', text: string): void => refuseAt(form, field, text)
        const toError = problem.errors.find((e) => e.field.startsWith('body.to'))
        if (problem.code === 'insufficient_funds')
          return at('amount', t('wallet.send.insufficient', { available: money(available(values.currency), values.currency) }))
        if (problem.code === 'wallet_limit_exceeded') return at('amount', await overLimit(values.currency, parsed.minor))
        if (toError && problem.code === 'unprocessable')
          return at('to', toError.message === 'is you' ? t('wallet.send.toSelf') : t('wallet.send.noRecipient'))
        if (toError && problem.code === 'validation') return at('to', t('wallet.send.recipientInvalid'))
        throw error
      }
    },
  })
  const amount = form.watch('amount')

  return (
    <MoneyFormCard title={t('wallet.send.title')} form={form} message={message} submitLabel={t('wallet.send.submit')}>
      <FormTextField
        control={form.control}
        name="to"
        label={t('wallet.send.to')}
        description={t('wallet.send.toHint')}
        autoComplete="off"
        dir="ltr"
        isRequired
        rules={{
          validate: (text) => {
            const value = latinDigits(String(text).trim())
            if (value.includes('@') && !EMAIL.test(value)) return t('wallet.send.recipientInvalid')
            if (value.length > 254) return t('wallet.send.recipientInvalid')
            return true
          },
        }}
      />
      <BalanceAmountFields
        form={form}
        balances={balances}
        description={(chosen) => {
          const parsed = parse(amount, chosen)
          return parsed.ok
            ? t('wallet.send.youSend', { amount: money(parsed.minor, chosen) })
            : t('wallet.availableNow', { amount: money(available(chosen), chosen) })
        }}
      />
      <FormTextField
        control={form.control}
        name="note"
        label={t('wallet.send.note')}
        description={t('wallet.send.noteHint')}
        optional
        dir="auto"
        autoComplete="off"
        rules={{ maxLength: { value: 200, message: t('wallet.send.noteTooLong') } }}
      />
    </MoneyFormCard>
  )
}
