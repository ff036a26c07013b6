// The activity feed: every delivery, newest first, filtered by user, type, channel, status and
// a date range (typed in the admin's time zone); a details row per delivery with its reason,
// provider and each attempt.
import type { Delivery, DeliveryPage, DeliveryQuery, DeliveryStatus, NotificationChannel } from '@caravan/sdk'
import { useState, type FormEvent } from 'react'
import { useI18n } from '../../../i18n'
import { client, useSignedInUser } from '../../auth/session'
import { ErrorAlert, SelectField, TextField, useAction } from '../../shell/form'
import { Page } from '../../shell/Page'
import { useLoad } from '../../shell/useLoad'
import { CHANNELS, DELIVERY_STATUSES } from '../labels'
import { zonedToIso } from './time'

const PAGE_SIZE = 25
const OUTCOMES = ['sent', 'transient', 'permanent', 'invalid_recipient', 'in_doubt'] as const
type Outcome = (typeof OUTCOMES)[number]
const isOutcome = (value: string): value is Outcome => (OUTCOMES as readonly string[]).includes(value)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMPTY = { userId: '', type: '', channel: '', status: '', from: '', to: '' }
type Filters = typeof EMPTY

export function Activity() {
  const { t, formatNumber } = useI18n()
  const user = useSignedInUser()
  const types = useLoad(() => client.admin.notifications.listTypes())
  const [draft, setDraft] = useState<Filters>(EMPTY)
  const [filters, setFilters] = useState<Filters>(EMPTY)
  const [invalid, setInvalid] = useState<Partial<Record<keyof Filters, string>>>({})
  const query = (f: Filters): DeliveryQuery => ({
    userId: f.userId.trim() || undefined,
    type: f.type || undefined,
    channel: (f.channel || undefined) as NotificationChannel | undefined,
    status: (f.status || undefined) as DeliveryStatus | undefined,
    from: f.from ? zonedToIso(f.from, user.timezone) : undefined,
    to: f.to ? zonedToIso(f.to, user.timezone) : undefined,
    limit: PAGE_SIZE,
  })
  const feed = useLoad<DeliveryPage>(() => client.admin.notifications.deliveries(query(filters)), [filters, user.timezone])
  const more = useAction(async (cursor: string) => {
    const next = await client.admin.notifications.deliveries({ ...query(filters), cursor })
    feed.update((page) => ({ items: [...page.items, ...next.items], nextCursor: next.nextCursor }))
  })

  function apply(event: FormEvent) {
    event.preventDefault()
    const errors: Partial<Record<keyof Filters, string>> = {}
    if (draft.userId.trim() && !UUID.test(draft.userId.trim())) errors.userId = t('activity.userIdInvalid')
    if (draft.from && draft.to && draft.from > draft.to) errors.to = t('activity.rangeInvalid')
    setInvalid(errors)
    if (Object.keys(errors).length === 0) setFilters({ ...draft })
  }

  function clear() {
    setDraft(EMPTY)
    setInvalid({})
    setFilters(EMPTY)
  }

  const set = (name: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value }))
  const items = feed.data?.items
  return (
    <Page title={t('activity.title')} intro={t('activity.intro')}>
      <form className="card form filters-grid" onSubmit={apply} role="search" aria-label={t('activity.filters')} noValidate>
        <TextField
          label={t('activity.userId')}
          name="userId"
          dir="ltr"
          spellCheck={false}
          value={draft.userId}
          onChange={set('userId')}
          error={invalid.userId}
        />
        <SelectField
          label={t('activity.type')}
          name="type"
          value={draft.type}
          onChange={set('type')}
          dir="ltr"
          options={[{ value: '', label: t('activity.allTypes') }, ...(types.data ?? []).map((x) => ({ value: x.key, label: x.key }))]}
        />
        <SelectField
          label={t('activity.channel')}
          name="channel"
          value={draft.channel}
          onChange={set('channel')}
          options={[{ value: '', label: t('activity.allChannels') }, ...CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))]}
        />
        <SelectField
          label={t('activity.status')}
          name="status"
          value={draft.status}
          onChange={set('status')}
          options={[
            { value: '', label: t('activity.allStatuses') },
            ...DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
          ]}
        />
        <TextField
          label={t('activity.from')}
          name="from"
          type="datetime-local"
          dir="ltr"
          value={draft.from}
          onChange={set('from')}
          hint={t('activity.zoneHint', { zone: user.timezone })}
        />
        <TextField
          label={t('activity.to')}
          name="to"
          type="datetime-local"
          dir="ltr"
          value={draft.to}
          onChange={set('to')}
          error={invalid.to}
          hint={t('activity.zoneHint', { zone: user.timezone })}
        />
        <div className="toolbar filters-actions">
          <button type="submit">{t('activity.apply')}</button>
          <button type="button" className="secondary" onClick={clear}>
            {t('activity.clear')}
          </button>
        </div>
      </form>

      <ErrorAlert error={feed.error ?? more.error ?? null} />
      <div role="status" className="muted small">
        {items && !feed.loading && t('activity.shown', { count: formatNumber(items.length) })}
      </div>
      {feed.loading && !feed.data && <p>{t('common.loading')}</p>}
      {items?.length === 0 && <p className="empty">{t('activity.empty')}</p>}
      {!!items?.length && (
        <>
          <div className="table-wrap">
            <table className="activity">
              <thead>
                <tr>
                  <th scope="col">{t('activity.time')}</th>
                  <th scope="col">{t('activity.type')}</th>
                  <th scope="col">{t('activity.user')}</th>
                  <th scope="col">{t('activity.channel')}</th>
                  <th scope="col">{t('activity.status')}</th>
                  <th scope="col">{t('activity.attempts')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('activity.details')}</span>
                  </th>
                </tr>
              </thead>
              {items.map((delivery) => (
                <DeliveryRows key={delivery.id} delivery={delivery} />
              ))}
            </table>
          </div>
          {feed.data?.nextCursor && (
            <button type="button" className="secondary" disabled={more.pending} onClick={() => void more.run(feed.data!.nextCursor!)}>
              {more.pending ? t('common.working') : t('common.loadMore')}
            </button>
          )}
        </>
      )}
    </Page>
  )
}

