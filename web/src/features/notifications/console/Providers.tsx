// Email, SMS and push providers: per channel in failover order (lowest priority number first),
// add one with a form made from a small per-provider field list, edit, switch on and off,
// reorder by priority, remove, and test whether a provider's credentials work. Secrets are
// write-only: the server shows them as "••••••" and keeps the stored value when "••••••" is sent
// back, except when a connection field (host, port, address…) changes: then every stored secret
// must be entered again, so no one can send stored credentials to a host of their choosing.
import type { AvailableProvider, NotificationProvider } from '@caravan/sdk'
import { useId, useState, type FormEvent } from 'react'
import { useI18n, type MessageKey } from '../../../i18n'
import { client } from '../../auth/session'
import { ErrorAlert, SelectField, StatusMessage, TextField, useAction, useMessage, type Say } from '../../shell/form'
import { Page } from '../../shell/Page'
import { useLoad } from '../../shell/useLoad'

export const MASK = '••••••'
const PROVIDER_CHANNELS = ['email', 'sms', 'push'] as const

/**
 * text / number / checkbox: plain settings · secret: a password input · secretText: a masked
 * multi-line secret (PEM keys) · secretJson: a masked JSON secret (a service account file).
 */
type ProviderFieldKind = 'text' | 'number' | 'checkbox' | 'multiline' | 'secret' | 'secretText' | 'secretJson'
interface ProviderField {
  name: string
  kind: ProviderFieldKind
  required?: boolean
  initial?: string | boolean
  /** Says where the provider connects: changing it requires the secrets again (the server enforces it too). */
  connection?: boolean
}

/** What POST /v1/admin/notification-providers/:id/test answers. */
interface CheckResult {
  ok: boolean
  detail: string
}

/** The settings each provider takes (the server checks them against its schema too). */
export const PROVIDER_FIELDS: Record<string, ProviderField[]> = {
  smtp: [
    { name: 'host', kind: 'text', required: true, connection: true },
    { name: 'port', kind: 'number', required: true, initial: '587', connection: true },
    { name: 'secure', kind: 'checkbox', connection: true },
    { name: 'requireTLS', kind: 'checkbox' },
    { name: 'user', kind: 'text' },
    { name: 'pass', kind: 'secret' },
    { name: 'from', kind: 'text', required: true },
  ],
  sendgrid: [
    { name: 'apiKey', kind: 'secret', required: true },
    { name: 'from', kind: 'text', required: true },
    { name: 'webhookPublicKey', kind: 'multiline' },
    { name: 'baseUrl', kind: 'text', connection: true },
  ],
  twilio: [
    { name: 'accountSid', kind: 'text', required: true },
    { name: 'authToken', kind: 'secret', required: true },
    { name: 'from', kind: 'text' },
    { name: 'messagingServiceSid', kind: 'text' },
    { name: 'statusCallbackUrl', kind: 'text' },
    { name: 'baseUrl', kind: 'text', connection: true },
  ],
  kavenegar: [
    { name: 'apiKey', kind: 'secret', required: true },
    { name: 'sender', kind: 'text' },
    { name: 'baseUrl', kind: 'text', connection: true },
  ],
  fcm: [
    { name: 'serviceAccount', kind: 'secretJson', required: true },
    { name: 'baseUrl', kind: 'text', connection: true },
  ],
  apns: [
    { name: 'teamId', kind: 'text', required: true },
    { name: 'keyId', kind: 'text', required: true },
    { name: 'bundleId', kind: 'text', required: true },
    { name: 'privateKey', kind: 'secretText', required: true },
    { name: 'production', kind: 'checkbox', connection: true },
    { name: 'baseUrl', kind: 'text', connection: true },
  ],
  webpush: [
    { name: 'vapidPublicKey', kind: 'text', required: true },
    { name: 'vapidPrivateKey', kind: 'secret', required: true },
    { name: 'subject', kind: 'text', required: true },
  ],
}

/** A provider the server offers that this page has no field list for: its settings as JSON. */
const fieldsOf = (provider: string): ProviderField[] =>
  PROVIDER_FIELDS[provider] ?? [{ name: 'config', kind: 'multiline', required: true, initial: '{}' }]
const isSecret = (field: ProviderField, available?: AvailableProvider) =>
  field.kind === 'secret' || field.kind === 'secretText' || field.kind === 'secretJson' || !!available?.secretFields.includes(field.name)

