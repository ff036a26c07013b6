// The payments module's fixed vocabularies (as the server names them) and the small pieces every
// payments page shows: a status badge and a gateway's name.
import type { Payment, PaymentAttemptStatus, PaymentGatewayName, PaymentStatus, RefundReason, RefundStatus } from '@caravan/sdk'
import { useI18n, type MessageKey } from '../../i18n'

export const PAYMENT_STATUSES: PaymentStatus[] = ['requires_action', 'processing', 'succeeded', 'failed', 'canceled', 'expired']
export const REFUND_STATUSES: RefundStatus[] = ['awaiting_approval', 'pending', 'succeeded', 'failed', 'rejected']
export const REFUND_REASONS: RefundReason[] = ['requested_by_customer', 'duplicate', 'fraudulent', 'order_canceled', 'other']
export const GATEWAYS: PaymentGatewayName[] = ['test', 'zarinpal', 'stripe', 'paypal', 'wallet']

/** A payment that can still be paid or canceled (the server's isOpen). */
export const isOpen = (status: PaymentStatus) => status === 'requires_action' || status === 'processing'

type Tone = 'success' | 'danger' | 'warning' | 'info' | 'neutral'
const TONES: Record<PaymentStatus | RefundStatus | PaymentAttemptStatus, Tone> = {
  requires_action: 'info',
  processing: 'info',
  pending: 'info',
  awaiting_approval: 'warning',
  succeeded: 'success',
  failed: 'danger',
  error: 'danger',
  rejected: 'danger',
  canceled: 'neutral',
  expired: 'neutral',
}

/** A payment's, a refund's or an attempt's status as a coloured badge (the words carry the meaning, not the colour). */
export function StatusBadge({ kind, status }: { kind: 'payment' | 'refund' | 'attempt'; status: string }) {
  const { t } = useI18n()
  const label =
    kind === 'payment'
      ? t(`payStatus.${status as PaymentStatus}`)
      : kind === 'refund'
        ? t(`refundStatus.${status as RefundStatus}`)
        : t(`attemptStatus.${status as PaymentAttemptStatus}`)
  const tone = TONES[status as PaymentStatus] ?? 'neutral'
  return <span className={`status pay-tone-${tone}`}>{label}</span>
}

export function useGatewayName() {
  const { t } = useI18n()
  return (name: PaymentGatewayName | string) => ((GATEWAYS as string[]).includes(name) ? t(`gateway.${name as PaymentGatewayName}`) : name)
}

/**
 * What a payment is for, in the viewer's words: the host's description of an order, else the
 * purpose. A top-up's description is only the words this app wrote for the gateway's page, in the
 * language of whoever paid, so the purpose says it instead.
 */
export function PaymentFor({ payment }: { payment: Pick<Payment, 'description' | 'purpose'> }) {
  const { t } = useI18n()
  if (payment.description && payment.purpose.type !== 'wallet_topup') return <bdi>{payment.description}</bdi>
  return <>{t(`purpose.${payment.purpose.type}`)}</>
}

/** The receipt fields the gateways send (gateways/*.ts on the server), in the viewer's language. */
const RECEIPT_FIELDS = {
  reference: 'pay.receiptField.reference',
  ref_id: 'pay.receiptField.ref_id',
  card_pan: 'pay.receiptField.card_pan',
  checkoutSession: 'pay.receiptField.checkoutSession',
  paymentIntent: 'pay.receiptField.paymentIntent',
  transactionId: 'pay.receiptField.transactionId',
} as const satisfies Record<string, MessageKey>
const isReceiptField = (key: string): key is keyof typeof RECEIPT_FIELDS => Object.hasOwn(RECEIPT_FIELDS, key)

/**
 * A gateway's receipt (reference, card mask …) as rows of a facts list: a field Caravan knows in
 * the viewer's language, any other in the gateway's own word.
 */
export function ReceiptFacts({ receipt }: { receipt: Record<string, string> | null | undefined }) {
  const { t } = useI18n()
  if (!receipt) return null
  return Object.entries(receipt).map(([key, value]) => (
    <div key={key}>
      <dt>
        {t('pay.receipt')} {isReceiptField(key) ? t(RECEIPT_FIELDS[key]) : <bdi lang="en">{key}</bdi>}
      </dt>
      <dd>
        <code dir="ltr" className="wrap-anywhere">
          {value}
        </code>
      </dd>
    </div>
  ))
}
