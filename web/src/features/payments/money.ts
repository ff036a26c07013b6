// Money in the viewer's words. Amounts travel as strings of digits in minor units (the API's
// rule: JSON numbers lose precision past 2^53, and ETH has 18 decimals), so everything here is
// string and bigint arithmetic, never floats. IRR may be shown in toman (a tenth, as Iranians
// usually say prices) — the `irr` display setting the notifications module keeps for templates.
// The currencies, decimals and symbols mirror server/src/core/money/currency.ts.
import type { Currency, Locale } from '@caravan/sdk'

export const CURRENCIES: Record<Currency, { decimals: number; symbol: { en: string; fa: string } }> = {
  IRR: { decimals: 0, symbol: { en: 'IRR', fa: 'ریال' } },
  USD: { decimals: 2, symbol: { en: '$', fa: 'دلار' } },
  EUR: { decimals: 2, symbol: { en: '€', fa: 'یورو' } },
  BTC: { decimals: 8, symbol: { en: 'BTC', fa: 'بیت‌کوین' } },
  ETH: { decimals: 18, symbol: { en: 'ETH', fa: 'اتریوم' } },
}
export const CURRENCY_CODES = Object.keys(CURRENCIES) as Currency[]

/** How IRR amounts read: in toman (÷10) or in rial. */
export type IrrDisplay = 'toman' | 'rial'
const TOMAN = { en: 'Toman', fa: 'تومان' }

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹'
const toPersian = (text: string) => text.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)])

/** The unit an amount of `currency` is shown and typed in: 1 toman is 10 rial, so one more decimal. */
export function displayUnit(currency: Currency, irr: IrrDisplay): { decimals: number; symbol: { en: string; fa: string } } {
  if (currency === 'IRR' && irr === 'toman') return { decimals: 1, symbol: TOMAN }
  return CURRENCIES[currency]
}

/** The unit's name as a label says it ("Toman", "$"), e.g. after "Amount". */
export function unitName(currency: Currency, irr: IrrDisplay, locale: Locale): string {
  return displayUnit(currency, irr).symbol[locale]
}

/**
 * "1250000" IRR → "125,000 Toman" / "۱۲۵٬۰۰۰ تومان" (toman) or "1,250,000 IRR" / "۱٬۲۵۰٬۰۰۰ ریال";
 * "1250" USD → "$12.50" / "۱۲٫۵۰ دلار". Fiat keeps its two decimals; crypto drops trailing zeros
 * past two; a toman shows its rial digit only when there is one. Anything that is not digits is
 * returned as it came.
 */
export function formatMoney(minor: string, currency: Currency, locale: Locale, irr: IrrDisplay = 'toman'): string {
  const number = formatMoneyNumber(minor, currency, locale, irr)
  if (number === null) return minor
  const { symbol } = displayUnit(currency, irr)
  if (locale === 'fa') return `${number} ${symbol.fa}`
  return symbol.en.length === 1 ? `${symbol.en}${number}` : `${number} ${symbol.en}`
}

/** The number part of formatMoney, in the display unit, or null for something that is not an amount. */
export function formatMoneyNumber(minor: string, currency: Currency, locale: Locale, irr: IrrDisplay = 'toman'): string | null {
  if (!/^-?\d{1,80}$/.test(minor) || !(currency in CURRENCIES)) return null
  const negative = minor.startsWith('-')
  const { decimals } = displayUnit(currency, irr)
  const digits = minor
    .replace('-', '')
    .replace(/^0+(?=\d)/, '')
    .padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  let fraction = decimals > 0 ? digits.slice(-decimals) : ''
  // Toman: the rial digit only when it is not 0. Crypto: no trailing zeros past two decimals.
  const keep = currency === 'IRR' ? 0 : Math.min(2, decimals)
  while (fraction.length > keep && fraction.endsWith('0')) fraction = fraction.slice(0, -1)
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'fa' ? '٬' : ',')
  const text = `${negative ? '-' : ''}${grouped}${fraction ? (locale === 'fa' ? '٫' : '.') + fraction : ''}`
  return locale === 'fa' ? toPersian(text) : text
}

export type ParsedAmount = { ok: true; minor: string } | { ok: false; error: 'empty' | 'invalid' | 'decimals' | 'zero' }

/**
 * What a person typed (in the display unit: toman for IRR when shown in toman) to minor units:
 * "12.5" USD → "1250", "۱۲۵٬۰۰۰" toman → "1250000". Persian and Arabic digits and separators are
 * understood; grouping commas and spaces are ignored; more decimals than the unit has is refused.
 */
export function parseMoney(text: string, currency: Currency, irr: IrrDisplay = 'toman'): ParsedAmount {
  const normalized = text
    .trim()
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[٫/]/g, '.')
    .replace(/[٬,\s\u200c]/g, '')
  if (!normalized) return { ok: false, error: 'empty' }
  const match = /^(\d+)(?:\.(\d*))?$/.exec(normalized)
  if (!match) return { ok: false, error: 'invalid' }
  const [, whole, fraction = ''] = match
  const { decimals } = displayUnit(currency, irr)
  if (fraction.length > decimals) return { ok: false, error: 'decimals' }
  const minor = (whole + fraction.padEnd(decimals, '0')).replace(/^0+(?=\d)/, '')
  if (/^0+$/.test(minor)) return { ok: false, error: 'zero' }
  if (minor.length > 78) return { ok: false, error: 'invalid' }
  return { ok: true, minor }
}

/** The amount in minor units typed back into an input: "1250" USD → "12.50" (Latin digits, no grouping). */
export function minorToInput(minor: string, currency: Currency, irr: IrrDisplay = 'toman'): string {
  if (!/^\d+$/.test(minor)) return ''
  const { decimals } = displayUnit(currency, irr)
  const digits = minor.padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = decimals > 0 ? digits.slice(-decimals).replace(/0+$/, '') : ''
  return fraction ? `${whole}.${fraction}` : whole
}

/** a − b for amounts in minor units. */
export const subtractMinor = (a: string, b: string): string => (BigInt(a) - BigInt(b)).toString()
