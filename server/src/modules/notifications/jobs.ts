// The notifications module's jobs and durable event subscriptions: each handler calls the same
// service functions the HTTP routes call.
import type { DomainEvent, EventBus } from '../../core/events/bus'
import type { Jobs } from '../../core/jobs/queue'
import type { AccountsService } from '../accounts'
import { DELIVER_EXPIRE_SECONDS, JOB_DELIVER, JOB_FANOUT, type DeliverJob, type FanoutJob, type Pipeline } from './pipeline'
import { JOB_DIGEST, JOB_RUN, JOB_RUNS_WAKE, type DigestJob, type RunJob, type Runs } from './runs'
import type { StatusTracker } from './status'

export const JOB_STATUS_POLL = 'notify-status-poll'

export interface NotificationJobSettings {
  deliverConcurrency?: number
  /** Expiry of a fan-out chunk job (500 recipients: seconds of work); default 60. */
  fanoutExpireSeconds?: number
  /** Expiry of a delivery job; default derived from the providers' longest timeouts (pipeline.ts). */
  deliverExpireSeconds?: number
}

/** Fan-out chunks are seconds of database work: a minute means the worker died. */
const FANOUT_EXPIRE_SECONDS = 60
/** A workflow step or a digest hand-over is a few queries. */
const RUN_EXPIRE_SECONDS = 60
/** Turning an event into a notification is a few queries. */
const EVENT_EXPIRE_SECONDS = 60
/** The status poll asks each SMS provider once, each call bounded by its timeout. */
const STATUS_POLL_EXPIRE_SECONDS = 5 * 60

export function defineNotificationJobs(
  deps: { jobs: Jobs; events: EventBus; accounts: AccountsService; pipeline: Pipeline; status: StatusTracker; runs: Runs },
  settings: NotificationJobSettings,
) {
  const { jobs, events, accounts, pipeline, status, runs } = deps

  // A job running longer than its expiry is presumed dead (worker killed) and runs again; both are
  // safe to repeat: a fan-out chunk skips deliveries that exist and enqueues its next chunk once,
  // a delivery skips finished or in-doubt ones.
  jobs.define<FanoutJob>({
    name: JOB_FANOUT,
    retryLimit: 5,
    retryDelaySeconds: 5,
    expireInSeconds: settings.fanoutExpireSeconds ?? FANOUT_EXPIRE_SECONDS,
    handler: (job) => pipeline.fanout(job),
  })
  // A fetch takes two jobs: two bundles (DELIVERY_BUNDLE each), fifty deliveries at once per worker.
  jobs.define<DeliverJob>({
    name: JOB_DELIVER,
    retryLimit: 5,
    retryDelaySeconds: 5,
    batchSize: 2,
    concurrency: settings.deliverConcurrency ?? 2,
    expireInSeconds: settings.deliverExpireSeconds ?? DELIVER_EXPIRE_SECONDS,
    handler: (job) => pipeline.deliverJob(job),
  })
  // A workflow step is a few queries (a channel step plans its deliveries): a minute means the worker
  // died, and the step runs again; its move is conditional, so nothing of it happens twice.
  jobs.define<RunJob>({
    name: JOB_RUN,
    retryLimit: 5,
    retryDelaySeconds: 5,
    batchSize: 20,
    concurrency: 2,
    expireInSeconds: RUN_EXPIRE_SECONDS,
    handler: (job) => runs.advance(job),
  })
  jobs.define<DigestJob>({
    name: JOB_DIGEST,
    retryLimit: 5,
    retryDelaySeconds: 5,
    expireInSeconds: RUN_EXPIRE_SECONDS,
    handler: (job) => runs.closeDigest(job),
  })
  // Each wait has its own job; the sweep wakes what is a minute overdue (a lost job, a skewed clock).
  jobs.define({
    name: JOB_RUNS_WAKE,
    retryLimit: 0,
    expireInSeconds: RUN_EXPIRE_SECONDS,
    handler: async () => {
      await runs.wakeDue(60)
    },
  })
  jobs.schedule(JOB_RUNS_WAKE, '* * * * *')
  jobs.define({
    name: JOB_STATUS_POLL,
    retryLimit: 0,
    expireInSeconds: STATUS_POLL_EXPIRE_SECONDS,
    handler: async () => {
      await status.poll()
    },
  })
  jobs.schedule(JOB_STATUS_POLL, '* * * * *')

  // Caravan's own events become notifications; durable, so a crash after the commit loses none.
  jobs.define<{ event: DomainEvent<'user.registered'> }>({
    name: 'notify-user-registered',
    retryLimit: 5,
    expireInSeconds: EVENT_EXPIRE_SECONDS,
    handler: async ({ event }) => {
      await pipeline.accept('system', {
        type: 'account.welcome',
        to: event.payload.userId,
        idempotencyKey: `welcome:${event.payload.userId}`,
      })
    },
  })
  events.subscribeDurable('user.registered', 'notify-user-registered')
  jobs.define<{ event: DomainEvent<'user.role_changed'> }>({
    name: 'notify-role-changed',
    retryLimit: 5,
    expireInSeconds: EVENT_EXPIRE_SECONDS,
    handler: async ({ event }) => {
      const { userId, from, to } = event.payload
      await pipeline.accept('system', {
        type: 'account.role_changed',
        to: userId,
        data: { from, to },
        idempotencyKey: `role:${userId}:${event.at}`,
      })
    },
  })
  events.subscribeDurable('user.role_changed', 'notify-role-changed')
  // The link is minted here, when the e-mail is sent, so the job payload carries the user id only.
  jobs.define<{ event: DomainEvent<'user.verification_requested'> }>({
    name: 'notify-verify-email',
    retryLimit: 5,
    expireInSeconds: EVENT_EXPIRE_SECONDS,
    handler: async ({ event }) => {
      const verifyUrl = await accounts.emailVerificationLink(event.payload.userId)
      if (!verifyUrl) return // verified meanwhile, or gone
      await pipeline.accept('system', {
        type: 'account.verify_email',
        to: event.payload.userId,
        data: { verifyUrl },
        idempotencyKey: `verify-email:${event.payload.userId}:${event.at}`,
      })
    },
  })
  events.subscribeDurable('user.verification_requested', 'notify-verify-email')
  jobs.define<{ event: DomainEvent<'user.password_reset_requested'> }>({
    name: 'notify-password-reset',
    retryLimit: 5,
    expireInSeconds: EVENT_EXPIRE_SECONDS,
    handler: async ({ event }) => {
      const resetUrl = await accounts.passwordResetLink(event.payload.userId)
      if (!resetUrl) return // erased meanwhile, or no address any more
      await pipeline.accept('system', {
        type: 'account.password_reset',
        to: event.payload.userId,
        data: { resetUrl },
        idempotencyKey: `password-reset:${event.payload.userId}:${event.at}`,
      })
    },
  })
  events.subscribeDurable('user.password_reset_requested', 'notify-password-reset')
}
