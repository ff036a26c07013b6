// The support module's SQL, and nothing else: every function takes the executor (db or a
// transaction) it runs on; rules live in the services.
import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import {
  supportAgents,
  supportCannedResponses,
  supportConversations,
  supportCsat,
  supportMacros,
  supportSites,
  supportTeamMembers,
  supportTeams,
  supportTicketEvents,
  supportTickets,
  type AgentStatus,
  type SlaMetric,
  type TicketPriority,
  type TicketStatus,
} from './tables'

export type TeamRow = typeof supportTeams.$inferSelect
export type AgentRow = typeof supportAgents.$inferSelect
export type TicketRow = typeof supportTickets.$inferSelect
export type TicketEventRow = typeof supportTicketEvents.$inferSelect
export type CsatRow = typeof supportCsat.$inferSelect
export type CannedRow = typeof supportCannedResponses.$inferSelect
export type MacroRow = typeof supportMacros.$inferSelect
export type SiteRow = typeof supportSites.$inferSelect
export type SupportConversationRow = typeof supportConversations.$inferSelect

/** Tickets an agent is working on: they count against the agent's capacity. */
export const ACTIVE_STATUSES: TicketStatus[] = ['open', 'pending', 'on_hold']

export const teamsRepo = {
  async insert(x: Executor, row: typeof supportTeams.$inferInsert): Promise<TeamRow | undefined> {
    const [inserted] = await x.insert(supportTeams).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byId(x: Executor, id: string): Promise<TeamRow | undefined> {
    const [row] = await x.select().from(supportTeams).where(eq(supportTeams.id, id))
    return row
  },
  /** Locks the team's row: automatic assignments to one team happen one at a time (fair round robin). */
  async lock(x: Executor, id: string): Promise<void> {
    await x.execute(sql`select 1 from support_teams where id = ${id} for update`)
  },
  async byDefault(x: Executor): Promise<TeamRow | undefined> {
    const [row] = await x.select().from(supportTeams).where(eq(supportTeams.isDefault, true))
    return row
  },
  async byEmail(x: Executor, email: string): Promise<TeamRow | undefined> {
    const [row] = await x.select().from(supportTeams).where(eq(supportTeams.email, email.toLowerCase()))
    return row
  },
  async list(x: Executor): Promise<TeamRow[]> {
    return x.select().from(supportTeams).orderBy(desc(supportTeams.isDefault), asc(supportTeams.name))
  },
  async update(x: Executor, id: string, patch: Partial<typeof supportTeams.$inferInsert>): Promise<TeamRow | undefined> {
    const [row] = await x
      .update(supportTeams)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(supportTeams.id, id))
      .returning()
    return row
  },
  async members(x: Executor, teamIds: string[]): Promise<{ teamId: string; userId: string }[]> {
    if (!teamIds.length) return []
    return x.select().from(supportTeamMembers).where(inArray(supportTeamMembers.teamId, teamIds))
  },
  async setMembers(x: Executor, teamId: string, userIds: string[]): Promise<void> {
    await x.delete(supportTeamMembers).where(eq(supportTeamMembers.teamId, teamId))
    if (userIds.length) await x.insert(supportTeamMembers).values(userIds.map((userId) => ({ teamId, userId })))
  },
  async addMember(x: Executor, teamId: string, userId: string): Promise<void> {
    await x.insert(supportTeamMembers).values({ teamId, userId }).onConflictDoNothing()
  },
  async teamsOf(x: Executor, userId: string): Promise<string[]> {
    const rows = await x.select({ teamId: supportTeamMembers.teamId }).from(supportTeamMembers).where(eq(supportTeamMembers.userId, userId))
    return rows.map((r) => r.teamId)
  },
  async removeMember(x: Executor, userId: string): Promise<void> {
    await x.delete(supportTeamMembers).where(eq(supportTeamMembers.userId, userId))
  },
}

