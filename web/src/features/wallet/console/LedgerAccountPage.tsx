// /console/wallet/ledger/accounts/:id: one ledger account: its owner, its four counters and what
// they make (balance, held, available), then its postings newest first, each with the balance
// right after it (the running balance), its transfer (a link) and the account on the other side.
import type { LedgerAccount, LedgerPosting } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { FactsCard, type Fact } from '../../../ui/Facts'
import { Link } from '../../../navigation'
import { DataTable, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { PersonById } from '../../notifications/console/Person'
import { Page } from '../../shell/Page'
import { useAccountName } from '../labels'
import { useLedgerAccount, walletKeys } from '../queries'
import { Memo } from '../Reference'
import { LedgerAmount } from './LedgerAmount'
import '../../payments/payments.css'
import '../wallet.css'
import { QueryPage } from '../../shell/QueryPage'

export function BackToLedger() {
  const { t } = useI18n()
  return (
    <p>
      <Link to="/console/wallet/ledger">{t('ledger.back')}</Link>
    </p>
  )
}

export function LedgerAccountPage({ id }: { id: string }) {
  const { t } = useI18n()
  const account = useLedgerAccount(id)
  return (
    <QueryPage title={t('ledger.accountTitle')} query={account} back={<BackToLedger />}>
      {(data) => <Account account={data} />}
    </QueryPage>
  )
}

/** A short form of an account's id that opens it, for the posting's other side. */
export function AccountLink({ id }: { id: string }) {
  const { t } = useI18n()
  return (
    <Link to={`/console/wallet/ledger/accounts/${encodeURIComponent(id)}`} aria-label={t('ledger.openAccountId', { id })}>
      <code dir="ltr" className="ledger-id">
        …{id.slice(-12)}
      </code>
    </Link>
  )
}

// Whose ref is a payment (the top-up, or the payment a refund came from): it opens the payment's console page.
const PAYMENT_REFS = new Set<LedgerPosting['kind']>(['topup', 'topup_reversal', 'refund'])

/** A posting's memo and reference, a payment's reference opening that payment. */
export function ConsoleReference({ entry }: { entry: Pick<LedgerPosting, 'kind' | 'ref' | 'memo'> }) {
  const { t } = useI18n()
  if (!entry.ref && !entry.memo) return <>{t('common.none')}</>
  const code = entry.ref && (
    <code dir="ltr" className="wrap-anywhere">
      {entry.ref}
    </code>
  )
  return (
    <span className="wallet-reference">
      {entry.memo && (
        <span>
          <Memo entry={entry} />
        </span>
      )}
      {entry.ref && PAYMENT_REFS.has(entry.kind) ? <Link to={`/console/payments/${encodeURIComponent(entry.ref)}`}>{code}</Link> : code}
    </span>
  )
}

function Account({ account: a }: { account: LedgerAccount }) {
  const { t, formatDate } = useI18n()
  const accountName = useAccountName()
  const name = accountName(a)
  const amount = (minor: string) => <LedgerAmount minor={minor} currency={a.currency} />
  const facts: Fact[] = [
    [t('ledger.kind'), t(`ledger.kind.${a.kind}`)],
    [t('ledger.owner'), a.userId ? <PersonById id={a.userId} /> : t('ledger.platform')],
    [t('wallet.balance'), amount(a.balance)],
    [t('wallet.held'), amount(a.held)],
    [t('wallet.available'), amount(a.available)],
    [t('ledger.creditsPosted'), amount(a.creditsPosted)],
    [t('ledger.debitsPosted'), amount(a.debitsPosted)],
    [t('ledger.creditsPending'), amount(a.creditsPending)],
    [t('ledger.debitsPending'), amount(a.debitsPending)],
    [t('ledger.overdraft'), a.noOverdraft ? t('ledger.noOverdraft') : t('ledger.mayOverdraw')],
    [t('ledger.opened'), <time dateTime={a.createdAt}>{formatDate(a.createdAt)}</time>],
    [
      t('ledger.accountId'),
      <code dir="ltr" className="wrap-anywhere">
        {a.id}
      </code>,
    ],
  ]

  const columns: Column<LedgerPosting>[] = [
    {
      id: 'date',
      header: t('wallet.date'),
      primary: true,
      cell: (p) => (
        <Link
          to={`/console/wallet/ledger/transfers/${encodeURIComponent(p.transferId)}`}
          aria-label={t('ledger.openTransferNamed', { kind: t(`walletKind.${p.kind}`), date: formatDate(p.createdAt) })}
        >
          <time dateTime={p.createdAt}>{formatDate(p.createdAt)}</time>
        </Link>
      ),
    },
    { id: 'kind', header: t('wallet.kind'), cell: (p) => t(`walletKind.${p.kind}`) },
    { id: 'amount', header: t('wallet.amount'), cell: (p) => <LedgerAmount minor={p.amount} currency={p.currency} plus /> },
    { id: 'balanceAfter', header: t('wallet.balanceAfter'), cell: (p) => <LedgerAmount minor={p.balanceAfter} currency={p.currency} /> },
    { id: 'counter', header: t('ledger.otherSide'), cell: (p) => <AccountLink id={p.counterAccountId} /> },
    { id: 'reference', header: t('wallet.reference'), cell: (p) => <ConsoleReference entry={p} /> },
  ]

  return (
    <Page title={t('ledger.accountNamed', { name })} tabTitle={t('ledger.accountTitle')}>
      <BackToLedger />
      <FactsCard id="ledger-account-facts" title={t('ledger.counters')} facts={facts} />
      <section aria-labelledby="ledger-postings">
        <h2 id="ledger-postings">{t('ledger.postings')}</h2>
        <DataTable
          caption={t('ledger.postingsOf', { name })}
          columns={columns}
          queryKey={walletKeys.postings(a.id)}
          fetchPage={({ cursor, signal }) => client.admin.wallet.postings(a.id, { cursor, limit: 25 }, { signal })}
          getRowId={(p) => p.transferId}
          empty={<p className="empty">{t('ledger.noPostings')}</p>}
        />
      </section>
    </Page>
  )
}
