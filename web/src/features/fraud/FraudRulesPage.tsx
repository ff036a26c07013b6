// /console/fraud/rules: the fraud rules document as a form (checks on or off, the review and block
// thresholds, velocity rules, new-account rules, what each blocklist adds, the country mismatch)
// and, below it, the blocklist itself. "Save rules" sends the whole document with the version it
// was read at: another admin's change in between is a 409, said with a way to reload; a document
// the server refuses (400) has each failing field marked and listed. Amounts are typed in each
// currency's display unit (toman for IRR when shown so) and sent in minor units.
import type { Currency, FraudRules, FraudRulesDocument, Locale } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { useId, useRef, useState, type ReactNode } from 'react'
import { Controller, get, useFieldArray, type FieldPath } from 'react-hook-form'
import { useI18n } from '../../i18n'
import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormNumberField,
  FormSelectField,
  FormSwitch,
  FormTextField,
  ProblemAlert,
  Skeleton,
  SubmitButton,
  useServerForm,
  type ServerForm,
} from '../../ui'
import { StatusMessage, useMessage } from '../../ui/messages'
import { useUnsavedChanges } from '../../ui/useUnsavedChanges'
import { queryClient } from '../../data/queryClient'
import { PersonById } from '../notifications/console/Person'
import { useIdempotencyKey } from '../payments/idempotency'
import { CURRENCY_CODES, formatMoneyNumber, parseMoney, type IrrDisplay } from '../payments/money'
import { useMoney } from '../payments/useMoney'
import { Page } from '../shell/Page'
import { BlocklistSection } from './Blocklist'
import {
  fraudCode,
  RULE_OPERATIONS,
  secondsOf,
  splitWindow,
  SUBJECTS,
  WINDOW_UNITS,
  type RuleAction,
  type RuleOperation,
  type WindowUnit,
} from './labels'
import { fraudKeys, useFraudRules, useUpdateFraudRules } from './queries'
import '../payments/payments.css'
import './fraud.css'

type ActionChoice = 'none' | RuleAction
type Amounts = Record<Currency, string>
interface VelocityValues {
  id: string
  subject: (typeof SUBJECTS)[number]
  window: number | null
  windowUnit: WindowUnit
  maxCount: number | null
  maxAmount: Amounts
  score: number | null
  action: ActionChoice
  operations: RuleOperation[]
}
interface AgeValues {
  id: string
  maxAgeDays: number | null
  maxAmount: Amounts
  score: number | null
  action: ActionChoice
  operations: RuleOperation[]
}
interface ListedValues {
  score: number | null
  action: ActionChoice
}
const LISTS = ['emailDomain', 'ip', 'device', 'cardFingerprint'] as const
type ListKey = (typeof LISTS)[number]
const KIND_OF_LIST = { emailDomain: 'email_domain', ip: 'ip', device: 'device', cardFingerprint: 'card_fingerprint' } as const
/** Named as the server names them (under `rules`), so a 400's field paths find their inputs. */
interface RulesValues {
  rules: {
    enabled: boolean
    thresholds: { review: number | null; block: number | null }
    velocity: VelocityValues[]
    accountAge: AgeValues[]
    blocklists: Record<ListKey, ListedValues>
    countryMismatch: { on: boolean; score: number | null; action: ActionChoice }
  }
}

const RULE_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/
const MAX_WINDOW = 2_592_000
const NO_AMOUNTS = Object.fromEntries(CURRENCY_CODES.map((c) => [c, ''])) as Amounts
const INTEGER = { useGrouping: false, maximumFractionDigits: 0 }

/** Limits as typed: in the display unit, grouped, in the page's digits (parseMoney reads them back). */
const amountsOf = (limits: Partial<Record<Currency, string>> | undefined, irr: IrrDisplay, locale: Locale): Amounts =>
  Object.fromEntries(CURRENCY_CODES.map((c) => [c, limits?.[c] ? (formatMoneyNumber(limits[c], c, locale, irr) ?? '') : ''])) as Amounts

/** The typed limits in minor units; empty ones left out. */
function limitsOf(amounts: Amounts, irr: IrrDisplay): Partial<Record<Currency, string>> {
  const out: Partial<Record<Currency, string>> = {}
  for (const c of CURRENCY_CODES) {
    const parsed = amounts[c].trim() ? parseMoney(amounts[c], c, irr) : null
    if (parsed?.ok) out[c] = parsed.minor
  }
  return out
}

