// Whole days for the dashboards: the default range (the last 30 days, today included), a range's
// length, and the instants the API takes for it in the viewer's zone.
import { startOfDayIso, type DayRange } from '../../../ui/dates'
import { dayOfInstant, parseDay } from '../../../ui/dates/range'

/** The dashboards' APIs answer at most 366 days at once. */
export const MAX_DAYS = 366
const DAYS_SHOWN = 30

export const isDay = (value: string) => parseDay(value) !== null

/** The last `days` days, today included, in the zone. */
export function lastDays(timeZone: string, now = new Date(), days = DAYS_SHOWN): DayRange {
  const today = dayOfInstant(now.toISOString(), timeZone)!
  return { start: today.subtract({ days: days - 1 }).toString(), end: today.toString() }
}

/** Days in a range, both ends included; 0 when it is not a range. */
export function dayCount(range: DayRange): number {
  const start = parseDay(range.start)
  const end = parseDay(range.end)
  return start && end ? end.compare(start) + 1 : 0
}

/** From the first day's start to the start of the day after the last, in the zone. */
export function dayRangeInstants(range: DayRange, timeZone: string): { from: string; to: string } {
  return {
    from: startOfDayIso(parseDay(range.start)!, timeZone),
    to: startOfDayIso(parseDay(range.end)!.add({ days: 1 }), timeZone),
  }
}
