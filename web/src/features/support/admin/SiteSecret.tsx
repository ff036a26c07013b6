// What an admin takes away from a widget site: the embed code for its pages, and (right after the
// site is made or its secret rotated, this one time only) the identity secret its server signs
// users' ids with. The server never shows the secret again, so it is held in this page's state
// only, never in the query cache.
import type { WidgetSite } from '@caravan/sdk'
import { useEffect, useId, useRef } from 'react'
import { useI18n } from '../../../i18n'
import { Button } from '../../../ui'
import { CopyButton } from './CopyButton'

/** The <script> tag to paste into the site's pages, with a copy button. */
export function EmbedCode({ site }: { site: WidgetSite }) {
  const { t } = useI18n()
  return (
    <>
      <p className="hint">{t('sadmin.siteEmbedHint')}</p>
      <pre className="plain snippet" dir="ltr">
        <code data-testid="site-snippet">{site.snippet}</code>
      </pre>
      <CopyButton text={site.snippet} label={t('sadmin.siteCopySnippet')} />
    </>
  )
}

/** The new identity secret of `site`, this one time, then its embed code. Takes focus so it is read. */
export function SiteSecret({ site, secret, onDismiss }: { site: WidgetSite; secret: string; onDismiss: () => void }) {
  const { t } = useI18n()
  const id = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  // After the dialog that made it has handed focus back.
  useEffect(() => heading.current?.focus(), [])
  return (
    <section className="alert success new-key sadmin-site-secret" aria-labelledby={id}>
      <h2 id={id} ref={heading} tabIndex={-1}>
        {t('sadmin.siteSecretTitle', { name: site.name })}
      </h2>
      <p>{t('sadmin.siteSecretWarning')}</p>
      <p>
        <code className="secret" dir="ltr" data-testid="site-identity-secret">
          {secret}
        </code>
      </p>
      <CopyButton text={secret} label={t('sadmin.siteCopySecret')} />
      <p className="hint">{t('sadmin.siteSecretUse')}</p>
      <h3>{t('sadmin.siteEmbedTitle')}</h3>
      <EmbedCode site={site} />
      <div className="toolbar">
        <Button variant="secondary" onPress={onDismiss}>
          {t('sadmin.siteSecretDone')}
        </Button>
      </div>
    </section>
  )
}
