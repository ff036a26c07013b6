// The preview of the workflow being edited: the server takes the draft's steps through with the
// sample data and the facts chosen here (read or not, a verified phone, how many notifications a
// digest collects) and says what each step does and when; shown as a timeline in words, each
// channel step with the gist of what it would send. Asked again once typing pauses.
import type { Locale, NotificationChannel, PreviewWorkflowInput, WorkflowPreview as Preview } from '@caravan/sdk'
import { useState } from 'react'
import { LOCALES, useI18n, type Translate } from '../../../i18n'
import { Checkbox, NumberField, ProblemAlert, SelectField, TextAreaField, useSettled } from '../../../ui'
import { asCaravanError } from '../../../ui/messages'
import { useWorkflowPreview } from './queries'
import { parseObject } from './templates'
import { stepWhat } from './WorkflowSteps'
import { INTEGER, formatDuration, refusals, secondsOf, stepsOf, type StepDraft } from './workflow'

const PREVIEW_DELAY_MS = 400
const dirOf = (locale: Locale): 'rtl' | 'ltr' => (locale === 'fa' ? 'rtl' : 'ltr')

interface Assume {
  inAppRead: boolean
  inAppSeen: boolean
  phoneVerified: boolean
  events: number
}

export function WorkflowPreview({
  typeKey,
  drafts,
  dataText,
  onDataText,
}: {
  typeKey: string
  drafts: StepDraft[] | undefined
  dataText: string
  onDataText: (text: string) => void
}) {
  const { t, locale: uiLocale } = useI18n()
  const [locale, setLocale] = useState<Locale>(uiLocale)
  const [assume, setAssume] = useState<Assume>({ inAppRead: false, inAppSeen: false, phoneVerified: true, events: 1 })
  const data = parseObject(dataText)
  const steps = stepsOf(drafts ?? [])
  const hasDigest = (drafts ?? []).some((d) => d.kind === 'digest')
  // The request as text: a stable value to wait on and to key the cache by.
  const request =
    steps && steps.length > 0 && data
      ? JSON.stringify({
          steps,
          locale,
          data,
          assume: hasDigest ? assume : { ...assume, events: undefined },
        } satisfies PreviewWorkflowInput)
      : null
  const settled = useSettled(request, PREVIEW_DELAY_MS)
  const query = useWorkflowPreview(typeKey, settled ? (JSON.parse(settled) as PreviewWorkflowInput) : null)
  const pending = request !== null && (request !== settled || query.isFetching)
  const set = (patch: Partial<Assume>) => setAssume((a) => ({ ...a, ...patch }))

  let body
  if (!drafts?.length) body = <p className="muted">{t('workflow.preview.empty')}</p>
  else if (!steps) body = <p className="muted">{t('workflow.preview.incomplete')}</p>
  else if (query.isError && settled === request) body = <Refused error={query.error} drafts={drafts} />
  else if (query.data && !query.isError) body = <Timeline preview={query.data} drafts={drafts} locale={locale} stale={pending} />
  else body = <p className="muted">{t('common.loading')}</p>

  return (
    <section aria-labelledby="workflow-preview-heading" className="workflow-preview" aria-busy={pending}>
      <h3 id="workflow-preview-heading">{t('workflow.preview.title')}</h3>
      <p className="hint">{t('workflow.preview.hint')}</p>
      <div className="workflow-preview-inputs">
        <TextAreaField
          label={t('workflow.preview.sampleData')}
          description={t('workflow.preview.sampleDataHint')}
          dir="ltr"
          rows={3}
          spellCheck="false"
          className="code"
          value={dataText}
          onChange={onDataText}
          errorMessage={data ? undefined : t('editor.sampleDataInvalid')}
        />
        <div className="workflow-assume">
          <SelectField
            label={t('workflow.preview.language')}
            value={locale}
            onChange={(l) => l && setLocale(l as Locale)}
            options={LOCALES.map((l) => ({ id: l, label: t(`lang.${l}`), lang: l }))}
          />
          <fieldset className="checks">
            <legend>{t('workflow.assume')}</legend>
            <Checkbox label={t('workflow.assume.inAppRead')} isSelected={assume.inAppRead} onChange={(v) => set({ inAppRead: v })} />
            <Checkbox label={t('workflow.assume.inAppSeen')} isSelected={assume.inAppSeen} onChange={(v) => set({ inAppSeen: v })} />
            <Checkbox
              label={t('workflow.assume.phoneVerified')}
              isSelected={assume.phoneVerified}
              onChange={(v) => set({ phoneVerified: v })}
            />
          </fieldset>
          {hasDigest && (
            <NumberField
              label={t('workflow.assume.events')}
              value={assume.events}
              onChange={(v) => set({ events: Number.isNaN(v) ? 1 : v })}
              minValue={1}
              maxValue={1000}
              step={1}
              formatOptions={INTEGER}
            />
          )}
        </div>
      </div>
      {body}
    </section>
  )
}

