import { describe, expect, it } from 'vitest'
import {
  addBusinessMinutes,
  alwaysOpen,
  type BusinessSchedule,
  businessMinutesBetween,
  DEFAULT_SCHEDULE,
  isOpen,
  MAX_HOLIDAYS,
  scheduleProblems,
} from './business-hours'

// Expected answers are hand-computed local times. Tehran is UTC+03:30 all year (no DST since 2022);
// 2025-06-14 is a Saturday, so that week runs Sat 14, Sun 15, Mon 16, Tue 17, Wed 18, Thu 19, Fri 20.
const at = (iso: string) => new Date(iso)
const iso = (d: Date | null) => d?.toISOString() ?? null
const tehran = (local: string) => at(`${local}:00+03:30`)
const add = (s: BusinessSchedule, from: string, minutes: number) => iso(addBusinessMinutes(s, tehran(from), minutes))
const T = (local: string) => tehran(local).toISOString()

describe('DEFAULT_SCHEDULE in Asia/Tehran', () => {
  const s = DEFAULT_SCHEDULE

  it('is open inside working hours only, with half-open intervals', () => {
    expect(isOpen(s, tehran('2025-06-16T10:00'))).toBe(true) // Monday
    expect(isOpen(s, tehran('2025-06-16T09:00'))).toBe(true)
    expect(isOpen(s, tehran('2025-06-16T08:59'))).toBe(false)
    expect(isOpen(s, tehran('2025-06-16T16:59'))).toBe(true)
    expect(isOpen(s, tehran('2025-06-16T17:00'))).toBe(false)
    expect(isOpen(s, tehran('2025-06-19T12:30'))).toBe(true) // Thursday half day
    expect(isOpen(s, tehran('2025-06-19T13:30'))).toBe(false)
    expect(isOpen(s, tehran('2025-06-20T10:00'))).toBe(false) // Friday
    expect(isOpen(s, tehran('2025-06-14T10:00'))).toBe(true) // Saturday
    // 06:00 UTC is 09:30 in Tehran: the zone, not UTC, decides.
    expect(isOpen(s, at('2025-06-16T06:00:00Z'))).toBe(true)
    expect(isOpen(s, at('2025-06-16T05:29:00Z'))).toBe(false)
  })

  it('takes offsets from Intl, not a constant: Tehran kept DST (UTC+04:30) until 2022', () => {
    expect(isOpen(s, at('2021-06-14T04:30:00Z'))).toBe(true) // Monday 09:00 +04:30
    expect(isOpen(s, at('2021-06-14T04:29:00Z'))).toBe(false)
    expect(isOpen(s, at('2021-12-13T05:30:00Z'))).toBe(true) // Monday 09:00 +03:30 (winter)
    expect(isOpen(s, at('2021-12-13T05:29:00Z'))).toBe(false)
  })

  it('adds minutes inside working hours', () => {
    expect(add(s, '2025-06-16T10:00', 30)).toBe(T('2025-06-16T10:30'))
    expect(add(s, '2025-06-16T10:00', 0.5)).toBe(at('2025-06-16T10:00:30+03:30').toISOString())
  })

  it('counts from opening time when starting before it', () => {
    expect(add(s, '2025-06-16T07:00', 60)).toBe(T('2025-06-16T10:00'))
    expect(add(s, '2025-06-16T00:00', 480)).toBe(T('2025-06-16T17:00'))
  })

  it('rolls to the next working day when starting after closing or running past it', () => {
    expect(add(s, '2025-06-16T18:00', 60)).toBe(T('2025-06-17T10:00'))
    expect(add(s, '2025-06-16T16:30', 60)).toBe(T('2025-06-17T09:30'))
    // Ending exactly at closing time gives the closing time, not the next morning.
    expect(add(s, '2025-06-16T16:00', 60)).toBe(T('2025-06-16T17:00'))
  })

  it('skips Friday and counts Thursday as a half day', () => {
    // Thu 12:00–13:00 is 60, Friday is off, then 60 from Sat 09:00.
    expect(add(s, '2025-06-19T12:00', 120)).toBe(T('2025-06-21T10:00'))
    // Wed 16:00–17:00 = 60, Thu 09:00–13:00 = 240, then 180 more from Sat 09:00.
    expect(add(s, '2025-06-18T16:00', 480)).toBe(T('2025-06-21T12:00'))
    expect(add(s, '2025-06-20T11:00', 1)).toBe(T('2025-06-21T09:01'))
    expect(businessMinutesBetween(s, tehran('2025-06-19T12:00'), tehran('2025-06-21T10:00'))).toBe(120)
  })

  it('spans several days both ways', () => {
    // Mon 15–17 (2 h) + Tue 8 h + Wed 8 h + Thu 09–11 (2 h) = 20 h.
    expect(businessMinutesBetween(s, tehran('2025-06-16T15:00'), tehran('2025-06-19T11:00'))).toBe(1200)
    expect(add(s, '2025-06-16T15:00', 1200)).toBe(T('2025-06-19T11:00'))
    // A whole week: five 8-hour days and a 4-hour Thursday = 44 h.
    expect(businessMinutesBetween(s, tehran('2025-06-14T09:00'), tehran('2025-06-21T09:00'))).toBe(2640)
    expect(businessMinutesBetween(s, tehran('2025-06-13T00:00'), tehran('2025-06-22T00:00'))).toBe(2640 + 480)
    // Three weeks and a bit, so the walk also takes whole-week steps.
    expect(add(s, '2025-06-14T09:00', 3 * 2640 + 30)).toBe(T('2025-07-05T09:30'))
    expect(businessMinutesBetween(s, tehran('2025-06-14T09:00'), tehran('2025-07-05T09:30'))).toBe(3 * 2640 + 30)
    // Exactly two weeks of work from a Friday ends at closing time on the second Thursday.
    expect(add(s, '2025-06-20T10:00', 2 * 2640)).toBe(T('2025-07-03T13:00'))
  })

  it('returns the next open instant for minutes = 0', () => {
    expect(add(s, '2025-06-16T10:00', 0)).toBe(T('2025-06-16T10:00'))
    expect(add(s, '2025-06-16T07:15', 0)).toBe(T('2025-06-16T09:00'))
    expect(add(s, '2025-06-16T17:00', 0)).toBe(T('2025-06-17T09:00'))
    expect(add(s, '2025-06-19T13:00', 0)).toBe(T('2025-06-21T09:00'))
  })

  it('gives 0 for empty or reversed spans and for spans outside hours', () => {
    const x = tehran('2025-06-16T10:00')
    expect(businessMinutesBetween(s, x, x)).toBe(0)
    expect(businessMinutesBetween(s, x, tehran('2025-06-16T09:00'))).toBe(0)
    expect(businessMinutesBetween(s, tehran('2025-06-19T13:00'), tehran('2025-06-21T09:00'))).toBe(0)
    expect(businessMinutesBetween(s, tehran('2025-06-16T10:00'), at('2025-06-16T10:00:30+03:30'))).toBe(0.5)
  })

  it('is frozen so callers cannot change the default by accident', () => {
    expect(() => DEFAULT_SCHEDULE.holidays.push('2025-01-01')).toThrow(TypeError)
    expect(() => DEFAULT_SCHEDULE.week[5].push({ start: '09:00', end: '10:00' })).toThrow(TypeError)
  })
})

