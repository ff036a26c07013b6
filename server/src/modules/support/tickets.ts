// Tickets: creation (customers for themselves, agents and API keys for anyone), the timeline (public
// replies, internal notes, field changes), updates, merges and CSAT. Every change to a ticket happens
// under its row's lock in one transaction with its timeline entries, its SLA clocks and the jobs that
// notify people; sockets hear of it after commit (events.ts).
import type { DomainEvent, EventBus } from '../../core/events/bus'
import type { Db, Tx } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { AccountsService } from '../accounts'
import type { Assignment } from './assignment'
import { DEFAULT_SCHEDULE } from './business-hours'
import { replyAddress, replyToken, threadMessageId } from './email/reply-token'
import { AGENTS_ROOM } from './events'
import { ACTIVE_STATUSES, csatRepo, eventsRepo, teamsRepo, ticketsRepo, type TicketEventRow, type TicketRow } from './repo'
import type { CreateTicketBody, ReplyBody, TicketQuery, UpdateTicketBody } from './schemas'
import type { SupportSettings, SupportSettingsStore } from './settings'
import * as sla from './sla'
import type { EventKind, TicketChannel, TicketStatus } from './tables'
import { eventView, peopleOf, ticketView, type ViewContext } from './views'

/** Owner kind of files attached to timeline entries (files module). */
export const ATTACHMENT_OWNER = 'support_ticket_event'

/** A notification to send from the transaction's job (support-notify), so a crash cannot lose it. */
export interface SupportNotice {
  type: 'support.ticket_assigned' | 'support.ticket_reply' | 'support.csat_request' | 'support.sla_alert'
  to: string
  data: Record<string, string | number>
  idempotencyKey: string
  /** An agent's reply by email: in the ticket's thread, answerable to its reply address. */
  email?: { thread: { messageId: string; inReplyTo?: string; references?: string[] }; replyTo?: string }
}

/** Where a ticket or reply came from when not from the API (the widget, inbound mail). */
export interface Via {
  channel?: TicketChannel
  conversationId?: string
  /** The inbound mail's Message-ID: stored on the entry, so the same mail is never taken twice. */
  emailMessageId?: string
  /** The team whose address the mail was sent to. */
  teamId?: string
  /** A live chat conversation escalated: its messages become the timeline's first public entries (instead of body.body). */
  transcript?: TranscriptEntry[]
}

/** One message of an escalated conversation, kept with its author and time. */
export interface TranscriptEntry {
  authorId: string
  byAgent: boolean
  body: string
  at: Date
}

export interface TicketsDeps {
  db: Db
  events: EventBus
  accounts: AccountsService
  settings: SupportSettingsStore
  assignment: Assignment
  files: { claim(tx: Tx, input: { uploaderId: string; fileIds: string[]; owner: { kind: string; id: string } }): Promise<void> }
  notify(tx: Tx, notices: SupportNotice[]): Promise<void>
  /** Reply tokens' key and the domain of our Message-IDs (agents' replies by email). */
  mail: { secret: string; domain: string }
  now?: () => Date
}

/** Who is acting: a customer, an agent (or admin) by user id, or an API key acting for the desk. */
interface Actor {
  agent: boolean
  userId: string | null
  key: string
}

function actorOf(p: Principal): Actor {
  if (p.kind === 'apiKey') return { agent: true, userId: null, key: principalKey(p) }
  return { agent: p.role !== 'customer', userId: p.userId, key: principalKey(p) }
}

const PUBLIC_KINDS: EventKind[] = ['reply', 'status', 'merge']
const PREVIEW = 280

