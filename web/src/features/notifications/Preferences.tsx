// How the user wants to hear from us: a switch per channel, a category × channel grid (security
// is always on), quiet hours in the profile's time zone, and the topics followed.
import type { NotificationCategory, NotificationChannel, NotificationPreferences, NotificationPreferencesView, Topic } from '@caravan/sdk'
import { useId, useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { client } from '../auth/session'
import { ErrorAlert, StatusMessage, useAction, useMessage } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'
import { CATEGORIES, CHANNELS } from './labels'

export function NotificationPreferencesPage() {
  const { t } = useI18n()
  const view = useLoad(() => client.notifications.preferences())
  return (
    <Page title={t('prefs.title')} intro={t('prefs.intro')}>
      <ErrorAlert error={view.error ?? null} />
      {view.loading && !view.data && <p>{t('common.loading')}</p>}
      {view.data && <PreferencesForm view={view.data} />}
      <Topics />
    </Page>
  )
}

type Grid = Record<NotificationCategory, Record<NotificationChannel, boolean>>

function gridOf(preferences: NotificationPreferences): Grid {
  return Object.fromEntries(
    CATEGORIES.map((category) => [
      category,
      Object.fromEntries(CHANNELS.map((channel) => [channel, preferences.categories[category]?.[channel] !== false])),
    ]),
  ) as Grid
}

function PreferencesForm({ view }: { view: NotificationPreferencesView }) {
  const { t } = useI18n()
  const id = useId()
  const critical = new Set(view.criticalCategories)
  const [channels, setChannels] = useState(view.preferences.channels)
  const [grid, setGrid] = useState<Grid>(() => gridOf(view.preferences))
  const [quiet, setQuiet] = useState(view.preferences.quietHours !== null)
  const [start, setStart] = useState(view.preferences.quietHours?.start ?? '22:00')
  const [end, setEnd] = useState(view.preferences.quietHours?.end ?? '07:00')
  const [timezone, setTimezone] = useState(view.timezone)
  const [saved, setSaved] = useState(false)
  const [quietError, setQuietError] = useState<string | null>(null)

  const save = useAction(async () => {
    // Only the switched-off cells are sent: a category or channel left out is on.
    const categories: NotificationPreferences['categories'] = {}
    for (const category of CATEGORIES) {
      if (critical.has(category)) continue
      const off = CHANNELS.filter((channel) => !grid[category][channel])
      if (off.length) categories[category] = Object.fromEntries(off.map((channel) => [channel, false]))
    }
    const answer = await client.notifications.setPreferences({ channels, categories, quietHours: quiet ? { start, end } : null })
    setChannels(answer.preferences.channels)
    setGrid(gridOf(answer.preferences))
    setQuiet(answer.preferences.quietHours !== null)
    setTimezone(answer.timezone)
    return answer
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setSaved(false)
    setQuietError(null)
    if (quiet && (!start || !end || start === end)) {
      setQuietError(!start || !end ? t('prefs.quietMissing') : t('prefs.quietSame'))
      document.getElementById(`${id}-start`)?.focus()
      return
    }
    if (await save.run()) setSaved(true)
  }

  const toggleCell = (category: NotificationCategory, channel: NotificationChannel) =>
    setGrid((g) => ({ ...g, [category]: { ...g[category], [channel]: !g[category][channel] } }))

  return (
    <form className="prefs" onSubmit={submit} noValidate aria-busy={save.pending}>
      <ErrorAlert error={save.error} />

      <fieldset className="card">
        <legend>{t('prefs.channels')}</legend>
        <p className="hint">{t('prefs.channelsHint')}</p>
        <div className="switches">
          {CHANNELS.map((channel) => (
            <label key={channel} className="switch">
              <input
                type="checkbox"
                role="switch"
                checked={channels[channel]}
                onChange={() => setChannels((c) => ({ ...c, [channel]: !c[channel] }))}
              />
              <span>{t(`channel.${channel}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('prefs.categories')}</legend>
        <p className="hint" id={`${id}-grid-hint`}>
          {t('prefs.categoriesHint')}
        </p>
        <div className="table-wrap flat">
          <table className="grid-table" aria-describedby={`${id}-grid-hint`}>
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
              {CATEGORIES.map((category) => {
                const always = critical.has(category)
                return (
                  <tr key={category}>
                    <th scope="row">
                      {t(`category.${category}`)}
                      {always && <span className="tag always">{t('prefs.alwaysOn')}</span>}
                    </th>
                    {CHANNELS.map((channel) => (
                      <td key={channel}>
                        <input
                          type="checkbox"
                          aria-label={t('prefs.cell', { category: t(`category.${category}`), channel: t(`channel.${channel}`) })}
                          checked={always || grid[category][channel]}
                          disabled={always || !channels[channel]}
                          onChange={() => toggleCell(category, channel)}
                        />
                      </td>
                    ))}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        <p className="hint">{t('prefs.alwaysOnHint')}</p>
      </fieldset>

      <fieldset className="card">
        <legend>{t('prefs.quietHours')}</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={quiet}
            onChange={(e) => {
              setQuiet(e.target.checked)
              setQuietError(null)
            }}
          />
          <span>{t('prefs.quietEnable')}</span>
        </label>
        <div className={quietError ? 'time-range field invalid' : 'time-range'}>
          <div className="field">
            <label htmlFor={`${id}-start`}>{t('prefs.quietStart')}</label>
            <input
              id={`${id}-start`}
              type="time"
              dir="ltr"
              value={start}
              disabled={!quiet}
              required={quiet}
              aria-invalid={quietError ? true : undefined}
              aria-describedby={`${id}-tz${quietError ? ` ${id}-quiet-error` : ''}`}
              onChange={(e) => setStart(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-end`}>{t('prefs.quietEnd')}</label>
            <input
              id={`${id}-end`}
              type="time"
              dir="ltr"
              value={end}
              disabled={!quiet}
              required={quiet}
              aria-invalid={quietError ? true : undefined}
              aria-describedby={`${id}-tz${quietError ? ` ${id}-quiet-error` : ''}`}
              onChange={(e) => setEnd(e.target.value)}
            />
          </div>
        </div>
        {quietError && (
          <p className="field-error" id={`${id}-quiet-error`} role="alert">
            {quietError}
          </p>
        )}
        <p className="hint" id={`${id}-tz`}>
          {t('prefs.quietZone', { zone: timezone })} <Link to="/profile">{t('prefs.changeZone')}</Link>
        </p>
        <p className="hint">{t('prefs.quietHint')}</p>
      </fieldset>

      <StatusMessage message={saved ? t('prefs.saved') : null} />
      <button type="submit" disabled={save.pending}>
        {save.pending ? t('common.working') : t('prefs.save')}
      </button>
    </form>
  )
}

function Topics() {
  const { t } = useI18n()
  const topics = useLoad(() => client.notifications.topics())
  const [message, setMessage] = useMessage()
  const unfollow = useAction(async (topic: Topic) => {
    await client.notifications.unfollow(topic.key)
    topics.update((list) => list.filter((x) => x.key !== topic.key))
    setMessage((t) => t('prefs.unfollowed', { name: topic.name }))
  })
  return (
    <section className="card" aria-labelledby="topics-title">
      <h2 id="topics-title">{t('prefs.topics')}</h2>
      <StatusMessage message={message} />
      <ErrorAlert error={topics.error ?? unfollow.error ?? null} />
      {topics.data?.length === 0 && <p className="muted">{t('prefs.noTopics')}</p>}
      {!!topics.data?.length && (
        <ul className="plain-list">
          {topics.data.map((topic) => (
            <li key={topic.key}>
              <bdi>{topic.name}</bdi>
              <button
                type="button"
                className="secondary small"
                disabled={unfollow.pending}
                aria-label={t('prefs.unfollowNamed', { name: topic.name })}
                onClick={() => void unfollow.run(topic)}
              >
                {t('prefs.unfollow')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
