// Who asked: the requester's name, their id in the host product (external id), their other
// tickets, newest first, each a link, and their latest payments.
import type { Ticket } from '@caravan/sdk'
import { useQuery } from '@tanstack/react-query'
import { useI18n } from '../../../i18n'
import { Link } from '../../../navigation'
import { ProblemAlert, Skeleton } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { client } from '../../auth/session'
import { StatusBadge, useTicketNumber } from '../labels'
import { supportKeys } from '../queries'
import { CustomerPayments } from './CustomerPayments'

const SHOWN = 10

export function CustomerCard({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n()
  const number = useTicketNumber()
  const { requester } = ticket
  const others = useQuery({
    queryKey: supportKeys.requester(requester.id),
    queryFn: ({ signal }) => client.support.list({ view: 'all', requesterId: requester.id, limit: SHOWN + 1 }, { signal }),
  })
  const rest = others.data?.items.filter((x) => x.id !== ticket.id).slice(0, SHOWN) ?? []
  return (
    <section className="card sup-customer" aria-labelledby="sup-customer">
      <h2 id="sup-customer">{t('support.customer')}</h2>
      <dl className="sup-clocks">
        <div>
          <dt>{t('support.customerName')}</dt>
          <dd>
            <bdi>{requester.name ?? t('support.noName')}</bdi>
          </dd>
        </div>
        {requester.externalId && (
          <div>
            <dt>{t('support.externalId')}</dt>
            <dd>
              <code dir="ltr" className="wrap-anywhere">
                {requester.externalId}
              </code>
            </dd>
          </div>
        )}
      </dl>
      <h3>{t('support.otherTickets')}</h3>
      {others.isPending ? (
        <Skeleton lines={2} />
      ) : others.isError ? (
        <ProblemAlert error={others.error} onRetry={() => void others.refetch()} />
      ) : rest.length ? (
        <ul className="sup-others">
          {rest.map((x: Ticket) => (
            <li key={x.id}>
              <span className="wrap-anywhere">
                <bdi dir="ltr" className="sup-number">
                  {number(x.number)}
                </bdi>{' '}
                <Link to={`/console/support/tickets/${encodeURIComponent(x.id)}`}>
                  <bdi>{x.subject}</bdi>
                </Link>
              </span>
              <span className="sup-others-meta">
                <StatusBadge status={x.status} audience="agent" /> <RelativeTime iso={x.updatedAt} className="muted small" />
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('support.noOtherTickets')}</p>
      )}
      <CustomerPayments customerId={requester.id} />
    </section>
  )
}
