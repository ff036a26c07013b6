// /console/wallet/withdrawals: the withdrawal approval queue (pending requests: who, how much, to
// where, how long they have waited) with Approve — asked first — and Reject with a reason the
// customer sees; other requests by status. Two admins deciding at once: the second is told
// (409 withdrawal_decided) and the list is read again to show what the first one decided.
import type { Withdrawal, WithdrawalStatus } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Button, ConfirmDialog, FormDialog, FormTextAreaField, ProblemAlert, SelectField, useServerForm } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { PersonById } from '../../notifications/console/Person'
import { useMoney } from '../../payments/useMoney'
import { Page } from '../../shell/Page'
import { WITHDRAWAL_STATUSES, WithdrawalStatusBadge } from '../labels'
import { useDecideWithdrawal, walletKeys } from '../queries'
import '../../payments/payments.css'
import '../wallet.css'

const ALL = 'all'

export function WithdrawalQueue() {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const [filter, setFilter] = useUrlState(
    { status: 'pending' },
    { status: (v) => v === ALL || (WITHDRAWAL_STATUSES as string[]).includes(v) },
  )
  const status = filter.status === ALL ? undefined : (filter.status as WithdrawalStatus)
  const [message, setMessage] = useMessage()
  const [deciding, setDeciding] = useState<{ withdrawal: Withdrawal; approve: boolean } | null>(null)

  const named = (w: Withdrawal) => ({ amount: money(w.amount, w.currency), date: formatDate(w.createdAt) })
  const columns: Column<Withdrawal>[] = [
    {
      id: 'amount',
      header: t('pay.amount'),
      primary: true,
      cell: (w) => <span className="ledger-amount">{money(w.amount, w.currency)}</span>,
    },
    { id: 'user', header: t('wqueue.user'), cell: (w) => <PersonById id={w.userId} /> },
    {
      id: 'destination',
      header: t('wallet.withdraw.destination'),
      cell: (w) => (
        <bdi dir="ltr" className="wrap-anywhere">
          {w.destination}
        </bdi>
      ),
    },
    { id: 'status', header: t('pay.status'), cell: (w) => <WithdrawalStatusBadge status={w.status} /> },
    {
      id: 'requested',
      header: t('wqueue.waiting'),
      sortValue: (w) => w.createdAt,
      cell: (w) => (
        <span className="wallet-reference">
          <RelativeTime iso={w.createdAt} />
          {w.decidedAt && (
            <span className="muted">
              {t('wqueue.decidedAt', { date: formatDate(w.decidedAt) })}
              {w.note && w.status !== 'expired' && (
                <>
                  {': '}
                  <bdi>{w.note}</bdi>
                </>
              )}
            </span>
          )}
        </span>
      ),
    },
  ]

  const ask = (withdrawal: Withdrawal, approve: boolean) => {
    setMessage(null)
    setDeciding({ withdrawal, approve })
  }
  const done = (say: Say) => {
    setDeciding(null)
    setMessage(say)
  }

  return (
    <Page title={t('wqueue.title')} intro={t('wqueue.intro')}>
      <StatusMessage message={message} />
      <DataTable
        caption={t('wqueue.title')}
        columns={columns}
        queryKey={walletKeys.queue({ status })}
        fetchPage={({ cursor, signal }) => client.admin.wallet.withdrawals({ status, cursor, limit: 25 }, { signal })}
        getRowId={(w) => w.id}
        empty={<p className="empty">{status === 'pending' ? t('wqueue.emptyQueue') : t('wqueue.empty')}</p>}
        filters={
          <div role="search" aria-label={t('wqueue.filters')} className="filters-grid pay-filters">
            <SelectField
              label={t('pay.status')}
              value={filter.status}
              onChange={(v) => setFilter({ status: v ?? 'pending' })}
              options={[
                { id: ALL, label: t('wqueue.allStatuses') },
                ...WITHDRAWAL_STATUSES.map((s) => ({ id: s, label: t(`withdrawalStatus.${s}`) })),
              ]}
            />
          </div>
        }
        rowActions={(w) =>
          w.status === 'pending' && (
            <>
              <Button size="small" aria-label={t('wqueue.approveNamed', named(w))} onPress={() => ask(w, true)}>
                {t('wqueue.approve')}
              </Button>
              <Button size="small" variant="danger" aria-label={t('wqueue.rejectNamed', named(w))} onPress={() => ask(w, false)}>
                {t('wqueue.reject')}
              </Button>
            </>
          )
        }
      />
      {deciding?.approve && <ApproveDialog withdrawal={deciding.withdrawal} onClose={() => setDeciding(null)} onDone={done} />}
      {deciding && !deciding.approve && <RejectDialog withdrawal={deciding.withdrawal} onClose={() => setDeciding(null)} onDone={done} />}
    </Page>
  )
}

interface DialogProps {
  withdrawal: Withdrawal
  onClose: () => void
  onDone: (say: Say) => void
}

/** Approving moves the money out of the wallet: the admin makes the bank transfer. Asked first. */
function ApproveDialog({ withdrawal, onClose, onDone }: DialogProps) {
  const { t } = useI18n()
  const { money } = useMoney()
  const decide = useDecideWithdrawal()
  const amount = money(withdrawal.amount, withdrawal.currency)
  return (
    <ConfirmDialog
      title={t('wqueue.approveTitle', { amount })}
      confirmLabel={t('wqueue.approve')}
      pending={decide.isPending}
      onConfirm={() =>
        decide.mutate({ id: withdrawal.id, approve: true }, { onSuccess: () => onDone((t) => t('wqueue.approved', { amount })) })
      }
      onCancel={onClose}
    >
      <p>{t('wqueue.approveBody', { amount })}</p>
      <p>
        <bdi dir="ltr" className="wrap-anywhere">
          {withdrawal.destination}
        </bdi>
      </p>
      <ProblemAlert error={decide.error} />
    </ConfirmDialog>
  )
}

/** Rejecting releases the hold; the reason is shown to the customer with the request. */
function RejectDialog({ withdrawal, onClose, onDone }: DialogProps) {
  const { t } = useI18n()
  const { money } = useMoney()
  const decide = useDecideWithdrawal()
  const amount = money(withdrawal.amount, withdrawal.currency)
  const form = useServerForm<{ note: string }>({
    defaultValues: { note: '' },
    onSubmit: async ({ note }) => {
      await decide.mutateAsync({ id: withdrawal.id, approve: false, note: note.trim() })
      onDone((t) => t('wqueue.rejected', { amount }))
    },
  })
  return (
    <FormDialog title={t('wqueue.rejectTitle', { amount })} form={form} submitLabel={t('wqueue.reject')} onClose={onClose}>
      <p>{t('wqueue.rejectBody')}</p>
      <FormTextAreaField
        control={form.control}
        name="note"
        label={t('wqueue.reason')}
        description={t('wqueue.reasonHint')}
        dir="auto"
        rows={3}
        isRequired
        rules={{
          validate: (text) => (String(text).trim().length > 0 && String(text).length <= 500) || t('wqueue.reasonInvalid'),
        }}
      />
    </FormDialog>
  )
}
