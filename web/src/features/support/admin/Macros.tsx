// /console/support/macros (admins): a macro is several changes to a ticket applied at once by an
// agent — a status, a priority, tags to add and tags to remove (at least one of them). List,
// create, edit, delete (asked first). Tags are typed separated by commas or spaces.
import type { Macro, MacroInput, TicketPriority, TicketStatus } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n, type Translate } from '../../../i18n'
import { asCaravanError, Button, FormDialog, FormSelectField, FormTextField, useServerForm } from '../../../ui'
import { queryClient } from '../../../data/queryClient'
import { StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { DataTable, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { PRIORITIES, TICKET_STATUSES } from './labels'
import { supportAdminKeys, useDeleteMacro, useSaveMacro } from './queries'
import { DeleteConfirm } from './DeleteConfirm'
import './admin.css'

const KEEP = 'keep'
const TAG = /^[\p{L}\p{N}_:-]{1,50}$/u

/** "billing, vip urgent" → ['billing', 'vip', 'urgent']: lower-cased as the server keeps them, once each. */
export function tagsOf(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,،]+/)
        .map((tag) => tag.trim().toLowerCase())
        .filter(Boolean),
    ),
  ]
}

/** A macro's changes in words: "Status: Solved · Add tags: billing". */
export function actionsSummary(t: Translate, actions: Macro['actions']): string[] {
  const parts: string[] = []
  if (actions.status) parts.push(t('sadmin.setsStatus', { status: t(`sadmin.status.${actions.status}`) }))
  if (actions.priority) parts.push(t('sadmin.setsPriority', { priority: t(`sadmin.priority.${actions.priority}`) }))
  if (actions.addTags?.length) parts.push(t('sadmin.addsTags', { tags: actions.addTags.join(t('common.listSeparator')) }))
  if (actions.removeTags?.length) parts.push(t('sadmin.removesTags', { tags: actions.removeTags.join(t('common.listSeparator')) }))
  return parts
}