describe('holidays', () => {
  const s: BusinessSchedule = { ...DEFAULT_SCHEDULE, holidays: ['2025-06-21', '2025-06-17'] }

  it('skips holidays', () => {
    expect(isOpen(s, tehran('2025-06-21T10:00'))).toBe(false)
    // Thu 12–13 (60), Fri off, Sat holiday, then 60 from Sun 09:00.
    expect(add(s, '2025-06-19T12:00', 120)).toBe(T('2025-06-22T10:00'))
    // Mon 16–17 (60), Tue holiday, Wed 09:00 + 60.
    expect(add(s, '2025-06-16T16:00', 120)).toBe(T('2025-06-18T10:00'))
    expect(businessMinutesBetween(s, tehran('2025-06-14T09:00'), tehran('2025-06-21T09:00'))).toBe(2640 - 480)
  })

  it('compares holidays by the local date, not the UTC date', () => {
    const open = { ...alwaysOpen('Asia/Tehran'), holidays: ['2025-06-21'] }
    // 21:00 UTC on the 20th is 00:30 on the 21st in Tehran: a holiday.
    expect(isOpen(open, at('2025-06-20T21:00:00Z'))).toBe(false)
    expect(isOpen(open, at('2025-06-20T20:29:00Z'))).toBe(true)
    // 21:00 UTC on the 21st is already the 22nd in Tehran.
    expect(isOpen(open, at('2025-06-21T21:00:00Z'))).toBe(true)
    expect(isOpen(open, at('2025-06-21T20:29:00Z'))).toBe(false)
    expect(businessMinutesBetween(open, tehran('2025-06-20T00:00'), tehran('2025-06-23T00:00'))).toBe(2 * 1440)
  })
})

