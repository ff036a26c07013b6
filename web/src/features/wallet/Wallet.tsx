// /wallet: the signed-in person's wallet: a card per currency (balance, available, held and the
// holds), "Send money" and "Withdraw" forms, that currency's transactions page by page and its
// statement as CSV, and the withdrawal requests. A top-up goes through the checkout (/pay) and is
// credited by a job a moment after the payment succeeds; the server's wallet.changed then brings
// the new balance and transaction in without a reload (and an admin's decision on a withdrawal).
import type { Currency } from '@caravan/sdk'
import type { ReactNode } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { ProblemAlert, Skeleton } from '../../ui'
import { useUrlState } from '../../ui/table'
import { CURRENCY_CODES } from '../payments/money'
import { Page } from '../shell/Page'
import { Tabs } from '../shell/Tabs'
import { BalanceCard } from './BalanceCard'
import { useLiveWallet, useWallet } from './queries'
import { SendMoney } from './SendMoney'
import { Transactions } from './Transactions'
import { MyWithdrawals, WithdrawForm } from './Withdraw'
import '../payments/payments.css'
import './wallet.css'

export function WalletPage() {
  const { t } = useI18n()
  useLiveWallet()
  const wallet = useWallet()
  // The chosen currency is kept in the URL (a link or a reload shows the same list).
  const [filter, setFilter] = useUrlState({ currency: '' }, { currency: (v) => (CURRENCY_CODES as string[]).includes(v) })

  let content: ReactNode
  if (wallet.isPending) content = <Skeleton lines={4} />
  else if (wallet.isError) content = <ProblemAlert error={wallet.error} onRetry={() => void wallet.refetch()} />
  else if (wallet.data.balances.length === 0) {
    content = (
      <div className="empty wallet-empty">
        <p>{t('wallet.empty')}</p>
        <Link to="/pay" className="button">
          {t('wallet.topUp')}
        </Link>
      </div>
    )
  } else {
    const { balances, holds } = wallet.data
    const currency: Currency = balances.find((b) => b.currency === filter.currency)?.currency ?? balances[0].currency
    const list = <Transactions key={currency} currency={currency} />
    content = (
      <>
        <section aria-labelledby="wallet-balances">
          <h2 id="wallet-balances">{t('wallet.balances')}</h2>
          <ul className="cards wallet-cards">
            {balances.map((b) => (
              <BalanceCard key={b.currency} balance={b} holds={holds.filter((h) => h.currency === b.currency)} />
            ))}
          </ul>
        </section>
        <section aria-labelledby="wallet-move">
          <h2 id="wallet-move">{t('wallet.move')}</h2>
          <div className="wallet-forms">
            <SendMoney balances={balances} currency={currency} />
            <WithdrawForm balances={balances} currency={currency} />
          </div>
        </section>
        <section aria-labelledby="wallet-transactions">
          <h2 id="wallet-transactions">{t('wallet.transactions')}</h2>
          {balances.length > 1 ? (
            <Tabs
              label={t('wallet.currencyTabs')}
              idPrefix="wallet"
              selected={currency}
              onSelect={(next) => setFilter({ currency: next })}
              tabs={balances.map((b) => ({ id: b.currency, label: t(`currency.${b.currency}`) }))}
            >
              {list}
            </Tabs>
          ) : (
            list
          )}
        </section>
        <section aria-labelledby="wallet-withdrawals">
          <h2 id="wallet-withdrawals">{t('wallet.withdraw.list')}</h2>
          <MyWithdrawals />
        </section>
      </>
    )
  }

  return (
    <Page title={t('wallet.title')} intro={t('wallet.intro')}>
      {content}
      <p>
        <Link to="/payments">{t('pay.history')}</Link>
      </p>
    </Page>
  )
}
