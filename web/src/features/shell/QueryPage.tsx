// A page about one thing a query reads: its title over a skeleton while it loads, over the problem
// (with a retry, and the way back) when it fails, then the thing itself, which renders its own page.
import type { UseQueryResult } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { ProblemAlert, Skeleton } from '../../ui'
import { Page } from './Page'

export function QueryPage<T>({
  title,
  query,
  lines = 8,
  back,
  children,
}: {
  title: string
  query: UseQueryResult<T>
  /** The skeleton's lines: about as many as the page will have. */
  lines?: number
  /** A link back to the list, under the problem. */
  back?: ReactNode
  children: (data: T) => ReactNode
}) {
  if (query.isPending)
    return (
      <Page title={title}>
        <Skeleton lines={lines} />
      </Page>
    )
  if (query.isError)
    return (
      <Page title={title}>
        <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
        {back}
      </Page>
    )
  return children(query.data)
}
