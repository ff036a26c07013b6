// React Aria follows the app's language: right-to-left layout and keyboard, Persian digits in
// number fields, and the Persian (Solar Hijri) calendar in date pickers for 'fa-IR'.
import type { ReactNode } from 'react'
import { I18nProvider } from 'react-aria-components'
import { useI18n } from '../i18n'

/** The BCP 47 locale for Intl and React Aria: the same ones the I18nProvider formats with. */
export function ariaLocale(locale: 'fa' | 'en'): string {
  return locale === 'fa' ? 'fa-IR' : 'en-GB'
}

/** Goes inside the app's I18nProvider (main.tsx), around everything that uses React Aria. */
export function AriaLocaleProvider({ children }: { children: ReactNode }) {
  const { locale } = useI18n()
  return <I18nProvider locale={ariaLocale(locale)}>{children}</I18nProvider>
}