/** The refusal of a draft that cannot run: each error with its step. */
function Refused({ error, drafts }: { error: unknown; drafts: StepDraft[] }) {
  const { t, locale } = useI18n()
  const problem = asCaravanError(error)
  const errors = refusals(t, locale, problem, drafts)
  if (!problem.errors.length) return <ProblemAlert error={problem} />
  return (
    <div className="alert error">
      <p>{t('workflow.preview.refused')}</p>
      <ul>
        {errors.map(({ name, message }) => {
          const i = /^steps\.(\d+)/.exec(name)?.[1]
          return <li key={name}>{i === undefined ? message : t('workflow.preview.stepError', { n: Number(i) + 1, message })}</li>
        })}
      </ul>
    </div>
  )
}

type PreviewStep = Preview['steps'][number]

function Timeline({ preview, drafts, locale, stale }: { preview: Preview; drafts: StepDraft[]; locale: Locale; stale: boolean }) {
  const { t } = useI18n()
  return (
    <ol className={stale ? 'timeline stale' : 'timeline'} aria-label={t('workflow.preview.timeline')}>
      {preview.steps.map((step) => (
        <li key={step.index} className={`timeline-item outcome-${step.outcome}`}>
          <span className="timeline-when">{whenOf(t, step)}</span>
          <span className="timeline-what">
            <strong>{t('workflow.stepHeading', { n: step.index + 1, what: stepWhat(t, drafts[step.index]) })}</strong>
            {' — '}
            {whatHappens(t, step, drafts[step.index])}
          </span>
          {step.outcome === 'send' && <Gist rendered={step.rendered} channel={drafts[step.index]?.channel || null} locale={locale} />}
        </li>
      ))}
    </ol>
  )
}

/** When the step happens; a wait or a digest window is said by when it ends ("until +15 min"). */
function whenOf(t: Translate, { atSeconds, outcome }: PreviewStep): string {
  if (atSeconds === null) return t('workflow.preview.atUnknown')
  if (atSeconds === 0) return t('workflow.preview.atStart')
  const duration = formatDuration(t, atSeconds)
  return outcome === 'wait' || outcome === 'digest' ? t('workflow.preview.until', { duration }) : t('workflow.preview.at', { duration })
}

/**
 * The step's outcome in words. The server's detail is English and fixed per outcome; the numbers
 * in it come from the step itself, so they are said from the draft.
 */
function whatHappens(t: Translate, step: PreviewStep, draft: StepDraft | undefined): string {
  switch (step.outcome) {
    case 'send':
      return t('workflow.preview.sent')
    case 'skip':
      return t('workflow.preview.skipped', { reason: reasonOf(t, step) })
    case 'wait':
      if (draft?.kind === 'delay' && draft.delayMode === 'fixed' && draft.delayAmount !== null)
        return t('workflow.preview.waits', { duration: formatDuration(t, secondsOf(draft.delayAmount, draft.delayUnit)) })
      return t('workflow.preview.waitsUntil', { path: draft?.untilPath ?? '' })
    case 'stop':
      return t('workflow.preview.stops', { path: draft?.untilPath ?? '' })
    case 'digest':
      return t('workflow.preview.digest', { count: step.count ?? 1 })
    case 'pass':
      return t('workflow.preview.pass')
  }
}

/** Why a step is skipped, by the server's code (workflow-rules.ts); a data condition names itself as written. */
function reasonOf(t: Translate, step: { code?: string; detail: string }): string {
  switch (step.code) {
    case 'in_app_read':
      return t('workflow.reason.read')
    case 'in_app_seen':
      return t('workflow.reason.seen')
    case 'no_verified_phone':
      return t('workflow.reason.noPhone')
    case 'data_condition':
      return t('workflow.reason.data', { condition: step.detail.replace(/ does not hold$/, '') })
    default:
      return step.detail
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

/** The gist of what a channel step sends: a title, a subject or a message, in the preview's language. */
function Gist({ rendered, channel, locale }: { rendered: unknown; channel: NotificationChannel | null; locale: Locale }) {
  const { t } = useI18n()
  const content = rendered && typeof rendered === 'object' ? (rendered as Record<string, unknown>) : {}
  if (!channel) return null
  if ('error' in content) return <p className="muted small">{t('workflow.preview.noTemplate', { language: t(`lang.${locale}`) })}</p>
  const lines =
    channel === 'email' ? [text(content.subject)] : channel === 'sms' ? [text(content.text)] : [text(content.title), text(content.body)]
  return (
    <blockquote className="timeline-gist" lang={locale} dir={dirOf(locale)}>
      {lines.filter(Boolean).map((line, i) => (
        <p key={i} className={i === 0 ? 'timeline-gist-title' : undefined}>
          {line}
        </p>
      ))}
    </blockquote>
  )
}
