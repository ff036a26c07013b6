// DataTable: sortable headers kept in the URL, and cards instead of a table in a narrow frame.
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { person, renderPeople } from './table-harness'
import { setLocale } from './ui-render'

beforeEach(() => setLocale('en'))
afterEach(() => vi.restoreAllMocks())

const three = async () => ({ items: [person('1', 'Mina', 'Tabriz'), person('2', 'Ali'), person('3', 'Sara', 'Yazd')], nextCursor: null })
const names = () => screen.getAllByRole('rowheader').map((cell) => cell.textContent)
const sortParam = () => new URLSearchParams(window.location.search).get('sort')

describe('DataTable sort', () => {
  it('a header button sorts, says so with aria-sort, and keeps it in the URL', async () => {
    const user = userEvent.setup()
    const { fetch } = renderPeople(three)
    await waitFor(() => expect(names()).toEqual(['Mina', 'Ali', 'Sara']))
    const header = screen.getByRole('columnheader', { name: /Name/ })
    expect(header.getAttribute('aria-sort')).toBe('none')
    // Columns without a sort have no button and no aria-sort.
    expect(screen.getByRole('columnheader', { name: 'City' }).hasAttribute('aria-sort')).toBe(false)

    await user.click(within(header).getByRole('button', { name: /Name/ }))
    expect(header.getAttribute('aria-sort')).toBe('ascending')
    expect(sortParam()).toBe('name')
    expect(names()).toEqual(['Ali', 'Mina', 'Sara'])

    await user.click(within(header).getByRole('button', { name: /Name/ }))
    expect(header.getAttribute('aria-sort')).toBe('descending')
    expect(sortParam()).toBe('-name')
    expect(names()).toEqual(['Sara', 'Mina', 'Ali'])
    // Sorting orders what is loaded: no new request.
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('opens sorted from a link', async () => {
    renderPeople(three, '/people?sort=-name')
    await waitFor(() => expect(names()).toEqual(['Sara', 'Mina', 'Ali']))
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('descending')
  })

  it('ignores a sort the table does not have', async () => {
    renderPeople(three, '/people?sort=city')
    await waitFor(() => expect(names()).toEqual(['Mina', 'Ali', 'Sara']))
    expect(screen.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort')).toBe('none')
  })
})

describe('DataTable on a phone', () => {
  it('shows each row as a card: the title, then label and value pairs, then its actions', async () => {
    // The frame is 390 px wide (happy-dom lays nothing out, so the width is given).
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(390)
    renderPeople(three)
    const list = await screen.findByRole('list', { name: 'People' })
    expect(screen.queryByRole('table')).toBeNull()
    const cards = within(list).getAllByRole('listitem')
    expect(cards).toHaveLength(3)
    const first = cards[0]
    expect(first.querySelector('.data-card-title')?.textContent).toBe('Mina')
    const terms = [...first.querySelectorAll('dl > div > dt')].map((dt) => dt.textContent)
    const values = [...first.querySelectorAll('dl > div > dd')].map((dd) => dd.textContent)
    // The title is not repeated, and the hideOnCard column is left out.
    expect(terms).toEqual(['City'])
    expect(values).toEqual(['Tabriz'])
    within(first).getByRole('button', { name: 'Greet Mina' })
  })

  it('is a table again in a wide frame', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1024)
    renderPeople(three)
    const table = await screen.findByRole('table', { name: 'People' })
    // The scrolling frame is focusable and named, so a keyboard can scroll it.
    const region = screen.getByRole('region', { name: 'People' })
    expect(region.contains(table)).toBe(true)
    expect(region.getAttribute('tabindex')).toBe('0')
    expect(screen.queryByRole('list', { name: 'People' })).toBeNull()
  })
})
