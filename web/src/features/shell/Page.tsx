import { useEffect, type ReactNode } from 'react'
import { useI18n } from '../../i18n'
import { FlashNotice } from './flash'

/** A page's heading, intro and browser tab title. The router focuses the h1 after navigation. */
export function Page({ title, tabTitle, intro, children }: { title: string; tabTitle?: string; intro?: ReactNode; children?: ReactNode }) {
  const { t } = useI18n()
  const documentTitle = `${tabTitle ?? title} · ${t('app.name')}`
  useEffect(() => {
    document.title = documentTitle
  }, [documentTitle])
  return (
    <div className="page">
      <h1 tabIndex={-1}>{title}</h1>
      {intro && <p className="intro">{intro}</p>}
      <FlashNotice />
      {children}
    </div>
  )
}
