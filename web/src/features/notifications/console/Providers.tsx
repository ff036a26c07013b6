// Email, SMS and push providers: per channel in failover order (lowest priority number first),
// add one with a form made from a small per-provider field list, edit, switch on and off,
// reorder by priority, remove (asked first), and test whether a provider's credentials work.
// Secrets are write-only: the server shows them as "••••••" and keeps the stored value when
// "••••••" is sent back, except when a connection field (host, port, address…) changes: then
// every stored secret must be entered again, so no one can send stored credentials to a host
// of their choosing.
import type { AvailableProvider, NotificationProvider, NotificationProviderList } from '@caravan/sdk'
import { useId, useState } from 'react'
import { Controller, type FieldPath } from 'react-hook-form'
import { useI18n, type MessageKey, type Translate } from '../../../i18n'
import {
  Button,
  ConfirmDialog,
  Form,
  FormCheckbox,
  FormNumberField,
  NumberField,
  PasswordField,
  ProblemAlert,
  SelectField,
  Skeleton,
  SubmitButton,
  TextAreaField,
  TextField,
  useServerForm,
  type ServerForm,
} from '../../../ui'
import { DataTable, type Column } from '../../../ui/table'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { queryClient } from '../../../data/queryClient'
import { client } from '../../auth/session'
import { asCaravanError, StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { Page } from '../../shell/Page'
import { consoleKeys, useChangeProvider, useDeleteProvider, useProviders, useSaveProvider, useTestProvider } from './queries'
import './console.css'

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

type Row = NotificationProvider & { order: number }

export function Providers() {
  const { t } = useI18n()
  const list = useProviders()
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<string | null>(null)
  const [removing, setRemoving] = useState<NotificationProvider | null>(null)
  const change = useChangeProvider()
  const remove = useDeleteProvider()

  function changeProvider(provider: NotificationProvider, patch: { enabled?: boolean; priority?: number }, done: Say) {
    setMessage(null)
    change.mutate({ id: provider.id, patch }, { onSuccess: () => setMessage(done) })
  }

  const available = list.data?.available ?? []
  return (
    <Page title={t('providers.title')} intro={t('providers.intro')}>
      <StatusMessage message={message} />
      <ProblemAlert error={change.error} />
      {list.isPending && <Skeleton lines={6} />}
      {list.isError && <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.data &&
        PROVIDER_CHANNELS.map((channel) => (
          <section key={channel} aria-labelledby={`providers-${channel}`}>
            <h2 id={`providers-${channel}`}>{t(`channel.${channel}`)}</h2>
            <ChannelTable
              channel={channel}
              editing={editing}
              onToggle={(provider) =>
                changeProvider(provider, { enabled: !provider.enabled }, (t) =>
                  t(provider.enabled ? 'providers.nowDisabled' : 'providers.nowEnabled', { name: providerName(t, provider.provider) }),
                )
              }
              onPriority={(provider, priority) =>
                changeProvider(provider, { priority }, (t) =>
                  t('providers.prioritySaved', { name: providerName(t, provider.provider), priority }),
                )
              }
              onEdit={(provider) => setEditing(editing === provider.id ? null : provider.id)}
              onRemove={(provider) => {
                remove.reset()
                setRemoving(provider)
              }}
            />
            {list.data.items
              .filter((p) => p.channel === channel && p.id === editing)
              .map((provider) => (
                <ProviderForm
                  key={provider.id}
                  available={available}
                  existing={provider}
                  onDone={(say) => {
                    setEditing(null)
                    setMessage(say)
                  }}
                  onCancel={() => setEditing(null)}
                />
              ))}
          </section>
        ))}
      {list.data && <ProviderForm available={available} onDone={setMessage} />}
      {removing && (
        <ConfirmDialog
          title={t('providers.removeNamed', { name: providerName(t, removing.provider) })}
          confirmLabel={t('providers.yesRemove')}
          pending={remove.isPending}
          onConfirm={() =>
            remove.mutate(removing.id, {
              onSuccess: () => {
                setRemoving(null)
                if (editing === removing.id) setEditing(null)
                setMessage((t) => t('providers.removed', { name: providerName(t, removing.provider) }))
              },
            })
          }
          onCancel={() => setRemoving(null)}
        >
          <p>{t('providers.confirmRemove', { name: providerName(t, removing.provider) })}</p>
          <ProblemAlert error={remove.error} />
        </ConfirmDialog>
      )}
    </Page>
  )
}

/** A channel's providers, read from the one provider list (so an on/off change shows in both at once). */
function ChannelTable({
  channel,
  editing,
  onToggle,
  onPriority,
  onEdit,
  onRemove,
}: {
  channel: string
  editing: string | null
  onToggle: (provider: NotificationProvider) => void
  onPriority: (provider: NotificationProvider, priority: number) => void
  onEdit: (provider: NotificationProvider) => void
  onRemove: (provider: NotificationProvider) => void
}) {
  const { t, formatNumber } = useI18n()
  const columns: Column<Row>[] = [
    { id: 'order', header: t('providers.order'), cell: (p) => formatNumber(p.order) },
    {
      id: 'provider',
      header: t('providers.provider'),
      primary: true,
      cell: (p) => (
        <>
          <bdi>{providerName(t, p.provider)}</bdi>
          {p.source === 'env' && <span className="tag">{t('providers.fromEnv')}</span>}
        </>
      ),
    },
    {
      id: 'priority',
      header: t('providers.priority'),
      cell: (p) =>
        p.source === 'env' ? (
          formatNumber(p.priority)
        ) : (
          <PriorityForm key={p.priority} provider={p} name={providerName(t, p.provider)} onSave={(priority) => onPriority(p, priority)} />
        ),
    },
    { id: 'status', header: t('providers.status'), cell: (p) => (p.enabled ? t('providers.enabled') : t('providers.disabled')) },
    {
      id: 'health',
      header: t('providers.health'),
      cell: (p) => t(`providers.state.${p.state === 'open' || p.state === 'half_open' ? p.state : 'closed'}`),
    },
  ]
  return (
    <DataTable
      caption={t('providers.caption', { channel: t(`channel.${channel as 'email'}`) })}
      columns={columns}
      queryKey={[...consoleKeys.providers, 'table', channel]}
      fetchPage={async ({ signal }) => {
        // Through the page's own list: one request for the three tables.
        const list = await queryClient.fetchQuery({
          queryKey: consoleKeys.providers,
          queryFn: () => client.admin.notifications.listProviders({ signal }),
        })
        return { items: rowsOf(list, channel), nextCursor: null }
      }}
      getRowId={(p) => p.id}
      empty={<p className="empty">{t('providers.none')}</p>}
      rowActions={(provider) => {
        const name = providerName(t, provider.provider)
        // Providers given in the server's environment (NOTIFY_PROVIDERS) cannot be changed here.
        const fromEnv = provider.source === 'env'
        return (
          <>
            <ProviderTest provider={provider} name={name} />
            {fromEnv && <span className="muted small">{t('providers.fromEnvHint')}</span>}
            {!fromEnv && (
              <>
                <Button
                  variant="secondary"
                  size="small"
                  aria-label={t(provider.enabled ? 'providers.disableNamed' : 'providers.enableNamed', { name })}
                  onPress={() => onToggle(provider)}
                >
                  {provider.enabled ? t('providers.disable') : t('providers.enable')}
                </Button>
                <Button
                  variant="secondary"
                  size="small"
                  aria-expanded={editing === provider.id}
                  aria-label={t('providers.editNamed', { name })}
                  onPress={() => onEdit(provider)}
                >
                  {t('providers.edit')}
                </Button>
                <Button variant="danger" size="small" aria-label={t('providers.removeNamed', { name })} onPress={() => onRemove(provider)}>
                  {t('providers.remove')}
                </Button>
              </>
            )}
          </>
        )
      }}
    />
  )
}

/** A channel's providers in failover order, numbered. */
export function rowsOf(list: NotificationProviderList, channel: string): Row[] {
  return list.items.filter((p) => p.channel === channel).map((p, i) => ({ ...p, order: i + 1 }))
}

/** "Test connection": asks the server to check the credentials with the service; the answer is announced (role=status). */
function ProviderTest({ provider, name }: { provider: NotificationProvider; name: string }) {
  const { t } = useI18n()
  const test = useTestProvider()
  const result = test.data
  return (
    <div className="provider-test">
      <Button
        variant="secondary"
        size="small"
        isPending={test.isPending}
        aria-label={t('providers.testNamed', { name })}
        onPress={() => test.mutate(provider.id)}
      >
        {t('providers.test')}
      </Button>
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
      <ProblemAlert error={test.error} />
    </div>
  )
}

function providerName(t: (key: MessageKey) => string, provider: string): string {
  return provider in PROVIDER_FIELDS ? t(`providers.name.${provider}` as MessageKey) : provider
}

/** A provider's priority in its row: the page's digits (Persian in Persian), saved with Set. */
function PriorityForm({ provider, name, onSave }: { provider: NotificationProvider; name: string; onSave: (priority: number) => void }) {
  const { t } = useI18n()
  const [value, setValue] = useState(provider.priority)
  const valid = Number.isInteger(value) && value >= 0 && value <= 10_000
  return (
    <form
      className="row-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (valid && value !== provider.priority) onSave(value)
      }}
    >
      <NumberField
        label={<span className="visually-hidden">{t('providers.priorityOf', { name })}</span>}
        className="cell-number"
        minValue={0}
        maxValue={10_000}
        step={1}
        value={value}
        onChange={setValue}
        formatOptions={{ useGrouping: false }}
      />
      {/* Never disabled: the field takes a typed number when it loses focus, i.e. on the way to this button. */}
      <Button type="submit" variant="secondary" size="small">
        {t('providers.set')}
        <span className="visually-hidden"> {t('providers.priorityOf', { name })}</span>
      </Button>
    </form>
  )
}

