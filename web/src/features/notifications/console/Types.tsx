// Notification types: the list (each opens its template editor) and a form to define one.
import type { NotificationCategory, NotificationChannel } from '@caravan/sdk'
import { useState, type FormEvent } from 'react'
import { useI18n } from '../../../i18n'
import { Link, navigate } from '../../../navigation'
import { client } from '../../auth/session'
import { ErrorAlert, SelectField, TextField, fieldMessage, useAction } from '../../shell/form'
import { Page } from '../../shell/Page'
import { useLoad } from '../../shell/useLoad'
import { CATEGORIES, CHANNELS } from '../labels'

export const typePath = (key: string) => `/console/notifications/types/${encodeURIComponent(key)}`

export function NotificationTypes() {
  const { t, formatDate } = useI18n()
  const types = useLoad(() => client.admin.notifications.listTypes())
  const [key, setKey] = useState('')
  const [name, setName] = useState('')
  const [category, setCategory] = useState<NotificationCategory>('transactional')
  const [critical, setCritical] = useState(false)
  const [channels, setChannels] = useState<NotificationChannel[]>(['in_app'])

  const create = useAction(() =>
    client.admin.notifications.createType({ key: key.trim(), name: name.trim(), category, critical, channels }),
  )

  async function submit(event: FormEvent) {
    event.preventDefault()
    const created = await create.run()
    if (created) navigate(typePath(created.key))
  }

  const keyError = create.error?.status === 409 ? t('types.keyTaken') : fieldMessage(t, create.error, 'key') && t('types.keyInvalid')
  const channelsError = fieldMessage(t, create.error, 'channels') && t('types.channelsRequired')

  return (
    <Page title={t('types.title')} intro={t('types.intro')}>
      <ErrorAlert error={types.error ?? null} />
      {types.loading && !types.data && <p>{t('common.loading')}</p>}
      {types.data?.length === 0 && <p className="empty">{t('types.empty')}</p>}
      {!!types.data?.length && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('types.key')}</th>
                <th scope="col">{t('types.name')}</th>
                <th scope="col">{t('types.category')}</th>
                <th scope="col">{t('types.channels')}</th>
                <th scope="col">{t('types.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {types.data.map((type) => (
                <tr key={type.key}>
                  <th scope="row">
                    <Link to={typePath(type.key)} aria-label={t('types.editNamed', { key: type.key })}>
                      <code dir="ltr">{type.key}</code>
                    </Link>
                  </th>
                  <td>
                    <bdi>{type.name}</bdi>
                    {type.system && <span className="tag">{t('types.system')}</span>}
                    {type.critical && <span className="tag always">{t('types.critical')}</span>}
                  </td>
                  <td>{t(`category.${type.category}`)}</td>
                  <td>{type.channels.map((c) => t(`channel.${c}`)).join(t('common.listSeparator'))}</td>
                  <td>{formatDate(type.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form className="card form" onSubmit={submit} noValidate aria-labelledby="new-type-title">
        <h2 id="new-type-title">{t('types.createTitle')}</h2>
        {create.error?.status === 409 ? (
          <div className="alert error" role="alert">
            <p>{t('types.keyTaken')}</p>
          </div>
        ) : (
          <ErrorAlert error={create.error} />
        )}
        <TextField
          label={t('types.key')}
          name="key"
          dir="ltr"
          required
          autoComplete="off"
          spellCheck={false}
          hint={t('types.keyHint')}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          error={keyError || undefined}
        />
        <TextField
          label={t('types.name')}
          name="name"
          dir="auto"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldMessage(t, create.error, 'name')}
        />
        <SelectField
          label={t('types.category')}
          name="category"
          value={category}
          onChange={(e) => setCategory(e.target.value as NotificationCategory)}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
        />
        <fieldset
          className={channelsError ? 'checks invalid' : 'checks'}
          aria-describedby={channelsError ? 'new-type-channels-error' : undefined}
        >
          <legend>{t('types.channels')}</legend>
          {CHANNELS.map((channel) => (
            <label key={channel} className="check">
              <input
                type="checkbox"
                checked={channels.includes(channel)}
                onChange={(e) =>
                  setChannels((list) =>
                    e.target.checked ? CHANNELS.filter((c) => c === channel || list.includes(c)) : list.filter((c) => c !== channel),
                  )
                }
              />
              <span>{t(`channel.${channel}`)}</span>
            </label>
          ))}
          {channelsError && (
            <p className="field-error" id="new-type-channels-error">
              {channelsError}
            </p>
          )}
        </fieldset>
        <label className="check">
          <input
            type="checkbox"
            checked={critical}
            onChange={(e) => setCritical(e.target.checked)}
            aria-describedby="new-type-critical-hint"
          />
          <span>{t('types.criticalLabel')}</span>
        </label>
        <p className="hint" id="new-type-critical-hint">
          {t('types.criticalHint')}
        </p>
        <button type="submit" disabled={create.pending}>
          {create.pending ? t('common.working') : t('types.create')}
        </button>
      </form>
    </Page>
  )
}
