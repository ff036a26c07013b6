// /payments: the signed-in person's own payments, newest first, page by page (the API shows a
// customer only theirs), each opening its result page; an unpaid one can be paid from here.
import type { Payment } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { DataTable, type Column } from '../../ui/table'
import { client, useSignedInUser } from '../auth/session'
import { Page } from '../shell/Page'
import { PaymentFor, StatusBadge } from './labels'
import { paymentKeys } from './queries'
import { useMoney } from './useMoney'
import './payments.css'

export function PaymentHistory() {
  const { t, formatDate } = useI18n()
  const user = useSignedInUser()
  const { money } = useMoney()
  const columns: Column<Payment>[] = [
    {
      id: 'amount',
      header: t('pay.amount'),
      primary: true,
      cell: (p) => (
        <Link
          to={`/pay/result?payment_id=${encodeURIComponent(p.id)}`}
          aria-label={t('pay.openNamed', { amount: money(p.amount, p.currency), date: formatDate(p.createdAt) })}
        >
          {money(p.amount, p.currency)}
        </Link>
      ),
    },
    { id: 'status', header: t('pay.status'), cell: (p) => <StatusBadge kind="payment" status={p.status} /> },
    { id: 'for', header: t('pay.for'), cell: (p) => <PaymentFor payment={p} /> },
    { id: 'date', header: t('pay.date'), sortValue: (p) => p.createdAt, cell: (p) => formatDate(p.createdAt) },
  ]
  return (
    <Page title={t('pay.historyTitle')} intro={t('pay.historyIntro')}>
      <p className="toolbar">
        <Link to="/pay" className="button">
          {t('pay.topUp')}
        </Link>
        <Link to="/wallet" className="button secondary">
          {t('wallet.title')}
        </Link>
      </p>
      <DataTable
        caption={t('pay.historyTitle')}
        columns={columns}
        // Per person: the cache is dropped at sign-out anyway, the key says whose list it is.
        queryKey={paymentKeys.list({ customerId: user.id })}
        fetchPage={({ cursor, signal }) => client.payments.list({ cursor, limit: 20 }, { signal })}
        getRowId={(p) => p.id}
        empty={<p className="empty">{t('pay.historyEmpty')}</p>}
        rowActions={(p) =>
          p.status === 'requires_action' && p.nextAction ? (
            <Link
              to={`/pay?paymentId=${encodeURIComponent(p.id)}`}
              className="button small"
              aria-label={t('pay.payNamed', { amount: money(p.amount, p.currency), date: formatDate(p.createdAt) })}
            >
              {t('pay.submit')}
            </Link>
          ) : null
        }
      />
    </Page>
  )
}
