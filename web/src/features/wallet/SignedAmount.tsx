import type { Currency } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { useMoney } from '../payments/useMoney'

// The signs as Intl writes them for fa-IR: a left-to-right mark keeps the sign on the digits'
// left inside a right-to-left sentence. U+2212 is the minus sign, not a hyphen.
const SIGNS = { en: { in: '+', out: '\u2212' }, fa: { in: '\u200e+', out: '\u200e\u2212' } }

/** A transaction's signed amount: money in (+, green) or out (−, red), said in words too, never by colour alone. */
export function SignedAmount({ minor, currency }: { minor: string; currency: Currency }) {
  const { t, locale } = useI18n()
  const { money } = useMoney()
  const out = minor.startsWith('-')
  const flow = out ? 'out' : 'in'
  return (
    <span className="wallet-flow">
      <span className={`wallet-amount wallet-${flow}`}>
        {SIGNS[locale][flow]}
        {money(minor.replace(/^-/, ''), currency)}
      </span>{' '}
      <span className={`status pay-tone-${out ? 'danger' : 'success'}`}>{t(`wallet.${flow}`)}</span>
    </span>
  )
}
