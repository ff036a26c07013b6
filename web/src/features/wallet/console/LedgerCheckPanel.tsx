// The ledger check at the top of the explorer: every invariant of docs/wallet.md checked now over
// the whole ledger: "it balances", or which rule is broken and for which account, transfer or
// currency (each a link where the explorer can show it). Checked again on demand.
import type { LedgerCheck } from '@caravan/sdk'
import { useI18n, type MessageKey } from '../../../i18n'
import { Link } from '../../../navigation'
import { Button, ProblemAlert, Skeleton } from '../../../ui'
import { useLedgerCheck } from '../queries'

const RULES = [
  'postings_sum_to_zero',
  'balance_equals_postings',
  'running_balance',
  'pending_counters',
  'no_overdraft',
  'transfer_postings',
]
const ACCOUNT_RULES = new Set(['balance_equals_postings', 'running_balance', 'pending_counters', 'no_overdraft'])

function Subject({ violation }: { violation: LedgerCheck['violations'][number] }) {
  const { t } = useI18n()
  const code = (
    <code dir="ltr" className="wrap-anywhere">
      {violation.subject}
    </code>
  )
  if (ACCOUNT_RULES.has(violation.rule))
    return (
      <Link
        to={`/console/wallet/ledger/accounts/${encodeURIComponent(violation.subject)}`}
        aria-label={t('ledger.openAccountId', { id: violation.subject })}
      >
        {code}
      </Link>
    )
  if (violation.rule === 'transfer_postings')
    return (
      <Link
        to={`/console/wallet/ledger/transfers/${encodeURIComponent(violation.subject)}`}
        aria-label={t('ledger.openTransferId', { id: violation.subject })}
      >
        {code}
      </Link>
    )
  return code
}

export function LedgerCheckPanel() {
  const { t, formatDate } = useI18n()
  const check = useLedgerCheck()
  let body
  if (check.isPending) body = <Skeleton lines={2} label={t('ledger.check.running')} />
  else if (check.isError) body = <ProblemAlert error={check.error} onRetry={() => void check.refetch()} />
  else {
    const { ok, violations, currencies } = check.data
    body = (
      <>
        <p className="ledger-verdict">
          <span className={`status pay-tone-${ok ? 'success' : 'danger'}`}>
            {ok ? t('ledger.check.ok') : t('ledger.check.failed', { count: violations.length })}
          </span>{' '}
          {ok ? t('ledger.check.okBody') : t('ledger.check.failedBody')}
        </p>
        {!ok && (
          <ul className="ledger-violations">
            {violations.map((v, i) => (
              <li key={`${v.rule}-${v.subject}-${i}`}>
                <strong>{RULES.includes(v.rule) ? t(`ledger.rule.${v.rule}` as MessageKey) : v.rule}</strong>
                <Subject violation={v} />
                <span lang="en" dir="ltr" className="muted">
                  {v.detail}
                </span>
              </li>
            ))}
          </ul>
        )}
        {currencies.length > 0 && (
          <ul className="ledger-totals" aria-label={t('ledger.check.totals')}>
            {currencies.map((c) => (
              <li key={c.currency}>
                {t('ledger.check.currency', {
                  currency: c.currency,
                  accounts: c.accounts,
                  transfers: c.transfers,
                })}
              </li>
            ))}
          </ul>
        )}
        <p className="muted small">{t('ledger.check.at', { date: formatDate(new Date(check.dataUpdatedAt).toISOString()) })}</p>
      </>
    )
  }
  return (
    <section className={`card ledger-check${check.data && !check.data.ok ? ' ledger-check-broken' : ''}`} aria-labelledby="ledger-check">
      <div className="ledger-check-head">
        <h2 id="ledger-check">{t('ledger.check.title')}</h2>
        <Button variant="secondary" size="small" isPending={check.isFetching && !check.isPending} onPress={() => void check.refetch()}>
          {t('ledger.check.again')}
        </Button>
      </div>
      {body}
    </section>
  )
}
