// /support: the customer's requests, newest first (number, subject, status, last change), whether
// support is online now, and "New request" (the form opens in place; ?new=1 opens it, as the
// closed-ticket page links). Changes arrive live from the socket.
import type { Ticket } from '@caravan/sdk'
import { useId } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Button } from '../../ui'
import { RelativeTime } from '../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../ui/table'
import { client, useSignedInUser } from '../auth/session'
import { Page } from '../shell/Page'
import { StatusBadge, useTicketNumber } from './labels'
import { useLiveCustomerTickets } from './live'
import { NewRequestForm } from './NewRequestForm'
import { supportKeys, useSupportStatus } from './queries'
import './support.css'

export function MyTickets() {
  const { t } = useI18n()
  const user = useSignedInUser()
  const number = useTicketNumber()
  const formHeading = useId()
  const [{ new: opened }, setUrl] = useUrlState({ new: '' }, { new: (v) => v === '1' })
  useLiveCustomerTickets()

  const columns: Column<Ticket>[] = [
    {
      id: 'subject',
      header: t('support.request'),
      primary: true,
      cell: (ticket) => (
        <span className="wrap-anywhere">
          <bdi dir="ltr" className="sup-number">
            {number(ticket.number)}
          </bdi>{' '}
          <Link to={`/support/tickets/${encodeURIComponent(ticket.id)}`}>
            <bdi>{ticket.subject}</bdi>
          </Link>
        </span>
      ),
    },
    { id: 'status', header: t('support.statusLabel'), cell: (ticket) => <StatusBadge status={ticket.status} audience="customer" /> },
    {
      id: 'updated',
      header: t('support.updated'),
      sortValue: (ticket) => ticket.updatedAt,
      cell: (ticket) => <RelativeTime iso={ticket.updatedAt} />,
    },
  ]

  return (
    <Page title={t('support.title')} intro={t('support.intro')}>
      <SupportOnline />
      {opened ? (
        <section className="card sup-new-card" aria-labelledby={formHeading}>
          <h2 id={formHeading}>{t('support.newRequest')}</h2>
          <NewRequestForm headingId={formHeading} onCancel={() => setUrl({ new: '' })} />
        </section>
      ) : (
        <p>
          <Button onPress={() => setUrl({ new: '1' })}>{t('support.newRequest')}</Button>
        </p>
      )}
      <section aria-labelledby="sup-mine">
        <h2 id="sup-mine">{t('support.mine')}</h2>
        <DataTable
          caption={t('support.mine')}
          columns={columns}
          queryKey={supportKeys.mine(user.id)}
          // A customer gets their own whatever is asked; an agent's own requests need the filter.
          fetchPage={({ cursor, signal }) => client.support.list({ requesterId: user.id, cursor, limit: 20 }, { signal })}
          getRowId={(ticket) => ticket.id}
          empty={<p className="empty">{t('support.mineEmpty')}</p>}
        />
      </section>
    </Page>
  )
}

/** "Support is online" / "offline", as GET /v1/support/status says (read again every minute). */
export function SupportOnline() {
  const { t } = useI18n()
  const status = useSupportStatus()
  if (!status.data) return null
  const online = status.data.online
  return (
    <p className={online ? 'sup-online on' : 'sup-online'}>
      <span className="sup-online-dot" aria-hidden="true" />
      <span>
        <strong>{online ? t('support.online') : t('support.offline')}</strong>{' '}
        <span className="muted">{online ? t('support.onlineHint') : t('support.offlineHint')}</span>
      </span>
    </p>
  )
}
