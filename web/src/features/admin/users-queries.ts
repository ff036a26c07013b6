// The console's users in the query cache: the list (read page by page by the DataTable), the
// actor picker's search, one user by id, and the admin's writes to a user. Lists, searches and
// single users have keys of their own under `all`, since their cached shapes differ.
import type { Role, User, UserPage } from '@caravan/sdk'
import { useMutation, useQuery, type InfiniteData } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { client } from '../auth/session'
import { auditKeys } from './audit-queries'

export const USERS_PAGE_SIZE = 20

export type UserFilter = {
  q: string
  /** '' for every role. */
  role: '' | Role
}

export const userKeys = {
  all: ['admin', 'users'] as const,
  lists: ['admin', 'users', 'list'] as const,
  list: (filter: UserFilter) => ['admin', 'users', 'list', filter] as const,
  search: (q: string) => ['admin', 'users', 'search', q] as const,
  one: (id: string) => ['admin', 'users', 'one', id] as const,
}

/** One page of the users list: the DataTable's fetchPage. */
export function fetchUsersPage(filter: UserFilter, page: { cursor?: string; signal: AbortSignal }): Promise<UserPage> {
  return client.admin.listUsers(
    { q: filter.q || undefined, role: filter.role || undefined, limit: USERS_PAGE_SIZE, cursor: page.cursor },
    { signal: page.signal },
  )
}

/** Up to 10 users whose name, email or external ID matches `q` (all users when empty). */
export function useUserSearch(q: string) {
  return useQuery({
    queryKey: userKeys.search(q),
    queryFn: ({ signal }) => client.admin.listUsers({ q: q || undefined, limit: 10 }, { signal }),
  })
}

/** One user by id; nothing is read while `id` is empty. */
export function useUser(id: string) {
  return useQuery({
    queryKey: userKeys.one(id),
    queryFn: ({ signal }) => client.admin.getUser(id, { signal }),
    enabled: Boolean(id),
    // An id from a link may be wrong: a 404 is an answer, not worth another try.
    retry: false,
  })
}

/** A write to a user is also a new audit row. */
const invalidateAudit = () => void queryClient.invalidateQueries({ queryKey: auditKeys.all })

/** Changes a role; the answer replaces the user in every cached list page, in place. */
export function useSetUserRole() {
  return useMutation({
    mutationFn: ({ user, role }: { user: User; role: Role }) => client.admin.setUserRole(user.id, role),
    onSuccess: (updated) => {
      queryClient.setQueriesData<InfiniteData<UserPage>>(
        { queryKey: userKeys.lists },
        (data) =>
          data && { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((u) => (u.id === updated.id ? updated : u)) })) },
      )
      queryClient.setQueryData(userKeys.one(updated.id), updated)
      invalidateAudit()
    },
  })
}

/** Erases a user; every users list and search is read again. */
export function useEraseUser() {
  return useMutation({
    mutationFn: (user: User) => client.users.erase({ id: user.id }),
    onSuccess: async () => {
      invalidateAudit()
      await queryClient.invalidateQueries({ queryKey: userKeys.all })
    },
  })
}

/** Everything Caravan holds about a user (the page saves it as a file). */
export function useExportUser() {
  return useMutation({ mutationFn: (user: User) => client.users.export(user.id) })
}
