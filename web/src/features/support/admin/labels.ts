// The desk's fixed lists as the console shows them (their words are sadmin.* keys).
import type { TicketPriority, TicketStatus } from '@caravan/sdk'

export const TICKET_STATUSES: TicketStatus[] = ['open', 'pending', 'on_hold', 'solved', 'closed']
/** Most urgent first: how the SLA targets are laid out. */
export const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'normal', 'low']
export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const
export type SlaMetric = (typeof SLA_METRICS)[number]
export const CHANNELS = ['web', 'widget', 'email', 'api', 'agent'] as const
export type Channel = (typeof CHANNELS)[number]
export const isChannel = (value: string): value is Channel => (CHANNELS as readonly string[]).includes(value)
