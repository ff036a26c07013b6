// Module-wide settings kept in payment_settings: the routing rules, how long an unpaid payment
// stays open, and the refund policies. Read on every payment, so served from memory; an admin's
// change applies at once on every node (core/cache).
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import { createModuleSettings } from '../../core/cache/module-settings'
import type { Db } from '../../core/db/client'
import type { Currency } from '../../core/money/currency'
import { paymentSettings } from './tables'
import { DEFAULT_ROUTING, type RoutingRule } from './routing'

/**
 * A refund that matches a policy is approved at once; any other waits in the approval queue.
 * Matches when the reason is one of `reasons` (any when absent), the refund is at most `maxAmount`
 * (minor units of `currency`, any amount when absent) and the payment settled at most `withinDays` ago.
 */
export interface RefundPolicy {
  reasons?: string[]
  currency?: Currency
  maxAmount?: string
  withinDays?: number
}

export interface PaymentSettings {
  routing: RoutingRule[]
  /** Minutes an unpaid payment stays open before the expiry job closes it. */
  expiryMinutes: number
  refundPolicies: RefundPolicy[]
}

export const DEFAULT_SETTINGS: PaymentSettings = { routing: DEFAULT_ROUTING, expiryMinutes: 60, refundPolicies: [] }

export function createPaymentSettings(deps: { db: Db; bus: InvalidationBus; audit: Audit }) {
  return createModuleSettings<PaymentSettings>({
    ...deps,
    // Audited as payment_settings.updated.
    name: 'payment',
    table: paymentSettings,
    defaults: DEFAULT_SETTINGS,
    keys: { routing: 'routing', expiryMinutes: 'expiry_minutes', refundPolicies: 'refund_policies' },
  })
}

export type PaymentSettingsStore = ReturnType<typeof createPaymentSettings>
