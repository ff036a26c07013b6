// Business-hours clock for support SLAs: a team's working week and holidays in its own timezone, and
// arithmetic over the working time they leave. Pure (Intl only); instants are epoch milliseconds inside,
// Dates at the edges.
//
// Conventions:
// - Working intervals are half-open [start, end): a ticket at 17:00 on a 09:00–17:00 day is outside hours.
// - addBusinessMinutes(from, m > 0) returns the instant the m-th minute completes, so it may be a closing
//   time (16:00 + 60 → 17:00, not the next morning); m = 0 returns the next open instant at or after `from`.
// - Local wall times map to instants like Temporal's 'compatible' disambiguation for fall-back (the earlier
//   instant), but a wall time in a spring-forward gap maps to the first instant after the gap.

/** 'HH:MM' 24-hour local time; end may be '24:00'. */
export interface WorkingInterval {
  start: string
  end: string
}

export interface BusinessSchedule {
  /** IANA zone the hours and holidays are in, e.g. 'Asia/Tehran'. */
  timezone: string
  /** Seven entries, index 0 = Sunday … 6 = Saturday (like Date.getDay); [] = a day off. Intervals sorted, not overlapping. */
  week: WorkingInterval[][]
  /** Local dates 'YYYY-MM-DD' (Gregorian) that are days off in this timezone. */
  holidays: string[]
}

export interface ScheduleProblem {
  path: string
  message: string
}

const MINUTE = 60_000
const DAY = 86_400_000
/** addBusinessMinutes gives up (null) when the answer would fall more than this many local days after `from`. */
export const MAX_SEARCH_DAYS = 7305 // 20 years
export const MAX_HOLIDAYS = 1000

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

const nineToFive = (): WorkingInterval[] => [{ start: '09:00', end: '17:00' }]

/** Iran's usual week: Saturday–Wednesday 09:00–17:00, Thursday 09:00–13:00, Friday off; Asia/Tehran; no holidays. */
export const DEFAULT_SCHEDULE: BusinessSchedule = deepFreeze({
  timezone: 'Asia/Tehran',
  week: [nineToFive(), nineToFive(), nineToFive(), nineToFive(), [{ start: '09:00', end: '13:00' }], [], nineToFive()],
  holidays: [],
})

/** Every minute counts (24/7): for teams without business hours. */
export function alwaysOpen(timezone = 'Asia/Tehran'): BusinessSchedule {
  return { timezone, week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]), holidays: [] }
}

// ---- Time zone arithmetic ----

const formatters = new Map<string, Intl.DateTimeFormat>()

/** Throws RangeError for a zone Intl does not know. */
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timezone, f)
  }
  return f
}

/** UTC offset in ms (local wall clock minus UTC) at instant t. */
function offsetAt(timezone: string, t: number): number {
  // Offsets are whole seconds; dropping the milliseconds keeps wall - t exact.
  const whole = Math.floor(t / 1000) * 1000
  let year = 0
  let month = 0
  let day = 0
  let hour = 0
  let minute = 0
  let second = 0
  let bc = false
  for (const p of formatter(timezone).formatToParts(whole)) {
    switch (p.type) {
      case 'year':
        year = Number(p.value)
        break
      case 'month':
        month = Number(p.value)
        break
      case 'day':
        day = Number(p.value)
        break
      case 'hour':
        hour = Number(p.value) % 24 // some ICU versions print midnight as 24
        break
      case 'minute':
        minute = Number(p.value)
        break
      case 'second':
        second = Number(p.value)
        break
      case 'era':
        bc = p.value.startsWith('B')
        break
    }
  }
  const wall = new Date(0)
  wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day) // setUTCFullYear, unlike Date.UTC, keeps years 0–99
  wall.setUTCHours(hour, minute, second, 0)
  return wall.getTime() - whole
}

/** The instant showing local wall time `wall` (ms since 1970-01-01T00:00 of the local calendar). */
function wallToInstant(timezone: string, wall: number): number {
  // Offsets a day either side of the wall time bracket at most one transition.
  const before = offsetAt(timezone, wall - DAY)
  const after = offsetAt(timezone, wall + DAY)
  const early = wall - before
  const late = wall - after
  const earlyOk = offsetAt(timezone, early) === before
  const lateOk = offsetAt(timezone, late) === after
  if (earlyOk && lateOk) return Math.min(early, late) // ambiguous (fall-back): the earlier instant
  if (earlyOk) return early
  if (lateOk) return late
  // In a spring-forward gap the transition lies in (late, early]; find it to the second.
  if (offsetAt(timezone, early) !== after) return early // more than one transition within two days: best effort
  let lo = late / 1000
  let hi = early / 1000
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (offsetAt(timezone, mid * 1000) === after) hi = mid
    else lo = mid
  }
  return hi * 1000
}

