// /console/support/sites (admins): where the live chat widget may run (docs/support-widget.md).
// A site has a public token (in its embed code), the exact origins allowed to use it, an identity
// secret its server signs users' ids with, a team and a language. Create, edit, delete (asked
// first: its widget stops at once) and rotate the secret (asked first: the old one stops at once).
// The secret is shown once, after creating or rotating.
import type { WidgetSite } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Button, ConfirmDialog, Dialog, ProblemAlert } from '../../../ui'
import { queryClient } from '../../../data/queryClient'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { DataTable, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { supportAdminKeys, useDeleteSite, useRotateSiteSecret, useTeams } from './queries'
import { SiteDialog } from './SiteDialog'
import { EmbedCode, SiteSecret } from './SiteSecret'
import { DeleteConfirm } from './DeleteConfirm'
import './admin.css'

export function Sites() {
  const { t, formatDate } = useI18n()
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<WidgetSite | 'new' | null>(null)
  const [embedding, setEmbedding] = useState<WidgetSite | null>(null)
  const [deleting, setDeleting] = useState<WidgetSite | null>(null)
  const [rotating, setRotating] = useState<WidgetSite | null>(null)
  const [secret, setSecret] = useState<{ site: WidgetSite; secret: string } | null>(null)
  const teams = useTeams()
  const remove = useDeleteSite()
  const rotate = useRotateSiteSecret()
  const teamName = (id: string | null) => (id === null ? t('sadmin.siteDefaultTeam') : (teams.data?.find((x) => x.id === id)?.name ?? id))

  // The last action's message goes when the next starts; a shown secret stays until dismissed or
  // replaced, since it cannot be shown again.
  const start = () => setMessage(null)

  const columns: Column<WidgetSite>[] = [
    { id: 'name', header: t('sadmin.siteName'), primary: true, sortValue: (s) => s.name, cell: (s) => <bdi>{s.name}</bdi> },
    {
      id: 'origins',
      header: t('sadmin.siteOrigins'),
      cell: (s) => (
        <ul className="sadmin-origins" dir="ltr">
          {s.allowedOrigins.map((origin) => (
            <li key={origin}>
              <code className="wrap-anywhere">{origin}</code>
            </li>
          ))}
        </ul>
      ),
    },
    {
      id: 'identity',
      header: t('sadmin.siteIdentity'),
      cell: (s) => (s.requireIdentity ? t('sadmin.siteIdentityRequired') : t('sadmin.siteIdentityOptional')),
    },
    { id: 'team', header: t('sadmin.team'), cell: (s) => <bdi>{teamName(s.teamId)}</bdi> },
    {
      id: 'locale',
      header: t('sadmin.siteLocale'),
      cell: (s) => <span lang={s.locale}>{t(`lang.${s.locale}`)}</span>,
    },
    { id: 'created', header: t('sadmin.siteCreated'), sortValue: (s) => s.createdAt, cell: (s) => formatDate(s.createdAt) },
  ]

  return (
    <Page title={t('sadmin.sitesTitle')} intro={t('sadmin.sitesIntro')}>
      <StatusMessage message={message} />
      {secret && <SiteSecret key={secret.secret} site={secret.site} secret={secret.secret} onDismiss={() => setSecret(null)} />}
      <div className="toolbar">
        <Button
          onPress={() => {
            start()
            setEditing('new')
          }}
        >
          {t('sadmin.newSite')}
        </Button>
      </div>
      <DataTable
        caption={t('sadmin.sitesTitle')}
        columns={columns}
        queryKey={[...supportAdminKeys.sites, 'table']}
        fetchPage={async ({ signal }) => {
          // Through the page's own entry, so a write (which invalidates both) shows in the table.
          const items = await queryClient.fetchQuery({
            queryKey: supportAdminKeys.sites,
            queryFn: () => client.support.sites.list({ signal }),
          })
          return { items, nextCursor: null }
        }}
        getRowId={(s) => s.id}
        empty={<p className="empty">{t('sadmin.noSites')}</p>}
        rowActions={(s) => (
          <>
            <Button
              variant="secondary"
              size="small"
              aria-label={t('sadmin.siteEmbedNamed', { name: s.name })}
              onPress={() => {
                start()
                setEmbedding(s)
              }}
            >
              {t('sadmin.siteEmbed')}
            </Button>
            <Button
              variant="secondary"
              size="small"
              aria-label={t('sadmin.editNamed', { name: s.name })}
              onPress={() => {
                start()
                setEditing(s)
              }}
            >
              {t('sadmin.edit')}
            </Button>
            <Button
              variant="secondary"
              size="small"
              aria-label={t('sadmin.siteRotateNamed', { name: s.name })}
              onPress={() => {
                start()
                rotate.reset()
                setRotating(s)
              }}
            >
              {t('sadmin.siteRotate')}
            </Button>
            <Button
              variant="danger"
              size="small"
              aria-label={t('sadmin.deleteNamed', { name: s.name })}
              onPress={() => {
                start()
                remove.reset()
                setDeleting(s)
              }}
            >
              {t('sadmin.delete')}
            </Button>
          </>
        )}
      />
      {editing && (
        <SiteDialog
          site={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(site, identitySecret) => {
            setEditing(null)
            setSecret({ site, secret: identitySecret })
          }}
          onSaved={(say) => {
            setEditing(null)
            setMessage(say)
          }}
        />
      )}
      {embedding && (
        <Dialog
          title={t('sadmin.siteEmbedTitleNamed', { name: embedding.name })}
          isOpen
          onOpenChange={(open) => !open && setEmbedding(null)}
          className="sadmin-dialog"
        >
          {(close) => (
            <>
              <EmbedCode site={embedding} />
              <div className="dialog-actions">
                <Button variant="secondary" onPress={close}>
                  {t('ui.close')}
                </Button>
              </div>
            </>
          )}
        </Dialog>
      )}
      {rotating && (
        <ConfirmDialog
          title={t('sadmin.siteRotateTitle', { name: rotating.name })}
          confirmLabel={t('sadmin.siteRotate')}
          pending={rotate.isPending}
          onConfirm={() =>
            rotate.mutate(rotating.id, {
              onSuccess: ({ identitySecret }) => {
                setRotating(null)
                setSecret({ site: rotating, secret: identitySecret })
              },
            })
          }
          onCancel={() => setRotating(null)}
        >
          <p>{t('sadmin.siteRotateBody')}</p>
          <ProblemAlert error={rotate.error} />
        </ConfirmDialog>
      )}
      {deleting && (
        <DeleteConfirm
          title={t('sadmin.deleteSiteTitle', { name: deleting.name })}
          body={t('sadmin.deleteSiteBody')}
          remove={remove}
          id={deleting.id}
          onDeleted={() => {
            const name = deleting.name
            if (secret?.site.id === deleting.id) setSecret(null)
            setDeleting(null)
            setMessage((t) => t('sadmin.siteDeleted', { name }))
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </Page>
  )
}
