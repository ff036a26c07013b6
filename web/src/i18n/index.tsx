// Language state and formatting. The UI language is, in order: the choice made with the
// switcher (kept in localStorage), the signed-in user's locale, the browser's language.
import type { Locale } from '@caravan/sdk'
import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useState, type ReactNode } from 'react'
import { useSession } from '../features/auth/session'
import { en, type MessageKey, type Messages } from './en'
import { fa } from './fa'

export type { MessageKey }
const dictionaries: Record<Locale, Messages> = { en, fa }
export const LOCALES: Locale[] = ['fa', 'en']
const CHOICE_KEY = 'caravan.locale'

function storedChoice(): Locale | null {
  const value = localStorage.getItem(CHOICE_KEY)
  return value === 'fa' || value === 'en' ? value : null
}

function browserLocale(): Locale {
  return (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase().startsWith('fa') ? 'fa' : 'en'
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string

interface I18n {
  locale: Locale
  /** Switches the language and remembers the choice. */
  setLocale: (locale: Locale) => void
  t: Translate
  formatDate: (iso: string) => string
  formatNumber: (value: number) => string
}

const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children }: { children: ReactNode }) {
  const { user } = useSession()
  const [choice, setChoice] = useState<Locale | null>(storedChoice)
  const locale: Locale = choice ?? user?.locale ?? browserLocale()

  // Before paint, so a Persian page never flashes left to right.
  useLayoutEffect(() => {
    const html = document.documentElement
    html.lang = locale
    html.dir = locale === 'fa' ? 'rtl' : 'ltr'
  }, [locale])

  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(CHOICE_KEY, next)
    setChoice(next)
  }, [])

  const timeZone = user?.timezone ?? (locale === 'fa' ? 'Asia/Tehran' : undefined)
  const value = useMemo<I18n>(() => {
    const messages = dictionaries[locale]
    const intlLocale = locale === 'fa' ? 'fa-IR' : 'en-GB'
    // fa-IR gives Persian digits and the Solar Hijri calendar.
    const dates = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short', timeZone })
    const numbers = new Intl.NumberFormat(intlLocale)
    return {
      locale,
      setLocale,
      // Values are wrapped in Unicode isolates (FSI…PDI) so a Latin name inside a Persian
      // sentence, or the reverse, keeps its own direction and its punctuation in place.
      t: (key, values) =>
        messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
          const v = values?.[name]
          return v === undefined ? whole : `\u2068${typeof v === 'number' ? numbers.format(v) : v}\u2069`
        }),
      formatDate: (iso) => {
        const date = new Date(iso)
        return Number.isNaN(date.getTime()) ? iso : dates.format(date)
      },
      formatNumber: (n) => numbers.format(n),
    }
  }, [locale, setLocale, timeZone])

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n outside I18nProvider')
  return value
}
