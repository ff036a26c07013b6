// Durations in minutes (what the API speaks: SLA targets, response and resolution times) as
// hours:minutes, the way an admin types them and a dashboard shows them: "8:00", "1:30",
// "40:00" — in Persian digits in fa. Typed text may use either digits.

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹'

/** Persian and Arabic-Indic digits to Latin ones. */
export function latinDigits(text: string): string {
  return text.replace(/[۰-۹]/g, (d) => String(PERSIAN.indexOf(d))).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
}

/** Latin digits to the language's. */
export function localDigits(text: string, locale: 'fa' | 'en'): string {
  return locale === 'fa' ? text.replace(/\d/g, (d) => PERSIAN[Number(d)]) : text
}

/** Whole hours and the minutes left, from minutes rounded to the nearest minute. */
export function splitMinutes(total: number): { hours: number; minutes: number } {
  const rounded = Math.max(0, Math.round(total))
  return { hours: Math.floor(rounded / 60), minutes: rounded % 60 }
}

/** 510 → "8:30" (in the language's digits). */
export function formatHoursMinutes(total: number, locale: 'fa' | 'en'): string {
  const { hours, minutes } = splitMinutes(total)
  return localDigits(`${hours}:${String(minutes).padStart(2, '0')}`, locale)
}

/** A target for an input: '' for none. */
export function minutesToInput(total: number | null, locale: 'fa' | 'en'): string {
  return total === null ? '' : formatHoursMinutes(total, locale)
}

/**
 * What was typed → minutes: "8" (hours), "8:30", "۸:۳۰", "0:45". null for empty (no target),
 * undefined when it is not hours:minutes (minutes past 59, letters, a negative number).
 */
export function parseHoursMinutes(text: string): number | null | undefined {
  const trimmed = latinDigits(text.trim()).replace(/[：٫]/g, ':')
  if (!trimmed) return null
  const match = /^(\d{1,4})(?::(\d{1,2}))?$/.exec(trimmed)
  if (!match) return undefined
  const minutes = match[2] === undefined ? 0 : Number(match[2])
  if (minutes > 59) return undefined
  return Number(match[1]) * 60 + minutes
}
