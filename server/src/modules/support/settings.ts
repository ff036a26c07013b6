// The support desk's settings (support_settings): SLA targets per priority, when the job warns before
// a breach, when solved tickets close, whether agents without an open console count as offline.
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import { createModuleSettings } from '../../core/cache/module-settings'
import type { Db } from '../../core/db/client'
import { supportSettings, type TicketPriority } from './tables'

/** Targets in business minutes of the ticket's team; null = that clock is not kept for the priority. */
export interface SlaTargets {
  firstResponse: number | null
  nextResponse: number | null
  resolution: number | null
}

export interface SupportSettings {
  sla: Record<TicketPriority, SlaTargets>
  /** The SLA job warns this many (wall-clock) minutes before a deadline. */
  slaWarnMinutes: number
  /** A solved ticket with no activity for this many hours is closed; 0 = never. */
  autoCloseHours: number
  /** An agent counts as available only while their console is open (a socket), whatever their status says. */
  autoOffline: boolean
  /** Ask the requester to rate a solved ticket (in-app and email). */
  csat: boolean
  /** The public key of SendGrid's signed Inbound Parse (its security policy); null: the webhook is off. */
  sendgridInboundKey: string | null
}

const HOUR = 60
export const DEFAULT_SUPPORT_SETTINGS: SupportSettings = {
  sla: {
    urgent: { firstResponse: 1 * HOUR, nextResponse: 2 * HOUR, resolution: 8 * HOUR },
    high: { firstResponse: 4 * HOUR, nextResponse: 8 * HOUR, resolution: 24 * HOUR },
    normal: { firstResponse: 8 * HOUR, nextResponse: 16 * HOUR, resolution: 40 * HOUR },
    low: { firstResponse: 16 * HOUR, nextResponse: 24 * HOUR, resolution: 80 * HOUR },
  },
  slaWarnMinutes: 30,
  autoCloseHours: 72,
  autoOffline: true,
  csat: true,
  sendgridInboundKey: null,
}

export function createSupportSettings(deps: { db: Db; bus: InvalidationBus; audit: Audit }) {
  return createModuleSettings<SupportSettings>({
    ...deps,
    name: 'support',
    table: supportSettings,
    defaults: DEFAULT_SUPPORT_SETTINGS,
    keys: {
      sla: 'sla',
      slaWarnMinutes: 'sla_warn_minutes',
      autoCloseHours: 'auto_close_hours',
      autoOffline: 'auto_offline',
      csat: 'csat',
      sendgridInboundKey: 'sendgrid_inbound_key',
    },
  })
}

export type SupportSettingsStore = ReturnType<typeof createSupportSettings>
