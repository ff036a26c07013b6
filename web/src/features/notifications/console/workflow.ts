// What the workflow editor knows about a type's steps: a step as the form holds it (every setting
// as a field, durations as an amount and a unit), to and from the API's steps, the server's limits,
// the server's refusals in the form's names and words, and durations in words.
import type { CaravanError, Locale, NotificationChannel, TemplateContent, WorkflowCondition, WorkflowStep } from '@caravan/sdk'
import type { MessageKey, Translate } from '../../../i18n'
import { fieldErrorMessage } from '../../../ui'
import { contentOf, draftOf, isBlankFor, templateErrorMessage, type Draft } from './templates'

export type StepKind = WorkflowStep['kind']
export type Check = WorkflowCondition['check']
export type Op = Extract<WorkflowCondition, { check: 'data' }>['op']
export type Unit = 'seconds' | 'minutes' | 'hours' | 'days'

export const STEP_KINDS: readonly StepKind[] = ['channel', 'delay', 'digest', 'throttle']
export const CHECKS: readonly Check[] = ['in_app_unread', 'in_app_unseen', 'phone_verified', 'data']
export const OPS: readonly Op[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists']
export const UNITS: readonly Unit[] = ['seconds', 'minutes', 'hours', 'days']
/** The languages a step's own message is written in, in the order the server falls back (en first). */
export const MESSAGE_LOCALES: readonly Locale[] = ['en', 'fa']
const UNIT_SECONDS: Record<Unit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 }
const DAY = 86_400

/** The server's limits (schemas.ts): at most 20 steps of 10 conditions. */
export const MAX_STEPS = 20
export const MAX_CONDITIONS = 10
export const LIMITS = {
  delay: { min: 1, max: 366 * DAY },
  offset: { min: 0, max: 366 * DAY },
  digestWindow: { min: 1, max: 7 * DAY },
  throttleWindow: { min: 1, max: 30 * DAY },
  maxEvents: { min: 2, max: 1000 },
  limit: { min: 1, max: 10_000 },
} as const
export const DATA_PATH = /^data(\.[A-Za-z0-9_]{1,64}){1,5}$/
/** Whole numbers in the number fields, without grouping (a count, not an amount). */
export const INTEGER = { useGrouping: false, maximumFractionDigits: 0 }

export interface ConditionDraft {
  check: Check
  path: string
  op: Op
  /** As typed: sent as a number when it reads as one, else as text. */
  value: string
}

/** One step as the form holds it: the settings of every kind, those of its own kind used. */
export interface StepDraft {
  kind: StepKind
  channel: NotificationChannel | ''
  delayMode: 'fixed' | 'until'
  delayAmount: number | null
  delayUnit: Unit
  untilPath: string
  offsetAmount: number | null
  offsetUnit: Unit
  offsetDirection: 'before' | 'after'
  /** A digest's or a throttle's key. */
  groupKey: string
  windowAmount: number | null
  windowUnit: Unit
  maxEvents: number | null
  limit: number | null
  /** A channel step's own message instead of the type's template, per language (fields as text). */
  ownMessage: boolean
  message: Record<Locale, Draft>
  conditions: ConditionDraft[]
}

export interface WorkflowValues {
  steps: StepDraft[]
}

export const secondsOf = (amount: number, unit: Unit) => amount * UNIT_SECONDS[unit]

/** A number of seconds in the largest unit that holds it whole: 900 → 15 minutes. */
export function amountOf(seconds: number): { amount: number; unit: Unit } {
  const unit = [...UNITS].reverse().find((u) => seconds % UNIT_SECONDS[u] === 0) ?? 'seconds'
  return { amount: seconds / UNIT_SECONDS[unit], unit }
}

export function newStep(kind: StepKind, channel: NotificationChannel | '' = ''): StepDraft {
  return {
    kind,
    channel,
    delayMode: 'fixed',
    delayAmount: kind === 'delay' ? 15 : null,
    delayUnit: 'minutes',
    untilPath: '',
    offsetAmount: null,
    offsetUnit: 'hours',
    offsetDirection: 'before',
    groupKey: '',
    windowAmount: kind === 'digest' || kind === 'throttle' ? 1 : null,
    windowUnit: 'hours',
    maxEvents: null,
    limit: kind === 'throttle' ? 1 : null,
    ownMessage: false,
    message: { en: {}, fa: {} },
    conditions: [],
  }
}

export const newCondition = (): ConditionDraft => ({ check: 'in_app_unread', path: '', op: 'eq', value: '' })

function conditionDraft(c: WorkflowCondition): ConditionDraft {
  if (c.check !== 'data') return { ...newCondition(), check: c.check }
  const { value } = c
  return {
    check: 'data',
    path: c.path,
    op: c.op,
    value: value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value),
  }
}

