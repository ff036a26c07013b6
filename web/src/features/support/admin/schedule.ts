// A team's business hours as the editor holds them, and the small edits it makes. The API's week
// is Sunday first (index 0, like Date.getDay) and its intervals end as late as '24:00'; a time
// input cannot show 24:00, so the form keeps midnight as an end of '00:00' (an end can never be
// before its start, so 00:00 as an end is unambiguous) and turns it back on the way out.
import type { BusinessSchedule } from '@caravan/sdk'

export interface Interval {
  start: string
  end: string
}

/** Named as the server names them, so its field errors (body.schedule.week.2.0.end) land on their inputs. */
export interface ScheduleValues {
  timezone: string
  /** Seven days, Sunday first; [] is a day off. */
  week: Interval[][]
  holidays: string[]
}

export const MAX_INTERVALS = 6
const DAY_MINUTES = 24 * 60

/** 'HH:MM' → minutes since midnight ('24:00' → 1440); NaN when malformed. */
export function minutesOfDay(time: string): number {
  const match = /^(\d\d):(\d\d)$/.exec(time)
  if (!match) return NaN
  return Number(match[1]) * 60 + Number(match[2])
}

/** Minutes since midnight → 'HH:MM' (0..1440). */
export function timeOfDay(minutes: number): string {
  const clamped = Math.min(Math.max(Math.round(minutes), 0), DAY_MINUTES)
  return `${String(Math.floor(clamped / 60)).padStart(2, '0')}:${String(clamped % 60).padStart(2, '0')}`
}

export function toFormSchedule(schedule: BusinessSchedule): ScheduleValues {
  return {
    timezone: schedule.timezone,
    week: schedule.week.map((day) => day.map(({ start, end }) => ({ start, end: end === '24:00' ? '00:00' : end }))),
    holidays: [...schedule.holidays],
  }
}

export function toApiSchedule(values: ScheduleValues): BusinessSchedule {
  return {
    timezone: values.timezone,
    week: values.week.map((day) => day.map(({ start, end }) => ({ start, end: end === '00:00' ? '24:00' : end }))),
    // Empty rows (a date not picked yet) are dropped; the rest in calendar order, once each.
    holidays: [...new Set(values.holidays.filter(Boolean))].sort(),
  }
}

/** A new team's week: Saturday to Wednesday 09:00–17:00, Thursday 09:00–13:00, Friday off (the server's default), Tehran. */
export function defaultSchedule(timezone = 'Asia/Tehran'): ScheduleValues {
  const nineToFive = () => [{ start: '09:00', end: '17:00' }]
  return {
    timezone,
    week: [nineToFive(), nineToFive(), nineToFive(), nineToFive(), [{ start: '09:00', end: '13:00' }], [], nineToFive()],
    holidays: [],
  }
}

/** The interval a day gets when switched on, or added after its last one (an hour later, three hours long). */
export function nextInterval(day: Interval[]): Interval {
  const last = day.at(-1)
  if (!last) return { start: '09:00', end: '17:00' }
  const lastEnd = last.end === '00:00' ? DAY_MINUTES : minutesOfDay(last.end)
  const start = Math.min(Number.isNaN(lastEnd) ? 9 * 60 : lastEnd + 60, DAY_MINUTES - 60)
  const end = Math.min(start + 180, DAY_MINUTES)
  return { start: timeOfDay(start), end: end === DAY_MINUTES ? '00:00' : timeOfDay(end) }
}

/** The week's days in the order a calendar of this language shows them (Sunday-first indexes). */
export function weekOrder(firstDay: number): number[] {
  return Array.from({ length: 7 }, (_, i) => (firstDay + i) % 7)
}

/**
 * The first day of the week, Sunday = 0: Saturday in Persian; in English the browser's region
 * decides (Sunday in the US, Monday in Britain and most of Europe), through Intl's week info.
 */
export function firstDayOfWeek(locale: 'fa' | 'en', language = typeof navigator === 'undefined' ? 'en-GB' : navigator.language): number {
  if (locale === 'fa') return 6
  const tag = language.toLowerCase().startsWith('en') ? language : 'en-GB'
  try {
    const info = new Intl.Locale(tag) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } }
    const firstDay = info.getWeekInfo?.().firstDay ?? info.weekInfo?.firstDay
    // Intl numbers Monday 1 … Sunday 7.
    if (firstDay) return firstDay % 7
  } catch {
    /* an odd language tag: the default below */
  }
  return /-(us|ca|ph|in|il|jp|br|mx|au)$/i.test(tag) ? 0 : 1
}

/** The day's name in the language, from a known week (2024-01-07 was a Sunday). */
export function weekdayName(day: number, intlLocale: string, width: 'long' | 'short' = 'long'): string {
  return new Intl.DateTimeFormat(intlLocale, { weekday: width, timeZone: 'UTC' }).format(Date.UTC(2024, 0, 7 + day))
}

/** Working minutes in a week (intervals as the form holds them); what a team's row summarises. */
export function weeklyMinutes(week: Interval[][]): number {
  let total = 0
  for (const day of week)
    for (const { start, end } of day) {
      const from = minutesOfDay(start)
      const to = end === '00:00' || end === '24:00' ? DAY_MINUTES : minutesOfDay(end)
      if (to > from) total += to - from
    }
  return total
}

/** How many days of the week have hours. */
export const openDays = (week: Interval[][]): number => week.filter((day) => day.length > 0).length
