// DataTable: paging, filters in the URL, and the loading, empty and failed states.
import { CaravanError } from '@caravan/sdk'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { setLocale } from './ui-render'
import { person, renderPeople, type FetchPeople } from './table-harness'

beforeEach(() => setLocale('en'))

const names = () => screen.getAllByRole('rowheader').map((cell) => cell.textContent)

describe('DataTable paging', () => {
  it('shows a skeleton while the first page loads, then the rows', async () => {
    let answer: (page: { items: ReturnType<typeof person>[]; nextCursor: null }) => void = () => {}
    renderPeople(() => new Promise((resolve) => (answer = resolve)))
    expect(screen.getByRole('status').textContent).toBe('Loading \u2068People\u2069…')
    expect(screen.queryByRole('table')).toBeNull()
    answer({ items: [person('1', 'Ali')], nextCursor: null })
    await screen.findByRole('table', { name: 'People' })
    expect(names()).toEqual(['Ali'])
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
  })

  it('appends the next page on "Load more", with the cursor the API gave', async () => {
    const user = userEvent.setup()
    const { fetch } = renderPeople(async ({ cursor }) =>
      cursor === 'page-2'
        ? { items: [person('3', 'Sara')], nextCursor: null }
        : { items: [person('1', 'Ali'), person('2', 'Mina')], nextCursor: 'page-2' },
    )
    await user.click(await screen.findByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(names()).toEqual(['Ali', 'Mina', 'Sara']))
    expect(fetch.mock.calls.map(([args]) => args.cursor)).toEqual([undefined, 'page-2'])
    expect(screen.getByText('\u20683\u2069 shown')).toBeTruthy()
    // The last page said there is no more.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
  })
})

describe('DataTable filters in the URL', () => {
  const byName: FetchPeople = async ({ q }) => ({
    items: [person('1', 'Ali'), person('2', 'Mina'), person('3', 'Alireza')].filter((p) => p.name.toLowerCase().includes(q)),
    nextCursor: null,
  })

  it('a filter change goes into the URL and reads again from the first page', async () => {
    const user = userEvent.setup()
    const { fetch } = renderPeople(byName, '/people?tab=all')
    await waitFor(() => expect(names()).toEqual(['Ali', 'Mina', 'Alireza']))
    await user.type(screen.getByLabelText('Search people'), 'ali{Enter}')
    await waitFor(() => expect(names()).toEqual(['Ali', 'Alireza']))
    // Other query values stay; the filter joins them.
    expect(new URLSearchParams(window.location.search).get('q')).toBe('ali')
    expect(new URLSearchParams(window.location.search).get('tab')).toBe('all')
    expect(fetch.mock.calls.map(([args]) => args.q)).toEqual(['', 'ali'])
    // Back to the default: the value leaves the URL.
    await user.clear(screen.getByLabelText('Search people'))
    await user.type(screen.getByLabelText('Search people'), '{Enter}')
    await waitFor(() => expect(window.location.search).toBe('?tab=all'))
    await waitFor(() => expect(names()).toHaveLength(3))
  })

  it('opens filtered when the link carries the filter', async () => {
    const { fetch } = renderPeople(byName, '/people?q=mina')
    await waitFor(() => expect(names()).toEqual(['Mina']))
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0][0].q).toBe('mina')
    expect(screen.getByLabelText<HTMLInputElement>('Search people').value).toBe('mina')
  })
})

describe('DataTable states', () => {
  it('says when nothing matches', async () => {
    renderPeople(async () => ({ items: [], nextCursor: null }))
    await screen.findByText('No people match.')
    expect(screen.queryByRole('table')).toBeNull()
    expect(screen.queryByText(/shown/)).toBeNull()
  })

  it('shows a failure in words, and "Try again" reads again', async () => {
    const user = userEvent.setup()
    let calls = 0
    const { fetch } = renderPeople(async () => {
      calls += 1
      if (calls === 1) throw new CaravanError({ type: 'https://caravan.dev/problems/unavailable', title: 'Unavailable', status: 503 })
      return { items: [person('1', 'Ali')], nextCursor: null }
    })
    const alert = await screen.findByRole('alert')
    expect(screen.queryByRole('table')).toBeNull()
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(names()).toEqual(['Ali']))
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('keeps the rows when the next page fails, and retries that page', async () => {
    const user = userEvent.setup()
    let failNext = true
    renderPeople(async ({ cursor }) => {
      if (!cursor) return { items: [person('1', 'Ali')], nextCursor: 'page-2' }
      if (failNext) {
        failNext = false
        throw new CaravanError({ type: 'https://caravan.dev/problems/internal', title: 'Internal', status: 500 })
      }
      return { items: [person('2', 'Mina')], nextCursor: null }
    })
    await user.click(await screen.findByRole('button', { name: 'Load more' }))
    const alert = await screen.findByRole('alert')
    expect(names()).toEqual(['Ali'])
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(names()).toEqual(['Ali', 'Mina']))
  })
})