const actionOf = (choice: ActionChoice): { action?: RuleAction } => (choice === 'none' ? {} : { action: choice })
const operationsOf = (operations: RuleOperation[]) => (operations.length ? { operations } : {})

function valuesOf(rules: FraudRules, irr: IrrDisplay, locale: Locale): RulesValues {
  return {
    rules: {
      enabled: rules.enabled,
      thresholds: { ...rules.thresholds },
      velocity: rules.velocity.map((r) => {
        const window = splitWindow(r.windowSeconds)
        return {
          id: r.id,
          subject: r.subject,
          window: window.amount,
          windowUnit: window.unit,
          maxCount: r.maxCount ?? null,
          maxAmount: amountsOf(r.maxAmount, irr, locale),
          score: r.score,
          action: r.action ?? 'none',
          operations: r.operations ?? [],
        }
      }),
      accountAge: rules.accountAge.map((r) => ({
        id: r.id,
        maxAgeDays: r.maxAgeDays,
        maxAmount: amountsOf(r.maxAmount, irr, locale),
        score: r.score,
        action: r.action ?? 'none',
        operations: r.operations ?? [],
      })),
      blocklists: Object.fromEntries(
        LISTS.map((key) => [key, { score: rules.blocklists[key].score, action: rules.blocklists[key].action ?? 'none' }]),
      ) as Record<ListKey, ListedValues>,
      countryMismatch: rules.countryMismatch
        ? { on: true, score: rules.countryMismatch.score, action: rules.countryMismatch.action ?? 'none' }
        : { on: false, score: 20, action: 'none' },
    },
  }
}

/** The document to send. Numbers left empty were refused by the fields' own rules before this. */
function rulesOf({ rules }: RulesValues, irr: IrrDisplay): FraudRules {
  return {
    enabled: rules.enabled,
    thresholds: { review: rules.thresholds.review ?? 0, block: rules.thresholds.block ?? 0 },
    velocity: rules.velocity.map((r) => {
      const maxAmount = limitsOf(r.maxAmount, irr)
      return {
        id: r.id.trim(),
        subject: r.subject,
        windowSeconds: secondsOf(r.window ?? 0, r.windowUnit),
        ...(r.maxCount !== null ? { maxCount: r.maxCount } : {}),
        ...(Object.keys(maxAmount).length ? { maxAmount } : {}),
        score: r.score ?? 0,
        ...actionOf(r.action),
        ...operationsOf(r.operations),
      }
    }),
    accountAge: rules.accountAge.map((r) => ({
      id: r.id.trim(),
      maxAgeDays: r.maxAgeDays ?? 0,
      maxAmount: limitsOf(r.maxAmount, irr),
      score: r.score ?? 0,
      ...actionOf(r.action),
      ...operationsOf(r.operations),
    })),
    blocklists: Object.fromEntries(
      LISTS.map((key) => [key, { score: rules.blocklists[key].score ?? 0, ...actionOf(rules.blocklists[key].action) }]),
    ) as FraudRules['blocklists'],
    countryMismatch: rules.countryMismatch.on
      ? { score: rules.countryMismatch.score ?? 0, ...actionOf(rules.countryMismatch.action) }
      : null,
  }
}

