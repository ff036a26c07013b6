// The amount a person types, in the unit of the currency chosen in the same form (toman or rial
// for IRR, as the site shows it): Persian digits and separators accepted, refused on the field
// with what is wrong. Shared by the checkout, sending money and withdrawing.
import type { Currency } from '@caravan/sdk'
import type { ReactNode } from 'react'
import type { Control, FieldPath } from 'react-hook-form'
import { useI18n } from '../../i18n'
import { FormTextField } from '../../ui'
import { displayUnit } from './money'
import { useMoney } from './useMoney'

export function AmountField<T extends { amount: string; currency: Currency }>({
  control,
  currency,
  currencyNow,
  description,
}: {
  control: Control<T>
  /** The currency shown in the label (the form's watched value). */
  currency: Currency
  /** The form's currency when the field is checked. */
  currencyNow: () => Currency
  description?: ReactNode
}) {
  const { t, locale } = useI18n()
  const { unit, parse, irr } = useMoney()
  return (
    <FormTextField
      control={control}
      name={'amount' as FieldPath<T>}
      label={t('pay.amountIn', { unit: unit(currency) })}
      description={description}
      inputMode="decimal"
      autoComplete="off"
      dir="ltr"
      isRequired
      rules={{
        validate: (text) => {
          const result = parse(String(text), currencyNow())
          if (result.ok) return true
          const unitOf = displayUnit(currencyNow(), irr)
          return t(`pay.amountError.${result.error}`, { decimals: unitOf.decimals, unit: unitOf.symbol[locale] })
        },
      }}
    />
  )
}
