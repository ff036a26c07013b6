import type { Locale } from '@caravan/sdk'
import { useId } from 'react'
import { LOCALES, useI18n } from '../../i18n'

/** Each language is named in itself, so people find theirs whatever the current language. */
export function LanguageSwitcher() {
  const { locale, setLocale, t } = useI18n()
  const id = useId()
  return (
    <div className="language">
      <label htmlFor={id} className="visually-hidden">
        {t('lang.label')}
      </label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </div>
  )
}
