// Builds the support desk from its parts: tickets (tickets.ts) with merge and CSAT, teams and agents
// (agents.ts), round robin (assignment.ts), canned responses and macros (canned.ts), the SLA and
// auto-close job (sla-job.ts). Notifications go through one job enqueued in the change's transaction.
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database, Tx } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import type { Auth, Principal } from '../../core/http/auth'
import { AppError, defineProblemTypes } from '../../core/http/errors'
import type { Jobs } from '../../core/jobs/queue'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { Presence } from '../../core/realtime/presence'
import type { Realtime } from '../../core/realtime/server'
import type { Logger } from 'pino'
import type { Readable } from 'node:stream'
import type { SecretBox } from '../../core/secrets/crypto'
import type { AccountsService } from '../accounts'
import type { ChatService } from '../chat'
import type { NotificationsService } from '../notifications'
import { createAgents } from './agents'
import { supportAnalytics, type AnalyticsGroupBy } from './analytics'
import { createAssignment } from './assignment'
import { createCanned } from './canned'
import { createCsat } from './csat'
import { createEmailChannel } from './email/channel'
import { parseInboundMail } from './email/inbound-mail'
import {
  parseMultipartForm,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  sendgridFormToMail,
  sendgridPublicKey,
  verifySendgridSignature,
} from './email/sendgrid-inbound'
import { startInboundSmtp, type InboundSmtp } from './email/smtp-listener'
import { AGENTS_ROOM } from './events'
import { createMerge } from './merge'
import { personalDataRepo, teamsRepo, ticketsRepo } from './repo'
import { createSupportSettings, type SupportSettings } from './settings'
import { createSlaJob } from './sla-job'
import { ATTACHMENT_OWNER, createTickets, type SupportNotice } from './tickets'
import { peopleOf } from './views'
import { createWidget } from './widget'
import { createWidgetAuth } from './widget-auth'
import { createWidgetSites } from './widget-sites'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    ticket_closed: true
    ticket_not_solved: true
    tickets_not_mergeable: true
    csat_already_given: true
  }
}
defineProblemTypes({
  ticket_closed: { status: 409, title: 'The ticket is closed' },
  ticket_not_solved: { status: 409, title: 'The ticket is not solved yet' },
  tickets_not_mergeable: { status: 422, title: 'These tickets cannot be merged' },
  csat_already_given: { status: 409, title: 'The ticket was already rated' },
})

export const JOB_NOTIFY = 'support-notify'
export const JOB_SLA = 'support-sla'

export interface SupportDeps {
  database: Database
  bus: InvalidationBus
  jobs: Jobs
  events: EventBus
  audit: Audit
  accounts: AccountsService
  notifications: NotificationsService
  presence: Presence
  privacy: PrivacyRegistry
  logger: Logger
  files: {
    claim(tx: Tx, input: { uploaderId: string; fileIds: string[]; owner: { kind: string; id: string } }): Promise<void>
    registerOwnerAccess(kind: string, canRead: (userId: string, ownerId: string) => Promise<boolean>): void
    upload(uploaderId: string, input: { filename: string; stream: Readable }): Promise<{ id: string }>
  }
  /** Reply tokens' key and our Message-IDs' domain (the public URL's host). */
  mail: { secret: string; domain: string }
  /** Live chat conversations are chat conversations. */
  chat: Pick<ChatService, 'conversations' | 'messages'>
  /** Widget visitors' tokens are signed with it, and it checks their calls (useWidgetResolver). */
  auth: Auth
  /** Seals the sites' identity secrets. */
  secrets: SecretBox
  /** Where the widget is served from (the embed snippet). */
  publicUrl: string
  /** Where inbound support mail is received by SMTP; none: no listener. */
  smtp?: { port: number; host: string }
  now?: () => Date
}

