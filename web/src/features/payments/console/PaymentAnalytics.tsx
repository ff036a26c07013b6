// /console/payments/analytics (admins): the figures of the payments created over a range of days
// (the last 30 by default; days in the viewer's zone, Solar Hijri in Persian), grouped by day,
// gateway or currency. Money is never added across currencies: the totals are cards per currency,
// and the charts and the table show one currency at a time (chosen when there are several); the
// wallets' balances now, the failure reasons and a table follow, and the same figures download as CSV.
// The range, grouping and currency are in the URL, so a link shows the same view.
import type { Currency, PaymentAnalytics, PaymentAnalyticsFigures, PaymentAnalyticsQuery } from '@caravan/sdk'
import { useQuery } from '@tanstack/react-query'
import { useId, type ReactNode } from 'react'
import { queryClient } from '../../../data/queryClient'
import { useI18n } from '../../../i18n'
import { ProblemAlert, SelectField, Skeleton } from '../../../ui'
import { type DayRange } from '../../../ui/dates'
import { DataTable, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { Chart, type Series } from '../../shell/charts/Chart'
import { DashboardControls, useDashboardView } from '../../shell/charts/DashboardControls'
import '../../shell/charts/dashboard.css'
import { formatDay, formatPercent, intlLocale } from '../../shell/charts/format'
import { MAX_DAYS } from '../../shell/charts/range'
import { Page } from '../../shell/Page'
import { useGatewayName } from '../labels'
import { CURRENCY_CODES, displayUnit } from '../money'
import { useMoney } from '../useMoney'
import './analytics.css'

export const GROUP_BY = ['day', 'gateway', 'currency'] as const
export type GroupBy = (typeof GROUP_BY)[number]
type Group = PaymentAnalytics['groups'][number]
type Figures = PaymentAnalyticsFigures
/** A group's figures in the currency shown. */
type Row = { key: string; f: Figures }

const isCurrencyOrNone = (value: string) => value === '' || (CURRENCY_CODES as string[]).includes(value)

export const paymentAnalyticsKey = (query: PaymentAnalyticsQuery) => ['payment-analytics', query] as const

/** The currency the charts and table show: the one asked for if the range has it, else the one with most payments. */
export function shownCurrency(totals: Figures[], asked: string): Currency | null {
  if (totals.some((f) => f.currency === asked)) return asked as Currency
  return totals.reduce<Figures | null>((best, f) => (f.payments > (best?.payments ?? -1) ? f : best), null)?.currency ?? null
}

/** The groups' figures in one currency (groups without payments in it left out, days kept: they carry zeros). */
export function rowsIn(groups: Group[], groupBy: GroupBy, currency: Currency | null): Row[] {
  if (groupBy === 'currency') return groups.flatMap((g) => g.currencies.map((f) => ({ key: g.key, f })))
  return groups.flatMap((g) => {
    const f = g.currencies.find((c) => c.currency === currency)
    return f ? [{ key: g.key, f }] : []
  })
}

/** A chart's number for an amount: in the unit people read (toman, dollars), as a float (a chart needs no more). */
export function chartAmount(minor: string, currency: Currency, irr: 'toman' | 'rial'): number {
  return Number(minor) / 10 ** displayUnit(currency, irr).decimals
}

/** An amount on a chart: short past a thousand ("195K", "۱۹۵ هزار"), cents kept below it ("19.99", not "20"). */
export function chartAmountFormat(locale: 'fa' | 'en'): (value: number) => string {
  const short = new Intl.NumberFormat(intlLocale(locale), { notation: 'compact', maximumFractionDigits: 1 })
  const exact = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 })
  return (value) => (Math.abs(value) < 1000 ? exact : short).format(value)
}