/** One delivery: its row, and its details row when opened (each in its own tbody). */
function DeliveryRows({ delivery }: { delivery: Delivery }) {
  const { t, formatDate, formatNumber } = useI18n()
  const [open, setOpen] = useState(false)
  const detailsId = `delivery-${delivery.id}`
  return (
    <tbody>
      <tr>
        <th scope="row">
          <time dateTime={delivery.createdAt}>{formatDate(delivery.createdAt)}</time>
        </th>
        <td>
          <code dir="ltr" className="nowrap">
            {delivery.type}
          </code>
        </td>
        <td>
          <code dir="ltr" className="nowrap" title={delivery.userId}>
            …{delivery.userId.slice(-8)}
          </code>
        </td>
        <td>{t(`channel.${delivery.channel}`)}</td>
        <td>
          <span className={`status status-${delivery.status}`}>{t(`status.${delivery.status}`)}</span>
        </td>
        <td>{formatNumber(delivery.attempts)}</td>
        <td>
          <button
            type="button"
            className="secondary small"
            aria-expanded={open}
            aria-controls={detailsId}
            aria-label={t('activity.detailsFor', {
              type: delivery.type,
              channel: t(`channel.${delivery.channel}`),
              time: formatDate(delivery.createdAt),
            })}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? t('activity.hide') : t('activity.details')}
          </button>
        </td>
      </tr>
      <tr id={detailsId} className="details-row" hidden={!open}>
        <td colSpan={7}>{open && <DeliveryDetails delivery={delivery} />}</td>
      </tr>
    </tbody>
  )
}

function DeliveryDetails({ delivery }: { delivery: Delivery }) {
  const { t, formatDate, formatNumber } = useI18n()
  // The attempts live on the notification (GET /v1/notifications/:id); read them when opened.
  const detail = useLoad(() => client.notifications.get(delivery.notificationId), [delivery.notificationId])
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
              <code dir="ltr">{delivery.target}</code>
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
            <code dir="ltr">{delivery.userId}</code>
          </dd>
        </div>
        <div>
          <dt>{t('activity.notification')}</dt>
          <dd>
            <code dir="ltr">{delivery.notificationId}</code>
          </dd>
        </div>
        <div>
          <dt>{t('activity.updated')}</dt>
          <dd>{formatDate(delivery.updatedAt)}</dd>
        </div>
      </dl>
      <h3>{t('activity.attemptLog')}</h3>
      <ErrorAlert error={detail.error ?? null} />
      {detail.loading && !detail.data && <p>{t('common.loading')}</p>}
      {attempts?.length === 0 && <p className="muted">{t('activity.noAttempts')}</p>}
      {!!attempts?.length && (
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
      )}
    </div>
  )
}
