// The one list of the console: rows read page by page from a cursor-paged API ("Load more"),
// sortable headers kept in the URL, and every state said in words (loading, empty, failed with
// Try again). Where its container is narrower than 720 px the rows become cards (a definition
// list per row), so a phone never scrolls sideways.
import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query'
import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n'
import { Button } from '../Button'
import { ProblemAlert } from '../Alert'
import { Skeleton } from '../Skeleton'
import { useUrlState } from './url-state'
import './table.css'

export interface PageOf<Row> {
  items: Row[]
  nextCursor: string | null
}

export interface Column<Row> {
  id: string
  header: string
  cell: (row: Row) => ReactNode
  /**
   * Makes the header a sort button (the URL keeps `sort=<id>` or `sort=-<id>`). The console's
   * APIs page newest first and have no sort, so this orders the rows loaded so far.
   */
  sortValue?: (row: Row) => string | number | null
  /** The row's name: a row header in the table, the card's title on a phone. Exactly one column. */
  primary?: boolean
  /** Left out of the phone card (e.g. what the title already says). */
  hideOnCard?: boolean
}

export interface DataTableProps<Row> {
  /** Names the table (its caption) and the card list. */
  caption: string
  columns: Column<Row>[]
  /** Everything the rows depend on (filters included): a change starts again from the first page. */
  queryKey: QueryKey
  fetchPage: (page: { cursor?: string; signal: AbortSignal }) => Promise<PageOf<Row>>
  getRowId: (row: Row) => string
  /** Said when there are no rows; the default says nothing matches. */
  empty?: ReactNode
  /** Filter controls, shown above the rows. */
  filters?: ReactNode
  /** Buttons for one row, in the last column (or at the bottom of its card). */
  rowActions?: (row: Row) => ReactNode
  /** The URL query name of the sort, when a page has two tables. */
  sortParam?: string
  /** `id` or `-id` of a column with sortValue; by default the API's own order. */
  defaultSort?: string
}

/** Below this container width the rows are cards. */
export const CARD_BREAKPOINT = 720

