// Teams (business hours, support address, members) and agents (status, capacity). An agent who comes
// online takes the waiting unassigned tickets of their teams up to their capacity; an agent demoted to
// customer leaves every team at once and their open tickets go back to round robin.
import type { Audit } from '../../core/audit/service'
import type { Db } from '../../core/db/client'
import { isUniqueViolation } from '../../core/db/errors'
import type { EventBus } from '../../core/events/bus'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { AccountsService } from '../accounts'
import type { Assignment } from './assignment'
import { DEFAULT_SCHEDULE, scheduleProblems, type BusinessSchedule } from './business-hours'
import { AGENTS_ROOM } from './events'
import { agentsRepo, eventsRepo, teamsRepo, ticketsRepo, type TeamRow } from './repo'
import type { TeamBody, TeamPatch } from './schemas'
import type { SupportSettingsStore } from './settings'
import type { AgentStatus } from './tables'
import type { SupportNotice, Tickets } from './tickets'
import { peopleOf, teamView } from './views'

export function createAgents(deps: {
  settings: SupportSettingsStore
  db: Db
  events: EventBus
  audit: Audit
  accounts: AccountsService
  assignment: Assignment
  tickets: Tickets
  notify: (tx: Parameters<Parameters<Db['transaction']>[0]>[0], notices: SupportNotice[]) => Promise<void>
}) {
  const { db, events, audit, accounts, assignment, tickets, settings } = deps

  /** The default team exists from the first start (several nodes may race to create it: one wins). */
  async function ensureDefaultTeam() {
    if (await teamsRepo.byDefault(db)) return
    await teamsRepo.insert(db, { id: newId(), name: 'Support', schedule: DEFAULT_SCHEDULE, isDefault: true }).catch((e) => {
      if (!isUniqueViolation(e)) throw e
    })
  }

  function checkSchedule(schedule: BusinessSchedule | undefined) {
    if (!schedule) return
    const problems = scheduleProblems(schedule)
    if (problems.length)
      throw new AppError('validation', 'The business hours are not valid', {
        errors: problems.map((p) => ({ field: `body.schedule${p.path.replace(/\//g, '.')}`, message: p.message })),
      })
  }

  async function checkMembers(ids: string[] | undefined) {
    if (!ids?.length) return
    const contacts = new Set((await accounts.contactsOf(ids)).map((c) => c.id))
    for (const [i, id] of ids.entries()) {
      const role = contacts.has(id) ? (await accounts.sessionState(id))?.user.role : undefined
      if (role !== 'agent' && role !== 'admin')
        throw new AppError('unprocessable', 'Team members must be agents or admins', {
          errors: [{ field: `body.memberIds.${i}`, message: 'is not an agent' }],
        })
    }
  }

  async function views(rows: TeamRow[]) {
    const members = await teamsRepo.members(
      db,
      rows.map((t) => t.id),
    )
    return rows.map((t) =>
      teamView(
        t,
        members.filter((m) => m.teamId === t.id).map((m) => m.userId),
      ),
    )
  }

  const listTeams = async () => views(await teamsRepo.list(db))

  async function saveTeam(actor: Principal, id: string | null, body: TeamBody | TeamPatch) {
    checkSchedule(body.schedule)
    await checkMembers(body.memberIds)
    const email = body.email === undefined ? undefined : (body.email?.trim().toLowerCase() ?? null)
    const row = await db
      .transaction(async (tx) => {
        const saved = id
          ? await teamsRepo.update(tx, id, {
              ...(body.name !== undefined ? { name: body.name.trim() } : {}),
              ...(email !== undefined ? { email } : {}),
              ...(body.schedule ? { schedule: body.schedule } : {}),
            })
          : await teamsRepo.insert(tx, {
              id: newId(),
              name: body.name!.trim(),
              email: email ?? null,
              schedule: body.schedule ?? DEFAULT_SCHEDULE,
            })
        if (!saved) throw new AppError(id ? 'not_found' : 'conflict', id ? 'No such team' : 'A team with this name or address exists')
        if (body.memberIds) {
          await agentsRepo.ensure(tx, body.memberIds)
          await teamsRepo.setMembers(tx, saved.id, body.memberIds)
        }
        await audit.append(tx, {
          actor,
          action: id ? 'support.team_updated' : 'support.team_created',
          targetType: 'support_team',
          targetId: saved.id,
          data: { fields: Object.keys(body) },
        })
        return saved
      })
      .catch((e) => {
        if (isUniqueViolation(e)) throw new AppError('conflict', 'A team with this name or address exists')
        throw e
      })
    return (await views([row]))[0]!
  }

  async function agentViews(userIds?: string[]) {
    const rows = (await agentsRepo.list(db)).filter((a) => !userIds || userIds.includes(a.userId))
    const ids = rows.map((a) => a.userId)
    const [people, loads, live] = await Promise.all([peopleOf(accounts, ids), agentsRepo.loads(db, ids), assignment.available(ids)])
    const teams = await Promise.all(ids.map((id) => teamsRepo.teamsOf(db, id)))
    return rows
      .filter((a) => people.has(a.userId))
      .map((a, i) => ({
        userId: a.userId,
        name: people.get(a.userId)?.name ?? null,
        status: a.status,
        available: a.status === 'online' && live.has(a.userId),
        capacity: a.capacity,
        load: loads.get(a.userId) ?? 0,
        teamIds: teams[i]!,
      }))
  }

  /** An agent sets their own status (and capacity); coming online picks up waiting tickets. */
  async function setPresence(principal: Principal, body: { status: AgentStatus; capacity?: number }) {
    if (principal.kind !== 'user' || principal.role === 'customer') throw new AppError('forbidden', 'Only agents have a support status')
    const userId = principal.userId
    await agentsRepo.ensure(db, [userId])
    await agentsRepo.update(db, userId, body)
    // An agent in no team works for the default team (a first run, a new hire nobody placed yet).
    if (!(await teamsRepo.teamsOf(db, userId)).length) {
      const fallback = await teamsRepo.byDefault(db)
      if (fallback) await teamsRepo.addMember(db, fallback.id, userId)
    }
    if (body.status === 'online') await assignWaiting(await teamsRepo.teamsOf(db, userId))
    const [view] = await agentViews([userId])
    await events.publish(
      events.event('support.presence', { userId, status: body.status, online: view!.available }, { rooms: [AGENTS_ROOM] }),
    )
    return view!
  }

  /** Unassigned tickets of these teams, oldest first, to whoever round robin picks, until nobody can take more. */
  async function assignWaiting(teamIds: string[]) {
    const s = await settings.read()
    for (const ticket of await ticketsRepo.waiting(db, teamIds, 200)) {
      const outcome = await db.transaction(async (tx) => {
        const t = await ticketsRepo.lock(tx, ticket.id)
        if (!t || t.assigneeId || t.status === 'solved' || t.status === 'closed') return 'skipped' as const
        const assigneeId = await assignment.pick(tx, t.teamId, s)
        if (!assigneeId) return 'nobody' as const
        const updated = await ticketsRepo.update(tx, t.id, { assigneeId })
        const written = await eventsRepo.insert(tx, [
          tickets.entry(t, 'assignment', null, { data: { from: null, to: assigneeId, auto: true } }),
        ])
        await deps.notify(tx, [
          {
            type: 'support.ticket_assigned',
            to: assigneeId,
            data: { ticketId: t.id, number: t.number, subject: t.subject, priority: t.priority },
            idempotencyKey: `support:assigned:${t.id}:${assigneeId}:${updated.updatedAt.getTime()}`,
          },
        ])
        return { updated, written }
      })
      if (outcome === 'nobody') return
      if (outcome !== 'skipped') await tickets.announce(outcome.updated, outcome.written)
    }
  }

  /** Someone who is no longer an agent holds no team, no status and no tickets. */
  async function demoted(userId: string) {
    const { teamIds, changed } = await db.transaction(async (tx) => {
      const teamIds = await teamsRepo.teamsOf(tx, userId)
      await teamsRepo.removeMember(tx, userId)
      await agentsRepo.update(tx, userId, { status: 'offline' })
      const changed = []
      for (const t of await ticketsRepo.activeOfAssignee(tx, userId)) {
        const locked = (await ticketsRepo.lock(tx, t.id))!
        const updated = await ticketsRepo.update(tx, t.id, { assigneeId: null })
        const written = await eventsRepo.insert(tx, [
          tickets.entry(locked, 'assignment', null, { data: { from: userId, to: null, reason: 'demoted' } }),
        ])
        changed.push({ updated, written })
      }
      return { teamIds, changed }
    })
    for (const c of changed) await tickets.announce(c.updated, c.written)
    // Their tickets go to the rest of their teams (and to the default team's agents when they had none).
    await assignWaiting(teamIds.length ? teamIds : (await teamsRepo.list(db)).map((t) => t.id))
  }

  /** Is anyone there? (the widget's light, the offline form) */
  async function supportOnline() {
    const online = (await agentsRepo.list(db)).filter((a) => a.status === 'online').map((a) => a.userId)
    return { online: (await assignment.available(online)).size > 0 }
  }

  async function setCapacity(actor: Principal, userId: string, capacity: number) {
    const role = (await accounts.sessionState(userId))?.user.role
    if (role !== 'agent' && role !== 'admin') throw new AppError('not_found', 'No such agent')
    await agentsRepo.ensure(db, [userId])
    await db.transaction(async (tx) => {
      await agentsRepo.update(tx, userId, { capacity })
      await audit.append(tx, { actor, action: 'support.agent_capacity', targetType: 'user', targetId: userId, data: { capacity } })
    })
    return (await agentViews([userId]))[0]!
  }

  return { ensureDefaultTeam, listTeams, saveTeam, agentViews, setPresence, assignWaiting, demoted, supportOnline, setCapacity }
}

export type Agents = ReturnType<typeof createAgents>
