// Tickets by email. An inbound mail (SMTP listener or SendGrid Inbound Parse) is ignored when a
// machine sent it (auto-replies, bounces, our own mail coming back) or when it was stored before
// (its Message-ID); it is a reply to a ticket when it carries that ticket's reply token, or answers
// one of the ticket's mails (In-Reply-To / References), and comes from the ticket's requester;
// anything else opens a ticket for the team whose address it was sent to. Attachments become
// uploads of the sender, scanned like any other.
import { Readable } from 'node:stream'
import type { Logger } from 'pino'
import type { Db } from '../../../core/db/client'
import type { UserPrincipal } from '../../../core/http/auth'
import { AppError } from '../../../core/http/errors'
import type { AccountsService } from '../../accounts'
import { customerByEmail } from '../contacts'
import { eventsRepo, teamsRepo, ticketsRepo, type TicketRow } from '../repo'
import type { Tickets } from '../tickets'
import type { InboundMail } from './inbound-mail'
import { stripQuotedReply } from './inbound-mail'
import { automatedReason } from './loops'
import { ticketIdFromMessageIds, tokenFromAddresses } from './reply-token'

const BODY_MAX = 20_000
const SUBJECT_MAX = 200
const ATTACHMENTS_MAX = 10

export type InboundOutcome =
  { outcome: 'ignored'; reason: string } | { outcome: 'duplicate'; ticketId: string } | { outcome: 'replied' | 'created'; ticketId: string }

export function createEmailChannel(deps: {
  db: Db
  accounts: AccountsService
  tickets: Tickets
  files: { upload(uploaderId: string, input: { filename: string; stream: Readable }): Promise<{ id: string }> }
  /** Signs and checks reply tokens. */
  secret: string
  /** The domain of our Message-IDs (the public URL's host). */
  domain: string
  logger: Logger
}) {
  const { db, accounts, tickets } = deps

  const senderOf = (mail: InboundMail) => customerByEmail(accounts, mail.from.address, mail.from.name || undefined, 'from')

  /** The mail's files as the sender's uploads; one the files module refuses (type, size) is left out and logged. */
  async function uploads(userId: string, mail: InboundMail): Promise<string[]> {
    const ids: string[] = []
    for (const a of mail.attachments.slice(0, ATTACHMENTS_MAX)) {
      try {
        ids.push((await deps.files.upload(userId, { filename: a.filename || 'attachment', stream: Readable.from([a.content]) })).id)
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message, filename: a.filename }, 'inbound mail attachment refused')
      }
    }
    return ids
  }

  /** The ticket this mail answers, if it is the requester's answer to one of its mails. */
  async function answered(mail: InboundMail, senderId: string): Promise<TicketRow | undefined> {
    const threadIds = [mail.inReplyTo, ...[...mail.references].reverse()].filter((x): x is string => !!x)
    const byToken = tokenFromAddresses(deps.secret, mail.to)
    const byOurId = ticketIdFromMessageIds(threadIds, deps.domain)
    const byStored = byToken || byOurId ? undefined : (await eventsRepo.byEmailMessageIds(db, threadIds))?.ticketId
    const ticketId = byToken ?? byOurId ?? byStored
    const ticket = ticketId ? await ticketsRepo.byId(db, ticketId) : undefined
    // Headers can be copied by anyone who saw one mail of the thread: only the requester's mail counts as a reply.
    return ticket && ticket.requesterId === senderId ? ticket : undefined
  }

  /** The team the mail was sent to (plus-addressed or not), else the default team. */
  async function teamOf(mail: InboundMail): Promise<string | undefined> {
    for (const address of mail.to) {
      const team = await teamsRepo.byEmail(db, address.replace(/\+[^@]*@/, '@'))
      if (team) return team.id
    }
    return undefined
  }

  async function receive(mail: InboundMail): Promise<InboundOutcome> {
    const automated = automatedReason(mail, [deps.domain])
    if (automated) return { outcome: 'ignored', reason: automated }
    if (mail.messageId) {
      const stored = await eventsRepo.byEmailMessageIds(db, [mail.messageId])
      if (stored) return { outcome: 'duplicate', ticketId: stored.ticketId }
    }
    const senderId = await senderOf(mail)
    // The sender acts as the customer they are, as if they had written in the web app.
    const principal: UserPrincipal = { kind: 'user', userId: senderId, role: 'customer', sessionId: 'email' }
    const attachmentIds = await uploads(senderId, mail)
    const via = { channel: 'email' as const, emailMessageId: mail.messageId ?? undefined }
    const ticket = await answered(mail, senderId)
    if (ticket && ticket.status !== 'closed') {
      const body = (stripQuotedReply(mail.text) || mail.text).slice(0, BODY_MAX) || '…'
      try {
        await tickets.reply(principal, ticket.id, { body, ...(attachmentIds.length ? { attachmentIds } : {}) }, via)
        return { outcome: 'replied', ticketId: ticket.id }
      } catch (e) {
        // Closed meanwhile: the answer opens a follow-up instead.
        if (!(e instanceof AppError && e.type === 'ticket_closed')) throw e
      }
    }
    const teamId = await teamOf(mail)
    const created = await tickets.create(
      principal,
      {
        subject: (mail.subject.trim() || mail.text.trim().split('\n')[0] || '(no subject)').slice(0, SUBJECT_MAX),
        body: mail.text.trim().slice(0, BODY_MAX) || '…',
        ...(attachmentIds.length ? { attachmentIds } : {}),
      },
      { ...via, teamId },
    )
    return { outcome: 'created', ticketId: created.ticket.id }
  }

  /** Receives and never throws for a mail we will not take (the listener and the webhook must not make the sender retry those). */
  async function receiveSafely(mail: InboundMail): Promise<InboundOutcome> {
    try {
      return await receive(mail)
    } catch (e) {
      if (e instanceof AppError && e.status < 500) {
        deps.logger.warn({ reason: e.message, from: mail.from.address }, 'inbound mail refused')
        return { outcome: 'ignored', reason: e.message }
      }
      // A unique violation on the Message-ID: the same mail, delivered twice at once.
      const again = mail.messageId ? await eventsRepo.byEmailMessageIds(db, [mail.messageId]) : undefined
      if (again) return { outcome: 'duplicate', ticketId: again.ticketId }
      throw e
    }
  }

  return { receive: receiveSafely }
}

export type EmailChannel = ReturnType<typeof createEmailChannel>
