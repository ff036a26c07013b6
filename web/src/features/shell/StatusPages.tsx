import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import type { ModuleEntry } from './modules'
import { Page } from './Page'

export function ComingSoon({ module }: { module: ModuleEntry }) {
  const { t } = useI18n()
  return (
    <Page title={t('soon.title', { module: t(module.label) })} tabTitle={t(module.label)}>
      <div className="notice">
        <p>{t(module.description)}</p>
        <p>{t('soon.body')}</p>
      </div>
      <p>
        <Link to="/" className="button secondary">
          {t('common.backHome')}
        </Link>
      </p>
    </Page>
  )
}

export function Forbidden() {
  const { t, formatNumber } = useI18n()
  return (
    <Page title={t('forbidden.title')}>
      <p className="status-code" aria-hidden="true">
        {formatNumber(403)}
      </p>
      <p>{t('forbidden.body')}</p>
      <p>
        <Link to="/" className="button secondary">
          {t('common.backHome')}
        </Link>
      </p>
    </Page>
  )
}

export function NotFound() {
  const { t, formatNumber } = useI18n()
  return (
    <Page title={t('notFound.title')}>
      <p className="status-code" aria-hidden="true">
        {formatNumber(404)}
      </p>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/" className="button secondary">
          {t('common.backHome')}
        </Link>
      </p>
    </Page>
  )
}
