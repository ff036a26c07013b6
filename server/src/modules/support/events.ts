// What the support desk tells sockets and other modules, raised inside its transactions and published
// after commit. Agents hear everything in the `support:agents` room; a requester hears only
// `ticket.updated` (the customer's view) and `ticket.event` for public entries: an internal note never
// reaches a customer's socket.
import type { Static } from 'typebox'
import type { TicketEventView, TicketView } from './schemas'
import type { DeskConversation } from './widget-schemas'
import type { SlaMetric } from './tables'

/** Every agent's and admin's sockets join this room on connecting. */
export const AGENTS_ROOM = 'support:agents'

declare module '../../core/events/bus' {
  interface DomainEvents {
    /** To agents: a ticket as the desk sees it, after any change (created included). */
    'support.ticket.updated': { ticket: TicketView }
    /** To agents: a timeline entry, notes included. */
    'support.ticket.event': { event: TicketEventView }
    /** To the requester: their ticket as they see it. */
    'ticket.updated': { ticket: TicketView }
    /** To the requester: a public timeline entry. */
    'ticket.event': { event: TicketEventView }
    /** An SLA deadline is near (`warning`) or passed (`breached`). */
    'support.sla': {
      ticketId: string
      number: number
      metric: SlaMetric
      level: 'warning' | 'breached'
      dueAt: string
      assigneeId: string | null
    }
    'support.csat': { ticketId: string; rating: number; assigneeId: string | null }
    /** An agent's status changed (the console's agent list, the widget's "online" light). */
    'support.presence': { userId: string; status: string; online: boolean }
    /** To agents: a live chat conversation started, was closed or escalated. */
    'support.conversation': Static<typeof DeskConversation>
  }
}
