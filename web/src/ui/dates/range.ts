// Calendar days ↔ the ISO strings the API speaks. A day is a day in the *viewer's* time zone:
// a Tehran viewer's 1403/01/01 (= 2024-03-20) starts at 2024-03-19T20:30:00.000Z. The picker
// may hold Persian dates; everything leaving here is Gregorian.
import {
  CalendarDate,
  GregorianCalendar,
  parseAbsolute,
  parseDate,
  toCalendar,
  toCalendarDate,
  toZoned,
  type DateValue,
} from '@internationalized/date'

/** A date filter as the API and the URL take it: instants, either end open. */
export interface IsoRange {
  from?: string
  to?: string
}

/** Calendar days as 'YYYY-MM-DD' (Gregorian), both ends included. */
export interface DayRange {
  start: string
  end: string
}

const gregorian = new GregorianCalendar()

/** Any picker value (Persian or not, with or without a time) as a Gregorian day. */
export function toGregorianDay(value: DateValue): CalendarDate {
  return toCalendarDate(toCalendar(value, gregorian))
}

/** 'YYYY-MM-DD' of a picker value. */
export function dayString(value: DateValue): string {
  return toGregorianDay(value).toString()
}

/** A 'YYYY-MM-DD' string as a picker value; null when empty or malformed. */
export function parseDay(value: string | null | undefined): CalendarDate | null {
  if (!value) return null
  try {
    return parseDate(value)
  } catch {
    return null
  }
}

/** The first instant of the day in the zone (midnight, or the first hour that exists on a DST day). */
export function startOfDayIso(day: DateValue, timeZone: string): string {
  return toZoned(toGregorianDay(day), timeZone).toDate().toISOString()
}

/** The last millisecond of the day in the zone: a day is 23, 24 or 25 hours long. */
export function endOfDayIso(day: DateValue, timeZone: string): string {
  const nextDay = toZoned(toGregorianDay(day).add({ days: 1 }), timeZone).toDate()
  return new Date(nextDay.getTime() - 1).toISOString()
}

/** The day an instant falls on in the zone; null for a malformed string. */
export function dayOfInstant(iso: string, timeZone: string): CalendarDate | null {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return null
  return toCalendarDate(parseAbsolute(date.toISOString(), timeZone))
}

/** Picked days → the filter's instants (an empty pick clears both ends). */
export function daysToInstants(range: { start: DateValue; end: DateValue } | null, timeZone: string): IsoRange {
  if (!range) return {}
  return { from: startOfDayIso(range.start, timeZone), to: endOfDayIso(range.end, timeZone) }
}

/** The filter's instants → the days to show in the picker; null unless both ends are set and valid. */
export function instantsToDays(range: IsoRange, timeZone: string): { start: CalendarDate; end: CalendarDate } | null {
  if (!range.from || !range.to) return null
  const start = dayOfInstant(range.from, timeZone)
  const end = dayOfInstant(range.to, timeZone)
  return start && end && start.compare(end) <= 0 ? { start, end } : null
}
