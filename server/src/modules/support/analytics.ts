// Support analytics: the desk's figures over a range, grouped by local day, agent, team or channel,
// and their CSV export. Every figure is aggregated in SQL (analytics-repo); this file only lays the
// families' rows side by side per group key.
import type { Executor } from '../../core/db/client'
import { analyticsRepo, type AnalyticsGroupBy, type Keyed } from './analytics-repo'
import { csvDocument, csvText } from '../../core/util/csv'

export { ANALYTICS_GROUP_BY, type AnalyticsGroupBy } from './analytics-repo'

export interface Figures {
  /** Tickets created in [from, to). Merged tickets (merged_into_id set) count nowhere. */
  ticketsCreated: number
  /** Tickets whose solved_at is in the range and that are solved or closed now. */
  ticketsSolved: number
  /** Live chat conversations started in the range (per agent: the assignee; per team: the site's; per channel: 'widget'). */
  conversationsCreated: number
  /** Live chat conversations closed (or escalated into a ticket) in the range. */
  conversationsClosed: number
  /** Business minutes to the first reply of tickets first answered in the range; percentile_cont (interpolated), 1 decimal. */
  firstResponseMinutes: { median: number | null; p90: number | null }
  /** Business minutes to solution of the tickets solved in the range; likewise. */
  resolutionMinutes: { median: number | null; p90: number | null }
  /** Of the tickets created in the range with a first response or resolution deadline, the share breached (0..1, 4 decimals). */
  slaBreachRate: number | null
  /** Average of the ratings given in the range (2 decimals). */
  csatAverage: number | null
  csatResponses: number
  /** Tickets whose rating was asked for in the range. */
  csatRequested: number
  /** Of those, the share rated (whenever the rating came; 4 decimals); null when none was asked for. */
  csatResponseRate: number | null
  /** Tickets open, pending or on hold now, whatever the range (workload); 0 for a day (the total holds them). */
  activeTickets: number
}

export interface AnalyticsResult {
  from: string
  to: string
  groupBy: AnalyticsGroupBy
  timezone: string
  totals: Figures
  groups: ({ key: string; label: string | null } & Figures)[]
}

export interface AnalyticsQuery {
  from: Date
  to: Date
  groupBy: AnalyticsGroupBy
  /** IANA zone deciding the local day of each event (groupBy=day); the route validates it. */
  timezone: string
}

function emptyFigures(): Figures {
  return {
    ticketsCreated: 0,
    ticketsSolved: 0,
    conversationsCreated: 0,
    conversationsClosed: 0,
    firstResponseMinutes: { median: null, p90: null },
    resolutionMinutes: { median: null, p90: null },
    slaBreachRate: null,
    csatAverage: null,
    csatResponses: 0,
    csatRequested: 0,
    csatResponseRate: null,
    activeTickets: 0,
  }
}

/** The range's figures in total and per group (each figure bucketed by its own event's time when by day). */
export async function supportAnalytics(x: Executor, q: AnalyticsQuery): Promise<AnalyticsResult> {
  const r = { from: q.from, to: q.to, timezone: q.timezone }
  const by = q.groupBy
  const [days, created, solved, firstResponses, csatResponses, csatRequests, conversations, active] = await Promise.all([
    by === 'day' ? analyticsRepo.days(x, r) : Promise.resolve([]),
    analyticsRepo.created(x, r, by),
    analyticsRepo.solved(x, r, by),
    analyticsRepo.firstResponses(x, r, by),
    analyticsRepo.csatResponses(x, r, by),
    analyticsRepo.csatRequests(x, r, by),
    analyticsRepo.conversations(x, r, by),
    analyticsRepo.active(x, by),
  ])

  const totals = emptyFigures()
  const groups = new Map<string, Figures>(days.map((day) => [day, emptyFigures()]))
  const figuresOf = (key: string | null): Figures => {
    if (key === null) return totals
    let f = groups.get(key)
    if (!f) groups.set(key, (f = emptyFigures()))
    return f
  }
  const apply = <T>(rows: Keyed<T>[], set: (f: Figures, row: T) => void) => rows.forEach((row) => set(figuresOf(row.key), row))
  apply(created, (f, row) => Object.assign(f, { ticketsCreated: row.ticketsCreated, slaBreachRate: row.slaBreachRate }))
  apply(solved, (f, row) => Object.assign(f, { ticketsSolved: row.ticketsSolved, resolutionMinutes: row.resolution }))
  apply(firstResponses, (f, row) => Object.assign(f, { firstResponseMinutes: row.firstResponse }))
  apply(csatResponses, (f, row) => Object.assign(f, { csatAverage: row.csatAverage, csatResponses: row.csatResponses }))
  apply(csatRequests, (f, row) => Object.assign(f, { csatRequested: row.csatRequested, csatResponseRate: row.csatResponseRate }))
  apply(conversations, (f, row) =>
    Object.assign(f, { conversationsCreated: row.conversationsCreated, conversationsClosed: row.conversationsClosed }),
  )
  apply(active, (f, row) => Object.assign(f, { activeTickets: row.activeTickets }))

  const labels = by === 'team' ? await analyticsRepo.teamNames(x, [...groups.keys()]) : new Map<string, string>()
  const list = [...groups].map(([key, f]) => ({ key, label: labels.get(key) ?? null, ...f }))
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    groupBy: by,
    timezone: q.timezone,
    totals,
    // Every day is listed, with or without data. Other groups come from the families' rows only, each
    // counting at least one ticket, rating or conversation: a group without data never appears.
    groups:
      by === 'day' ? list.sort((a, b) => cmp(a.key, b.key)) : list.sort((a, b) => b.ticketsCreated - a.ticketsCreated || cmp(a.key, b.key)),
  }
}

const CSV_COLUMNS: [string, (f: Figures) => number | null][] = [
  ['tickets_created', (f) => f.ticketsCreated],
  ['tickets_solved', (f) => f.ticketsSolved],
  ['conversations_created', (f) => f.conversationsCreated],
  ['conversations_closed', (f) => f.conversationsClosed],
  ['first_response_median_minutes', (f) => f.firstResponseMinutes.median],
  ['first_response_p90_minutes', (f) => f.firstResponseMinutes.p90],
  ['resolution_median_minutes', (f) => f.resolutionMinutes.median],
  ['resolution_p90_minutes', (f) => f.resolutionMinutes.p90],
  ['sla_breach_rate', (f) => f.slaBreachRate],
  ['csat_average', (f) => f.csatAverage],
  ['csat_responses', (f) => f.csatResponses],
  ['csat_requested', (f) => f.csatRequested],
  ['csat_response_rate', (f) => f.csatResponseRate],
  ['active_tickets', (f) => f.activeTickets],
]

// Figures are small non-negative numbers with at most 4 decimals: String() gives plain digits with '.'
// whatever the locale; null is an empty cell.
const numberCell = (value: number | null) => (value === null ? '' : String(value))

/** RFC 4180: CRLF line ends, a header row, one row per group, then the 'total' row. */
export function analyticsCsv(result: AnalyticsResult): string {
  const row = (key: string, label: string | null, f: Figures) => [
    csvText(key),
    csvText(label),
    ...CSV_COLUMNS.map(([, get]) => numberCell(get(f))),
  ]
  return csvDocument([
    ['key', 'label', ...CSV_COLUMNS.map(([name]) => name)],
    ...result.groups.map((g) => row(g.key, g.label, g)),
    row('total', null, result.totals),
  ])
}
