// /support/tickets/:id: one of the customer's requests — its status, the public timeline (their
// replies and support's, status changes, merges), a reply box, and once it is solved the rating
// form (?rate=1, the notification's link, focuses it). A closed ticket takes no more replies: the
// page says so and offers a new request (a merged one points to the ticket it joined). Live.
import type { TicketDetail } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { useSignedInUser } from '../auth/session'
import { Page } from '../shell/Page'
import { CsatForm, CsatResult } from './CsatForm'
import { StatusBadge, useTicketNumber } from './labels'
import { useLiveCustomerTickets } from './live'
import { useTicket } from './queries'
import { ReplyBox } from './ReplyBox'
import { Timeline } from './Timeline'
import './support.css'
import { QueryPage } from '../shell/QueryPage'

export function TicketPage({ id }: { id: string }) {
  const { t } = useI18n()
  const detail = useTicket('customer', id)
  useLiveCustomerTickets()
  return (
    <QueryPage title={t('support.ticket')} query={detail} lines={6} back={<BackLink />}>
      {(data) => <TicketView detail={data} />}
    </QueryPage>
  )
}

function BackLink() {
  const { t } = useI18n()
  return (
    <p>
      <Link to="/support">{t('support.back')}</Link>
    </p>
  )
}

function TicketView({ detail }: { detail: TicketDetail }) {
  const { t, formatDate } = useI18n()
  const me = useSignedInUser()
  const number = useTicketNumber()
  const { search } = useLocation()
  const { ticket } = detail
  const [rated, setRated] = useState(false)
  const into = detail.events.find((e) => e.kind === 'merge' && e.data?.direction === 'into')
  const intoNumber = typeof into?.data?.number === 'number' ? into.data.number : null

  return (
    <Page
      title={t('support.ticketTitle', { number: number(ticket.number), subject: ticket.subject })}
      tabTitle={t('support.ticketTab', { number: number(ticket.number) })}
    >
      <BackLink />
      <dl className="facts sup-facts">
        <div>
          <dt>{t('support.statusLabel')}</dt>
          <dd>
            <StatusBadge status={ticket.status} audience="customer" />
          </dd>
        </div>
        <div>
          <dt>{t('support.opened')}</dt>
          <dd>{formatDate(ticket.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('support.updated')}</dt>
          <dd>{formatDate(ticket.updatedAt)}</dd>
        </div>
      </dl>

      <section aria-labelledby="sup-conversation">
        <h2 id="sup-conversation">{t('support.conversation')}</h2>
        <Timeline detail={detail} audience="customer" me={me.id} />
      </section>

      {ticket.csat ? (
        <CsatResult csat={ticket.csat} focus={rated} />
      ) : (
        ticket.canRate && <CsatForm ticketId={ticket.id} focus={search.get('rate') === '1'} onRated={() => setRated(true)} />
      )}

      {ticket.status === 'closed' ? (
        <section className="notice sup-closed" aria-labelledby="sup-closed">
          <h2 id="sup-closed">{t('support.closedTitle')}</h2>
          {ticket.mergedIntoId ? (
            <p>
              {intoNumber !== null ? t('support.mergedNotice', { number: number(intoNumber) }) : t('support.mergedNoticePlain')}{' '}
              <Link to={`/support/tickets/${encodeURIComponent(ticket.mergedIntoId)}`}>{t('support.goToMerged')}</Link>
            </p>
          ) : (
            <p>{t('support.closedNotice')}</p>
          )}
          <p>
            <Link to="/support?new=1" className="button secondary">
              {t('support.newRequest')}
            </Link>
          </p>
        </section>
      ) : (
        <ReplyBox ticket={ticket} />
      )}
    </Page>
  )
}