export function stepDraft(step: WorkflowStep): StepDraft {
  const draft: StepDraft = { ...newStep(step.kind), conditions: (step.if ?? []).map(conditionDraft) }
  switch (step.kind) {
    case 'channel':
      return {
        ...draft,
        channel: step.channel,
        ownMessage: Boolean(step.content),
        message: { en: draftOf(step.channel, step.content?.en), fa: draftOf(step.channel, step.content?.fa) },
      }
    case 'delay': {
      if (step.until === undefined) {
        const { amount, unit } = amountOf(step.seconds ?? 0)
        return { ...draft, delayAmount: amount, delayUnit: unit }
      }
      const offset = step.offsetSeconds ?? 0
      const { amount, unit } = amountOf(Math.abs(offset))
      return {
        ...draft,
        delayMode: 'until',
        delayAmount: null,
        untilPath: step.until,
        offsetAmount: offset ? amount : null,
        offsetUnit: offset ? unit : 'hours',
        offsetDirection: offset > 0 ? 'after' : 'before',
      }
    }
    case 'digest': {
      const { amount, unit } = amountOf(step.windowSeconds)
      return { ...draft, groupKey: step.key ?? '', windowAmount: amount, windowUnit: unit, maxEvents: step.maxEvents ?? null }
    }
    case 'throttle': {
      const { amount, unit } = amountOf(step.windowSeconds)
      return { ...draft, groupKey: step.key ?? '', windowAmount: amount, windowUnit: unit, limit: step.limit }
    }
  }
}

/** Persian and Arabic-Indic digits as Latin ones, so "۵" compares as the number 5. */
const latinDigits = (text: string) =>
  text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))

/** A typed value: a number when it reads as one, else the text as it is. */
export function valueOf(typed: string): string | number {
  const latin = latinDigits(typed.trim())
  return /^-?\d+(\.\d+)?$/.test(latin) ? Number(latin) : typed
}

const takesValue = (op: Op) => op !== 'exists' && op !== 'not_exists'

function condition(c: ConditionDraft): WorkflowCondition {
  if (c.check !== 'data') return { check: c.check }
  return { check: 'data', path: c.path.trim(), op: c.op, ...(takesValue(c.op) ? { value: valueOf(c.value) } : {}) }
}

const whole = (n: number | null): n is number => typeof n === 'number' && Number.isInteger(n)

/** A channel step's own message as the API takes it (languages left blank out); null while none is written or its JSON is not valid. */
function messageOf(d: StepDraft & { channel: NotificationChannel }): Partial<Record<Locale, TemplateContent>> | null {
  const content: Partial<Record<Locale, TemplateContent>> = {}
  for (const locale of MESSAGE_LOCALES) {
    if (isBlankFor(d.channel, d.message[locale])) continue
    const written = contentOf(d.channel, d.message[locale])
    if (written.invalid.length) return null
    content[locale] = written.content
  }
  return Object.keys(content).length ? content : null
}

/** The API's step for a draft; null while a setting it needs is missing (the preview waits for it). */
export function stepOf(d: StepDraft): WorkflowStep | null {
  const conditions = d.conditions.map(condition)
  const ifs = conditions.length ? { if: conditions } : {}
  const key = d.groupKey.trim() ? { key: d.groupKey.trim() } : {}
  switch (d.kind) {
    case 'channel': {
      if (!d.channel) return null
      if (!d.ownMessage) return { kind: 'channel', channel: d.channel, ...ifs }
      const content = messageOf({ ...d, channel: d.channel })
      return content && { kind: 'channel', channel: d.channel, content, ...ifs }
    }
    case 'delay': {
      if (d.delayMode === 'fixed')
        return whole(d.delayAmount) ? { kind: 'delay', seconds: secondsOf(d.delayAmount, d.delayUnit), ...ifs } : null
      if (!d.untilPath.trim()) return null
      const offset =
        whole(d.offsetAmount) && d.offsetAmount !== 0
          ? secondsOf(d.offsetAmount, d.offsetUnit) * (d.offsetDirection === 'before' ? -1 : 1)
          : 0
      return { kind: 'delay', until: d.untilPath.trim(), ...(offset ? { offsetSeconds: offset } : {}), ...ifs }
    }
    case 'digest':
      if (!whole(d.windowAmount)) return null
      return {
        kind: 'digest',
        windowSeconds: secondsOf(d.windowAmount, d.windowUnit),
        ...key,
        ...(whole(d.maxEvents) ? { maxEvents: d.maxEvents } : {}),
        ...ifs,
      }
    case 'throttle':
      if (!whole(d.limit) || !whole(d.windowAmount)) return null
      return { kind: 'throttle', limit: d.limit, windowSeconds: secondsOf(d.windowAmount, d.windowUnit), ...key, ...ifs }
  }
}

