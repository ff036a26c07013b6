// A list page in miniature for the DataTable tests: a search box whose value lives in the URL,
// a fake API (fetchPage), and the app's providers around it with a fresh QueryClient that never
// retries (a failure shows at once).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import { vi } from 'vitest'
import { I18nProvider } from '../../src/i18n'
import { AriaLocaleProvider, SearchField } from '../../src/ui'
import { DataTable, useUrlState, type Column, type PageOf } from '../../src/ui/table'

export interface Person {
  id: string
  name: string
  city: string
}

export const person = (id: string, name: string, city = 'Shiraz'): Person => ({ id, name, city })

export type FetchPeople = (args: { q: string; cursor?: string; signal: AbortSignal }) => Promise<PageOf<Person>>

const columns: Column<Person>[] = [
  { id: 'name', header: 'Name', primary: true, sortValue: (p) => p.name, cell: (p) => p.name },
  { id: 'city', header: 'City', cell: (p) => p.city },
  { id: 'id', header: 'ID', hideOnCard: true, cell: (p) => p.id },
]

function People({ fetch }: { fetch: FetchPeople }) {
  const [filter, setFilter] = useUrlState({ q: '' })
  return (
    <DataTable
      caption="People"
      columns={columns}
      queryKey={['people', filter]}
      fetchPage={({ cursor, signal }) => fetch({ q: filter.q, cursor, signal })}
      getRowId={(p) => p.id}
      empty={<p>No people match.</p>}
      filters={<SearchField label="Search people" defaultValue={filter.q} onSubmit={(q) => setFilter({ q })} />}
      rowActions={(p) => <button type="button">Greet {p.name}</button>}
    />
  )
}

/** Renders the list at `url` (path and query), with `fetch` as its API. */
export function renderPeople(fetch: FetchPeople, url = '/people') {
  window.history.replaceState(null, '', url)
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const spy = vi.fn(fetch)
  const view = render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <AriaLocaleProvider>
          <People fetch={spy} />
        </AriaLocaleProvider>
      </I18nProvider>
    </QueryClientProvider>,
  )
  return { ...view, fetch: spy, queryClient }
}
