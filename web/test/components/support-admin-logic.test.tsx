// The support console's pure helpers: business hours as the editor holds them (midnight as an
// end, week order per language, the next interval), hours:minutes both ways, the dashboard's
// chart scales and its ranges, macro tags.
import { describe, expect, it } from 'vitest'
import { formatHoursMinutes, latinDigits, minutesToInput, parseHoursMinutes, splitMinutes } from '../../src/features/support/admin/duration'
import { formatDay, formatPercent } from '../../src/features/support/admin/format'
import {
  defaultSchedule,
  firstDayOfWeek,
  minutesOfDay,
  nextInterval,
  openDays,
  timeOfDay,
  toApiSchedule,
  toFormSchedule,
  weekdayName,
  weeklyMinutes,
  weekOrder,
} from '../../src/features/support/admin/schedule'
import { dayCount, dayRangeInstants, lastDays } from '../../src/features/shell/charts/range'
import { linePath } from '../../src/features/shell/charts/Chart'
import { bandCentres, labelEvery, niceStep, niceTicks, scaleLinear } from '../../src/features/shell/charts/scale'
import { tagsOf } from '../../src/features/support/admin/Macros'

describe('business hours in the editor', () => {
  it("keeps midnight as an end of 00:00 in the form and '24:00' for the API, holidays sorted once each", () => {
    const api = {
      timezone: 'Asia/Tehran',
      week: [[{ start: '00:00', end: '24:00' }], [], [], [], [], [{ start: '09:00', end: '13:00' }], []],
      holidays: ['2030-03-21', '2030-01-01'],
    }
    const form = toFormSchedule(api)
    expect(form.week[0]).toEqual([{ start: '00:00', end: '00:00' }])
    expect(form.week[5]).toEqual([{ start: '09:00', end: '13:00' }])
    const back = toApiSchedule({ ...form, holidays: ['2030-03-21', '', '2030-01-01', '2030-03-21'] })
    expect(back.week).toEqual(api.week)
    expect(back.holidays).toEqual(['2030-01-01', '2030-03-21'])
    // The form's copy is its own: editing it leaves the server's answer alone.
    form.week[0][0].start = '08:00'
    expect(api.week[0][0].start).toBe('00:00')
  })

  it("starts a new team on Iran's week: Saturday to Wednesday 9 to 5, Thursday to 1, Friday off", () => {
    const week = defaultSchedule().week
    expect(week[5]).toEqual([])
    expect(week[4]).toEqual([{ start: '09:00', end: '13:00' }])
    expect(openDays(week)).toBe(6)
    expect(weeklyMinutes(week)).toBe(5 * 8 * 60 + 4 * 60)
    expect(defaultSchedule('Europe/Berlin').timezone).toBe('Europe/Berlin')
  })

  it('adds an interval an hour after the last one, never past midnight', () => {
    expect(nextInterval([])).toEqual({ start: '09:00', end: '17:00' })
    expect(nextInterval([{ start: '09:00', end: '13:00' }])).toEqual({ start: '14:00', end: '17:00' })
    expect(nextInterval([{ start: '09:00', end: '22:30' }])).toEqual({ start: '23:00', end: '00:00' })
    expect(nextInterval([{ start: '09:00', end: '00:00' }])).toEqual({ start: '23:00', end: '00:00' })
    expect(nextInterval([{ start: '09:00', end: '' }])).toEqual({ start: '09:00', end: '12:00' })
  })

  it('reads and writes times of day', () => {
    expect(minutesOfDay('09:30')).toBe(570)
    expect(minutesOfDay('24:00')).toBe(1440)
    expect(minutesOfDay('9:30')).toBeNaN()
    expect(timeOfDay(570)).toBe('09:30')
    expect(timeOfDay(2000)).toBe('24:00')
    expect(timeOfDay(-5)).toBe('00:00')
    expect(weeklyMinutes([[{ start: '22:00', end: '24:00' }], [{ start: '10:00', end: '09:00' }]])).toBe(120)
  })

  it('orders the week from Saturday in Persian and by region in English', () => {
    expect(firstDayOfWeek('fa')).toBe(6)
    expect(firstDayOfWeek('en', 'en-GB')).toBe(1)
    expect(firstDayOfWeek('en', 'en-US')).toBe(0)
    // A page in English on a Persian browser: the British week.
    expect(firstDayOfWeek('en', 'fa-IR')).toBe(1)
    expect(weekOrder(6)).toEqual([6, 0, 1, 2, 3, 4, 5])
    expect(weekOrder(1)).toEqual([1, 2, 3, 4, 5, 6, 0])
    expect(weekdayName(6, 'fa-IR')).toBe('شنبه')
    expect(weekdayName(1, 'en-GB')).toBe('Monday')
    expect(weekdayName(0, 'en-GB', 'short')).toBe('Sun')
  })
})

