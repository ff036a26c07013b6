// The workflow form's list of steps: each step a group named "Step 2: Delay" with Up, Down and
// Remove (focus follows the step moved; the move is announced), the settings of its kind, and its
// conditions; below them, a button per kind adds a step (focus goes to its first field).
import type { NotificationChannel } from '@caravan/sdk'
import { useEffect, useId, useRef, useState } from 'react'
import { useFieldArray, useFormState, useWatch, type FieldPath } from 'react-hook-form'
import { useI18n, type Translate } from '../../../i18n'
import { StepMessage } from './StepMessage'
import { Button, FormNumberField, FormSelectField, FormTextField, type Say, type ServerForm } from '../../../ui'
import {
  CHECKS,
  DATA_PATH,
  INTEGER,
  LIMITS,
  MAX_CONDITIONS,
  MAX_STEPS,
  OPS,
  STEP_KINDS,
  UNITS,
  formatDuration,
  newCondition,
  newStep,
  secondsOf,
  type StepDraft,
  type StepKind,
  type Unit,
  type WorkflowValues,
} from './workflow'

type Form = ServerForm<WorkflowValues>
/** The add buttons' group: where focus goes when a step is removed or the list as a whole is refused. */
export const ADD_GROUP = 'workflow-add'
type Name = FieldPath<WorkflowValues>

/** What a step is called in its heading: its channel, else its kind. */
export function stepWhat(t: Translate, draft: Pick<StepDraft, 'kind' | 'channel'> | undefined): string {
  if (!draft) return ''
  return draft.kind === 'channel' && draft.channel ? t(`channel.${draft.channel}`) : t(`workflow.kind.${draft.kind}`)
}

export function StepList({ form, channels, onSay }: { form: Form; channels: NotificationChannel[]; onSay: (say: Say | null) => void }) {
  const { t } = useI18n()
  const steps = useFieldArray({ control: form.control, name: 'steps' })
  const drafts = useWatch({ control: form.control, name: 'steps' })
  const { errors } = useFormState({ control: form.control, name: 'steps' })
  const list = useRef<HTMLOListElement>(null)
  /** After a move: the step's Up or Down button takes focus (the other one at the list's end). */
  const [focusAfterMove, setFocusAfterMove] = useState<{ index: number; up: boolean } | null>(null)
  useEffect(() => {
    if (!focusAfterMove) return
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>(`[data-step="${focusAfterMove.index}"] .step-move button`)
    const [up, down] = [buttons?.[0], buttons?.[1]]
    const wanted = focusAfterMove.up ? up : down
    ;(wanted && !wanted.disabled ? wanted : focusAfterMove.up ? down : up)?.focus()
    setFocusAfterMove(null)
  }, [focusAfterMove])

  function move(from: number, to: number) {
    steps.move(from, to)
    setFocusAfterMove({ index: to, up: to < from })
    onSay((t) => t('workflow.moved', { from: from + 1, to: to + 1 }))
  }

  function remove(index: number) {
    steps.remove(index)
    onSay((t) => t('workflow.stepRemoved', { n: index + 1 }))
    document.getElementById(ADD_GROUP)?.querySelector('button')?.focus()
  }

  function add(kind: StepKind) {
    const used = new Set(drafts?.map((d) => d.channel))
    const channel = kind === 'channel' ? (channels.find((c) => !used.has(c)) ?? channels[0] ?? '') : ''
    onSay(null)
    steps.append(newStep(kind, channel), { shouldFocus: true, focusName: `steps.${steps.fields.length}.${firstField(kind)}` })
  }

  const listError = errors.steps?.message ?? errors.steps?.root?.message
  return (
    <div className="workflow-steps">
      <h3 id="workflow-steps-heading">{t('workflow.steps')}</h3>
      {steps.fields.length === 0 && <p className="empty">{t('workflow.empty')}</p>}
      <ol ref={list} aria-labelledby="workflow-steps-heading" className="step-list">
        {steps.fields.map((field, i) => (
          <StepCard
            key={field.id}
            form={form}
            index={i}
            count={steps.fields.length}
            channels={channels}
            onMove={(to) => move(i, to)}
            onRemove={() => remove(i)}
          />
        ))}
      </ol>
      <div role="group" aria-label={t('workflow.addStep')} id={ADD_GROUP} className="step-add">
        <span className="step-add-label" aria-hidden="true">
          {t('workflow.addStep')}
        </span>
        {STEP_KINDS.map((kind) => (
          <Button key={kind} variant="secondary" size="small" isDisabled={steps.fields.length >= MAX_STEPS} onPress={() => add(kind)}>
            {t(`workflow.add.${kind}`)}
          </Button>
        ))}
      </div>
      {steps.fields.length >= MAX_STEPS && <p className="hint">{t('workflow.maxSteps', { max: MAX_STEPS })}</p>}
      {listError && (
        <p className="field-error" role="alert">
          {listError}
        </p>
      )}
    </div>
  )
}

