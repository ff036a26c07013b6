// Module-wide settings kept in payment_settings: the routing rules, how long an unpaid payment
// stays open, and the refund policies. Read on every payment, so served from memory; an admin's
// change applies at once on every node (core/cache).
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Audit } from '../../core/audit/service'
import type { Db } from '../../core/db/client'
import type { Principal } from '../../core/http/auth'
import type { Currency } from '../../core/money/currency'
import { paymentSettingsRepo } from './repo'
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

const KEYS = { routing: 'routing', expiryMinutes: 'expiry_minutes', refundPolicies: 'refund_policies' } as const

export function createPaymentSettings(deps: { db: Db; bus: InvalidationBus; audit: Audit }) {
  const cache = createHotCache<PaymentSettings>({
    name: 'payments.settings',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1,
    async load() {
      const rows = await paymentSettingsRepo.all(deps.db)
      const get = <K extends keyof PaymentSettings>(key: K): PaymentSettings[K] =>
        (rows.find((r) => r.key === KEYS[key])?.value as PaymentSettings[K] | undefined) ?? DEFAULT_SETTINGS[key]
      return { routing: get('routing'), expiryMinutes: get('expiryMinutes'), refundPolicies: get('refundPolicies') }
    },
  })

  async function write(actor: Principal, patch: Partial<PaymentSettings>): Promise<PaymentSettings> {
    await deps.db.transaction(async (tx) => {
      for (const key of Object.keys(KEYS) as (keyof PaymentSettings)[]) {
        if (patch[key] !== undefined) await paymentSettingsRepo.put(tx, KEYS[key], patch[key])
      }
      await deps.audit.append(tx, {
        actor,
        action: 'payment_settings.updated',
        targetType: 'payment_settings',
        data: { fields: Object.keys(patch) },
      })
    })
    await cache.invalidate('all')
    return cache.get('all')
  }

  return { read: () => cache.get('all'), write }
}

export type PaymentSettingsStore = ReturnType<typeof createPaymentSettings>
