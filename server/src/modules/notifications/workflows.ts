// Each notification type's workflow, versioned like its templates: saved whole as version n+1, read
// from memory by the fan-out (dropped on every node when an admin saves), and previewed step by
// step with sample data before it goes live. Runs keep the version they started with (runs.ts).
import type { Static } from 'typebox'
import type { Audit } from '../../core/audit/service'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { isUniqueViolation } from '../../core/db/errors'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { DEFAULT_LOCALE, type Catalog } from './catalog'
import { workflowsRepo, type Locale, type WorkflowRow } from './repo'
import type { Workflow, WorkflowPreview, WorkflowPreviewBody } from './schemas'
import { checkWorkflow, delayEnd, failedCondition, stepMessage, type WorkflowStep } from './workflow-rules'

/** Workflow versions are immutable: kept by id, the oldest dropped past this many. */
const VERSIONS_KEPT = 500
/** How many of a digest's events the preview renders with. */
const PREVIEW_EVENTS_MAX = 20

export function createWorkflows(deps: { db: Db; bus: InvalidationBus; audit: Audit; catalog: Catalog }) {
  const { db, audit, catalog } = deps
  const current = createHotCache<WorkflowRow | null>({
    name: 'notifications.workflows',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1000,
    load: async (typeId) => (await workflowsRepo.current(db, typeId)) ?? null,
  })
  const versions = new Map<string, WorkflowRow>()

  /** The workflow new notifications of the type run, or undefined when it has none (all channels at once). */
  async function active(typeId: string): Promise<WorkflowRow | undefined> {
    const row = await current.get(typeId)
    return row && row.steps.length ? row : undefined
  }

  async function byId(id: string): Promise<WorkflowRow | undefined> {
    const kept = versions.get(id)
    if (kept) return kept
    const row = await workflowsRepo.byId(db, id)
    if (row) {
      if (versions.size >= VERSIONS_KEPT) versions.delete(versions.keys().next().value!)
      versions.set(id, row)
    }
    return row
  }

  function view(key: string, row: WorkflowRow | undefined): Static<typeof Workflow> {
    return {
      type: key,
      version: row?.version ?? 0,
      steps: row?.steps ?? [],
      createdBy: row?.createdBy ?? null,
      createdAt: row?.createdAt.toISOString() ?? null,
    }
  }

  async function get(key: string) {
    const type = await catalog.requireType(key)
    return view(key, await workflowsRepo.current(db, type.id))
  }

  async function history(key: string, limit = 20) {
    const type = await catalog.requireType(key)
    return (await workflowsRepo.versions(db, type.id, limit)).map((row) => view(key, row))
  }

  /** Validates and stores the steps as the next version; `[]` removes the workflow (a version of its own). */
  async function save(actor: Principal, key: string, steps: WorkflowStep[]) {
    const type = await catalog.requireType(key)
    checkWorkflow(steps, type.channels)
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await db.transaction(async (tx) => {
          const last = await workflowsRepo.current(tx, type.id)
          const row = await workflowsRepo.insert(tx, {
            id: newId(),
            typeId: type.id,
            version: (last?.version ?? 0) + 1,
            steps,
            createdBy: actor.kind === 'user' ? actor.userId : actor.keyId,
          })
          await audit.append(tx, {
            actor,
            action: 'notification_workflow.saved',
            targetType: 'notification_type',
            targetId: key,
            data: { version: row.version, steps: steps.map((s) => s.kind) },
          })
          return row
        })
        await current.invalidate(type.id)
        return view(key, saved)
      } catch (e) {
        // Two saves at once: the unique (type, version) index refuses one; take the next number.
        if (isUniqueViolation(e) && attempt < 3) continue
        throw e
      }
    }
  }

  /**
   * What the workflow would do for one recipient, step by step, with sample data and assumed facts
   * (read or not, a verified phone, how many notifications a digest collects): when each step
   * happens and what each channel step sends, rendered with the saved templates.
   */
  async function preview(key: string, input: Static<typeof WorkflowPreviewBody>): Promise<Static<typeof WorkflowPreview>> {
    const type = await catalog.requireType(key)
    const steps = input.steps ?? (await workflowsRepo.current(db, type.id))?.steps ?? []
    checkWorkflow(steps, type.channels)
    const data = input.data ?? {}
    const assume = input.assume ?? {}
    const facts = {
      data,
      inApp: async () => ({ read: assume.inAppRead ?? false, seen: assume.inAppSeen ?? false }),
      phoneVerified: async () => assume.phoneVerified ?? true,
    }
    const now = new Date()
    let at: number | null = 0
    let digest: { events: Record<string, unknown>[]; count: number } | undefined
    const out: Static<typeof WorkflowPreview>['steps'] = []
    for (const [index, step] of steps.entries()) {
      const failed = await failedCondition(step.if, facts)
      if (failed) {
        out.push({ index, kind: step.kind, outcome: 'skip', atSeconds: at, ...failed })
        continue
      }
      switch (step.kind) {
        case 'channel': {
          // The step's own message when it has one (checked above), else the type's saved template.
          const own = stepMessage(step, input.locale as Locale, DEFAULT_LOCALE)
          const rendered = await catalog
            .preview(key, {
              channel: step.channel,
              locale: own?.locale ?? (input.locale as Locale),
              content: own?.content,
              data,
              ...(digest ? { digest } : {}),
            })
            .then((r) => r.rendered)
            .catch((e: unknown) => (e instanceof AppError ? { error: e.message } : Promise.reject(e)))
          out.push({ index, kind: step.kind, outcome: 'send', atSeconds: at, detail: step.channel, rendered })
          break
        }
        case 'delay': {
          // A fixed delay counts from the step before it; an `until` time is absolute.
          const end = delayEnd(step, data, new Date(now.getTime() + (at ?? 0) * 1000))
          if (!(end instanceof Date)) {
            out.push({ index, kind: step.kind, outcome: 'stop', atSeconds: at, code: 'no_time', detail: end.error })
            return { steps: out }
          }
          const after = Math.round((end.getTime() - now.getTime()) / 1000)
          at = step.seconds !== undefined ? (at === null ? null : after) : Math.max(at ?? 0, after)
          const detail = at === null ? `${step.seconds} s after the step before` : `until ${end.toISOString()}`
          out.push({ index, kind: step.kind, outcome: 'wait', atSeconds: at, ...(at === null ? {} : { until: end.toISOString() }), detail })
          break
        }
        case 'digest': {
          const count = Math.min(assume.events ?? 1, step.maxEvents ?? Infinity)
          digest = { events: Array.from({ length: Math.min(count, PREVIEW_EVENTS_MAX) }, () => data), count }
          // A full window (maxEvents reached) closes at an unknown moment; otherwise at its end.
          at = step.maxEvents !== undefined && count >= step.maxEvents ? null : at === null ? null : at + step.windowSeconds
          out.push({
            index,
            kind: step.kind,
            outcome: 'digest',
            atSeconds: at,
            count,
            detail: `${count} collected over ${step.windowSeconds} s${step.key ? ` by ${step.key}` : ''}`,
          })
          break
        }
        case 'throttle':
          out.push({ index, kind: step.kind, outcome: 'pass', atSeconds: at, detail: `at most ${step.limit} per ${step.windowSeconds} s` })
      }
    }
    return { steps: out }
  }

  return { active, byId, get, history, save, preview }
}

export type Workflows = ReturnType<typeof createWorkflows>
