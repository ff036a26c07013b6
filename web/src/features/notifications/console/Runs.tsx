// The activity page's workflow runs: one per recipient of a notification whose type has a
// workflow, newest first, filtered by user, type and status (kept in the URL, the user and type
// shared with the deliveries view): where each run is, its next step and when it wakes, and the
// log of the steps it took, opened in place.
import type { NotificationRun } from '@caravan/sdk'
import { useI18n, type Translate } from '../../../i18n'
import { Button, SelectField } from '../../../ui'
import { RelativeTime } from '../../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../../ui/table'
import { client } from '../../auth/session'
import { RUN_STATUSES } from '../labels'
import { PersonById } from './Person'
import { consoleKeys, useTypes } from './queries'
import { UserFilter, UUID } from './UserFilter'
import { STEP_KINDS, type StepKind } from './workflow'
import './workflow.css'

const PAGE_SIZE = 25
const ALL = 'all'
const NO_FILTER = { user: '', type: '', runStatus: '' }
const LOG_OUTCOMES = ['done', 'skipped', 'waiting', 'digested', 'merged', 'throttled', 'failed', 'cancelled'] as const
type LogOutcome = (typeof LOG_OUTCOMES)[number]
const isLogOutcome = (value: string): value is LogOutcome => (LOG_OUTCOMES as readonly string[]).includes(value)
const isStepKind = (value: string): value is StepKind => (STEP_KINDS as readonly string[]).includes(value)

/** A step of a run by its number and kind ("Step 3: Send"); the server's own word for a kind this page does not know. */
function stepName(t: Translate, index: number, kind: string): string {
  return t('runs.step', { n: index + 1, kind: isStepKind(kind) ? t(`workflow.kind.${kind}`) : kind })
}

export function Runs() {
  const { t } = useI18n()
  const types = useTypes()
  const [filter, setFilter] = useUrlState(NO_FILTER, {
    user: (v) => UUID.test(v),
    runStatus: (v) => (RUN_STATUSES as readonly string[]).includes(v),
  })
  const filtered = Object.values(filter).some(Boolean)
  const choose = (name: 'type' | 'runStatus') => (value: string | null) => setFilter({ [name]: !value || value === ALL ? '' : value })

  const columns: Column<NotificationRun>[] = [
    {
      id: 'type',
      header: t('activity.type'),
      primary: true,
      sortValue: (r) => r.type,
      cell: (r) => (
        <code dir="ltr" className="wrap-anywhere">
          {r.type}
        </code>
      ),
    },
    { id: 'user', header: t('activity.user'), cell: (r) => <PersonById id={r.userId} /> },
    {
      id: 'status',
      header: t('activity.status'),
      sortValue: (r) => r.status,
      cell: (r) => (
        <>
          <span className={`status run-${r.status}`}>{t(`runStatus.${r.status}`)}</span>
          {r.eventCount !== null && <span className="secondary-line muted small">{t('runs.events', { count: r.eventCount })}</span>}
        </>
      ),
    },
    {
      id: 'next',
      header: t('runs.next'),
      cell: (r) => (r.nextStep ? stepName(t, r.nextStep.index, r.nextStep.kind) : t('common.none')),
    },
    {
      id: 'when',
      header: t('runs.when'),
      sortValue: (r) => r.wakeAt,
      cell: (r) => (r.wakeAt ? <RelativeTime iso={r.wakeAt} /> : t('common.none')),
    },
    { id: 'started', header: t('runs.started'), sortValue: (r) => r.createdAt, cell: (r) => <RelativeTime iso={r.createdAt} /> },
    { id: 'log', header: t('runs.log'), cell: (r) => <RunLog run={r} /> },
  ]

  return (
    <DataTable
      caption={t('runs.title')}
      columns={columns}
      sortParam="runSort"
      queryKey={consoleKeys.runs(filter)}
      fetchPage={({ cursor, signal }) =>
        client.admin.notifications.runs(
          {
            userId: filter.user || undefined,
            type: filter.type || undefined,
            status: (filter.runStatus || undefined) as NotificationRun['status'] | undefined,
            limit: PAGE_SIZE,
            cursor,
          },
          { signal },
        )
      }
      getRowId={(r) => r.id}
      empty={<p className="empty">{filtered ? t('runs.empty') : t('runs.none')}</p>}
      filters={
        <div role="search" aria-label={t('runs.filters')} className="runs-filters">
          <UserFilter label={t('activity.user')} value={filter.user} onChange={(user) => setFilter({ user })} />
          <SelectField
            label={t('activity.type')}
            value={filter.type || ALL}
            onChange={choose('type')}
            options={[
              { id: ALL, label: t('activity.allTypes') },
              ...(filter.type && !types.data?.some((x) => x.key === filter.type) ? [{ id: filter.type, label: filter.type }] : []),
              ...(types.data ?? []).map((x) => ({ id: x.key, label: x.key })),
            ]}
          />
          <SelectField
            label={t('activity.status')}
            value={filter.runStatus || ALL}
            onChange={choose('runStatus')}
            options={[{ id: ALL, label: t('activity.allStatuses') }, ...RUN_STATUSES.map((s) => ({ id: s, label: t(`runStatus.${s}`) }))]}
          />
          {filtered && (
            <Button variant="quiet" onPress={() => setFilter(NO_FILTER)}>
              {t('activity.clear')}
            </Button>
          )}
        </div>
      }
    />
  )
}

/** The steps the run took, opened in place: when, which step, what came of it, and the server's detail. */
function RunLog({ run }: { run: NotificationRun }) {
  const { t, formatDate } = useI18n()
  // The server's detail is English: a wait's end (`until`) is said as a date of the reader's, the rest shown as written.
  const detailOf = (entry: NotificationRun['log'][number]) => {
    if (entry.until && entry.outcome === 'waiting') return t('runs.until', { time: formatDate(entry.until) })
    return (
      <code dir="ltr" className="wrap-anywhere">
        {entry.detail}
      </code>
    )
  }
  if (!run.log.length) return <>{t('common.none')}</>
  return (
    <details className="run-log">
      <summary>{t('runs.showLog', { count: run.log.length })}</summary>
      <ol>
        {run.log.map((entry, i) => (
          <li key={i}>
            <time dateTime={entry.at} className="muted small">
              {formatDate(entry.at)}
            </time>{' '}
            <strong>{entry.step === null ? t('runs.wholeRun') : stepName(t, entry.step, entry.kind)}</strong>
            {': '}
            {isLogOutcome(entry.outcome) ? t(`runs.outcome.${entry.outcome}`) : entry.outcome}
            {entry.detail && <> {detailOf(entry)}</>}
          </li>
        ))}
      </ol>
    </details>
  )
}
