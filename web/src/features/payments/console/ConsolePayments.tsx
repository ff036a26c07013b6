// /console/payments: every payment, newest first, filtered by status, gateway and "held for
// review" (the filters in the URL); each opens its detail page.
import type { Payment, PaymentGatewayName, PaymentStatus } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { Link } from '../../../navigation'
import { Button, Checkbox, SelectField } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { PersonById } from '../../notifications/console/Person'
import { Page } from '../../shell/Page'
import { GATEWAYS, PAYMENT_STATUSES, PaymentFor, StatusBadge, useGatewayName } from '../labels'
import { paymentKeys } from '../queries'
import { useMoney } from '../useMoney'
import '../payments.css'

const ALL = 'all'
const NO_FILTER = { status: '', gateway: '', held: '' }

export function ConsolePayments() {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const gatewayName = useGatewayName()
  const [filter, setFilter] = useUrlState(NO_FILTER, {
    status: (v) => (PAYMENT_STATUSES as string[]).includes(v),
    gateway: (v) => (GATEWAYS as string[]).includes(v),
    held: (v) => v === 'true',
  })
  const filtered = Object.values(filter).some(Boolean)
  const query = {
    status: (filter.status || undefined) as PaymentStatus | undefined,
    gateway: (filter.gateway || undefined) as PaymentGatewayName | undefined,
    held: filter.held ? true : undefined,
  }

  const columns: Column<Payment>[] = [
    {
      id: 'payment',
      header: t('cpay.payment'),
      primary: true,
      cell: (p) => (
        <span className="wrap-anywhere">
          <Link
            to={`/console/payments/${encodeURIComponent(p.id)}`}
            aria-label={t('cpay.openNamed', { amount: money(p.amount, p.currency), date: formatDate(p.createdAt) })}
          >
            {money(p.amount, p.currency)}
          </Link>
          <span className="secondary-line">
            <PaymentFor payment={p} />
          </span>
        </span>
      ),
    },
    { id: 'customer', header: t('cpay.customer'), cell: (p) => <PersonById id={p.customerId} /> },
    {
      id: 'status',
      header: t('pay.status'),
      cell: (p) => (
        <span className="badges">
          <StatusBadge kind="payment" status={p.status} />
          {p.heldReason && <span className="status pay-tone-warning">{t('cpay.held')}</span>}
        </span>
      ),
    },
    { id: 'gateway', header: t('cpay.gateway'), cell: (p) => (p.gateway ? gatewayName(p.gateway) : t('common.none')) },
    { id: 'created', header: t('cpay.created'), sortValue: (p) => p.createdAt, cell: (p) => <RelativeTime iso={p.createdAt} /> },
  ]

  return (
    <Page title={t('cpay.title')} intro={t('cpay.intro')}>
      <DataTable
        caption={t('cpay.title')}
        columns={columns}
        queryKey={paymentKeys.list(query)}
        fetchPage={({ cursor, signal }) => client.payments.list({ ...query, cursor, limit: 25 }, { signal })}
        getRowId={(p) => p.id}
        empty={<p className="empty">{filtered ? t('cpay.emptyFiltered') : t('cpay.empty')}</p>}
        filters={
          <div role="search" aria-label={t('cpay.filters')} className="filters-grid pay-filters">
            <SelectField
              label={t('pay.status')}
              value={filter.status || ALL}
              onChange={(v) => setFilter({ status: !v || v === ALL ? '' : v })}
              options={[{ id: ALL, label: t('cpay.allStatuses') }, ...PAYMENT_STATUSES.map((s) => ({ id: s, label: t(`payStatus.${s}`) }))]}
            />
            <SelectField
              label={t('cpay.gateway')}
              value={filter.gateway || ALL}
              onChange={(v) => setFilter({ gateway: !v || v === ALL ? '' : v })}
              options={[{ id: ALL, label: t('cpay.allGateways') }, ...GATEWAYS.map((g) => ({ id: g, label: gatewayName(g) }))]}
            />
            <Checkbox
              label={t('cpay.heldOnly')}
              isSelected={filter.held === 'true'}
              onChange={(on) => setFilter({ held: on ? 'true' : '' })}
            />
            {filtered && (
              <Button variant="quiet" onPress={() => setFilter(NO_FILTER)}>
                {t('cpay.clear')}
              </Button>
            )}
          </div>
        }
      />
    </Page>
  )
}
