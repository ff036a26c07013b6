// Rows into API views. A customer's view of a ticket leaves out what only the desk sees (assignee,
// team, tags, SLA); the timeline a customer gets holds public entries only (repo filters them).
import type { AccountsService } from '../accounts'
import type { CannedRow, CsatRow, MacroRow, TeamRow, TicketEventRow, TicketRow } from './repo'
import type { TicketEventView, TicketView } from './schemas'
import { slaState } from './sla'

type Contact = Awaited<ReturnType<AccountsService['contactsOf']>>[number]
export type People = Map<string, Contact>

const iso = (d: Date | null) => d?.toISOString() ?? null

export async function peopleOf(accounts: AccountsService, ids: (string | null | undefined)[]): Promise<People> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))]
  return new Map((await accounts.contactsOf(unique)).map((c) => [c.id, c]))
}

function person(people: People, id: string) {
  const c = people.get(id)
  return { id, name: c?.name ?? null, externalId: c?.externalId ?? null }
}

export interface ViewContext {
  people: People
  csat: Map<string, CsatRow>
  /** Agents see the desk's fields. */
  agent: boolean
  now: Date
  warnMinutes: number
}

export function ticketView(t: TicketRow, ctx: ViewContext): TicketView {
  const rating = ctx.csat.get(t.id)
  const done = t.status === 'solved' || t.status === 'closed'
  const view: TicketView = {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    requester: person(ctx.people, t.requesterId),
    mergedIntoId: t.mergedIntoId,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    solvedAt: iso(t.solvedAt),
    closedAt: iso(t.closedAt),
    csat: rating ? { rating: rating.rating, comment: rating.comment, createdAt: rating.createdAt.toISOString() } : null,
    canRate: done && !rating && !t.mergedIntoId,
  }
  if (!ctx.agent) return view
  return {
    ...view,
    assignee: t.assigneeId ? person(ctx.people, t.assigneeId) : null,
    teamId: t.teamId,
    tags: t.tags,
    sla: slaState(t, ctx.now, ctx.warnMinutes),
    firstResponseMinutes: t.firstResponseMinutes,
    resolutionMinutes: t.resolutionMinutes,
  }
}

export function eventView(e: TicketEventRow, people: People): TicketEventView {
  return {
    id: e.id,
    ticketId: e.ticketId,
    kind: e.kind,
    public: e.public,
    author: e.authorId ? person(people, e.authorId) : null,
    byAgent: e.byAgent,
    body: e.body,
    data: e.data ?? null,
    attachmentIds: e.attachmentIds,
    createdAt: e.createdAt.toISOString(),
  }
}

export function teamView(t: TeamRow, memberIds: string[]) {
  return { id: t.id, name: t.name, email: t.email, schedule: t.schedule, isDefault: t.isDefault, memberIds }
}

export const cannedView = (c: CannedRow) => ({
  id: c.id,
  shortcut: c.shortcut,
  title: c.title,
  body: c.body,
  updatedAt: c.updatedAt.toISOString(),
})
export const macroView = (m: MacroRow) => ({ id: m.id, name: m.name, actions: m.actions, updatedAt: m.updatedAt.toISOString() })