export function createTickets(deps: TicketsDeps) {
  const { db, events, accounts, settings } = deps
  const now = deps.now ?? (() => new Date())

  async function scheduleOf(x: Db | Tx, teamId: string) {
    return (await teamsRepo.byId(x, teamId))?.schedule ?? DEFAULT_SCHEDULE
  }

  /** The ticket if this actor may see it; 404 otherwise (a customer cannot tell another's ticket exists). */
  function visible(actor: Actor, t: TicketRow | undefined): TicketRow {
    if (!t || (!actor.agent && t.requesterId !== actor.userId)) throw new AppError('not_found', 'No such ticket')
    return t
  }

  async function viewContext(rows: TicketRow[], agent: boolean, extraPeople: (string | null)[] = []): Promise<ViewContext> {
    const [people, csat] = await Promise.all([
      peopleOf(accounts, [...rows.flatMap((t) => [t.requesterId, t.assigneeId]), ...extraPeople]),
      csatRepo.byTickets(
        db,
        rows.map((t) => t.id),
      ),
    ])
    return {
      people,
      csat: new Map(csat.map((c) => [c.ticketId, c])),
      agent,
      now: now(),
      warnMinutes: (await settings.read()).slaWarnMinutes,
    }
  }

  /**
   * Tells sockets of a committed change: agents hear everything, the requester the public part. After
   * the commit, not inside it: the views read people and ratings (PGlite has one connection, so a read
   * beside an open transaction would wait for it forever), and nobody must hear of a change that rolled back.
   */
  async function announce(t: TicketRow, entries: TicketEventRow[]) {
    const [agentCtx, customerCtx] = [
      await viewContext(
        [t],
        true,
        entries.map((e) => e.authorId),
      ),
      await viewContext([t], false),
    ]
    const out: DomainEvent[] = []
    for (const e of entries) {
      const view = eventView(e, agentCtx.people)
      out.push(events.event('support.ticket.event', { event: view }, { rooms: [AGENTS_ROOM] }))
      if (e.public) out.push(events.event('ticket.event', { event: view }, { userIds: [t.requesterId] }))
    }
    out.push(events.event('support.ticket.updated', { ticket: ticketView(t, agentCtx) }, { rooms: [AGENTS_ROOM] }))
    out.push(events.event('ticket.updated', { ticket: ticketView(t, customerCtx) }, { userIds: [t.requesterId] }))
    for (const e of out) await events.publish(e)
  }

  function entry(t: TicketRow, kind: EventKind, actor: Actor | null, fields: Partial<TicketEventRow> = {}) {
    return {
      id: newId(),
      ticketId: t.id,
      kind,
      public: PUBLIC_KINDS.includes(kind),
      authorId: actor?.userId ?? null,
      byAgent: actor?.agent ?? false,
      ...fields,
    }
  }

  function preview(text: string) {
    return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text
  }

  async function assignedNotice(t: TicketRow, assigneeId: string): Promise<SupportNotice> {
    return {
      type: 'support.ticket_assigned',
      to: assigneeId,
      data: { ticketId: t.id, number: t.number, subject: t.subject, priority: t.priority },
      idempotencyKey: `support:assigned:${t.id}:${assigneeId}:${t.updatedAt.getTime()}`,
    }
  }

  async function requesterOf(principal: Principal, actor: Actor, ref: CreateTicketBody['requester']): Promise<string> {
    if (!actor.agent) {
      if (ref !== undefined)
        throw new AppError('validation', 'A customer opens tickets for themselves', {
          errors: [{ field: 'body.requester', message: 'only agents and API keys name the requester' }],
        })
      return actor.userId!
    }
    if (ref === undefined) {
      if (principal.kind === 'apiKey')
        throw new AppError('validation', 'requester is required with an API key', {
          errors: [{ field: 'body.requester', message: 'is required' }],
        })
      throw new AppError('validation', 'Name the customer the ticket is for', {
        errors: [{ field: 'body.requester', message: 'is required' }],
      })
    }
    const [id] = await accounts.hostUsers.resolveRefs([ref], { upsert: true, field: 'body.requester' })
    const [contact] = await accounts.contactsOf([id!])
    if (!contact) throw new AppError('unprocessable', `No user ${id}`, { errors: [{ field: 'body.requester', message: 'no such user' }] })
    return contact.id
  }

  async function teamFor(actor: Actor, teamId: string | undefined): Promise<string> {
    if (teamId !== undefined) {
      if (!actor.agent)
        throw new AppError('validation', 'Customers cannot choose a team', { errors: [{ field: 'body.teamId', message: 'agents only' }] })
      if (!(await teamsRepo.byId(db, teamId)))
        throw new AppError('unprocessable', 'No such team', { errors: [{ field: 'body.teamId', message: 'no such team' }] })
      return teamId
    }
    const team = await teamsRepo.byDefault(db)
    if (!team) throw new Error('the default support team is missing')
    return team.id
  }

  /**
   * A new ticket with its first message. `channel` is set by the caller for the widget and email;
   * otherwise it follows from who asks (a customer: web, an agent: agent, an API key: api).
   */
  async function create(principal: Principal, body: CreateTicketBody, via?: Via) {
    const actor = actorOf(principal)
    const requesterId = await requesterOf(principal, actor, body.requester)
    const teamId = via?.teamId ?? (await teamFor(actor, body.teamId))
    if (!actor.agent && body.tags?.length)
      throw new AppError('validation', 'Customers cannot tag tickets', { errors: [{ field: 'body.tags', message: 'agents only' }] })
    const channel: TicketChannel = via?.channel ?? (principal.kind === 'apiKey' ? 'api' : actor.agent && actor.userId ? 'agent' : 'web')
    const s = await settings.read()
    const priority = body.priority ?? 'normal'
    const schedule = await scheduleOf(db, teamId)
    // An agent's ticket opens with the agent's own message: there is no first response to wait for;
    // nor is there for a live chat an agent already answered.
    const byAgentOwnMessage = actor.agent && !!actor.userId
    const transcript = via?.transcript?.length ? via.transcript : undefined
    const answered = transcript ? transcript.some((m) => m.byAgent) : byAgentOwnMessage
    const { ticket: t, written } = await db.transaction(async (tx) => {
      const createdAt = now()
      const firstRespondedAt = answered ? createdAt : null
      const waiting = transcript ? !transcript.at(-1)!.byAgent : !firstRespondedAt
      const id = newId()
      let ticket = await ticketsRepo.insert(tx, {
        id,
        subject: body.subject.trim(),
        requesterId,
        priority,
        teamId,
        tags: normalizeTags(body.tags ?? []),
        channel,
        conversationId: via?.conversationId ?? null,
        createdBy: actor.key,
        createdAt,
        lastActivityAt: createdAt,
        firstRespondedAt,
        firstResponseMinutes: firstRespondedAt ? 0 : null,
        awaitingSince: waiting ? createdAt : null,
        ...sla.deadlines(schedule, s.sla[priority], { createdAt, firstRespondedAt, awaitingSince: null }),
      })
      const first = entry(ticket, 'reply', byAgentOwnMessage ? actor : { agent: false, userId: requesterId, key: '' }, {
        body: body.body,
        attachmentIds: body.attachmentIds ?? [],
        emailMessageId: via?.emailMessageId ?? null,
      })
      const entries = transcript
        ? transcript.map((m) => ({
            ...entry(ticket, 'reply', { agent: m.byAgent, userId: m.authorId, key: '' }, { body: m.body }),
            createdAt: m.at,
          }))
        : [first]
      if (body.attachmentIds?.length && !transcript)
        await deps.files.claim(tx, {
          uploaderId: actor.userId ?? requesterId,
          fileIds: body.attachmentIds,
          owner: { kind: ATTACHMENT_OWNER, id: first.id },
        })
      const assigneeId = await deps.assignment.pick(tx, teamId, s)
      const notices: SupportNotice[] = []
      if (assigneeId) {
        ticket = await ticketsRepo.update(tx, id, { assigneeId })
        entries.push(entry(ticket, 'assignment', null, { data: { from: null, to: assigneeId, auto: true } }))
        notices.push(await assignedNotice(ticket, assigneeId))
      }
      const written = await eventsRepo.insert(tx, entries)
      await deps.notify(tx, notices)
      return { ticket, written }
    })
    await announce(t, written)
    return detailOf(t, actor.agent)
  }

  async function detailOf(t: TicketRow, agent: boolean) {
    const rows = await eventsRepo.ofTicket(db, t.id, !agent)
    const ctx = await viewContext(
      [t],
      agent,
      rows.map((e) => e.authorId),
    )
    return { ticket: ticketView(t, ctx), events: rows.map((e) => eventView(e, ctx.people)) }
  }

  async function detail(principal: Principal, id: string) {
    const actor = actorOf(principal)
    return detailOf(visible(actor, await ticketsRepo.byId(db, id)), actor.agent)
  }

  async function list(principal: Principal, q: TicketQuery) {
    const actor = actorOf(principal)
    const limit = q.limit ?? 20
    const view = actor.agent ? (q.view ?? 'all') : 'all'
    const warnMinutes = (await settings.read()).slaWarnMinutes
    const rows = await ticketsRepo.list(db, {
      requesterId: actor.agent ? q.requesterId : actor.userId!,
      assigneeId: view === 'mine' ? (actor.userId ?? undefined) : view === 'unassigned' ? null : undefined,
      status: q.status === 'active' ? ACTIVE_STATUSES : q.status ? [q.status] : view === 'unassigned' ? ACTIVE_STATUSES : undefined,
      priority: q.priority,
      tag: actor.agent ? q.tag?.toLowerCase() : undefined,
      teamId: actor.agent ? q.teamId : undefined,
      slaAtRiskBy: view === 'sla_at_risk' ? new Date(now().getTime() + warnMinutes * 60_000) : undefined,
      before: decodeCursor(q.cursor),
      limit,
    })
    const ctx = await viewContext(rows.slice(0, limit), actor.agent)
    return pageOf(rows, limit, (t) => ticketView(t, ctx))
  }

  /**
   * Runs `change` on the ticket under its lock; `change` returns the row's new fields and the
   * timeline entries to add. Closed tickets take no change (a follow-up is a new ticket).
   */
  async function mutate(
    actor: Actor,
    id: string,
    change: (
      t: TicketRow,
      tx: Tx,
      s: SupportSettings,
    ) => Promise<{ patch: Partial<TicketRow>; entries: ReturnType<typeof entry>[]; notices?: SupportNotice[] }>,
  ) {
    // Read before the transaction: nothing inside it may use another connection (see announce).
    const s = await settings.read()
    const { updated, written } = await db.transaction(async (tx) => {
      const current = visible(actor, await ticketsRepo.lock(tx, id))
      if (current.status === 'closed')
        throw new AppError(
          'ticket_closed',
          current.mergedIntoId ? 'This ticket was merged into another' : 'This ticket is closed; open a new one',
        )
      const { patch, entries, notices = [] } = await change(current, tx, s)
      const updated = await ticketsRepo.update(tx, id, { ...patch, lastActivityAt: now() })
      const written = await eventsRepo.insert(tx, entries)
      await deps.notify(tx, notices)
      return { updated, written }
    })
    await announce(updated, written)
    return detailOf(updated, actor.agent)
  }

  /** The field changes of a status move, SLA included; `status` equal to the current one changes nothing. */
  async function statusChange(tx: Tx, t: TicketRow, to: TicketStatus, actor: Actor | null, s: SupportSettings) {
    if (to === t.status) return { patch: {}, entries: [], notices: [] as SupportNotice[] }
    const at = now()
    const schedule = await scheduleOf(tx, t.teamId)
    let patch: Partial<TicketRow> = { status: to }
    const notices: SupportNotice[] = []
    if (to === 'solved') {
      patch = { ...patch, ...sla.solved(schedule, t, at) }
      if (s.csat && !t.csatRequestedAt) {
        patch.csatRequestedAt = at
        notices.push({
          type: 'support.csat_request',
          to: t.requesterId,
          data: { ticketId: t.id, number: t.number, subject: t.subject },
          idempotencyKey: `support:csat:${t.id}`,
        })
      }
    }
    if (to === 'closed') patch = { ...patch, closedAt: at, ...(t.solvedAt ? {} : sla.solved(schedule, t, at)) }
    // Reopened: the resolution clock goes on from creation; solvedAt marks only the latest solve.
    if ((t.status === 'solved' || t.status === 'closed') && ACTIVE_STATUSES.includes(to)) patch = { ...patch, solvedAt: null }
    return { patch, entries: [entry(t, 'status', actor, { data: { from: t.status, to } })], notices }
  }

  /** The mail headers of an agent's reply: a new Message-ID in the ticket's thread, and the reply address when the team has one. */
  async function emailThread(tx: Tx, t: TicketRow, entryId: string): Promise<NonNullable<SupportNotice['email']>> {
    const earlier = await eventsRepo.emailIdsOf(tx, t.id)
    const team = await teamsRepo.byId(tx, t.teamId)
    const messageId = threadMessageId(t.id, entryId, deps.mail.domain).slice(1, -1)
    return {
      thread: { messageId, ...(earlier.length ? { inReplyTo: earlier.at(-1), references: earlier.slice(-20) } : {}) },
      ...(team?.email ? { replyTo: replyAddress(team.email, replyToken(deps.mail.secret, t.id)) } : {}),
    }
  }

  async function reply(principal: Principal, id: string, body: ReplyBody & { status?: TicketStatus }, via?: Via) {
    const actor = actorOf(principal)
    if (!actor.agent && body.status)
      throw new AppError('validation', 'Customers cannot set the status', { errors: [{ field: 'body.status', message: 'agents only' }] })
    return mutate(actor, id, async (t, tx, s) => {
      const at = now()
      const schedule = await scheduleOf(tx, t.teamId)
      const targets = s.sla
      const authorIsRequester = !actor.agent
      const note = entry(t, 'reply', actor, {
        body: body.body,
        attachmentIds: body.attachmentIds ?? [],
        emailMessageId: via?.emailMessageId ?? null,
      })
      if (body.attachmentIds?.length) {
        if (!actor.userId)
          throw new AppError('validation', 'API keys cannot attach uploads', {
            errors: [{ field: 'body.attachmentIds', message: 'users only' }],
          })
        await deps.files.claim(tx, {
          uploaderId: actor.userId,
          fileIds: body.attachmentIds,
          owner: { kind: ATTACHMENT_OWNER, id: note.id },
        })
      }
      let patch: Partial<TicketRow>
      const entries: ReturnType<typeof entry>[] = [note]
      const notices: SupportNotice[] = []
      if (authorIsRequester) {
        patch = sla.customerReplied(schedule, targets[t.priority], t, at)
        // A customer's reply reopens a solved ticket (and puts a pending one back in the agents' court).
        if (t.status === 'solved' || t.status === 'pending') {
          const reopen = await statusChange(tx, t, 'open', null, s)
          patch = { ...patch, ...reopen.patch }
          entries.push(...reopen.entries)
        }
      } else {
        patch = sla.agentReplied(schedule, t, at)
        // An agent answering an unassigned ticket takes it (as in Chatwoot).
        if (!t.assigneeId && actor.userId) {
          patch.assigneeId = actor.userId
          entries.push(entry(t, 'assignment', actor, { data: { from: null, to: actor.userId } }))
        }
        if (body.status) {
          const moved = await statusChange(tx, { ...t, ...patch }, body.status, actor, s)
          patch = { ...patch, ...moved.patch }
          entries.push(...moved.entries)
          notices.push(...moved.notices)
        }
        const email = await emailThread(tx, t, note.id)
        // Stored as the entry's Message-ID: the customer's answer (In-Reply-To) finds its way back.
        note.emailMessageId = email.thread.messageId
        notices.push({
          type: 'support.ticket_reply',
          to: t.requesterId,
          data: { ticketId: t.id, number: t.number, subject: t.subject, preview: preview(body.body) },
          idempotencyKey: `support:reply:${note.id}`,
          email,
        })
      }
      return { patch, entries, notices }
    })
  }

  async function note(principal: Principal, id: string, body: ReplyBody) {
    const actor = actorOf(principal)
    if (!actor.agent) throw new AppError('not_found', 'No such ticket')
    return mutate(actor, id, async (t, tx) => {
      const n = entry(t, 'note', actor, { body: body.body, attachmentIds: body.attachmentIds ?? [] })
      if (body.attachmentIds?.length) {
        if (!actor.userId)
          throw new AppError('validation', 'API keys cannot attach uploads', {
            errors: [{ field: 'body.attachmentIds', message: 'users only' }],
          })
        await deps.files.claim(tx, { uploaderId: actor.userId, fileIds: body.attachmentIds, owner: { kind: ATTACHMENT_OWNER, id: n.id } })
      }
      return { patch: {}, entries: [n] }
    })
  }

  /** The assignee must be an agent or admin: a customer (or a demoted agent) cannot hold tickets. */
  async function requireAgent(userId: string, field: string) {
    const role = (await accounts.sessionState(userId))?.user.role
    if (role !== 'agent' && role !== 'admin')
      throw new AppError('unprocessable', 'Tickets are assigned to agents only', { errors: [{ field, message: 'is not an agent' }] })
  }

  async function update(principal: Principal, id: string, body: UpdateTicketBody) {
    const actor = actorOf(principal)
    if (!actor.agent) throw new AppError('not_found', 'No such ticket')
    if (body.assigneeId) await requireAgent(body.assigneeId, 'body.assigneeId')
    if (body.teamId && !(await teamsRepo.byId(db, body.teamId)))
      throw new AppError('unprocessable', 'No such team', { errors: [{ field: 'body.teamId', message: 'no such team' }] })
    return mutate(actor, id, async (t, tx, s) => {
      let patch: Partial<TicketRow> = {}
      const entries: ReturnType<typeof entry>[] = []
      const notices: SupportNotice[] = []
      if (body.subject !== undefined && body.subject.trim() !== t.subject) patch.subject = body.subject.trim()
      if (body.tags) {
        const tags = normalizeTags(body.tags)
        const added = tags.filter((x) => !t.tags.includes(x))
        const removed = t.tags.filter((x) => !tags.includes(x))
        if (added.length || removed.length) {
          patch.tags = tags
          entries.push(entry(t, 'tags', actor, { data: { added, removed } }))
        }
      }
      if (body.assigneeId !== undefined && body.assigneeId !== t.assigneeId) {
        patch.assigneeId = body.assigneeId
        entries.push(entry(t, 'assignment', actor, { data: { from: t.assigneeId, to: body.assigneeId } }))
        if (body.assigneeId && body.assigneeId !== actor.userId)
          notices.push(await assignedNotice({ ...t, updatedAt: now() }, body.assigneeId))
      }
      const priority = body.priority ?? t.priority
      const teamId = body.teamId ?? t.teamId
      if (priority !== t.priority) entries.push(entry(t, 'priority', actor, { data: { from: t.priority, to: priority } }))
      if (teamId !== t.teamId) entries.push(entry(t, 'team', actor, { data: { from: t.teamId, to: teamId } }))
      if (priority !== t.priority || teamId !== t.teamId) {
        // New targets or new business hours: the deadlines are computed again from when each clock started.
        patch = { ...patch, priority, teamId, ...sla.deadlines(await scheduleOf(tx, teamId), s.sla[priority], t) }
      }
      if (body.status) {
        const moved = await statusChange(tx, { ...t, ...patch }, body.status, actor, s)
        patch = { ...patch, ...moved.patch }
        entries.push(...moved.entries)
        notices.push(...moved.notices)
      }
      return { patch, entries, notices }
    })
  }

  return { create, list, detail, reply, note, update, mutate, entry, statusChange, visible, actorOf, announce, detailOf, scheduleOf }
}

/** Tags are compared lower-case, each once, in the order given. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))]
}

export type Tickets = ReturnType<typeof createTickets>
export { actorOf }