export const agentsRepo = {
  async ensure(x: Executor, userIds: string[]): Promise<void> {
    if (userIds.length)
      await x
        .insert(supportAgents)
        .values(userIds.map((userId) => ({ userId })))
        .onConflictDoNothing()
  },
  async get(x: Executor, userId: string): Promise<AgentRow | undefined> {
    const [row] = await x.select().from(supportAgents).where(eq(supportAgents.userId, userId))
    return row
  },
  async list(x: Executor): Promise<AgentRow[]> {
    return x.select().from(supportAgents).orderBy(asc(supportAgents.userId))
  },
  async update(x: Executor, userId: string, patch: { status?: AgentStatus; capacity?: number }): Promise<AgentRow | undefined> {
    const [row] = await x
      .update(supportAgents)
      .set({ ...patch, ...(patch.status ? { statusChangedAt: sql`now()` } : {}) })
      .where(eq(supportAgents.userId, userId))
      .returning()
    return row
  },
  /**
   * The team's agents whose status is online, with how many active tickets each holds, longest
   * since their last automatic assignment first (never assigned first): round robin's order.
   */
  async candidates(x: Executor, teamId: string): Promise<{ userId: string; capacity: number; load: number }[]> {
    const rows = await x.execute<{ user_id: string; capacity: number; load: string | number }>(sql`
      select a.user_id, a.capacity,
        (select count(*) from support_tickets t
          where t.assignee_id = a.user_id and t.status in ('open', 'pending', 'on_hold')) as load
      from support_agents a
      join support_team_members m on m.user_id = a.user_id and m.team_id = ${teamId}
      where a.status = 'online'
      order by a.last_assigned_at asc nulls first, a.user_id`)
    return rows.rows.map((r) => ({ userId: r.user_id, capacity: r.capacity, load: Number(r.load) }))
  },
  async markAssigned(x: Executor, userId: string): Promise<void> {
    await x
      .update(supportAgents)
      .set({ lastAssignedAt: sql`clock_timestamp()` })
      .where(eq(supportAgents.userId, userId))
  },
  /** Active tickets per agent (the console's workload column). */
  async loads(x: Executor, userIds: string[]): Promise<Map<string, number>> {
    if (!userIds.length) return new Map()
    const rows = await x
      .select({ userId: supportTickets.assigneeId, n: sql<number>`count(*)::int` })
      .from(supportTickets)
      .where(and(inArray(supportTickets.assigneeId, userIds), inArray(supportTickets.status, ACTIVE_STATUSES)))
      .groupBy(supportTickets.assigneeId)
    return new Map(rows.map((r) => [r.userId!, r.n]))
  },
}

export interface TicketFilter {
  requesterId?: string
  assigneeId?: string | null
  teamId?: string
  status?: TicketStatus[]
  priority?: TicketPriority
  tag?: string
  /** Deadlines within this instant that are not yet breached, or already breached and still open. */
  slaAtRiskBy?: Date
  before?: string
  limit: number
}

