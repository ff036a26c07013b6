import type { DeadJob } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { client } from '../auth/session'
import { ErrorAlert, StatusMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'

/** The error pg-boss stored, as short readable text. */
function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message)
  return typeof error === 'string' ? error : JSON.stringify(error)
}

export function DeadJobs() {
  const { t, formatDate } = useI18n()
  const jobs = useLoad(() => client.admin.listDeadJobs({ limit: 100 }))
  const [message, setMessage] = useState<string | null>(null)
  const retry = useAction(async (job: DeadJob) => {
    await client.admin.retryDeadJob(job.id)
    jobs.update((list) => list.filter((j) => j.id !== job.id))
    setMessage(t('jobs.requeued'))
  })

  return (
    <Page title={t('jobs.title')} intro={t('jobs.intro')}>
      <StatusMessage message={message} />
      <ErrorAlert error={jobs.error ?? retry.error} />
      {jobs.loading && !jobs.data && <p>{t('common.loading')}</p>}
      {jobs.data?.length === 0 && <p className="empty">{t('jobs.empty')}</p>}
      {!!jobs.data?.length && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('jobs.queue')}</th>
                <th scope="col">{t('jobs.created')}</th>
                <th scope="col">{t('jobs.error')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('jobs.retry')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.id}>
                  <th scope="row">
                    <code dir="ltr">{job.queue}</code>
                  </th>
                  <td>{formatDate(job.createdOn)}</td>
                  <td>
                    <code dir="ltr" className="clip">
                      {errorText(job.error)}
                    </code>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      disabled={retry.pending}
                      aria-label={t('jobs.retryNamed', { id: job.id.slice(-8) })}
                      onClick={() => void retry.run(job)}
                    >
                      {t('jobs.retry')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  )
}