export function DataTable<Row>(props: DataTableProps<Row>) {
  const { caption, columns, queryKey, fetchPage, getRowId, empty, filters, rowActions, sortParam = 'sort', defaultSort = '' } = props
  const { t, formatNumber } = useI18n()
  const captionId = useId()
  const [frame, cards] = useNarrow(CARD_BREAKPOINT)

  const sortable = new Set(columns.filter((c) => c.sortValue).map((c) => c.id))
  const [{ [sortParam]: sort }, setUrl] = useUrlState(
    { [sortParam]: defaultSort },
    { [sortParam]: (v) => sortable.has(v.replace(/^-/, '')) },
  )
  const sortColumn = columns.find((c) => c.id === sort.replace(/^-/, ''))
  const descending = sort.startsWith('-')

  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage({ cursor: pageParam, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
  const loaded = query.data?.pages.flatMap((p) => p.items) ?? []
  const rows = sortColumn?.sortValue ? sortRows(loaded, sortColumn.sortValue, descending) : loaded

  function toggleSort(column: Column<Row>) {
    // Ascending first; a second press reverses; the API's order is the default.
    const next = sortColumn === column && !descending ? `-${column.id}` : column.id
    setUrl({ [sortParam]: next })
  }

  const primary = columns.find((c) => c.primary) ?? columns[0]
  const actionsHeader = t('table.actions')

  let body: ReactNode
  if (query.isPending) {
    body = <Skeleton lines={5} className="data-table-skeleton" label={t('table.loading', { name: caption })} />
  } else if (query.isError && !query.data) {
    body = <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
  } else if (rows.length === 0) {
    body = <div className="data-table-empty">{empty ?? <p>{t('table.empty')}</p>}</div>
  } else if (cards) {
    body = (
      <ul className="data-cards" aria-labelledby={captionId}>
        {rows.map((row) => (
          <li key={getRowId(row)} className="data-card">
            <div className="data-card-title">{primary.cell(row)}</div>
            <dl>
              {columns
                .filter((c) => c !== primary && !c.hideOnCard)
                .map((c) => (
                  <div key={c.id} className="data-card-field">
                    <dt>{c.header}</dt>
                    <dd>{c.cell(row)}</dd>
                  </div>
                ))}
            </dl>
            {rowActions && <div className="data-card-actions">{rowActions(row)}</div>}
          </li>
        ))}
      </ul>
    )
  } else {
    body = (
      // Focusable and named, so a keyboard can scroll a table wider than its frame.
      <div className="table-wrap data-table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  key={c.id}
                  scope="col"
                  aria-sort={c.sortValue ? (sortColumn === c ? (descending ? 'descending' : 'ascending') : 'none') : undefined}
                >
                  {c.sortValue ? (
                    <Button variant="quiet" className="sort-button" onPress={() => toggleSort(c)}>
                      {c.header}
                      <span className="sort-mark" aria-hidden="true">
                        {sortColumn === c ? (descending ? '▼' : '▲') : '↕'}
                      </span>
                    </Button>
                  ) : (
                    c.header
                  )}
                </th>
              ))}
              {rowActions && <th scope="col">{actionsHeader}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={getRowId(row)}>
                {columns.map((c) =>
                  c === primary ? (
                    <th key={c.id} scope="row">
                      {c.cell(row)}
                    </th>
                  ) : (
                    <td key={c.id}>{c.cell(row)}</td>
                  ),
                )}
                {rowActions && (
                  <td>
                    <div className="row-actions">{rowActions(row)}</div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )
  }

  return (
    <div ref={frame} className="data-table" aria-busy={query.isFetching || undefined}>
      {/* The name of the table's scrolling frame or of the card list (one landmark, not two). */}
      <span id={captionId} hidden>
        {caption}
      </span>
      {filters && <div className="data-table-filters">{filters}</div>}
      {/* A failed refresh or next page keeps what was shown, with the error above it. */}
      {query.isError && query.data && (
        <ProblemAlert error={query.error} onRetry={() => void (query.isFetchNextPageError ? query.fetchNextPage() : query.refetch())} />
      )}
      {body}
      {query.data && rows.length > 0 && (
        <div className="data-table-footer">
          <p className="muted" role="status">
            {t('table.shown', { count: formatNumber(rows.length) })}
          </p>
          {query.hasNextPage && (
            <Button variant="secondary" isPending={query.isFetchingNextPage} onPress={() => void query.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          )}
        </div>
      )}
    </div>
  )
}

function sortRows<Row>(rows: Row[], value: (row: Row) => string | number | null, descending: boolean): Row[] {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
  const sorted = [...rows].sort((a, b) => {
    const x = value(a)
    const y = value(b)
    // Empty values last, whichever the direction.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
    return descending ? -order : order
  })
  return sorted
}

/**
 * Whether the element is narrower than `width`: a container query that can change what is
 * rendered, not only how it looks. An element not laid out yet (width 0) counts as wide. Not
 * while a dialog is open: the row button that opened it must still be there to take focus back
 * when it closes; the change waits for focus to move again.
 */
function useNarrow(width: number): [(el: HTMLElement | null) => void, boolean] {
  const [element, setElement] = useState<HTMLElement | null>(null)
  const [narrow, setNarrow] = useState(false)
  const last = useRef(narrow)
  useLayoutEffect(() => {
    if (!element) return
    let waiting = false
    const measure = () => {
      waiting = Boolean(document.querySelector('[role="dialog"], [role="alertdialog"], dialog[open]'))
      if (waiting) return
      const w = element.clientWidth
      const next = w > 0 && w < width
      if (next !== last.current) {
        last.current = next
        setNarrow(next)
      }
    }
    const afterDialog = () => {
      if (waiting) measure()
    }
    measure()
    document.addEventListener('focusin', afterDialog)
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    observer?.observe(element)
    return () => {
      observer?.disconnect()
      document.removeEventListener('focusin', afterDialog)
    }
  }, [element, width])
  return [setElement, narrow]
}
