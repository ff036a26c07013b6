// Workflow runs: one per recipient of a notification whose type has a workflow, taken step by step
// as jobs. A step's writes and the run's move to its next step commit together, and a move is a
// conditional update on (run, step, status), so a step repeated by a second worker (the first one
// was killed) or a duplicate job does nothing twice. Waiting is a row, not a timer: a delay or a
// digest window is stored with its time, woken by its own job and, should that be lost, by the
// sweep; restarts and killed workers lose nothing. Time comes from `clock`, so tests control it.
import type { Logger } from 'pino'
import type { Database, Executor } from '../../core/db/client'
import { derivedId, newId } from '../../core/db/ids'
import type { Jobs } from '../../core/jobs/queue'
import type { Principal } from '../../core/http/auth'
import { principalKey } from '../../core/http/auth'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { Static } from 'typebox'
import type { AccountsService } from '../accounts'
import type { Catalog } from './catalog'
import type { Pipeline } from './pipeline'
import { deliveriesRepo, digestsRepo, notificationsRepo, runsRepo, throttleRepo, type RunRow } from './repo'
import type { Run, RunQuery } from './schemas'
import type { RunLogEntry, RunStatus } from './tables'
import { delayEnd, failedCondition, groupKey, type WorkflowStep } from './workflow-rules'
import type { Workflows } from './workflows'

export const JOB_RUN = 'notify-run'
export const JOB_DIGEST = 'notify-digest'
export const JOB_RUNS_WAKE = 'notify-runs-wake'
export interface RunJob {
  runId: string
}
export interface DigestJob {
  digestId: string
}
/** A digest hands its templates at most this many events (`count` says how many there were). */
const EVENTS_KEPT = 1000
/** Waiting runs and windows woken per sweep. */
const WAKE_BATCH = 1000

/** Thrown inside a step's transaction when the run was moved by someone else: nothing of the step is kept. */
class Superseded extends Error {}

