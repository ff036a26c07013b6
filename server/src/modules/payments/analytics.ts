// Payment analytics: the figures of the payments created over a range, per currency, in total and
// grouped by local day, gateway or currency; the top failure reasons; the users' wallet balances
// (what the platform owes them now); and the CSV export. Every figure is aggregated in SQL
// (analytics-repo); this file checks the query and lays the rows out per group.
import type { Executor } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import type { Currency } from '../../core/money/currency'
import { csvDocument, csvText } from '../../core/util/csv'
import { paymentAnalyticsRepo, type AnalyticsGroupBy, type CurrencyFigures, type FailureReason } from './analytics-repo'

export { ANALYTICS_GROUP_BY, type AnalyticsGroupBy, type CurrencyFigures } from './analytics-repo'

/** Users' wallet balances per currency now; the wallet module supplies it (payments may not import it). */
export type WalletLiabilities = () => Promise<{ currency: Currency; amount: string }[]>

export interface PaymentAnalytics {
  from: string
  to: string
  groupBy: AnalyticsGroupBy
  timezone: string
  /** The whole range, one entry per currency that has payments in it. */
  totals: CurrencyFigures[]
  groups: { key: string; currencies: CurrencyFigures[] }[]
  failureReasons: FailureReason[]
  walletLiabilities: { currency: Currency; amount: string }[]
}

export interface AnalyticsQueryInput {
  from?: string
  to?: string
  groupBy?: AnalyticsGroupBy
  timezone?: string
}

export const DEFAULT_DAYS = 30
export const MAX_DAYS = 366
export const DEFAULT_TIMEZONE = 'Asia/Tehran'
const TOP_FAILURE_REASONS = 10
const DAY_MS = 86_400_000

const invalid = (field: string, message: string, title = `${field} ${message}`) =>
  new AppError('validation', title, { errors: [{ field: `querystring.${field}`, message }] })

function instant(value: string, field: string): Date {
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) throw invalid(field, 'is not a date-time')
  return at
}

/** The range and zone a query asks for: `to` is now and `from` 30 days before it unless given; at most 366 days; an IANA zone. */
export function analyticsRange(q: AnalyticsQueryInput, now = new Date()) {
  const to = q.to ? instant(q.to, 'to') : now
  const from = q.from ? instant(q.from, 'from') : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS)
  if (!(to > from)) throw invalid('to', 'must be after from', 'to must be after from')
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
    throw invalid('to', `at most ${MAX_DAYS} days after from`, 'The range is at most 366 days')
  const timezone = q.timezone ?? DEFAULT_TIMEZONE
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone })
  } catch {
    throw invalid('timezone', 'is not an IANA time zone', 'Unknown time zone')
  }
  return { from, to, timezone, groupBy: q.groupBy ?? 'day' }
}

const zero = (currency: Currency): CurrencyFigures => ({
  currency,
  payments: 0,
  succeeded: 0,
  failed: 0,
  canceled: 0,
  expired: 0,
  open: 0,
  volume: '0',
  successRate: null,
  averageTicket: null,
  refunds: 0,
  refundedAmount: '0',
  refundRate: null,
})

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const count = (figures: CurrencyFigures[]) => figures.reduce((sum, f) => sum + f.payments, 0)

export function createPaymentAnalytics(deps: { db: Executor; walletLiabilities: WalletLiabilities }) {
  async function analytics(q: AnalyticsQueryInput): Promise<PaymentAnalytics> {
    const { from, to, timezone, groupBy } = analyticsRange(q)
    const r = { from, to, timezone }
    const [days, rows, failureReasons, liabilities] = await Promise.all([
      groupBy === 'day' ? paymentAnalyticsRepo.days(deps.db, r) : Promise.resolve([]),
      paymentAnalyticsRepo.figures(deps.db, r, groupBy),
      paymentAnalyticsRepo.failureReasons(deps.db, r, TOP_FAILURE_REASONS),
      deps.walletLiabilities(),
    ])
    const totals = rows
      .filter((row) => row.key === null)
      .map(({ key: _, ...f }) => f)
      .sort((a, b) => cmp(a.currency, b.currency))
    const groups = new Map<string, Map<Currency, CurrencyFigures>>(days.map((day) => [day, new Map()]))
    for (const { key, ...f } of rows) {
      if (key === null) continue
      const group = groups.get(key) ?? groups.set(key, new Map()).get(key)!
      group.set(f.currency, f)
    }
    // Every day lists every currency of the range (zeros where it had none), so a chart has a
    // point per day; other groups list the currencies they have.
    const list = [...groups].map(([key, byCurrency]) => ({
      key,
      currencies:
        groupBy === 'day'
          ? totals.map((t) => byCurrency.get(t.currency) ?? zero(t.currency))
          : [...byCurrency.values()].sort((a, b) => cmp(a.currency, b.currency)),
    }))
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      timezone,
      totals,
      groups:
        groupBy === 'day'
          ? list.sort((a, b) => cmp(a.key, b.key))
          : list.sort((a, b) => count(b.currencies) - count(a.currencies) || cmp(a.key, b.key)),
      failureReasons,
      walletLiabilities: liabilities.filter((l) => l.amount !== '0').sort((a, b) => cmp(a.currency, b.currency)),
    }
  }
  return { analytics }
}

const CSV_COLUMNS: [string, (f: CurrencyFigures) => string | number | null][] = [
  ['payments', (f) => f.payments],
  ['succeeded', (f) => f.succeeded],
  ['failed', (f) => f.failed],
  ['canceled', (f) => f.canceled],
  ['expired', (f) => f.expired],
  ['open', (f) => f.open],
  ['volume', (f) => f.volume],
  ['success_rate', (f) => f.successRate],
  ['average_ticket', (f) => f.averageTicket],
  ['refunds', (f) => f.refunds],
  ['refunded_amount', (f) => f.refundedAmount],
  ['refund_rate', (f) => f.refundRate],
]

// Counts, rates (at most 4 decimals) and amounts (digits of minor units): String() gives plain
// digits with '.' whatever the locale; null is an empty cell.
const cell = (value: string | number | null) => (value === null ? '' : String(value))

/**
 * RFC 4180: CRLF line ends, a header row, a row per group and currency, then a 'total' row per
 * currency, which alone carries the wallet liabilities (a currency owed in wallets but without
 * payments in the range gets a total row of zeros).
 */
export function analyticsCsv(result: PaymentAnalytics): string {
  const row = (key: string, f: CurrencyFigures, liability: string | null) => [
    csvText(key),
    csvText(f.currency),
    ...CSV_COLUMNS.map(([, get]) => cell(get(f))),
    cell(liability),
  ]
  const owed = new Map(result.walletLiabilities.map((l) => [l.currency, l.amount]))
  const currencies = [...new Set([...result.totals.map((t) => t.currency), ...owed.keys()])].sort(cmp)
  const totals = new Map(result.totals.map((t) => [t.currency, t]))
  return csvDocument([
    ['key', 'currency', ...CSV_COLUMNS.map(([name]) => name), 'wallet_liabilities'],
    ...result.groups.flatMap((g) => g.currencies.map((f) => row(g.key, f, null))),
    ...currencies.map((c) => row('total', totals.get(c) ?? zero(c), owed.get(c) ?? '0')),
  ])
}
