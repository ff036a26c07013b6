// /console/support: the agents' inbox. Views as tabs (mine, unassigned, all, SLA at risk), filters
// (status, 'active' by default; priority; tag), all kept in the URL; a row per ticket with its
// requester, status, priority, assignee, the most urgent SLA clock and when it last changed. New
// and changed tickets arrive live (live.ts). The agent's own status sits in the header, with the
// way to the live chat conversations; keyboard shortcuts (j / k, Enter, g i, ?) are listed in a dialog.
import type { Ticket, TicketPriority, TicketQuery } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../../i18n'
import { Link, navigate } from '../../../navigation'
import { Button, SearchField, SelectField } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { Tabs } from '../../shell/Tabs'
import { isPriority, isStatus, PRIORITIES, PriorityBadge, STATUSES, StatusBadge, TicketSla, useTicketNumber } from '../labels'
import { useLiveDesk } from '../live'
import { supportKeys, type InboxFilter } from '../queries'
import { moveFocus, useDeskShortcuts } from '../shortcuts'
import { PresenceSwitch } from './PresenceSwitch'
import { ShortcutsDialog } from './ShortcutsDialog'
import '../support.css'

const VIEWS = ['mine', 'unassigned', 'all', 'sla_at_risk'] as const
type View = (typeof VIEWS)[number]
const ANY = 'any'
const DEFAULTS = { view: 'mine', status: 'active', priority: '', tag: '' }

/** The row links, in the page's order: what j and k move between. */
const ticketLinks = () => [...document.querySelectorAll<HTMLElement>('main [data-ticket-link]')]

export function requesterName(ticket: Ticket): string | null {
  return ticket.requester.name ?? ticket.requester.externalId
}

export function Inbox() {
  const { t } = useI18n()
  const number = useTicketNumber()
  const [help, setHelp] = useState(false)
  const [filter, setFilter] = useUrlState(DEFAULTS, {
    view: (v) => (VIEWS as readonly string[]).includes(v),
    status: (v) => v === 'active' || v === ANY || isStatus(v),
    priority: isPriority,
  })
  const [tagDraft, setTagDraft] = useState(filter.tag)
  useLiveDesk()
  useDeskShortcuts({
    next: () => moveFocus(ticketLinks(), 1),
    previous: () => moveFocus(ticketLinks(), -1),
    inbox: () => ticketLinks()[0]?.focus(),
    help: () => setHelp(true),
  })

  const query: InboxFilter = {
    view: filter.view as View,
    status: filter.status === ANY ? undefined : (filter.status as TicketQuery['status']),
    priority: (filter.priority || undefined) as TicketPriority | undefined,
    tag: filter.tag || undefined,
  }
  const filtered = filter.status !== DEFAULTS.status || Boolean(filter.priority || filter.tag)

  const columns: Column<Ticket>[] = [
    {
      id: 'subject',
      header: t('support.ticket'),
      primary: true,
      cell: (ticket) => (
        <span className="wrap-anywhere">
          <bdi dir="ltr" className="sup-number">
            {number(ticket.number)}
          </bdi>{' '}
          <Link to={`/console/support/tickets/${encodeURIComponent(ticket.id)}`} data-ticket-link="">
            <bdi>{ticket.subject}</bdi>
          </Link>
        </span>
      ),
    },
    {
      id: 'requester',
      header: t('support.requester'),
      cell: (ticket) => <bdi>{requesterName(ticket) ?? t('support.theCustomer')}</bdi>,
    },
    { id: 'status', header: t('support.statusLabel'), cell: (ticket) => <StatusBadge status={ticket.status} audience="agent" /> },
    { id: 'priority', header: t('support.priorityLabel'), cell: (ticket) => <PriorityBadge priority={ticket.priority} /> },
    {
      id: 'assignee',
      header: t('support.assignee'),
      cell: (ticket) =>
        ticket.assignee ? (
          <bdi>{ticket.assignee.name ?? t('support.anAgent')}</bdi>
        ) : (
          <span className="muted">{t('support.unassigned')}</span>
        ),
    },
    { id: 'sla', header: t('support.slaLabel'), cell: (ticket) => <TicketSla ticket={ticket} /> },
    {
      id: 'updated',
      header: t('support.updated'),
      sortValue: (ticket) => ticket.updatedAt,
      cell: (ticket) => <RelativeTime iso={ticket.updatedAt} />,
    },
  ]

  return (
    <Page title={t('support.inboxTitle')} intro={t('support.inboxIntro')}>
      <div className="sup-header-tools">
        <PresenceSwitch />
        <div className="sup-header-links">
          {/* Live chats from the widget are answered in the chat view, listed on their own page. */}
          <Link to="/console/support/conversations">{t('support.conv.fromInbox')}</Link>
          <Button variant="secondary" size="small" onPress={() => setHelp(true)}>
            {t('support.keys.button')}
          </Button>
        </div>
      </div>
      <div className="sup-inbox">
        <Tabs
          label={t('support.views')}
          idPrefix="sup-view"
          selected={filter.view as View}
          onSelect={(view) => setFilter({ view })}
          tabs={VIEWS.map((v) => ({ id: v, label: t(`support.view.${v}`) }))}
        >
          <DataTable
            caption={t(`support.view.${filter.view as View}`)}
            columns={columns}
            queryKey={supportKeys.inbox(query)}
            fetchPage={({ cursor, signal }) => client.support.list({ ...query, cursor, limit: 25 }, { signal })}
            getRowId={(ticket) => ticket.id}
            empty={<p className="empty">{filtered ? t('support.inboxEmptyFiltered') : t('support.inboxEmpty')}</p>}
            filters={
              <div role="search" aria-label={t('support.filters')} className="filters-grid sup-filters">
                <SelectField
                  label={t('support.statusLabel')}
                  description={t('support.statusHint')}
                  value={filter.status}
                  onChange={(v) => setFilter({ status: v ?? DEFAULTS.status })}
                  options={[
                    { id: 'active', label: t('support.activeStatuses') },
                    { id: ANY, label: t('support.anyStatus') },
                    ...STATUSES.map((s) => ({ id: s, label: t(`support.status.${s}`) })),
                  ]}
                />
                <SelectField
                  label={t('support.priorityLabel')}
                  value={filter.priority || ANY}
                  onChange={(v) => setFilter({ priority: !v || v === ANY ? '' : v })}
                  options={[
                    { id: ANY, label: t('support.anyPriority') },
                    ...PRIORITIES.map((p) => ({ id: p, label: t(`support.priority.${p}`) })),
                  ]}
                />
                <SearchField
                  label={t('support.tag')}
                  description={t('support.tagHint')}
                  value={tagDraft}
                  onChange={setTagDraft}
                  onSubmit={(v) => setFilter({ tag: v.trim().toLowerCase() })}
                  onClear={() => setFilter({ tag: '' })}
                  dir="auto"
                />
                {filtered && (
                  <Button
                    variant="quiet"
                    onPress={() => {
                      setTagDraft('')
                      setFilter({ status: DEFAULTS.status, priority: '', tag: '' })
                    }}
                  >
                    {t('support.clearFilters')}
                  </Button>
                )}
              </div>
            }
          />
        </Tabs>
      </div>
      <ShortcutsDialog open={help} onOpenChange={setHelp} />
    </Page>
  )
}

/** "g then i" from the other console pages: back to the inbox. */
export const goToInbox = () => navigate('/console/support')
