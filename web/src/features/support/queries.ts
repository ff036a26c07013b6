// The support desk's server data in the query cache: a ticket with its timeline (the customer's
// view and the agents' apart: only the latter holds internal notes), the lists (read by DataTable
// under these keys), whether support is online, agents, teams, macros, canned responses and the
// files on entries; and the writes, each putting the ticket the server answers with in place.
// live.ts writes what the socket says into the same entries.
import type {
  AgentStatus,
  CreateTicketInput,
  CsatInput,
  SupportAgent,
  Ticket,
  TicketDetail,
  TicketPage,
  TicketQuery,
  TicketReplyInput,
  UpdateTicketInput,
} from '@caravan/sdk'
import { useMutation, useQuery, type InfiniteData, type QueryKey } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { client } from '../auth/session'
import { withEvent, withTicket } from './entries'

/** Whose view of a ticket: the requester's (public entries) or the desk's (notes, SLA, assignee). */
export type Audience = 'customer' | 'agent'

export type InboxFilter = Pick<TicketQuery, 'view' | 'status' | 'priority' | 'tag'>

export const supportKeys = {
  all: ['support'] as const,
  /** The customer's own tickets. */
  mine: (userId: string) => ['support', 'list', 'mine', userId] as const,
  inbox: (filter: InboxFilter) => ['support', 'list', 'inbox', filter] as const,
  /** One customer's tickets, for the agent's sidebar. */
  requester: (requesterId: string) => ['support', 'list', 'requester', requesterId] as const,
  lists: ['support', 'list'] as const,
  ticket: (audience: Audience, id: string) => ['support', 'ticket', audience, id] as const,
  status: ['support', 'status'] as const,
  agents: ['support', 'agents'] as const,
  teams: ['support', 'teams'] as const,
  macros: ['support', 'macros'] as const,
  canned: (q: string) => ['support', 'canned', q] as const,
  file: (id: string) => ['support', 'file', id] as const,
}

type TicketList = InfiniteData<TicketPage, string | undefined>

/**
 * Puts a ticket's new state in every held list under `prefix` that shows it (an older state is
 * ignored). Returns the state a list had before, or null when the ticket is new to them all.
 */
export function putTicketInLists(ticket: Ticket, prefix: QueryKey = supportKeys.lists): Ticket | null {
  let before: Ticket | null = null
  queryClient.setQueriesData<TicketList>({ queryKey: prefix }, (data) => {
    if (!data?.pages) return data
    let changed = false
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.map((t) => {
        if (t.id !== ticket.id) return t
        before ??= t
        if (ticket.updatedAt < t.updatedAt) return t
        changed = true
        return { ...t, ...ticket }
      }),
    }))
    return changed ? { ...data, pages } : data
  })
  return before
}

/** Whether a change can move the ticket into or out of a filtered list. */
export function changesMembership(before: Ticket | null, after: Ticket): boolean {
  if (!before) return true
  const sla = (t: Ticket) => (t.sla ?? []).map((c) => c.status).join()
  return (
    before.status !== after.status ||
    before.priority !== after.priority ||
    (before.assignee?.id ?? null) !== (after.assignee?.id ?? null) ||
    (before.tags ?? []).join() !== (after.tags ?? []).join() ||
    sla(before) !== sla(after)
  )
}

let listsTimer: ReturnType<typeof setTimeout> | undefined
/** The lists read again once a burst of changes is over (one merge announces two tickets). */
export function refreshListsSoon() {
  clearTimeout(listsTimer)
  listsTimer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: supportKeys.lists }), 400)
}

/**
 * A ticket's new state into every list showing it; the lists are read again when the change may
 * move it into or out of one (or it is new to them). The socket and the writes' answers both come
 * here: whichever arrives first, the other finds nothing changed.
 */
export function putTicketEverywhere(ticket: Ticket) {
  if (changesMembership(putTicketInLists(ticket), ticket)) refreshListsSoon()
}

/**
 * A ticket the server answered with: its detail for this audience, and every list showing it. When
 * the socket already brought a newer state (someone else's change crossing ours), that state stays
 * and the answer's entries join it.
 */
export function putDetail(audience: Audience, detail: TicketDetail) {
  queryClient.setQueryData<TicketDetail>(supportKeys.ticket(audience, detail.ticket.id), (held) =>
    held && held.ticket.updatedAt > detail.ticket.updatedAt ? detail.events.reduce(withEvent, held) : detail,
  )
  putTicketEverywhere(detail.ticket)
}

/** The ticket's new state (from the socket) into a held detail. */
export function putTicket(audience: Audience, ticket: Ticket) {
  queryClient.setQueryData<TicketDetail>(supportKeys.ticket(audience, ticket.id), (d) => d && withTicket(d, ticket))
}

