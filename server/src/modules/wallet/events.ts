// What the wallet tells its owner's sockets (the balance after a change) and other modules (payments from wallets).
import type { BalanceView, WalletPaymentView } from './schemas'

declare module '../../core/events/bus' {
  interface DomainEvents {
    'wallet.changed': { userId: string; balance: BalanceView }
    /** A payment from a wallet went through (the order it names can be fulfilled). */
    'wallet.payment_succeeded': { payment: WalletPaymentView }
  }
}
