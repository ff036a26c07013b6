// /console/support/analytics (agents and admins): the desk's figures over a range of days (the
// last 30 by default; days in the viewer's time zone, Solar Hijri in Persian), grouped by day,
// agent, team or channel: the totals as cards, three charts (tickets created and solved, first
// response and resolution medians per group) and a table of the groups, and the same figures as a
// CSV file. The range and the grouping are in the URL, so a link shows the same view.
import type { SupportAgent, SupportAnalytics, SupportAnalyticsQuery, User } from '@caravan/sdk'
import { useQuery } from '@tanstack/react-query'
import { useId, useMemo, type ReactNode } from 'react'
import { useI18n, type Translate } from '../../../i18n'
import { ProblemAlert, Skeleton } from '../../../ui'
import { queryClient } from '../../../data/queryClient'
import { type DayRange } from '../../../ui/dates'
import { DataTable, type Column } from '../../../ui/table'
import { client, useSignedInUser } from '../../auth/session'
import { Page } from '../../shell/Page'
import { formatHoursMinutes, splitMinutes } from '../admin/duration'
import { formatDay, formatDecimal, formatPercent } from '../../shell/charts/format'
import { isChannel } from '../admin/labels'
import { useAgents, useStaff } from '../admin/queries'
import { Chart, type Series } from '../../shell/charts/Chart'
import { MAX_DAYS } from '../../shell/charts/range'
import { DashboardControls, useDashboardView } from '../../shell/charts/DashboardControls'
import '../../shell/charts/dashboard.css'

export const GROUP_BY = ['day', 'agent', 'team', 'channel'] as const
export type GroupBy = (typeof GROUP_BY)[number]
type Group = SupportAnalytics['groups'][number]
type Figures = SupportAnalytics['totals']

export const analyticsKey = (query: SupportAnalyticsQuery) => ['support-analytics', query] as const

export function SupportAnalyticsPage() {
  const { t } = useI18n()
  const view = useDashboardView(GROUP_BY)
  const { range, groupBy, tooLong } = view
  const query: SupportAnalyticsQuery = view.query
  const analytics = useQuery({
    queryKey: analyticsKey(query),
    queryFn: ({ signal }) => client.support.analytics(query, { signal }),
    enabled: !tooLong,
  })
  // The API names teams only: agents are named from the desk's agents, the staff list (admins
  // may read it) and the viewer.
  const me = useSignedInUser()
  const agents = useAgents()
  const staff = useStaff(me.role === 'admin')
  const names = useMemo(() => agentNames(agents.data ?? [], staff.data ?? [], me), [agents.data, staff.data, me])

  return (
    <Page title={t('sanalytics.title')} intro={t('sanalytics.intro')}>
      <DashboardControls
        view={view}
        groups={GROUP_BY}
        labels={{
          range: t('sanalytics.range'),
          groupBy: t('sanalytics.groupBy'),
          tooLong: t('sanalytics.tooLong', { max: MAX_DAYS }),
          group: (g) => t(`sanalytics.by.${g}`),
        }}
        file="support"
        fetchCsv={() => client.support.exportAnalytics(query)}
      />
      {!tooLong && analytics.isPending && <Skeleton lines={8} label={t('sanalytics.loading')} />}
      {analytics.isError && <ProblemAlert error={analytics.error} onRetry={() => void analytics.refetch()} />}
      {analytics.data && !tooLong && <Figures data={analytics.data} query={query} range={range} groupBy={groupBy} names={names} />}
    </Page>
  )
}

interface FiguresProps {
  data: SupportAnalytics
  query: SupportAnalyticsQuery
  range: DayRange
  groupBy: GroupBy
  names: Map<string, string>
}

/** Agents' names by id: a desk row's name, else the user's name or address (the viewer's too). */
export function agentNames(agents: SupportAgent[], staff: User[], me: User): Map<string, string> {
  const names = new Map<string, string>()
  for (const u of [...staff, me]) {
    const name = u.name ?? u.email ?? u.externalId
    if (name) names.set(u.id, name)
  }
  for (const a of agents) if (a.name) names.set(a.userId, a.name)
  return names
}

