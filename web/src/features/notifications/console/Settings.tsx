// Module-wide settings: rate limits (messages per user per hour, by category and channel) and
// the content filter (blocked words, links). One form; leaving with unsaved changes asks first.
import type { NotificationCategory, NotificationContentRules, NotificationRateLimits, NotificationSettings } from '@caravan/sdk'
import { useId } from 'react'
import { Controller } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import { Form, FormNumberField, FormSelectField, FormTextAreaField, ProblemAlert, Skeleton, SubmitButton, useServerForm } from '../../../ui'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { Page } from '../../shell/Page'
import { CATEGORIES, CHANNELS } from '../labels'
import { useNotificationSettings, useUpdateSettings } from './queries'
import './console.css'

type Row = NotificationCategory | '*'
const ROWS: Row[] = ['*', ...CATEGORIES]
const LINKS = ['allow', 'block', 'domains'] as const

/** Named as the server names them, so its field errors land on the right input. */
interface RuleValues {
  rateLimits: Record<string, Record<string, number | null>>
  contentRules: { blockedWords: string; links: (typeof LINKS)[number]; allowDomains: string }
  formats: { irr: 'toman' | 'rial' }
}

export function NotificationSettingsPage() {
  const { t } = useI18n()
  const settings = useNotificationSettings()
  return (
    <Page title={t('nsettings.title')} intro={t('nsettings.intro')}>
      {settings.isPending && <Skeleton lines={8} />}
      {settings.isError && <ProblemAlert error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && <SettingsForm settings={settings.data} />}
    </Page>
  )
}

function valuesOf(settings: NotificationSettings): RuleValues {
  const limits = settings.rateLimits ?? {}
  const rateLimits: RuleValues['rateLimits'] = {}
  for (const row of ROWS) {
    rateLimits[row] = {}
    for (const channel of CHANNELS) rateLimits[row][channel] = limits[row]?.[channel] ?? null
  }
  const rules: NotificationContentRules = settings.contentRules ?? { blockedWords: [], links: 'allow' }
  return {
    rateLimits,
    contentRules: {
      blockedWords: rules.blockedWords.join('\n'),
      links: typeof rules.links === 'object' ? 'domains' : rules.links,
      allowDomains: typeof rules.links === 'object' ? rules.links.allowDomains.join('\n') : '',
    },
    formats: { irr: settings.formats.irr },
  }
}

const wordsOf = (text: string) => [
  ...new Set(
    text
      .split(/[\n,،]+/)
      .map((w) => w.trim())
      .filter(Boolean),
  ),
]

function SettingsForm({ settings }: { settings: NotificationSettings }) {
  const { t } = useI18n()
  const id = useId()
  const [message, setMessage] = useMessage()
  const update = useUpdateSettings()
  const form = useServerForm<RuleValues>({
    defaultValues: valuesOf(settings),
    onSubmit: async (values) => {
      setMessage(null)
      const rateLimits: NotificationRateLimits = {}
      for (const row of ROWS)
        for (const channel of CHANNELS) {
          const value = values.rateLimits[row][channel]
          if (value !== null) rateLimits[row] = { ...rateLimits[row], [channel]: value }
        }
      const { blockedWords, links, allowDomains } = values.contentRules
      const answer = await update.mutateAsync({
        rateLimits,
        contentRules: { blockedWords: wordsOf(blockedWords), links: links === 'domains' ? { allowDomains: wordsOf(allowDomains) } : links },
        formats: values.formats,
      })
      form.reset(valuesOf(answer))
      setMessage((t) => t('nsettings.saved'))
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)
  const links = form.watch('contentRules.links')
  const rowLabel = (row: Row) => (row === '*' ? t('nsettings.anyCategory') : t(`category.${row}`))

  return (
    <Form
      form={form}
      className="wide"
      aria-label={t('nsettings.title')}
      actions={
        <>
          <StatusMessage message={message} />
          <SubmitButton>{t('nsettings.save')}</SubmitButton>
        </>
      }
    >
      {guard}
      <fieldset className="card">
        <legend>{t('nsettings.rateLimits')}</legend>
        <p className="hint" id={`${id}-limits-hint`}>
          {t('nsettings.rateLimitsHint')}
        </p>
        <div className="table-wrap flat">
          <table className="grid-table" aria-describedby={`${id}-limits-hint`}>
            <thead>
              <tr>
                <th scope="col">{t('prefs.category')}</th>
                {CHANNELS.map((channel) => (
                  <th key={channel} scope="col">
                    {t(`channel.${channel}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ROWS.map((row) => (
                <tr key={row}>
                  <th scope="row">{rowLabel(row)}</th>
                  {CHANNELS.map((channel) => (
                    <td key={channel}>
                      <FormNumberField
                        control={form.control}
                        name={`rateLimits.${row}.${channel}`}
                        label={
                          <span className="visually-hidden">
                            {t('nsettings.limitFor', { category: rowLabel(row), channel: t(`channel.${channel}`) })}
                          </span>
                        }
                        className="cell-number"
                        minValue={0}
                        maxValue={1_000_000}
                        step={1}
                        formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
                        placeholder={row === '*' ? t('nsettings.unlimited') : t('nsettings.inherit')}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>

      <fieldset className="card form wide">
        <legend>{t('nsettings.contentRules')}</legend>
        <FormTextAreaField
          control={form.control}
          name="contentRules.blockedWords"
          label={t('nsettings.blockedWords')}
          description={t('nsettings.blockedWordsHint')}
          dir="auto"
          rows={4}
        />
        {/* Three choices, all visible at once: native radios (the kit has no radio group). */}
        <Controller
          control={form.control}
          name="contentRules.links"
          render={({ field }) => (
            <fieldset className="checks">
              <legend>{t('nsettings.links')}</legend>
              {LINKS.map((value, i) => (
                <label key={value} className="check">
                  <input
                    ref={i === 0 ? field.ref : undefined}
                    type="radio"
                    name={field.name}
                    value={value}
                    checked={field.value === value}
                    onChange={() => field.onChange(value)}
                    onBlur={field.onBlur}
                  />
                  <span>{t(`nsettings.links.${value}`)}</span>
                </label>
              ))}
            </fieldset>
          )}
        />
        {links === 'domains' && (
          <FormTextAreaField
            control={form.control}
            name="contentRules.allowDomains"
            label={t('nsettings.domains')}
            description={t('nsettings.domainsHint')}
            dir="ltr"
            rows={3}
            spellCheck="false"
          />
        )}
      </fieldset>

      <fieldset className="card form wide">
        <legend>{t('nsettings.formats')}</legend>
        <FormSelectField
          control={form.control}
          name="formats.irr"
          label={t('nsettings.irr')}
          description={t('nsettings.irrHint')}
          options={[
            { id: 'toman', label: t('nsettings.irrToman') },
            { id: 'rial', label: t('nsettings.irrRial') },
          ]}
        />
      </fieldset>
    </Form>
  )
}
