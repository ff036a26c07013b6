import type { AuditEntry, AuditPage, AuditVerification } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { client } from '../auth/session'
import { ErrorAlert, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'

// UUIDs are shortened to their tail: ours are UUIDv7, whose head is a timestamp shared by
// neighbours. Other ids (e.g. a notification type's key) are shown whole.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const shortId = (id: string | null) => (!id ? '' : UUID.test(id) ? `…${id.slice(-8)}` : id)

export function Audit() {
  const { t, formatDate, formatNumber } = useI18n()
  const entries = useLoad<AuditPage>(() => client.admin.listAudit({ limit: 50 }))
  const more = useAction(async (cursor: string) => {
    const next = await client.admin.listAudit({ limit: 50, cursor })
    entries.update((page) => ({ items: [...page.items, ...next.items], nextCursor: next.nextCursor }))
  })
  const [result, setResult] = useState<AuditVerification | null>(null)
  const verify = useAction(async () => {
    setResult(null)
    setResult(await client.admin.verifyAudit())
  })

  const actor = (e: AuditEntry) => {
    if (e.actorType === 'system') return t('audit.system')
    const kind = e.actorType === 'user' ? t('audit.byUser') : e.actorType === 'apiKey' ? t('audit.byApiKey') : e.actorType
    return `${kind} ${shortId(e.actorId)}`
  }

  return (
    <Page title={t('audit.title')} intro={t('audit.intro')}>
      <div className="toolbar">
        <button type="button" onClick={() => void verify.run()} disabled={verify.pending}>
          {verify.pending ? t('common.working') : t('audit.verify')}
        </button>
      </div>
      <div role="status">
        {result && (
          <p className={result.valid ? 'alert success' : 'alert error'}>
            {result.valid
              ? t('audit.valid', { count: formatNumber(result.checked) })
              : t('audit.broken', { seq: formatNumber(Number(result.brokenAtSeq)), reason: result.reason ?? '' })}
          </p>
        )}
      </div>
      <ErrorAlert error={verify.error ?? entries.error ?? more.error} />
      {entries.loading && !entries.data && <p>{t('common.loading')}</p>}
      {entries.data?.items.length === 0 && <p className="empty">{t('audit.empty')}</p>}
      {!!entries.data?.items.length && (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('audit.seq')}</th>
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.target')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.items.map((e) => (
                  <tr key={e.seq}>
                    <th scope="row">{formatNumber(Number(e.seq))}</th>
                    <td>{formatDate(e.at)}</td>
                    <td>
                      <bdi>{actor(e)}</bdi>
                    </td>
                    <td>
                      <code dir="ltr">{e.action}</code>
                    </td>
                    <td>{e.targetType ? <code dir="ltr">{`${e.targetType} ${shortId(e.targetId)}`}</code> : t('common.none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entries.data.nextCursor && (
            <button type="button" className="secondary" disabled={more.pending} onClick={() => void more.run(entries.data!.nextCursor!)}>
              {more.pending ? t('common.working') : t('common.loadMore')}
            </button>
          )}
        </>
      )}
    </Page>
  )
}