export function PaymentAnalyticsPage() {
  const { t } = useI18n()
  const view = useDashboardView(GROUP_BY, { defaults: { currency: '' }, valid: { currency: isCurrencyOrNone } })
  const { url, setUrl, range, groupBy, tooLong } = view
  const query: PaymentAnalyticsQuery = view.query
  const analytics = useQuery({
    queryKey: paymentAnalyticsKey(query),
    queryFn: ({ signal }) => client.admin.payments.analytics(query, { signal }),
    enabled: !tooLong,
  })

  return (
    <Page title={t('panalytics.title')} intro={t('panalytics.intro')}>
      <DashboardControls
        view={view}
        groups={GROUP_BY}
        labels={{
          range: t('panalytics.range'),
          groupBy: t('panalytics.groupBy'),
          tooLong: t('panalytics.tooLong', { max: MAX_DAYS }),
          group: (g) => t(`panalytics.by.${g}`),
        }}
        file="payments"
        fetchCsv={() => client.admin.payments.exportAnalytics(query)}
      />
      {!tooLong && analytics.isPending && <Skeleton lines={8} label={t('panalytics.loading')} />}
      {analytics.isError && <ProblemAlert error={analytics.error} onRetry={() => void analytics.refetch()} />}
      {analytics.data && !tooLong && (
        <FiguresView
          data={analytics.data}
          query={query}
          range={range}
          groupBy={groupBy}
          asked={url.currency}
          onCurrency={(currency) => setUrl({ currency })}
        />
      )}
    </Page>
  )
}

/** How a group is named: a day in the page's calendar, a gateway's name, a currency's. */
function useGroupLabel(groupBy: GroupBy) {
  const { t, locale } = useI18n()
  const gatewayName = useGatewayName()
  return (key: string, short = false): string => {
    switch (groupBy) {
      case 'day':
        return formatDay(key, locale, short ? 'short' : 'weekday')
      case 'gateway':
        return key === 'none' ? t('panalytics.noGateway') : gatewayName(key)
      case 'currency':
        return (CURRENCY_CODES as string[]).includes(key) ? t(`currency.${key as Currency}`) : key
    }
  }
}

function NoValue() {
  const { t } = useI18n()
  return (
    <>
      <span aria-hidden="true">{t('common.none')}</span>
      <span className="visually-hidden">{t('panalytics.noValue')}</span>
    </>
  )
}

interface FiguresProps {
  data: PaymentAnalytics
  query: PaymentAnalyticsQuery
  range: DayRange
  groupBy: GroupBy
  asked: string
  onCurrency: (currency: Currency) => void
}

function FiguresView({ data, query, range, groupBy, asked, onCurrency }: FiguresProps) {
  const { t } = useI18n()
  const currency = shownCurrency(data.totals, asked)
  return (
    <>
      <section aria-labelledby="pan-totals" className="dash-section">
        <h2 id="pan-totals">{t('panalytics.totals')}</h2>
        {data.totals.length === 0 ? (
          <p className="empty">{t('panalytics.noPayments')}</p>
        ) : (
          <>
            <p className="hint">{t('panalytics.totalsHint')}</p>
            {data.totals.map((f) => (
              <CurrencyCards key={f.currency} figures={f} />
            ))}
            <p className="hint">{t('panalytics.definitions')}</p>
          </>
        )}
      </section>
      <Liabilities data={data} />
      {data.totals.length > 0 && <Charts data={data} range={range} groupBy={groupBy} currency={currency} onCurrency={onCurrency} />}
      <FailureReasons data={data} query={query} />
      {data.totals.length > 0 && <GroupsTable query={query} groupBy={groupBy} currency={currency} />}
    </>
  )
}

