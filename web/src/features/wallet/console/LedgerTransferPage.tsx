// /console/wallet/ledger/transfers/:id: one transfer of the ledger: from which account to which,
// how much (and how much was posted of a hold), what caused it, who, when; then its two postings
// (the debit side first) with each account's balance after it. A pending hold has none yet.
import type { LedgerTransfer } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { FactsCard, type Fact } from '../../../ui/Facts'
import { useMoney } from '../../payments/useMoney'
import { Page } from '../../shell/Page'
import { useLedgerTransfer } from '../queries'
import { AccountLink, BackToLedger, ConsoleReference } from './LedgerAccountPage'
import { LedgerAmount } from './LedgerAmount'
import '../../payments/payments.css'
import '../wallet.css'
import { QueryPage } from '../../shell/QueryPage'

const TONES: Record<LedgerTransfer['status'], string> = { posted: 'success', pending: 'warning', voided: 'neutral' }

export function LedgerTransferPage({ id }: { id: string }) {
  const { t } = useI18n()
  const transfer = useLedgerTransfer(id)
  return (
    <QueryPage title={t('ledger.transferTitle')} query={transfer} back={<BackToLedger />}>
      {(data) => <Transfer transfer={data} />}
    </QueryPage>
  )
}

function Transfer({ transfer: x }: { transfer: LedgerTransfer }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const amount = money(x.amount, x.currency)
  const date = (iso: string | null) => (iso ? <time dateTime={iso}>{formatDate(iso)}</time> : t('common.none'))
  const facts: Fact[] = [
    [t('pay.status'), <span className={`status pay-tone-${TONES[x.status]}`}>{t(`ledger.status.${x.status}`)}</span>],
    [t('wallet.kind'), t(`walletKind.${x.kind}`)],
    [t('wallet.amount'), amount],
    [t('ledger.postedAmount'), x.postedAmount === null ? t('common.none') : money(x.postedAmount, x.currency)],
    [t('ledger.from'), <AccountLink id={x.debitAccountId} />],
    [t('ledger.to'), <AccountLink id={x.creditAccountId} />],
    [t('wallet.reference'), <ConsoleReference entry={x} />],
    [
      t('ledger.createdBy'),
      <code dir="ltr" className="wrap-anywhere">
        {x.createdBy}
      </code>,
    ],
    [t('cpay.created'), date(x.createdAt)],
    [t('ledger.expires'), date(x.expiresAt)],
    [t('ledger.resolved'), date(x.resolvedAt)],
    [
      t('ledger.transferId'),
      <code dir="ltr" className="wrap-anywhere">
        {x.id}
      </code>,
    ],
  ]
  return (
    <Page title={t('ledger.transferNamed', { kind: t(`walletKind.${x.kind}`), amount })} tabTitle={t('ledger.transferTitle')}>
      <BackToLedger />
      <FactsCard id="ledger-transfer-facts" title={t('cpay.summary')} facts={facts} />
      <section aria-labelledby="ledger-transfer-postings">
        <h2 id="ledger-transfer-postings">{t('ledger.postings')}</h2>
        {x.postings.length === 0 ? (
          <p className="empty">{x.status === 'pending' ? t('ledger.holdNoPostings') : t('ledger.noPostings')}</p>
        ) : (
          <ul className="cards ledger-postings">
            {x.postings.map((p) => (
              <li key={p.accountId} className="card" aria-labelledby={`posting-${p.accountId}`}>
                <h3 id={`posting-${p.accountId}`}>{p.accountId === x.debitAccountId ? t('ledger.debitSide') : t('ledger.creditSide')}</h3>
                <dl className="facts">
                  <div>
                    <dt>{t('ledger.account')}</dt>
                    <dd>
                      <AccountLink id={p.accountId} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('wallet.amount')}</dt>
                    <dd>
                      <LedgerAmount minor={p.amount} currency={x.currency} plus />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('wallet.balanceAfter')}</dt>
                    <dd>
                      <LedgerAmount minor={p.balanceAfter} currency={x.currency} />
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  )
}
