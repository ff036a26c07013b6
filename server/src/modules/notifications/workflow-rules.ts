// A notification type's workflow: its steps (schemas.ts), the checks a saved workflow passes, and
// the rules a run applies at each step — whether its conditions hold, when a delay ends, which
// digest window it joins. Pure: the run engine (runs.ts) and the preview supply the facts.
import type { Static } from 'typebox'
import { AppError } from '../../core/http/errors'
import type { WorkflowStep as WorkflowStepSchema } from './schemas'
import type { NotifyChannel } from './tables'
import { validateTemplate, type TemplateContent } from './templates'

export type WorkflowStep = Static<typeof WorkflowStepSchema>
export type Condition = NonNullable<WorkflowStep['if']>[number]

/** What conditions ask about the recipient; read only when a condition needs it. */
export interface RunFacts {
  data: Record<string, unknown>
  /** The run's in-app items so far: has any been read, has any been listed to the user. */
  inApp: () => Promise<{ read: boolean; seen: boolean }>
  phoneVerified: () => Promise<boolean>
}

const IN_APP_CHECKS = new Set(['in_app_unread', 'in_app_unseen'])

/** Why a step was skipped, stable for clients (the detail is for people). */
export type SkipCode = 'in_app_read' | 'in_app_seen' | 'no_verified_phone' | 'data_condition'
export interface Skip {
  code: SkipCode
  detail: string
}

/** Refuses (422, naming the step and the rule's code) what the schema cannot see: channels the type lacks, a delay without its time. */
export function checkWorkflow(steps: WorkflowStep[], typeChannels: NotifyChannel[]): void {
  const errors: { field: string; message: string; code: string }[] = []
  let inAppBefore = false
  steps.forEach((step, i) => {
    const field = `steps[${i}]`
    if (step.kind === 'channel' && !typeChannels.includes(step.channel))
      errors.push({ field: `${field}.channel`, message: `the type does not use ${step.channel}`, code: 'channel_unused' })
    if (step.kind === 'channel')
      for (const [locale, content] of Object.entries(step.content ?? {}))
        errors.push(...templateErrors(step.channel, content, `${field}.content.${locale}`))
    if (step.kind === 'delay') {
      if ((step.seconds === undefined) === (step.until === undefined))
        errors.push({ field, message: 'a delay takes either seconds or until (a time in the data)', code: 'delay_time' })
      if (step.offsetSeconds !== undefined && step.until === undefined)
        errors.push({ field: `${field}.offsetSeconds`, message: 'offsetSeconds moves an until time', code: 'offset_without_until' })
    }
    for (const [j, condition] of (step.if ?? []).entries()) {
      if (IN_APP_CHECKS.has(condition.check) && !inAppBefore)
        errors.push({ field: `${field}.if[${j}]`, message: `${condition.check} needs an in_app step before it`, code: 'needs_in_app' })
      if (condition.check === 'data') {
        const { op, value } = condition
        if (!['exists', 'not_exists'].includes(op) && value === undefined)
          errors.push({ field: `${field}.if[${j}].value`, message: `${op} compares with a value`, code: 'value_missing' })
        const scalar = value === null || ['number', 'boolean'].includes(typeof value) || (typeof value === 'string' && value.length <= 500)
        if (value !== undefined && !scalar)
          errors.push({
            field: `${field}.if[${j}].value`,
            message: 'must be a string of up to 500 characters, a number, a boolean or null',
            code: 'value_invalid',
          })
      }
    }
    if (step.kind === 'channel' && step.channel === 'in_app') inAppBefore = true
  })
  if (steps.length && !steps.some((s) => s.kind === 'channel'))
    errors.push({ field: 'steps', message: 'a workflow sends on at least one channel', code: 'no_channel_step' })
  if (errors.length) throw new AppError('unprocessable', `The workflow is not valid: ${errors[0].field} ${errors[0].message}`, { errors })
}

