// /console/payments/settings: how payments are routed (rules in order, the first that matches a
// payment's currency, amount and country gives its gateways, tried in order), how long an unpaid
// payment stays open, and the refund policies (a refund one of them covers goes at once; others
// wait in the approval queue). One form, saved together; leaving with unsaved changes asks first.
// Amounts are typed in the currency's display unit when a rule names exactly one currency (the
// API keeps minor units, which a rule over several currencies could not convert).
import type { Currency, PaymentGatewayName, PaymentSettings, RefundReason } from '@caravan/sdk'
import { useId } from 'react'
import { Controller, useFieldArray, type FieldPath } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import {
  Button,
  Checkbox,
  Form,
  FormNumberField,
  FormTextField,
  ProblemAlert,
  SelectField,
  Skeleton,
  SubmitButton,
  useServerForm,
  type ServerForm,
} from '../../../ui'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { Page } from '../../shell/Page'
import { GATEWAYS, REFUND_REASONS, useGatewayName } from '../labels'
import { CURRENCY_CODES, minorToInput, parseMoney, unitName, type IrrDisplay } from '../money'
import { usePaymentSettings, useUpdatePaymentSettings } from '../queries'
import { useMoney } from '../useMoney'
import '../payments.css'

interface RuleValues {
  currencies: Currency[]
  minAmount: string
  maxAmount: string
  countries: string
  gateways: PaymentGatewayName[]
}
interface PolicyValues {
  reasons: RefundReason[]
  currency: Currency | ''
  maxAmount: string
  withinDays: number | null
}
interface SettingsValues {
  expiryMinutes: number | null
  routing: RuleValues[]
  refundPolicies: PolicyValues[]
}

const ANY = 'any'
const EMPTY_RULE: RuleValues = { currencies: [], minAmount: '', maxAmount: '', countries: '', gateways: [] }
const EMPTY_POLICY: PolicyValues = { reasons: [], currency: '', maxAmount: '', withinDays: null }

/** The one currency amounts are typed in, or null (then they are minor units). */
const amountCurrency = (currencies: Currency[] | undefined): Currency | null => (currencies?.length === 1 ? currencies[0] : null)

/** An amount bound as typed: in the currency's display unit, else minor units; 0 is a bound too. */
function parseBound(text: string, currency: Currency | null, irr: IrrDisplay): { ok: true; minor?: string } | { ok: false } {
  const trimmed = text.trim()
  if (!trimmed) return { ok: true }
  if (!currency) return /^\d{1,78}$/.test(trimmed) ? { ok: true, minor: trimmed.replace(/^0+(?=\d)/, '') } : { ok: false }
  const parsed = parseMoney(trimmed, currency, irr)
  if (parsed.ok) return { ok: true, minor: parsed.minor }
  return parsed.error === 'zero' ? { ok: true, minor: '0' } : { ok: false }
}
const boundInput = (minor: string | undefined, currency: Currency | null, irr: IrrDisplay) =>
  minor === undefined ? '' : currency ? minorToInput(minor, currency, irr) : minor

function valuesOf(settings: PaymentSettings, irr: IrrDisplay): SettingsValues {
  return {
    expiryMinutes: settings.expiryMinutes,
    routing: settings.routing.map((rule) => {
      const currency = amountCurrency(rule.currencies)
      return {
        currencies: rule.currencies ?? [],
        minAmount: boundInput(rule.minAmount, currency, irr),
        maxAmount: boundInput(rule.maxAmount, currency, irr),
        countries: (rule.countries ?? []).join(', '),
        gateways: rule.gateways,
      }
    }),
    refundPolicies: settings.refundPolicies.map((policy) => ({
      reasons: (policy.reasons ?? []).filter((r): r is RefundReason => (REFUND_REASONS as string[]).includes(r)),
      currency: policy.currency ?? '',
      maxAmount: boundInput(policy.maxAmount, policy.currency ?? null, irr),
      withinDays: policy.withinDays ?? null,
    })),
  }
}

const countriesOf = (text: string) => [
  ...new Set(
    text
      .split(/[\s,،]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean),
  ),
]

export function PaymentSettingsPage() {
  const { t } = useI18n()
  const settings = usePaymentSettings()
  const { irr } = useMoney()
  return (
    <Page title={t('psettings.title')} intro={t('psettings.intro')}>
      {settings.isPending && <Skeleton lines={8} />}
      {settings.isError && <ProblemAlert error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && <SettingsForm settings={settings.data} irr={irr} />}
    </Page>
  )
}

