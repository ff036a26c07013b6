// The desk's vocabularies in words and badges: a ticket's status (the customer's wording differs a
// little from the agents'), priority, an SLA clock, and "#42" in the page's digits.
import type { SlaClock, Ticket, TicketPriority, TicketStatus } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { useMinuteClock } from '../../ui/dates'

export const STATUSES: TicketStatus[] = ['open', 'pending', 'on_hold', 'solved', 'closed']
/** Least urgent first, as a select lists them. */
export const PRIORITIES: TicketPriority[] = ['low', 'normal', 'high', 'urgent']
/** What an agent's reply may set the ticket to (the API's reply statuses). */
export const REPLY_STATUSES = ['pending', 'solved'] as const

export const isStatus = (v: string): v is TicketStatus => (STATUSES as string[]).includes(v)
export const isPriority = (v: string): v is TicketPriority => (PRIORITIES as string[]).includes(v)
/** Solved or closed: the customer may rate it, a closed one takes no more replies. */
export const isDone = (status: TicketStatus) => status === 'solved' || status === 'closed'

type Tone = 'info' | 'warning' | 'success' | 'neutral' | 'danger'
const STATUS_TONES: Record<TicketStatus, Tone> = {
  open: 'info',
  pending: 'warning',
  on_hold: 'neutral',
  solved: 'success',
  closed: 'neutral',
}

/** "#42" / "#۴۲": a ticket's number without grouping (#1042, not #1,042). */
export function useTicketNumber() {
  const { locale } = useI18n()
  const digits = new Intl.NumberFormat(locale === 'fa' ? 'fa-IR' : 'en-GB', { useGrouping: false })
  return (n: number) => `#${digits.format(n)}`
}

export function useStatusLabel(audience: 'customer' | 'agent') {
  const { t } = useI18n()
  return (status: TicketStatus) => (audience === 'customer' ? t(`support.customerStatus.${status}`) : t(`support.status.${status}`))
}

export function StatusBadge({ status, audience }: { status: TicketStatus; audience: 'customer' | 'agent' }) {
  const label = useStatusLabel(audience)
  return <span className={`status sup-tone-${STATUS_TONES[status]}`}>{label(status)}</span>
}

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  const { t } = useI18n()
  const tone: Tone = priority === 'urgent' ? 'danger' : priority === 'high' ? 'warning' : 'neutral'
  return <span className={`status sup-tone-${tone}`}>{t(`support.priority.${priority}`)}</span>
}

const URGENCY: Record<SlaClock['status'], number> = { breached: 0, at_risk: 1, running: 2, met: 3, none: 4 }

/**
 * The clock a list shows for a ticket: breached before at risk before running, the earliest due
 * first among equals; none when every clock has stopped (met) or never ran.
 */
export function urgentClock(sla: SlaClock[] | undefined): SlaClock | null {
  const live = (sla ?? []).filter((c) => c.status === 'breached' || c.status === 'at_risk' || c.status === 'running')
  live.sort((a, b) => URGENCY[a.status] - URGENCY[b.status] || (a.dueAt ?? '~').localeCompare(b.dueAt ?? '~'))
  return live[0] ?? null
}

/** One clock as a badge: what it measures, its state and when it is (or was) due, relative. */
export function SlaBadge({ clock }: { clock: SlaClock }) {
  const { t, formatRelative, formatDate } = useI18n()
  const now = useMinuteClock()
  const metric = t(`support.sla.${clock.metric}`)
  const when = clock.dueAt ? formatRelative(clock.dueAt, now) : ''
  const tone: Tone =
    clock.status === 'breached' ? 'danger' : clock.status === 'at_risk' ? 'warning' : clock.status === 'met' ? 'success' : 'info'
  return (
    <span className={`status sup-tone-${tone} sup-sla`} title={clock.dueAt ? formatDate(clock.dueAt) : undefined}>
      {t(`support.slaState.${clock.status}`, { metric, when })}
    </span>
  )
}

/** The list's SLA cell: the most urgent clock, or a dash. */
export function TicketSla({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n()
  const clock = urgentClock(ticket.sla)
  return clock ? <SlaBadge clock={clock} /> : <span className="muted">{t('common.none')}</span>
}
