// SLA clocks as pure rules over a ticket's row: when each clock starts, stops and is due, in the
// business hours of the ticket's team (business-hours.ts). The ticket service applies what these
// return inside its transaction; the SLA job flags breaches and warnings (sla-job.ts).
//
// - first response: from creation to the first public reply of an agent;
// - next response: from a customer's reply (once the first response was given) to the agent's next public reply;
// - resolution: from creation to solved (a reopened ticket's clock goes on from creation).
import { addBusinessMinutes, businessMinutesBetween, type BusinessSchedule } from './business-hours'
import type { TicketRow } from './repo'
import type { SlaTargets } from './settings'
import type { SlaMetric } from './tables'

type Patch = Partial<TicketRow>

const minutesBetween = (s: BusinessSchedule, from: Date, to: Date) => Math.round(businessMinutesBetween(s, from, to))
const due = (s: BusinessSchedule, from: Date, minutes: number | null) => (minutes === null ? null : addBusinessMinutes(s, from, minutes))

/** Deadlines of a new ticket (or of one whose priority, and so its targets, changed). */
export function deadlines(
  s: BusinessSchedule,
  targets: SlaTargets,
  t: Pick<TicketRow, 'createdAt' | 'firstRespondedAt' | 'awaitingSince'>,
): Patch {
  return {
    firstResponseDueAt: t.firstRespondedAt ? undefined : due(s, t.createdAt, targets.firstResponse),
    nextResponseDueAt: t.firstRespondedAt && t.awaitingSince ? due(s, t.awaitingSince, targets.nextResponse) : null,
    resolutionDueAt: due(s, t.createdAt, targets.resolution),
  }
}

/** A late stop is a breach even if the job had not flagged it yet. */
function withBreach(t: TicketRow, metric: SlaMetric, dueAt: Date | null, now: Date): SlaMetric[] | undefined {
  return dueAt && now > dueAt && !t.slaBreaches.includes(metric) ? [...t.slaBreaches, metric] : undefined
}

/** An agent's public reply: stops the first-response or next-response clock. */
export function agentReplied(s: BusinessSchedule, t: TicketRow, now: Date): Patch {
  if (!t.firstRespondedAt) {
    return {
      firstRespondedAt: now,
      firstResponseMinutes: minutesBetween(s, t.createdAt, now),
      awaitingSince: null,
      nextResponseDueAt: null,
      slaBreaches: withBreach(t, 'first_response', t.firstResponseDueAt, now),
    }
  }
  return { awaitingSince: null, nextResponseDueAt: null, slaBreaches: withBreach(t, 'next_response', t.nextResponseDueAt, now) }
}

/** The customer's public reply: the next-response clock starts unless it already runs. */
export function customerReplied(s: BusinessSchedule, targets: SlaTargets, t: TicketRow, now: Date): Patch {
  if (t.awaitingSince) return {}
  return {
    awaitingSince: now,
    nextResponseDueAt: t.firstRespondedAt ? due(s, now, targets.nextResponse) : null,
    slaWarnings: t.slaWarnings.filter((m) => m !== 'next_response'),
  }
}

/** Solved: the resolution clock stops (and the response clocks with it). */
export function solved(s: BusinessSchedule, t: TicketRow, now: Date): Patch {
  return {
    solvedAt: now,
    resolutionMinutes: minutesBetween(s, t.createdAt, now),
    awaitingSince: null,
    nextResponseDueAt: null,
    slaBreaches: withBreach(t, 'resolution', t.resolutionDueAt, now),
  }
}

export type SlaStatus = 'none' | 'running' | 'at_risk' | 'breached' | 'met'
export interface SlaClock {
  metric: SlaMetric
  status: SlaStatus
  dueAt: string | null
}

/** Each clock's state, as the ticket shows it. */
export function slaState(t: TicketRow, now: Date, warnMinutes: number): SlaClock[] {
  const done = t.status === 'solved' || t.status === 'closed'
  const running = (metric: SlaMetric, dueAt: Date | null): SlaStatus => {
    if (!dueAt) return t.slaBreaches.includes(metric) ? 'breached' : 'none'
    if (t.slaBreaches.includes(metric) || now > dueAt) return 'breached'
    return dueAt.getTime() - now.getTime() <= warnMinutes * 60_000 ? 'at_risk' : 'running'
  }
  const stopped = (metric: SlaMetric) => (t.slaBreaches.includes(metric) ? 'breached' : 'met')
  const iso = (d: Date | null) => d?.toISOString() ?? null
  return [
    {
      metric: 'first_response',
      status: t.firstRespondedAt ? stopped('first_response') : done ? 'none' : running('first_response', t.firstResponseDueAt),
      dueAt: iso(t.firstResponseDueAt),
    },
    { metric: 'next_response', status: done ? 'none' : running('next_response', t.nextResponseDueAt), dueAt: iso(t.nextResponseDueAt) },
    {
      metric: 'resolution',
      status: done
        ? t.resolutionDueAt || t.slaBreaches.includes('resolution')
          ? stopped('resolution')
          : 'none'
        : running('resolution', t.resolutionDueAt),
      dueAt: iso(t.resolutionDueAt),
    },
  ]
}