// mulberry32: small, seeded, good enough to spread test points.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('properties on random points', () => {
  const schedules: [string, BusinessSchedule][] = [
    ['default with holidays', { ...DEFAULT_SCHEDULE, holidays: ['2025-03-21', '2025-03-22', '2025-04-01', '2025-06-05', '2025-09-14'] }],
    [
      'Berlin split days, Sundays across the changes',
      {
        timezone: 'Europe/Berlin',
        week: [
          [
            { start: '01:00', end: '02:30' },
            { start: '02:45', end: '04:00' },
          ],
          [
            { start: '08:30', end: '12:00' },
            { start: '13:00', end: '17:30' },
          ],
          [{ start: '01:00', end: '04:00' }],
          [{ start: '00:00', end: '24:00' }],
          [{ start: '09:00', end: '17:00' }],
          [{ start: '22:00', end: '24:00' }],
          [{ start: '02:00', end: '03:30' }],
        ],
        holidays: ['2025-12-25', '2025-12-26'],
      },
    ],
    ['New York 24/7', alwaysOpen('America/New_York')],
    [
      'Berlin Sundays only',
      { timezone: 'Europe/Berlin', week: [[{ start: '00:00', end: '24:00' }], [], [], [], [], [], []], holidays: [] },
    ],
  ]

  it.each(schedules)('between(from, add(from, m)) === m (%s)', (_name, s) => {
    const random = prng(20250614)
    // 2025 with some spill into 2026, covering both Berlin and New York DST changes.
    const base = Date.parse('2025-01-01T00:00:00Z')
    for (let i = 0; i < 300; i++) {
      const from = new Date(base + Math.floor(random() * 400 * 1440) * 60_000 + Math.floor(random() * 60) * 1000)
      const m = random() < 0.1 ? 0 : Math.floor(random() * (random() < 0.5 ? 600 : 20_000))
      const due = addBusinessMinutes(s, from, m)
      expect(due).not.toBeNull()
      expect(due!.getTime()).toBeGreaterThanOrEqual(from.getTime())
      expect(businessMinutesBetween(s, from, due!)).toBe(m)
      if (m > 0)
        expect(isOpen(s, new Date(due!.getTime() - 1))).toBe(true) // the last minute counted was open
      else expect(isOpen(s, due!)).toBe(true)
    }
  })

  it('matches a minute-by-minute count in Tehran (fixed +03:30) on random spans', () => {
    const s: BusinessSchedule = { ...DEFAULT_SCHEDULE, holidays: ['2025-06-17', '2025-06-28'] }
    const holidays = new Set(s.holidays.map((h) => Date.parse(h) / 86_400_000))
    const openMinute = (t: number) => {
      const local = t / 60_000 + 210 // minutes since 1970-01-01T00:00 local (UTC+03:30)
      const day = Math.floor(local / 1440)
      if (holidays.has(day)) return false
      const minute = local - day * 1440
      const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`
      return s.week[(day + 4) % 7].some((i) => i.start <= hhmm && hhmm < i.end) // 1970-01-01 was a Thursday
    }
    const random = prng(7)
    const base = Date.parse('2025-06-10T00:00:00Z')
    for (let i = 0; i < 200; i++) {
      const from = base + Math.floor(random() * 20 * 1440) * 60_000
      const to = from + Math.floor(random() * 6 * 1440) * 60_000
      let count = 0
      for (let t = from; t < to; t += 60_000) if (openMinute(t)) count++
      expect(businessMinutesBetween(s, new Date(from), new Date(to))).toBe(count)
      expect(isOpen(s, new Date(from))).toBe(openMinute(from))
    }
  })
})

describe('daylight saving time', () => {
  // Berlin: 2025-03-30 02:00 CET → 03:00 CEST (01:00 UTC); 2025-10-26 03:00 CEST → 02:00 CET (01:00 UTC).
  const berlin = (week: BusinessSchedule['week']): BusinessSchedule => ({ timezone: 'Europe/Berlin', week, holidays: [] })
  const sundays = (start: string, end: string) => berlin([[{ start, end }], [], [], [], [], [], []])

  it('counts a whole spring-forward day as 23 hours and a fall-back day as 25 hours', () => {
    const s = alwaysOpen('Europe/Berlin')
    expect(businessMinutesBetween(s, at('2025-03-30T00:00:00+01:00'), at('2025-03-31T00:00:00+02:00'))).toBe(23 * 60)
    expect(businessMinutesBetween(s, at('2025-10-26T00:00:00+02:00'), at('2025-10-27T00:00:00+01:00'))).toBe(25 * 60)
    const sun = sundays('00:00', '24:00')
    expect(businessMinutesBetween(sun, at('2025-03-29T00:00:00Z'), at('2025-04-02T00:00:00Z'))).toBe(23 * 60)
    expect(businessMinutesBetween(sun, at('2025-10-25T00:00:00Z'), at('2025-10-29T00:00:00Z'))).toBe(25 * 60)
    expect(iso(addBusinessMinutes(sun, at('2025-03-30T00:00:00+01:00'), 23 * 60))).toBe('2025-03-30T22:00:00.000Z')
    expect(iso(addBusinessMinutes(sun, at('2025-03-30T00:00:00+01:00'), 23 * 60 + 1))).toBe(at('2025-04-06T00:01:00+02:00').toISOString())
    expect(iso(addBusinessMinutes(sun, at('2025-10-26T00:00:00+02:00'), 25 * 60))).toBe('2025-10-26T23:00:00.000Z')
  })

  it('keeps the lost hour when the walk takes whole-week steps over months', () => {
    // 21 Sundays from 5 January to 25 May 2025; 30 March is one hour short.
    const sun = sundays('00:00', '24:00')
    expect(businessMinutesBetween(sun, at('2025-01-01T00:00:00+01:00'), at('2025-06-01T00:00:00+02:00'))).toBe(21 * 1440 - 60)
    expect(iso(addBusinessMinutes(sun, at('2025-01-01T00:00:00+01:00'), 21 * 1440 - 60))).toBe(
      at('2025-05-26T00:00:00+02:00').toISOString(),
    )
    // January to June is 181 days, less the hour.
    const s = alwaysOpen('Europe/Berlin')
    expect(businessMinutesBetween(s, at('2025-01-01T00:00:00+01:00'), at('2025-07-01T00:00:00+02:00'))).toBe(181 * 1440 - 60)
    expect(iso(addBusinessMinutes(s, at('2025-01-01T00:00:00+01:00'), 181 * 1440 - 60))).toBe(at('2025-07-01T00:00:00+02:00').toISOString())
  })

  it('counts hours that cross the transition by the clock actually elapsed', () => {
    // 01:00 CET (00:00Z) to 04:00 CEST (02:00Z) is 2 hours; 01:00 CEST (23:00Z) to 04:00 CET (03:00Z) is 4.
    const s = sundays('01:00', '04:00')
    expect(businessMinutesBetween(s, at('2025-03-29T00:00:00Z'), at('2025-03-31T00:00:00Z'))).toBe(120)
    expect(businessMinutesBetween(s, at('2025-10-25T00:00:00Z'), at('2025-10-27T00:00:00Z'))).toBe(240)
    expect(iso(addBusinessMinutes(s, at('2025-03-29T12:00:00Z'), 61))).toBe('2025-03-30T01:01:00.000Z') // 03:01 CEST
    expect(iso(addBusinessMinutes(s, at('2025-10-25T12:00:00Z'), 121))).toBe('2025-10-26T01:01:00.000Z') // 02:01 CET
    expect(isOpen(s, at('2025-03-30T00:59:00Z'))).toBe(true) // 01:59 CET
    expect(isOpen(s, at('2025-03-30T01:00:00Z'))).toBe(true) // 03:00 CEST
    expect(isOpen(s, at('2025-03-30T02:00:00Z'))).toBe(false) // 04:00 CEST
  })

  it('maps a start in the spring-forward gap to the end of the gap', () => {
    // 02:30 does not exist on 30 March: work starts at 03:00 CEST (01:00Z) and runs to 03:30 CEST (01:30Z).
    const s = sundays('02:30', '03:30')
    expect(businessMinutesBetween(s, at('2025-03-29T00:00:00Z'), at('2025-03-31T00:00:00Z'))).toBe(30)
    expect(iso(addBusinessMinutes(s, at('2025-03-29T12:00:00Z'), 0))).toBe('2025-03-30T01:00:00.000Z')
    // An interval wholly inside the gap has no working time that day.
    const gap = sundays('02:00', '02:30')
    expect(businessMinutesBetween(gap, at('2025-03-29T00:00:00Z'), at('2025-03-31T00:00:00Z'))).toBe(0)
    expect(iso(addBusinessMinutes(gap, at('2025-03-29T12:00:00Z'), 0))).toBe(at('2025-04-06T02:00:00+02:00').toISOString())
  })

  it('maps an ambiguous fall-back start to the earlier instant', () => {
    // 02:30 happens twice on 26 October: work starts at the first (02:30 CEST = 00:30Z) and ends at 03:30 CET (02:30Z).
    const s = sundays('02:30', '03:30')
    expect(businessMinutesBetween(s, at('2025-10-25T00:00:00Z'), at('2025-10-27T00:00:00Z'))).toBe(120)
    expect(iso(addBusinessMinutes(s, at('2025-10-25T12:00:00Z'), 0))).toBe('2025-10-26T00:30:00.000Z')
  })

  it('keeps local opening hours across a change (New York, 2025-03-09)', () => {
    const weekdays = Array.from({ length: 7 }, (_, d) => (d === 0 || d === 6 ? [] : [{ start: '09:00', end: '17:00' }]))
    const s: BusinessSchedule = { timezone: 'America/New_York', week: weekdays, holidays: [] }
    // Friday 12:00 EST to Monday 12:00 EDT: 5 h + 3 h.
    expect(businessMinutesBetween(s, at('2025-03-07T12:00:00-05:00'), at('2025-03-10T12:00:00-04:00'))).toBe(480)
    // Friday 16:00 EST + 2 h → Monday 10:00 EDT (14:00Z, not 15:00Z).
    expect(iso(addBusinessMinutes(s, at('2025-03-07T16:00:00-05:00'), 120))).toBe('2025-03-10T14:00:00.000Z')
    expect(isOpen(s, at('2025-03-10T13:00:00Z'))).toBe(true) // 09:00 EDT
    expect(isOpen(s, at('2025-03-07T13:59:00Z'))).toBe(false) // 08:59 EST
  })
})

describe('edge schedules', () => {
  const closed: BusinessSchedule = { timezone: 'Asia/Tehran', week: [[], [], [], [], [], [], []], holidays: [] }

  it('returns null when there is no working time at all', () => {
    expect(addBusinessMinutes(closed, tehran('2025-06-16T10:00'), 60)).toBeNull()
    expect(addBusinessMinutes(closed, tehran('2025-06-16T10:00'), 0)).toBeNull()
    expect(businessMinutesBetween(closed, tehran('2025-06-16T10:00'), tehran('2026-06-16T10:00'))).toBe(0)
    expect(isOpen(closed, tehran('2025-06-16T10:00'))).toBe(false)
  })

  it('alwaysOpen counts every minute, in Tehran unless told otherwise', () => {
    const s = alwaysOpen()
    expect(s.timezone).toBe('Asia/Tehran')
    expect(scheduleProblems(s)).toEqual([])
    expect(isOpen(s, tehran('2025-06-20T03:00'))).toBe(true)
    expect(add(s, '2025-06-19T23:30', 90)).toBe(T('2025-06-20T01:00'))
    expect(add(s, '2025-06-20T03:17', 0)).toBe(T('2025-06-20T03:17'))
    expect(businessMinutesBetween(s, tehran('2025-06-10T00:00'), tehran('2025-06-20T00:00'))).toBe(10 * 1440)
  })

  it('finishes quickly on very large values', () => {
    const tenYears = 10 * 365 * 1440
    const from = tehran('2025-06-14T09:00')
    // 44 business hours a week: ten calendar years of minutes is ~38 years away, past the 20-year search limit.
    expect(addBusinessMinutes(DEFAULT_SCHEDULE, from, tenYears)).toBeNull()
    expect(addBusinessMinutes(DEFAULT_SCHEDULE, from, Number.MAX_SAFE_INTEGER)).toBeNull()
    // 24/7 in Tehran (no DST): exactly 3650 days later.
    expect(iso(addBusinessMinutes(alwaysOpen(), from, tenYears))).toBe(T('2035-06-12T09:00'))
    // 1043 whole weeks (Tehran has no DST, so whole weeks are exact in UTC too).
    const weeks = 1043
    const to = new Date(from.getTime() + weeks * 7 * 86_400_000)
    expect(businessMinutesBetween(DEFAULT_SCHEDULE, from, to)).toBe(weeks * 2640)
    // 1043 weeks after Saturday 2025-06-14 is Saturday 2045-06-10; that many weeks of work end on the Thursday before, at 13:00.
    expect(iso(addBusinessMinutes(DEFAULT_SCHEDULE, from, weeks * 2640))).toBe(T('2045-06-08T13:00'))
    // A holiday in every week defeats the whole-week shortcut; the day walk must still be quick.
    const busy: BusinessSchedule = {
      ...DEFAULT_SCHEDULE,
      holidays: Array.from({ length: MAX_HOLIDAYS }, (_, i) => new Date(Date.UTC(2025, 5, 15 + 7 * i)).toISOString().slice(0, 10)),
    }
    expect(businessMinutesBetween(busy, from, to)).toBe(weeks * 2640 - MAX_HOLIDAYS * 480)
    expect(businessMinutesBetween(alwaysOpen('Europe/Berlin'), at('2000-01-01T00:00:00Z'), at('2040-01-01T00:00:00Z'))).toBe(
      (Date.parse('2040-01-01T00:00:00Z') - Date.parse('2000-01-01T00:00:00Z')) / 60_000,
    )
  })

  it('rejects bad arguments', () => {
    expect(() => addBusinessMinutes(DEFAULT_SCHEDULE, tehran('2025-06-16T10:00'), -1)).toThrow(RangeError)
    expect(() => addBusinessMinutes(DEFAULT_SCHEDULE, tehran('2025-06-16T10:00'), Number.NaN)).toThrow(RangeError)
    expect(() => isOpen(DEFAULT_SCHEDULE, new Date(Number.NaN))).toThrow(RangeError)
    expect(() => isOpen({ ...DEFAULT_SCHEDULE, timezone: 'Mars/Olympus' }, new Date())).toThrow(/unknown timezone/)
  })
})

describe('scheduleProblems', () => {
  const week = () => DEFAULT_SCHEDULE.week.map((day) => day.map((i) => ({ ...i })))
  const paths = (s: BusinessSchedule) => scheduleProblems(s).map((p) => p.path)

  it('accepts the defaults, touching intervals and any IANA zone', () => {
    expect(scheduleProblems(DEFAULT_SCHEDULE)).toEqual([])
    const w = week()
    w[1] = [
      { start: '09:00', end: '12:00' },
      { start: '12:00', end: '24:00' },
    ]
    expect(scheduleProblems({ timezone: 'America/New_York', week: w, holidays: ['2025-12-25', '2024-02-29'] })).toEqual([])
  })

  it('reports an unknown timezone', () => {
    expect(paths({ ...DEFAULT_SCHEDULE, timezone: 'Asia/Atlantis' })).toEqual(['/timezone'])
    expect(paths({ ...DEFAULT_SCHEDULE, timezone: '' })).toEqual(['/timezone'])
  })

  it("reports times that are not 'HH:MM'", () => {
    for (const bad of ['9:00', '25:00', '12:60', '0900', '24:00', '']) {
      const w = week()
      w[1][0].start = bad
      expect(paths({ ...DEFAULT_SCHEDULE, week: w })).toEqual(['/week/1/0/start'])
    }
    const w = week()
    w[4][0].end = '24:01'
    expect(paths({ ...DEFAULT_SCHEDULE, week: w })).toEqual(['/week/4/0/end'])
  })

  it('reports an end at or before the start', () => {
    const w = week()
    w[2][0] = { start: '17:00', end: '09:00' }
    expect(scheduleProblems({ ...DEFAULT_SCHEDULE, week: w })).toEqual([
      { path: '/week/2/0/end', message: expect.stringMatching(/after start/) },
    ])
    w[2][0] = { start: '09:00', end: '09:00' }
    expect(paths({ ...DEFAULT_SCHEDULE, week: w })).toEqual(['/week/2/0/end'])
  })

  it('reports overlapping and unsorted intervals', () => {
    const w = week()
    w[3] = [
      { start: '09:00', end: '12:00' },
      { start: '11:00', end: '14:00' },
    ]
    expect(paths({ ...DEFAULT_SCHEDULE, week: w })).toEqual(['/week/3/1/start'])
    w[3] = [
      { start: '13:00', end: '17:00' },
      { start: '09:00', end: '12:00' },
    ]
    expect(paths({ ...DEFAULT_SCHEDULE, week: w })).toEqual(['/week/3/1/start'])
  })

  it('reports a week that is not seven days', () => {
    expect(paths({ ...DEFAULT_SCHEDULE, week: week().slice(0, 6) })).toEqual(['/week'])
    expect(paths({ ...DEFAULT_SCHEDULE, week: [...week(), []] })).toEqual(['/week'])
  })

  it('reports bad holiday dates', () => {
    expect(paths({ ...DEFAULT_SCHEDULE, holidays: ['2025-06-21', '2025-02-30', '2025-6-1', '2025-13-01', '21/06/2025'] })).toEqual([
      '/holidays/1',
      '/holidays/2',
      '/holidays/3',
      '/holidays/4',
    ])
  })

  it('reports more than 1000 holidays', () => {
    const many = Array.from({ length: MAX_HOLIDAYS + 1 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10))
    expect(paths({ ...DEFAULT_SCHEDULE, holidays: many })).toEqual(['/holidays'])
    expect(paths({ ...DEFAULT_SCHEDULE, holidays: many.slice(1) })).toEqual([])
  })

  it('tolerates malformed JSON shapes', () => {
    const junk = { timezone: 42, week: [null, [null], [], [], [], [], []], holidays: 'none' } as unknown as BusinessSchedule
    expect(paths(junk)).toEqual(['/timezone', '/week/0', '/week/1/0', '/holidays'])
  })
})
