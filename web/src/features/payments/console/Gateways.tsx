// /console/payments/gateways: the payment gateways — on or off, the currencies each takes, its
// circuit (paused after repeated failures) — with their settings edited in a form made from a
// small per-gateway field list. Secrets are write-only: the server shows a stored one as "••••••"
// and keeps it when "••••••" comes back. The built-in test gateway has no settings: it is on while
// no real gateway is, unless switched explicitly.
import type { PaymentGateway, PaymentGatewayField, PaymentGatewayName } from '@caravan/sdk'
import { useId, useState } from 'react'
import { Controller } from 'react-hook-form'
import { useI18n, type MessageKey } from '../../../i18n'
import {
  Button,
  ConfirmDialog,
  Form,
  FormCheckbox,
  FormNumberField,
  FormSelectField,
  PasswordField,
  ProblemAlert,
  SubmitButton,
  TextField,
  useServerForm,
  type ServerForm,
} from '../../../ui'
import { queryClient } from '../../../data/queryClient'
import { StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { DataTable, type Column } from '../../../ui/table'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { useGatewayName } from '../labels'
import { paymentKeys, useConfigureGateway, useGateways, useRemoveGateway } from '../queries'
import '../payments.css'

export const MASK = '••••••'

// The form of each gateway comes from the server (its settings' schema): nothing to keep in step here.
type GatewayField = PaymentGatewayField

export function Gateways() {
  const { t, formatDate } = useI18n()
  const gatewayName = useGatewayName()
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<PaymentGatewayName | null>(null)
  const [removing, setRemoving] = useState<PaymentGateway | null>(null)
  const configure = useConfigureGateway()
  const remove = useRemoveGateway()
  const list = useGateways().data

  function toggle(gateway: PaymentGateway) {
    setMessage(null)
    const name = gateway.name
    configure.mutate(
      // Settings left out keep their stored values: only the switch changes.
      { name, input: { enabled: !gateway.enabled, config: {} } },
      {
        onSuccess: (saved) =>
          setMessage((t) => t(saved.enabled ? 'gateways.nowOn' : 'gateways.nowOff', { name: t(`gateway.${name}` as MessageKey) })),
      },
    )
  }

  const columns: Column<PaymentGateway>[] = [
    {
      id: 'name',
      header: t('gateways.gateway'),
      primary: true,
      cell: (g) => (
        <>
          {gatewayName(g.name)}
          {g.name === 'test' && <span className="tag">{t('gateways.builtIn')}</span>}
        </>
      ),
    },
    {
      id: 'status',
      header: t('pay.status'),
      cell: (g) => (
        <>
          <span className={`status ${g.enabled ? 'pay-tone-success' : 'pay-tone-neutral'}`}>
            {g.enabled ? t('gateways.on') : t('gateways.off')}
          </span>
          {g.name === 'test' && g.source === 'default' && <span className="secondary-line">{t('gateways.testDefault')}</span>}
          {g.name !== 'test' && g.source === 'default' && <span className="secondary-line">{t('gateways.notSetUp')}</span>}
        </>
      ),
    },
    {
      id: 'currencies',
      header: t('gateways.currencies'),
      cell: (g) =>
        g.currencies.length ? (
          <bdi dir="ltr" className="currency-codes">
            {g.currencies.join(', ')}
          </bdi>
        ) : (
          t('common.none')
        ),
    },
    { id: 'health', header: t('gateways.health'), cell: (g) => t(`gateways.state.${g.state}`) },
    { id: 'updated', header: t('gateways.updated'), cell: (g) => (g.updatedAt ? formatDate(g.updatedAt) : t('common.none')) },
  ]

  const editingGateway = editing ? list?.find((g) => g.name === editing) : undefined
  return (
    <Page title={t('gateways.title')} intro={t('gateways.intro')}>
      <StatusMessage message={message} />
      <ProblemAlert error={configure.error} />
      <DataTable
        caption={t('gateways.title')}
        columns={columns}
        queryKey={[...paymentKeys.gateways, 'table']}
        fetchPage={async ({ signal }) => {
          // Through the page's own entry, so a save (which invalidates it) shows in the table.
          const items = await queryClient.fetchQuery({
            queryKey: paymentKeys.gateways,
            queryFn: () => client.admin.payments.gateways({ signal }),
          })
          return { items, nextCursor: null }
        }}
        getRowId={(g) => g.name}
        rowActions={(g) => {
          const name = gatewayName(g.name)
          // A real gateway without settings cannot be switched on: it is set up first.
          const setUp = g.name === 'test' || g.source === 'stored'
          return (
            <>
              {setUp && (
                <Button
                  variant="secondary"
                  size="small"
                  aria-label={t(g.enabled ? 'gateways.turnOffNamed' : 'gateways.turnOnNamed', { name })}
                  isPending={configure.isPending && configure.variables?.name === g.name}
                  onPress={() => toggle(g)}
                >
                  {g.enabled ? t('gateways.turnOff') : t('gateways.turnOn')}
                </Button>
              )}
              {g.name !== 'test' && (
                <Button
                  variant="secondary"
                  size="small"
                  aria-expanded={editing === g.name}
                  aria-label={t(setUp ? 'gateways.editNamed' : 'gateways.setUpNamed', { name })}
                  onPress={() => {
                    setMessage(null)
                    setEditing(editing === g.name ? null : g.name)
                  }}
                >
                  {setUp ? t('gateways.edit') : t('gateways.setUp')}
                </Button>
              )}
              {g.source === 'stored' && (
                <Button
                  variant="danger"
                  size="small"
                  aria-label={t('gateways.forgetNamed', { name })}
                  onPress={() => {
                    setMessage(null)
                    remove.reset()
                    setRemoving(g)
                  }}
                >
                  {t('gateways.forget')}
                </Button>
              )}
            </>
          )
        }}
      />
      {editingGateway && (
        <GatewayForm
          key={`${editingGateway.name}-${editingGateway.updatedAt}`}
          gateway={editingGateway}
          onDone={(say) => {
            setEditing(null)
            setMessage(say)
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t('gateways.forgetTitle', { name: gatewayName(removing.name) })}
          confirmLabel={t('gateways.forget')}
          pending={remove.isPending}
          onConfirm={() =>
            remove.mutate(removing.name, {
              onSuccess: () => {
                const name = removing.name
                setRemoving(null)
                if (editing === name) setEditing(null)
                setMessage((t) => t('gateways.forgotten', { name: t(`gateway.${name}` as MessageKey) }))
              },
            })
          }
          onCancel={() => setRemoving(null)}
        >
          <p>{t(removing.name === 'test' ? 'gateways.forgetTestBody' : 'gateways.forgetBody', { name: gatewayName(removing.name) })}</p>
          <ProblemAlert error={remove.error} />
        </ConfirmDialog>
      )}
    </Page>
  )
}

type Value = string | number | null
interface GatewayValues {
  enabled: boolean
  config: Record<string, Value>
}

function initialConfig(gateway: PaymentGateway): Record<string, Value> {
  const values: Record<string, Value> = {}
  for (const field of gateway.fields) {
    const stored = gateway.config[field.name]
    if (field.kind === 'number') values[field.name] = typeof stored === 'number' ? stored : null
    else values[field.name] = typeof stored === 'string' ? stored : ''
  }
  return values
}

/** The settings as the server takes them: empty fields left out (the stored value stays), a secret's mask kept as is. */
function configOf(fields: GatewayField[], values: Record<string, Value>): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const field of fields) {
    const value = values[field.name]
    if (field.kind === 'number') {
      if (typeof value === 'number') config[field.name] = value
      continue
    }
    const text = String(value ?? '').trim()
    if (text) config[field.name] = text
  }
  return config
}