export function FraudRulesPage() {
  const { t, locale } = useI18n()
  const rules = useFraudRules()
  const [message, setMessage] = useMessage()
  // The version the form was filled from: a background read does not replace what is being edited.
  const [base, setBase] = useState<FraudRulesDocument | null>(null)
  const [generation, setGeneration] = useState(0)
  const [conflict, setConflict] = useState(false)
  if (!base && rules.data) setBase(rules.data)
  const newer = base && rules.data && rules.data.version > base.version ? rules.data.version : null

  async function reload() {
    const fresh = await rules.refetch()
    if (!fresh.data) return
    setBase(fresh.data)
    setGeneration((g) => g + 1)
    setConflict(false)
    setMessage((t) => t('fraud.rules.reloaded', { version: fresh.data.version }))
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus())
  }

  return (
    <Page title={t('fraud.rules.title')} intro={t('fraud.rules.intro')}>
      {!base && rules.isPending && <Skeleton lines={10} />}
      {!base && rules.isError && <ProblemAlert error={rules.error} onRetry={() => void rules.refetch()} />}
      {base && (
        <>
          <SavedLine document={base} />
          {newer !== null && !conflict && (
            <Alert tone="info">
              <p>{t('fraud.rules.newer', { version: newer })}</p>
              <Button variant="secondary" size="small" onPress={() => void reload()}>
                {t('fraud.rules.reload')}
              </Button>
            </Alert>
          )}
          <RulesForm
            // Keyed by language too: amounts are text in the page's digits.
            key={`${generation}-${locale}`}
            document={base}
            message={message}
            conflict={conflict}
            onReload={() => void reload()}
            onConflict={() => {
              setMessage(null)
              setConflict(true)
            }}
            onSaving={() => {
              setMessage(null)
              setConflict(false)
            }}
            onSaved={(saved) => {
              setBase(saved)
              queryClient.setQueryData(fraudKeys.rules, saved)
              setMessage((t) => t('fraud.rules.saved', { version: saved.version }))
            }}
          />
        </>
      )}
      <BlocklistSection />
    </Page>
  )
}

/** "Version 3, saved 3 Mar 2025, 14:05 by Ada" or the defaults' line. */
function SavedLine({ document }: { document: FraudRulesDocument }) {
  const { t, formatDate } = useI18n()
  if (!document.updatedAt) return <p className="muted">{t('fraud.rules.defaults')}</p>
  const by = document.updatedBy?.startsWith('user:') ? document.updatedBy.slice('user:'.length) : null
  return (
    <p className="fraud-saved-line">
      {t('fraud.rules.savedAt', { version: document.version, date: formatDate(document.updatedAt) })}
      {by && (
        <>
          {' '}
          <span className="muted">{t('fraud.rules.savedBy')}</span> <PersonById id={by} />
        </>
      )}
    </p>
  )
}

interface Invalid {
  name: string
  place: string
  message: string
}

