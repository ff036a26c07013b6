// Liquid filters that write numbers, money and dates the way the recipient reads them: Persian
// digits and the Solar Hijri calendar for fa, in the recipient's time zone. The render scope
// carries `locale` and `timezone` (renderTemplate puts them there); a filter reads them from it.
import { formatAmount, isCurrency, type Currency } from '../../core/money/currency'

export type IrrDisplay = 'toman' | 'rial'
export interface FormatScope {
  locale: 'fa' | 'en'
  timezone: string
  /** How IRR amounts read: in toman (a tenth, as Iranians usually say prices) or in rial. */
  irr: IrrDisplay
}

const intlLocale = (locale: FormatScope['locale']) => (locale === 'fa' ? 'fa-IR' : 'en-US')

/** `{{ 1234.5 | number }}` → "1,234.5" / "۱٬۲۳۴٫۵"; `number: 2` fixes the decimals. */
export function formatNumber(value: unknown, scope: FormatScope, decimals?: number): string {
  const n = typeof value === 'number' ? value : Number(String(value ?? '').trim())
  if (!Number.isFinite(n)) return String(value ?? '')
  const digits = decimals === undefined ? undefined : Math.max(0, Math.min(20, Math.trunc(Number(decimals))))
  return new Intl.NumberFormat(intlLocale(scope.locale), { minimumFractionDigits: digits, maximumFractionDigits: digits ?? 20 }).format(n)
}

/**
 * `{{ amount | money: "IRR" }}`: an amount in minor units (digits, as the API carries money) in
 * the recipient's words: "۹۹٬۰۰۰ تومان" / "99,000 Toman" for IRR 990000 shown as toman, "$990.00"
 * for USD 99000. A value that is not whole minor units, or an unknown currency, is left as it is.
 */
export function formatMoney(value: unknown, currency: unknown, scope: FormatScope): string {
  const raw = String(value ?? '').trim()
  const code = String(currency ?? '').toUpperCase()
  if (!/^-?\d{1,78}$/.test(raw) || !isCurrency(code)) return raw
  const minor = BigInt(raw)
  if (code === 'IRR' && scope.irr === 'toman') {
    // A toman is ten rials; a fraction of a toman (rare) keeps its rial digit after the separator.
    const toman = new Intl.NumberFormat(intlLocale(scope.locale), { maximumFractionDigits: 1 }).format(Number(minor) / 10)
    return scope.locale === 'fa' ? `${toman} تومان` : `${toman} Toman`
  }
  return formatAmount(minor, code as Currency, scope.locale)
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (value === 'now' || value === 'today') return new Date()
  const text = String(value ?? '').trim()
  if (!text) return undefined
  const date = /^-?\d+$/.test(text) ? new Date(Number(text) * 1000) : new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date
}

const STYLES = ['short', 'medium', 'long', 'full'] as const
type Style = (typeof STYLES)[number]
const styleOf = (value: unknown, fallback: Style): Style => (STYLES.includes(value as Style) ? (value as Style) : fallback)

/** Intl's date formatter in the recipient's zone; an unknown zone (never stored, but data can be old) falls back to UTC. */
function dateFormat(scope: FormatScope, options: Intl.DateTimeFormatOptions) {
  try {
    return new Intl.DateTimeFormat(intlLocale(scope.locale), { ...options, timeZone: scope.timezone })
  } catch {
    return new Intl.DateTimeFormat(intlLocale(scope.locale), { ...options, timeZone: 'UTC' })
  }
}

/** `{{ paidAt | date }}` (or `date: "short"`…): the day in the recipient's calendar and time zone. */
export function formatDate(value: unknown, scope: FormatScope, style?: unknown): string {
  const date = toDate(value)
  if (!date) return String(value ?? '')
  return dateFormat(scope, { dateStyle: styleOf(style, 'long') }).format(date)
}

/** `{{ paidAt | datetime }}`: the day and the time, in the recipient's calendar and time zone. */
export function formatDateTime(value: unknown, scope: FormatScope, style?: unknown): string {
  const date = toDate(value)
  if (!date) return String(value ?? '')
  return dateFormat(scope, { dateStyle: styleOf(style, 'long'), timeStyle: 'short' }).format(date)
}
