// A payment only moves forward. requires_action (the payer has to act at the gateway) →
// processing (the payer came back or the gateway reported, the money is not confirmed yet) →
// succeeded | failed | canceled; an unpaid payment expires. Terminal states never change, so a
// late or replayed gateway event can never undo a result or mark a failed payment paid twice.
import type { PaymentStatus } from './tables'

const RANK: Record<PaymentStatus, number> = {
  requires_action: 0,
  processing: 1,
  succeeded: 2,
  failed: 2,
  canceled: 2,
  expired: 2,
}

export const isFinal = (status: PaymentStatus): boolean => RANK[status] === 2

/** Whether `from` may become `to`: forward only, and a final state is final. */
export function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  if (isFinal(from)) return false
  // Only a payment the payer never finished expires; one in processing waits for reconciliation.
  if (to === 'expired') return from === 'requires_action'
  return RANK[to] > RANK[from]
}

/** Open payments can still be paid; the payer (or host) may cancel only before any money moved. */
export const isOpen = (status: PaymentStatus): boolean => !isFinal(status)