function RulesForm({
  document,
  message,
  conflict,
  onReload,
  onConflict,
  onSaving,
  onSaved,
}: {
  document: FraudRulesDocument
  message: string | null
  conflict: boolean
  onReload: () => void
  onConflict: () => void
  onSaving: () => void
  onSaved: (saved: FraudRulesDocument) => void
}) {
  const { t, locale } = useI18n()
  const { irr, unit } = useMoney()
  const update = useUpdateFraudRules()
  const keys = useIdempotencyKey()
  const [invalid, setInvalid] = useState<Invalid[]>([])
  const form = useServerForm<RulesValues>({
    defaultValues: valuesOf(document.rules, irr, locale),
    onSubmit: async (values) => {
      onSaving()
      setInvalid([])
      const rules = rulesOf(values, irr)
      try {
        const saved = await update.mutateAsync({
          version: document.version,
          rules,
          idempotencyKey: keys.keyFor({ version: document.version, rules }),
        })
        keys.done()
        form.reset(valuesOf(saved.rules, irr, locale))
        onSaved(saved)
      } catch (error) {
        if (error instanceof CaravanError && error.status > 0) keys.done()
        if (fraudCode(error) === 'fraud_rules_changed') return onConflict()
        if (error instanceof CaravanError && error.status === 400 && error.errors.length > 0) return showInvalid(error)
        throw error
      }
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)

  /** A 400's field errors on their fields (in this page's words where the rule is known) and in the list above Save. */
  function showInvalid(problem: CaravanError) {
    const found: Invalid[] = []
    for (const { field, message: serverMessage } of problem.errors) {
      const name = fieldFor(field.replace(/^body\./, ''))
      if (found.some((f) => f.name === name)) continue
      found.push({ name, place: placeOf(name), message: messageFor(serverMessage) })
    }
    for (const f of found) if (isField(f.name)) form.setError(f.name, { type: 'server', message: f.message })
    setInvalid(found)
    const first = found.find((f) => isField(f.name))
    if (first) form.setFocus(first.name as FieldPath<RulesValues>)
  }

  const isField = (name: string): name is FieldPath<RulesValues> => {
    const value: unknown = get(form.getValues(), name)
    return value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))
  }

  /** The input a server path names: the form's own names, a few renamed, else the nearest field above it. */
  function fieldFor(path: string): string {
    const renamed = path
      .replace(/^(rules\.velocity\.\d+)\.windowSeconds$/, '$1.window')
      .replace(/^(rules\.velocity\.\d+)$/, '$1.maxCount')
      .replace(/^(rules\.accountAge\.\d+)\.maxAmount$/, `$1.maxAmount.${CURRENCY_CODES[0]}`)
      .replace(/^rules\.countryMismatch$/, 'rules.countryMismatch.score')
    const segments = renamed.split('.')
    for (let n = segments.length; n > 0; n--) {
      const name = segments.slice(0, n).join('.')
      if (isField(name)) return name
    }
    return renamed
  }

  function messageFor(serverMessage: string): string {
    if (/above the block threshold/.test(serverMessage)) return t('fraud.rules.error.reviewAboveBlock')
    if (/is used twice/.test(serverMessage)) return t('fraud.rules.error.idTwice')
    if (/needs maxCount or maxAmount/.test(serverMessage)) return t('fraud.rules.error.needsLimit')
    if (/needs at least one currency/.test(serverMessage)) return t('fraud.rules.error.needsCurrency')
    return locale === 'en' && serverMessage.trim() ? serverMessage : t('fieldError.generic')
  }

  /** Where a field is, in words: "Velocity rule 2, Name". */
  function placeOf(name: string): string {
    const [, section, a, b, c] = name.split('.')
    const field = (key: string | undefined, sub: string | undefined): string => {
      switch (key) {
        case 'id':
          return t('fraud.rules.id')
        case 'subject':
          return t('fraud.rules.subject')
        case 'window':
        case 'windowUnit':
          return t('fraud.rules.window')
        case 'maxCount':
          return t('fraud.rules.maxCount')
        case 'maxAgeDays':
          return t('fraud.rules.maxAgeDays')
        case 'maxAmount':
          return sub && (CURRENCY_CODES as string[]).includes(sub)
            ? t('fraud.rules.limitIn', { unit: unit(sub as Currency) })
            : t('fraud.rules.amounts')
        case 'score':
          return t('fraud.rules.score')
        case 'action':
          return t('fraud.rules.action')
        case 'operations':
          return t('fraud.rules.operations')
        default:
          return t('fieldError.generic')
      }
    }
    switch (section) {
      case 'thresholds':
        return a === 'block' ? t('fraud.rules.blockAt') : t('fraud.rules.reviewAt')
      case 'velocity':
        return t('fraud.rules.fieldIn', { place: t('fraud.rules.velocityRule', { n: Number(a) + 1 }), field: field(b, c) })
      case 'accountAge':
        return t('fraud.rules.fieldIn', { place: t('fraud.rules.accountAgeRule', { n: Number(a) + 1 }), field: field(b, c) })
      case 'blocklists':
        return t('fraud.rules.fieldIn', {
          place: a && a in KIND_OF_LIST ? t(`fraud.kind.${KIND_OF_LIST[a as ListKey]}`) : t('fraud.rules.blocklists'),
          field: field(b, undefined),
        })
      case 'countryMismatch':
        return t('fraud.rules.fieldIn', { place: t('fraud.rules.country'), field: field(a, undefined) })
      default:
        return t('fraud.rules.enabled')
    }
  }

  return (
    <Form
      form={form}
      className="wide pay-settings fraud-rules"
      aria-label={t('fraud.rules.title')}
      actions={
        <>
          {invalid.length > 0 && (
            <Alert tone="error">
              <p>{t('fraud.rules.invalid')}</p>
              <ul>
                {invalid.map((f) => (
                  <li key={f.name}>{t('fraud.rules.fieldError', { place: f.place, message: f.message })}</li>
                ))}
              </ul>
            </Alert>
          )}
          {conflict && (
            <Alert tone="error">
              <p>{t('fraud.rules.conflict')}</p>
              <Button variant="secondary" size="small" onPress={onReload}>
                {t('fraud.rules.reload')}
              </Button>
            </Alert>
          )}
          <StatusMessage message={message} />
          <SubmitButton>{t('fraud.rules.save')}</SubmitButton>
        </>
      }
    >
      {guard}
      <fieldset className="card form wide">
        <legend>{t('fraud.rules.checks')}</legend>
        <FormSwitch
          control={form.control}
          name="rules.enabled"
          label={t('fraud.rules.enabled')}
          description={t('fraud.rules.enabledHint')}
        />
      </fieldset>
      <fieldset className="card form wide">
        <legend>{t('fraud.rules.thresholds')}</legend>
        <p className="hint">{t('fraud.rules.thresholdsHint')}</p>
        <div className="field-row">
          <FormNumberField
            control={form.control}
            name="rules.thresholds.review"
            label={t('fraud.rules.reviewAt')}
            minValue={1}
            maxValue={100}
            step={1}
            formatOptions={INTEGER}
            isRequired
          />
          <FormNumberField
            control={form.control}
            name="rules.thresholds.block"
            label={t('fraud.rules.blockAt')}
            minValue={1}
            maxValue={100}
            step={1}
            formatOptions={INTEGER}
            isRequired
          />
        </div>
      </fieldset>
      <VelocityRules form={form} />
      <AccountAgeRules form={form} />
      <fieldset className="card form wide">
        <legend>{t('fraud.rules.blocklists')}</legend>
        <p className="hint">{t('fraud.rules.blocklistsHint')}</p>
        <div className="fraud-lists">
          {LISTS.map((key) => (
            <fieldset key={key} className="rule">
              <legend>{t(`fraud.kind.${KIND_OF_LIST[key]}`)}</legend>
              <ScoreAndAction form={form} prefix={`rules.blocklists.${key}`} />
            </fieldset>
          ))}
        </div>
      </fieldset>
      <fieldset className="card form wide">
        <legend>{t('fraud.rules.country')}</legend>
        <FormSwitch
          control={form.control}
          name="rules.countryMismatch.on"
          label={t('fraud.rules.countryOn')}
          description={t('fraud.rules.countryHint')}
        />
        {form.watch('rules.countryMismatch.on') && <ScoreAndAction form={form} prefix="rules.countryMismatch" />}
      </fieldset>
    </Form>
  )
}