/** A connection setting's value as the server compares it: unset is false / empty, a trailing "/" does not count. */
function connectionValue(value: unknown): string {
  if (value === undefined || value === null || value === false || value === '') return ''
  return String(value).trim().replace(/\/+$/, '')
}

export function Providers() {
  const { t, formatNumber } = useI18n()
  const list = useLoad(() => client.admin.notifications.listProviders())
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<string | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)

  const change = useAction(async (provider: NotificationProvider, patch: { enabled?: boolean; priority?: number }, done: Say) => {
    await client.admin.notifications.updateProvider(provider.id, patch)
    setMessage(done)
    list.reload()
  })
  const remove = useAction(async (provider: NotificationProvider) => {
    await client.admin.notifications.deleteProvider(provider.id)
    setConfirming(null)
    setMessage((t) => t('providers.removed', { name: providerName(t, provider.provider) }))
    list.reload()
  })

  const available = list.data?.available ?? []
  return (
    <Page title={t('providers.title')} intro={t('providers.intro')}>
      <StatusMessage message={message} />
      <ErrorAlert error={list.error ?? change.error ?? remove.error ?? null} />
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data &&
        PROVIDER_CHANNELS.map((channel) => {
          const rows = list.data!.items.filter((p) => p.channel === channel)
          return (
            <section key={channel} aria-labelledby={`providers-${channel}`}>
              <h2 id={`providers-${channel}`}>{t(`channel.${channel}`)}</h2>
              {rows.length === 0 && <p className="empty">{t('providers.none')}</p>}
              {rows.length > 0 && (
                <div className="table-wrap">
                  <table>
                    <caption className="visually-hidden">{t('providers.caption', { channel: t(`channel.${channel}`) })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('providers.order')}</th>
                        <th scope="col">{t('providers.provider')}</th>
                        <th scope="col">{t('providers.priority')}</th>
                        <th scope="col">{t('providers.status')}</th>
                        <th scope="col">{t('providers.health')}</th>
                        <th scope="col">
                          <span className="visually-hidden">{t('providers.actions')}</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((provider, index) => {
                        const name = providerName(t, provider.provider)
                        // Providers given in the server's environment (NOTIFY_PROVIDERS) cannot be changed here.
                        const fromEnv = provider.source === 'env'
                        return (
                          <tr key={provider.id}>
                            <td>{formatNumber(index + 1)}</td>
                            <th scope="row">
                              <bdi>{name}</bdi>
                              {fromEnv && <span className="tag">{t('providers.fromEnv')}</span>}
                            </th>
                            <td>
                              {fromEnv ? (
                                formatNumber(provider.priority)
                              ) : (
                                <PriorityForm
                                  provider={provider}
                                  name={name}
                                  pending={change.pending}
                                  onSave={(priority) =>
                                    void change.run(provider, { priority }, (t) =>
                                      t('providers.prioritySaved', { name: providerName(t, provider.provider), priority }),
                                    )
                                  }
                                />
                              )}
                            </td>
                            <td>{provider.enabled ? t('providers.enabled') : t('providers.disabled')}</td>
                            <td>
                              {t(
                                `providers.state.${provider.state === 'open' || provider.state === 'half_open' ? provider.state : 'closed'}`,
                              )}
                            </td>
                            <td>
                              <ProviderTest provider={provider} name={name} />
                              {fromEnv && <span className="muted small">{t('providers.fromEnvHint')}</span>}
                              {!fromEnv && (
                                <div className="row-actions">
                                  <button
                                    type="button"
                                    className="secondary small"
                                    disabled={change.pending}
                                    aria-label={t(provider.enabled ? 'providers.disableNamed' : 'providers.enableNamed', { name })}
                                    onClick={() =>
                                      void change.run(provider, { enabled: !provider.enabled }, (t) =>
                                        t(provider.enabled ? 'providers.nowDisabled' : 'providers.nowEnabled', {
                                          name: providerName(t, provider.provider),
                                        }),
                                      )
                                    }
                                  >
                                    {provider.enabled ? t('providers.disable') : t('providers.enable')}
                                  </button>
                                  <button
                                    type="button"
                                    className="secondary small"
                                    aria-expanded={editing === provider.id}
                                    aria-label={t('providers.editNamed', { name })}
                                    onClick={() => setEditing(editing === provider.id ? null : provider.id)}
                                  >
                                    {t('providers.edit')}
                                  </button>
                                  {confirming !== provider.id && (
                                    <button
                                      type="button"
                                      className="danger small"
                                      aria-label={t('providers.removeNamed', { name })}
                                      onClick={() => setConfirming(provider.id)}
                                    >
                                      {t('providers.remove')}
                                    </button>
                                  )}
                                </div>
                              )}
                              {confirming === provider.id && (
                                <div className="confirm" role="group" aria-label={t('providers.removeNamed', { name })}>
                                  <p>{t('providers.confirmRemove', { name })}</p>
                                  <button
                                    type="button"
                                    className="danger small"
                                    disabled={remove.pending}
                                    onClick={() => void remove.run(provider)}
                                  >
                                    {t('providers.yesRemove')}
                                  </button>
                                  <button type="button" className="secondary small" autoFocus onClick={() => setConfirming(null)}>
                                    {t('common.cancel')}
                                  </button>
                                </div>
                              )}
                            </td>
                          </tr>
                        )
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              {rows
                .filter((p) => p.id === editing)
                .map((provider) => (
                  <ProviderForm
                    key={provider.id}
                    available={available}
                    existing={provider}
                    onDone={(say) => {
                      setEditing(null)
                      setMessage(say)
                      list.reload()
                    }}
                    onCancel={() => setEditing(null)}
                  />
                ))}
            </section>
          )
        })}
      {list.data && (
        <ProviderForm
          available={available}
          onDone={(say) => {
            setMessage(say)
            list.reload()
          }}
        />
      )}
    </Page>
  )
}

/** "Test connection": asks the server to check the credentials with the service; the answer is announced (role=status). */
function ProviderTest({ provider, name }: { provider: NotificationProvider; name: string }) {
  const { t } = useI18n()
  const [result, setResult] = useState<CheckResult | null>(null)
  const test = useAction(async () => {
    setResult(null)
    setResult(await client.request<CheckResult>('POST', `/v1/admin/notification-providers/${encodeURIComponent(provider.id)}/test`))
  })
  return (
    <div className="provider-test">
      <button
        type="button"
        className="secondary small"
        disabled={test.pending}
        aria-label={t('providers.testNamed', { name })}
        onClick={() => void test.run()}
      >
        {test.pending ? t('providers.testing') : t('providers.test')}
      </button>
      {/* Always present, so the answer is announced when it arrives. */}
      <div role="status" aria-live="polite" className={result ? `alert small ${result.ok ? 'success' : 'error'}` : 'visually-hidden'}>
        {result && (
          <>
            <p>{t(result.ok ? 'providers.testOk' : 'providers.testFailed', { name })}</p>
            <p className="small">
              {t('providers.testDetail')}{' '}
              <bdi dir="ltr" lang="en">
                {result.detail}
              </bdi>
            </p>
          </>
        )}
      </div>
      <ErrorAlert error={test.error} />
    </div>
  )
}

function providerName(t: (key: MessageKey) => string, provider: string): string {
  return provider in PROVIDER_FIELDS ? t(`providers.name.${provider}` as MessageKey) : provider
}

function PriorityForm({
  provider,
  name,
  pending,
  onSave,
}: {
  provider: NotificationProvider
  name: string
  pending: boolean
  onSave: (priority: number) => void
}) {
  const { t } = useI18n()
  const id = useId()
  const [value, setValue] = useState(String(provider.priority))
  const valid = /^\d+$/.test(value) && Number(value) <= 10_000
  return (
    <form
      className="row-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (valid) onSave(Number(value))
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {t('providers.priorityOf', { name })}
      </label>
      <input
        id={id}
        type="number"
        min={0}
        max={10000}
        inputMode="numeric"
        dir="ltr"
        className="narrow-number"
        value={value}
        aria-invalid={valid ? undefined : true}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="secondary small" disabled={pending || !valid || Number(value) === provider.priority}>
        {t('providers.set')}
        <span className="visually-hidden"> {t('providers.priorityOf', { name })}</span>
      </button>
    </form>
  )
}

type Values = Record<string, string | boolean>

function initialValues(provider: string, existing?: NotificationProvider): Values {
  const values: Values = {}
  for (const field of fieldsOf(provider)) {
    const stored = existing?.config[field.name]
    if (field.kind === 'checkbox') values[field.name] = typeof stored === 'boolean' ? stored : field.initial === true
    else if (field.name === 'config' && existing) values[field.name] = JSON.stringify(existing.config, null, 2)
    else if (stored === undefined || stored === null) values[field.name] = typeof field.initial === 'string' ? field.initial : ''
    else
      values[field.name] =
        typeof stored === 'string' ? stored : typeof stored === 'number' ? String(stored) : JSON.stringify(stored, null, 2)
  }
  return values
}

function ProviderForm({
  available,
  existing,
  onDone,
  onCancel,
}: {
  available: AvailableProvider[]
  existing?: NotificationProvider
  onDone: (message: Say) => void
  onCancel?: () => void
}) {
  const { t } = useI18n()
  const formId = useId()
  const [provider, setProvider] = useState(existing?.provider ?? available[0]?.provider ?? 'smtp')
  const [values, setValues] = useState<Values>(() => initialValues(provider, existing))
  const [priority, setPriority] = useState(String(existing?.priority ?? 100))
  const [maxPerSecond, setMaxPerSecond] = useState(existing?.maxPerSecond ? String(existing.maxPerSecond) : '')
  const [enabled, setEnabled] = useState(existing?.enabled ?? true)
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({})
  const spec = available.find((a) => a.provider === provider)
  const fields = fieldsOf(provider)

  const save = useAction(async (config: Record<string, unknown>): Promise<Say> => {
    const common = { priority: Number(priority), enabled, maxPerSecond: maxPerSecond ? Number(maxPerSecond) : null }
    if (existing) {
      await client.admin.notifications.updateProvider(existing.id, { ...common, config })
      return (t) => t('providers.updated', { name: providerName(t, provider) })
    }
    await client.admin.notifications.createProvider({ provider, ...common, config })
    return (t) => t('providers.added', { name: providerName(t, provider) })
  })

  /** The settings as the server takes them, or the fields to fix first. */
  function build(): { config: Record<string, unknown>; errors: Record<string, string> } {
    const config: Record<string, unknown> = {}
    const errors: Record<string, string> = {}
    for (const field of fields) {
      const value = values[field.name]
      if (field.kind === 'checkbox') {
        // Connection flags are always sent, so unticking one reaches the server.
        if (value || field.name === 'production' || field.connection) config[field.name] = value === true
        continue
      }
      const text = String(value ?? '').trim()
      if (!text) {
        if (field.required) errors[field.name] = t('providers.required')
        continue
      }
      if (text === MASK) {
        config[field.name] = MASK
        continue
      }
      if (field.kind === 'number') {
        if (/^\d+$/.test(text)) config[field.name] = Number(text)
        else errors[field.name] = t('fieldError.generic')
      } else if (field.kind === 'secretJson' || field.name === 'config') {
        const parsed = (() => {
          try {
            return JSON.parse(text) as unknown
          } catch {
            return undefined
          }
        })()
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) config[field.name] = parsed
        else errors[field.name] = t('providers.jsonInvalid')
      } else {
        // PEM keys keep their line breaks; one-line settings lose stray spaces.
        config[field.name] = field.kind === 'secretText' || field.kind === 'multiline' ? String(value) : text
      }
    }
    // Moving the provider (a connection setting changed) needs every stored secret typed again.
    if (existing && fields.some((f) => f.connection && connectionValue(values[f.name]) !== connectionValue(existing.config[f.name]))) {
      for (const field of fields) {
        const stored = existing.config[field.name]
        const typed = String(values[field.name] ?? '').trim()
        if (isSecret(field, spec) && stored && (typed === '' || typed === MASK)) errors[field.name] = t('providers.secretAgain')
      }
    }
    if (!/^\d+$/.test(priority) || Number(priority) > 10_000) errors.priority = t('fieldError.generic')
    if (maxPerSecond && !/^[1-9]\d*$/.test(maxPerSecond)) errors.maxPerSecond = t('fieldError.generic')
    // A provider this page has no field list for is configured with one JSON object.
    return { config: fields.some((f) => f.name === 'config') ? ((config.config as Record<string, unknown>) ?? {}) : config, errors }
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    const { config, errors } = build()
    setLocalErrors(errors)
    save.setError(null)
    if (Object.keys(errors).length) return
    const done = await save.run(config)
    if (!done) return
    if (!existing) {
      setValues(initialValues(provider))
      setPriority('100')
      setMaxPerSecond('')
      setEnabled(true)
    }
    onDone(done)
  }

  // The server names bad settings `config.port`; unnamed ones (`config`) fall to the form's alert.
  // A 422 names the secrets the server wants again (a connection setting changed).
  const secretsAgain = save.error?.status === 422
  const serverErrors: Record<string, string> = {}
  for (const e of save.error?.errors ?? []) {
    const [head, name] = e.field.replace(/^body\./, '').split('.')
    if (head === 'config' && name) serverErrors[name] = secretsAgain ? t('providers.secretAgain') : t('fieldError.generic')
  }
  const errorOf = (name: string) => localErrors[name] ?? serverErrors[name]
  const hasLocal = Object.keys(localErrors).length > 0
  const titleId = `${formId}-title`
  const name = providerName(t, provider)

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby={titleId} aria-busy={save.pending}>
      <h2 id={titleId}>{existing ? t('providers.editTitle', { name }) : t('providers.addTitle')}</h2>
      {hasLocal || secretsAgain ? (
        <div className="alert error" role="alert">
          <p>{t('error.validation')}</p>
        </div>
      ) : (
        <ErrorAlert error={save.error} />
      )}
      {existing ? (
        <p className="muted">{t('providers.secretsKept')}</p>
      ) : (
        <SelectField
          label={t('providers.provider')}
          value={provider}
          onChange={(e) => {
            setProvider(e.target.value)
            setValues(initialValues(e.target.value))
            setLocalErrors({})
            save.setError(null)
          }}
          options={available.map((a) => ({
            value: a.provider,
            label: t('providers.option', { name: providerName(t, a.provider), channel: t(`channel.${a.channel as 'email'}`) }),
          }))}
        />
      )}
      {fields.map((f) => (
        <ProviderInput
          key={`${provider}-${f.name}`}
          field={f}
          secret={isSecret(f, spec)}
          editing={!!existing}
          value={values[f.name]}
          error={errorOf(f.name)}
          onChange={(value) => setValues((v) => ({ ...v, [f.name]: value }))}
        />
      ))}
      <div className="field-row">
        <TextField
          label={t('providers.priority')}
          type="number"
          min={0}
          max={10000}
          dir="ltr"
          value={priority}
          hint={t('providers.priorityHint')}
          onChange={(e) => setPriority(e.target.value)}
          error={errorOf('priority')}
        />
        <TextField
          label={t('providers.maxPerSecond')}
          type="number"
          min={1}
          dir="ltr"
          optional
          value={maxPerSecond}
          hint={t('providers.maxPerSecondHint')}
          onChange={(e) => setMaxPerSecond(e.target.value)}
          error={errorOf('maxPerSecond')}
        />
      </div>
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span>{t('providers.enabledLabel')}</span>
      </label>
      <div className="toolbar">
        <button type="submit" disabled={save.pending}>
          {save.pending ? t('common.working') : existing ? t('providers.saveChanges') : t('providers.add')}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  )
}

