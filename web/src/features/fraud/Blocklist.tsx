// The blocklist, on the rules page: add an e-mail domain, an IP address or range, a device or a
// card fingerprint (refusals said at the value: not a value of its kind, listed already, the list
// full), and the entries by kind, each removable after a question. Changes apply at once on every
// node; what a match adds is set in the rules above.
import type { FraudBlocklistEntry } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import {
  Button,
  ConfirmDialog,
  Form,
  FormSelectField,
  FormTextField,
  ProblemAlert,
  SelectField,
  SubmitButton,
  useServerForm,
} from '../../ui'
import { StatusMessage, useMessage, type Say } from '../../ui/messages'
import { DataTable, useUrlState, type Column } from '../../ui/table'
import { client } from '../auth/session'
import { PersonById } from '../notifications/console/Person'
import { useIdempotencyKey } from '../payments/idempotency'
import { BLOCKLIST_KINDS, fraudCode, type BlocklistKind } from './labels'
import { fraudKeys, useAddToBlocklist, useRemoveFromBlocklist } from './queries'

const ALL = 'all'

export function BlocklistSection() {
  const { t, formatDate } = useI18n()
  const [filter, setFilter] = useUrlState({ kind: ALL }, { kind: (v) => v === ALL || (BLOCKLIST_KINDS as string[]).includes(v) })
  const kind = filter.kind === ALL ? undefined : (filter.kind as BlocklistKind)
  const [message, setMessage] = useMessage()
  const [removing, setRemoving] = useState<FraudBlocklistEntry | null>(null)

  const columns: Column<FraudBlocklistEntry>[] = [
    {
      id: 'value',
      header: t('fraud.block.value'),
      primary: true,
      cell: (e) => (
        <bdi dir="ltr" className="wrap-anywhere">
          {e.value}
        </bdi>
      ),
    },
    { id: 'kind', header: t('fraud.block.kind'), cell: (e) => t(`fraud.kind.${e.kind}`) },
    {
      id: 'note',
      header: t('fraud.block.note'),
      cell: (e) => (e.note ? <bdi>{e.note}</bdi> : <span className="muted">{t('common.none')}</span>),
    },
    {
      id: 'added',
      header: t('fraud.block.addedAt'),
      sortValue: (e) => e.createdAt,
      cell: (e) => (
        <span>
          <time dateTime={e.createdAt}>{formatDate(e.createdAt)}</time>
          {e.createdBy.startsWith('user:') && (
            <span className="secondary-line">
              <PersonById id={e.createdBy.slice('user:'.length)} />
            </span>
          )}
        </span>
      ),
    },
  ]

  return (
    <section aria-labelledby="fraud-blocklist" className="fraud-blocklist">
      <h2 id="fraud-blocklist">{t('fraud.block.title')}</h2>
      <p>{t('fraud.block.intro')}</p>
      <AddEntry
        onAdded={(say) => setMessage(say)}
        onSubmit={() => setMessage(null)}
        kind={kind}
        onKindChosen={(chosen) => {
          if (kind && chosen !== kind) setFilter({ kind: ALL })
        }}
      />
      <StatusMessage message={message} />
      <DataTable
        caption={t('fraud.block.list')}
        columns={columns}
        queryKey={fraudKeys.blocklist({ kind })}
        fetchPage={({ cursor, signal }) => client.admin.fraud.blocklist({ kind, cursor, limit: 50 }, { signal })}
        getRowId={(e) => e.id}
        empty={<p className="empty">{kind ? t('fraud.block.emptyKind') : t('fraud.block.empty')}</p>}
        filters={
          <div role="search" aria-label={t('fraud.block.filter')} className="filters-grid pay-filters">
            <SelectField
              label={t('fraud.block.kind')}
              value={filter.kind}
              onChange={(v) => setFilter({ kind: v ?? ALL })}
              options={[
                { id: ALL, label: t('fraud.block.allKinds') },
                ...BLOCKLIST_KINDS.map((k) => ({ id: k, label: t(`fraud.kind.${k}`) })),
              ]}
            />
          </div>
        }
        rowActions={(e) => (
          <ButtonRemove
            entry={e}
            onPress={() => {
              setMessage(null)
              setRemoving(e)
            }}
          />
        )}
      />
      {removing && (
        <RemoveDialog
          entry={removing}
          onClose={() => setRemoving(null)}
          onDone={(say) => {
            setRemoving(null)
            setMessage(say)
          }}
        />
      )}
    </section>
  )
}

