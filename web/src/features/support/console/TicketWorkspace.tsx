// /console/support/tickets/:id: one ticket for an agent — the whole timeline (internal notes in
// yellow, changes as sentences), the composer (reply or note, "/" for canned responses), and
// beside them the ticket's fields, SLA clocks, merge, and the customer with their other tickets.
// Everything arrives live (live.ts). Shortcuts: r to reply, g then i to the inbox, ? for the list.
import type { TicketDetail } from '@caravan/sdk'
import { useRef, useState } from 'react'
import { useI18n } from '../../../i18n'
import { Link, navigate } from '../../../navigation'
import { Button } from '../../../ui'
import { useSignedInUser } from '../../auth/session'
import { Page } from '../../shell/Page'
import { PriorityBadge, StatusBadge, useTicketNumber } from '../labels'
import { useLiveDesk } from '../live'
import { useAgents, useTeams, useTicket } from '../queries'
import { useDeskShortcuts } from '../shortcuts'
import { Timeline } from '../Timeline'
import { AgentComposer } from './AgentComposer'
import { CustomerCard } from './CustomerCard'
import { ShortcutsDialog } from './ShortcutsDialog'
import { MergeTicket, SlaClocks, TicketFields } from './TicketFields'
import '../support.css'
import { QueryPage } from '../../shell/QueryPage'

export function TicketWorkspace({ id }: { id: string }) {
  const { t } = useI18n()
  const detail = useTicket('agent', id)
  useLiveDesk()
  return (
    <QueryPage title={t('support.ticket')} query={detail} back={<BackLink />}>
      {(data) => <Workspace detail={data} />}
    </QueryPage>
  )
}

function BackLink() {
  const { t } = useI18n()
  return (
    <p>
      <Link to="/console/support">{t('support.backToInbox')}</Link>
    </p>
  )
}

function Workspace({ detail }: { detail: TicketDetail }) {
  const { t, formatDate } = useI18n()
  const me = useSignedInUser()
  const number = useTicketNumber()
  const agents = useAgents()
  const teams = useTeams()
  const composer = useRef<HTMLTextAreaElement>(null)
  const [help, setHelp] = useState(false)
  const { ticket } = detail
  useDeskShortcuts({
    inbox: () => navigate('/console/support'),
    reply: () => composer.current?.focus(),
    help: () => setHelp(true),
  })

  return (
    <Page
      title={t('support.ticketTitle', { number: number(ticket.number), subject: ticket.subject })}
      tabTitle={t('support.ticketTab', { number: number(ticket.number) })}
    >
      <div className="sup-header-tools">
        <BackLink />
        <Button variant="secondary" size="small" onPress={() => setHelp(true)}>
          {t('support.keys.button')}
        </Button>
      </div>
      <p className="badges sup-summary">
        <StatusBadge status={ticket.status} audience="agent" /> <PriorityBadge priority={ticket.priority} />{' '}
        <span className="muted small">
          {t('support.openedBy', { name: ticket.requester.name ?? t('support.theCustomer'), date: formatDate(ticket.createdAt) })}
        </span>
      </p>
      <div className="sup-workspace">
        <div className="sup-main">
          <section aria-labelledby="sup-timeline">
            <h2 id="sup-timeline">{t('support.timelineTitle')}</h2>
            <Timeline detail={detail} audience="agent" me={me.id} agents={agents.data} teams={teams.data} />
          </section>
          {ticket.status === 'closed' ? (
            <p className="notice">{ticket.mergedIntoId ? t('support.agentMergedNotice') : t('support.agentClosedNotice')}</p>
          ) : (
            <AgentComposer ticket={ticket} inputRef={composer} />
          )}
        </div>
        <aside className="sup-side" aria-label={t('support.side')}>
          <TicketFields ticket={ticket} agents={agents.data ?? []} teams={teams.data ?? []} />
          <SlaClocks ticket={ticket} />
          <CustomerCard ticket={ticket} />
          <MergeTicket ticket={ticket} />
        </aside>
      </div>
      <ShortcutsDialog open={help} onOpenChange={setHelp} />
    </Page>
  )
}