/** A step's own message refused as a template would be (a field missing or unknown, a syntax error), under the step's field names. */
function templateErrors(channel: NotifyChannel, content: TemplateContent, field: string) {
  try {
    validateTemplate(channel, content)
    return []
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    return (e.extra.errors ?? []).map((x) => ({ field: x.field.replace(/^content/, field), message: x.message, code: 'template' }))
  }
}

/**
 * The message a channel step sends in, when it carries its own: the recipient's locale, else the
 * default's, else the one it has. Undefined: the type's template is used.
 */
export function stepMessage(
  step: WorkflowStep | undefined,
  locale: 'en' | 'fa',
  defaultLocale: 'en' | 'fa',
): { locale: 'en' | 'fa'; content: TemplateContent } | undefined {
  if (step?.kind !== 'channel' || !step.content) return undefined
  const content = step.content
  const chosen = [locale, defaultLocale, 'en' as const, 'fa' as const].find((l) => content[l])
  return chosen && { locale: chosen, content: content[chosen]! }
}

/** The value at a data path ("data.order.id"), or undefined. */
export function valueAt(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data
  for (const part of path.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

type Op = Extract<Condition, { check: 'data' }>['op']
/** Numbers (and numeric strings against numbers) compare as numbers, everything else as text. */
export function compare(actual: unknown, op: Op, expected: unknown): boolean {
  if (op === 'exists') return actual !== undefined && actual !== null
  if (op === 'not_exists') return actual === undefined || actual === null
  if (actual === undefined) return op === 'ne'
  const numeric = typeof expected === 'number' && actual !== null && actual !== '' && Number.isFinite(Number(actual))
  const a = numeric ? Number(actual) : typeof actual === 'string' ? actual : JSON.stringify(actual)
  const b = numeric ? (expected as number) : typeof expected === 'string' ? expected : JSON.stringify(expected)
  switch (op) {
    case 'eq':
      return a === b
    case 'ne':
      return a !== b
    case 'gt':
      return a > b
    case 'gte':
      return a >= b
    case 'lt':
      return a < b
    case 'lte':
      return a <= b
  }
}

/** The first condition that does not hold, or null when every one holds. */
export async function failedCondition(conditions: Condition[] | undefined, facts: RunFacts): Promise<Skip | null> {
  for (const c of conditions ?? []) {
    switch (c.check) {
      case 'in_app_unread':
        if ((await facts.inApp()).read) return { code: 'in_app_read', detail: 'the in-app item was read' }
        break
      case 'in_app_unseen':
        if ((await facts.inApp()).seen) return { code: 'in_app_seen', detail: 'the in-app item was seen' }
        break
      case 'phone_verified':
        if (!(await facts.phoneVerified())) return { code: 'no_verified_phone', detail: 'no verified phone number' }
        break
      case 'data':
        if (!compare(valueAt(facts.data, c.path), c.op, c.value))
          return {
            code: 'data_condition',
            detail: `${c.path} ${c.op}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`} does not hold`,
          }
    }
  }
  return null
}

/** When a delay step ends; an `until` that is missing or not a time is an error (a reminder at the wrong time is worse than none). */
export function delayEnd(
  step: Extract<WorkflowStep, { kind: 'delay' }>,
  data: Record<string, unknown>,
  now: Date,
): Date | { error: string } {
  if (step.seconds !== undefined) return new Date(now.getTime() + step.seconds * 1000)
  const raw = valueAt(data, step.until!)
  const at = typeof raw === 'string' || typeof raw === 'number' ? new Date(raw) : undefined
  if (!at || Number.isNaN(at.getTime()))
    return { error: `${step.until} is not a time: ${raw === undefined ? 'missing' : JSON.stringify(raw).slice(0, 100)}` }
  return new Date(at.getTime() + (step.offsetSeconds ?? 0) * 1000)
}

/** The value a digest or throttle groups by, as text ('' when the step has no key). */
export function groupKey(path: string | undefined, data: Record<string, unknown>): string {
  if (!path) return ''
  const value = valueAt(data, path)
  return (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).slice(0, 500)
}
