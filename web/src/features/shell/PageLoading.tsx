// What the page area shows while a page's code downloads (routes load lazily): grey lines, and
// "Loading the page…" for screen readers. The header and menus stay as they are around it.
import { useI18n } from '../../i18n'
import { Skeleton } from '../../ui'

export function PageLoading() {
  const { t } = useI18n()
  return (
    <div className="page">
      <Skeleton lines={4} label={t('page.loading')} />
    </div>
  )
}
