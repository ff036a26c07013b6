import type { WalletBalance, WalletHold } from '@caravan/sdk'
import { useId } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { useMoney } from '../payments/useMoney'
import { Memo } from './Reference'

/** One currency of the wallet: the balance, what can be spent, what is held and by what. */
export function BalanceCard({ balance, holds }: { balance: WalletBalance; holds: WalletHold[] }) {
  const { t, formatDate } = useI18n()
  const { money } = useMoney()
  const headingId = useId()
  const name = t(`currency.${balance.currency}`)
  return (
    <li className="card wallet-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{name}</h3>
      <dl className="facts wallet-facts">
        <div className="wallet-wide">
          <dt>{t('wallet.balance')}</dt>
          <dd className="pay-amount">{money(balance.balance, balance.currency)}</dd>
        </div>
        <div>
          <dt>{t('wallet.available')}</dt>
          <dd>{money(balance.available, balance.currency)}</dd>
        </div>
        {/* With holds listed, the row takes the card's width: an account number needs the room. */}
        <div className={holds.length > 0 ? 'wallet-wide' : undefined}>
          <dt>{t('wallet.held')}</dt>
          <dd>
            {money(balance.held, balance.currency)}
            {holds.length > 0 && (
              <ul className="wallet-holds" aria-label={t('wallet.holdsOf', { currency: name })}>
                {holds.map((hold) => (
                  <li key={hold.id}>
                    <span>
                      {t(`walletKind.${hold.kind}`)}: {money(hold.amount, hold.currency)}
                    </span>
                    {hold.expiresAt && <span className="muted">{t('wallet.holdUntil', { date: formatDate(hold.expiresAt) })}</span>}
                    {hold.memo && (
                      <span className="muted">
                        <Memo entry={hold} />
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      {/* Checkout reads ?currency= (its "Try again" uses it too). */}
      <Link
        to={`/pay?currency=${encodeURIComponent(balance.currency)}`}
        className="button secondary small"
        aria-label={t('wallet.topUpNamed', { currency: name })}
      >
        {t('wallet.topUp')}
      </Link>
    </li>
  )
}
