// The one SDK client of the app, and the signed-in state React renders from. The session lives
// in localStorage (shared by tabs); the SDK reports every change through onSessionChange, which
// writes it into the query cache under SESSION_KEY: components read it like any other query.
import { createCaravanClient, localStorageSessionStorage, type Session, type User } from '@caravan/sdk'
import { useQuery } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { forgetOfflineInbox } from '../../pwa'

export interface SessionState {
  user: User | null
  /**
   * Set when the server announced a role change. The change ends every session of the user, so
   * this outlives the sign-out it causes (the sign-in page says why) and clears at the next sign-in.
   */
  roleChanged: boolean
}

export const SESSION_KEY = ['session'] as const

const current = (): SessionState => queryClient.getQueryData<SessionState>(SESSION_KEY) ?? { user: null, roleChanged: false }

function setSessionState(next: SessionState) {
  const previous = current().user?.id
  queryClient.setQueryData(SESSION_KEY, next)
  // Another person's data must never show: everything read for the previous user goes.
  if (next.user?.id !== previous) queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] })
}

function onSessionChange(session: Session | null) {
  const user = session?.user ?? null
  const state = current()
  if (!user) forgetOfflineInbox()
  // Kept while signed out or while the same user stays signed in; a new sign-in clears it.
  setSessionState({ user, roleChanged: state.roleChanged && (user === null || user.id === state.user?.id) })
}

export const client = createCaravanClient({ storage: localStorageSessionStorage(), onSessionChange })
queryClient.setQueryData<SessionState>(SESSION_KEY, { user: client.session?.user ?? null, roleChanged: false })

export function markRoleChanged() {
  setSessionState({ ...current(), roleChanged: true })
}

export function useSession(): SessionState {
  // Never fetched: written only by onSessionChange, so it is always fresh and never collected.
  const { data } = useQuery({ queryKey: SESSION_KEY, queryFn: current, initialData: current, staleTime: Infinity, gcTime: Infinity })
  return data
}

/** The user on pages the router only shows when signed in. */
export function useSignedInUser(): User {
  const { user } = useSession()
  if (!user) throw new Error('useSignedInUser on a page for signed-in users only')
  return user
}