export function runView(r: RunRow, steps: WorkflowStep[] | undefined): Static<typeof Run> {
  const live = r.status === 'running' || r.status === 'waiting' || r.status === 'digesting'
  const next = live && steps && r.step < steps.length ? { index: r.step, kind: steps[r.step].kind } : null
  return {
    id: r.id,
    notificationId: r.notificationId,
    userId: r.userId,
    type: r.typeKey,
    status: r.status,
    nextStep: next,
    wakeAt: live ? (r.wakeAt?.toISOString() ?? null) : null,
    eventCount: r.eventCount,
    log: r.log,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

export function createRuns(deps: {
  database: Database
  jobs: Jobs
  catalog: Catalog
  workflows: Workflows
  accounts: AccountsService
  pipeline: Pipeline
  clock: () => Date
  logger: Logger
}) {
  const { database, jobs, catalog, workflows, accounts, pipeline, clock } = deps
  const db = database.db

  /** A log entry; `more` is its detail for people, or that with a code, a wait's end, a count. */
  const entry = (
    step: number | null,
    kind: RunLogEntry['kind'],
    outcome: RunLogEntry['outcome'],
    more: string | Pick<RunLogEntry, 'code' | 'until' | 'count' | 'detail'> = {},
  ): RunLogEntry => ({ step, kind, outcome, ...(typeof more === 'string' ? { detail: more } : more), at: clock().toISOString() })

  /** Runs `fn` in a transaction that is undone when it answers false (the run was moved by someone else). */
  async function inStep(fn: (tx: Executor) => Promise<boolean>): Promise<boolean> {
    try {
      return await db.transaction(async (tx) => {
        if (!(await fn(tx))) throw new Superseded()
        return true
      })
    } catch (e) {
      if (e instanceof Superseded) return false
      throw e
    }
  }

  /** Takes the run's steps until it waits, stops or ends. */
  async function advance(job: RunJob) {
    for (;;) {
      const run = await runsRepo.byId(db, job.runId)
      if (!run) return
      // Woken early (its job ran before this node's clock reached the time): the sweep comes back.
      if (run.status === 'waiting' && run.wakeAt && run.wakeAt > clock()) return
      if (run.status !== 'running' && run.status !== 'waiting') return
      if (!(await takeStep(run))) return
    }
  }

  /** One step; true when the run moved on and the next step may follow at once. */
  async function takeStep(run: RunRow): Promise<boolean> {
    const from = { step: run.step, statuses: [run.status] as RunStatus[] }
    const workflow = await workflows.byId(run.workflowId)
    const n = await pipeline.sentNotification(run.notificationId)
    const type = await catalog.cachedType(run.typeKey)
    const steps = workflow?.steps ?? []
    const i = run.step
    if (!workflow || !n || !type || i >= steps.length) {
      const ended = Boolean(workflow && n && type)
      await runsRepo.move(
        db,
        run.id,
        from,
        { status: ended ? 'completed' : 'failed', wakeAt: null },
        entry(null, 'run', ended ? 'done' : 'failed', ended ? 'the workflow ended' : 'the type, workflow or notification no longer exists'),
      )
      return false
    }
    const step = steps[i]
    /** The run after this step: the next one, or done. */
    const onward = { step: i + 1, status: (i + 1 >= steps.length ? 'completed' : 'running') as RunStatus, wakeAt: null }
    const failed = await failedCondition(step.if, {
      data: n.data,
      inApp: () => runsRepo.inAppState(db, run.notificationId, run.userId),
      phoneVerified: async () => (await accounts.contactsOf([run.userId]))[0]?.phoneVerified ?? false,
    })
    if (failed) return Boolean(await runsRepo.move(db, run.id, from, onward, entry(i, step.kind, 'skipped', failed)))

    switch (step.kind) {
      case 'channel': {
        const unused = !type.channels.includes(step.channel)
          ? { code: 'channel_unused', detail: `the type no longer uses ${step.channel}` }
          : n.channels && !n.channels.includes(step.channel)
            ? { code: 'channel_not_asked', detail: `the trigger asked for ${n.channels.join(', ')} only` }
            : null
        if (unused) return Boolean(await runsRepo.move(db, run.id, from, onward, entry(i, step.kind, 'skipped', unused)))
        const { rows, wakeAt } = await pipeline.deliveriesFor(n, type, [run.userId], { channel: step.channel, index: i, runId: run.id })
        const outcome = rows.length
          ? rows.map((r) => (r.status === 'suppressed' ? `suppressed: ${r.reason}` : r.status)).join(', ')
          : 'no recipient'
        return inStep(async (tx) => {
          if (!(await runsRepo.move(tx, run.id, from, onward, entry(i, step.kind, 'done', `${step.channel}: ${outcome}`)))) return false
          await pipeline.enqueueDeliveries(tx, rows, wakeAt)
          return true
        })
      }
      case 'delay': {
        const now = clock()
        const end = delayEnd(step, n.data, now)
        if (!(end instanceof Date)) {
          await runsRepo.move(
            db,
            run.id,
            from,
            { status: 'failed', wakeAt: null },
            entry(i, step.kind, 'failed', { code: 'no_time', detail: end.error }),
          )
          return false
        }
        if (end <= now) return Boolean(await runsRepo.move(db, run.id, from, onward, entry(i, step.kind, 'done', 'the time had passed')))
        await inStep(async (tx) => {
          const moved = await runsRepo.move(
            tx,
            run.id,
            from,
            { step: i + 1, status: 'waiting', wakeAt: end },
            entry(i, step.kind, 'waiting', { until: end.toISOString(), detail: `until ${end.toISOString()}` }),
          )
          if (!moved) return false
          await jobs.send(JOB_RUN, { runId: run.id } satisfies RunJob, {
            tx,
            startAfter: end,
            id: derivedId(JOB_RUN, `${run.id}:${i + 1}`),
          })
          return true
        })
        return false
      }
      case 'digest': {
        const key = groupKey(step.key, n.data)
        await inStep(async (tx) => {
          const { digest, opened } = await digestsRepo.join(tx, {
            id: newId(),
            workflowId: workflow.id,
            step: i,
            userId: run.userId,
            key,
            closesAt: new Date(clock().getTime() + step.windowSeconds * 1000),
          })
          const moved = await runsRepo.move(
            tx,
            run.id,
            from,
            { step: i + 1, status: 'digesting', digestId: digest.id, wakeAt: digest.closesAt },
            entry(i, step.kind, 'digested', {
              count: digest.count,
              until: digest.closesAt.toISOString(),
              detail: `${digest.count} in the window until ${digest.closesAt.toISOString()}`,
            }),
          )
          if (!moved) return false
          if (opened)
            await jobs.send(JOB_DIGEST, { digestId: digest.id } satisfies DigestJob, {
              tx,
              startAfter: digest.closesAt,
              id: derivedId(JOB_DIGEST, digest.id),
            })
          if (step.maxEvents !== undefined && digest.count >= step.maxEvents)
            await jobs.send(JOB_DIGEST, { digestId: digest.id } satisfies DigestJob, {
              tx,
              id: derivedId(JOB_DIGEST, `${digest.id}:full`),
            })
          return true
        })
        return false
      }
      case 'throttle': {
        const scope = `${type.key}:${i}:${run.userId}:${groupKey(step.key, n.data)}`
        let passed = false
        const moved = await inStep(async (tx) => {
          passed = await throttleRepo.pass(tx, scope, run.id, clock(), step.windowSeconds, step.limit)
          return Boolean(
            passed
              ? await runsRepo.move(tx, run.id, from, onward, entry(i, step.kind, 'done'))
              : await runsRepo.move(
                  tx,
                  run.id,
                  from,
                  { status: 'throttled', wakeAt: null },
                  entry(i, step.kind, 'throttled', `more than ${step.limit} in ${step.windowSeconds} s`),
                ),
          )
        })
        return moved && passed
      }
    }
  }

  /**
   * Closes a digest window that is due (its time came, or it holds maxEvents): the oldest run in it
   * goes on with every collected notification's data, the others end as merged into it. Closing,
   * the hand-over and the next job commit together; a window closed already is left alone.
   */
  async function closeDigest(job: DigestJob) {
    const digest = await digestsRepo.byId(db, job.digestId)
    if (!digest || digest.status !== 'open') return
    const workflow = await workflows.byId(digest.workflowId)
    const step = workflow?.steps[digest.step]
    const full = step?.kind === 'digest' && step.maxEvents !== undefined && digest.count >= step.maxEvents
    if (!full && digest.closesAt > clock()) return
    const steps = workflow?.steps ?? []
    await inStep(async (tx) => {
      if (!(await digestsRepo.close(tx, digest.id))) return false
      const runs = await runsRepo.inDigest(tx, digest.id)
      if (!runs.length) return true // every run in it was cancelled
      const [first, ...rest] = runs
      const moved = await runsRepo.move(
        tx,
        first.id,
        { step: first.step, statuses: ['digesting'] },
        {
          status: first.step >= steps.length ? 'completed' : 'running',
          wakeAt: null,
          events: runs.slice(0, EVENTS_KEPT).map((r) => r.data),
          eventCount: runs.length,
        },
        entry(digest.step, 'digest', 'done', { count: runs.length, detail: `${runs.length} collected` }),
      )
      if (!moved) return false
      await runsRepo.merge(
        tx,
        rest.map((r) => r.id),
        entry(digest.step, 'digest', 'merged', `went on in run ${first.id}`),
      )
      await jobs.send(JOB_RUN, { runId: first.id } satisfies RunJob, { tx, id: derivedId(JOB_RUN, `${first.id}:${first.step}`) })
      return true
    })
  }

  /**
   * Wakes what is due by `graceSeconds` or more: each wait has its own job, so this catches only
   * a job lost or run early (another node's clock), and, in tests, the controlled clock's moves.
   */
  async function wakeDue(graceSeconds = 0) {
    const now = clock()
    const due = new Date(now.getTime() - graceSeconds * 1000)
    const stamp = now.getTime()
    const runs = await runsRepo.due(db, due, WAKE_BATCH)
    await jobs.sendMany(
      JOB_RUN,
      runs.map((r) => ({ data: { runId: r.id } satisfies RunJob, id: derivedId(JOB_RUN, `${r.id}:${r.step}:${stamp}`) })),
    )
    const digests = await digestsRepo.due(db, due, WAKE_BATCH)
    await jobs.sendMany(
      JOB_DIGEST,
      digests.map((id) => ({ data: { digestId: id } satisfies DigestJob, id: derivedId(JOB_DIGEST, `${id}:${stamp}`) })),
    )
    return { runs: runs.length, digests: digests.length }
  }

  /**
   * Calls off what a trigger started and has not done yet: its waiting and running workflow runs,
   * the notification itself while it waits for its sendAt, and deliveries waiting for quiet hours.
   * By cancelKey (anyone with the right to send), or by the caller's own idempotencyKey.
   */
  async function cancel(principal: Principal, by: { cancelKey?: string; idempotencyKey?: string }) {
    const ids = await notificationsRepo.idsToCancel(
      db,
      by.cancelKey !== undefined ? { cancelKey: by.cancelKey } : { idempotencyKey: `${principalKey(principal)}|${by.idempotencyKey}` },
    )
    return db.transaction(async (tx) => ({
      runs: await runsRepo.cancel(
        tx,
        ids,
        entry(null, 'run', 'cancelled', `by ${by.cancelKey !== undefined ? 'cancelKey' : 'idempotencyKey'}`),
      ),
      notifications: await notificationsRepo.cancelAccepted(tx, ids),
      deliveries: await deliveriesRepo.cancelPending(tx, ids),
    }))
  }

  async function list(q: Static<typeof RunQuery>) {
    const limit = q.limit ?? 20
    const rows = await runsRepo.list(db, { beforeId: decodeCursor(q.cursor), status: q.status, userId: q.userId, type: q.type }, limit + 1)
    const page = pageOf(rows, limit, (r) => r)
    return { ...page, items: await views(page.items) }
  }

  async function views(rows: RunRow[]) {
    const out: Static<typeof Run>[] = []
    for (const r of rows) out.push(runView(r, (await workflows.byId(r.workflowId))?.steps))
    return out
  }

  const ofNotification = async (notificationId: string, limit: number) => views(await runsRepo.list(db, { notificationId }, limit))

  return { advance, closeDigest, wakeDue, cancel, list, ofNotification }
}

export type Runs = ReturnType<typeof createRuns>
