// Builds the support desk from its parts: tickets (tickets.ts) with merge and CSAT, teams and agents
// (agents.ts), round robin (assignment.ts), canned responses and macros (canned.ts), the SLA and
// auto-close job (sla-job.ts). Notifications go through one job enqueued in the change's transaction.
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database, Tx } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import type { Principal } from '../../core/http/auth'
import { AppError, defineProblemTypes } from '../../core/http/errors'
import type { Jobs } from '../../core/jobs/queue'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { Presence } from '../../core/realtime/presence'
import type { Realtime } from '../../core/realtime/server'
import type { Logger } from 'pino'
import type { AccountsService } from '../accounts'
import type { NotificationsService } from '../notifications'
import { createAgents } from './agents'
import { supportAnalytics, type AnalyticsGroupBy } from './analytics'
import { createAssignment } from './assignment'
import { createCanned } from './canned'
import { createCsat } from './csat'
import { AGENTS_ROOM } from './events'
import { createMerge } from './merge'
import { personalDataRepo, ticketsRepo } from './repo'
import { createSupportSettings, type SupportSettings } from './settings'
import { createSlaJob } from './sla-job'
import { ATTACHMENT_OWNER, createTickets, type SupportNotice } from './tickets'

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
  }
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
  const tickets = createTickets({ db, events, accounts, settings, assignment, files: deps.files, notify, now: deps.now })
  const agents = createAgents({ db, events, audit, accounts, assignment, tickets, notify, settings })
  const merge = createMerge({ db, tickets, now: deps.now })
  const csat = createCsat({ db, events, tickets })
  const canned = createCanned({ db, audit, accounts, tickets })
  const slaJob = createSlaJob({ db, events, settings, tickets, agents, notify, now: deps.now })

  jobs.define<SupportNotice>({
    name: JOB_NOTIFY,
    retryLimit: 5,
    expireInSeconds: 120,
    // The notification's idempotency key makes a retried job send nothing twice.
    handler: async ({ type, to, data, idempotencyKey }) => {
      await deps.notifications.pipeline.accept('system', { type, to, data, idempotencyKey })
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
    return supportAnalytics(db, { from, to, groupBy: q.groupBy ?? 'day', timezone })
  }

  return {
    settings: {
      read: settings.read,
      write: (actor: Principal, patch: Partial<SupportSettings>) => settings.write(actor, patch),
    },
    tickets,
    merge: merge.merge,
    rate: csat.rate,
    agents,
    canned,
    analytics,
    slaJob,
    /** Setup at start: the default team exists. */
    start: () => agents.ensureDefaultTeam(),
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
