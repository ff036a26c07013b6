// How the user wants to hear from us: a switch per channel and a category × channel grid (both
// save at once, shown before the server answers and put back if it refuses; categories whose
// every type is critical are always on), quiet hours in the profile's time zone (a small form:
// two times are typed before they mean anything), and topics: public ones to follow or leave,
// and the private ones the service subscribed the user to.
import type { AvailableTopic, NotificationPreferencesView } from '@caravan/sdk'
import { useMemo } from 'react'
import { Controller, useWatch } from 'react-hook-form'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Button, Checkbox, Form, FormCheckbox, ProblemAlert, Skeleton, Switch, useServerForm } from '../../ui'
import { TimeInput } from '../../ui/dates'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { CATEGORIES, CHANNELS } from './labels'
import {
  cellOn,
  useAvailableTopics,
  useFollowTopic,
  useMyTopics,
  usePreferences,
  useSavePreferences,
  type PreferencesChange,
} from './preferences-queries'
import './preferences.css'

export function NotificationPreferencesPage() {
  const { t } = useI18n()
  const view = usePreferences()
  return (
    <Page title={t('prefs.title')} intro={t('prefs.intro')}>
      {view.isPending ? (
        <Skeleton lines={8} className="card" />
      ) : view.isError ? (
        <ProblemAlert error={view.error} onRetry={() => void view.refetch()}>
          <p>{t('prefs.loadFailed')}</p>
        </ProblemAlert>
      ) : (
        <div className="prefs">
          <Toggles view={view.data} />
          <QuietHoursForm view={view.data} />
        </div>
      )}
      <Topics />
    </Page>
  )
}

/** The channel switches and the grid: each change is saved at once. */
function Toggles({ view }: { view: NotificationPreferencesView }) {
  const { t } = useI18n()
  const save = useSavePreferences()
  const [message, setMessage] = useMessage()
  const critical = new Set(view.criticalCategories)
  const { channels } = view.preferences

  const change = (next: PreferencesChange) => {
    setMessage(null)
    save.mutate(next, { onSuccess: () => setMessage((t) => t('prefs.saved')) })
  }

  return (
    <>
      <StatusMessage message={message} />
      {save.isError && (
        <ProblemAlert error={save.error} onRetry={() => change(save.variables)}>
          <p>{t('prefs.saveFailed')}</p>
        </ProblemAlert>
      )}
      <fieldset className="card">
        <legend>{t('prefs.channels')}</legend>
        <p className="hint">{t('prefs.channelsHint')}</p>
        <div className="switches">
          {CHANNELS.map((channel) => (
            <Switch
              key={channel}
              label={t(`channel.${channel}`)}
              isSelected={channels[channel]}
              onChange={(on) => change({ kind: 'channel', channel, on })}
            />
          ))}
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('prefs.categories')}</legend>
        <p className="hint" id="prefs-grid-hint">
          {t('prefs.categoriesHint')}
        </p>
        <div className="table-wrap flat">
          <table className="grid-table" aria-describedby="prefs-grid-hint">
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
                        <Checkbox
                          label={
                            <span className="visually-hidden">
                              {t('prefs.cell', { category: t(`category.${category}`), channel: t(`channel.${channel}`) })}
                            </span>
                          }
                          isSelected={always || cellOn(view.preferences, category, channel)}
                          isDisabled={always || !channels[channel]}
                          onChange={(on) => change({ kind: 'cell', category, channel, on })}
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
    </>
  )
}

interface QuietValues {
  quiet: boolean
  quietHours: { start: string; end: string }
}

const quietValues = (view: NotificationPreferencesView): QuietValues => ({
  quiet: view.preferences.quietHours !== null,
  quietHours: view.preferences.quietHours ?? { start: '22:00', end: '07:00' },
})