/** Every draft as a step, or null when one is not complete yet. */
export function stepsOf(drafts: StepDraft[]): WorkflowStep[] | null {
  const steps = drafts.map(stepOf)
  return steps.every((s): s is WorkflowStep => s !== null) ? steps : null
}

// ---- the server's refusals

/** The draft setting that holds each of the API's step settings. */
const SETTING: Record<string, keyof StepDraft> = {
  channel: 'channel',
  seconds: 'delayAmount',
  until: 'untilPath',
  offsetSeconds: 'offsetAmount',
  key: 'groupKey',
  windowSeconds: 'windowAmount',
  maxEvents: 'maxEvents',
  limit: 'limit',
}

/** The field a step's own error goes on (the step as a whole: a delay without its time). */
function mainField(d: StepDraft): keyof StepDraft {
  if (d.kind === 'channel') return 'channel'
  if (d.kind === 'delay') return d.delayMode === 'fixed' ? 'delayAmount' : 'untilPath'
  return d.kind === 'digest' ? 'windowAmount' : 'limit'
}

/**
 * The form field a server path names. The 422 of a step that cannot run says `steps[2].if[0]`,
 * the 400 of the schema `body.steps.2.windowSeconds`; both become `steps.2.…`. `steps` alone (no
 * channel step, too many steps) is the list's own error.
 */
export function fieldOfPath(path: string, drafts: StepDraft[]): string {
  const segments = path
    .replace(/^body\./, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
  if (segments[0] !== 'steps' || segments.length < 2) return 'steps'
  const i = Number(segments[1])
  const draft = drafts[i]
  if (!draft) return 'steps'
  const [setting, j, conditionField] = segments.slice(2)
  const step = `steps.${i}`
  // A step's own message: `content.fa.subject` (or `content.en.data.url`) is the field of that language.
  if (setting === 'content' && (j === 'en' || j === 'fa') && conditionField) return `${step}.message.${j}.${conditionField}`
  if (setting === 'if' && j !== undefined && draft.conditions[Number(j)]) {
    const field = conditionField === 'path' || conditionField === 'op' || conditionField === 'value' ? conditionField : 'check'
    return `${step}.conditions.${j}.${field}`
  }
  return `${step}.${SETTING[setting] ?? mainField(draft)}`
}

/** The server's rule codes for a workflow it cannot run (workflow-rules.ts), in the reader's words. */
const REFUSAL_MESSAGES: Record<string, MessageKey> = {
  channel_unused: 'workflow.error.channel',
  delay_time: 'workflow.error.delayEither',
  offset_without_until: 'workflow.error.offset',
  needs_in_app: 'workflow.error.needsInApp',
  value_missing: 'workflow.error.valueMissing',
  value_invalid: 'workflow.error.valueInvalid',
  no_channel_step: 'workflow.error.noChannel',
}

/** A refusal in the reader's language: by the rule's code where the server names one, else as any field error. */
export function refusalText(t: Translate, locale: Locale, error: { field: string; message: string; code?: string }): string {
  const known = error.code ? REFUSAL_MESSAGES[error.code] : undefined
  if (known) return t(known)
  if (error.code === 'template') return templateErrorMessage(t, error.message).text
  // A data path the schema refused (its pattern).
  if (/\.(path|until|key)$/.test(error.field) && /pattern/.test(error.message)) return t('workflow.error.path')
  return fieldErrorMessage(t, locale, error.field, error.message)
}

/** A refusal's field errors, on the form's fields, one per field (the first the server gave). */
export function refusals(t: Translate, locale: Locale, problem: CaravanError, drafts: StepDraft[]): { name: string; message: string }[] {
  const out: { name: string; message: string }[] = []
  for (const error of problem.errors) {
    const name = fieldOfPath(error.field, drafts)
    if (!out.some((e) => e.name === name)) out.push({ name, message: refusalText(t, locale, error) })
  }
  return out
}

// ---- durations in words

/** "1 h 15 min" / "۱ ساعت و ۱۵ دقیقه": the units that are not zero, largest first. */
export function formatDuration(t: Translate, seconds: number): string {
  let rest = Math.abs(Math.round(seconds))
  const parts: string[] = []
  for (const unit of [...UNITS].reverse()) {
    const n = Math.floor(rest / UNIT_SECONDS[unit])
    rest -= n * UNIT_SECONDS[unit]
    if (n) parts.push(t(`workflow.duration.${unit}`, { count: n }))
  }
  return parts.length ? parts.join(t('workflow.duration.and')) : t('workflow.duration.seconds', { count: 0 })
}