function CurrencyCards({ figures: f }: { figures: Figures }) {
  const { t, locale, formatNumber } = useI18n()
  const { money } = useMoney()
  const headingId = useId()
  const settled = f.succeeded + f.failed + f.canceled + f.expired
  const cards: { id: string; label: string; value: ReactNode; detail?: ReactNode }[] = [
    { id: 'volume', label: t('panalytics.volume'), value: money(f.volume, f.currency), detail: t('panalytics.volumeHint') },
    {
      id: 'payments',
      label: t('panalytics.payments'),
      value: formatNumber(f.payments),
      detail: t('panalytics.paymentsDetail', { succeeded: f.succeeded, failed: f.failed, canceled: f.canceled + f.expired, open: f.open }),
    },
    {
      id: 'successRate',
      label: t('panalytics.successRate'),
      value: f.successRate === null ? <NoValue /> : formatPercent(f.successRate, locale),
      detail: t('panalytics.successDetail', { succeeded: f.succeeded, settled }),
    },
    {
      id: 'averageTicket',
      label: t('panalytics.averageTicket'),
      value: f.averageTicket === null ? <NoValue /> : money(f.averageTicket, f.currency),
    },
    {
      id: 'refunded',
      label: t('panalytics.refunded'),
      value: money(f.refundedAmount, f.currency),
      detail: t('panalytics.refundsDetail', { count: f.refunds }),
    },
    {
      id: 'refundRate',
      label: t('panalytics.refundRate'),
      value: f.refundRate === null ? <NoValue /> : formatPercent(f.refundRate, locale),
      detail: t('panalytics.refundRateDetail'),
    },
  ]
  return (
    <section aria-labelledby={headingId} className="pan-currency" data-currency={f.currency}>
      <h3 id={headingId}>{t(`currency.${f.currency}`)}</h3>
      <dl className="dash-kpis">
        {cards.map((card) => (
          <div key={card.id} className="dash-kpi" data-kpi={card.id}>
            <dt>{card.label}</dt>
            <dd className="dash-kpi-value">{card.value}</dd>
            {card.detail && <dd className="dash-kpi-detail">{card.detail}</dd>}
          </div>
        ))}
      </dl>
    </section>
  )
}

function CurrencyPicker({ data, currency, onCurrency }: { data: PaymentAnalytics; currency: Currency; onCurrency: (c: Currency) => void }) {
  const { t } = useI18n()
  return (
    <SelectField
      label={t('panalytics.currency')}
      value={currency}
      onChange={(value) => value && onCurrency(value as Currency)}
      options={data.totals.map((f) => ({ id: f.currency, label: t(`currency.${f.currency}`) }))}
      className="pan-currency-picker"
    />
  )
}

function Charts({
  data,
  range,
  groupBy,
  currency,
  onCurrency,
}: {
  data: PaymentAnalytics
  range: DayRange
  groupBy: GroupBy
  currency: Currency | null
  onCurrency: (c: Currency) => void
}) {
  const { t, locale, formatNumber } = useI18n()
  const { irr, unit } = useMoney()
  const labelOf = useGroupLabel(groupBy)
  const rows = rowsIn(data.groups, groupBy, currency)
  const categories = rows.map((r) => ({ label: labelOf(r.key), short: labelOf(r.key, true) }))
  const time = groupBy === 'day'
  const orientation = time ? 'time' : 'category'
  const by = t(`panalytics.per.${groupBy}`)
  const from = formatDay(range.start, locale)
  const to = formatDay(range.end, locale)
  const compact = chartAmountFormat(locale)
  const percent = (rate: number) => formatPercent(rate, locale)
  /** "Sat 10 Jan 12.5M, …": the first ten rows with a value, for the chart's text alternative. */
  const listOf = (pick: (r: Row) => number | null, format: (v: number) => string) => {
    const listed = rows.filter((r) => pick(r) !== null)
    const shown = listed.slice(0, 10).map((r) => `${labelOf(r.key)} ${format(pick(r)!)}`)
    const more = listed.length - shown.length
    return shown.join(t('common.listSeparator')) + (more > 0 ? ` ${t('panalytics.andMore', { count: more })}` : '')
  }
  const succeeded = rows.reduce((sum, r) => sum + r.f.succeeded, 0)
  const failed = rows.reduce((sum, r) => sum + r.f.failed, 0)
  const counts: Series[] = [
    { name: t('panalytics.succeeded'), values: rows.map((r) => r.f.succeeded), kind: time ? 'line' : 'bar', tone: 'primary' },
    { name: t('panalytics.failed'), values: rows.map((r) => r.f.failed), kind: time ? 'line' : 'bar', tone: 'secondary' },
  ]
  const rate = (r: Row) => r.f.successRate
  return (
    <section aria-labelledby="dash-charts" className="dash-section">
      <h2 id="dash-charts">{t('panalytics.charts')}</h2>
      {groupBy !== 'currency' && data.totals.length > 1 && currency && (
        <CurrencyPicker data={data} currency={currency} onCurrency={onCurrency} />
      )}
      <div className="dash-charts">
        {groupBy !== 'currency' && currency && (
          <Chart
            title={t('panalytics.volumeTitle', { unit: unit(currency), by })}
            summary={t('panalytics.volumeSummary', {
              unit: unit(currency),
              by,
              from,
              to,
              list: listOf((r) => chartAmount(r.f.volume, currency, irr), compact) || t('panalytics.nothing'),
            })}
            categories={categories}
            series={[
              {
                name: t('panalytics.volume'),
                values: rows.map((r) => chartAmount(r.f.volume, currency, irr)),
                kind: 'bar',
                tone: 'primary',
              },
            ]}
            orientation={orientation}
            format={compact}
            empty={t('panalytics.nothing')}
            hasData={rows.some((r) => r.f.volume !== '0')}
          />
        )}
        <Chart
          title={t('panalytics.countsTitle', { by })}
          summary={t('panalytics.countsSummary', { by, from, to, succeeded, failed })}
          categories={categories}
          series={counts}
          orientation={orientation}
          format={(v) => formatNumber(v)}
          integer
          empty={t('panalytics.nothing')}
          hasData={rows.some((r) => r.f.payments > 0)}
        />
        <Chart
          title={t('panalytics.rateTitle', { by })}
          summary={t('panalytics.rateSummary', { by, from, to, list: listOf(rate, percent) || t('panalytics.nothing') })}
          categories={categories}
          series={[{ name: t('panalytics.successRate'), values: rows.map(rate), kind: time ? 'line' : 'bar', tone: 'primary' }]}
          orientation={orientation}
          format={percent}
          axisMax={1}
          empty={t('panalytics.nothing')}
        />
      </div>
    </section>
  )
}