/** Whether a part of the form's errors holds a message (a removed condition leaves an empty list behind). */
function hasMessage(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false
  if ('message' in value && typeof value.message === 'string' && value.message) return true
  // Not into `ref`: the input itself.
  return Object.entries(value).some(([key, v]) => key !== 'ref' && hasMessage(v))
}

function firstField(kind: StepKind): keyof StepDraft {
  return kind === 'channel' ? 'channel' : kind === 'delay' ? 'delayMode' : kind === 'digest' ? 'windowAmount' : 'limit'
}

function StepCard({
  form,
  index,
  count,
  channels,
  onMove,
  onRemove,
}: {
  form: Form
  index: number
  count: number
  channels: NotificationChannel[]
  onMove: (to: number) => void
  onRemove: () => void
}) {
  const { t } = useI18n()
  const headingId = useId()
  const draft = useWatch({ control: form.control, name: `steps.${index}` })
  const { errors } = useFormState({ control: form.control, name: `steps.${index}` })
  const n = index + 1
  const prefix = `steps.${index}` as const
  const invalid = hasMessage(errors.steps?.[index])
  if (!draft) return null
  return (
    <li data-step={index} className={invalid ? 'workflow-step invalid' : 'workflow-step'}>
      <div role="group" aria-labelledby={headingId}>
        <div className="step-head">
          <h4 id={headingId}>{t('workflow.stepHeading', { n, what: stepWhat(t, draft) })}</h4>
          <div className="step-move">
            <Button
              variant="secondary"
              size="small"
              isDisabled={index === 0}
              aria-label={t('workflow.moveUp', { n })}
              onPress={() => onMove(index - 1)}
            >
              {t('workflow.up')}
            </Button>
            <Button
              variant="secondary"
              size="small"
              isDisabled={index === count - 1}
              aria-label={t('workflow.moveDown', { n })}
              onPress={() => onMove(index + 1)}
            >
              {t('workflow.down')}
            </Button>
            <Button variant="quiet" size="small" aria-label={t('workflow.removeStep', { n })} onPress={onRemove}>
              {t('workflow.removeShort')}
            </Button>
          </div>
        </div>
        <div className="step-fields">
          {draft.kind === 'channel' && (
            <FormSelectField
              control={form.control}
              name={`${prefix}.channel`}
              label={t('workflow.field.channel')}
              isRequired
              // A channel the type no longer uses stays shown (the server then refuses it).
              options={[...new Set([...channels, ...(draft.channel ? [draft.channel] : [])])].map((c) => ({
                id: c,
                label: t(`channel.${c}`),
              }))}
              className="step-field step-field-wide"
            />
          )}
          {draft.kind === 'delay' && <DelayFields form={form} index={index} draft={draft} />}
          {(draft.kind === 'digest' || draft.kind === 'throttle') && <WindowFields form={form} index={index} kind={draft.kind} />}
        </div>
        {draft.kind === 'channel' && draft.channel && <StepMessage form={form} index={index} channel={draft.channel} />}
        <Conditions form={form} index={index} />
      </div>
    </li>
  )
}

/** Rules of an amount of time: required (unless optional), and within the server's range once in seconds. */
function durationRules(t: Translate, form: Form, unitName: Name, range: { min: number; max: number }, optional = false) {
  return {
    validate: (value: unknown) => {
      if (value === null || value === undefined) return optional || t('ui.required')
      const seconds = secondsOf(Number(value), form.getValues(unitName) as Unit)
      if (seconds < range.min || seconds > range.max)
        return t('workflow.error.range', { min: formatDuration(t, Math.max(range.min, 1)), max: formatDuration(t, range.max) })
      return true
    },
  }
}

