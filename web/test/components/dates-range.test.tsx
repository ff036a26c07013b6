// Days in the viewer's time zone ↔ the instants the API filters by (ui/dates/range.ts).
import { CalendarDate, GregorianCalendar, PersianCalendar, toCalendar } from '@internationalized/date'
import { describe, expect, it } from 'vitest'
import { daysToInstants, endOfDayIso, instantsToDays, startOfDayIso } from '../../src/ui/dates/range'

const persian = (y: number, m: number, d: number) => new CalendarDate(new PersianCalendar(), y, m, d)
const gregorian = (y: number, m: number, d: number) => new CalendarDate(y, m, d)

describe('day ↔ instant', () => {
  it('starts a Persian day at Tehran midnight (1403/01/01 = 2024-03-20)', () => {
    expect(startOfDayIso(persian(1403, 1, 1), 'Asia/Tehran')).toBe('2024-03-19T20:30:00.000Z')
    expect(endOfDayIso(persian(1403, 1, 1), 'Asia/Tehran')).toBe('2024-03-20T20:29:59.999Z')
  })

  it('gives the same instants for the same day picked in the Gregorian calendar', () => {
    expect(startOfDayIso(gregorian(2024, 3, 20), 'Asia/Tehran')).toBe('2024-03-19T20:30:00.000Z')
  })

  it('uses UTC midnight for a UTC viewer', () => {
    expect(daysToInstants({ start: gregorian(2025, 1, 1), end: gregorian(2025, 1, 31) }, 'UTC')).toEqual({
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-01-31T23:59:59.999Z',
    })
  })

  it('follows a DST change: Berlin’s 2024-03-31 is 23 hours long, 2024-10-27 is 25', () => {
    expect(daysToInstants({ start: gregorian(2024, 3, 31), end: gregorian(2024, 3, 31) }, 'Europe/Berlin')).toEqual({
      from: '2024-03-30T23:00:00.000Z',
      to: '2024-03-31T21:59:59.999Z',
    })
    expect(daysToInstants({ start: gregorian(2024, 10, 27), end: gregorian(2024, 10, 27) }, 'Europe/Berlin')).toEqual({
      from: '2024-10-26T22:00:00.000Z',
      to: '2024-10-27T22:59:59.999Z',
    })
  })

  it('clears both ends when nothing is picked', () => {
    expect(daysToInstants(null, 'Asia/Tehran')).toEqual({})
  })
})

describe('instantsToDays', () => {
  it('round-trips a Tehran range back to its days', () => {
    const range = instantsToDays({ from: '2024-03-19T20:30:00.000Z', to: '2024-03-25T20:29:59.999Z' }, 'Asia/Tehran')
    expect(range?.start.toString()).toBe('2024-03-20')
    expect(range?.end.toString()).toBe('2024-03-25')
    const { year, month, day } = toCalendar(range!.start, new PersianCalendar())
    expect([year, month, day]).toEqual([1403, 1, 1])
  })

  it('reads the same instants as other days in another zone', () => {
    const range = instantsToDays({ from: '2024-03-19T20:30:00.000Z', to: '2024-03-20T20:29:59.999Z' }, 'UTC')
    expect([range?.start.toString(), range?.end.toString()]).toEqual(['2024-03-19', '2024-03-20'])
  })

  it('is null for an open, reversed or malformed range', () => {
    expect(instantsToDays({ from: '2024-03-19T20:30:00.000Z' }, 'UTC')).toBeNull()
    expect(instantsToDays({ from: '2024-03-25T00:00:00.000Z', to: '2024-03-20T00:00:00.000Z' }, 'UTC')).toBeNull()
    expect(instantsToDays({ from: 'yesterday', to: '2024-03-20T00:00:00.000Z' }, 'UTC')).toBeNull()
  })

  it('keeps Gregorian days Gregorian', () => {
    const range = instantsToDays({ from: '2025-01-01T00:00:00.000Z', to: '2025-01-01T23:59:59.999Z' }, 'UTC')
    expect(range?.start.calendar.identifier).toBe(new GregorianCalendar().identifier)
  })
})
