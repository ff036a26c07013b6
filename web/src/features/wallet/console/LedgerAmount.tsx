import type { Currency } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { useMoney } from '../../payments/useMoney'

// A minus sign (U+2212) that stays on the digits' left in a right-to-left sentence (a left-to-right
// mark first), as the wallet's SignedAmount writes it.
const MINUS = { en: '\u2212', fa: '\u200e\u2212' }

/** A signed amount of the ledger (a platform account below zero, a debit posting), the sign kept where it belongs. */
export function LedgerAmount({ minor, currency, plus = false }: { minor: string; currency: Currency; plus?: boolean }) {
  const { locale } = useI18n()
  const { money } = useMoney()
  const negative = minor.startsWith('-')
  const sign = negative ? MINUS[locale] : plus && minor !== '0' ? (locale === 'fa' ? '\u200e+' : '+') : ''
  return (
    <span className="ledger-amount">
      {sign}
      {money(minor.replace(/^-/, ''), currency)}
    </span>
  )
}
