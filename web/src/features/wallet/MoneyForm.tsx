// What the wallet page's money forms (Send money, Withdraw) are made of: the card with its heading,
// the form, its status line and submit; the currency picked among the wallet's balances with the
// amount in it; and a refusal said at the field it concerns.
import type { Currency, WalletBalance } from '@caravan/sdk'
import { useId, type ReactNode } from 'react'
import type { FieldPath, FieldValues } from 'react-hook-form'
import { useI18n } from '../../i18n'
import { Form, FormSelectField, SubmitButton, type ServerForm } from '../../ui'
import { StatusMessage } from '../../ui/messages'
import { AmountField } from '../payments/AmountField'

export function MoneyFormCard<T extends FieldValues>(props: {
  title: string
  intro?: string
  form: ServerForm<T>
  /** What the last submit did, for the status line (read out by screen readers). */
  message: string | null
  submitLabel: string
  children: ReactNode
}) {
  const headingId = useId()
  return (
    <section className="card wallet-form" aria-labelledby={headingId}>
      <h3 id={headingId}>{props.title}</h3>
      {props.intro && <p className="hint">{props.intro}</p>}
      <Form
        form={props.form}
        aria-labelledby={headingId}
        actions={
          <>
            <StatusMessage message={props.message} />
            <SubmitButton>{props.submitLabel}</SubmitButton>
          </>
        }
      >
        {props.children}
      </Form>
    </section>
  )
}

type MoneyValues = { amount: string; currency: Currency }

/** The currency (one of the wallet's balances) and the amount in its display unit. */
export function BalanceAmountFields<T extends MoneyValues>({
  form,
  balances,
  description,
}: {
  form: ServerForm<T>
  balances: WalletBalance[]
  /** Under the amount, for the currency chosen now. */
  description: (currency: Currency) => ReactNode
}) {
  const { t } = useI18n()
  const currency = 'currency' as FieldPath<T>
  const chosen = form.watch(currency) as Currency
  return (
    <>
      <FormSelectField
        control={form.control}
        name={currency}
        label={t('pay.currency')}
        options={balances.map((b) => ({ id: b.currency, label: t(`currency.${b.currency}`) }))}
        isRequired
      />
      <AmountField
        control={form.control}
        currency={chosen}
        currencyNow={() => form.getValues(currency) as Currency}
        description={description(chosen)}
      />
    </>
  )
}

/** A refusal the server gave, said at the field it concerns (which takes the focus). */
export function refuseAt<T extends FieldValues>(form: ServerForm<T>, field: FieldPath<T>, message: string) {
  form.setError(field, { type: 'server', message })
  form.setFocus(field)
}

/** What a balance holds to spend now, in minor units ('0' when there is no such balance). */
export const availableIn = (balances: WalletBalance[], code: Currency): string =>
  balances.find((b) => b.currency === code)?.available ?? '0'
