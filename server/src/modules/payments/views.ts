// Rows to API views: amounts become strings of minor units.
import type { AttemptRow, PaymentRow, RefundRow } from './repo'
import { CARD_FINGERPRINT_KEYS } from './gateways/types'
import type { PaymentView, RefundView } from './schemas'
import { isOpen } from './state'

export function paymentView(p: PaymentRow, current?: AttemptRow): PaymentView {
  const redirect = isOpen(p.status) && p.status === 'requires_action' && current?.status === 'pending' ? current.redirectUrl : null
  return {
    id: p.id,
    status: p.status,
    amount: p.amount.toString(),
    currency: p.currency,
    purpose: { type: p.purposeType, ref: p.purposeRef },
    customerId: p.customerId,
    description: p.description,
    gateway: p.gateway,
    nextAction: redirect ? { type: 'redirect', url: redirect } : null,
    returnUrl: p.returnUrl,
    metadata: p.metadata,
    capturedAmount: p.capturedAmount.toString(),
    refundedAmount: p.refundedAmount.toString(),
    heldReason: p.heldReason,
    expiresAt: p.expiresAt.toISOString(),
    settledAt: p.settledAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }
}

/** A receipt as the payer and the console see it: a card's fingerprint is for the fraud checks only. */
const receiptShown = (receipt: Record<string, string>) =>
  Object.fromEntries(Object.entries(receipt).filter(([key]) => !(CARD_FINGERPRINT_KEYS as readonly string[]).includes(key)))

export function attemptView(a: AttemptRow) {
  return {
    id: a.id,
    gateway: a.gateway,
    status: a.status,
    reference: a.reference,
    error: a.error,
    receipt: a.receipt && receiptShown(a.receipt),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  }
}

export function refundView(r: RefundRow, currency: PaymentRow['currency']): RefundView {
  return {
    id: r.id,
    paymentId: r.paymentId,
    amount: r.amount.toString(),
    currency,
    status: r.status,
    reason: r.reason,
    destination: r.destination,
    gatewayRefundId: r.gatewayRefundId,
    error: r.error,
    approvedBy: r.approvedBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}