function ButtonRemove({ entry, onPress }: { entry: FraudBlocklistEntry; onPress: () => void }) {
  const { t } = useI18n()
  return (
    <Button size="small" variant="danger" aria-label={t('fraud.block.removeNamed', { value: entry.value })} onPress={onPress}>
      {t('fraud.block.remove')}
    </Button>
  )
}

interface EntryValues {
  kind: BlocklistKind
  value: string
  note: string
}

function AddEntry({
  kind,
  onAdded,
  onSubmit,
  onKindChosen,
}: {
  kind: BlocklistKind | undefined
  onAdded: (say: Say) => void
  onSubmit: () => void
  onKindChosen: (kind: BlocklistKind) => void
}) {
  const { t } = useI18n()
  const add = useAddToBlocklist()
  const keys = useIdempotencyKey()
  const form = useServerForm<EntryValues>({
    defaultValues: { kind: kind ?? 'email_domain', value: '', note: '' },
    onSubmit: async (values) => {
      onSubmit()
      const input = { kind: values.kind, value: values.value.trim(), ...(values.note.trim() ? { note: values.note.trim() } : {}) }
      try {
        const entry = await add.mutateAsync({ input, idempotencyKey: keys.keyFor(input) })
        keys.done()
        form.reset({ kind: values.kind, value: '', note: '' })
        form.setFocus('value')
        onKindChosen(values.kind)
        onAdded((t) => t('fraud.block.added', { value: entry.value, kind: t(`fraud.kind.${entry.kind}`) }))
      } catch (error) {
        if (error instanceof CaravanError && error.status > 0) keys.done()
        const code = fraudCode(error)
        const refusal =
          code === 'fraud_blocklist_exists'
            ? t('fraud.block.exists')
            : code === 'fraud_blocklist_full'
              ? t('fraud.block.full')
              : error instanceof CaravanError && error.status === 400 && error.errors.some((e) => e.field === 'body.value')
                ? t('fraud.block.valueInvalid', { kind: values.kind })
                : null
        if (!refusal) throw error
        form.setError('value', { type: 'server', message: refusal })
        form.setFocus('value')
      }
    },
  })
  const chosen = form.watch('kind')
  return (
    <Form
      form={form}
      className="wide card fraud-add"
      aria-label={t('fraud.block.add')}
      actions={<SubmitButton>{t('fraud.block.add')}</SubmitButton>}
    >
      <div className="field-row">
        <FormSelectField
          control={form.control}
          name="kind"
          label={t('fraud.block.kind')}
          isRequired
          options={BLOCKLIST_KINDS.map((k) => ({ id: k, label: t(`fraud.kind.${k}`) }))}
        />
        <FormTextField
          control={form.control}
          name="value"
          label={t('fraud.block.value')}
          description={t(`fraud.block.valueHint.${chosen}`)}
          dir="ltr"
          autoComplete="off"
          isRequired
          rules={{ validate: (text) => String(text ?? '').trim().length <= 200 || t('fraud.block.valueInvalid', { kind: chosen }) }}
        />
        <FormTextField
          control={form.control}
          name="note"
          label={t('fraud.block.note')}
          optional
          dir="auto"
          autoComplete="off"
          rules={{ validate: (text) => String(text ?? '').length <= 500 || t('fraud.decide.noteInvalid') }}
        />
      </div>
    </Form>
  )
}

function RemoveDialog({ entry, onClose, onDone }: { entry: FraudBlocklistEntry; onClose: () => void; onDone: (say: Say) => void }) {
  const { t } = useI18n()
  const remove = useRemoveFromBlocklist()
  const keys = useIdempotencyKey()
  return (
    <ConfirmDialog
      title={t('fraud.block.removeTitle', { value: entry.value })}
      confirmLabel={t('fraud.block.remove')}
      pending={remove.isPending}
      onConfirm={() =>
        remove.mutate(
          { id: entry.id, idempotencyKey: keys.keyFor({ id: entry.id }) },
          {
            onSuccess: () => {
              keys.done()
              onDone((t) => t('fraud.block.removed', { value: entry.value }))
            },
            onError: (error) => error instanceof CaravanError && error.status > 0 && keys.done(),
          },
        )
      }
      onCancel={onClose}
    >
      <p>{t('fraud.block.removeBody', { kind: entry.kind })}</p>
      <ProblemAlert error={remove.error} />
    </ConfirmDialog>
  )
}
