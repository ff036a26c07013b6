// The time-zone list: every IANA zone the browser knows, each with a readable name and its
// offset now ("Tehran (UTC+03:30)", "تهران (UTC+۰۳:۳۰)"), sorted by offset then name. Building
// it asks Intl ~1,300 questions, so it is made once per language (and day, for DST changes).
import type { Locale } from '@caravan/sdk'
import { citiesFa } from './citiesFa'

export interface TimeZoneOption {
  id: string
  /** The city (or "Coordinated Universal Time" for UTC). */
  city: string
  /** Intl's localized name, e.g. "Iran Standard Time", when it has one. */
  name?: string
  /** Minutes east of UTC, now. */
  offsetMinutes: number
  /** "UTC+03:30", digits in the language's own. */
  offset: string
  /** "Tehran (UTC+03:30)": the option's text and the input's once chosen. */
  label: string
  /** The words a search matches the start of: id, cities, names, offset (normalized). */
  search: string
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹'

function persianDigits(text: string): string {
  return text.replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)])
}

/** Lower case, Latin digits, Persian ی/ک for Arabic ي/ك, spaces for underscores: what search compares. */
export function normalizeSearch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[۰-۹]/g, (d) => String(PERSIAN_DIGITS.indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/ي/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/[_\u200c]/g, ' ')
    .replace(/\u2212/g, '-')
}

function zoneName(locale: string, timeZone: string, style: Intl.DateTimeFormatOptions['timeZoneName'], at: Date): string {
  try {
    const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }).formatToParts(at)
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? ''
  } catch {
    return ''
  }
}

/** Minutes east of UTC at a moment ("GMT+03:30" → 210). */
export function offsetMinutes(timeZone: string, at: Date): number {
  const match = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(zoneName('en-US', timeZone, 'longOffset', at))
  if (!match) return 0
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0)
  return match[1] === '-' ? -minutes : minutes
}

function formatOffset(minutes: number, locale: Locale): string {
  const abs = Math.abs(minutes)
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
  const text = `UTC${minutes < 0 ? '-' : '+'}${hhmm}`
  return locale === 'fa' ? persianDigits(text) : text
}

/** A generic name without digits: Intl falls back to "GMT+03:30"-like text when it has none. */
function readableName(locale: string, timeZone: string, at: Date): string | undefined {
  for (const style of ['longGeneric', 'long'] as const) {
    const name = zoneName(locale, timeZone, style, at)
    if (name && !/[0-9۰-۹]/.test(name)) return name
  }
  return undefined
}

/** One zone's option; also used for a saved zone the list does not hold (an alias). */
export function timeZoneOption(id: string, locale: Locale, at = new Date()): TimeZoneOption {
  // Plain 'en': en-GB names many zones by abbreviation ("CET") where 'en' says "Germany Time".
  const intlLocale = locale === 'fa' ? 'fa-IR' : 'en'
  const englishCity = (id.split('/').pop() ?? id).replace(/_/g, ' ')
  const minutes = offsetMinutes(id, at)
  const offset = formatOffset(minutes, locale)
  const name = readableName(intlLocale, id, at)
  const isUtc = id === 'UTC' || id === 'Etc/UTC'
  const city = isUtc ? (name ?? 'UTC') : locale === 'fa' ? (citiesFa[id] ?? englishCity) : englishCity
  const shownName = isUtc || !name || name.toLowerCase() === city.toLowerCase() ? undefined : name
  // The short generic name is often the country ("Germany Time", "وقت آلمان"): good to search by.
  const hhmm = formatOffset(minutes, 'en').slice(3)
  const search = [id, englishCity, city, citiesFa[id], name, zoneName(intlLocale, id, 'shortGeneric', at), offset, hhmm, hhmm.slice(1)]
  return { id, city, name: shownName, offsetMinutes: minutes, offset, label: `${city} (${offset})`, search: searchWords(search.join(' ')) }
}

const WORD_BREAK = /[\s/|(),]+/

/** The normalized words of a text, one space before each, so ' ' + word finds a word's start. */
function searchWords(text: string): string {
  return ` ${normalizeSearch(text).split(WORD_BREAK).filter(Boolean).join(' ')}`
}

function zoneIds(): string[] {
  const ids = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return ids.includes('UTC') ? ids : ['UTC', ...ids]
}

const lists = new Map<string, TimeZoneOption[]>()
const listKey = (locale: Locale, at: Date) => `${locale} ${at.toISOString().slice(0, 10)}`

/** The list if it was built already (cheap), else undefined. */
export function cachedTimeZoneOptions(locale: Locale, at = new Date()): TimeZoneOption[] | undefined {
  return lists.get(listKey(locale, at))
}

/** Every zone for the language, sorted by offset then name; cached per language and day. */
export function timeZoneOptions(locale: Locale, at = new Date()): TimeZoneOption[] {
  const key = listKey(locale, at)
  let list = lists.get(key)
  if (!list) {
    const collator = new Intl.Collator(locale === 'fa' ? 'fa-IR' : 'en-GB')
    list = zoneIds()
      .map((id) => timeZoneOption(id, locale, at))
      .sort((a, b) => a.offsetMinutes - b.offsetMinutes || collator.compare(a.label, b.label))
    lists.set(key, list)
  }
  return list
}

/** Does the option match what was typed? Every word typed must start one of its words ("teh" finds Tehran, not Whitehorse). */
export function matchesTimeZone(search: string, query: string): boolean {
  const words = normalizeSearch(query).split(WORD_BREAK).filter(Boolean)
  return words.every((word) => search.includes(` ${word}`))
}
