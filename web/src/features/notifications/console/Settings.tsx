// Module-wide settings: rate limits (messages per user per hour, by category and channel) and
// the content filter (blocked words, links).
import type {
  NotificationCategory,
  NotificationChannel,
  NotificationContentRules,
  NotificationRateLimits,
  NotificationSettings,
} from '@caravan/sdk'
import { useId, useState, type FormEvent } from 'react'
import { useI18n } from '../../../i18n'
import { client } from '../../auth/session'
import { ErrorAlert, StatusMessage, TextAreaField, useAction } from '../../shell/form'
import { Page } from '../../shell/Page'
import { useLoad } from '../../shell/useLoad'
import { CATEGORIES, CHANNELS } from '../labels'

type Row = NotificationCategory | '*'
const ROWS: Row[] = ['*', ...CATEGORIES]
type Cells = Record<string, string>
const cell = (row: Row, channel: NotificationChannel) => `${row}:${channel}`

export function NotificationSettingsPage() {
  const { t } = useI18n()
  const settings = useLoad(() => client.admin.notifications.settings())
  return (
    <Page title={t('nsettings.title')} intro={t('nsettings.intro')}>
      <ErrorAlert error={settings.error ?? null} />
      {settings.loading && !settings.data && <p>{t('common.loading')}</p>}
      {settings.data && <SettingsForm settings={settings.data} />}
    </Page>
  )
}

function cellsOf(limits: NotificationRateLimits): Cells {
  const cells: Cells = {}
  for (const row of ROWS)
    for (const channel of CHANNELS) {
      const value = limits[row]?.[channel]
      cells[cell(row, channel)] = value === undefined ? '' : String(value)
    }
  return cells
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
  const [cells, setCells] = useState<Cells>(() => cellsOf(settings.rateLimits ?? {}))
  const rules: NotificationContentRules = settings.contentRules ?? { blockedWords: [], links: 'allow' }
  const [words, setWords] = useState(rules.blockedWords.join('\n'))
  const [links, setLinks] = useState<'allow' | 'block' | 'domains'>(typeof rules.links === 'object' ? 'domains' : rules.links)
  const [domains, setDomains] = useState(typeof rules.links === 'object' ? rules.links.allowDomains.join('\n') : '')
  const [saved, setSaved] = useState(false)
  const bad = Object.entries(cells)
    .filter(([, v]) => v !== '' && !/^\d+$/.test(v))
    .map(([k]) => k)

  const save = useAction(async () => {
    const rateLimits: NotificationRateLimits = {}
    for (const row of ROWS)
      for (const channel of CHANNELS) {
        const value = cells[cell(row, channel)]
        if (value !== '') rateLimits[row] = { ...rateLimits[row], [channel]: Number(value) }
      }
    const contentRules: NotificationContentRules = {
      blockedWords: wordsOf(words),
      links: links === 'domains' ? { allowDomains: wordsOf(domains) } : links,
    }
    const answer = await client.admin.notifications.updateSettings({ rateLimits, contentRules })
    setCells(cellsOf(answer.rateLimits ?? {}))
    setWords(answer.contentRules.blockedWords.join('\n'))
    return answer
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setSaved(false)
    if (bad.length) return
    if (await save.run()) setSaved(true)
  }

  const rowLabel = (row: Row) => (row === '*' ? t('nsettings.anyCategory') : t(`category.${row}`))
  return (
    <form onSubmit={submit} noValidate aria-busy={save.pending}>
      <ErrorAlert error={save.error} />
      {bad.length > 0 && (
        <div className="alert error" role="alert">
          <p>{t('nsettings.limitsInvalid')}</p>
        </div>
      )}
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
                  {CHANNELS.map((channel) => {
                    const key = cell(row, channel)
                    return (
                      <td key={channel}>
                        <input
                          type="number"
                          min={0}
                          max={1000000}
                          inputMode="numeric"
                          dir="ltr"
                          className="narrow-number"
                          aria-label={t('nsettings.limitFor', { category: rowLabel(row), channel: t(`channel.${channel}`) })}
                          aria-invalid={bad.includes(key) ? true : undefined}
                          placeholder={row === '*' ? t('nsettings.unlimited') : t('nsettings.inherit')}
                          value={cells[key]}
                          onChange={(e) => setCells((c) => ({ ...c, [key]: e.target.value }))}
                        />
                      </td>
                    )
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>

      <fieldset className="card form wide">
        <legend>{t('nsettings.contentRules')}</legend>
        <TextAreaField
          label={t('nsettings.blockedWords')}
          hint={t('nsettings.blockedWordsHint')}
          dir="auto"
          rows={4}
          value={words}
          onChange={(e) => setWords(e.target.value)}
        />
        <fieldset className="checks">
          <legend>{t('nsettings.links')}</legend>
          {(['allow', 'block', 'domains'] as const).map((value) => (
            <label key={value} className="check">
              <input type="radio" name={`${id}-links`} value={value} checked={links === value} onChange={() => setLinks(value)} />
              <span>{t(`nsettings.links.${value}`)}</span>
            </label>
          ))}
        </fieldset>
        {links === 'domains' && (
          <TextAreaField
            label={t('nsettings.domains')}
            hint={t('nsettings.domainsHint')}
            dir="ltr"
            rows={3}
            spellCheck={false}
            value={domains}
            onChange={(e) => setDomains(e.target.value)}
          />
        )}
      </fieldset>
      <StatusMessage message={saved ? t('nsettings.saved') : null} />
      <button type="submit" disabled={save.pending}>
        {save.pending ? t('common.working') : t('nsettings.save')}
      </button>
    </form>
  )
}
