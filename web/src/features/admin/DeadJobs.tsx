// Background jobs that failed all their retries, with a Retry per job (busy while it runs).
import type { DeadJob } from '@caravan/sdk'
import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query'
import { useI18n } from '../../i18n'
import { Button, ProblemAlert } from '../../ui'
import { RelativeTime } from '../../ui/dates'
import { DataTable, type Column, type PageOf } from '../../ui/table'
import { client } from '../auth/session'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'

const DEAD_JOBS_KEY = ['admin', 'jobs', 'dead'] as const
/** The API answers one list, newest first, of at most this many. */
const LIMIT = 100

/** The error pg-boss stored, as short readable text. */
function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message)
  return typeof error === 'string' ? error : JSON.stringify(error)
}

export function DeadJobs() {
  const { t } = useI18n()
  const queries = useQueryClient()
  const [message, setMessage] = useMessage()
  const retry = useMutation({
    mutationFn: (job: DeadJob) => client.admin.retryDeadJob(job.id),
    onMutate: () => setMessage(null),
    onSuccess: (_answer, job) => {
      // Back in its queue: no longer a failed job.
      queries.setQueryData<InfiniteData<PageOf<DeadJob>>>(
        DEAD_JOBS_KEY,
        (data) => data && { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((j) => j.id !== job.id) })) },
      )
      setMessage((t) => t('jobs.requeued'))
    },
  })

  const columns: Column<DeadJob>[] = [
    {
      id: 'queue',
      header: t('jobs.queue'),
      primary: true,
      sortValue: (job) => job.queue,
      cell: (job) => <code dir="ltr">{job.queue}</code>,
    },
    { id: 'created', header: t('jobs.created'), sortValue: (job) => job.createdOn, cell: (job) => <RelativeTime iso={job.createdOn} /> },
    {
      id: 'error',
      header: t('jobs.error'),
      cell: (job) => (
        <code dir="ltr" className="clip">
          {errorText(job.error)}
        </code>
      ),
    },
  ]

  return (
    <Page title={t('jobs.title')} intro={t('jobs.intro')}>
      <StatusMessage message={message} />
      <ProblemAlert error={retry.error} />
      <DataTable
        caption={t('jobs.title')}
        columns={columns}
        queryKey={DEAD_JOBS_KEY}
        fetchPage={async ({ signal }) => ({ items: await client.admin.listDeadJobs({ limit: LIMIT }, { signal }), nextCursor: null })}
        getRowId={(job) => job.id}
        empty={<p className="empty">{t('jobs.empty')}</p>}
        rowActions={(job) => (
          <Button
            variant="secondary"
            size="small"
            isPending={retry.isPending && retry.variables.id === job.id}
            aria-label={t('jobs.retryNamed', { id: job.id.slice(-8) })}
            onPress={() => retry.mutate(job)}
          >
            {t('jobs.retry')}
          </Button>
        )}
      />
    </Page>
  )
}
