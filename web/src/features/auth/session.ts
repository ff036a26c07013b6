// The one SDK client of the app, and the signed-in state React renders from. The session lives
// in localStorage (shared by tabs); the SDK reports every change through onSessionChange.
import { createCaravanClient, localStorageSessionStorage, type Session, type User } from '@caravan/sdk'
import { useSyncExternalStore } from 'react'

interface SessionState {
  user: User | null
  /**
   * Set when the server announced a role change. The change ends every session of the user, so
   * this outlives the sign-out it causes (the sign-in page says why) and clears at the next sign-in.
   */
  roleChanged: boolean
}

let state: SessionState
const listeners = new Set<() => void>()

function setState(next: SessionState) {
  state = next
  for (const listener of listeners) listener()
}

function onSessionChange(session: Session | null) {
  const user = session?.user ?? null
  // Kept while signed out or while the same user stays signed in; a new sign-in clears it.
  setState({ user, roleChanged: state.roleChanged && (user === null || user.id === state.user?.id) })
}

export const client = createCaravanClient({ storage: localStorageSessionStorage(), onSessionChange })
state = { user: client.session?.user ?? null, roleChanged: false }

export function markRoleChanged() {
  setState({ ...state, roleChanged: true })
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    () => state,
  )
}

/** The user on pages the router only shows when signed in. */
export function useSignedInUser(): User {
  const { user } = useSession()
  if (!user) throw new Error('useSignedInUser on a page for signed-in users only')
  return user
}