export function Macros() {
  const { t, formatDate } = useI18n()
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<Macro | 'new' | null>(null)
  const [deleting, setDeleting] = useState<Macro | null>(null)
  const remove = useDeleteMacro()

  const columns: Column<Macro>[] = [
    { id: 'name', header: t('sadmin.macroName'), primary: true, sortValue: (m) => m.name, cell: (m) => <bdi>{m.name}</bdi> },
    {
      id: 'actions',
      header: t('sadmin.macroActions'),
      cell: (m) => (
        <ul className="sadmin-actions-list">
          {actionsSummary(t, m.actions).map((part) => (
            <li key={part}>{part}</li>
          ))}
        </ul>
      ),
    },
    { id: 'updated', header: t('sadmin.updated'), sortValue: (m) => m.updatedAt, cell: (m) => formatDate(m.updatedAt) },
  ]

  return (
    <Page title={t('sadmin.macrosTitle')} intro={t('sadmin.macrosIntro')}>
      <StatusMessage message={message} />
      <div className="toolbar">
        <Button
          onPress={() => {
            setMessage(null)
            setEditing('new')
          }}
        >
          {t('sadmin.newMacro')}
        </Button>
      </div>
      <DataTable
        caption={t('sadmin.macrosTitle')}
        columns={columns}
        queryKey={[...supportAdminKeys.macros, 'table']}
        fetchPage={async ({ signal }) => {
          const items = await queryClient.fetchQuery({
            queryKey: supportAdminKeys.macros,
            queryFn: () => client.support.macros({ signal }),
          })
          return { items, nextCursor: null }
        }}
        getRowId={(m) => m.id}
        empty={<p className="empty">{t('sadmin.noMacros')}</p>}
        rowActions={(m) => (
          <>
            <Button
              variant="secondary"
              size="small"
              aria-label={t('sadmin.editNamed', { name: m.name })}
              onPress={() => {
                setMessage(null)
                setEditing(m)
              }}
            >
              {t('sadmin.edit')}
            </Button>
            <Button
              variant="danger"
              size="small"
              aria-label={t('sadmin.deleteNamed', { name: m.name })}
              onPress={() => {
                setMessage(null)
                remove.reset()
                setDeleting(m)
              }}
            >
              {t('sadmin.delete')}
            </Button>
          </>
        )}
      />
      {editing && (
        <MacroDialog
          macro={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onDone={(say) => {
            setEditing(null)
            setMessage(say)
          }}
        />
      )}
      {deleting && (
        <DeleteConfirm
          title={t('sadmin.deleteMacroTitle', { name: deleting.name })}
          body={t('sadmin.deleteMacroBody')}
          remove={remove}
          id={deleting.id}
          onDeleted={() => {
            const name = deleting.name
            setDeleting(null)
            setMessage((t) => t('sadmin.macroDeleted', { name }))
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </Page>
  )
}

/** Named as the server names them (actions.addTags), so its field errors land on their inputs. */
interface MacroValues {
  name: string
  actions: { status: TicketStatus | typeof KEEP; priority: TicketPriority | typeof KEEP; addTags: string; removeTags: string }
}

function MacroDialog({ macro, onClose, onDone }: { macro: Macro | null; onClose: () => void; onDone: (say: Say) => void }) {
  const { t } = useI18n()
  const save = useSaveMacro()
  const [noAction, setNoAction] = useState(false)
  const form = useServerForm<MacroValues>({
    defaultValues: {
      name: macro?.name ?? '',
      actions: {
        status: macro?.actions.status ?? KEEP,
        priority: macro?.actions.priority ?? KEEP,
        addTags: (macro?.actions.addTags ?? []).join(', '),
        removeTags: (macro?.actions.removeTags ?? []).join(', '),
      },
    },
    onSubmit: async ({ name, actions }) => {
      const addTags = tagsOf(actions.addTags)
      const removeTags = tagsOf(actions.removeTags)
      const input: MacroInput = {
        name: name.trim(),
        actions: {
          ...(actions.status !== KEEP ? { status: actions.status } : {}),
          ...(actions.priority !== KEEP ? { priority: actions.priority } : {}),
          ...(addTags.length ? { addTags } : {}),
          ...(removeTags.length ? { removeTags } : {}),
        },
      }
      // The server takes a macro that changes something; said here before asking.
      setNoAction(Object.keys(input.actions).length === 0)
      if (Object.keys(input.actions).length === 0) return
      try {
        const saved = await save.mutateAsync({ id: macro?.id ?? null, input })
        const savedName = saved.name
        onDone((t) => t(macro ? 'sadmin.macroSaved' : 'sadmin.macroCreated', { name: savedName }))
      } catch (error) {
        if (asCaravanError(error).status === 409) {
          form.setError('name', { type: 'server', message: t('sadmin.macroTaken') })
          form.setFocus('name')
          return
        }
        throw error
      }
    },
  })
  const tagRule = { validate: (text: string) => tagsOf(text).every((tag) => TAG.test(tag)) || t('sadmin.tagsInvalid') }
  return (
    <FormDialog
      title={macro ? t('sadmin.editMacroTitle', { name: macro.name }) : t('sadmin.newMacro')}

      className="sadmin-dialog"
      form={form}
      submitLabel={macro ? t('sadmin.save') : t('sadmin.create')}
      onClose={onClose}
    >
      <FormTextField
        control={form.control}
        name="name"
        label={t('sadmin.macroName')}
        isRequired
        dir="auto"
        maxLength={100}
        autoComplete="off"
      />
      <fieldset className="form sadmin-macro-actions">
        <legend>{t('sadmin.macroActions')}</legend>
        <p className="hint">{t('sadmin.macroActionsHint')}</p>
        <div className="field-row">
          <FormSelectField
            control={form.control}
            name="actions.status"
            label={t('sadmin.setStatus')}
            options={[{ id: KEEP, label: t('sadmin.keep') }, ...TICKET_STATUSES.map((s) => ({ id: s, label: t(`sadmin.status.${s}`) }))]}
          />
          <FormSelectField
            control={form.control}
            name="actions.priority"
            label={t('sadmin.setPriority')}
            options={[{ id: KEEP, label: t('sadmin.keep') }, ...PRIORITIES.map((p) => ({ id: p, label: t(`sadmin.priority.${p}`) }))]}
          />
        </div>
        <FormTextField
          control={form.control}
          name="actions.addTags"
          label={t('sadmin.addTags')}
          description={t('sadmin.tagsHint')}
          optional
          dir="auto"
          autoComplete="off"
          rules={tagRule}
        />
        <FormTextField
          control={form.control}
          name="actions.removeTags"
          label={t('sadmin.removeTags')}
          optional
          dir="auto"
          autoComplete="off"
          rules={tagRule}
        />
        {noAction && (
          <p className="field-error" role="alert">
            {t('sadmin.macroNeedsAction')}
          </p>
        )}
      </fieldset>
    </FormDialog>
  )
}
