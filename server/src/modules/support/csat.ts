// CSAT: the requester rates a solved (or closed) ticket 1–5 with an optional comment, once. The
// answer is a row keyed by the ticket, so two answers at once cannot both count.
import type { Db } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { AGENTS_ROOM } from './events'
import { csatRepo, ticketsRepo } from './repo'
import type { Tickets } from './tickets'

export function createCsat(deps: { db: Db; events: EventBus; tickets: Tickets }) {
  const { db, events, tickets } = deps

  async function rate(principal: Principal, ticketId: string, body: { rating: number; comment?: string }) {
    const actor = tickets.actorOf(principal)
    const t = tickets.visible(actor, await ticketsRepo.byId(db, ticketId))
    // Only the requester rates; an agent is told so rather than 404 (they can see the ticket).
    if (actor.userId !== t.requesterId) throw new AppError('forbidden', 'Only the customer who asked can rate a ticket')
    if (t.mergedIntoId) throw new AppError('ticket_not_solved', 'This ticket was merged into another; rate that one')
    if (t.status !== 'solved' && t.status !== 'closed') throw new AppError('ticket_not_solved', 'A ticket can be rated once it is solved')
    await events.inTransaction(db, async (tx, raise) => {
      const row = await csatRepo.insert(tx, { ticketId, rating: body.rating, comment: body.comment?.trim() || null })
      if (!row) throw new AppError('csat_already_given', 'This ticket was already rated')
      raise(events.event('support.csat', { ticketId, rating: body.rating, assigneeId: t.assigneeId }, { rooms: [AGENTS_ROOM] }))
    })
    return tickets.detailOf(t, false)
  }

  return { rate }
}