function GroupsTable({ query, groupBy, currency }: { query: PaymentAnalyticsQuery; groupBy: GroupBy; currency: Currency | null }) {
  const { t, locale, formatNumber } = useI18n()
  const { money } = useMoney()
  const labelOf = useGroupLabel(groupBy)
  const titleId = useId()
  const by = t(`panalytics.per.${groupBy}`)
  const title =
    groupBy === 'currency' || !currency
      ? t('panalytics.groupsTitle', { by })
      : t('panalytics.groupsTitleIn', { by, currency: t(`currency.${currency}`) })
  const rate = (value: number | null) => (value === null ? <NoValue /> : formatPercent(value, locale))
  const columns: Column<Row>[] = [
    {
      id: 'group',
      header: t(`panalytics.by.${groupBy}`),
      primary: true,
      sortValue: (r) => (groupBy === 'day' ? r.key : labelOf(r.key)),
      cell: (r) => <bdi className={groupBy === 'day' ? 'dash-day' : undefined}>{labelOf(r.key)}</bdi>,
    },
    { id: 'payments', header: t('panalytics.payments'), sortValue: (r) => r.f.payments, cell: (r) => formatNumber(r.f.payments) },
    { id: 'succeeded', header: t('panalytics.succeeded'), sortValue: (r) => r.f.succeeded, cell: (r) => formatNumber(r.f.succeeded) },
    { id: 'successRate', header: t('panalytics.successRate'), sortValue: (r) => r.f.successRate, cell: (r) => rate(r.f.successRate) },
    {
      id: 'volume',
      header: t('panalytics.volume'),
      // Amounts of one currency compare as numbers; a float is exact enough to order them.
      sortValue: (r) => Number(r.f.volume),
      cell: (r) => money(r.f.volume, r.f.currency),
    },
    {
      id: 'averageTicket',
      header: t('panalytics.averageTicket'),
      sortValue: (r) => (r.f.averageTicket === null ? null : Number(r.f.averageTicket)),
      cell: (r) => (r.f.averageTicket === null ? <NoValue /> : money(r.f.averageTicket, r.f.currency)),
    },
    {
      id: 'refunded',
      header: t('panalytics.refunded'),
      sortValue: (r) => Number(r.f.refundedAmount),
      cell: (r) => (
        <>
          {money(r.f.refundedAmount, r.f.currency)}
          <span className="secondary-line">{t('panalytics.refundsDetail', { count: r.f.refunds })}</span>
        </>
      ),
    },
    { id: 'refundRate', header: t('panalytics.refundRate'), sortValue: (r) => r.f.refundRate, cell: (r) => rate(r.f.refundRate) },
  ]
  return (
    <section aria-labelledby={titleId} className="dash-section">
      <h2 id={titleId}>{title}</h2>
      <DataTable
        caption={title}
        columns={columns}
        queryKey={[...paymentAnalyticsKey(query), 'table', groupBy === 'currency' ? '' : currency]}
        fetchPage={async ({ signal }) => {
          // The page's own entry (already read): the table shows the same answer as the cards and charts.
          const answer = await queryClient.fetchQuery({
            queryKey: paymentAnalyticsKey(query),
            queryFn: () => client.admin.payments.analytics(query, { signal }),
          })
          // Days without payments are left out (the charts show them): thirty rows of zeros say nothing.
          return { items: rowsIn(answer.groups, groupBy, currency).filter((r) => r.f.payments > 0), nextCursor: null }
        }}
        getRowId={(r) => `${r.key}/${r.f.currency}`}
        empty={<p className="empty">{t('panalytics.noGroups')}</p>}
      />
      {groupBy === 'day' && <p className="hint">{t('panalytics.daysHint')}</p>}
    </section>
  )
}