function countRules(t: Translate, range: { min: number; max: number }, optional = false) {
  return {
    validate: (value: unknown) => {
      if (value === null || value === undefined) return optional || t('ui.required')
      const n = Number(value)
      return (n >= range.min && n <= range.max) || t('workflow.error.count', { min: range.min, max: range.max })
    },
  }
}

function pathRules(t: Translate, optional = false) {
  return {
    validate: (value: unknown) => {
      const text = typeof value === 'string' ? value.trim() : ''
      if (!text) return optional || t('ui.required')
      return DATA_PATH.test(text) || t('workflow.error.path')
    },
  }
}

function UnitSelect({ form, name, label }: { form: Form; name: Name; label: string }) {
  const { t } = useI18n()
  return (
    <FormSelectField
      control={form.control}
      name={name}
      label={label}
      options={UNITS.map((u) => ({ id: u, label: t(`workflow.unit.${u}`) }))}
      className="step-field"
    />
  )
}

function DelayFields({ form, index, draft }: { form: Form; index: number; draft: StepDraft }) {
  const { t } = useI18n()
  const prefix = `steps.${index}` as const
  return (
    <>
      <FormSelectField
        control={form.control}
        name={`${prefix}.delayMode`}
        label={t('workflow.field.delayMode')}
        options={(['fixed', 'until'] as const).map((m) => ({ id: m, label: t(`workflow.delayMode.${m}`) }))}
        className="step-field step-field-wide"
      />
      {draft.delayMode === 'fixed' ? (
        <div className="step-row">
          <FormNumberField
            control={form.control}
            name={`${prefix}.delayAmount`}
            label={t('workflow.field.delayAmount')}
            minValue={1}
            step={1}
            formatOptions={INTEGER}
            isRequired
            rules={durationRules(t, form, `${prefix}.delayUnit`, LIMITS.delay)}
            className="step-field"
          />
          <UnitSelect form={form} name={`${prefix}.delayUnit`} label={t('workflow.field.unit')} />
        </div>
      ) : (
        <>
          <FormTextField
            control={form.control}
            name={`${prefix}.untilPath`}
            label={t('workflow.field.untilPath')}
            description={t('workflow.hint.untilPath')}
            dir="ltr"
            spellCheck="false"
            isRequired
            rules={pathRules(t)}
            className="step-field step-field-wide"
          />
          <div className="step-row">
            <FormNumberField
              control={form.control}
              name={`${prefix}.offsetAmount`}
              label={t('workflow.field.offsetAmount')}
              optional
              minValue={0}
              step={1}
              formatOptions={INTEGER}
              rules={durationRules(t, form, `${prefix}.offsetUnit`, LIMITS.offset, true)}
              className="step-field"
            />
            <UnitSelect form={form} name={`${prefix}.offsetUnit`} label={t('workflow.field.offsetUnit')} />
            <FormSelectField
              control={form.control}
              name={`${prefix}.offsetDirection`}
              label={t('workflow.field.offsetDirection')}
              options={(['before', 'after'] as const).map((d) => ({ id: d, label: t(`workflow.offset.${d}`) }))}
              className="step-field"
            />
          </div>
        </>
      )}
    </>
  )
}

