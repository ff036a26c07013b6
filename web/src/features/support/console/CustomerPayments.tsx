// The requester's latest payments in the ticket's sidebar: what an agent asks first about a
// billing question. Admins open a payment in the payments console; agents see the list only.
import type { Payment } from '@caravan/sdk'
import { useQuery } from '@tanstack/react-query'
import { useI18n } from '../../../i18n'
import { Link } from '../../../navigation'
import { ProblemAlert, Skeleton } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { client, useSignedInUser } from '../../auth/session'
import { StatusBadge } from '../../payments/labels'
import { paymentKeys } from '../../payments/queries'
import { useMoney } from '../../payments/useMoney'

const SHOWN = 5

export function CustomerPayments({ customerId }: { customerId: string }) {
  const { t } = useI18n()
  const { money } = useMoney()
  const admin = useSignedInUser().role === 'admin'
  const payments = useQuery({
    queryKey: paymentKeys.list({ customerId, limit: SHOWN }),
    queryFn: ({ signal }) => client.payments.list({ customerId, limit: SHOWN }, { signal }),
  })
  return (
    <>
      <h3>{t('support.customerPayments')}</h3>
      {payments.isPending ? (
        <Skeleton lines={2} />
      ) : payments.isError ? (
        <ProblemAlert error={payments.error} onRetry={() => void payments.refetch()} />
      ) : payments.data.items.length ? (
        <ul className="sup-others">
          {payments.data.items.map((p: Payment) => (
            <li key={p.id}>
              <span className="wrap-anywhere">
                {admin ? (
                  <Link to={`/console/payments/${encodeURIComponent(p.id)}`}>{money(p.amount, p.currency)}</Link>
                ) : (
                  money(p.amount, p.currency)
                )}
              </span>
              <span className="sup-others-meta">
                <StatusBadge kind="payment" status={p.status} /> <RelativeTime iso={p.createdAt} className="muted small" />
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('support.noPayments')}</p>
      )}
    </>
  )
}
