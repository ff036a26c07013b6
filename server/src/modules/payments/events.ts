// What the payments module tells other modules (the wallet credits top-ups, marketing awards
// points) and the customer's sockets, raised inside its transactions and published after commit.
import type { PaymentView, RefundView } from './schemas'

declare module '../../core/events/bus' {
  interface DomainEvents {
    'payment.succeeded': { payment: PaymentView }
    'payment.failed': { payment: PaymentView }
    /** Canceled by the host or the payer, or expired unpaid. */
    'payment.canceled': { payment: PaymentView }
    /** The gateway reported another amount or currency than the payment's: an admin must look. */
    'payment.held': { payment: PaymentView; reported: { amount: string | null; currency: string | null } }
    'payment.refunded': { payment: PaymentView; refund: RefundView }
    /** A refund that will not happen: the gateway refused it, or an admin rejected it. */
    'payment.refund_failed': { payment: PaymentView; refund: RefundView }
  }
}