function GatewayForm({ gateway, onDone, onCancel }: { gateway: PaymentGateway; onDone: (say: Say) => void; onCancel: () => void }) {
  const { t } = useI18n()
  const titleId = useId()
  const gatewayName = useGatewayName()
  const save = useConfigureGateway()
  const fields = gateway.fields
  const name = gatewayName(gateway.name)
  const form = useServerForm<GatewayValues>({
    // A gateway being set up for the first time is switched on with it.
    defaultValues: { enabled: gateway.source === 'stored' ? gateway.enabled : true, config: initialConfig(gateway) },
    onSubmit: async (values) => {
      const saved = await save.mutateAsync({
        name: gateway.name,
        input: { enabled: values.enabled, config: configOf(fields, values.config) },
      })
      const key = saved.name
      onDone((t) => t('gateways.saved', { name: t(`gateway.${key}` as MessageKey) }))
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)
  return (
    <section className="card" aria-labelledby={titleId}>
      {guard}
      <h2 id={titleId}>{t('gateways.editTitle', { name })}</h2>
      <Form
        form={form}
        aria-labelledby={titleId}
        actions={
          <div className="toolbar">
            <SubmitButton>{t('gateways.save')}</SubmitButton>
            <Button variant="secondary" onPress={onCancel}>
              {t('common.cancel')}
            </Button>
          </div>
        }
      >
        {gateway.source === 'stored' && fields.some((f) => f.kind === 'secret') && <p className="muted">{t('gateways.secretsKept')}</p>}
        {fields.map((field) => (
          <GatewayInput key={field.name} form={form} field={field} />
        ))}
        <FormCheckbox control={form.control} name="enabled" label={t('gateways.enabledLabel', { name })} />
      </Form>
    </section>
  )
}

function GatewayInput({ form, field }: { form: ServerForm<GatewayValues>; field: GatewayField }) {
  const { t } = useI18n()
  const name = `config.${field.name}` as const
  const label = t(`gatewayField.${field.name}` as MessageKey)
  if (field.kind === 'number')
    return (
      <FormNumberField
        control={form.control}
        name={name}
        label={label}
        description={t('gatewayField.timeoutMsHint')}
        optional
        minValue={100}
        maxValue={120_000}
        formatOptions={{ useGrouping: false }}
      />
    )
  if (field.kind === 'select')
    return (
      <FormSelectField
        control={form.control}
        name={name}
        label={label}
        optional
        options={(field.options ?? []).map((o) => ({ id: o, label: t(`gatewayField.${field.name}.${o}` as MessageKey) }))}
      />
    )
  const secret = field.kind === 'secret'
  return (
    <Controller
      control={form.control}
      name={name}
      rules={{ validate: (value) => (field.required && !String(value ?? '').trim() ? t('ui.required') : true) }}
      render={({ field: bound, fieldState }) => {
        const common = {
          label,
          description: secret ? t('gateways.secretHint') : field.name.endsWith('Url') ? t('gatewayField.urlHint') : undefined,
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
          inputRef: bound.ref,
        }
        return secret ? <PasswordField {...common} /> : <TextField {...common} />
      }}
    />
  )
}