type Prefix = `rules.blocklists.${ListKey}` | 'rules.countryMismatch' | `rules.velocity.${number}` | `rules.accountAge.${number}`

/** A rule's points and the decision it forces. */
function ScoreAndAction({ form, prefix }: { form: ServerForm<RulesValues>; prefix: Prefix }) {
  const { t } = useI18n()
  return (
    <div className="field-row">
      <FormNumberField
        control={form.control}
        name={`${prefix}.score`}
        label={t('fraud.rules.score')}
        description={t('fraud.rules.scoreHint')}
        minValue={0}
        maxValue={100}
        step={1}
        formatOptions={INTEGER}
        isRequired
      />
      <FormSelectField
        control={form.control}
        name={`${prefix}.action`}
        label={t('fraud.rules.action')}
        options={[
          { id: 'none', label: t('fraud.rules.action.none') },
          { id: 'review', label: t('fraud.rules.action.review') },
          { id: 'block', label: t('fraud.rules.action.block') },
        ]}
      />
    </div>
  )
}

/** A rule's operations as checkboxes; none ticked means all. */
function OperationChecks({
  form,
  name,
}: {
  form: ServerForm<RulesValues>
  name: `rules.velocity.${number}.operations` | `rules.accountAge.${number}.operations`
}) {
  const { t } = useI18n()
  return (
    <Controller
      control={form.control}
      name={name}
      render={({ field, fieldState }) => {
        const value = field.value as RuleOperation[]
        return (
          <fieldset className={fieldState.error ? 'checks invalid' : 'checks'}>
            <legend>{t('fraud.rules.operations')}</legend>
            {RULE_OPERATIONS.map((op, i) => (
              <Checkbox
                key={op}
                label={t(`fraud.operation.${op}`)}
                isSelected={value.includes(op)}
                inputRef={i === 0 ? field.ref : undefined}
                onChange={(on) =>
                  field.onChange(on ? RULE_OPERATIONS.filter((x) => x === op || value.includes(x)) : value.filter((x) => x !== op))
                }
              />
            ))}
            <p className="hint">{t('fraud.rules.operationsHint')}</p>
            {fieldState.error && <p className="field-error">{fieldState.error.message}</p>}
          </fieldset>
        )
      }}
    />
  )
}

