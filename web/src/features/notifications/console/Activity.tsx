// The activity feed: every delivery, newest first, filtered by user, type, channel, status and
// a date range (days in the viewer's calendar and time zone), the filters kept in the URL; the
// details of a delivery (its reason, provider and each attempt) open in a side sheet. A second tab
// lists the workflow runs (Runs.tsx), with a form that calls off what a trigger started by its
// cancel key (CancelRuns.tsx); the tab is in the URL too.
import type { Delivery, DeliveryStatus, NotificationChannel } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Button, Drawer, ProblemAlert, SelectField, Skeleton } from '../../../ui'
import { DateRangeFilter, RelativeTime } from '../../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { Tabs } from '../../shell/Tabs'
import { CHANNELS, DELIVERY_STATUSES } from '../labels'
import { PersonById } from './Person'
import { consoleKeys, useNotificationDetail, useTypes } from './queries'
import { CancelRuns } from './CancelRuns'
import { Runs } from './Runs'
import { UserFilter, UUID } from './UserFilter'

const PAGE_SIZE = 25
const ALL = 'all'
const OUTCOMES = ['sent', 'transient', 'permanent', 'invalid_recipient', 'in_doubt'] as const
type Outcome = (typeof OUTCOMES)[number]
const isOutcome = (value: string): value is Outcome => (OUTCOMES as readonly string[]).includes(value)
const isInstant = (value: string) => /T/.test(value) && !Number.isNaN(Date.parse(value))
const NO_FILTER = { user: '', type: '', channel: '', status: '', from: '', to: '' }

type View = 'deliveries' | 'runs'

export function Activity() {
  const { t } = useI18n()
  const [url, setUrl] = useUrlState({ view: 'deliveries' }, { view: (v) => v === 'runs' })
  const view: View = url.view === 'runs' ? 'runs' : 'deliveries'
  return (
    <Page title={t('activity.title')} intro={t('activity.intro')}>
      <Tabs
        idPrefix="activity"
        label={t('activity.views')}
        selected={view}
        onSelect={(next) => setUrl({ view: next })}
        tabs={[
          { id: 'deliveries', label: t('activity.tabDeliveries') },
          { id: 'runs', label: t('runs.tab') },
        ]}
      >
        {view === 'runs' ? (
          <>
            <Runs />
            <CancelRuns />
          </>
        ) : (
          <Deliveries />
        )}
      </Tabs>
    </Page>
  )
}

function Deliveries() {
  const { t, formatNumber, formatDate } = useI18n()
  const types = useTypes()
  const [filter, setFilter] = useUrlState(NO_FILTER, {
    user: (v) => UUID.test(v),
    channel: (v) => (CHANNELS as readonly string[]).includes(v),
    status: (v) => (DELIVERY_STATUSES as readonly string[]).includes(v),
    from: isInstant,
    to: isInstant,
  })
  const [open, setOpen] = useState<Delivery | null>(null)
  const filtered = Object.values(filter).some(Boolean)
  const choose = (name: 'type' | 'channel' | 'status') => (value: string | null) =>
    setFilter({ [name]: !value || value === ALL ? '' : value })

  const columns: Column<Delivery>[] = [
    {
      id: 'time',
      header: t('activity.time'),
      primary: true,
      sortValue: (d) => d.createdAt,
      cell: (d) => <RelativeTime iso={d.createdAt} />,
    },
    {
      id: 'type',
      header: t('activity.type'),
      sortValue: (d) => d.type,
      cell: (d) => (
        <code dir="ltr" className="wrap-anywhere">
          {d.type}
        </code>
      ),
    },
    { id: 'user', header: t('activity.user'), cell: (d) => <PersonById id={d.userId} /> },
    { id: 'channel', header: t('activity.channel'), cell: (d) => t(`channel.${d.channel}`) },
    {
      id: 'status',
      header: t('activity.status'),
      sortValue: (d) => d.status,
      cell: (d) => <span className={`status status-${d.status}`}>{t(`status.${d.status}`)}</span>,
    },
    { id: 'attempts', header: t('activity.attempts'), sortValue: (d) => d.attempts, cell: (d) => formatNumber(d.attempts) },
  ]

  return (
    <>
      <DataTable
        caption={t('activity.title')}
        columns={columns}
        queryKey={consoleKeys.deliveries(filter)}
        fetchPage={({ cursor, signal }) =>
          client.admin.notifications.deliveries(
            {
              userId: filter.user || undefined,
              type: filter.type || undefined,
              channel: (filter.channel || undefined) as NotificationChannel | undefined,
              status: (filter.status || undefined) as DeliveryStatus | undefined,
              from: filter.from || undefined,
              to: filter.to || undefined,
              limit: PAGE_SIZE,
              cursor,
            },
            { signal },
          )
        }
        getRowId={(d) => d.id}
        empty={<p className="empty">{filtered ? t('activity.empty') : t('nconsole.noDeliveries')}</p>}
        rowActions={(d) => (
          <Button
            variant="secondary"
            size="small"
            aria-label={t('activity.detailsFor', { type: d.type, channel: t(`channel.${d.channel}`), time: formatDate(d.createdAt) })}
            onPress={() => setOpen(d)}
          >
            {t('activity.details')}
          </Button>
        )}
        filters={
          <div role="search" aria-label={t('activity.filters')} className="filters-grid">
            <UserFilter label={t('activity.user')} value={filter.user} onChange={(user) => setFilter({ user })} />
            <SelectField
              label={t('activity.type')}
              value={filter.type || ALL}
              onChange={choose('type')}
              options={[
                { id: ALL, label: t('activity.allTypes') },
                // A type named in a link is kept even before (or without) the list.
                ...(filter.type && !types.data?.some((x) => x.key === filter.type) ? [{ id: filter.type, label: filter.type }] : []),
                ...(types.data ?? []).map((x) => ({ id: x.key, label: x.key })),
              ]}
            />
            <SelectField
              label={t('activity.channel')}
              value={filter.channel || ALL}
              onChange={choose('channel')}
              options={[{ id: ALL, label: t('activity.allChannels') }, ...CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))]}
            />
            <SelectField
              label={t('activity.status')}
              value={filter.status || ALL}
              onChange={choose('status')}
              options={[
                { id: ALL, label: t('activity.allStatuses') },
                ...DELIVERY_STATUSES.map((s) => ({ id: s, label: t(`status.${s}`) })),
              ]}
            />
            <DateRangeFilter
              label={t('nconsole.dates')}
              value={{ from: filter.from || undefined, to: filter.to || undefined }}
              onChange={(range) => setFilter({ from: range.from ?? '', to: range.to ?? '' })}
            />
            {filtered && (
              <Button variant="quiet" onPress={() => setFilter(NO_FILTER)}>
                {t('activity.clear')}
              </Button>
            )}
          </div>
        }
      />
      {open && (
        <Drawer
          isOpen
          onOpenChange={(isOpen) => !isOpen && setOpen(null)}
          title={t('activity.detailsFor', { type: open.type, channel: t(`channel.${open.channel}`), time: formatDate(open.createdAt) })}
        >
          <DeliveryDetails delivery={open} />
        </Drawer>
      )}
    </>
  )
}

