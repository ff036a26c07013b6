// A ticket's timeline as pure data: entries arriving over the socket joined into a held detail
// (once each, in time order), and the sentence that says a change of a field (status, priority,
// assignee, team, tags, merge). Replies and notes show their own words; only changes need one.
import type { Ticket, TicketDetail, TicketEvent, TicketPriority, TicketStatus } from '@caravan/sdk'
import type { MessageKey } from '../../i18n'

/** Oldest first; entries written in one transaction share a time and keep the server's order. */
const byTime = (a: TicketEvent, b: TicketEvent) => a.createdAt.localeCompare(b.createdAt)

/** The detail with `event` in its timeline (a repeat, e.g. after a reconnect, changes nothing). */
export function withEvent(detail: TicketDetail, event: TicketEvent): TicketDetail {
  if (event.ticketId !== detail.ticket.id || detail.events.some((e) => e.id === event.id)) return detail
  return { ...detail, events: [...detail.events, event].sort(byTime) }
}

/** The detail with the ticket's newer state; an older one (events crossing on the way) is ignored. */
export function withTicket(detail: TicketDetail, ticket: Ticket): TicketDetail {
  if (ticket.id !== detail.ticket.id || ticket.updatedAt < detail.ticket.updatedAt) return detail
  // A customer's view lacks the desk's fields: what the detail had of them stays.
  return { ...detail, ticket: { ...detail.ticket, ...ticket } }
}

export interface Sentence {
  key: MessageKey
  values: Record<string, string>
}

/** How the sentence names things, in the viewer's words. */
export interface Naming {
  /** Who made the change (the author), or the desk itself when nobody did. */
  author: (event: TicketEvent) => string
  /** An agent by id (assignments carry ids only). */
  person: (id: string) => string
  team: (id: string) => string
  status: (status: TicketStatus) => string
  priority: (priority: TicketPriority) => string
  /** "#42" in the page's digits. */
  number: (n: number) => string
  tags: (tags: string[]) => string
}

type Data = Record<string, unknown>
const str = (data: Data, key: string) => (typeof data[key] === 'string' ? (data[key] as string) : null)
const list = (data: Data, key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).filter((x) => typeof x === 'string') : [])

/** The sentence for a change; null for a reply or a note (their text is the entry). */
export function eventSentence(event: TicketEvent, naming: Naming): Sentence | null {
  const data: Data = event.data ?? {}
  const name = naming.author(event)
  switch (event.kind) {
    case 'reply':
    case 'note':
      return null
    case 'status': {
      const to = str(data, 'to') as TicketStatus | null
      if (!to) return null
      // Nobody's change: the customer's reply reopened it, or the desk closed it after a while.
      if (!event.author && to === 'open') return { key: 'support.event.reopened', values: {} }
      if (!event.author && to === 'closed') return { key: 'support.event.autoClosed', values: {} }
      return { key: 'support.event.status', values: { name, status: naming.status(to) } }
    }
    case 'priority': {
      const from = str(data, 'from') as TicketPriority | null
      const to = str(data, 'to') as TicketPriority | null
      if (!from || !to) return null
      return { key: 'support.event.priority', values: { name, from: naming.priority(from), to: naming.priority(to) } }
    }
    case 'assignment': {
      const from = str(data, 'from')
      const to = str(data, 'to')
      if (data.reason === 'demoted' && from) return { key: 'support.event.demoted', values: { from: naming.person(from) } }
      if (!to) return { key: 'support.event.unassigned', values: { name } }
      if (data.auto === true) return { key: 'support.event.autoAssigned', values: { to: naming.person(to) } }
      if (event.author?.id === to) return { key: 'support.event.took', values: { name } }
      return { key: 'support.event.assigned', values: { name, to: naming.person(to) } }
    }
    case 'team': {
      const to = str(data, 'to')
      return to ? { key: 'support.event.team', values: { name, team: naming.team(to) } } : null
    }
    case 'tags': {
      const added = list(data, 'added')
      const removed = list(data, 'removed')
      if (added.length && removed.length)
        return { key: 'support.event.tagsChanged', values: { name, added: naming.tags(added), removed: naming.tags(removed) } }
      // The count only chooses "tag" or "tags".
      if (added.length) return { key: 'support.event.tagsAdded', values: { name, tags: naming.tags(added), count: String(added.length) } }
      if (removed.length)
        return { key: 'support.event.tagsRemoved', values: { name, tags: naming.tags(removed), count: String(removed.length) } }
      return null
    }
    case 'merge': {
      const n = typeof data.number === 'number' ? naming.number(data.number) : null
      if (!n) return null
      return data.direction === 'into'
        ? { key: 'support.event.mergedInto', values: { number: n } }
        : { key: 'support.event.mergedFrom', values: { number: n } }
    }
    default:
      return null
  }
}

/** The ticket a merge entry points at (its id), for a link. */
export function mergeTarget(event: TicketEvent): string | null {
  return event.kind === 'merge' && typeof event.data?.ticketId === 'string' ? event.data.ticketId : null
}
