// /console/api-keys: keys for the host product's server. A new key is shown this once, with a copy
// button; the list says when each was made and last used; revoking asks first (requests with the
// key fail at once), then shows the key revoked before the server answers.
import type { ApiKey, CreatedApiKey } from '@caravan/sdk'
import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n'
import { Button, ConfirmDialog, Form, FormTextField, ProblemAlert, useServerForm } from '../../ui'
import { RelativeTime } from '../../ui/dates'
import { DataTable, type Column } from '../../ui/table'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { adminKeys, fetchApiKeys, useCreateApiKey, useRevokeApiKey } from './queries'

interface NewKeyValues {
  name: string
  scopes: string
}

/** As the server checks each scope: `*`, or `area:action`. */
const SCOPE = /^(\*|[a-z]+:[a-z*]+)$/
const MAX_SCOPES = 32
const MAX_NAME = 100

const scopeList = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))]

export function ApiKeys() {
  const { t, formatDate } = useI18n()
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  const [confirming, setConfirming] = useState<ApiKey | null>(null)
  const [message, setMessage] = useMessage()
  const create = useCreateApiKey()
  const revoke = useRevokeApiKey()

  const form = useServerForm<NewKeyValues>({
    defaultValues: { name: '', scopes: 'users:read' },
    onSubmit: async ({ name, scopes }) => {
      setCreated(null)
      setMessage(null)
      const result = await create.mutateAsync({ name: name.trim(), scopes: scopeList(scopes) })
      setCreated(result)
      form.reset({ name: '', scopes })
    },
  })

  function revokeKey(key: ApiKey) {
    setConfirming(null)
    setMessage(null)
    revoke.mutate(key, { onSuccess: () => setMessage((t) => t('apiKeys.revoked', { name: key.name })) })
  }

  const columns: Column<ApiKey>[] = [
    { id: 'name', header: t('apiKeys.name'), primary: true, sortValue: (k) => k.name, cell: (k) => <bdi>{k.name}</bdi> },
    { id: 'prefix', header: t('apiKeys.prefix'), cell: (k) => <code dir="ltr">{k.prefix}…</code> },
    {
      id: 'scopes',
      header: t('apiKeys.scopes'),
      cell: (k) => (
        <code dir="ltr" className="wrap-anywhere">
          {k.scopes.join(' ')}
        </code>
      ),
    },
    { id: 'created', header: t('apiKeys.created'), sortValue: (k) => k.createdAt, cell: (k) => <RelativeTime iso={k.createdAt} /> },
    {
      id: 'lastUsed',
      header: t('apiKeys.lastUsed'),
      sortValue: (k) => k.lastUsedAt,
      cell: (k) => (k.lastUsedAt ? <RelativeTime iso={k.lastUsedAt} /> : t('apiKeys.never')),
    },
    {
      id: 'status',
      header: t('apiKeys.status'),
      cell: (k) => (k.revokedAt ? t('apiKeys.revokedOn', { date: formatDate(k.revokedAt) }) : t('apiKeys.active')),
    },
  ]

  return (
    <Page title={t('apiKeys.title')} intro={t('apiKeys.intro')}>
      <Form form={form} className="card" aria-labelledby="new-key-title" submitLabel={t('apiKeys.create')}>
        <h2 id="new-key-title">{t('apiKeys.createTitle')}</h2>
        <FormTextField
          control={form.control}
          name="name"
          label={t('apiKeys.name')}
          dir="auto"
          isRequired
          rules={{ maxLength: { value: MAX_NAME, message: t('apiKeys.nameTooLong', { max: MAX_NAME }) } }}
        />
        <FormTextField
          control={form.control}
          name="scopes"
          label={t('apiKeys.scopes')}
          dir="ltr"
          isRequired
          description={t('apiKeys.scopesHint')}
          rules={{
            // The server's rules, checked here so its answer never names a scope by its index.
            validate: (text) => {
              const scopes = scopeList(text)
              if (!scopes.every((scope) => SCOPE.test(scope))) return t('fieldError.scopes')
              return scopes.length <= MAX_SCOPES || t('apiKeys.scopesTooMany', { max: MAX_SCOPES })
            },
          }}
        />
      </Form>

      {created && <NewKey created={created} />}

      <StatusMessage message={message} />
      {revoke.isError && (
        <ProblemAlert error={revoke.error} onRetry={() => revokeKey(revoke.variables)}>
          <p>{t('apiKeys.revokeFailed', { name: revoke.variables.name })}</p>
        </ProblemAlert>
      )}
      <DataTable
        caption={t('apiKeys.title')}
        columns={columns}
        queryKey={adminKeys.apiKeys}
        fetchPage={fetchApiKeys}
        getRowId={(k) => k.id}
        empty={<p className="empty">{t('apiKeys.empty')}</p>}
        rowActions={(key) =>
          !key.revokedAt && (
            <Button
              variant="danger"
              size="small"
              aria-label={t('apiKeys.revokeNamed', { name: key.name })}
              onPress={() => {
                setMessage(null)
                setConfirming(key)
              }}
            >
              {t('apiKeys.revoke')}
            </Button>
          )
        }
      />
      {confirming && (
        <ConfirmDialog
          title={t('apiKeys.revokeTitle', { name: confirming.name })}
          confirmLabel={t('apiKeys.yesRevoke')}
          onConfirm={() => revokeKey(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>{t('apiKeys.revokeBody')}</p>
        </ConfirmDialog>
      )}
    </Page>
  )
}

/** The new key, this one time. */
function NewKey({ created }: { created: CreatedApiKey }) {
  const { t } = useI18n()
  const heading = useRef<HTMLHeadingElement>(null)
  const [copied, setCopied] = useState(false)
  // Focus the news, so a screen reader reads it.
  useEffect(() => heading.current?.focus(), [created])

  async function copy() {
    await navigator.clipboard.writeText(created.key).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }

  return (
    <section className="alert success new-key" aria-labelledby="created-key-title">
      <h2 id="created-key-title" ref={heading} tabIndex={-1}>
        {t('apiKeys.newKey', { name: created.apiKey.name })}
      </h2>
      <p>{t('apiKeys.copyWarning')}</p>
      <p>
        <code className="secret" dir="ltr" data-testid="new-api-key">
          {created.key}
        </code>
      </p>
      <Button variant="secondary" size="small" onPress={() => void copy()}>
        {t('apiKeys.copy')}
      </Button>
      <StatusMessage message={copied ? t('apiKeys.copied') : null} tone="info" />
    </section>
  )
}