function SettingsForm({ settings, irr }: { settings: PaymentSettings; irr: IrrDisplay }) {
  const { t } = useI18n()
  const [message, setMessage] = useMessage()
  const update = useUpdatePaymentSettings()
  const form = useServerForm<SettingsValues>({
    defaultValues: valuesOf(settings, irr),
    onSubmit: async (values) => {
      setMessage(null)
      const answer = await update.mutateAsync({
        expiryMinutes: values.expiryMinutes ?? settings.expiryMinutes,
        routing: values.routing.map((rule) => {
          const currency = amountCurrency(rule.currencies)
          const min = parseBound(rule.minAmount, currency, irr)
          const max = parseBound(rule.maxAmount, currency, irr)
          const countries = countriesOf(rule.countries)
          return {
            ...(rule.currencies.length ? { currencies: rule.currencies } : {}),
            ...(min.ok && min.minor !== undefined ? { minAmount: min.minor } : {}),
            ...(max.ok && max.minor !== undefined ? { maxAmount: max.minor } : {}),
            ...(countries.length ? { countries } : {}),
            gateways: rule.gateways,
          }
        }),
        refundPolicies: values.refundPolicies.map((policy) => {
          const max = policy.currency ? parseBound(policy.maxAmount, policy.currency, irr) : { ok: true as const }
          return {
            ...(policy.reasons.length ? { reasons: policy.reasons } : {}),
            ...(policy.currency ? { currency: policy.currency } : {}),
            ...(max.ok && max.minor !== undefined ? { maxAmount: max.minor } : {}),
            ...(policy.withinDays !== null ? { withinDays: policy.withinDays } : {}),
          }
        }),
      })
      form.reset(valuesOf(answer, irr))
      setMessage((t) => t('psettings.saved'))
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)
  return (
    <Form
      form={form}
      className="wide pay-settings"
      aria-label={t('psettings.title')}
      actions={
        <>
          <StatusMessage message={message} />
          <SubmitButton>{t('psettings.save')}</SubmitButton>
        </>
      }
    >
      {guard}
      <fieldset className="card form wide">
        <legend>{t('psettings.expiry')}</legend>
        <FormNumberField
          control={form.control}
          name="expiryMinutes"
          label={t('psettings.expiryMinutes')}
          description={t('psettings.expiryHint')}
          className="narrow-field"
          minValue={5}
          maxValue={7 * 24 * 60}
          step={1}
          formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
          isRequired
        />
      </fieldset>
      <RoutingRules form={form} irr={irr} />
      <RefundPolicies form={form} irr={irr} />
    </Form>
  )
}

function RoutingRules({ form, irr }: { form: ServerForm<SettingsValues>; irr: IrrDisplay }) {
  const { t, locale, formatNumber } = useI18n()
  const id = useId()
  const rules = useFieldArray({ control: form.control, name: 'routing' })
  return (
    <fieldset className="card form wide" aria-describedby={`${id}-hint`}>
      <legend>{t('psettings.routing')}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t('psettings.routingHint')}
      </p>
      {rules.fields.length === 0 && <p className="empty">{t('psettings.noRules')}</p>}
      {rules.fields.map((rule, i) => {
        const n = formatNumber(i + 1)
        const currencies = form.watch(`routing.${i}.currencies`)
        const currency = amountCurrency(currencies)
        const unit = currency ? unitName(currency, irr, locale) : t('psettings.minorUnits')
        const bound = (name: 'minAmount' | 'maxAmount') => (
          <FormTextField
            control={form.control}
            name={`routing.${i}.${name}`}
            label={t(name === 'minAmount' ? 'psettings.minAmount' : 'psettings.maxAmount', { unit })}
            optional
            inputMode="decimal"
            dir="ltr"
            autoComplete="off"
            rules={{
              validate: (text) =>
                parseBound(String(text ?? ''), amountCurrency(form.getValues(`routing.${i}.currencies`)), irr).ok ||
                t('psettings.amountInvalid'),
            }}
          />
        )
        return (
          <fieldset key={rule.id} className="rule">
            <legend>{t('psettings.rule', { n })}</legend>
            <CurrencyChecks form={form} name={`routing.${i}.currencies`} hint={t('psettings.anyCurrency')} />
            <div className="field-row">
              {bound('minAmount')}
              {bound('maxAmount')}
            </div>
            {!currency && <p className="hint">{t('psettings.minorUnitsHint')}</p>}
            <FormTextField
              control={form.control}
              name={`routing.${i}.countries`}
              label={t('psettings.countries')}
              description={t('psettings.countriesHint')}
              optional
              dir="ltr"
              autoComplete="off"
              rules={{
                validate: (text) => countriesOf(String(text ?? '')).every((c) => /^[A-Z]{2}$/.test(c)) || t('psettings.countriesInvalid'),
              }}
            />
            <GatewayOrder form={form} index={i} />
            <div className="row-actions">
              <Button
                variant="secondary"
                size="small"
                isDisabled={i === 0}
                onPress={() => rules.move(i, i - 1)}
                aria-label={t('psettings.ruleUp', { n })}
              >
                {t('psettings.moveUp')}
              </Button>
              <Button
                variant="secondary"
                size="small"
                isDisabled={i === rules.fields.length - 1}
                onPress={() => rules.move(i, i + 1)}
                aria-label={t('psettings.ruleDown', { n })}
              >
                {t('psettings.moveDown')}
              </Button>
              <Button variant="danger" size="small" onPress={() => rules.remove(i)} aria-label={t('psettings.removeRule', { n })}>
                {t('psettings.remove')}
              </Button>
            </div>
          </fieldset>
        )
      })}
      <div>
        <Button variant="secondary" onPress={() => rules.append({ ...EMPTY_RULE, gateways: [] })} isDisabled={rules.fields.length >= 50}>
          {t('psettings.addRule')}
        </Button>
      </div>
    </fieldset>
  )
}

/** Currencies as checkboxes; none ticked means any. */
function CurrencyChecks({ form, name, hint }: { form: ServerForm<SettingsValues>; name: FieldPath<SettingsValues>; hint: string }) {
  const { t } = useI18n()
  return (
    <Controller
      control={form.control}
      name={name}
      render={({ field, fieldState }) => {
        const value = (field.value as Currency[]) ?? []
        return (
          <fieldset className={fieldState.error ? 'checks invalid' : 'checks'}>
            <legend>{t('psettings.currencies')}</legend>
            {CURRENCY_CODES.map((c, i) => (
              <Checkbox
                key={c}
                label={t(`currency.${c}`)}
                isSelected={value.includes(c)}
                inputRef={i === 0 ? field.ref : undefined}
                onChange={(on) =>
                  field.onChange(on ? CURRENCY_CODES.filter((x) => x === c || value.includes(x)) : value.filter((x) => x !== c))
                }
              />
            ))}
            <p className="hint">{hint}</p>
            {fieldState.error && <p className="field-error">{fieldState.error.message}</p>}
          </fieldset>
        )
      }}
    />
  )
}

/** A rule's gateways in the order they are tried: move, remove, add. At least one, at most four. */
function GatewayOrder({ form, index }: { form: ServerForm<SettingsValues>; index: number }) {
  const { t, formatNumber } = useI18n()
  const gatewayName = useGatewayName()
  const headingId = useId()
  return (
    <Controller
      control={form.control}
      name={`routing.${index}.gateways`}
      rules={{ validate: (value) => (value as PaymentGatewayName[]).length > 0 || t('psettings.gatewaysRequired') }}
      render={({ field, fieldState }) => {
        const chosen = field.value as PaymentGatewayName[]
        const move = (from: number, to: number) => {
          const next = [...chosen]
          next.splice(to, 0, next.splice(from, 1)[0])
          field.onChange(next)
        }
        const rest = GATEWAYS.filter((g) => !chosen.includes(g))
        return (
          <div className={fieldState.error ? 'gateway-order invalid' : 'gateway-order'} role="group" aria-labelledby={headingId}>
            <p className="group-label" id={headingId}>
              {t('psettings.gateways')}
            </p>
            {chosen.length > 0 && (
              <ol className="plain-list ordered">
                {chosen.map((g, i) => {
                  const name = gatewayName(g)
                  return (
                    <li key={g}>
                      <span>
                        {formatNumber(i + 1)}. {name}
                      </span>
                      <span className="row-actions">
                        <Button
                          variant="quiet"
                          size="small"
                          isDisabled={i === 0}
                          onPress={() => move(i, i - 1)}
                          aria-label={t('psettings.gatewayUp', { name })}
                        >
                          {t('psettings.moveUp')}
                        </Button>
                        <Button
                          variant="quiet"
                          size="small"
                          isDisabled={i === chosen.length - 1}
                          onPress={() => move(i, i + 1)}
                          aria-label={t('psettings.gatewayDown', { name })}
                        >
                          {t('psettings.moveDown')}
                        </Button>
                        <Button
                          variant="quiet"
                          size="small"
                          onPress={() => field.onChange(chosen.filter((x) => x !== g))}
                          aria-label={t('psettings.gatewayRemove', { name })}
                        >
                          {t('psettings.remove')}
                        </Button>
                      </span>
                    </li>
                  )
                })}
              </ol>
            )}
            {rest.length > 0 && chosen.length < 4 && (
              <SelectField
                label={t('psettings.addGateway')}
                value={null}
                inputRef={chosen.length === 0 ? field.ref : undefined}
                onChange={(g) => g && field.onChange([...chosen, g as PaymentGatewayName])}
                options={rest.map((g) => ({ id: g, label: gatewayName(g) }))}
                errorMessage={fieldState.error?.message}
              />
            )}
            {fieldState.error && !(rest.length > 0 && chosen.length < 4) && <p className="field-error">{fieldState.error.message}</p>}
          </div>
        )
      }}
    />
  )
}

function RefundPolicies({ form, irr }: { form: ServerForm<SettingsValues>; irr: IrrDisplay }) {
  const { t, locale, formatNumber } = useI18n()
  const id = useId()
  const policies = useFieldArray({ control: form.control, name: 'refundPolicies' })
  return (
    <fieldset className="card form wide" aria-describedby={`${id}-hint`}>
      <legend>{t('psettings.policies')}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t('psettings.policiesHint')}
      </p>
      {policies.fields.length === 0 && <p className="empty">{t('psettings.noPolicies')}</p>}
      {policies.fields.map((policy, i) => {
        const n = formatNumber(i + 1)
        const currency = form.watch(`refundPolicies.${i}.currency`)
        return (
          <fieldset key={policy.id} className="rule">
            <legend>{t('psettings.policy', { n })}</legend>
            <Controller
              control={form.control}
              name={`refundPolicies.${i}.reasons`}
              render={({ field }) => {
                const value = field.value
                return (
                  <fieldset className="checks">
                    <legend>{t('psettings.reasons')}</legend>
                    {REFUND_REASONS.map((r, k) => (
                      <Checkbox
                        key={r}
                        label={t(`refundReason.${r}`)}
                        isSelected={value.includes(r)}
                        inputRef={k === 0 ? field.ref : undefined}
                        onChange={(on) =>
                          field.onChange(on ? REFUND_REASONS.filter((x) => x === r || value.includes(x)) : value.filter((x) => x !== r))
                        }
                      />
                    ))}
                    <p className="hint">{t('psettings.anyReason')}</p>
                  </fieldset>
                )
              }}
            />
            <div className="field-row">
              <Controller
                control={form.control}
                name={`refundPolicies.${i}.currency`}
                render={({ field }) => (
                  <SelectField
                    label={t('psettings.currency')}
                    // Any currency is '' in the form, "any" in the list.
                    value={field.value || ANY}
                    onChange={(value) => field.onChange(!value || value === ANY ? '' : value)}
                    onBlur={field.onBlur}
                    inputRef={field.ref}
                    options={[
                      { id: ANY, label: t('psettings.anyCurrencyOption') },
                      ...CURRENCY_CODES.map((c) => ({ id: c, label: t(`currency.${c}`) })),
                    ]}
                  />
                )}
              />
              {currency && (
                <FormTextField
                  control={form.control}
                  name={`refundPolicies.${i}.maxAmount`}
                  label={t('psettings.maxRefund', { unit: unitName(currency, irr, locale) })}
                  optional
                  inputMode="decimal"
                  dir="ltr"
                  autoComplete="off"
                  rules={{
                    validate: (text) =>
                      parseBound(String(text ?? ''), form.getValues(`refundPolicies.${i}.currency`) || null, irr).ok ||
                      t('psettings.amountInvalid'),
                  }}
                />
              )}
              <FormNumberField
                control={form.control}
                name={`refundPolicies.${i}.withinDays`}
                label={t('psettings.withinDays')}
                optional
                minValue={0}
                maxValue={3650}
                step={1}
                formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
              />
            </div>
            {!currency && <p className="hint">{t('psettings.maxNeedsCurrency')}</p>}
            <div className="row-actions">
              <Button variant="danger" size="small" onPress={() => policies.remove(i)} aria-label={t('psettings.removePolicy', { n })}>
                {t('psettings.remove')}
              </Button>
            </div>
          </fieldset>
        )
      })}
      <div>
        <Button
          variant="secondary"
          onPress={() => policies.append({ ...EMPTY_POLICY, reasons: [] })}
          isDisabled={policies.fields.length >= 20}
        >
          {t('psettings.addPolicy')}
        </Button>
      </div>
    </fieldset>
  )
}
