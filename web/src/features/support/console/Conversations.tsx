// /console/support/conversations: live chat conversations from the widget, open or closed (a tab
// each, kept in the URL), newest first. A row names the visitor (and whether the host verified
// who they are), the site, the assignee and the last activity; agents answer in the chat view
// (Open), turn a conversation into a ticket (Escalate) or close it. Live (../conversations.ts).
import type { SupportConversation, SupportConversationStatus } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n, type Translate } from '../../../i18n'
import { Link } from '../../../navigation'
import { Button, ProblemAlert } from '../../../ui'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { Tabs } from '../../shell/Tabs'
import { conversationKeys, useCloseConversation, useLiveConversations, useOpenConversation } from '../conversations'
import { useAgents } from '../queries'
import { EscalateDialog } from './EscalateDialog'
import '../support.css'

const STATUSES: SupportConversationStatus[] = ['open', 'closed']

/** The visitor's name, or "Visitor" for one who gave none. */
export const visitorName = (t: Translate, c: SupportConversation) => c.visitor.name ?? t('support.conv.visitor')

export function Conversations() {
  const { t, formatDate } = useI18n()
  const [filter, setFilter] = useUrlState({ status: 'open' }, { status: (v) => (STATUSES as string[]).includes(v) })
  const status = filter.status as SupportConversationStatus
  const [message, setMessage] = useMessage()
  const [escalating, setEscalating] = useState<SupportConversation | null>(null)
  const agents = useAgents()
  const close = useCloseConversation()
  const open = useOpenConversation()
  useLiveConversations()

  const assignee = (id: string | null) =>
    id === null ? (
      <span className="muted">{t('support.unassigned')}</span>
    ) : (
      <bdi>{agents.data?.find((a) => a.userId === id)?.name ?? t('support.anAgent')}</bdi>
    )

  const columns: Column<SupportConversation>[] = [
    {
      id: 'visitor',
      header: t('support.conv.visitorLabel'),
      primary: true,
      sortValue: (c) => visitorName(t, c),
      cell: (c) => (
        <span className="sup-visitor">
          <bdi>{visitorName(t, c)}</bdi>
          {c.visitor.identified && <span className="tag always">{t('support.conv.identified')}</span>}
          {c.visitor.email && (
            <bdi dir="ltr" className="secondary-line wrap-anywhere">
              {c.visitor.email}
            </bdi>
          )}
        </span>
      ),
    },
    {
      id: 'site',
      header: t('support.conv.site'),
      sortValue: (c) => c.siteName ?? '',
      cell: (c) => (c.siteName ? <bdi>{c.siteName}</bdi> : <span className="muted">{t('support.conv.siteDeleted')}</span>),
    },
    { id: 'assignee', header: t('support.assignee'), cell: (c) => assignee(c.assigneeId) },
    {
      id: 'activity',
      header: t('support.conv.lastActivity'),
      sortValue: (c) => c.lastMessageAt,
      cell: (c) => <time dateTime={c.lastMessageAt}>{formatDate(c.lastMessageAt)}</time>,
    },
  ]

  return (
    <Page title={t('support.conv.title')} intro={t('support.conv.intro')}>
      <div className="sup-header-tools">
        <Link to="/console/support">{t('support.conv.toInbox')}</Link>
      </div>
      <StatusMessage message={message} />
      <ProblemAlert error={close.error ?? open.error} />
      <Tabs
        label={t('support.conv.statusTabs')}
        idPrefix="sup-conv"
        selected={status}
        onSelect={(next) => setFilter({ status: next })}
        tabs={STATUSES.map((s) => ({ id: s, label: t(`support.conv.status.${s}`) }))}
      >
        <DataTable
          caption={t(`support.conv.status.${status}`)}
          columns={columns}
          queryKey={conversationKeys.list(status)}
          fetchPage={({ cursor, signal }) => client.support.conversations.list({ status, cursor }, { signal })}
          getRowId={(c) => c.id}
          empty={<p className="empty">{t(`support.conv.empty.${status}`)}</p>}
          rowActions={(c) => {
            const name = visitorName(t, c)
            return (
              <>
                <Button
                  variant="secondary"
                  size="small"
                  aria-label={t('support.conv.openNamed', { name })}
                  isPending={open.isPending && open.variables?.id === c.id}
                  onPress={() => open.mutate(c)}
                >
                  {t('support.conv.open')}
                </Button>
                {c.ticketId && (
                  <Link
                    to={`/console/support/tickets/${encodeURIComponent(c.ticketId)}`}
                    className="button secondary small"
                    aria-label={t('support.conv.ticketNamed', { name })}
                  >
                    {t('support.conv.ticket')}
                  </Link>
                )}
                {c.status === 'open' && !c.ticketId && (
                  <Button
                    variant="secondary"
                    size="small"
                    aria-label={t('support.conv.escalateNamed', { name })}
                    onPress={() => {
                      setMessage(null)
                      setEscalating(c)
                    }}
                  >
                    {t('support.conv.escalate')}
                  </Button>
                )}
                {c.status === 'open' && (
                  <Button
                    variant="secondary"
                    size="small"
                    aria-label={t('support.conv.closeNamed', { name })}
                    isPending={close.isPending && close.variables?.id === c.id}
                    onPress={() => {
                      setMessage(null)
                      close.mutate(c, { onSuccess: () => setMessage((t) => t('support.conv.closed', { name })) })
                    }}
                  >
                    {t('support.conv.close')}
                  </Button>
                )}
              </>
            )
          }}
        />
      </Tabs>
      {escalating && <EscalateDialog conversation={escalating} visitor={visitorName(t, escalating)} onClose={() => setEscalating(null)} />}
    </Page>
  )
}
