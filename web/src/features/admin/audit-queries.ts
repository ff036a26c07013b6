// The audit log in the query cache: its list (read page by page by the DataTable) and the
// chain check, which the admin runs on demand.
import type { AuditPage } from '@caravan/sdk'
import { useMutation } from '@tanstack/react-query'
import { client } from '../auth/session'

export const AUDIT_PAGE_SIZE = 50

/** '' is "any": the URL state's default. */
export type AuditFilter = {
  actor: string
  action: string
  from: string
  to: string
}

export const auditKeys = {
  all: ['admin', 'audit'] as const,
  list: (filter: AuditFilter) => ['admin', 'audit', 'list', filter] as const,
}

/** One page of the log, newest first: the DataTable's fetchPage. */
export function fetchAuditPage(filter: AuditFilter, page: { cursor?: string; signal: AbortSignal }): Promise<AuditPage> {
  return client.admin.listAudit(
    {
      limit: AUDIT_PAGE_SIZE,
      cursor: page.cursor,
      actorId: filter.actor || undefined,
      action: filter.action || undefined,
      from: filter.from || undefined,
      to: filter.to || undefined,
    },
    { signal: page.signal },
  )
}

/** Re-computes the hash chain on the server (a read, run when asked: hence a mutation). */
export function useVerifyAudit() {
  return useMutation({ mutationFn: () => client.admin.verifyAudit() })
}
