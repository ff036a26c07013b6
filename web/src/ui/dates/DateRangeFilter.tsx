// A list's "from – to" filter: the range picker plus Clear. It speaks instants, the way the API
// and the URL take them: the start of the first day and the end of the last day in the viewer's
// time zone (a Tehran viewer's 1403/01/01 starts at 2024-03-19T20:30:00.000Z).
import { useEffect, useMemo, useRef, useState } from 'react'
import { useI18n } from '../../i18n'
import { Button } from '../Button'
import type { FieldProps } from '../field'
import { DateRangePicker } from './DateRangePicker'
import { daysToInstants, instantsToDays, parseDay, type IsoRange } from './range'
import './dates.css'

export interface DateRangeFilterProps extends Pick<FieldProps, 'label' | 'description' | 'errorMessage' | 'className'> {
  value: IsoRange
  onChange: (value: IsoRange) => void
}

export function DateRangeFilter({ label, description, errorMessage, className, value, onChange }: DateRangeFilterProps) {
  const { t, timeZone } = useI18n()
  const range = useMemo(() => instantsToDays(value, timeZone), [value, timeZone])
  const fromValue = range && { start: range.start.toString(), end: range.end.toString() }
  // The field shows a draft: a range being typed may be reversed for a moment (the end's day has
  // one digit of two), and only a whole, ordered range goes out. A new value from outside (Clear,
  // a link) replaces the draft.
  const [days, setDays] = useState(fromValue)
  const fromValueKey = JSON.stringify(fromValue)
  useEffect(() => setDays(JSON.parse(fromValueKey) as typeof fromValue), [fromValueKey])
  const active = Boolean(value.from || value.to)
  const root = useRef<HTMLDivElement>(null)
  // Clear disappears once pressed, so focus goes back to the first date segment, not the page.
  function clear() {
    onChange({})
    root.current?.querySelector<HTMLElement>('[role="spinbutton"]')?.focus()
  }
  return (
    <div ref={root} className={className ? `date-filter ${className}` : 'date-filter'}>
      <DateRangePicker
        label={label}
        description={description}
        errorMessage={errorMessage}
        value={days}
        onChange={(picked) => {
          setDays(picked)
          const start = parseDay(picked?.start)
          const end = parseDay(picked?.end)
          if (start && end && end.compare(start) < 0) return
          onChange(daysToInstants(start && end ? { start, end } : null, timeZone))
        }}
      />
      <div className="date-filter-actions">
        {range && <span className="hint">{t('dates.dayCount', { count: range.end.compare(range.start) + 1 })}</span>}
        {active && (
          <Button variant="secondary" size="small" onPress={clear}>
            {t('dates.clear')}
          </Button>
        )}
      </div>
    </div>
  )
}
