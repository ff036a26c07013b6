// Date pickers: Solar Hijri with Persian digits in fa, Gregorian in en; a range picked in the
// calendar becomes instants in the viewer's time zone (Tehran for fa).
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { DatePicker, DateRangeFilter, TimeInput, type IsoRange } from '../../src/ui/dates'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => setLocale('en'))

function segments(group: HTMLElement): string[] {
  return within(group)
    .getAllByRole('spinbutton')
    .map((s) => s.textContent ?? '')
}

/** Presses a day of the shown month by its (localized) number. */
async function pressDay(user: ReturnType<typeof userEvent.setup>, day: string) {
  const cells = [...document.querySelectorAll<HTMLElement>('.date-cell:not([data-outside-month])')]
  const cell = cells.find((c) => c.textContent === day)
  if (!cell) throw new Error(`no day ${day} in ${cells.map((c) => c.textContent).join(' ')}`)
  await user.click(cell)
}

describe('DatePicker', () => {
  it('shows a Gregorian month in English', async () => {
    const user = userEvent.setup()
    renderUi(<DatePicker label="Due date" value="2024-03-20" />)
    const group = screen.getByRole('group', { name: 'Due date' })
    expect(segments(group)).toEqual(['20', '03', '2024'])
    await user.click(screen.getByRole('button', { name: /Choose from the calendar/ }))
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByRole('heading').textContent).toBe('March 2024')
  })

  it('shows the Solar Hijri month with Persian digits in Persian', async () => {
    setLocale('fa')
    const user = userEvent.setup()
    renderUi(<DatePicker label="سررسید" value="2024-03-20" />)
    const group = screen.getByRole('group', { name: 'سررسید' })
    // 2024-03-20 is 1 Farvardin 1403.
    expect(segments(group).join(' ')).toMatch(/۱۴۰۳/)
    expect(segments(group).join(' ')).not.toMatch(/2024|20/)
    await user.click(screen.getByRole('button', { name: /انتخاب از تقویم/ }))
    const dialog = await screen.findByRole('dialog')
    const heading = within(dialog).getByRole('heading').textContent ?? ''
    expect(heading).toContain('فروردین')
    expect(heading).toContain('۱۴۰۳')
    expect(within(dialog).getByRole('button', { name: 'ماه بعد' })).toBeTruthy()
  })

  it('gives a Gregorian YYYY-MM-DD when a Persian day is picked', async () => {
    setLocale('fa')
    const user = userEvent.setup()
    const onChange = vi.fn()
    renderUi(<DatePicker label="سررسید" defaultValue="2024-03-20" onChange={onChange} />)
    await user.click(screen.getByRole('button', { name: /انتخاب از تقویم/ }))
    await screen.findByRole('dialog')
    await pressDay(user, '۱۳')
    // 13 Farvardin 1403 = 1 April 2024.
    expect(onChange).toHaveBeenLastCalledWith('2024-04-01')
  })
})

describe('DateRangeFilter', () => {
  function Harness({ initial, onChange }: { initial: IsoRange; onChange: (v: IsoRange) => void }) {
    const [value, setValue] = useState(initial)
    return (
      <DateRangeFilter
        label="Created"
        value={value}
        onChange={(next) => {
          setValue(next)
          onChange(next)
        }}
      />
    )
  }

  it('turns a range picked in Persian into Tehran-day instants, and clears', async () => {
    setLocale('fa')
    const user = userEvent.setup()
    const onChange = vi.fn()
    // Opens on Farvardin 1403: 1403/01/05 (2024-03-24) in Tehran.
    renderUi(<Harness initial={{ from: '2024-03-23T20:30:00.000Z', to: '2024-03-24T20:29:59.999Z' }} onChange={onChange} />)
    expect(screen.getByText('۱ روز')).toBeTruthy()
    await user.click(screen.getByRole('button', { name: /انتخاب از تقویم/ }))
    await screen.findByRole('dialog')
    await pressDay(user, '۱')
    await pressDay(user, '۳')
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith({ from: '2024-03-19T20:30:00.000Z', to: '2024-03-22T20:29:59.999Z' }))
    expect(screen.getByText('۳ روز')).toBeTruthy()

    await user.click(screen.getByRole('button', { name: 'پاک کردن تاریخ‌ها' }))
    expect(onChange).toHaveBeenLastCalledWith({})
    expect(screen.queryByRole('button', { name: 'پاک کردن تاریخ‌ها' })).toBeNull()
    // Focus stays in the filter, on its first date part.
    expect(document.activeElement?.getAttribute('role')).toBe('spinbutton')
  })

  it('shows no range and no Clear when the filter is empty', () => {
    renderUi(<Harness initial={{}} onChange={() => {}} />)
    expect(screen.queryByRole('button', { name: 'Clear dates' })).toBeNull()
    const starts = screen.getAllByRole('spinbutton').map((s) => s.getAttribute('aria-valuetext'))
    expect(starts.every((text) => text === 'Empty' || text === null || text === '')).toBe(true)
  })
})

describe('TimeInput', () => {
  it('shows Persian digits in Persian and gives HH:mm', async () => {
    setLocale('fa')
    const user = userEvent.setup()
    const onChange = vi.fn()
    renderUi(<TimeInput label="ساعت شروع" defaultValue="09:30" onChange={onChange} />)
    const group = screen.getByRole('group', { name: 'ساعت شروع' })
    expect(segments(group)).toEqual(['۰۹', '۳۰'])
    await user.click(within(group).getAllByRole('spinbutton')[0])
    await user.keyboard('{ArrowUp}')
    expect(onChange).toHaveBeenLastCalledWith('10:30')
  })
})
