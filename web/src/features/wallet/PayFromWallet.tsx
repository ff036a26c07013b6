// Offered beside a payment the host routed to a gateway: pay it from the wallet instead. The
// server closes the gateway's page where it can and opens the wallet's pay page, where the
// customer confirms (POST /v1/payments/:id/gateway, then nextAction). Shown only when the wallet
// is a method for the currency; with too little in it, it says how much there is.
import type { Payment } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Button, ProblemAlert } from '../../ui'
import { usePaymentOptions, useSwitchGateway } from '../payments/queries'
import { useMoney } from '../payments/useMoney'
import { useWallet } from './queries'

export function PayFromWallet({ payment, onLeave }: { payment: Payment; onLeave: (url: string) => void }) {
  const { t } = useI18n()
  const { money } = useMoney()
  const options = usePaymentOptions()
  const wallet = useWallet()
  const switching = useSwitchGateway()
  const offered =
    payment.status === 'requires_action' &&
    payment.gateway !== 'wallet' &&
    payment.purpose.type !== 'wallet_topup' &&
    options.data?.methods.some((m) => m.gateway === 'wallet' && m.currencies.includes(payment.currency))
  if (!offered || !wallet.data) return null
  const available = wallet.data.balances.find((b) => b.currency === payment.currency)?.available ?? '0'
  const enough = BigInt(available) >= BigInt(payment.amount)
  const has = money(available, payment.currency)
  return (
    <section className="pay-wallet" aria-labelledby="pay-wallet">
      <h3 id="pay-wallet">{t('pay.walletTitle')}</h3>
      <p>{enough ? t('pay.walletHas', { amount: has }) : t('pay.walletShort', { amount: has })}</p>
      {enough ? (
        <Button
          variant="secondary"
          isPending={switching.isPending || switching.isSuccess}
          onPress={() =>
            switching.mutate(
              { id: payment.id, gateway: 'wallet' },
              { onSuccess: (switched) => switched.nextAction && onLeave(switched.nextAction.url) },
            )
          }
        >
          {t('pay.fromWallet')}
        </Button>
      ) : (
        <Link to="/pay" className="button secondary">
          {t('wallet.topUp')}
        </Link>
      )}
      <ProblemAlert error={switching.error} />
    </section>
  )
}