function ProviderInput({
  field,
  secret,
  editing,
  value,
  error,
  onChange,
}: {
  field: ProviderField
  secret: boolean
  /** An existing provider: its connection settings carry the "secrets again" hint. */
  editing: boolean
  value: string | boolean | undefined
  error?: string
  onChange: (value: string | boolean) => void
}) {
  const { t } = useI18n()
  const id = useId()
  const known = field.name !== 'config'
  const label = known ? t(`providers.field.${field.name}` as MessageKey) : t('providers.field.config')
  const hintsConnection = editing && field.connection
  const describedBy =
    [secret && `${id}-hint`, hintsConnection && `${id}-connection`, error && `${id}-error`].filter(Boolean).join(' ') || undefined
  const connectionHint = hintsConnection && (
    <p className="hint" id={`${id}-connection`}>
      {t('providers.connectionHint')}
    </p>
  )
  if (field.kind === 'checkbox') {
    const box = (
      <label className="check">
        <input type="checkbox" checked={value === true} aria-describedby={describedBy} onChange={(e) => onChange(e.target.checked)} />
        <span>{label}</span>
      </label>
    )
    return hintsConnection ? (
      <div className="field">
        {box}
        {connectionHint}
      </div>
    ) : (
      box
    )
  }
  const multiline = field.kind === 'multiline' || field.kind === 'secretText' || field.kind === 'secretJson'
  const common = {
    id,
    value: typeof value === 'string' ? value : '',
    dir: 'ltr' as const,
    spellCheck: false,
    autoComplete: secret ? 'new-password' : 'off',
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    required: field.required,
  }
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {!field.required && <span className="muted"> ({t('common.optional')})</span>}
      </label>
      {multiline ? (
        <textarea
          {...common}
          rows={field.kind === 'secretJson' ? 6 : 4}
          className={secret ? 'masked' : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type={secret ? 'password' : field.kind === 'number' ? 'number' : 'text'}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {secret && (
        <p className="hint" id={`${id}-hint`}>
          {t('providers.secretHint')}
        </p>
      )}
      {connectionHint}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}