export function useTicket(audience: Audience, id: string) {
  return useQuery({ queryKey: supportKeys.ticket(audience, id), queryFn: ({ signal }) => client.support.get(id, { signal }) })
}

/** Whether an agent is there now; read again every minute (a customer's socket does not hear of agents). */
export function useSupportStatus() {
  return useQuery({
    queryKey: supportKeys.status,
    queryFn: ({ signal }) => client.support.status({ signal }),
    refetchInterval: 60_000,
    staleTime: 30_000,
  })
}

export function useAgents() {
  return useQuery({ queryKey: supportKeys.agents, queryFn: ({ signal }) => client.support.agents({ signal }), staleTime: 60_000 })
}

export function useTeams() {
  return useQuery({ queryKey: supportKeys.teams, queryFn: ({ signal }) => client.support.teams({ signal }), staleTime: 5 * 60_000 })
}

export function useMacros() {
  return useQuery({ queryKey: supportKeys.macros, queryFn: ({ signal }) => client.support.macros({ signal }), staleTime: 60_000 })
}

/** Canned responses matching what follows the "/" (the server searches shortcut and title). */
export function useCannedSearch(q: string, enabled: boolean) {
  return useQuery({
    queryKey: supportKeys.canned(q),
    queryFn: ({ signal }) => client.support.cannedResponses({ q: q || undefined, limit: 8 }, { signal }),
    enabled,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  })
}

/** A file on a timeline entry, with fresh links (they live about five minutes). */
export function useTicketFile(id: string) {
  return useQuery({ queryKey: supportKeys.file(id), queryFn: ({ signal }) => client.chat.file(id, { signal }), staleTime: 4 * 60_000 })
}

export function useCreateTicket() {
  return useMutation({
    mutationFn: (input: CreateTicketInput) => client.support.create(input),
    onSuccess: (detail) => {
      queryClient.setQueryData(supportKeys.ticket('customer', detail.ticket.id), detail)
      void queryClient.invalidateQueries({ queryKey: supportKeys.lists })
    },
  })
}

export function useReply(audience: Audience, ticketId: string) {
  return useMutation({
    mutationFn: (input: TicketReplyInput) => client.support.reply(ticketId, input),
    onSuccess: (detail) => putDetail(audience, detail),
  })
}

export function useNote(ticketId: string) {
  return useMutation({
    mutationFn: (input: { body: string; attachmentIds?: string[] }) => client.support.note(ticketId, input),
    onSuccess: (detail) => putDetail('agent', detail),
  })
}

export function useUpdateTicket(ticketId: string) {
  return useMutation({
    mutationFn: (input: UpdateTicketInput) => client.support.update(ticketId, input),
    onSuccess: (detail) => putDetail('agent', detail),
  })
}

export function useApplyMacro(ticketId: string) {
  return useMutation({
    mutationFn: (macroId: string) => client.support.applyMacro(ticketId, macroId),
    onSuccess: (detail) => putDetail('agent', detail),
  })
}

export function useMerge(ticketId: string) {
  return useMutation({
    mutationFn: (source: number) => client.support.merge(ticketId, source),
    onSuccess: (detail) => {
      putDetail('agent', detail)
      // The other ticket closed, and its entries moved here.
      void queryClient.invalidateQueries({ queryKey: supportKeys.lists })
    },
  })
}

export function useRate(ticketId: string) {
  return useMutation({
    mutationFn: (input: CsatInput) => client.support.rate(ticketId, input),
    onSuccess: (detail) => putDetail('customer', detail),
  })
}

/** The agents' list with one agent's new status (their own change, or a `support.presence` event). */
export function putPresence(userId: string, change: Partial<SupportAgent>) {
  queryClient.setQueryData<SupportAgent[]>(supportKeys.agents, (agents) =>
    agents?.some((a) => a.userId === userId) ? agents.map((a) => (a.userId === userId ? { ...a, ...change } : a)) : agents,
  )
}

export function useSetPresence() {
  return useMutation({
    // In the order chosen: two quick changes sent at once could arrive the other way round.
    scope: { id: 'support-presence' },
    mutationFn: (status: AgentStatus) => client.support.setPresence({ status }),
    onSuccess: (agent) => {
      const agents = queryClient.getQueryData<SupportAgent[]>(supportKeys.agents)
      if (agents?.some((a) => a.userId === agent.userId)) putPresence(agent.userId, agent)
      else void queryClient.invalidateQueries({ queryKey: supportKeys.agents })
      // Coming online may have taken waiting tickets: the lists say so through the socket too.
    },
  })
}