/** An amount limit per currency, each in its display unit; empty is no limit. */
function AmountLimits({
  form,
  prefix,
  hint,
}: {
  form: ServerForm<RulesValues>
  prefix: `rules.velocity.${number}` | `rules.accountAge.${number}`
  hint: string
}) {
  const { t } = useI18n()
  const { irr, unit } = useMoney()
  return (
    <fieldset className="fraud-amounts">
      <legend>{t('fraud.rules.amounts')}</legend>
      <p className="hint">{hint}</p>
      <div className="field-row">
        {CURRENCY_CODES.map((c) => (
          <FormTextField
            key={c}
            control={form.control}
            name={`${prefix}.maxAmount.${c}`}
            label={t('fraud.rules.limitIn', { unit: unit(c) })}
            inputMode="decimal"
            dir="ltr"
            autoComplete="off"
            rules={{
              validate: (text) => {
                const typed = String(text ?? '').trim()
                return !typed || parseMoney(typed, c, irr).ok || t('fraud.rules.amountInvalid')
              },
            }}
          />
        ))}
      </div>
    </fieldset>
  )
}

function RuleId({ form, name }: { form: ServerForm<RulesValues>; name: `rules.velocity.${number}.id` | `rules.accountAge.${number}.id` }) {
  const { t } = useI18n()
  return (
    <FormTextField
      control={form.control}
      name={name}
      label={t('fraud.rules.id')}
      description={t('fraud.rules.idHint')}
      dir="ltr"
      autoComplete="off"
      className="narrow-field"
      isRequired
      rules={{ validate: (text) => RULE_ID.test(String(text ?? '').trim()) || t('fraud.rules.idInvalid') }}
    />
  )
}

const NEW_VELOCITY: VelocityValues = {
  id: '',
  subject: 'user',
  window: 10,
  windowUnit: 'minutes',
  maxCount: null,
  maxAmount: NO_AMOUNTS,
  score: 20,
  action: 'none',
  operations: [],
}
const NEW_AGE: AgeValues = { id: '', maxAgeDays: 1, maxAmount: NO_AMOUNTS, score: 20, action: 'none', operations: [] }

/**
 * A list of rules in the form: its legend and hint, "none yet", each rule in its own fieldset with
 * a Remove button (focus then goes to Add), and Add (focus goes to the new rule's first field).
 */
function RuleList({
  legend,
  hint,
  empty,
  keys,
  max,
  ruleLegend,
  removeLabel,
  addLabel,
  onAdd,
  onRemove,
  children,
}: {
  legend: string
  hint: string
  empty: string
  /** The rows' stable keys (useFieldArray's ids). */
  keys: string[]
  max: number
  ruleLegend: (n: number) => string
  removeLabel: (n: number) => string
  addLabel: string
  onAdd: () => void
  onRemove: (index: number) => void
  children: (index: number) => ReactNode
}) {
  const { t } = useI18n()
  const hintId = useId()
  const add = useRef<HTMLButtonElement>(null)
  return (
    <fieldset className="card form wide" aria-describedby={hintId}>
      <legend>{legend}</legend>
      <p className="hint" id={hintId}>
        {hint}
      </p>
      {keys.length === 0 && <p className="empty">{empty}</p>}
      {keys.map((key, i) => (
        <fieldset key={key} className="rule">
          <legend>{ruleLegend(i + 1)}</legend>
          {children(i)}
          <div className="row-actions">
            <Button
              variant="danger"
              size="small"
              aria-label={removeLabel(i + 1)}
              onPress={() => {
                onRemove(i)
                add.current?.focus()
              }}
            >
              {t('fraud.rules.remove')}
            </Button>
          </div>
        </fieldset>
      ))}
      <div>
        <Button ref={add} variant="secondary" isDisabled={keys.length >= max} onPress={onAdd}>
          {addLabel}
        </Button>
      </div>
    </fieldset>
  )
}