describe('hours:minutes', () => {
  it('shows minutes as h:mm in either digits, rounded to the minute', () => {
    expect(formatHoursMinutes(510, 'en')).toBe('8:30')
    expect(formatHoursMinutes(2400, 'en')).toBe('40:00')
    expect(formatHoursMinutes(44.6, 'en')).toBe('0:45')
    expect(formatHoursMinutes(765, 'fa')).toBe('۱۲:۴۵')
    expect(splitMinutes(-3)).toEqual({ hours: 0, minutes: 0 })
    expect(minutesToInput(null, 'fa')).toBe('')
    expect(minutesToInput(30, 'fa')).toBe('۰:۳۰')
  })

  it('reads what an admin types: hours, h:mm, Persian or Arabic digits; empty is no target', () => {
    expect(parseHoursMinutes('8')).toBe(480)
    expect(parseHoursMinutes(' 8:30 ')).toBe(510)
    expect(parseHoursMinutes('۱۲:۴۵')).toBe(765)
    expect(parseHoursMinutes('١:٠٥')).toBe(65)
    expect(parseHoursMinutes('0:5')).toBe(5)
    expect(parseHoursMinutes('')).toBeNull()
    expect(parseHoursMinutes('  ')).toBeNull()
    expect(parseHoursMinutes('8:60')).toBeUndefined()
    expect(parseHoursMinutes('-1')).toBeUndefined()
    expect(parseHoursMinutes('half an hour')).toBeUndefined()
    expect(latinDigits('۰۱۲٣')).toBe('0123')
  })
})

describe('chart scales', () => {
  it('picks round steps and ticks from zero past the largest value', () => {
    expect(niceStep(0.7)).toBe(1)
    expect(niceStep(1.3)).toBe(2)
    expect(niceStep(3)).toBe(5)
    expect(niceStep(7)).toBe(10)
    expect(niceStep(0.03)).toBeCloseTo(0.05)
    expect(niceStep(0.3, true)).toBe(1)
    expect(niceStep(0)).toBe(1)
    expect(niceStep(Number.NaN)).toBe(1)
    expect(niceTicks(3, 4, true)).toEqual([0, 1, 2, 3])
    expect(niceTicks(17)).toEqual([0, 5, 10, 15, 20])
    expect(niceTicks(0)).toEqual([0, 1])
    expect(niceTicks(0.25)).toEqual([0, 0.1, 0.2, 0.3])
    expect(niceTicks(-4)).toEqual([0, 1])
  })

  it('maps values onto pixels either way (right to left in Persian)', () => {
    const ltr = scaleLinear(0, 10, 40, 240)
    expect(ltr(5)).toBe(140)
    const rtl = scaleLinear(0, 10, 240, 40)
    expect(rtl(0)).toBe(240)
    expect(rtl(10)).toBe(40)
    expect(scaleLinear(3, 3, 7, 9)(100)).toBe(7)
    expect(bandCentres(4, 0, 400)).toEqual([50, 150, 250, 350])
    expect(bandCentres(2, 400, 0)).toEqual([300, 100])
    expect(bandCentres(0, 0, 100)).toEqual([])
  })

  it('prints every k-th axis label when they do not fit, and breaks a line where a value is missing', () => {
    expect(labelEvery(30, 10)).toBe(3)
    expect(labelEvery(7, 10)).toBe(1)
    expect(labelEvery(30, 1)).toBe(1)
    expect(linePath([0, 10, 20, 30], [5, 6, null, 8])).toBe('M0,5L10,6M30,8')
    expect(linePath([0.04], [1.26])).toBe('M0,1.3')
  })
})

describe('the dashboard', () => {
  it('asks for whole days in the viewer’s zone, the last 30 by default', () => {
    const now = new Date('2025-03-20T22:00:00Z') // already 21 March in Tehran (UTC+3:30)
    expect(lastDays('Asia/Tehran', now)).toEqual({ start: '2025-02-20', end: '2025-03-21' })
    expect(lastDays('UTC', now)).toEqual({ start: '2025-02-19', end: '2025-03-20' })
    expect(dayCount({ start: '2025-02-20', end: '2025-03-21' })).toBe(30)
    expect(dayCount({ start: '2025-03-21', end: '2025-03-20' })).toBe(0)
    expect(dayCount({ start: 'nope', end: '2025-03-20' })).toBe(0)
    expect(dayRangeInstants({ start: '2025-03-21', end: '2025-03-21' }, 'Asia/Tehran')).toEqual({
      from: '2025-03-20T20:30:00.000Z',
      to: '2025-03-21T20:30:00.000Z',
    })
  })

  it('names days in the page’s calendar whatever the viewer’s zone, and rates as percents', () => {
    expect(formatDay('2025-03-21', 'fa')).toBe('۱ فروردین ۱۴۰۴')
    expect(formatDay('2025-03-21', 'en')).toBe('21 Mar 2025')
    expect(formatDay('2025-03-21', 'en', 'short')).toBe('21 Mar')
    expect(formatDay('2025-03-21', 'en', 'weekday')).toBe('Fri 21 Mar')
    expect(formatDay('someday', 'en')).toBe('someday')
    expect(formatPercent(0.125, 'en')).toBe('12.5%')
    expect(formatPercent(0.5, 'fa')).toBe('۵۰٪')
  })
})

describe('macro tags', () => {
  it('splits on commas (Persian too) and spaces, lower-cases, keeps each once', () => {
    expect(tagsOf('Billing, vip  urgent،vip')).toEqual(['billing', 'vip', 'urgent'])
    expect(tagsOf(' ')).toEqual([])
  })
})
