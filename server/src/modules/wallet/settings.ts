// The wallet's settings: limits on transfers between users per currency (minor units), read on
// every transfer, so served from memory; an admin's change applies at once on every node.
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import { createModuleSettings } from '../../core/cache/module-settings'
import type { Db } from '../../core/db/client'
import type { Currency } from '../../core/money/currency'
import { walletSettings } from './tables'

/** At most `perTransfer` in one transfer and `perDay` sent in the last 24 hours; absent = no limit. */
export interface TransferLimit {
  perTransfer?: string
  perDay?: string
}

export interface WalletSettings {
  transferLimits: Partial<Record<Currency, TransferLimit>>
}

// Fiat defaults a small shop can live with; an admin raises or lifts them.
export const DEFAULT_WALLET_SETTINGS: WalletSettings = {
  transferLimits: {
    IRR: { perTransfer: '1000000000', perDay: '2000000000' },
    USD: { perTransfer: '100000', perDay: '500000' },
    EUR: { perTransfer: '100000', perDay: '500000' },
  },
}

export function createWalletSettings(deps: { db: Db; bus: InvalidationBus; audit: Audit }) {
  return createModuleSettings<WalletSettings>({
    ...deps,
    // Audited as wallet_settings.updated.
    name: 'wallet',
    table: walletSettings,
    defaults: DEFAULT_WALLET_SETTINGS,
    keys: { transferLimits: 'transfer_limits' },
  })
}
