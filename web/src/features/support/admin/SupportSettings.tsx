// /console/support/settings: the SLA targets per priority (first response, next response,
// resolution, typed as hours:minutes of the team's business hours; empty = that clock is not
// kept), when the desk warns before a breach, when solved tickets close, whether an agent without
// the console open counts as away, and whether customers are asked to rate. One form, saved with
// PATCH; leaving with unsaved changes asks first.
import type { SupportSettings, TicketPriority } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { Form, FormNumberField, FormSwitch, FormTextField, ProblemAlert, Skeleton, SubmitButton, useServerForm } from '../../../ui'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { Page } from '../../shell/Page'
import { minutesToInput, parseHoursMinutes } from './duration'
import { PRIORITIES, SLA_METRICS, type SlaMetric } from './labels'
import { useSupportSettings, useUpdateSupportSettings } from './queries'
import './admin.css'

/** Named as the server names them (sla.high.firstResponse), so its field errors land on their inputs. */
interface SettingsValues {
  sla: Record<TicketPriority, Record<SlaMetric, string>>
  slaWarnMinutes: number | null
  autoCloseHours: number | null
  autoOffline: boolean
  csat: boolean
}

/** The API takes targets from 1 minute to a year. */
const MAX_TARGET = 525_600

function valuesOf(settings: SupportSettings, locale: 'fa' | 'en'): SettingsValues {
  const sla = {} as SettingsValues['sla']
  for (const p of PRIORITIES) {
    sla[p] = { firstResponse: '', nextResponse: '', resolution: '' }
    for (const m of SLA_METRICS) sla[p][m] = minutesToInput(settings.sla[p][m], locale)
  }
  return {
    sla,
    slaWarnMinutes: settings.slaWarnMinutes,
    autoCloseHours: settings.autoCloseHours,
    autoOffline: settings.autoOffline,
    csat: settings.csat,
  }
}

export function SupportSettingsPage() {
  const { t, locale } = useI18n()
  const settings = useSupportSettings()
  return (
    <Page title={t('sadmin.settingsTitle')} intro={t('sadmin.settingsIntro')}>
      {settings.isPending && <Skeleton lines={8} />}
      {settings.isError && <ProblemAlert error={settings.error} onRetry={() => void settings.refetch()} />}
      {/* Keyed by language: the targets are text in the page's digits. */}
      {settings.data && <SettingsForm key={locale} settings={settings.data} />}
    </Page>
  )
}

function SettingsForm({ settings }: { settings: SupportSettings }) {
  const { t, locale } = useI18n()
  const [message, setMessage] = useMessage()
  const update = useUpdateSupportSettings()
  const form = useServerForm<SettingsValues>({
    defaultValues: valuesOf(settings, locale),
    onSubmit: async (values) => {
      setMessage(null)
      const sla = {} as SupportSettings['sla']
      for (const p of PRIORITIES) {
        sla[p] = { firstResponse: null, nextResponse: null, resolution: null }
        for (const m of SLA_METRICS) sla[p][m] = parseHoursMinutes(values.sla[p][m]) ?? null
      }
      const saved = await update.mutateAsync({
        sla,
        slaWarnMinutes: values.slaWarnMinutes ?? settings.slaWarnMinutes,
        autoCloseHours: values.autoCloseHours ?? settings.autoCloseHours,
        autoOffline: values.autoOffline,
        csat: values.csat,
      })
      form.reset(valuesOf(saved, locale))
      setMessage((t) => t('sadmin.settingsSaved'))
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)
  const checkTarget = (text: string) => {
    const minutes = parseHoursMinutes(text)
    if (minutes === undefined) return t('sadmin.targetInvalid')
    if (minutes !== null && (minutes < 1 || minutes > MAX_TARGET)) return t('sadmin.targetRange')
    return true
  }
  return (
    <Form
      form={form}
      className="wide"
      aria-label={t('sadmin.settingsTitle')}
      actions={
        <>
          <StatusMessage message={message} />
          <SubmitButton>{t('sadmin.saveSettings')}</SubmitButton>
        </>
      }
    >
      {guard}
      <fieldset className="card form wide">
        <legend>{t('sadmin.slaTargets')}</legend>
        <p className="hint">{t('sadmin.slaHint')}</p>
        {PRIORITIES.map((p) => (
          <fieldset key={p} className="sadmin-priority">
            <legend>{t(`sadmin.priority.${p}`)}</legend>
            <div className="field-row">
              {SLA_METRICS.map((m) => (
                <FormTextField
                  key={m}
                  control={form.control}
                  name={`sla.${p}.${m}`}
                  label={
                    <>
                      {t(`sadmin.metric.${m}`)}
                      {/* Heard on its own (a list of fields), the input says its priority too. */}
                      <span className="visually-hidden"> ({t(`sadmin.priority.${p}`)})</span>
                    </>
                  }
                  placeholder={t('sadmin.noTarget')}
                  inputMode="numeric"
                  dir="ltr"
                  autoComplete="off"
                  className="sadmin-target"
                  rules={{ validate: (text) => checkTarget(String(text ?? '')) }}
                />
              ))}
            </div>
          </fieldset>
        ))}
      </fieldset>
      <fieldset className="card form wide">
        <legend>{t('sadmin.desk')}</legend>
        <div className="field-row">
          <FormNumberField
            control={form.control}
            name="slaWarnMinutes"
            label={t('sadmin.warnMinutes')}
            description={t('sadmin.warnMinutesHint')}
            minValue={0}
            maxValue={10_080}
            step={1}
            formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
            isRequired
          />
          <FormNumberField
            control={form.control}
            name="autoCloseHours"
            label={t('sadmin.autoCloseHours')}
            description={t('sadmin.autoCloseHint')}
            minValue={0}
            maxValue={8_760}
            step={1}
            formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
            isRequired
          />
        </div>
        <FormSwitch control={form.control} name="autoOffline" label={t('sadmin.autoOffline')} description={t('sadmin.autoOfflineHint')} />
        <FormSwitch control={form.control} name="csat" label={t('sadmin.csat')} description={t('sadmin.csatHint')} />
      </fieldset>
    </Form>
  )
}
