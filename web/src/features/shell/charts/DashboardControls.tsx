// A dashboard's view and its controls, one copy for the support and payment dashboards: a range of
// whole days (the last 30 by default, in the viewer's zone) and a grouping, both in the URL so a
// link shows the same view, the date picker's draft, and the CSV download beside them.
import { useEffect, useMemo, useState } from 'react'
import { useI18n } from '../../../i18n'
import { SelectField } from '../../../ui'
import { DateRangePicker, type DayRange } from '../../../ui/dates'
import { useUrlState } from '../../../ui/table'
import { CsvDownload } from './CsvDownload'
import { dayCount, dayRangeInstants, isDay, lastDays, MAX_DAYS } from './range'

/**
 * The view in the URL: `from`, `to` and `groupBy` (the first of `groups` by default), and any
 * `extra` values a dashboard keeps there too (a currency), each with its check.
 */
export function useDashboardView<G extends string, E extends Record<string, string> = Record<never, string>>(
  groups: readonly G[],
  extra?: { defaults: E; valid: { [K in keyof E]?: (value: string) => boolean } },
) {
  const { timeZone } = useI18n()
  const isGroup = (value: string) => (groups as readonly string[]).includes(value)
  const defaults = { from: '', to: '', groupBy: groups[0] as string, ...extra?.defaults } as {
    from: string
    to: string
    groupBy: string
  } & E
  const [url, setUrl] = useUrlState(defaults, { from: isDay, to: isDay, groupBy: isGroup, ...extra?.valid })
  const fallback = useMemo(() => lastDays(timeZone), [timeZone])
  const fromUrl = { start: url.from, end: url.to }
  const range: DayRange = url.from && url.to && dayCount(fromUrl) > 0 ? fromUrl : fallback
  // The picker shows a draft (a range being typed may be reversed for a moment); only a whole,
  // ordered range goes into the URL. A new range from outside (a link, Back) replaces the draft.
  const [draft, setDraft] = useState<DayRange | null>(range)
  const rangeKey = `${range.start}/${range.end}`
  useEffect(() => setDraft({ start: rangeKey.split('/')[0], end: rangeKey.split('/')[1] }), [rangeKey])
  const days = dayCount(range)
  return {
    url,
    setUrl,
    range,
    groupBy: url.groupBy as G,
    draft,
    setDraft,
    days,
    /** Longer than the APIs answer: nothing is asked for, the picker says why. */
    tooLong: days > MAX_DAYS,
    /** The range as the API's instants, with the viewer's zone for its days. */
    query: { ...dayRangeInstants(range, timeZone), groupBy: url.groupBy as G, timezone: timeZone },
  }
}

export type DashboardView<G extends string> = ReturnType<typeof useDashboardView<G, Record<never, string>>>

/** The range picker, the grouping and "Download CSV" (named `<file>-<groupBy>-<start>-<end>.csv`). */
export function DashboardControls<G extends string>({
  view,
  groups,
  labels,
  file,
  fetchCsv,
}: {
  view: DashboardView<G>
  groups: readonly G[]
  labels: { range: string; groupBy: string; tooLong: string; group: (group: G) => string }
  file: string
  fetchCsv: () => Promise<string>
}) {
  const { t } = useI18n()
  const { draft, setDraft, setUrl, days, tooLong, range, groupBy } = view
  return (
    <div className="dash-controls">
      <DateRangePicker
        label={labels.range}
        value={draft}
        onChange={(picked) => {
          setDraft(picked)
          if (picked && dayCount(picked) > 0) setUrl({ from: picked.start, to: picked.end })
        }}
        description={t('dates.dayCount', { count: days })}
        errorMessage={tooLong ? labels.tooLong : undefined}
      />
      <SelectField
        label={labels.groupBy}
        value={groupBy}
        onChange={(value) => value && (groups as readonly string[]).includes(value) && setUrl({ groupBy: value })}
        options={groups.map((g) => ({ id: g, label: labels.group(g) }))}
      />
      <CsvDownload file={`${file}-${groupBy}-${range.start}-${range.end}.csv`} fetchCsv={fetchCsv} disabled={tooLong} />
    </div>
  )
}