/** How a group is named: a day in the page's calendar, an agent's name, a team's, a channel's. */
export function groupLabeller(t: Translate, locale: 'fa' | 'en', groupBy: GroupBy, names: Map<string, string>) {
  return (group: Pick<Group, 'key' | 'label'>, short = false): string => {
    switch (groupBy) {
      case 'day':
        return formatDay(group.key, locale, short ? 'short' : 'weekday')
      case 'agent': {
        if (group.key === 'unassigned') return t('sanalytics.unassigned')
        return names.get(group.key) ?? t('sanalytics.unnamedAgent', { id: group.key.slice(-6) })
      }
      case 'team':
        return group.label ?? t('sanalytics.unnamedTeam')
      case 'channel':
        return isChannel(group.key) ? t(`sadmin.channel.${group.key}`) : group.key
    }
  }
}

function Figures({ data, query, range, groupBy, names }: FiguresProps) {
  const { t, locale, formatNumber } = useI18n()
  const labelOf = groupLabeller(t, locale, groupBy, names)
  const hm = (minutes: number) => formatHoursMinutes(minutes, locale)
  const hours = (value: number) => hm(value * 60)
  const categories = data.groups.map((g) => ({ label: labelOf(g), short: labelOf(g, true) }))
  const orientation = groupBy === 'day' ? 'time' : 'category'
  const { totals } = data
  const from = formatDay(range.start, locale)
  const to = formatDay(range.end, locale)
  const by = t(`sanalytics.per.${groupBy}`)

  const volume: Series[] = [
    {
      name: t('sanalytics.created'),
      values: data.groups.map((g) => g.ticketsCreated),
      kind: groupBy === 'day' ? 'line' : 'bar',
      tone: 'primary',
    },
    {
      name: t('sanalytics.solved'),
      values: data.groups.map((g) => g.ticketsSolved),
      kind: groupBy === 'day' ? 'line' : 'bar',
      tone: 'secondary',
    },
  ]
  const busiest = data.groups.reduce<Group | null>((best, g) => (g.ticketsCreated > (best?.ticketsCreated ?? 0) ? g : best), null)
  const volumeSummary = [
    t('sanalytics.volumeSummary', { by, from, to, created: totals.ticketsCreated, solved: totals.ticketsSolved }),
    busiest ? t('sanalytics.busiest', { name: labelOf(busiest), count: busiest.ticketsCreated }) : '',
  ].join(' ')

  /** "Sara 1:30, Ali 2:00 …": the first ten groups with a value. */
  const listSummary = (pick: (g: Group) => number | null) => {
    const listed = data.groups.filter((g) => pick(g) !== null)
    const shown = listed.slice(0, 10).map((g) => `${labelOf(g)} ${hm(pick(g)!)}`)
    const more = listed.length - shown.length
    return shown.join(t('common.listSeparator')) + (more > 0 ? ` ${t('sanalytics.andMore', { count: more })}` : '')
  }
  const timeChart = (title: string, pick: (g: Group) => number | null) => (
    <Chart
      title={title}
      summary={`${title}, ${from} – ${to}: ${listSummary(pick) || t('sanalytics.noTimes')}`}
      categories={categories}
      series={[{ name: title, values: data.groups.map((g) => (pick(g) === null ? null : pick(g)! / 60)), kind: 'bar', tone: 'primary' }]}
      orientation={orientation}
      format={hours}
      empty={t('sanalytics.noTimes')}
    />
  )

  return (
    <>
      <Kpis totals={totals} />
      <section aria-labelledby="dash-charts" className="dash-section">
        <h2 id="dash-charts">{t('sanalytics.charts')}</h2>
        <div className="dash-charts">
          <Chart
            title={t('sanalytics.volumeTitle', { by })}
            summary={volumeSummary}
            categories={categories}
            series={volume}
            orientation={orientation}
            format={(v) => formatNumber(v)}
            integer
            empty={t('sanalytics.noTickets')}
            hasData={totals.ticketsCreated + totals.ticketsSolved > 0}
          />
          {timeChart(t('sanalytics.firstResponseTitle', { by }), (g) => g.firstResponseMinutes.median)}
          {timeChart(t('sanalytics.resolutionTitle', { by }), (g) => g.resolutionMinutes.median)}
        </div>
      </section>
      <GroupsTable data={data} query={query} groupBy={groupBy} labelOf={labelOf} />
    </>
  )
}

