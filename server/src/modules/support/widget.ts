// The live chat widget's service: visitors (anonymous or identified by the host), their support
// conversations (chat conversations the site's team is in, one agent assigned by round robin), the
// offline form (a ticket), and the desk's side: the conversation list, escalation into a ticket
// keeping every message, closing.
import { randomUUID } from 'node:crypto'
import type { Db } from '../../core/db/client'
import { isUniqueViolation } from '../../core/db/errors'
import type { EventBus } from '../../core/events/bus'
import type { Principal, UserPrincipal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { AccountsService } from '../accounts'
import type { ChatService } from '../chat'
import type { Assignment } from './assignment'
import { customerByEmail } from './contacts'
import { AGENTS_ROOM } from './events'
import { agentsRepo, conversationsRepo, sitesRepo, teamsRepo, ticketsRepo, type SupportConversationRow } from './repo'
import type { SupportSettingsStore } from './settings'
import type { Tickets, TranscriptEntry } from './tickets'
import type { SiteCall, WidgetAuth } from './widget-auth'

const NAME_MAX = 100
/** Anonymous visitors are host users under this externalId prefix. */
const VISITOR_PREFIX = 'visitor:'
const SUBJECT_MAX = 200
/** The transcript an escalation copies, at most (a live chat longer than this is cut at its end). */
const TRANSCRIPT_MAX = 1000

export interface WidgetDeps {
  db: Db
  events: EventBus
  accounts: AccountsService
  chat: Pick<ChatService, 'conversations' | 'messages'>
  tickets: Tickets
  assignment: Assignment
  settings: SupportSettingsStore
  widgetAuth: WidgetAuth
}

export function createWidget(deps: WidgetDeps) {
  const { db, accounts, chat, tickets, widgetAuth } = deps

  async function teamOf(site: { teamId: string | null }): Promise<string> {
    if (site.teamId && (await teamsRepo.byId(db, site.teamId))) return site.teamId
    const team = await teamsRepo.byDefault(db)
    if (!team) throw new Error('the default support team is missing')
    return team.id
  }

  /** Agents of the team who could answer now (online, with a console open when autoOffline is on). */
  async function availableAgents(teamId: string): Promise<string[]> {
    const members = new Set((await teamsRepo.members(db, [teamId])).map((m) => m.userId))
    const online = (await agentsRepo.list(db)).filter((a) => a.status === 'online' && members.has(a.userId)).map((a) => a.userId)
    return [...(await deps.assignment.available(online))]
  }

  async function config(call: SiteCall) {
    const site = await widgetAuth.siteFor(call.site, call.origin)
    const online = (await availableAgents(await teamOf(site))).length > 0
    return { name: site.name, locale: site.locale, online, requireIdentity: site.requireIdentity }
  }

  /** Starts or resumes a visitor: the identified host user, the anonymous visitor of a still-good token, or a new one. */
  async function session(call: SiteCall, body: { visitorToken?: string; name?: string }) {
    const site = await widgetAuth.siteFor(call.site, call.origin)
    const externalId = widgetAuth.identityOf(site, call.identity)
    let user: { id: string; name: string | null }
    if (externalId) {
      user = (await accounts.hostUsers.upsert(externalId, {})).user
    } else {
      const known = body.visitorToken ? await widgetAuth.verifyVisitorToken(body.visitorToken) : null
      const resumed =
        known && known.claims.site === site.id && known.claims.x === undefined ? await accounts.contactsOf([known.subject]) : []
      // A new visitor without a name gets a short one, so agents never see an id in its place.
      const id = randomUUID()
      user = resumed[0]
        ? { id: resumed[0].id, name: resumed[0].name }
        : (
            await accounts.hostUsers.upsert(`${VISITOR_PREFIX}${id}`, {
              name: body.name?.trim().slice(0, NAME_MAX) || `Visitor ${id.slice(0, 4)}`,
            })
          ).user
    }
    return {
      visitorToken: await widgetAuth.visitorToken(site.id, user.id, externalId),
      visitor: { id: user.id, name: user.name, identified: !!externalId },
    }
  }

  function siteOf(principal: UserPrincipal): string {
    if (!principal.widgetSiteId) throw new AppError('forbidden', 'Only the live chat widget calls this')
    return principal.widgetSiteId
  }

  async function visitorView(row: SupportConversationRow, visitorId: string) {
    const c = await chat.conversations.view(row.conversationId, visitorId)
    return {
      id: row.conversationId,
      status: row.status,
      lastMessage: c.lastMessage,
      unreadCount: c.unreadCount,
      lastSeq: c.lastSeq,
      lastMessageAt: c.lastMessageAt,
      createdAt: row.createdAt.toISOString(),
    }
  }

  async function conversations(principal: UserPrincipal) {
    const rows = await conversationsRepo.ofVisitor(db, principal.userId, siteOf(principal), 50)
    return { items: await Promise.all(rows.map((r) => visitorView(r, principal.userId))) }
  }

  /**
   * A new conversation with its first message. The team's agents are its members (any of them can
   * answer); one available agent is assigned by round robin. Sending the same clientMessageId again
   * answers the conversation it started.
   */
  async function start(
    principal: UserPrincipal,
    body: { text: string; clientMessageId: string; name?: string; email?: string; attachmentIds?: string[] },
  ) {
    const siteId = siteOf(principal)
    if (!body.text.trim() && !body.attachmentIds?.length)
      throw new AppError('validation', 'A message needs text or an attachment', { errors: [{ field: 'body.text', message: 'is empty' }] })
    const again = async () => {
      const row = await conversationsRepo.byStartKey(db, principal.userId, body.clientMessageId)
      return row ? { conversation: await visitorView(row, principal.userId), created: false } : undefined
    }
    const earlier = await again()
    if (earlier) return earlier
    const site = await sitesRepo.byId(db, siteId)
    if (!site) throw new AppError('widget_site_unknown', 'The site was deleted')
    const teamId = await teamOf(site)
    const members = (await teamsRepo.members(db, [teamId])).map((m) => m.userId)
    const settings = await deps.settings.read()
    const assigneeId = await db.transaction((tx) => deps.assignment.pick(tx, teamId, settings))
    const visitorName = body.name?.trim().slice(0, NAME_MAX) || null
    // An anonymous visitor's pre-chat name becomes their name (the e-mail stays on the conversation:
    // an address the browser gives proves nothing and must not take one from its owner).
    const [contact] = await accounts.contactsOf([principal.userId])
    if (visitorName && contact?.externalId?.startsWith(VISITOR_PREFIX) && contact.name !== visitorName)
      await accounts.hostUsers.upsert(contact.externalId, { name: visitorName })
    const created = await chat.conversations.createSupport({
      customerId: principal.userId,
      agentIds: members.filter((id) => id !== principal.userId),
      name: `${site.name}: ${visitorName ?? contact?.name ?? 'Visitor'}`,
    })
    let row: SupportConversationRow
    try {
      row = await conversationsRepo.insert(db, {
        conversationId: created.id,
        siteId,
        visitorId: principal.userId,
        teamId,
        assigneeId,
        visitorName,
        visitorEmail: body.email?.toLowerCase() ?? null,
        startKey: body.clientMessageId,
      })
    } catch (e) {
      // The same start raced in twice: the other one's conversation is the answer.
      const raced = isUniqueViolation(e) ? await again() : undefined
      if (raced) return raced
      throw e
    }
    await chat.messages.send(principal.userId, created.id, {
      clientMessageId: body.clientMessageId,
      text: body.text,
      ...(body.attachmentIds?.length ? { attachmentIds: body.attachmentIds } : {}),
    })
    await announce(row)
    return { conversation: await visitorView(row, principal.userId), created: true }
  }

  /** The offline form: a ticket from the address given (identified visitors: from themselves). */
  async function offlineTicket(principal: UserPrincipal, body: { email: string; name?: string; subject?: string; text: string }) {
    const siteId = siteOf(principal)
    const site = await sitesRepo.byId(db, siteId)
    if (!site) throw new AppError('widget_site_unknown', 'The site was deleted')
    const identified = (await accounts.contactsOf([principal.userId]))[0]?.externalId?.startsWith(VISITOR_PREFIX) === false
    const requesterId = identified
      ? principal.userId
      : await customerByEmail(accounts, body.email.toLowerCase(), body.name?.trim(), 'body.email')
    const text = body.text.trim()
    const subject = (body.subject?.trim() || text.split('\n')[0]!).slice(0, SUBJECT_MAX)
    const created = await tickets.create(
      { kind: 'user', userId: requesterId, role: 'customer', sessionId: principal.sessionId },
      { subject, body: text },
      { channel: 'widget', teamId: await teamOf(site) },
    )
    return { ticketId: created.ticket.id, number: created.ticket.number }
  }

  // The desk's side.

  async function deskView(row: SupportConversationRow) {
    const site = await sitesRepo.byId(db, row.siteId)
    const [visitor] = await accounts.contactsOf([row.visitorId])
    const lastMessageAt = (await chat.conversations.view(row.conversationId, row.visitorId).catch(() => null))?.lastMessageAt
    return {
      id: row.conversationId,
      siteId: row.siteId,
      siteName: site?.name ?? null,
      visitor: {
        id: row.visitorId,
        name: row.visitorName ?? visitor?.name ?? null,
        email: row.visitorEmail ?? visitor?.email ?? null,
        identified: !!visitor?.externalId && !visitor.externalId.startsWith(VISITOR_PREFIX),
      },
      teamId: row.teamId,
      assigneeId: row.assigneeId,
      status: row.status,
      ticketId: row.ticketId,
      createdAt: row.createdAt.toISOString(),
      lastMessageAt: lastMessageAt ?? row.createdAt.toISOString(),
    }
  }

  async function announce(row: SupportConversationRow) {
    await deps.events.publish(deps.events.event('support.conversation', await deskView(row), { rooms: [AGENTS_ROOM] }))
  }

  async function list(q: { status?: 'open' | 'closed'; cursor?: string; limit?: number }) {
    const limit = q.limit ?? 50
    const before = decodeCursor(q.cursor)
    const rows = await conversationsRepo.list(db, { status: q.status, before, limit: limit + 1 })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      items: await Promise.all(page.map(deskView)),
      nextCursor:
        rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.conversationId}`).toString('base64url') : null,
    }
  }

  /** Closes the conversation (and records the ticket it became), under its row lock. */
  async function closeWith(id: string, ticketId?: string) {
    const row = await db.transaction(async (tx) => {
      const current = await conversationsRepo.lock(tx, id)
      if (!current) throw new AppError('not_found', 'No such support conversation')
      return conversationsRepo.update(tx, id, {
        status: 'closed',
        closedAt: current.closedAt ?? new Date(),
        ...(ticketId ? { ticketId } : {}),
      })
    })
    await announce(row)
    return deskView(row)
  }

  /**
   * A ticket of the visitor from the conversation: every message becomes a public entry with its
   * author and time. A conversation has one ticket at most (a unique index on the ticket's
   * conversation), so two agents escalating at once make one; a run that stopped between the
   * ticket and closing the conversation is finished by the next try.
   */
  async function escalate(principal: Principal, id: string, body: { subject?: string }) {
    const row = await conversationsRepo.byId(db, id)
    if (!row) throw new AppError('not_found', 'No such support conversation')
    const earlier = row.ticketId ? undefined : await ticketsRepo.byConversation(db, id)
    if (row.ticketId || earlier) {
      if (earlier) await closeWith(id, earlier.id)
      throw new AppError('conflict', `This conversation was already escalated into ticket ${row.ticketId ?? earlier!.id}`)
    }
    const transcript = await transcriptOf(row)
    if (!transcript.length) throw new AppError('unprocessable', 'The conversation has no messages to keep')
    const first = transcript.find((m) => !m.byAgent) ?? transcript[0]!
    const subject = (body.subject?.trim() || first.body.split('\n')[0]!).slice(0, SUBJECT_MAX) || 'Live chat'
    let created
    try {
      created = await tickets.create(
        principal,
        { subject, body: first.body, requester: row.visitorId },
        { channel: 'widget', conversationId: id, teamId: row.teamId, transcript },
      )
    } catch (e) {
      if (!isUniqueViolation(e, 'support_tickets_conversation')) throw e
      const raced = await ticketsRepo.byConversation(db, id)
      if (raced) await closeWith(id, raced.id)
      throw new AppError('conflict', `This conversation was already escalated into ticket ${raced?.id}`)
    }
    await closeWith(id, created.ticket.id)
    return created
  }

  async function transcriptOf(row: SupportConversationRow): Promise<TranscriptEntry[]> {
    const out: TranscriptEntry[] = []
    let after = 0
    for (;;) {
      const page = await chat.messages.list(row.visitorId, row.conversationId, { after, limit: 200 })
      for (const m of page.items) {
        if (m.kind !== 'text' || !m.senderId) continue
        const files = m.attachments.map((a) => a.name).join(', ')
        const body = [m.text ?? '', files ? `📎 ${files}` : ''].filter(Boolean).join('\n')
        if (body) out.push({ authorId: m.senderId, byAgent: m.senderId !== row.visitorId, body, at: new Date(m.createdAt) })
      }
      if (!page.hasMore || !page.items.length || out.length >= TRANSCRIPT_MAX) break
      after = page.items.at(-1)!.seq
    }
    return out.slice(0, TRANSCRIPT_MAX)
  }

  /** The agent becomes a member of the conversation (to answer it in the chat view); then its desk view. */
  async function join(principal: Principal, id: string) {
    const row = await conversationsRepo.byId(db, id)
    if (!row) throw new AppError('not_found', 'No such support conversation')
    if (principal.kind !== 'user') throw new AppError('forbidden', 'Only agents join a conversation')
    await chat.conversations.joinSupport(id, principal.userId)
    return deskView(row)
  }

  return {
    /** The site and origin of a call made before there is a visitor; throws the refusal. */
    checkSite: async (call: SiteCall) => {
      await widgetAuth.siteFor(call.site, call.origin)
    },
    config,
    session,
    conversations,
    start,
    offlineTicket,
    list,
    escalate,
    close: (id: string) => closeWith(id),
    join,
  }
}

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|')
  const date = new Date(at ?? '')
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id))
    throw new AppError('validation', 'The cursor is not valid', { errors: [{ field: 'querystring.cursor', message: 'is not valid' }] })
  return { at: date, id }
}

export type Widget = ReturnType<typeof createWidget>
