// Money is an integer count of minor units (bigint), never a float. In JSON an amount travels
// as a string of digits ("12500"), because JSON numbers lose precision past 2^53 (wei!).
import { Type } from 'typebox'

export const CURRENCIES = {
  IRR: { decimals: 0, symbol: { en: 'IRR', fa: 'ریال' } },
  USD: { decimals: 2, symbol: { en: '$', fa: 'دلار' } },
  EUR: { decimals: 2, symbol: { en: '€', fa: 'یورو' } },
  BTC: { decimals: 8, symbol: { en: 'BTC', fa: 'بیت‌کوین' } },
  ETH: { decimals: 18, symbol: { en: 'ETH', fa: 'اتریوم' } },
} as const

export type Currency = keyof typeof CURRENCIES
export type Locale = 'fa' | 'en'

export const CurrencyCode = Type.Enum(Object.keys(CURRENCIES) as Currency[], { description: 'ISO 4217 or crypto code' })
/** An amount in minor units as a JSON string of digits. 78 digits fit numeric(78,0). */
export const MinorUnits = Type.String({
  pattern: '^(0|[1-9][0-9]{0,77})$',
  description: 'Amount in minor units (digits only)',
  examples: ['12500'],
})

/** An amount in minor units that must be more than zero. */
export const POSITIVE_MINOR_UNITS = '^[1-9][0-9]{0,77}$'
export const PositiveMinorUnits = Type.String({
  pattern: POSITIVE_MINOR_UNITS,
  description: 'Amount in minor units (digits only, more than zero)',
  examples: ['12500'],
})

export class MoneyError extends Error {}

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCIES, code)
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹'
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩'

/** Persian and Arabic-Indic digits to ASCII; Persian/Arabic separators to . and nothing. */
export function toAsciiDigits(text: string): string {
  return text
    .replace(/[۰-۹]/g, (d) => String(PERSIAN_DIGITS.indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String(ARABIC_DIGITS.indexOf(d)))
    .replace(/[٫]/g, '.')
    .replace(/[٬,\s]/g, '')
}

export function toPersianDigits(text: string): string {
  return text.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)])
}

/** "12.50" USD → 1250n. Accepts Persian digits and separators; refuses more decimals than the currency has. */
export function parseAmount(text: string, currency: Currency): bigint {
  const { decimals } = CURRENCIES[currency]
  const normalized = toAsciiDigits(text.trim())
  const match = /^(\d+)(?:\.(\d*))?$/.exec(normalized)
  if (!match) throw new MoneyError(`"${text}" is not an amount`)
  const [, whole, fraction = ''] = match
  if (fraction.length > decimals) throw new MoneyError(`${currency} has ${decimals} decimal places, "${text}" has ${fraction.length}`)
  return BigInt(whole + fraction.padEnd(decimals, '0'))
}

/** 1250n USD → "12.50"; with `locale` adds grouping, Persian digits for fa, and the currency symbol. */
export function formatAmount(minor: bigint, currency: Currency, locale?: Locale): string {
  const { decimals, symbol } = CURRENCIES[currency]
  const negative = minor < 0n
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = decimals > 0 ? digits.slice(-decimals) : ''
  if (!locale) return `${negative ? '-' : ''}${whole}${fraction ? '.' + fraction : ''}`
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'fa' ? '٬' : ',')
  const number = `${negative ? '-' : ''}${grouped}${fraction ? (locale === 'fa' ? '٫' : '.') + fraction : ''}`
  if (locale === 'fa') return `${toPersianDigits(number)} ${symbol.fa}`
  return symbol.en.length === 1 ? `${symbol.en}${number}` : `${number} ${symbol.en}`
}