export const ticketsRepo = {
  async insert(x: Executor, row: Omit<typeof supportTickets.$inferInsert, 'number'>): Promise<TicketRow> {
    const [inserted] = await x.insert(supportTickets).values(row).returning()
    return inserted!
  },
  async byId(x: Executor, id: string): Promise<TicketRow | undefined> {
    const [row] = await x.select().from(supportTickets).where(eq(supportTickets.id, id))
    return row
  },
  async byConversation(x: Executor, conversationId: string): Promise<TicketRow | undefined> {
    const [row] = await x.select().from(supportTickets).where(eq(supportTickets.conversationId, conversationId))
    return row
  },
  async byNumber(x: Executor, number: number): Promise<TicketRow | undefined> {
    const [row] = await x.select().from(supportTickets).where(eq(supportTickets.number, number))
    return row
  },
  async byIds(x: Executor, ids: string[]): Promise<TicketRow[]> {
    if (!ids.length) return []
    return x.select().from(supportTickets).where(inArray(supportTickets.id, ids))
  },
  /** Under the row's lock: every change to a ticket goes through here, one at a time. */
  async lock(x: Executor, id: string): Promise<TicketRow | undefined> {
    const [row] = await x.select().from(supportTickets).where(eq(supportTickets.id, id)).for('update')
    return row
  },
  async update(x: Executor, id: string, patch: Partial<typeof supportTickets.$inferInsert>): Promise<TicketRow> {
    const [row] = await x
      .update(supportTickets)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(supportTickets.id, id))
      .returning()
    return row!
  },
  async list(x: Executor, f: TicketFilter): Promise<TicketRow[]> {
    const where: (SQL | undefined)[] = [
      f.requesterId ? eq(supportTickets.requesterId, f.requesterId) : undefined,
      f.assigneeId === null ? isNull(supportTickets.assigneeId) : f.assigneeId ? eq(supportTickets.assigneeId, f.assigneeId) : undefined,
      f.teamId ? eq(supportTickets.teamId, f.teamId) : undefined,
      f.status?.length ? inArray(supportTickets.status, f.status) : undefined,
      f.priority ? eq(supportTickets.priority, f.priority) : undefined,
      f.tag ? sql`${f.tag} = any(${supportTickets.tags})` : undefined,
      f.slaAtRiskBy
        ? and(
            inArray(supportTickets.status, ACTIVE_STATUSES),
            or(
              lte(supportTickets.firstResponseDueAt, f.slaAtRiskBy),
              lte(supportTickets.nextResponseDueAt, f.slaAtRiskBy),
              lte(supportTickets.resolutionDueAt, f.slaAtRiskBy),
            ),
          )
        : undefined,
      f.before ? lt(supportTickets.id, f.before) : undefined,
    ]
    return x
      .select()
      .from(supportTickets)
      .where(and(...where))
      .orderBy(desc(supportTickets.id))
      .limit(f.limit + 1)
  },
  /** Open tickets whose SLA deadlines passed or come within `warnBy`: what the SLA job looks at. */
  async slaDue(x: Executor, warnBy: Date, limit: number): Promise<TicketRow[]> {
    return x
      .select()
      .from(supportTickets)
      .where(
        and(
          inArray(supportTickets.status, ACTIVE_STATUSES),
          or(
            lte(supportTickets.firstResponseDueAt, warnBy),
            lte(supportTickets.nextResponseDueAt, warnBy),
            lte(supportTickets.resolutionDueAt, warnBy),
          ),
        ),
      )
      .orderBy(asc(supportTickets.id))
      .limit(limit)
  },
  /** Solved tickets with no activity since `before`: the auto-close job's work. */
  async idleSolved(x: Executor, before: Date, limit: number): Promise<TicketRow[]> {
    return x
      .select()
      .from(supportTickets)
      .where(and(eq(supportTickets.status, 'solved'), lte(supportTickets.lastActivityAt, before)))
      .orderBy(asc(supportTickets.lastActivityAt))
      .limit(limit)
  },
  /** Unassigned active tickets of these teams, oldest first (handed out when an agent comes online). */
  async waiting(x: Executor, teamIds: string[], limit: number): Promise<TicketRow[]> {
    if (!teamIds.length) return []
    return x
      .select()
      .from(supportTickets)
      .where(
        and(isNull(supportTickets.assigneeId), inArray(supportTickets.teamId, teamIds), inArray(supportTickets.status, ACTIVE_STATUSES)),
      )
      .orderBy(asc(supportTickets.id))
      .limit(limit)
  },
  async activeOfAssignee(x: Executor, userId: string): Promise<TicketRow[]> {
    return x
      .select()
      .from(supportTickets)
      .where(and(eq(supportTickets.assigneeId, userId), inArray(supportTickets.status, ACTIVE_STATUSES)))
  },
  async addSlaFlag(x: Executor, id: string, column: 'slaBreaches' | 'slaWarnings', metric: SlaMetric): Promise<boolean> {
    const col = column === 'slaBreaches' ? supportTickets.slaBreaches : supportTickets.slaWarnings
    const rows = await x
      .update(supportTickets)
      .set({ [column]: sql`array_append(${col}, ${metric})` })
      .where(and(eq(supportTickets.id, id), sql`not (${metric} = any(${col}))`))
      .returning({ id: supportTickets.id })
    return rows.length > 0
  },
  async ofRequester(x: Executor, requesterId: string, limit: number): Promise<TicketRow[]> {
    return x.select().from(supportTickets).where(eq(supportTickets.requesterId, requesterId)).orderBy(desc(supportTickets.id)).limit(limit)
  },
}

