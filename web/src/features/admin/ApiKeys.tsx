import type { ApiKey, CreatedApiKey } from '@caravan/sdk'
import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { client } from '../auth/session'
import { ErrorAlert, StatusMessage, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'

export function ApiKeys() {
  const { t, formatDate } = useI18n()
  const keys = useLoad(() => client.apiKeys.list())
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState('users:read')
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  const [copied, setCopied] = useState(false)
  const [confirming, setConfirming] = useState<ApiKey | null>(null)
  const [message, setMessage] = useState<string | null>(null)

  const create = useAction(() => client.apiKeys.create({ name: name.trim(), scopes: scopes.split(/[\s,]+/).filter(Boolean) }))
  const revoke = useAction(async (key: ApiKey) => {
    await client.apiKeys.revoke(key.id)
    setConfirming(null)
    setMessage(t('apiKeys.revoked', { name: key.name }))
    keys.reload()
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setCopied(false)
    setMessage(null)
    const result = await create.run()
    if (!result) return
    setCreated(result)
    setName('')
    keys.reload()
  }

  async function copy(key: string) {
    await navigator.clipboard.writeText(key).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }

  return (
    <Page title={t('apiKeys.title')} intro={t('apiKeys.intro')}>
      <form className="card form" onSubmit={submit} noValidate aria-labelledby="new-key-title">
        <h2 id="new-key-title">{t('apiKeys.createTitle')}</h2>
        <ErrorAlert error={create.error} />
        <TextField
          label={t('apiKeys.name')}
          name="name"
          dir="auto"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldMessage(t, create.error, 'name')}
        />
        <TextField
          label={t('apiKeys.scopes')}
          name="scopes"
          dir="ltr"
          required
          hint={t('apiKeys.scopesHint')}
          value={scopes}
          onChange={(e) => setScopes(e.target.value)}
          error={fieldMessage(t, create.error, 'scopes')}
        />
        <button type="submit" disabled={create.pending}>
          {create.pending ? t('common.working') : t('apiKeys.create')}
        </button>
      </form>

      {created && (
        <section className="alert success new-key" aria-labelledby="created-key-title">
          <h2 id="created-key-title">{t('apiKeys.newKey', { name: created.apiKey.name })}</h2>
          <p>{t('apiKeys.copyWarning')}</p>
          <p>
            <code className="secret" dir="ltr" data-testid="new-api-key">
              {created.key}
            </code>
          </p>
          <button type="button" className="secondary small" onClick={() => void copy(created.key)}>
            {t('apiKeys.copy')}
          </button>
          <StatusMessage message={copied ? t('apiKeys.copied') : null} tone="info" />
        </section>
      )}

      <StatusMessage message={message} />
      <ErrorAlert error={keys.error ?? revoke.error} />
      {keys.loading && !keys.data && <p>{t('common.loading')}</p>}
      {keys.data?.length === 0 && <p className="empty">{t('apiKeys.empty')}</p>}
      {!!keys.data?.length && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('apiKeys.name')}</th>
                <th scope="col">{t('apiKeys.prefix')}</th>
                <th scope="col">{t('apiKeys.scopes')}</th>
                <th scope="col">{t('apiKeys.created')}</th>
                <th scope="col">{t('apiKeys.lastUsed')}</th>
                <th scope="col">{t('apiKeys.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('apiKeys.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id}>
                  <th scope="row">
                    <bdi>{key.name}</bdi>
                  </th>
                  <td>
                    <code dir="ltr">{key.prefix}…</code>
                  </td>
                  <td>
                    <code dir="ltr">{key.scopes.join(' ')}</code>
                  </td>
                  <td>{formatDate(key.createdAt)}</td>
                  <td>{key.lastUsedAt ? formatDate(key.lastUsedAt) : t('apiKeys.never')}</td>
                  <td>{key.revokedAt ? t('apiKeys.revokedOn', { date: formatDate(key.revokedAt) }) : t('apiKeys.active')}</td>
                  <td>
                    {!key.revokedAt && confirming?.id !== key.id && (
                      <button
                        type="button"
                        className="danger small"
                        aria-label={t('apiKeys.revokeNamed', { name: key.name })}
                        onClick={() => setConfirming(key)}
                      >
                        {t('apiKeys.revoke')}
                      </button>
                    )}
                    {confirming?.id === key.id && (
                      <div className="confirm" role="group" aria-label={t('apiKeys.revokeNamed', { name: key.name })}>
                        <p>{t('apiKeys.confirmRevoke', { name: key.name })}</p>
                        <button type="button" className="danger small" disabled={revoke.pending} onClick={() => void revoke.run(key)}>
                          {t('apiKeys.yesRevoke')}
                        </button>
                        <button type="button" className="secondary small" autoFocus onClick={() => setConfirming(null)}>
                          {t('common.cancel')}
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  )
}
