// The time-zone picker: readable names with the current offset, found by id, city or name in
// either language.
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { TimeZonePicker } from '../../src/ui/dates'
import { matchesTimeZone, timeZoneOption, timeZoneOptions } from '../../src/ui/dates/zones'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => setLocale('en'))

describe('time-zone options', () => {
  it('names a zone by its city and offset, in both languages', () => {
    const at = new Date('2025-01-15T00:00:00Z')
    expect(timeZoneOption('Asia/Tehran', 'en', at).label).toBe('Tehran (UTC+03:30)')
    expect(timeZoneOption('Asia/Tehran', 'fa', at).label).toBe('تهران (UTC+۰۳:۳۰)')
    expect(timeZoneOption('America/New_York', 'en', at).label).toBe('New York (UTC-05:00)')
    expect(timeZoneOption('Europe/Berlin', 'en', new Date('2025-07-01T00:00:00Z')).offset).toBe('UTC+02:00')
  })

  it('lists every zone plus UTC, sorted by offset', () => {
    const list = timeZoneOptions('en')
    expect(list.some((o) => o.id === 'UTC')).toBe(true)
    expect(list.length).toBeGreaterThan(300)
    const offsets = list.map((o) => o.offsetMinutes)
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b))
    expect(timeZoneOptions('en')).toBe(list)
  })

  it('matches by id, city, localized or country name and offset', () => {
    const tehran = timeZoneOption('Asia/Tehran', 'fa').search
    for (const query of ['teh', 'asia/tehran', 'تهران', 'ايران', '+03:30', '+۰۳:۳۰']) expect(matchesTimeZone(tehran, query)).toBe(true)
    expect(matchesTimeZone(tehran, 'berlin')).toBe(false)
    expect(matchesTimeZone(timeZoneOption('Europe/Berlin', 'en').search, 'germany')).toBe(true)
  })
})

describe('TimeZonePicker', () => {
  it('finds Tehran by typing "teh" and shows its offset', async () => {
    const user = userEvent.setup()
    const onChange = vi.fn()
    renderUi(<TimeZonePicker label="Time zone" value="UTC" onChange={onChange} />)
    const input = screen.getByRole<HTMLInputElement>('combobox', { name: 'Time zone' })
    expect(input.value).toBe('Coordinated Universal Time (UTC+00:00)')
    await user.clear(input)
    await user.type(input, 'teh')
    const option = await screen.findByRole('option', { name: 'Tehran (UTC+03:30)' })
    expect(screen.getAllByRole('option')).toHaveLength(1)
    await user.click(option)
    expect(onChange).toHaveBeenCalledWith('Asia/Tehran')
  })

  it('finds Tehran by its Persian name in Persian', async () => {
    setLocale('fa')
    const user = userEvent.setup()
    const onChange = vi.fn()
    renderUi(<TimeZonePicker label="منطقهٔ زمانی" value={null} onChange={onChange} />)
    const input = screen.getByRole('combobox', { name: 'منطقهٔ زمانی' })
    await user.type(input, 'تهران')
    const option = await screen.findByRole('option', { name: 'تهران (UTC+۰۳:۳۰)' })
    await user.keyboard('{ArrowDown}{Enter}')
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('Asia/Tehran'))
    expect(option).toBeTruthy()
  })

  it('says so when nothing matches', async () => {
    const user = userEvent.setup()
    renderUi(<TimeZonePicker label="Time zone" value={null} onChange={() => {}} />)
    await user.type(screen.getByRole('combobox', { name: 'Time zone' }), 'atlantis')
    expect(await screen.findByText('No time zone matches.')).toBeTruthy()
  })
})
