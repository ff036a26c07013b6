// The support analytics' SQL, and nothing else. Each figure family is one statement grouped by
// `grouping sets ((k), ())`: the rows with a key are the groups, the one whose key is null is the
// whole range (keys are never null: unassigned tickets get 'unassigned'), so totals are true
// aggregates over the range (a median of all values, not a sum of the groups' medians).
// Medians and p90s use percentile_cont, which interpolates between the two nearest values
// (p90 of 10, 20, 30, 40 is 37): rounded to one decimal, which also drops float8 noise.
import { inArray, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import { ACTIVE_STATUSES } from './repo'
import { supportTeams } from './tables'

export type AnalyticsGroupBy = 'day' | 'agent' | 'team' | 'channel'
export const ANALYTICS_GROUP_BY: readonly AnalyticsGroupBy[] = ['day', 'agent', 'team', 'channel']

/** [from, to) as instants; `timezone` (IANA) only decides which local day an instant falls on. */
export interface AnalyticsRange {
  from: Date
  to: Date
  timezone: string
}

/** A family's row: `key` null is the total over the range. */
export type Keyed<T> = T & { key: string | null }
export interface Percentiles {
  median: number | null
  p90: number | null
}

type Raw = Record<string, unknown> & { k: string | null }

const num = (v: unknown): number => Number(v ?? 0)
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`
const within = (at: SQL, r: AnalyticsRange) => sql`${at} >= ${ts(r.from)} and ${at} < ${ts(r.to)}`
const localDay = (at: SQL, r: AnalyticsRange) => sql`to_char((${at} at time zone ${r.timezone}::text)::date, 'YYYY-MM-DD')`
const notMerged = sql`t.merged_into_id is null`
const percentiles = (v: SQL) => sql`
  round((percentile_cont(0.5) within group (order by ${v}))::numeric, 1) as median,
  round((percentile_cont(0.9) within group (order by ${v}))::numeric, 1) as p90`

/** A ticket's group key; `at` is the figure's own event time (a solution counts on the day it was solved). */
function ticketKey(by: AnalyticsGroupBy, at: SQL, r: AnalyticsRange): SQL {
  return by === 'day' ? localDay(at, r) : attributeKey(by)
}

/** The group key from what the ticket is now (its current assignee, team, channel). */
function attributeKey(by: Exclude<AnalyticsGroupBy, 'day'>): SQL {
  switch (by) {
    case 'agent':
      return sql`coalesce(t.assignee_id::text, 'unassigned')`
    case 'team':
      return sql`t.team_id::text`
    case 'channel':
      return sql`t.channel`
  }
}

/**
 * `aggregates` over the rows of `from` (which names its columns for them), per key and in total;
 * without a key, the total only. The key is computed in a subquery so the grouping refers to one
 * column (the same expression twice would be two different parameter sets to PostgreSQL).
 */
async function grouped(x: Executor, key: SQL | undefined, columns: SQL, from: SQL, aggregates: SQL): Promise<Raw[]> {
  const { rows } = await x.execute<Raw>(sql`
    select ${key ? sql`s.k` : sql`null::text`} as k, ${aggregates}
    from (select ${key ?? sql`null::text`} as k, ${columns} ${from}) s
    group by ${key ? sql`grouping sets ((s.k), ())` : sql`()`}`)
  return rows
}

const pct = (r: Raw): Percentiles => ({ median: numOrNull(r.median), p90: numOrNull(r.p90) })

export const analyticsRepo = {
  /** Every local date the range touches, ascending ('YYYY-MM-DD'); none when the range is empty. */
  async days(x: Executor, r: AnalyticsRange): Promise<string[]> {
    // Naive timestamps step by calendar days whatever the session's time zone (no DST shifts).
    const { rows } = await x.execute<{ k: string }>(sql`
      select to_char(d, 'YYYY-MM-DD') as k
      from generate_series(
        (${ts(r.from)} at time zone ${r.timezone}::text)::date::timestamp,
        ((${ts(r.to)} - interval '1 microsecond') at time zone ${r.timezone}::text)::date::timestamp,
        interval '1 day') d
      where ${ts(r.from)} < ${ts(r.to)}
      order by d`)
    return rows.map((row) => row.k)
  },

  /** Tickets created in the range; the SLA breach rate among those that had a deadline (4 decimals, null without any). */
  async created(
    x: Executor,
    r: AnalyticsRange,
    by: AnalyticsGroupBy,
  ): Promise<Keyed<{ ticketsCreated: number; slaBreachRate: number | null }>[]> {
    const rows = await grouped(
      x,
      ticketKey(by, sql`t.created_at`, r),
      sql`(t.first_response_due_at is not null or t.resolution_due_at is not null) as due, cardinality(t.sla_breaches) > 0 as breached`,
      sql`from support_tickets t where ${notMerged} and ${within(sql`t.created_at`, r)}`,
      sql`count(*) as created,
        round((count(*) filter (where due and breached))::numeric / nullif(count(*) filter (where due), 0), 4) as breach_rate`,
    )
    return rows.map((row) => ({ key: row.k, ticketsCreated: num(row.created), slaBreachRate: numOrNull(row.breach_rate) }))
  },

  /** Tickets solved (or since closed) in the range, by solved_at, and their resolution minutes. */
  async solved(x: Executor, r: AnalyticsRange, by: AnalyticsGroupBy): Promise<Keyed<{ ticketsSolved: number; resolution: Percentiles }>[]> {
    const rows = await grouped(
      x,
      ticketKey(by, sql`t.solved_at`, r),
      sql`t.resolution_minutes as v`,
      sql`from support_tickets t where ${notMerged} and t.status in ('solved', 'closed') and ${within(sql`t.solved_at`, r)}`,
      sql`count(*) as solved, ${percentiles(sql`v`)}`,
    )
    return rows.map((row) => ({ key: row.k, ticketsSolved: num(row.solved), resolution: pct(row) }))
  },

  /** First response minutes of the tickets first answered in the range. */
  async firstResponses(x: Executor, r: AnalyticsRange, by: AnalyticsGroupBy): Promise<Keyed<{ firstResponse: Percentiles }>[]> {
    const rows = await grouped(
      x,
      ticketKey(by, sql`t.first_responded_at`, r),
      sql`t.first_response_minutes as v`,
      sql`from support_tickets t where ${notMerged} and t.first_response_minutes is not null and ${within(sql`t.first_responded_at`, r)}`,
      percentiles(sql`v`),
    )
    return rows.map((row) => ({ key: row.k, firstResponse: pct(row) }))
  },

  /** Ratings given in the range (by the rating's own time): average to 2 decimals, and how many. */
  async csatResponses(
    x: Executor,
    r: AnalyticsRange,
    by: AnalyticsGroupBy,
  ): Promise<Keyed<{ csatAverage: number | null; csatResponses: number }>[]> {
    const rows = await grouped(
      x,
      ticketKey(by, sql`c.created_at`, r),
      sql`c.rating as v`,
      sql`from support_csat c join support_tickets t on t.id = c.ticket_id where ${notMerged} and ${within(sql`c.created_at`, r)}`,
      sql`round(avg(v), 2) as average, count(*) as responses`,
    )
    return rows.map((row) => ({ key: row.k, csatAverage: numOrNull(row.average), csatResponses: num(row.responses) }))
  },

  /** Ratings asked for in the range, and the share of those answered (whenever the answer came; 4 decimals). */
  async csatRequests(
    x: Executor,
    r: AnalyticsRange,
    by: AnalyticsGroupBy,
  ): Promise<Keyed<{ csatRequested: number; csatResponseRate: number | null }>[]> {
    const rows = await grouped(
      x,
      ticketKey(by, sql`t.csat_requested_at`, r),
      sql`c.ticket_id is not null as answered`,
      sql`from support_tickets t left join support_csat c on c.ticket_id = t.id where ${notMerged} and ${within(sql`t.csat_requested_at`, r)}`,
      sql`count(*) as requested, round((count(*) filter (where answered))::numeric / nullif(count(*), 0), 4) as rate`,
    )
    return rows.map((row) => ({ key: row.k, csatRequested: num(row.requested), csatResponseRate: numOrNull(row.rate) }))
  },

  /**
   * Live chat conversations (the widget's) started and closed in the range, each on its own day;
   * per agent and team by who answers them (the assignee, unassigned together; the site's team),
   * per channel all under 'widget'.
   */
  async conversations(
    x: Executor,
    r: AnalyticsRange,
    by: AnalyticsGroupBy,
  ): Promise<Keyed<{ conversationsCreated: number; conversationsClosed: number }>[]> {
    const key = (at: SQL) =>
      by === 'day'
        ? localDay(at, r)
        : by === 'agent'
          ? sql`coalesce(c.assignee_id::text, 'unassigned')`
          : by === 'team'
            ? sql`c.team_id::text`
            : sql`'widget'::text`
    const count = (at: SQL) =>
      grouped(x, key(at), sql`c.conversation_id`, sql`from support_conversations c where ${within(at, r)}`, sql`count(*) as n`)
    const [created, closed] = await Promise.all([count(sql`c.created_at`), count(sql`c.closed_at`)])
    const out = new Map<string | null, { key: string | null; conversationsCreated: number; conversationsClosed: number }>()
    const row = (k: string | null) => out.get(k) ?? out.set(k, { key: k, conversationsCreated: 0, conversationsClosed: 0 }).get(k)!
    for (const c of created) row(c.k).conversationsCreated = num(c.n)
    for (const c of closed) row(c.k).conversationsClosed = num(c.n)
    return [...out.values()]
  },

  /** Tickets being worked on now (workload: not bounded by the range); a day has none of its own (the total only). */
  async active(x: Executor, by: AnalyticsGroupBy): Promise<Keyed<{ activeTickets: number }>[]> {
    const statuses = sql.join(
      ACTIVE_STATUSES.map((s) => sql`${s}`),
      sql`, `,
    )
    const rows = await grouped(
      x,
      by === 'day' ? undefined : attributeKey(by),
      sql`t.id`,
      sql`from support_tickets t where ${notMerged} and t.status in (${statuses})`,
      sql`count(*) as active`,
    )
    return rows.map((row) => ({ key: row.k, activeTickets: num(row.active) }))
  },

  async teamNames(x: Executor, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map()
    const rows = await x.select({ id: supportTeams.id, name: supportTeams.name }).from(supportTeams).where(inArray(supportTeams.id, ids))
    return new Map(rows.map((row) => [row.id, row.name]))
  },
}
