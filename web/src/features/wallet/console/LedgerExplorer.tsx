// /console/wallet/ledger: the ledger explorer. At the top the ledger check (do the books balance?);
// below it every account (users' wallets and the platform's accounts) with its balance, held and
// available amounts, filtered by kind, currency and owner (the filters in the URL). An account
// opens its postings with the running balance; a posting opens its transfer.
import type { Currency, LedgerAccount, LedgerAccountQuery } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Link } from '../../../navigation'
import { Button, SelectField, TextField } from '../../../ui'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { PersonById } from '../../notifications/console/Person'
import { CURRENCY_CODES } from '../../payments/money'
import { Page } from '../../shell/Page'
import { latinDigits } from '../forms'
import { useAccountName } from '../labels'
import { walletKeys } from '../queries'
import { LedgerAmount } from './LedgerAmount'
import { LedgerCheckPanel } from './LedgerCheckPanel'
import '../../payments/payments.css'
import '../wallet.css'

const ALL = 'all'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NO_FILTER = { kind: '', currency: '', userId: '' }

export function LedgerExplorer() {
  const { t } = useI18n()
  const accountName = useAccountName()
  const [filter, setFilter] = useUrlState(NO_FILTER, {
    kind: (v) => v === 'wallet' || v === 'platform',
    currency: (v) => (CURRENCY_CODES as string[]).includes(v),
    userId: (v) => UUID.test(v),
  })
  // The owner's id as typed; it filters once it is a whole id (a half-typed one would be a 400).
  const [owner, setOwner] = useState(filter.userId)
  const ownerId = latinDigits(owner.trim()).toLowerCase()
  const ownerInvalid = ownerId !== '' && !UUID.test(ownerId)
  const filtered = Object.values(filter).some(Boolean)
  const query: LedgerAccountQuery = {
    ...(filter.kind ? { kind: filter.kind as 'wallet' | 'platform' } : {}),
    ...(filter.currency ? { currency: filter.currency as Currency } : {}),
    ...(filter.userId ? { userId: filter.userId } : {}),
  }

  const columns: Column<LedgerAccount>[] = [
    {
      id: 'account',
      header: t('ledger.account'),
      primary: true,
      cell: (a) => (
        <span className="wrap-anywhere">
          <Link to={`/console/wallet/ledger/accounts/${encodeURIComponent(a.id)}`}>{accountName(a)}</Link>
          <span className="secondary-line">
            <code dir="ltr">{a.id}</code>
          </span>
        </span>
      ),
    },
    { id: 'owner', header: t('ledger.owner'), cell: (a) => (a.userId ? <PersonById id={a.userId} /> : t('ledger.platform')) },
    { id: 'balance', header: t('wallet.balance'), cell: (a) => <LedgerAmount minor={a.balance} currency={a.currency} /> },
    { id: 'held', header: t('wallet.held'), cell: (a) => <LedgerAmount minor={a.held} currency={a.currency} /> },
    { id: 'available', header: t('wallet.available'), cell: (a) => <LedgerAmount minor={a.available} currency={a.currency} /> },
  ]

  return (
    <Page title={t('ledger.title')} intro={t('ledger.intro')}>
      <LedgerCheckPanel />
      <section aria-labelledby="ledger-accounts">
        <h2 id="ledger-accounts">{t('ledger.accounts')}</h2>
        <DataTable
          caption={t('ledger.accounts')}
          columns={columns}
          queryKey={walletKeys.accounts(query)}
          fetchPage={({ cursor, signal }) => client.admin.wallet.accounts({ ...query, cursor, limit: 25 }, { signal })}
          getRowId={(a) => a.id}
          empty={<p className="empty">{filtered ? t('ledger.emptyFiltered') : t('ledger.empty')}</p>}
          filters={
            <div role="search" aria-label={t('ledger.filters')} className="filters-grid pay-filters">
              <SelectField
                label={t('ledger.kind')}
                value={filter.kind || ALL}
                onChange={(v) => setFilter({ kind: !v || v === ALL ? '' : v })}
                options={[
                  { id: ALL, label: t('ledger.allKinds') },
                  { id: 'wallet', label: t('ledger.kind.wallet') },
                  { id: 'platform', label: t('ledger.kind.platform') },
                ]}
              />
              <SelectField
                label={t('pay.currency')}
                value={filter.currency || ALL}
                onChange={(v) => setFilter({ currency: !v || v === ALL ? '' : v })}
                options={[
                  { id: ALL, label: t('ledger.allCurrencies') },
                  ...CURRENCY_CODES.map((c) => ({ id: c, label: t(`currency.${c}`) })),
                ]}
              />
              <TextField
                label={t('ledger.ownerId')}
                description={ownerInvalid ? undefined : t('ledger.ownerIdHint')}
                errorMessage={ownerInvalid ? t('ledger.ownerIdInvalid') : undefined}
                value={owner}
                onChange={(text) => {
                  setOwner(text)
                  const id = latinDigits(text.trim()).toLowerCase()
                  if (id === '' || UUID.test(id)) setFilter({ userId: id })
                }}
                dir="ltr"
                autoComplete="off"
              />
              {filtered && (
                <Button
                  variant="quiet"
                  onPress={() => {
                    setOwner('')
                    setFilter(NO_FILTER)
                  }}
                >
                  {t('cpay.clear')}
                </Button>
              )}
            </div>
          }
        />
      </section>
    </Page>
  )
}