export function createSupportService(deps: SupportDeps) {
  const { database, events, jobs, audit, accounts } = deps
  const db = database.db
  const settings = createSupportSettings({ db, bus: deps.bus, audit })
  const assignment = createAssignment({ presence: deps.presence, settings })
  const notify = async (tx: Tx, notices: SupportNotice[]) => {
    if (notices.length)
      await jobs.sendMany<SupportNotice>(
        JOB_NOTIFY,
        notices.map((data) => ({ data })),
        { tx },
      )
  }
  const tickets = createTickets({ db, events, accounts, settings, assignment, files: deps.files, notify, mail: deps.mail, now: deps.now })
  const agents = createAgents({ db, events, audit, accounts, assignment, tickets, notify, settings })
  const merge = createMerge({ db, tickets, now: deps.now })
  const csat = createCsat({ db, events, tickets })
  const canned = createCanned({ db, audit, accounts, tickets })
  const slaJob = createSlaJob({ db, events, settings, tickets, agents, notify, now: deps.now })
  const email = createEmailChannel({ db, accounts, tickets, files: deps.files, ...deps.mail, logger: deps.logger })
  const sites = createWidgetSites({ db, bus: deps.bus, secrets: deps.secrets, audit, publicUrl: deps.publicUrl })
  const widgetAuth = createWidgetAuth({
    auth: deps.auth,
    sites,
    userExists: async (userId) => !(await accounts.sessionState(userId))?.user.erasedAt,
  })
  deps.auth.useWidgetResolver(widgetAuth.resolve)
  const widget = createWidget({ db, events, accounts, chat: deps.chat, tickets, assignment, settings, widgetAuth })
  let smtp: InboundSmtp | undefined

  jobs.define<SupportNotice>({
    name: JOB_NOTIFY,
    retryLimit: 5,
    expireInSeconds: 120,
    // The notification's idempotency key makes a retried job send nothing twice.
    handler: async ({ type, to, data, idempotencyKey, email }) => {
      await deps.notifications.pipeline.accept('system', { type, to, data, idempotencyKey, ...(email ? { email } : {}) })
    },
  })
  jobs.define({
    name: JOB_SLA,
    retryLimit: 0,
    expireInSeconds: 5 * 60,
    handler: async () => {
      const outcome = await slaJob.run()
      if (outcome.flags || outcome.closed) deps.logger.info(outcome, 'support desk checked')
    },
  })
  jobs.schedule(JOB_SLA, '* * * * *')
  // Demoted agents lose their teams and tickets; the job is enqueued with the role change itself.
  jobs.define<{ event: { payload: { userId: string; to: string } } }>({
    name: 'support-role-changed',
    retryLimit: 5,
    handler: async ({ event }) => {
      if (event.payload.to === 'customer') await agents.demoted(event.payload.userId)
    },
  })
  events.subscribeDurable('user.role_changed', 'support-role-changed')

  // Files on a timeline entry: agents read them all; the requester reads those on public entries.
  deps.files.registerOwnerAccess(ATTACHMENT_OWNER, async (userId, eventId) => {
    const role = (await accounts.sessionState(userId))?.user.role
    if (role === 'agent' || role === 'admin') return true
    return personalDataRepo.requesterSeesEvent(db, userId, eventId)
  })

  deps.privacy.register({
    name: 'support',
    export: (userId) => personalDataRepo.exportOf(db, userId),
    erase: (tx, userId) => personalDataRepo.erase(tx, userId),
  })

  async function analytics(q: { from: string; to: string; groupBy?: AnalyticsGroupBy; timezone?: string }) {
    const from = new Date(q.from)
    const to = new Date(q.to)
    if (!(to > from))
      throw new AppError('validation', 'to must be after from', { errors: [{ field: 'querystring.to', message: 'must be after from' }] })
    if (to.getTime() - from.getTime() > 366 * 86_400_000)
      throw new AppError('validation', 'The range is at most 366 days', {
        errors: [{ field: 'querystring.to', message: 'at most 366 days after from' }],
      })
    const timezone = q.timezone ?? 'Asia/Tehran'
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone })
    } catch {
      throw new AppError('validation', 'Unknown time zone', {
        errors: [{ field: 'querystring.timezone', message: 'is not an IANA time zone' }],
      })
    }
    const result = await supportAnalytics(db, { from, to, groupBy: q.groupBy ?? 'day', timezone })
    // Agents are named here (the SQL knows ids only); 'unassigned' stays unlabelled.
    if (result.groupBy === 'agent') {
      const people = await peopleOf(
        accounts,
        result.groups.map((g) => (g.key === 'unassigned' ? null : g.key)),
      )
      for (const g of result.groups) g.label = people.get(g.key)?.name ?? g.label
    }
    return result
  }

  /** SendGrid Inbound Parse: the signature over the exact bytes first, then the mail. */
  async function inboundSendgrid(input: { headers: Record<string, string | undefined>; rawBody: Buffer }) {
    const key = (await settings.read()).sendgridInboundKey
    if (!key) throw new AppError('not_found', 'Inbound mail through SendGrid is not set up')
    const signed = verifySendgridSignature(
      key,
      input.rawBody,
      input.headers[SENDGRID_SIGNATURE_HEADER],
      input.headers[SENDGRID_TIMESTAMP_HEADER],
    )
    if (!signed) throw new AppError('webhook_signature_invalid', 'The SendGrid signature does not match')
    const form = await parseMultipartForm(input.rawBody, input.headers['content-type'] ?? '')
    const outcome = await email.receive(await sendgridFormToMail(form.fields, form.files, form.email))
    return { outcome: outcome.outcome }
  }

  async function writeSettings(actor: Principal, patch: Partial<SupportSettings>) {
    if (patch.sendgridInboundKey) {
      try {
        sendgridPublicKey(patch.sendgridInboundKey)
      } catch {
        throw new AppError('validation', 'Not an EC public key', {
          errors: [{ field: 'body.sendgridInboundKey', message: 'is not an EC public key (PEM or base64)' }],
        })
      }
    }
    return settings.write(actor, patch)
  }

  return {
    settings: { read: settings.read, write: writeSettings },
    email: { receive: email.receive, inboundSendgrid },
    tickets,
    merge: merge.merge,
    rate: csat.rate,
    agents,
    canned,
    analytics,
    slaJob,
    sites,
    widget,
    /** Does some widget site allow this origin? (CORS) */
    originAllowed: sites.originAllowed,
    /** Setup at start: the default team exists; the SMTP listener takes mail for the teams' addresses. */
    async start() {
      await agents.ensureDefaultTeam()
      if (deps.smtp)
        smtp = await startInboundSmtp({
          ...deps.smtp,
          logger: deps.logger,
          // Mail for a team's address, plain or plus-addressed (reply tokens); anything else is refused at RCPT.
          acceptsRecipient: async (address) => !!(await teamsRepo.byEmail(db, address.replace(/\+[^@]*@/, '@'))),
          onMail: async (raw, envelope) => {
            await email.receive(await parseInboundMail(raw, envelope))
          },
        })
    },
    /** The SMTP listener's port (0 in config picks a free one). */
    smtpPort: () => smtp?.port,
    async stop() {
      await smtp?.close()
    },
    byId: (id: string) => ticketsRepo.byId(db, id),
    /** Agents' and admins' sockets join the agents' room: they hear every ticket change. */
    useRealtime(realtime: Realtime) {
      realtime.onConnection(async (socket) => {
        if (socket.principal.role !== 'customer') socket.join(AGENTS_ROOM)
      })
    },
  }
}

export type SupportService = ReturnType<typeof createSupportService>
