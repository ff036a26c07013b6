// Texts and formats for the scripts other sites embed: each carries only its own dictionary (en
// and fa); the number and time formats are the same for all.
export type Locale = 'en' | 'fa'

export const isLocale = (value: unknown): value is Locale => value === 'en' || value === 'fa'

export interface Texts<K extends string> {
  locale: Locale
  dir: 'ltr' | 'rtl'
  /** The text of `key`, with `{name}` placeholders filled; numbers in the locale's digits. */
  t(key: K, vars?: Record<string, string | number>): string
  /** A number in the locale's digits (Persian digits in fa), without grouping (ticket numbers). */
  num(value: number): string
  /** A message time: the time of day, with the date when it is not today. */
  time(iso: string): string
}

export function makeTexts<K extends string>(locale: Locale, dictionary: Record<K, string>): Texts<K> {
  // fa-IR gives Persian digits and the Solar Hijri calendar; Persian readers get Tehran time.
  const tag = locale === 'fa' ? 'fa-IR' : 'en-GB'
  const timeZone = locale === 'fa' ? 'Asia/Tehran' : undefined
  const digits = new Intl.NumberFormat(tag, { useGrouping: false })
  const clock = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit' })
  const dated = new Intl.DateTimeFormat(tag, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' })
  const num = (value: number) => digits.format(value)
  return {
    locale,
    dir: locale === 'fa' ? 'rtl' : 'ltr',
    num,
    t: (key, vars = {}) =>
      dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = vars[name]
        return typeof value === 'number' ? num(value) : (value ?? '')
      }),
    time(iso) {
      const date = new Date(iso)
      return (day.format(date) === day.format(new Date()) ? clock : dated).format(date)
    },
  }
}