// ---- Schedule validation and compilation ----

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Minutes since local midnight, or null when not 'HH:MM' ('24:00' only when allowed). */
function parseTime(value: unknown, allow24: boolean): number | null {
  if (typeof value !== 'string') return null
  if (value === '24:00') return allow24 ? 1440 : null
  const m = TIME.exec(value)
  return m ? Number(m[1]) * 60 + Number(m[2]) : null
}

/** Days since 1970-01-01 for a real Gregorian 'YYYY-MM-DD', else null. Arithmetic, not Date: schedules carry up to 1000. */
function parseDate(value: unknown): number | null {
  if (typeof value !== 'string') return null
  const m = DATE.exec(value)
  if (!m) return null
  let y = Number(m[1])
  const month = Number(m[2])
  const d = Number(m[3])
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const monthDays = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
  if (month < 1 || month > 12 || d < 1 || d > monthDays) return null
  // days_from_civil (H. Hinnant): years start in March so the leap day comes last.
  if (month <= 2) y -= 1
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + d - 1
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468
}

interface Clock {
  timezone: string
  /** Per weekday (0 = Sunday), flattened [start, end, start, end, …] in minutes since local midnight. */
  week: number[][]
  /** Working ms in a week without holidays or offset changes. */
  weekTotal: number
  /** Local day numbers (days since 1970-01-01). */
  holidays: Set<number>
  /** Offsets at UTC midnights, by day number; lives for one call. */
  midnightOffsets: Map<number, number>
}

/** Validates and compiles in one pass (every call compiles: schedules are plain data that callers may change). */
function analyse(s: BusinessSchedule): { problems: ScheduleProblem[]; clock: Clock } {
  const problems: ScheduleProblem[] = []
  const add = (path: string, message: string): void => {
    problems.push({ path, message })
  }
  const input = (s ?? {}) as Partial<Record<keyof BusinessSchedule, unknown>>
  const clock: Clock = { timezone: '', week: [], weekTotal: 0, holidays: new Set(), midnightOffsets: new Map() }

  if (typeof input.timezone !== 'string' || input.timezone === '') add('/timezone', 'must be an IANA timezone name')
  else {
    try {
      formatter(input.timezone)
      clock.timezone = input.timezone
    } catch {
      add('/timezone', `unknown timezone '${input.timezone}'`)
    }
  }

  if (!Array.isArray(input.week) || input.week.length !== 7) {
    const got = Array.isArray(input.week) ? `${input.week.length} entries` : 'no list'
    add('/week', `must list 7 days (Sunday to Saturday), got ${got}`)
  } else {
    input.week.forEach((day: unknown, d) => {
      const minutes: number[] = []
      clock.week.push(minutes)
      if (!Array.isArray(day)) return add(`/week/${d}`, 'must be a list of intervals ([] for a day off)')
      let previousEnd = 0
      day.forEach((interval: unknown, i) => {
        const path = `/week/${d}/${i}`
        if (!interval || typeof interval !== 'object') return add(path, "must be { start: 'HH:MM', end: 'HH:MM' }")
        const { start: rawStart, end: rawEnd } = interval as Record<string, unknown>
        const start = parseTime(rawStart, false)
        const end = parseTime(rawEnd, true)
        if (start === null) add(`${path}/start`, "must be 'HH:MM' from 00:00 to 23:59")
        if (end === null) add(`${path}/end`, "must be 'HH:MM' from 00:01 to 24:00")
        if (start === null || end === null) return
        if (end <= start) return add(`${path}/end`, `must be after start (${String(rawStart)})`)
        if (start < previousEnd)
          add(`${path}/start`, 'overlaps or comes before the previous interval (intervals must be sorted and not overlap)')
        previousEnd = Math.max(previousEnd, end)
        minutes.push(start, end)
        clock.weekTotal += (end - start) * MINUTE
      })
    })
  }

  if (!Array.isArray(input.holidays)) add('/holidays', "must be a list of 'YYYY-MM-DD' dates")
  else {
    if (input.holidays.length > MAX_HOLIDAYS) add('/holidays', `at most ${MAX_HOLIDAYS} holidays, got ${input.holidays.length}`)
    input.holidays.forEach((h: unknown, i) => {
      const day = parseDate(h)
      if (day === null) add(`/holidays/${i}`, "must be a real date 'YYYY-MM-DD'")
      else clock.holidays.add(day)
    })
  }
  return { problems, clock }
}

/** Problems with a schedule as [{ path, message }] (empty = valid). Tolerates any shape (schedules come from JSON). */
export function scheduleProblems(s: BusinessSchedule): ScheduleProblem[] {
  return analyse(s).problems
}

