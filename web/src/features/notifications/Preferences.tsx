// How the user wants to hear from us: a switch per channel, a category × channel grid (categories
// whose every type is critical are always on), quiet hours in the profile's time zone, and topics:
// public ones to follow or leave, and the private ones the service subscribed the user to.
import type {
  AvailableTopic,
  NotificationCategory,
  NotificationChannel,
  NotificationPreferences,
  NotificationPreferencesView,
} from '@caravan/sdk'
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

/** Public topics shown per page; more load on request. */
const TOPICS_PAGE = 50

function Topics() {
  const { t } = useI18n()
  const available = useLoad(() => client.notifications.availableTopics({ limit: TOPICS_PAGE }))
  const mine = useLoad(() => client.notifications.topics())
  const [message, setMessage] = useMessage()
  const setFollowing = (key: string, following: boolean) =>
    available.update((page) => ({ ...page, items: page.items.map((x) => (x.key === key ? { ...x, following } : x)) }))
  const toggle = useAction(async (topic: AvailableTopic) => {
    // The switch moves at once; it moves back if the server says no.
    setFollowing(topic.key, !topic.following)
    try {
      if (topic.following) await client.notifications.unfollow(topic.key)
      else await client.notifications.follow(topic.key)
    } catch (e) {
      setFollowing(topic.key, topic.following)
      throw e
    }
    setMessage((t) => t(topic.following ? 'prefs.unfollowed' : 'prefs.followed', { name: topic.name }))
  })
  const more = useAction(async (cursor: string) => {
    const next = await client.notifications.availableTopics({ limit: TOPICS_PAGE, cursor })
    available.update((page) => ({ items: [...page.items, ...next.items], nextCursor: next.nextCursor }))
  })
  // Private topics are the service's doing (an order's updates, say): shown, but only it takes the user out.
  const fromService = mine.data?.filter((topic) => topic.visibility === 'private') ?? []
  const nextCursor = available.data?.nextCursor
  return (
    <section className="card" aria-labelledby="topics-title">
      <h2 id="topics-title">{t('prefs.topics')}</h2>
      <p className="hint">{t('prefs.topicsHint')}</p>
      <StatusMessage message={message} />
      <ErrorAlert error={available.error ?? mine.error ?? toggle.error ?? more.error ?? null} />
      {available.loading && !available.data && <p>{t('common.loading')}</p>}
      {available.data?.items.length === 0 && <p className="muted">{t('prefs.noTopics')}</p>}
      {!!available.data?.items.length && (
        <ul className="plain-list" aria-busy={toggle.pending}>
          {available.data.items.map((topic) => (
            <li key={topic.key}>
              <label className="switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={topic.following}
                  disabled={toggle.pending}
                  onChange={() => void toggle.run(topic)}
                />
                <bdi>{topic.name}</bdi>
              </label>
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <button type="button" className="secondary small" disabled={more.pending} onClick={() => void more.run(nextCursor)}>
          {more.pending ? t('common.loading') : t('prefs.moreTopics')}
        </button>
      )}
      {fromService.length > 0 && (
        <div className="aside">
          <h3>{t('prefs.serviceTopics')}</h3>
          <p className="hint">{t('prefs.serviceTopicsHint')}</p>
          <ul className="plain-list">
            {fromService.map((topic) => (
              <li key={topic.key}>
                <bdi>{topic.name}</bdi>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