export const eventsRepo = {
  async insert(x: Executor, rows: (typeof supportTicketEvents.$inferInsert)[]): Promise<TicketEventRow[]> {
    if (!rows.length) return []
    return x.insert(supportTicketEvents).values(rows).returning()
  },
  /** Oldest first; customers get the public entries only. */
  async ofTicket(x: Executor, ticketId: string, publicOnly: boolean): Promise<TicketEventRow[]> {
    return x
      .select()
      .from(supportTicketEvents)
      .where(and(eq(supportTicketEvents.ticketId, ticketId), publicOnly ? eq(supportTicketEvents.public, true) : undefined))
      .orderBy(asc(supportTicketEvents.seq))
  },
  /** A merge joins timelines: the source's entries move to the target. */
  async move(x: Executor, fromTicketId: string, toTicketId: string): Promise<void> {
    await x.update(supportTicketEvents).set({ ticketId: toTicketId }).where(eq(supportTicketEvents.ticketId, fromTicketId))
  },
  /** The Message-IDs of the ticket's mails, in and out, oldest first (an agent's reply threads under them). */
  async emailIdsOf(x: Executor, ticketId: string): Promise<string[]> {
    const rows = await x
      .select({ id: supportTicketEvents.emailMessageId })
      .from(supportTicketEvents)
      .where(and(eq(supportTicketEvents.ticketId, ticketId), sql`${supportTicketEvents.emailMessageId} is not null`))
      .orderBy(asc(supportTicketEvents.seq))
    return rows.map((r) => r.id!)
  },
  async byEmailMessageIds(x: Executor, ids: string[]): Promise<TicketEventRow | undefined> {
    if (!ids.length) return undefined
    const [row] = await x.select().from(supportTicketEvents).where(inArray(supportTicketEvents.emailMessageId, ids)).limit(1)
    return row
  },
}

