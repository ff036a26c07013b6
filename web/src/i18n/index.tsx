// Language state and formatting. The UI language is, in order: the choice made with the
// switcher (kept in localStorage), the signed-in user's locale, the browser's language.
import type { Locale } from '@caravan/sdk'
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { client, useSession } from '../features/auth/session'
import type { MessageKey } from './en'
import { formatMessage, type MessageValues } from './format'
import { loadedMessages, loadMessages } from './messages'

export type { MessageKey }
export { isMessageKey, loadMessages, messageKeys } from './messages'
export const LOCALES: Locale[] = ['fa', 'en']
const CHOICE_KEY = 'caravan.locale'

function storedChoice(): Locale | null {
  const value = localStorage.getItem(CHOICE_KEY)
  return value === 'fa' || value === 'en' ? value : null
}

function browserLocale(): Locale {
  return (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase().startsWith('fa') ? 'fa' : 'en'
}

/** The language the app starts in (main.tsx loads its dictionary before the first render). */
export function initialLocale(): Locale {
  return storedChoice() ?? client.session?.user.locale ?? browserLocale()
}

/** Sets the page's language and direction (main.tsx calls it before the dictionary has loaded). */
export function applyDocumentLocale(locale: Locale): void {
  const html = document.documentElement
  html.lang = locale
  html.dir = locale === 'fa' ? 'rtl' : 'ltr'
}

/** The browser's IANA time zone ('UTC' when it cannot tell). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** A new account's time zone: Tehran for a Persian speaker, else the browser's. */
export function defaultTimeZone(locale: Locale): string {
  return locale === 'fa' ? 'Asia/Tehran' : browserTimeZone()
}

/** `{name}`, `{n, plural, =0 {…} one {# …} other {# …}}` and `{x, select, a {…} other {…}}` (see format.ts). */
export type Translate = (key: MessageKey, values?: MessageValues) => string

interface I18n {
  locale: Locale
  /** Switches the language and remembers the choice. */
  setLocale: (locale: Locale) => void
  t: Translate
  /** The viewer's IANA time zone: the account's, else Tehran in Persian, else the browser's. */
  timeZone: string
  /** Date and time, e.g. "3 Mar 2025, 14:05" / "۱۳ اسفند ۱۴۰۳، ۱۴:۰۵". */
  formatDate: (iso: string) => string
  /** The date alone, e.g. "3 Mar 2025" / "۱۳ اسفند ۱۴۰۳". */
  formatDateOnly: (iso: string) => string
  /** The time alone, e.g. "14:05" / "۱۴:۰۵". */
  formatTime: (iso: string) => string
  /** "5 minutes ago" / "۵ دقیقه پیش", "yesterday", "in 2 hours"; the date once over a week away. */
  formatRelative: (iso: string, now?: number) => string
  formatNumber: (value: number) => string
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children }: { children: ReactNode }) {
  const { user } = useSession()
  const [choice, setChoice] = useState<Locale | null>(storedChoice)
  const wanted: Locale = choice ?? user?.locale ?? browserLocale()
  // Until the wanted language's dictionary has arrived, the page stays in the one it shows.
  const [, arrived] = useState(0)
  const shown = useRef<Locale | null>(null)
  if (loadedMessages(wanted)) shown.current = wanted
  const locale = shown.current
  useEffect(() => {
    if (!loadedMessages(wanted)) void loadMessages(wanted).then(() => arrived((n) => n + 1))
  }, [wanted])

  // Before paint, so a Persian page never flashes left to right.
  useLayoutEffect(() => {
    if (locale) applyDocumentLocale(locale)
  }, [locale])

  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(CHOICE_KEY, next)
    setChoice(next)
  }, [])

  const timeZone = user?.timezone ?? defaultTimeZone(locale ?? wanted)
  const value = useMemo<I18n | null>(() => {
    const messages = locale && loadedMessages(locale)
    if (!locale || !messages) return null
    const intlLocale = locale === 'fa' ? 'fa-IR' : 'en-GB'
    // fa-IR gives Persian digits and the Solar Hijri calendar.
    const dateTimes = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short', timeZone })
    const dates = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeZone })
    const times = new Intl.DateTimeFormat(intlLocale, { timeStyle: 'short', timeZone })
    const relative = new Intl.RelativeTimeFormat(intlLocale, { numeric: 'auto' })
    const numbers = new Intl.NumberFormat(intlLocale)
    const formatters = {
      plural: new Intl.PluralRules(intlLocale),
      number: numbers,
      // Values are wrapped in Unicode isolates (FSI…PDI) so a Latin name inside a Persian
      // sentence, or the reverse, keeps its own direction and its punctuation in place.
      wrap: (shown: string) => `\u2068${shown}\u2069`,
    }
    const withDate = (format: (date: Date) => string) => (iso: string) => {
      const date = new Date(iso)
      return Number.isNaN(date.getTime()) ? iso : format(date)
    }
    const formatDateOnly = withDate((d) => dates.format(d))
    return {
      locale,
      setLocale,
      t: (key, values) => formatMessage(messages[key], values, formatters),
      timeZone,
      formatDate: withDate((d) => dateTimes.format(d)),
      formatDateOnly,
      formatTime: withDate((d) => times.format(d)),
      formatRelative: (iso, now = Date.now()) => {
        const at = new Date(iso).getTime()
        if (Number.isNaN(at)) return iso
        const ms = at - now
        const abs = Math.abs(ms)
        if (abs < MINUTE) return relative.format(0, 'second')
        if (abs < HOUR) return relative.format(Math.round(ms / MINUTE), 'minute')
        if (abs < DAY) return relative.format(Math.round(ms / HOUR), 'hour')
        if (abs < 7 * DAY) return relative.format(Math.round(ms / DAY), 'day')
        return formatDateOnly(iso)
      },
      formatNumber: (n) => numbers.format(n),
    }
  }, [locale, setLocale, timeZone])

  // Nothing to say before the first dictionary arrives (the app loads it before rendering).
  return value && <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n outside I18nProvider')
  return value
}