/** Throws RangeError listing the problems of an invalid schedule. */
function compile(s: BusinessSchedule): Clock {
  const { problems, clock } = analyse(s)
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ')
    throw new RangeError(`invalid business schedule: ${list}`)
  }
  return clock
}

function toMs(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN
  if (Number.isNaN(t)) throw new RangeError(`${name} must be a valid Date`)
  return t
}

function midnightOffset(c: Clock, day: number): number {
  let o = c.midnightOffsets.get(day)
  if (o === undefined) {
    o = offsetAt(c.timezone, day * DAY)
    c.midnightOffsets.set(day, o)
  }
  return o
}

/**
 * The offset when it is the same throughout local days first..last, else null. Those days' instants lie
 * between the UTC midnights first - 1 and last + 2 (offsets are within ±14 h); sampling every few days
 * assumes no zone changes offset twice within four days.
 */
function steadyOffset(c: Clock, first: number, last: number): number | null {
  const o = midnightOffset(c, first - 1)
  for (let k = first + 3; k < last + 2; k += 4) if (midnightOffset(c, k) !== o) return null
  return midnightOffset(c, last + 2) === o ? o : null
}

function localDay(c: Clock, t: number): number {
  return Math.floor((t + offsetAt(c.timezone, t)) / DAY)
}

function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
}

/** Working time of local day `day` as flattened [start, end, …] instants (ascending; some may be empty in a gap). */
function dayRanges(c: Clock, day: number): number[] {
  const minutes = c.week[weekday(day)]
  if (minutes.length === 0 || c.holidays.has(day)) return []
  const midnight = day * DAY
  const o = steadyOffset(c, day, day)
  return minutes.map((m) => (o === null ? wallToInstant(c.timezone, midnight + m * MINUTE) : midnight + m * MINUTE - o))
}

/** Whether the seven days from `day` can be counted as one plain week: no holiday, no offset change. */
function plainWeek(c: Clock, day: number): boolean {
  for (let d = day; d < day + 7; d++) if (c.holidays.has(d)) return false
  return steadyOffset(c, day, day + 6) !== null
}

// ---- Public arithmetic ----

/** True when `at` falls inside a working interval on a working (non-holiday) day. */
export function isOpen(s: BusinessSchedule, at: Date): boolean {
  const c = compile(s)
  const t = toMs(at, 'at')
  const ranges = dayRanges(c, localDay(c, t))
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i] <= t && t < ranges[i + 1]) return true
  return false
}

/**
 * The instant that is `minutes` business minutes after `from` (from inside or outside working time).
 * minutes = 0 → the next open instant at or after `from`. Fractions of a minute are kept to the millisecond.
 * Returns null when the schedule has no working time at all, or the answer is more than MAX_SEARCH_DAYS away.
 */
export function addBusinessMinutes(s: BusinessSchedule, from: Date, minutes: number): Date | null {
  const c = compile(s)
  const start = toMs(from, 'from')
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`)
  if (c.weekTotal === 0) return null
  let remaining = Math.round(minutes * MINUTE)
  const first = localDay(c, start)
  for (let day = first; day <= first + MAX_SEARCH_DAYS;) {
    // Strictly more than a week left: the answer is past this week, so skip it whole.
    if (day > first && remaining > c.weekTotal && plainWeek(c, day)) {
      remaining -= c.weekTotal
      day += 7
      continue
    }
    const ranges = dayRanges(c, day)
    for (let i = 0; i < ranges.length; i += 2) {
      const a = Math.max(ranges[i], start)
      const b = ranges[i + 1]
      if (b <= a) continue
      if (remaining <= b - a) return new Date(a + remaining)
      remaining -= b - a
    }
    day++
  }
  return null
}

/** Business minutes (may be fractional; callers round) between two instants; 0 when to <= from. */
export function businessMinutesBetween(s: BusinessSchedule, from: Date, to: Date): number {
  const c = compile(s)
  const start = toMs(from, 'from')
  const end = toMs(to, 'to')
  if (end <= start) return 0
  const first = localDay(c, start)
  const last = localDay(c, end)
  let total = 0
  for (let day = first; day <= last;) {
    // A week strictly between the end days lies wholly inside [from, to].
    if (day > first && day + 7 <= last && plainWeek(c, day)) {
      total += c.weekTotal
      day += 7
      continue
    }
    const ranges = dayRanges(c, day)
    for (let i = 0; i < ranges.length; i += 2) total += Math.max(0, Math.min(ranges[i + 1], end) - Math.max(ranges[i], start))
    day++
  }
  return total / MINUTE
}
