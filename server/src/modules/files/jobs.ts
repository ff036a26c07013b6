// The files module's jobs: the virus scan of each upload, blob removal after rows are deleted
// (enqueued in the deleting transaction), and the daily purge of uploads never sent.
import type { Jobs } from '../../core/jobs/queue'

export const JOB_SCAN = 'files-scan'
export const JOB_DELETE_BLOBS = 'files-delete-blobs'
export const JOB_PURGE_UNATTACHED = 'files-purge-unattached'

/** Uploads never sent in a message are deleted after this. */
export const UNATTACHED_TTL_MS = 24 * 3600 * 1000

export function defineFilesJobs(deps: {
  jobs: Jobs
  scan: (fileId: string) => Promise<void>
  removeBlobs: (fileId: string) => Promise<void>
  purgeUnattached: (olderThan: Date) => Promise<number>
  sweepTemp?: (olderThanMs: number) => Promise<number>
}) {
  const { jobs } = deps
  // A scan of the largest file (50 MiB) takes seconds; clamd's own timeout is a minute. Retries
  // back off from 10 s (doubling) for about three hours of clamd being away before the job is
  // dead; the file stays `scanning` (not downloadable) until an admin re-drives it.
  jobs.define<{ fileId: string }>({
    name: JOB_SCAN,
    retryLimit: 10,
    retryDelaySeconds: 10,
    expireInSeconds: 3 * 60,
    concurrency: 2,
    handler: ({ fileId }) => deps.scan(fileId),
  })
  jobs.define<{ ids: string[] }>({
    name: JOB_DELETE_BLOBS,
    retryLimit: 10,
    expireInSeconds: 5 * 60,
    handler: async ({ ids }) => {
      for (const id of ids) await deps.removeBlobs(id)
    },
  })
  jobs.define({
    name: JOB_PURGE_UNATTACHED,
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    handler: async () => {
      await deps.purgeUnattached(new Date(Date.now() - UNATTACHED_TTL_MS))
      // Half-written blobs a killed process left (the store writes to a temporary name first).
      await deps.sweepTemp?.(3600 * 1000)
    },
  })
  jobs.schedule(JOB_PURGE_UNATTACHED, '29 3 * * *')
}
