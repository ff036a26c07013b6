// Lists: the DataTable and the URL state that holds a list's filters and sort.
export { CARD_BREAKPOINT, DataTable, type Column, type DataTableProps, type PageOf } from './DataTable'
export { useUrlState } from './url-state'