export const csatRepo = {
  async insert(x: Executor, row: typeof supportCsat.$inferInsert): Promise<CsatRow | undefined> {
    const [inserted] = await x.insert(supportCsat).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byTickets(x: Executor, ticketIds: string[]): Promise<CsatRow[]> {
    if (!ticketIds.length) return []
    return x.select().from(supportCsat).where(inArray(supportCsat.ticketId, ticketIds))
  },
}

export const cannedRepo = {
  async insert(x: Executor, row: typeof supportCannedResponses.$inferInsert): Promise<CannedRow | undefined> {
    const [inserted] = await x.insert(supportCannedResponses).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byId(x: Executor, id: string): Promise<CannedRow | undefined> {
    const [row] = await x.select().from(supportCannedResponses).where(eq(supportCannedResponses.id, id))
    return row
  },
  /** By shortcut prefix or title words (the composer's /shortcut menu). */
  async search(x: Executor, q: string | undefined, limit: number): Promise<CannedRow[]> {
    const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%` : undefined
    return x
      .select()
      .from(supportCannedResponses)
      .where(
        pattern
          ? or(sql`lower(${supportCannedResponses.shortcut}) like ${pattern}`, sql`lower(${supportCannedResponses.title}) like ${pattern}`)
          : undefined,
      )
      .orderBy(asc(supportCannedResponses.shortcut))
      .limit(limit)
  },
  async update(x: Executor, id: string, patch: Partial<typeof supportCannedResponses.$inferInsert>): Promise<CannedRow | undefined> {
    const [row] = await x
      .update(supportCannedResponses)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(supportCannedResponses.id, id))
      .returning()
    return row
  },
  async delete(x: Executor, id: string): Promise<boolean> {
    return (
      (await x.delete(supportCannedResponses).where(eq(supportCannedResponses.id, id)).returning({ id: supportCannedResponses.id }))
        .length > 0
    )
  },
}

export const macrosRepo = {
  async insert(x: Executor, row: typeof supportMacros.$inferInsert): Promise<MacroRow | undefined> {
    const [inserted] = await x.insert(supportMacros).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byId(x: Executor, id: string): Promise<MacroRow | undefined> {
    const [row] = await x.select().from(supportMacros).where(eq(supportMacros.id, id))
    return row
  },
  async list(x: Executor): Promise<MacroRow[]> {
    return x.select().from(supportMacros).orderBy(asc(supportMacros.name))
  },
  async update(x: Executor, id: string, patch: Partial<typeof supportMacros.$inferInsert>): Promise<MacroRow | undefined> {
    const [row] = await x
      .update(supportMacros)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(supportMacros.id, id))
      .returning()
    return row
  },
  async delete(x: Executor, id: string): Promise<boolean> {
    return (await x.delete(supportMacros).where(eq(supportMacros.id, id)).returning({ id: supportMacros.id })).length > 0
  },
}

export const personalDataRepo = {
  /** A file on a timeline entry is the requester's to read when the entry is public and on their ticket. */
  async requesterSeesEvent(x: Executor, userId: string, eventId: string): Promise<boolean> {
    const [row] = await x
      .select({ id: supportTicketEvents.id })
      .from(supportTicketEvents)
      .innerJoin(supportTickets, eq(supportTickets.id, supportTicketEvents.ticketId))
      .where(and(eq(supportTicketEvents.id, eventId), eq(supportTicketEvents.public, true), eq(supportTickets.requesterId, userId)))
    return !!row
  },
  /** The user's tickets with their public timelines and ratings, and the notes and replies they wrote as an agent. */
  async exportOf(x: Executor, userId: string) {
    const tickets = await x.select().from(supportTickets).where(eq(supportTickets.requesterId, userId)).orderBy(asc(supportTickets.id))
    const ids = tickets.map((t) => t.id)
    const [timeline, ratings, written] = await Promise.all([
      ids.length
        ? x
            .select()
            .from(supportTicketEvents)
            .where(and(inArray(supportTicketEvents.ticketId, ids), eq(supportTicketEvents.public, true)))
            .orderBy(asc(supportTicketEvents.seq))
        : [],
      csatRepo.byTickets(x, ids),
      x.select().from(supportTicketEvents).where(eq(supportTicketEvents.authorId, userId)).orderBy(asc(supportTicketEvents.seq)),
    ])
    return {
      tickets: tickets.map((t) => ({
        number: t.number,
        subject: t.subject,
        status: t.status,
        createdAt: t.createdAt.toISOString(),
        rating: ratings.find((r) => r.ticketId === t.id)?.rating ?? null,
        timeline: timeline
          .filter((e) => e.ticketId === t.id)
          .map((e) => ({ kind: e.kind, body: e.body, mine: e.authorId === userId, createdAt: e.createdAt.toISOString() })),
      })),
      written: written.map((e) => ({ ticketId: e.ticketId, kind: e.kind, body: e.body, createdAt: e.createdAt.toISOString() })),
    }
  },
  /** Tickets stay for the desk's figures; what the user wrote, and every word on their tickets, goes. */
  async erase(x: Executor, userId: string): Promise<void> {
    await x.update(supportTicketEvents).set({ body: null, authorId: null }).where(eq(supportTicketEvents.authorId, userId))
    const own = await x
      .update(supportTickets)
      .set({ subject: '—', updatedAt: sql`now()` })
      .where(eq(supportTickets.requesterId, userId))
      .returning({ id: supportTickets.id })
    if (own.length) {
      const ids = own.map((t) => t.id)
      // Agents' replies and notes on their tickets are about them too.
      await x.update(supportTicketEvents).set({ body: null }).where(inArray(supportTicketEvents.ticketId, ids))
      await x.update(supportCsat).set({ comment: null }).where(inArray(supportCsat.ticketId, ids))
    }
    await x.update(supportConversations).set({ visitorName: null, visitorEmail: null }).where(eq(supportConversations.visitorId, userId))
    await x.delete(supportTeamMembers).where(eq(supportTeamMembers.userId, userId))
    await x.delete(supportAgents).where(eq(supportAgents.userId, userId))
  },
}

export const sitesRepo = {
  async insert(x: Executor, row: typeof supportSites.$inferInsert): Promise<SiteRow> {
    const [created] = await x.insert(supportSites).values(row).returning()
    return created!
  },
  async byId(x: Executor, id: string): Promise<SiteRow | undefined> {
    const [row] = await x.select().from(supportSites).where(eq(supportSites.id, id))
    return row
  },
  async byToken(x: Executor, token: string): Promise<SiteRow | undefined> {
    const [row] = await x.select().from(supportSites).where(eq(supportSites.token, token))
    return row
  },
  async list(x: Executor): Promise<SiteRow[]> {
    return x.select().from(supportSites).orderBy(asc(supportSites.createdAt), asc(supportSites.id))
  },
  /** Every origin some site allows (CORS). */
  async origins(x: Executor): Promise<string[]> {
    const rows = await x.selectDistinct({ origin: sql<string>`unnest(${supportSites.allowedOrigins})` }).from(supportSites)
    return rows.map((r) => r.origin)
  },
  async update(x: Executor, id: string, patch: Partial<typeof supportSites.$inferInsert>): Promise<SiteRow | undefined> {
    const [row] = await x
      .update(supportSites)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(supportSites.id, id))
      .returning()
    return row
  },
  async delete(x: Executor, id: string): Promise<SiteRow | undefined> {
    const [row] = await x.delete(supportSites).where(eq(supportSites.id, id)).returning()
    return row
  },
}

export const conversationsRepo = {
  async insert(x: Executor, row: typeof supportConversations.$inferInsert): Promise<SupportConversationRow> {
    const [created] = await x.insert(supportConversations).values(row).returning()
    return created!
  },
  async byStartKey(x: Executor, visitorId: string, startKey: string): Promise<SupportConversationRow | undefined> {
    const [row] = await x
      .select()
      .from(supportConversations)
      .where(and(eq(supportConversations.visitorId, visitorId), eq(supportConversations.startKey, startKey)))
    return row
  },
  async byId(x: Executor, conversationId: string): Promise<SupportConversationRow | undefined> {
    const [row] = await x.select().from(supportConversations).where(eq(supportConversations.conversationId, conversationId))
    return row
  },
  async lock(x: Executor, conversationId: string): Promise<SupportConversationRow | undefined> {
    const [row] = await x.select().from(supportConversations).where(eq(supportConversations.conversationId, conversationId)).for('update')
    return row
  },
  /** A visitor's conversations on one site, newest first. */
  async ofVisitor(x: Executor, visitorId: string, siteId: string, limit: number): Promise<SupportConversationRow[]> {
    return x
      .select()
      .from(supportConversations)
      .where(and(eq(supportConversations.visitorId, visitorId), eq(supportConversations.siteId, siteId)))
      .orderBy(desc(supportConversations.createdAt), desc(supportConversations.conversationId))
      .limit(limit)
  },
  /** The desk's list, newest first, paged by (createdAt, id). */
  async list(
    x: Executor,
    f: { status?: 'open' | 'closed'; before?: { at: Date; id: string }; limit: number },
  ): Promise<SupportConversationRow[]> {
    const c = supportConversations
    const where: SQL[] = []
    if (f.status) where.push(eq(c.status, f.status))
    if (f.before) where.push(or(lt(c.createdAt, f.before.at), and(eq(c.createdAt, f.before.at), lt(c.conversationId, f.before.id)))!)
    return x
      .select()
      .from(c)
      .where(and(...where))
      .orderBy(desc(c.createdAt), desc(c.conversationId))
      .limit(f.limit)
  },
  async update(
    x: Executor,
    conversationId: string,
    patch: Partial<typeof supportConversations.$inferInsert>,
  ): Promise<SupportConversationRow> {
    const [row] = await x.update(supportConversations).set(patch).where(eq(supportConversations.conversationId, conversationId)).returning()
    return row!
  },
}
