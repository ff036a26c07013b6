// Days, percentages and decimals for the dashboards and the support console in the page's language:
// Persian digits and the Solar Hijri calendar in fa (through Intl's fa-IR), en-GB in English, like i18n/index.tsx.
import type { Locale } from '@caravan/sdk'

export const intlLocale = (locale: Locale) => (locale === 'fa' ? 'fa-IR' : 'en-GB')

/**
 * A calendar day 'YYYY-MM-DD' (a holiday, a dashboard day) in words. It is a date, not an
 * instant, so it is formatted in UTC: no viewer's time zone may move it to the day before.
 */
export function formatDay(day: string, locale: Locale, style: 'medium' | 'short' | 'weekday' = 'medium'): string {
  const date = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return day
  const options: Intl.DateTimeFormatOptions =
    style === 'short'
      ? { month: 'short', day: 'numeric', timeZone: 'UTC' }
      : style === 'weekday'
        ? { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }
        : { dateStyle: 'medium', timeZone: 'UTC' }
  return new Intl.DateTimeFormat(intlLocale(locale), options).format(date)
}

/** 0.125 → "12.5%" / "۱۲٫۵٪". */
export function formatPercent(rate: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 1 }).format(rate)
}

/** A figure with at most `digits` decimals (a CSAT average: 4.25). */
export function formatDecimal(value: number, locale: Locale, digits = 2): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: digits }).format(value)
}
