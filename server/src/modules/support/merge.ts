// Merging two tickets of one customer: the source's timeline joins the target's, the tags are
// combined, and the source is closed pointing to the target. Both rows are locked in id order, so two
// merges of the same pair at once cannot deadlock or both succeed the wrong way round.
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { Db } from '../../core/db/client'
import { eventsRepo, ticketsRepo, type TicketRow } from './repo'
import type { Tickets } from './tickets'

export function createMerge(deps: { db: Db; tickets: Tickets; now?: () => Date }) {
  const { db, tickets } = deps
  const now = deps.now ?? (() => new Date())

  async function idOf(ref: string | number): Promise<string> {
    if (typeof ref === 'string') return ref
    const t = await ticketsRepo.byNumber(db, ref)
    if (!t)
      throw new AppError('unprocessable', `No ticket #${ref}`, { errors: [{ field: 'body.sourceTicketId', message: 'no such ticket' }] })
    return t.id
  }

  async function merge(principal: Principal, targetId: string, sourceRef: string | number) {
    const actor = tickets.actorOf(principal)
    if (!actor.agent) throw new AppError('not_found', 'No such ticket')
    const sourceId = await idOf(sourceRef)
    if (sourceId === targetId)
      throw new AppError('tickets_not_mergeable', 'A ticket cannot be merged into itself', {
        errors: [{ field: 'body.sourceTicketId', message: 'is this ticket' }],
      })
    const { updatedTarget, updatedSource, intoTarget, intoSource } = await db.transaction(async (tx) => {
      const locked = new Map<string, TicketRow | undefined>()
      for (const id of [targetId, sourceId].sort()) locked.set(id, await ticketsRepo.lock(tx, id))
      const target = locked.get(targetId)
      const source = locked.get(sourceId)
      if (!target) throw new AppError('not_found', 'No such ticket')
      if (!source)
        throw new AppError('unprocessable', 'No such ticket to merge', {
          errors: [{ field: 'body.sourceTicketId', message: 'no such ticket' }],
        })
      if (source.requesterId !== target.requesterId)
        throw new AppError('tickets_not_mergeable', 'Only tickets of the same customer can be merged')
      if (source.status === 'closed' || target.status === 'closed')
        throw new AppError('tickets_not_mergeable', 'Closed (or already merged) tickets cannot be merged')
      const at = now()
      await eventsRepo.move(tx, source.id, target.id)
      const tags = [...new Set([...target.tags, ...source.tags])]
      const updatedTarget = await ticketsRepo.update(tx, target.id, { tags, lastActivityAt: at })
      const updatedSource = await ticketsRepo.update(tx, source.id, {
        status: 'closed',
        closedAt: at,
        mergedIntoId: target.id,
        lastActivityAt: at,
      })
      const [intoTarget, intoSource] = await eventsRepo.insert(tx, [
        { ...tickets.entry(target, 'merge', actor), data: { ticketId: source.id, number: source.number, direction: 'from' } },
        { ...tickets.entry(source, 'merge', actor), id: newId(), data: { ticketId: target.id, number: target.number, direction: 'into' } },
      ])
      return { updatedTarget, updatedSource, intoTarget: intoTarget!, intoSource: intoSource! }
    })
    await tickets.announce(updatedTarget, [intoTarget])
    await tickets.announce(updatedSource, [intoSource])
    return tickets.detailOf(updatedTarget, true)
  }

  return { merge }
}