function QuietHoursForm({ view }: { view: NotificationPreferencesView }) {
  const { t } = useI18n()
  const save = useSavePreferences()
  const [message, setMessage] = useMessage()
  const values = useMemo(() => quietValues(view), [view])
  const form = useServerForm<QuietValues>({
    defaultValues: values,
    onSubmit: async ({ quiet, quietHours }) => {
      setMessage(null)
      const saved = await save.mutateAsync({ kind: 'quietHours', quietHours: quiet ? quietHours : null })
      form.reset(quietValues(saved))
      setMessage((t) => t('prefs.saved'))
    },
  })
  const quiet = useWatch({ control: form.control, name: 'quiet' })

  // Checked only while quiet hours are on; the end against the start too.
  const check = (which: 'start' | 'end') => (value: string, all: QuietValues) => {
    if (!all.quiet) return true
    if (!value) return t('prefs.quietMissing')
    return which === 'end' && value === all.quietHours.start ? t('prefs.quietSame') : true
  }

  return (
    <Form form={form} className="card" aria-labelledby="quiet-title" submitLabel={t('prefs.saveQuiet')}>
      <h2 id="quiet-title">{t('prefs.quietHours')}</h2>
      <StatusMessage message={message} />
      <FormCheckbox control={form.control} name="quiet" label={t('prefs.quietEnable')} />
      <div className="time-range">
        {(['start', 'end'] as const).map((which) => (
          <Controller
            key={which}
            control={form.control}
            name={`quietHours.${which}`}
            rules={{ validate: check(which) }}
            render={({ field, fieldState }) => (
              // The kit has no form binding for a time: bound here; a wrapper takes the focus for an error.
              <div
                ref={(element) => field.ref(element && { focus: () => element.querySelector<HTMLElement>('[role="spinbutton"]')?.focus() })}
              >
                <TimeInput
                  name={field.name}
                  label={which === 'start' ? t('prefs.quietStart') : t('prefs.quietEnd')}
                  value={field.value || null}
                  onChange={(value) => field.onChange(value ?? '')}
                  isDisabled={!quiet}
                  isRequired={quiet}
                  errorMessage={fieldState.error?.message}
                />
              </div>
            )}
          />
        ))}
      </div>
      <p className="hint">
        {t('prefs.quietZone', { zone: view.timezone })} <Link to="/profile">{t('prefs.changeZone')}</Link>
      </p>
      <p className="hint">{t('prefs.quietHint')}</p>
    </Form>
  )
}

function Topics() {
  const { t } = useI18n()
  const available = useAvailableTopics()
  const mine = useMyTopics()
  const follow = useFollowTopic()
  const [message, setMessage] = useMessage()
  const toggle = (topic: AvailableTopic, on: boolean) => {
    setMessage(null)
    follow.mutate(
      { topic, follow: on },
      { onSuccess: () => setMessage((t) => t(on ? 'prefs.followed' : 'prefs.unfollowed', { name: topic.name })) },
    )
  }
  // Private topics are the service's doing (an order's updates, say): shown, but only it takes the user out.
  const fromService = mine.data?.filter((topic) => topic.visibility === 'private') ?? []
  const topics = available.data?.pages.flatMap((page) => page.items)
  return (
    <section className="card" aria-labelledby="topics-title">
      <h2 id="topics-title">{t('prefs.topics')}</h2>
      <p className="hint">{t('prefs.topicsHint')}</p>
      <StatusMessage message={message} />
      {follow.isError && (
        <ProblemAlert error={follow.error} onRetry={() => toggle(follow.variables.topic, follow.variables.follow)}>
          <p>{t('prefs.followFailed', { name: follow.variables.topic.name })}</p>
        </ProblemAlert>
      )}
      {available.isPending ? (
        <Skeleton lines={3} />
      ) : available.isError && !available.data ? (
        <ProblemAlert error={available.error} onRetry={() => void available.refetch()}>
          <p>{t('prefs.topicsLoadFailed')}</p>
        </ProblemAlert>
      ) : topics?.length === 0 ? (
        <p className="muted">{t('prefs.noTopics')}</p>
      ) : (
        <ul className="plain-list">
          {topics?.map((topic) => (
            <li key={topic.key}>
              <Switch label={<bdi>{topic.name}</bdi>} isSelected={topic.following} onChange={(on) => toggle(topic, on)} />
            </li>
          ))}
        </ul>
      )}
      {/* A failed next page keeps the topics shown. */}
      {available.isFetchNextPageError && <ProblemAlert error={available.error} onRetry={() => void available.fetchNextPage()} />}
      {available.hasNextPage && (
        <Button variant="secondary" size="small" isPending={available.isFetchingNextPage} onPress={() => void available.fetchNextPage()}>
          {t('prefs.moreTopics')}
        </Button>
      )}
      {mine.isError && <ProblemAlert error={mine.error} onRetry={() => void mine.refetch()} />}
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
