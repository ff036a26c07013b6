// React Aria chooses the calendar and digits from its locale. The app's AriaLocaleProvider sets
// it already; the date controls set it again so they also work on their own (tests, previews),
// naming the Persian calendar outright rather than trusting each browser's default for fa-IR.
import type { ReactNode } from 'react'
import { I18nProvider } from 'react-aria-components'
import { useI18n } from '../../i18n'

export function dateLocale(locale: 'fa' | 'en'): string {
  return locale === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB'
}

export function DateLocale({ children }: { children: ReactNode }) {
  const { locale } = useI18n()
  return <I18nProvider locale={dateLocale(locale)}>{children}</I18nProvider>
}