type Value = string | boolean | number | null
interface ProviderValues {
  provider: string
  priority: number | null
  maxPerSecond: number | null
  enabled: boolean
  config: Record<string, Value>
}

function initialValues(provider: string, existing?: NotificationProvider): Record<string, Value> {
  const values: Record<string, Value> = {}
  for (const field of fieldsOf(provider)) {
    const stored = existing?.config[field.name]
    if (field.kind === 'checkbox') values[field.name] = typeof stored === 'boolean' ? stored : field.initial === true
    else if (field.kind === 'number')
      values[field.name] = typeof stored === 'number' ? stored : typeof field.initial === 'string' ? Number(field.initial) : null
    else if (field.name === 'config' && existing) values[field.name] = JSON.stringify(existing.config, null, 2)
    else if (stored === undefined || stored === null) values[field.name] = typeof field.initial === 'string' ? field.initial : ''
    else values[field.name] = typeof stored === 'string' ? stored : JSON.stringify(stored, null, 2)
  }
  return values
}

const parseJsonObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The settings as the server takes them (the fields' own rules have passed). */
function configOf(fields: ProviderField[], values: Record<string, Value>): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const field of fields) {
    const value = values[field.name]
    if (field.kind === 'checkbox') {
      // Connection flags are always sent, so unticking one reaches the server.
      if (value || field.connection) config[field.name] = value === true
      continue
    }
    if (field.kind === 'number') {
      if (typeof value === 'number') config[field.name] = value
      continue
    }
    const text = String(value ?? '').trim()
    if (!text) continue
    if (text === MASK) config[field.name] = MASK
    else if (field.kind === 'secretJson' || field.name === 'config') config[field.name] = parseJsonObject(text)
    // PEM keys keep their line breaks; one-line settings lose stray spaces.
    else config[field.name] = field.kind === 'secretText' || field.kind === 'multiline' ? String(value) : text
  }
  // A provider this page has no field list for is configured with one JSON object.
  return fields.some((f) => f.name === 'config') ? ((config.config as Record<string, unknown>) ?? {}) : config
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
  const titleId = useId()
  const save = useSaveProvider()
  const first = existing?.provider ?? available[0]?.provider ?? 'smtp'
  const defaults: ProviderValues = {
    provider: first,
    priority: existing?.priority ?? 100,
    maxPerSecond: existing?.maxPerSecond ?? null,
    enabled: existing?.enabled ?? true,
    config: initialValues(first, existing),
  }
  const form: ServerForm<ProviderValues> = useServerForm<ProviderValues>({
    defaultValues: defaults,
    onSubmit: async (values) => {
      const fields = fieldsOf(values.provider)
      const spec = available.find((a) => a.provider === values.provider)
      // Moving the provider (a connection setting changed) needs every stored secret typed again.
      if (existing) {
        const moved = fields.some(
          (f) => f.connection && connectionValue(values.config[f.name]) !== connectionValue(existing.config[f.name]),
        )
        const again = moved
          ? fields.filter((f) => {
              const typed = String(values.config[f.name] ?? '').trim()
              return isSecret(f, spec) && existing.config[f.name] && (typed === '' || typed === MASK)
            })
          : []
        if (again.length) {
          for (const f of again) form.setError(`config.${f.name}`, { type: 'server', message: t('providers.secretAgain') })
          form.setFocus(`config.${again[0].name}`)
          return
        }
      }
      const input = {
        provider: values.provider,
        priority: values.priority ?? 100,
        enabled: values.enabled,
        maxPerSecond: values.maxPerSecond,
        config: configOf(fields, values.config),
      }
      try {
        await save.mutateAsync({ id: existing?.id, input })
      } catch (error) {
        // The server names bad settings `config.port`; a 422 there means the secret is wanted again.
        const problem = asCaravanError(error)
        const named = problem.errors
          .map((e) => e.field.replace(/^body\./, '').split('.'))
          .filter(([head, name]) => head === 'config' && name && fields.some((f) => f.name === name))
        if (!named.length) throw error
        for (const [, name] of named)
          form.setError(`config.${name}`, {
            type: 'server',
            message: problem.status === 422 ? t('providers.secretAgain') : t('fieldError.generic'),
          })
        form.setFocus(`config.${named[0][1]}`)
        return
      }
      const name = (t: Translate) => providerName(t, values.provider)
      if (existing) onDone((t) => t('providers.updated', { name: name(t) }))
      else {
        form.reset({ ...defaults, provider: values.provider, config: initialValues(values.provider) })
        onDone((t) => t('providers.added', { name: name(t) }))
      }
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)
  const provider = form.watch('provider')
  const spec = available.find((a) => a.provider === provider)
  const fields = fieldsOf(provider)
  const name = providerName(t, provider)

  return (
    <section className="card" aria-labelledby={titleId}>
      {guard}
      <h2 id={titleId}>{existing ? t('providers.editTitle', { name }) : t('providers.addTitle')}</h2>
      <Form
        form={form}
        aria-labelledby={titleId}
        actions={
          <div className="toolbar">
            <SubmitButton>{existing ? t('providers.saveChanges') : t('providers.add')}</SubmitButton>
            {onCancel && (
              <Button variant="secondary" onPress={onCancel}>
                {t('common.cancel')}
              </Button>
            )}
          </div>
        }
      >
        {existing ? (
          <p className="muted">{t('providers.secretsKept')}</p>
        ) : (
          <SelectField
            label={t('providers.provider')}
            value={provider}
            onChange={(next) => {
              if (!next || next === provider) return
              form.reset({ ...form.getValues(), provider: next, config: initialValues(next) }, { keepDefaultValues: true })
              form.setFormError(null)
            }}
            options={available.map((a) => ({
              id: a.provider,
              label: t('providers.option', { name: providerName(t, a.provider), channel: t(`channel.${a.channel as 'email'}`) }),
            }))}
          />
        )}
        {fields.map((f) => (
          <ProviderInput key={`${provider}-${f.name}`} form={form} field={f} secret={isSecret(f, spec)} editing={!!existing} />
        ))}
        <div className="field-row">
          <FormNumberField
            control={form.control}
            name="priority"
            label={t('providers.priority')}
            description={t('providers.priorityHint')}
            minValue={0}
            maxValue={10_000}
            formatOptions={{ useGrouping: false }}
            isRequired
          />
          <FormNumberField
            control={form.control}
            name="maxPerSecond"
            label={t('providers.maxPerSecond')}
            description={t('providers.maxPerSecondHint')}
            minValue={1}
            formatOptions={{ useGrouping: false }}
            optional
          />
        </div>
        <FormCheckbox control={form.control} name="enabled" label={t('providers.enabledLabel')} />
      </Form>
    </section>
  )
}

function ProviderInput({
  form,
  field,
  secret,
  editing,
}: {
  form: ServerForm<ProviderValues>
  field: ProviderField
  secret: boolean
  /** An existing provider: its connection settings carry the "secrets again" hint. */
  editing: boolean
}) {
  const { t } = useI18n()
  const name: FieldPath<ProviderValues> = `config.${field.name}`
  const label = field.name !== 'config' ? t(`providers.field.${field.name}` as MessageKey) : t('providers.field.config')
  const description =
    [secret && t('providers.secretHint'), editing && field.connection && t('providers.connectionHint')].filter(Boolean).join(' ') ||
    undefined
  if (field.kind === 'checkbox') return <FormCheckbox control={form.control} name={name} label={label} description={description} />
  if (field.kind === 'number')
    return (
      <FormNumberField
        control={form.control}
        name={name}
        label={label}
        description={description}
        isRequired={field.required}
        formatOptions={{ useGrouping: false }}
        minValue={0}
      />
    )
  const multiline = field.kind === 'multiline' || field.kind === 'secretText' || field.kind === 'secretJson'
  const json = field.kind === 'secretJson' || field.name === 'config'
  return (
    <Controller
      control={form.control}
      name={name}
      rules={{
        validate: (value) => {
          const text = String(value ?? '').trim()
          if (!text) return field.required ? t('providers.required') : true
          if (json && text !== MASK && !parseJsonObject(text)) return t('providers.jsonInvalid')
          return true
        },
      }}
      render={({ field: bound, fieldState }) => {
        const common = {
          label,
          description,
          name: bound.name,
          value: typeof bound.value === 'string' ? bound.value : '',
          onChange: bound.onChange,
          onBlur: bound.onBlur,
          isRequired: field.required,
          optional: !field.required,
          errorMessage: fieldState.error?.message,
          dir: 'ltr' as const,
          spellCheck: 'false',
          autoComplete: secret ? 'new-password' : 'off',
        }
        if (multiline)
          return (
            <TextAreaField
              {...common}
              rows={field.kind === 'secretJson' ? 6 : 4}
              // Multi-line secrets are masked like a password input (styles.css textarea.masked).
              inputRef={(element) => {
                bound.ref(element)
                element?.classList.toggle('masked', secret)
              }}
            />
          )
        return secret ? <PasswordField {...common} inputRef={bound.ref} /> : <TextField {...common} inputRef={bound.ref} />
      }}
    />
  )
}
