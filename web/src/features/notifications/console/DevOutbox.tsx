// The dev outbox: what Caravan "sent" by email, SMS and push while no real provider is set up.
// Emails show their subject and an inert preview of the HTML, SMS their text, push title/body.
import type { OutboxItem, OutboxPage } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { client } from '../../auth/session'
import { ErrorAlert, SelectField, useAction } from '../../shell/form'
import { Page } from '../../shell/Page'
import { useLoad } from '../../shell/useLoad'
import { EmailFrame } from '../EmailFrame'

const PAGE_SIZE = 10
type OutboxChannel = 'email' | 'sms' | 'push'

export function DevOutbox() {
  const { t, formatNumber } = useI18n()
  const [channel, setChannel] = useState<OutboxChannel | ''>('')
  const outbox = useLoad<OutboxPage>(() => client.dev.outbox({ channel: channel || undefined, limit: PAGE_SIZE }), [channel])
  const more = useAction(async (cursor: string) => {
    const next = await client.dev.outbox({ channel: channel || undefined, limit: PAGE_SIZE, cursor })
    outbox.update((page) => ({ items: [...page.items, ...next.items], nextCursor: next.nextCursor }))
  })
  const items = outbox.data?.items
  return (
    <Page title={t('outbox.title')} intro={t('outbox.intro')}>
      <div className="toolbar align-end">
        <SelectField
          label={t('outbox.channel')}
          value={channel}
          onChange={(e) => setChannel(e.target.value as OutboxChannel | '')}
          options={[
            { value: '', label: t('outbox.allChannels') },
            ...(['email', 'sms', 'push'] as const).map((c) => ({ value: c, label: t(`channel.${c}`) })),
          ]}
        />
        <button type="button" className="secondary" onClick={outbox.reload} disabled={outbox.loading}>
          {t('outbox.refresh')}
        </button>
      </div>
      <ErrorAlert error={outbox.error ?? more.error ?? null} />
      <div role="status" className="muted small">
        {items && !outbox.loading && t('outbox.shown', { count: formatNumber(items.length) })}
      </div>
      {outbox.loading && !outbox.data && <p>{t('common.loading')}</p>}
      {items?.length === 0 && <p className="empty">{t('outbox.empty')}</p>}
      {!!items?.length && (
        <ul className="outbox">
          {items.map((item) => (
            <OutboxEntry key={item.id} item={item} />
          ))}
        </ul>
      )}
      {outbox.data?.nextCursor && (
        <button type="button" className="secondary" disabled={more.pending} onClick={() => void more.run(outbox.data!.nextCursor!)}>
          {more.pending ? t('common.working') : t('common.loadMore')}
        </button>
      )}
    </Page>
  )
}

function OutboxEntry({ item }: { item: OutboxItem }) {
  const { t, formatDate } = useI18n()
  const headingId = `outbox-${item.id}`
  let title: string
  let body
  if (item.channel === 'email') {
    const p = item.payload
    // The email's own language decides its direction, whatever the console's language.
    const dir = p.locale === 'fa' ? 'rtl' : p.locale === 'en' ? 'ltr' : 'auto'
    title = p.subject
    body = (
      <>
        <dl className="facts compact">
          <div>
            <dt>{t('outbox.from')}</dt>
            <dd>
              <bdi dir="ltr">{p.from}</bdi>
            </dd>
          </div>
          <div>
            <dt>{t('outbox.to')}</dt>
            <dd>
              <bdi dir="ltr">{item.recipient}</bdi>
            </dd>
          </div>
        </dl>
        <EmailFrame html={p.html} title={t('outbox.emailFrame', { subject: p.subject })} />
        <details>
          <summary>{t('outbox.textVersion')}</summary>
          <pre className="plain" dir={dir}>
            {p.text}
          </pre>
        </details>
      </>
    )
  } else if (item.channel === 'sms') {
    title = t('outbox.smsTo', { to: item.recipient })
    body = (
      <p className="bubble" dir="auto">
        {item.payload.text}
      </p>
    )
  } else {
    const p = item.payload
    title = p.title
    body = (
      <>
        <p className="muted small">
          {t('outbox.device')} <code dir="ltr">{item.recipient}</code>
        </p>
        <div className="push-preview">
          <p className="push-title">
            <bdi>{p.title}</bdi>
          </p>
          <p className="push-body" dir="auto">
            {p.body}
          </p>
          {p.data && Object.keys(p.data).length > 0 && (
            <pre className="plain" dir="ltr">
              {JSON.stringify(p.data, null, 2)}
            </pre>
          )}
        </div>
      </>
    )
  }
  return (
    <li className="card outbox-item" aria-labelledby={headingId}>
      <p className="outbox-meta">
        <span className="tag">{t(`channel.${item.channel}`)}</span>
        <time dateTime={item.createdAt} className="muted small">
          {formatDate(item.createdAt)}
        </time>
      </p>
      <h2 id={headingId} className="outbox-title">
        <bdi>{title}</bdi>
      </h2>
      {body}
    </li>
  )
}