/** A duration for a card: "2:30" on screen, "2 hours 30 minutes" to a screen reader. */
function Duration({ minutes }: { minutes: number | null }) {
  const { t, locale } = useI18n()
  if (minutes === null) return <NoValue />
  const { hours, minutes: rest } = splitMinutes(minutes)
  return (
    <>
      <span aria-hidden="true">{formatHoursMinutes(minutes, locale)}</span>
      <span className="visually-hidden">{t('sanalytics.spokenDuration', { hours, minutes: rest })}</span>
    </>
  )
}

function NoValue() {
  const { t } = useI18n()
  return (
    <>
      <span aria-hidden="true">{t('common.none')}</span>
      <span className="visually-hidden">{t('sanalytics.noValue')}</span>
    </>
  )
}

function Kpis({ totals }: { totals: Figures }) {
  const { t, locale, formatNumber } = useI18n()
  const cards: { id: string; label: string; value: ReactNode; detail?: ReactNode }[] = [
    { id: 'created', label: t('sanalytics.created'), value: formatNumber(totals.ticketsCreated) },
    { id: 'solved', label: t('sanalytics.solved'), value: formatNumber(totals.ticketsSolved) },
    {
      id: 'firstResponse',
      label: t('sanalytics.firstResponseMedian'),
      value: <Duration minutes={totals.firstResponseMinutes.median} />,
      detail: (
        <>
          {t('sanalytics.p90')} <Duration minutes={totals.firstResponseMinutes.p90} />
        </>
      ),
    },
    {
      id: 'resolution',
      label: t('sanalytics.resolutionMedian'),
      value: <Duration minutes={totals.resolutionMinutes.median} />,
      detail: (
        <>
          {t('sanalytics.p90')} <Duration minutes={totals.resolutionMinutes.p90} />
        </>
      ),
    },
    {
      id: 'sla',
      label: t('sanalytics.slaBreachRate'),
      value: totals.slaBreachRate === null ? <NoValue /> : formatPercent(totals.slaBreachRate, locale),
    },
    {
      id: 'csat',
      label: t('sanalytics.csatAverage'),
      value: totals.csatAverage === null ? <NoValue /> : t('sanalytics.outOfFive', { value: formatDecimal(totals.csatAverage, locale) }),
      detail:
        totals.csatResponseRate === null
          ? t('sanalytics.noRatingsAsked')
          : t('sanalytics.csatRate', {
              rate: formatPercent(totals.csatResponseRate, locale),
              responses: totals.csatResponses,
              requested: totals.csatRequested,
            }),
    },
    { id: 'active', label: t('sanalytics.active'), value: formatNumber(totals.activeTickets), detail: t('sanalytics.activeHint') },
    {
      id: 'conversations',
      label: t('sanalytics.conversations'),
      value: formatNumber(totals.conversationsCreated),
      detail: t('sanalytics.conversationsClosed', { count: formatNumber(totals.conversationsClosed) }),
    },
  ]
  return (
    <section aria-labelledby="san-totals" className="dash-section">
      <h2 id="san-totals">{t('sanalytics.totals')}</h2>
      <p className="hint">{t('sanalytics.timesHint')}</p>
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

function GroupsTable({
  data,
  query,
  groupBy,
  labelOf,
}: {
  data: SupportAnalytics
  query: SupportAnalyticsQuery
  groupBy: GroupBy
  labelOf: (g: Group) => string
}) {
  const { t, locale, formatNumber } = useI18n()
  const titleId = useId()
  const time = (spread: Group['firstResponseMinutes']) => (
    <>
      <Duration minutes={spread.median} />
      {spread.p90 !== null && (
        <span className="secondary-line">
          {t('sanalytics.p90')} <Duration minutes={spread.p90} />
        </span>
      )}
    </>
  )
  const columns: Column<Group>[] = [
    {
      id: 'group',
      header: t(`sanalytics.by.${groupBy}`),
      primary: true,
      sortValue: (g) => (groupBy === 'day' ? g.key : labelOf(g)),
      cell: (g) => <bdi className={groupBy === 'day' ? 'dash-day' : undefined}>{labelOf(g)}</bdi>,
    },
    { id: 'created', header: t('sanalytics.created'), sortValue: (g) => g.ticketsCreated, cell: (g) => formatNumber(g.ticketsCreated) },
    { id: 'solved', header: t('sanalytics.solved'), sortValue: (g) => g.ticketsSolved, cell: (g) => formatNumber(g.ticketsSolved) },
    {
      id: 'firstResponse',
      header: t('sanalytics.firstResponseMedian'),
      sortValue: (g) => g.firstResponseMinutes.median,
      cell: (g) => time(g.firstResponseMinutes),
    },
    {
      id: 'resolution',
      header: t('sanalytics.resolutionMedian'),
      sortValue: (g) => g.resolutionMinutes.median,
      cell: (g) => time(g.resolutionMinutes),
    },
    {
      id: 'sla',
      header: t('sanalytics.slaBreachRate'),
      sortValue: (g) => g.slaBreachRate,
      cell: (g) => (g.slaBreachRate === null ? <NoValue /> : formatPercent(g.slaBreachRate, locale)),
    },
    {
      id: 'csat',
      header: t('sanalytics.csatAverage'),
      sortValue: (g) => g.csatAverage,
      cell: (g) => (g.csatAverage === null ? <NoValue /> : formatDecimal(g.csatAverage, locale)),
    },
    // Workload is now, not per day; conversations belong to no agent or team.
    ...(groupBy === 'day'
      ? []
      : [
          {
            id: 'active',
            header: t('sanalytics.active'),
            sortValue: (g: Group) => g.activeTickets,
            cell: (g: Group) => formatNumber(g.activeTickets),
          },
        ]),
    {
      id: 'conversations',
      header: t('sanalytics.conversations'),
      sortValue: (g: Group) => g.conversationsCreated,
      cell: (g: Group) => formatNumber(g.conversationsCreated),
    },
    {
      id: 'conversationsClosed',
      header: t('sanalytics.conversationsClosedHeader'),
      sortValue: (g: Group) => g.conversationsClosed,
      cell: (g: Group) => formatNumber(g.conversationsClosed),
    },
  ]
  return (
    <section aria-labelledby={titleId} className="dash-section">
      <h2 id={titleId}>{t('sanalytics.groupsTitle', { by: t(`sanalytics.per.${groupBy}`) })}</h2>
      <DataTable
        caption={t('sanalytics.groupsTitle', { by: t(`sanalytics.per.${groupBy}`) })}
        columns={columns}
        queryKey={[...analyticsKey(query), 'table']}
        fetchPage={async ({ signal }) => {
          // The page's own entry (already read): the table shows the same answer as the charts.
          const answer = await queryClient.fetchQuery({
            queryKey: analyticsKey(query),
            queryFn: () => client.support.analytics(query, { signal }),
          })
          return { items: answer.groups, nextCursor: null }
        }}
        getRowId={(g) => g.key}
        empty={<p className="empty">{t('sanalytics.noGroups')}</p>}
      />
      {data.groups.length > 0 && <p className="hint">{t('sanalytics.tableHint')}</p>}
    </section>
  )
}