type Reason = PaymentAnalytics['failureReasons'][number]

function FailureReasons({ data, query }: { data: PaymentAnalytics; query: PaymentAnalyticsQuery }) {
  const { t, formatNumber } = useI18n()
  const gatewayName = useGatewayName()
  const titleId = useId()
  const columns: Column<Reason>[] = [
    {
      id: 'reason',
      header: t('panalytics.reason'),
      primary: true,
      // The gateway's own words, in its language: isolated, so a Latin reason reads right in Persian.
      cell: (r) => (r.reason === null ? t('panalytics.noReason') : <bdi className="wrap-anywhere">{r.reason}</bdi>),
    },
    { id: 'gateway', header: t('panalytics.gateway'), cell: (r) => (r.gateway === null ? t('common.none') : gatewayName(r.gateway)) },
    { id: 'count', header: t('panalytics.count'), cell: (r) => formatNumber(r.count) },
  ]
  return (
    <section aria-labelledby={titleId} className="dash-section">
      <h2 id={titleId}>{t('panalytics.reasons')}</h2>
      <p className="hint">{t('panalytics.reasonsHint')}</p>
      <DataTable
        caption={t('panalytics.reasons')}
        columns={columns}
        queryKey={[...paymentAnalyticsKey(query), 'reasons']}
        fetchPage={async () => ({ items: data.failureReasons, nextCursor: null })}
        getRowId={(r) => `${r.gateway ?? ''}/${r.reason ?? ''}`}
        sortParam="reasonSort"
        empty={<p className="empty">{t('panalytics.noFailures')}</p>}
      />
    </section>
  )
}

function Liabilities({ data }: { data: PaymentAnalytics }) {
  const { t } = useI18n()
  const { money } = useMoney()
  return (
    <section aria-labelledby="pan-liabilities" className="dash-section">
      <h2 id="pan-liabilities">{t('panalytics.liabilities')}</h2>
      <p className="hint">{t('panalytics.liabilitiesHint')}</p>
      {data.walletLiabilities.length === 0 ? (
        <p className="empty">{t('panalytics.noLiabilities')}</p>
      ) : (
        <dl className="dash-kpis">
          {data.walletLiabilities.map((l) => (
            <div key={l.currency} className="dash-kpi" data-liability={l.currency}>
              <dt>{t(`currency.${l.currency}`)}</dt>
              <dd className="dash-kpi-value">{money(l.amount, l.currency)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  )
}