function WindowFields({ form, index, kind }: { form: Form; index: number; kind: 'digest' | 'throttle' }) {
  const { t } = useI18n()
  const prefix = `steps.${index}` as const
  const window = (
    <div className="step-row">
      <FormNumberField
        control={form.control}
        name={`${prefix}.windowAmount`}
        label={t(`workflow.field.window.${kind}`)}
        minValue={1}
        step={1}
        formatOptions={INTEGER}
        isRequired
        rules={durationRules(t, form, `${prefix}.windowUnit`, kind === 'digest' ? LIMITS.digestWindow : LIMITS.throttleWindow)}
        className="step-field"
      />
      <UnitSelect form={form} name={`${prefix}.windowUnit`} label={t('workflow.field.unit')} />
    </div>
  )
  const key = (
    <FormTextField
      control={form.control}
      name={`${prefix}.groupKey`}
      label={t(`workflow.field.key.${kind}`)}
      description={t(`workflow.hint.key.${kind}`)}
      optional
      dir="ltr"
      spellCheck="false"
      rules={pathRules(t, true)}
      className="step-field step-field-wide"
    />
  )
  if (kind === 'digest')
    return (
      <>
        {window}
        <FormNumberField
          control={form.control}
          name={`${prefix}.maxEvents`}
          label={t('workflow.field.maxEvents')}
          description={t('workflow.hint.maxEvents')}
          optional
          minValue={LIMITS.maxEvents.min}
          maxValue={LIMITS.maxEvents.max}
          step={1}
          formatOptions={INTEGER}
          rules={countRules(t, LIMITS.maxEvents, true)}
          className="step-field"
        />
        {key}
      </>
    )
  return (
    <>
      <FormNumberField
        control={form.control}
        name={`${prefix}.limit`}
        label={t('workflow.field.limit')}
        minValue={LIMITS.limit.min}
        maxValue={LIMITS.limit.max}
        step={1}
        formatOptions={INTEGER}
        isRequired
        rules={countRules(t, LIMITS.limit)}
        className="step-field"
      />
      {window}
      {key}
    </>
  )
}

function Conditions({ form, index }: { form: Form; index: number }) {
  const { t } = useI18n()
  const conditions = useFieldArray({ control: form.control, name: `steps.${index}.conditions` })
  const current = useWatch({ control: form.control, name: `steps.${index}.conditions` })
  const add = useRef<HTMLButtonElement>(null)
  const hintId = useId()
  const step = index + 1
  return (
    <div className="step-conditions">
      <p className="step-conditions-title" id={hintId}>
        <strong>{t('workflow.conditions')}</strong> <span className="hint">{t('workflow.conditionsHint')}</span>
      </p>
      {conditions.fields.map((field, j) => {
        const c = current?.[j]
        const prefix = `steps.${index}.conditions.${j}` as const
        return (
          <fieldset key={field.id} className="step-condition" aria-describedby={hintId}>
            <legend>{t('workflow.conditionLegend', { n: j + 1 })}</legend>
            <div className="step-row">
              <FormSelectField
                control={form.control}
                name={`${prefix}.check`}
                label={t('workflow.field.check')}
                options={CHECKS.map((check) => ({ id: check, label: t(`workflow.check.${check}`) }))}
                className="step-field step-field-wide"
              />
              {c?.check === 'data' && (
                <>
                  <FormTextField
                    control={form.control}
                    name={`${prefix}.path`}
                    label={t('workflow.field.path')}
                    description={t('workflow.hint.path')}
                    dir="ltr"
                    spellCheck="false"
                    isRequired
                    rules={pathRules(t)}
                    className="step-field"
                  />
                  <FormSelectField
                    control={form.control}
                    name={`${prefix}.op`}
                    label={t('workflow.field.op')}
                    options={OPS.map((op) => ({ id: op, label: t(`workflow.op.${op}`) }))}
                    className="step-field"
                  />
                  {c.op !== 'exists' && c.op !== 'not_exists' && (
                    <FormTextField
                      control={form.control}
                      name={`${prefix}.value`}
                      label={t('workflow.field.value')}
                      description={t('workflow.hint.value')}
                      dir="auto"
                      spellCheck="false"
                      isRequired
                      rules={{ maxLength: { value: 500, message: t('workflow.error.valueInvalid') } }}
                      className="step-field"
                    />
                  )}
                </>
              )}
            </div>
            <Button
              variant="quiet"
              size="small"
              aria-label={t('workflow.removeCondition', { n: j + 1, step })}
              onPress={() => {
                conditions.remove(j)
                add.current?.focus()
              }}
            >
              {t('workflow.removeShort')}
            </Button>
          </fieldset>
        )
      })}
      <Button
        ref={add}
        variant="secondary"
        size="small"
        isDisabled={conditions.fields.length >= MAX_CONDITIONS}
        aria-label={t('workflow.addConditionTo', { step })}
        onPress={() =>
          conditions.append(newCondition(), { shouldFocus: true, focusName: `steps.${index}.conditions.${conditions.fields.length}.check` })
        }
      >
        {t('workflow.addCondition')}
      </Button>
    </div>
  )
}