function VelocityRules({ form }: { form: ServerForm<RulesValues> }) {
  const { t } = useI18n()
  const rules = useFieldArray({ control: form.control, name: 'rules.velocity' })
  return (
    <RuleList
      legend={t('fraud.rules.velocity')}
      hint={t('fraud.rules.velocityHint')}
      empty={t('fraud.rules.noVelocity')}
      keys={rules.fields.map((rule) => rule.id)}
      max={50}
      ruleLegend={(n) => t('fraud.rules.velocityRule', { n })}
      removeLabel={(n) => t('fraud.rules.removeVelocity', { n })}
      addLabel={t('fraud.rules.addVelocity')}
      onAdd={() =>
        rules.append(
          { ...NEW_VELOCITY, maxAmount: { ...NO_AMOUNTS }, operations: [] },
          { shouldFocus: true, focusName: `rules.velocity.${rules.fields.length}.id` },
        )
      }
      onRemove={rules.remove}
    >
      {(i) => (
        <>
          <RuleId form={form} name={`rules.velocity.${i}.id`} />
          <div className="field-row">
            <FormSelectField
              control={form.control}
              name={`rules.velocity.${i}.subject`}
              label={t('fraud.rules.subject')}
              options={SUBJECTS.map((s) => ({ id: s, label: t(`fraud.rules.subject.${s}`) }))}
            />
            <FormNumberField
              control={form.control}
              name={`rules.velocity.${i}.window`}
              label={t('fraud.rules.window')}
              minValue={1}
              step={1}
              formatOptions={INTEGER}
              isRequired
              rules={{
                validate: (value) =>
                  value === null ||
                  secondsOf(Number(value), form.getValues(`rules.velocity.${i}.windowUnit`)) <= MAX_WINDOW ||
                  t('fraud.rules.windowInvalid'),
              }}
            />
            <FormSelectField
              control={form.control}
              name={`rules.velocity.${i}.windowUnit`}
              label={t('fraud.rules.windowUnit')}
              options={WINDOW_UNITS.map(({ unit }) => ({ id: unit, label: t(`fraud.unit.${unit}`) }))}
            />
          </div>
          <FormNumberField
            control={form.control}
            name={`rules.velocity.${i}.maxCount`}
            label={t('fraud.rules.maxCount')}
            description={t('fraud.rules.maxCountHint')}
            optional
            minValue={0}
            maxValue={1_000_000}
            step={1}
            formatOptions={INTEGER}
            className="narrow-field"
          />
          <AmountLimits form={form} prefix={`rules.velocity.${i}`} hint={t('fraud.rules.velocityAmountsHint')} />
          <ScoreAndAction form={form} prefix={`rules.velocity.${i}`} />
          <OperationChecks form={form} name={`rules.velocity.${i}.operations`} />
        </>
      )}
    </RuleList>
  )
}

function AccountAgeRules({ form }: { form: ServerForm<RulesValues> }) {
  const { t } = useI18n()
  const rules = useFieldArray({ control: form.control, name: 'rules.accountAge' })
  return (
    <RuleList
      legend={t('fraud.rules.accountAge')}
      hint={t('fraud.rules.accountAgeHint')}
      empty={t('fraud.rules.noAccountAge')}
      keys={rules.fields.map((rule) => rule.id)}
      max={20}
      ruleLegend={(n) => t('fraud.rules.accountAgeRule', { n })}
      removeLabel={(n) => t('fraud.rules.removeAccountAge', { n })}
      addLabel={t('fraud.rules.addAccountAge')}
      onAdd={() =>
        rules.append(
          { ...NEW_AGE, maxAmount: { ...NO_AMOUNTS }, operations: [] },
          { shouldFocus: true, focusName: `rules.accountAge.${rules.fields.length}.id` },
        )
      }
      onRemove={rules.remove}
    >
      {(i) => (
        <>
          <RuleId form={form} name={`rules.accountAge.${i}.id`} />
          <FormNumberField
            control={form.control}
            name={`rules.accountAge.${i}.maxAgeDays`}
            label={t('fraud.rules.maxAgeDays')}
            minValue={1}
            maxValue={3650}
            step={1}
            formatOptions={INTEGER}
            className="narrow-field"
            isRequired
          />
          <AmountLimits form={form} prefix={`rules.accountAge.${i}`} hint={t('fraud.rules.ageAmountsHint')} />
          <ScoreAndAction form={form} prefix={`rules.accountAge.${i}`} />
          <OperationChecks form={form} name={`rules.accountAge.${i}.operations`} />
        </>
      )}
    </RuleList>
  )
}
