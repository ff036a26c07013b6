// The dev outbox: what Caravan "sent" by email, SMS and push while no real provider is set up.
// A list (channel filter in the URL); a message opens in a side sheet: an email's subject and an
// inert preview of its HTML, an SMS's text, a push's title and body.
import type { OutboxItem } from '@caravan/sdk'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useI18n, type Translate } from '../../../i18n'
import { Button, Drawer, SelectField } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { EmailFrame } from '../EmailFrame'
import { consoleKeys } from './queries'

const PAGE_SIZE = 10
const ALL = 'all'
const OUTBOX_CHANNELS = ['email', 'sms', 'push'] as const
type OutboxChannel = (typeof OUTBOX_CHANNELS)[number]

const titleOf = (t: Translate, item: OutboxItem) =>
  item.channel === 'email' ? item.payload.subject : item.channel === 'sms' ? t('outbox.smsTo', { to: item.recipient }) : item.payload.title

export function DevOutbox() {
  const { t } = useI18n()
  const queries = useQueryClient()
  const [{ channel }, setUrl] = useUrlState({ channel: '' }, { channel: (v) => (OUTBOX_CHANNELS as readonly string[]).includes(v) })
  const [open, setOpen] = useState<OutboxItem | null>(null)

  const columns: Column<OutboxItem>[] = [
    { id: 'title', header: t('nconsole.message'), primary: true, cell: (item) => <bdi>{titleOf(t, item)}</bdi> },
    { id: 'channel', header: t('outbox.channel'), cell: (item) => t(`channel.${item.channel}`) },
    {
      id: 'to',
      header: t('outbox.to'),
      cell: (item) => (
        <bdi dir="ltr" className="wrap-anywhere">
          {item.recipient}
        </bdi>
      ),
    },
    {
      id: 'time',
      header: t('nconsole.sentAt'),
      sortValue: (item) => item.createdAt,
      cell: (item) => <RelativeTime iso={item.createdAt} />,
    },
  ]

  return (
    <Page title={t('outbox.title')} intro={t('outbox.intro')}>
      <DataTable
        caption={t('outbox.title')}
        columns={columns}
        queryKey={consoleKeys.outbox(channel)}
        fetchPage={({ cursor, signal }) =>
          client.dev.outbox({ channel: (channel || undefined) as OutboxChannel | undefined, limit: PAGE_SIZE, cursor }, { signal })
        }
        getRowId={(item) => item.id}
        empty={<p className="empty">{t('outbox.empty')}</p>}
        rowActions={(item) => (
          <Button
            variant="secondary"
            size="small"
            aria-label={t('nconsole.showNamed', { title: titleOf(t, item) })}
            onPress={() => setOpen(item)}
          >
            {t('nconsole.show')}
          </Button>
        )}
        filters={
          <>
            <SelectField
              label={t('outbox.channel')}
              value={channel || ALL}
              onChange={(value) => setUrl({ channel: !value || value === ALL ? '' : value })}
              options={[{ id: ALL, label: t('outbox.allChannels') }, ...OUTBOX_CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))]}
            />
            <Button variant="secondary" onPress={() => void queries.invalidateQueries({ queryKey: consoleKeys.outbox(channel) })}>
              {t('outbox.refresh')}
            </Button>
          </>
        }
      />
      {open && (
        <Drawer isOpen onOpenChange={(isOpen) => !isOpen && setOpen(null)} title={<bdi>{titleOf(t, open)}</bdi>}>
          <OutboxMessage item={open} />
        </Drawer>
      )}
    </Page>
  )
}

function OutboxMessage({ item }: { item: OutboxItem }) {
  const { t } = useI18n()
  const meta = (
    <p className="outbox-meta">
      <span className="tag">{t(`channel.${item.channel}`)}</span> <RelativeTime iso={item.createdAt} />
    </p>
  )
  if (item.channel === 'email') {
    const p = item.payload
    // The email's own language decides its direction, whatever the console's language.
    const dir = p.locale === 'fa' ? 'rtl' : p.locale === 'en' ? 'ltr' : 'auto'
    return (
      <div className="outbox-item">
        {meta}
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
      </div>
    )
  }
  if (item.channel === 'sms')
    return (
      <div className="outbox-item">
        {meta}
        <p className="bubble" dir="auto">
          {item.payload.text}
        </p>
      </div>
    )
  const p = item.payload
  return (
    <div className="outbox-item">
      {meta}
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
    </div>
  )
}