function DeliveryDetails({ delivery }: { delivery: Delivery }) {
  const { t, formatDate, formatNumber } = useI18n()
  const detail = useNotificationDetail(delivery.notificationId)
  const attempts = detail.data?.deliveries.find((d) => d.id === delivery.id)?.attemptLog
  const none = t('common.none')
  return (
    <div className="delivery-details">
      <dl className="facts">
        <div>
          <dt>{t('activity.reason')}</dt>
          <dd>{delivery.reason ? <code dir="ltr">{delivery.reason}</code> : none}</dd>
        </div>
        <div>
          <dt>{t('activity.provider')}</dt>
          <dd>{delivery.providerId ? <code dir="ltr">{delivery.providerId}</code> : none}</dd>
        </div>
        <div>
          <dt>{t('activity.providerMessageId')}</dt>
          <dd>{delivery.providerMessageId ? <code dir="ltr">{delivery.providerMessageId}</code> : none}</dd>
        </div>
        {delivery.target && (
          <div>
            <dt>{t('activity.target')}</dt>
            <dd>
              <code dir="ltr" className="wrap-anywhere">
                {delivery.target}
              </code>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('activity.templateVersion')}</dt>
          <dd>{delivery.templateVersion ? formatNumber(delivery.templateVersion) : none}</dd>
        </div>
        <div>
          <dt>{t('activity.user')}</dt>
          <dd>
            <PersonById id={delivery.userId} />
          </dd>
        </div>
        <div>
          <dt>{t('activity.notification')}</dt>
          <dd>
            <code dir="ltr" className="wrap-anywhere">
              {delivery.notificationId}
            </code>
          </dd>
        </div>
        <div>
          <dt>{t('activity.updated')}</dt>
          <dd>{formatDate(delivery.updatedAt)}</dd>
        </div>
      </dl>
      <h3>{t('activity.attemptLog')}</h3>
      {detail.isPending && <Skeleton lines={3} />}
      {detail.isError && <ProblemAlert error={detail.error} onRetry={() => void detail.refetch()} />}
      {attempts?.length === 0 && <p className="muted">{t('activity.noAttempts')}</p>}
      {!!attempts?.length && (
        <div className="table-wrap">
          <table className="attempts">
            <thead>
              <tr>
                <th scope="col">{t('activity.time')}</th>
                <th scope="col">{t('activity.provider')}</th>
                <th scope="col">{t('activity.outcome')}</th>
                <th scope="col">{t('activity.error')}</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a, i) => (
                <tr key={i}>
                  <th scope="row">{formatDate(a.createdAt)}</th>
                  <td>
                    <code dir="ltr">{a.providerId}</code>
                  </td>
                  <td>{isOutcome(a.outcome) ? t(`outcome.${a.outcome}`) : <code dir="ltr">{a.outcome}</code>}</td>
                  <td>
                    {a.error ? (
                      <code dir="ltr" className="wrap">
                        {a.error}
                      </code>
                    ) : (
                      none
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
