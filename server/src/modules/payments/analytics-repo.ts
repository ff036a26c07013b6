// The payment analytics' SQL, and nothing else. Every figure describes the payments created in
// [from, to) (a cohort): their statuses, the volume of those that succeeded, and the refunds that
// have succeeded on them since, whenever that was. Each statement groups by
// `grouping sets ((k, currency), (currency))`: the rows with a key are the groups, the rows whose
// key is null are the whole range, one per currency (amounts of different currencies are never
// added together). Keys are never null: a payment without a gateway gets 'none'.
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import type { Currency } from '../../core/money/currency'

export type AnalyticsGroupBy = 'day' | 'gateway' | 'currency'
export const ANALYTICS_GROUP_BY: readonly AnalyticsGroupBy[] = ['day', 'gateway', 'currency']

/** [from, to) as instants; `timezone` (IANA) only decides which local day a payment falls on. */
export interface AnalyticsRange {
  from: Date
  to: Date
  timezone: string
}

/** One currency's figures over a set of payments; amounts are digits of minor units. */
export interface CurrencyFigures {
  currency: Currency
  payments: number
  succeeded: number
  failed: number
  canceled: number
  expired: number
  open: number
  volume: string
  successRate: number | null
  averageTicket: string | null
  refunds: number
  refundedAmount: string
  refundRate: number | null
}

export interface FailureReason {
  reason: string | null
  gateway: string | null
  count: number
}

type Raw = Record<string, unknown>

const num = (v: unknown): number => Number(v ?? 0)
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`
const within = (r: AnalyticsRange) => sql`p.created_at >= ${ts(r.from)} and p.created_at < ${ts(r.to)}`

function groupKey(by: AnalyticsGroupBy, r: AnalyticsRange): SQL {
  switch (by) {
    case 'day':
      return sql`to_char((p.created_at at time zone ${r.timezone}::text)::date, 'YYYY-MM-DD')`
    case 'gateway':
      return sql`coalesce(p.gateway, 'none')`
    case 'currency':
      return sql`p.currency`
  }
}

export const paymentAnalyticsRepo = {
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

  /**
   * The figures per group and currency (key null: the range's total in that currency). Success
   * counts settled payments only; the average ticket is rounded half up to a whole minor unit;
   * refunds are the succeeded ones of these payments; the refund rate is the share of the
   * succeeded payments with at least one. Rates have 4 decimals and are null with nothing to divide.
   */
  async figures(x: Executor, r: AnalyticsRange, by: AnalyticsGroupBy): Promise<(CurrencyFigures & { key: string | null })[]> {
    // The key is computed in the subquery so the grouping refers to one column (the same expression
    // twice would be two different parameter sets to PostgreSQL).
    const { rows } = await x.execute<Raw>(sql`
      select s.k, s.currency,
        count(*) as payments,
        count(*) filter (where s.status = 'succeeded') as succeeded,
        count(*) filter (where s.status = 'failed') as failed,
        count(*) filter (where s.status = 'canceled') as canceled,
        count(*) filter (where s.status = 'expired') as expired,
        count(*) filter (where s.status in ('requires_action', 'processing')) as open,
        coalesce(sum(s.amount) filter (where s.status = 'succeeded'), 0)::text as volume,
        round((count(*) filter (where s.status = 'succeeded'))::numeric
          / nullif(count(*) filter (where s.status in ('succeeded', 'failed', 'canceled', 'expired')), 0), 4) as success_rate,
        round(sum(s.amount) filter (where s.status = 'succeeded')
          / nullif(count(*) filter (where s.status = 'succeeded'), 0))::text as average_ticket,
        coalesce(sum(s.refunds), 0) as refunds,
        coalesce(sum(s.refunded), 0)::text as refunded_amount,
        round((count(*) filter (where s.status = 'succeeded' and s.refunds > 0))::numeric
          / nullif(count(*) filter (where s.status = 'succeeded'), 0), 4) as refund_rate
      from (
        select ${groupKey(by, r)} as k, p.currency, p.status, p.amount, coalesce(f.refunds, 0) as refunds, f.refunded
        from payments p
        left join lateral (
          select count(*) as refunds, sum(amount) as refunded
          from payment_refunds
          where payment_id = p.id and status = 'succeeded'
        ) f on true
        where ${within(r)}
      ) s
      group by grouping sets ((s.k, s.currency), (s.currency))`)
    return rows.map((row) => ({
      key: textOrNull(row.k),
      currency: row.currency as Currency,
      payments: num(row.payments),
      succeeded: num(row.succeeded),
      failed: num(row.failed),
      canceled: num(row.canceled),
      expired: num(row.expired),
      open: num(row.open),
      volume: String(row.volume),
      successRate: numOrNull(row.success_rate),
      averageTicket: textOrNull(row.average_ticket),
      refunds: num(row.refunds),
      refundedAmount: String(row.refunded_amount),
      refundRate: numOrNull(row.refund_rate),
    }))
  },

  /**
   * Why the range's failed payments failed: the error of each one's latest attempt that recorded
   * one (with that attempt's gateway), counted; the `limit` most frequent, ties by reason.
   */
  async failureReasons(x: Executor, r: AnalyticsRange, limit: number): Promise<FailureReason[]> {
    const { rows } = await x.execute<Raw>(sql`
      select e.error as reason, coalesce(e.gateway, p.gateway) as gateway, count(*) as n
      from payments p
      left join lateral (
        select a.error, a.gateway
        from payment_attempts a
        where a.payment_id = p.id and a.error is not null
        order by a.created_at desc, a.id desc
        limit 1
      ) e on true
      where p.status = 'failed' and ${within(r)}
      group by 1, 2
      order by n desc, reason nulls last, gateway
      limit ${limit}`)
    return rows.map((row) => ({ reason: textOrNull(row.reason), gateway: textOrNull(row.gateway), count: num(row.n) }))
  },
}
