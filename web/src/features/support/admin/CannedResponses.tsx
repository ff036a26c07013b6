// /console/support/canned (agents and admins): the desk's canned responses, inserted with
// /shortcut in the ticket composer, their placeholders filled for the ticket at hand. Search by
// shortcut or title; create, edit and delete (asked first). The server refuses a shortcut that is
// taken (409) and a text whose placeholders do not parse (400): both said on their field.
import type { CannedResponse } from '@caravan/sdk'
import { useEffect, useState, type FormEvent } from 'react'
import { useI18n } from '../../../i18n'
import { asCaravanError, Button, FormDialog, FormTextAreaField, FormTextField, SearchField, useServerForm } from '../../../ui'
import { queryClient } from '../../../data/queryClient'
import { StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { supportAdminKeys, useDeleteCanned, useSaveCanned } from './queries'
import { DeleteConfirm } from './DeleteConfirm'
import './admin.css'

/** What a canned response's text may say, filled in for each ticket. */
export const PLACEHOLDERS = ['customer.name', 'customer.email', 'ticket.number', 'ticket.subject', 'agent.name'] as const

const SHORTCUT = /^[\p{L}\p{N}_-]{1,40}$/u
const PREVIEW = 120

export function CannedResponses() {
  const { t, formatDate } = useI18n()
  const [filter, setFilter] = useUrlState({ q: '' })
  const [draft, setDraft] = useState(filter.q)
  // A link or Back changes the URL under the box: show what is searched.
  useEffect(() => setDraft(filter.q), [filter.q])
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null)
  const [deleting, setDeleting] = useState<CannedResponse | null>(null)
  const remove = useDeleteCanned()

  function search(event: FormEvent) {
    event.preventDefault()
    setFilter({ q: draft.trim() })
  }

  const columns: Column<CannedResponse>[] = [
    {
      id: 'shortcut',
      header: t('sadmin.shortcut'),
      primary: true,
      sortValue: (c) => c.shortcut,
      cell: (c) => (
        <code dir="ltr" className="wrap-anywhere">
          /{c.shortcut}
        </code>
      ),
    },
    { id: 'title', header: t('sadmin.cannedTitleField'), sortValue: (c) => c.title, cell: (c) => <bdi>{c.title}</bdi> },
    {
      id: 'body',
      header: t('sadmin.cannedBody'),
      cell: (c) => <bdi className="sadmin-preview">{c.body.length > PREVIEW ? `${c.body.slice(0, PREVIEW).trimEnd()}…` : c.body}</bdi>,
    },
    { id: 'updated', header: t('sadmin.updated'), sortValue: (c) => c.updatedAt, cell: (c) => formatDate(c.updatedAt) },
  ]

  return (
    <Page title={t('sadmin.cannedTitle')} intro={t('sadmin.cannedIntro')}>
      <StatusMessage message={message} />
      <div className="toolbar">
        <Button
          onPress={() => {
            setMessage(null)
            setEditing('new')
          }}
        >
          {t('sadmin.newCanned')}
        </Button>
      </div>
      <DataTable
        caption={t('sadmin.cannedTitle')}
        columns={columns}
        queryKey={[...supportAdminKeys.cannedSearch(filter.q), 'table']}
        fetchPage={async ({ signal }) => {
          const items = await queryClient.fetchQuery({
            queryKey: supportAdminKeys.cannedSearch(filter.q),
            queryFn: () => client.support.cannedResponses({ q: filter.q || undefined, limit: 200 }, { signal }),
          })
          return { items, nextCursor: null }
        }}
        getRowId={(c) => c.id}
        empty={<p className="empty">{filter.q ? t('sadmin.noCannedMatch') : t('sadmin.noCanned')}</p>}
        filters={
          <form onSubmit={search} role="search" className="sadmin-search">
            <SearchField
              label={t('sadmin.searchCanned')}
              value={draft}
              onChange={setDraft}
              onClear={() => setFilter({ q: '' })}
              // "/" focuses the page's search (shell/useHotkeys.ts).
              inputRef={(input) => input?.setAttribute('data-page-search', '')}
            />
            <Button type="submit" variant="secondary">
              {t('sadmin.search')}
            </Button>
          </form>
        }
        rowActions={(c) => (
          <>
            <Button
              variant="secondary"
              size="small"
              aria-label={t('sadmin.editNamed', { name: `/${c.shortcut}` })}
              onPress={() => {
                setMessage(null)
                setEditing(c)
              }}
            >
              {t('sadmin.edit')}
            </Button>
            <Button
              variant="danger"
              size="small"
              aria-label={t('sadmin.deleteNamed', { name: `/${c.shortcut}` })}
              onPress={() => {
                setMessage(null)
                remove.reset()
                setDeleting(c)
              }}
            >
              {t('sadmin.delete')}
            </Button>
          </>
        )}
      />
      {editing && (
        <CannedDialog
          canned={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onDone={(say) => {
            setEditing(null)
            setMessage(say)
          }}
        />
      )}
      {deleting && (
        <DeleteConfirm
          title={t('sadmin.deleteCannedTitle', { name: `/${deleting.shortcut}` })}
          body={t('sadmin.deleteCannedBody')}
          remove={remove}
          id={deleting.id}
          onDeleted={() => {
            const name = `/${deleting.shortcut}`
            setDeleting(null)
            setMessage((t) => t('sadmin.cannedDeleted', { name }))
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </Page>
  )
}

interface CannedValues {
  shortcut: string
  title: string
  body: string
}

function CannedDialog({ canned, onClose, onDone }: { canned: CannedResponse | null; onClose: () => void; onDone: (say: Say) => void }) {
  const { t } = useI18n()
  const save = useSaveCanned()
  const form = useServerForm<CannedValues>({
    defaultValues: { shortcut: canned?.shortcut ?? '', title: canned?.title ?? '', body: canned?.body ?? '' },
    onSubmit: async (values) => {
      const input = { shortcut: values.shortcut.trim().replace(/^\//, ''), title: values.title.trim(), body: values.body }
      try {
        const saved = await save.mutateAsync({ id: canned?.id ?? null, input })
        const name = `/${saved.shortcut}`
        onDone((t) => t(canned ? 'sadmin.cannedSaved' : 'sadmin.cannedCreated', { name }))
      } catch (error) {
        const problem = asCaravanError(error)
        if (problem.status === 409) {
          form.setError('shortcut', { type: 'server', message: t('sadmin.shortcutTaken', { shortcut: `/${input.shortcut}` }) })
          form.setFocus('shortcut')
          return
        }
        // A placeholder that does not parse: our sentence, then the template engine's own words.
        const template = problem.fieldError('body.body')
        if (template) {
          form.setError('body', {
            type: 'server',
            message: t('sadmin.templateError', { detail: template.replace(/^cannot be parsed:\s*/, '') }),
          })
          form.setFocus('body')
          return
        }
        throw error
      }
    },
  })
  return (
    <FormDialog
      title={canned ? t('sadmin.editCannedTitle', { name: `/${canned.shortcut}` }) : t('sadmin.newCanned')}

      className="sadmin-dialog"
      form={form}
      submitLabel={canned ? t('sadmin.save') : t('sadmin.create')}
      onClose={onClose}
    >
      <FormTextField
        control={form.control}
        name="shortcut"
        label={t('sadmin.shortcut')}
        description={t('sadmin.shortcutHint')}
        isRequired
        dir="ltr"
        autoComplete="off"
        spellCheck="false"
        rules={{ validate: (text) => SHORTCUT.test(String(text).trim().replace(/^\//, '')) || t('sadmin.shortcutInvalid') }}
      />
      <FormTextField control={form.control} name="title" label={t('sadmin.cannedTitleField')} isRequired dir="auto" maxLength={200} />
      <FormTextAreaField
        control={form.control}
        name="body"
        label={t('sadmin.cannedBody')}
        description={
          <>
            {t('sadmin.placeholdersHint')}{' '}
            {PLACEHOLDERS.map((p, i) => (
              <span key={p}>
                {i > 0 && t('common.listSeparator')}
                <code dir="ltr">{`{{ ${p} }}`}</code>
              </span>
            ))}
          </>
        }
        isRequired
        dir="auto"
        rows={6}
        maxLength={10_000}
      />
    </FormDialog>
  )
}
