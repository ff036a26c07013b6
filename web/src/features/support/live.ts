// The socket's support events into the query cache (the tab's one socket, features/auth/live.ts).
// A customer hears `ticket.updated` and `ticket.event` of their own tickets (public entries only);
// an agent hears `support.*` of every ticket, internal notes included. Entries join the held
// timeline, a ticket's new state replaces the held one in its detail and in every list showing it.
// Which tickets a filtered inbox holds can change with any update (a new ticket, one assigned
// away or solved), so the inbox lists are read again shortly after such a change. A reconnect may
// have missed events: everything held is read again.
import type { TicketDetail, TicketEvent } from '@caravan/sdk'
import { queryClient } from '../../data/queryClient'
import { useRealtimeConnected, useRealtimeEvent } from '../auth/live'
import { putPresence, putTicket, putTicketEverywhere, refreshListsSoon, supportKeys, type Audience } from './queries'
import { withEvent } from './entries'

/** An entry into the ticket's held timeline (nothing is read when the ticket is not held). */
export function addEvent(audience: Audience, event: TicketEvent) {
  const key = supportKeys.ticket(audience, event.ticketId)
  const held = queryClient.getQueryData<TicketDetail>(key)
  if (!held) return
  queryClient.setQueryData(key, withEvent(held, event))
  // A merge brings the other ticket's entries along, and those are not sent one by one.
  if (event.kind === 'merge' && event.data?.direction === 'from') void queryClient.invalidateQueries({ queryKey: key })
}

const rereadHeld = () =>
  void queryClient.invalidateQueries({ queryKey: supportKeys.all, predicate: (query) => query.state.data !== undefined })

/** A customer's pages: their tickets and the open one, live. */
export function useLiveCustomerTickets() {
  useRealtimeConnected(rereadHeld)
  useRealtimeEvent('ticket.updated', ({ ticket }) => {
    putTicket('customer', ticket)
    putTicketEverywhere(ticket)
  })
  useRealtimeEvent('ticket.event', ({ event }) => addEvent('customer', event))
}

/** The agent console's pages: every ticket's changes, SLA alerts, ratings and agents' presence. */
export function useLiveDesk() {
  useRealtimeConnected(rereadHeld)
  useRealtimeEvent('support.ticket.updated', ({ ticket }) => {
    putTicket('agent', ticket)
    putTicketEverywhere(ticket)
  })
  useRealtimeEvent('support.ticket.event', ({ event }) => addEvent('agent', event))
  // The SLA job flagged a clock: its state is computed by the server when read.
  useRealtimeEvent('support.sla', ({ ticketId }) => {
    void queryClient.invalidateQueries({ queryKey: supportKeys.ticket('agent', ticketId) })
    refreshListsSoon()
  })
  useRealtimeEvent(
    'support.csat',
    ({ ticketId }) => void queryClient.invalidateQueries({ queryKey: supportKeys.ticket('agent', ticketId) }),
  )
  useRealtimeEvent('support.presence', ({ userId, status, online }) => putPresence(userId, { status, available: online }))
}
