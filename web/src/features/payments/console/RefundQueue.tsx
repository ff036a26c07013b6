// /console/payments/refunds: the refund approval queue (refunds asked for through an API key that
// no refund policy covers), with Approve and Reject — each asked first — and the other refunds by
// status. The status filter lives in the URL.
import type { Refund, RefundReason, RefundStatus } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Link } from '../../../navigation'
import { Button, SelectField } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { REFUND_STATUSES, StatusBadge } from '../labels'
import { paymentKeys, useDecideRefund } from '../queries'
import { useMoney } from '../useMoney'
import { DecideRefundDialog } from './ConsolePaymentDetail'
import '../payments.css'

const ALL = 'all'

export function RefundQueue() {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const [filter, setFilter] = useUrlState(
    { status: 'awaiting_approval' },
    { status: (v) => v === ALL || (REFUND_STATUSES as string[]).includes(v) },
  )
  const status = filter.status === ALL ? undefined : (filter.status as RefundStatus)
  const [message, setMessage] = useMessage()
  const decide = useDecideRefund()
  const [deciding, setDeciding] = useState<{ refund: Refund; approve: boolean } | null>(null)

  const columns: Column<Refund>[] = [
    {
      id: 'amount',
      header: t('pay.amount'),
      primary: true,
      cell: (r) => (
        <span>
          {money(r.amount, r.currency)}
          <span className="secondary-line">
            <Link
              to={`/console/payments/${encodeURIComponent(r.paymentId)}`}
              aria-label={t('refunds.openPaymentNamed', { amount: money(r.amount, r.currency), date: formatDate(r.createdAt) })}
            >
              {t('refunds.openPayment')}
            </Link>
          </span>
        </span>
      ),
    },
    { id: 'reason', header: t('cpay.reason'), cell: (r) => t(`refundReason.${r.reason as RefundReason}`) },
    { id: 'status', header: t('pay.status'), cell: (r) => <StatusBadge kind="refund" status={r.status} /> },
    { id: 'requested', header: t('cpay.requested'), sortValue: (r) => r.createdAt, cell: (r) => <RelativeTime iso={r.createdAt} /> },
  ]

  const ask = (refund: Refund, approve: boolean) => {
    setMessage(null)
    decide.reset()
    setDeciding({ refund, approve })
  }

  return (
    <Page title={t('refunds.title')} intro={t('refunds.intro')}>
      <StatusMessage message={message} />
      <DataTable
        caption={t('refunds.title')}
        columns={columns}
        queryKey={paymentKeys.refunds({ status })}
        fetchPage={({ cursor, signal }) => client.admin.payments.refunds({ status, cursor, limit: 25 }, { signal })}
        getRowId={(r) => r.id}
        empty={<p className="empty">{status === 'awaiting_approval' ? t('refunds.emptyQueue') : t('refunds.empty')}</p>}
        filters={
          <div role="search" aria-label={t('refunds.filters')} className="filters-grid pay-filters">
            <SelectField
              label={t('pay.status')}
              value={filter.status}
              onChange={(v) => setFilter({ status: v ?? 'awaiting_approval' })}
              options={[
                { id: ALL, label: t('refunds.allStatuses') },
                ...REFUND_STATUSES.map((s) => ({ id: s, label: t(`refundStatus.${s}`) })),
              ]}
            />
          </div>
        }
        rowActions={(r) => {
          if (r.status !== 'awaiting_approval') return null
          const amount = money(r.amount, r.currency)
          return (
            <>
              <Button size="small" aria-label={t('refunds.approveNamed', { amount })} onPress={() => ask(r, true)}>
                {t('refunds.approve')}
              </Button>
              <Button size="small" variant="danger" aria-label={t('refunds.rejectNamed', { amount })} onPress={() => ask(r, false)}>
                {t('refunds.reject')}
              </Button>
            </>
          )
        }}
      />
      {deciding && (
        <DecideRefundDialog
          refund={deciding.refund}
          approve={deciding.approve}
          pending={decide.isPending}
          error={decide.error}
          onConfirm={() =>
            decide.mutate(
              { id: deciding.refund.id, approve: deciding.approve, paymentId: deciding.refund.paymentId },
              {
                onSuccess: () => {
                  const { refund, approve } = deciding
                  const amount = money(refund.amount, refund.currency)
                  setDeciding(null)
                  setMessage((t) => t(approve ? 'refunds.approved' : 'refunds.rejected', { amount }))
                },
              },
            )
          }
          onCancel={() => setDeciding(null)}
        />
      )}
    </Page>
  )
}
