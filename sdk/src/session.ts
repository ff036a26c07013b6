// Where the signed-in session lives. The client reads it from storage before every use (never a
// cached copy), so tabs sharing localStorage always present the newest rotating refresh token.
import type { SessionResponse, User } from './types.js'

export interface Session {
  user: User
  accessToken: string
  refreshToken: string
  /** Epoch milliseconds, computed from accessTokenExpiresIn when the token arrived. */
  accessTokenExpiresAt: number
}

export interface SessionStorage {
  load(): Session | null
  save(session: Session | null): void
  /** Called when another context (a browser tab) changed the session. */
  subscribe?(listener: (session: Session | null) => void): () => void
  /**
   * Runs fn while holding a lock shared with other contexts, so two tabs never spend the same
   * refresh token (a reused one revokes the whole session family).
   */
  lock?<T>(fn: () => Promise<T>): Promise<T>
}

export function sessionFromResponse(response: SessionResponse, now: number): Session {
  return {
    user: response.user,
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    accessTokenExpiresAt: now + response.accessTokenExpiresIn * 1000,
  }
}

/** Keeps the session in memory only (the default; right for servers, tests and scripts). */
export function memorySessionStorage(initial: Session | null = null): SessionStorage {
  let current = initial
  return {
    load: () => current,
    save: (session) => {
      current = session
    },
  }
}

function isSession(value: unknown): value is Session {
  const s = value as Session
  return (
    !!s &&
    typeof s.accessToken === 'string' &&
    typeof s.refreshToken === 'string' &&
    typeof s.accessTokenExpiresAt === 'number' &&
    !!s.user &&
    typeof s.user.id === 'string'
  )
}

/** Keeps the session in localStorage, shared by the tabs of one origin. */
export function localStorageSessionStorage(key = 'caravan.session', storage: Storage = globalThis.localStorage): SessionStorage {
  const parse = (raw: string | null): Session | null => {
    if (!raw) return null
    try {
      const value: unknown = JSON.parse(raw)
      return isSession(value) ? value : null
    } catch {
      return null
    }
  }
  return {
    load: () => parse(storage.getItem(key)),
    save: (session) => (session ? storage.setItem(key, JSON.stringify(session)) : storage.removeItem(key)),
    subscribe(listener) {
      if (typeof window === 'undefined') return () => {}
      const onStorage = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener(parse(storage.getItem(key)))
      }
      window.addEventListener('storage', onStorage)
      return () => window.removeEventListener('storage', onStorage)
    },
    lock(fn) {
      // Web Locks are in every current browser; without them a tab simply refreshes on its own.
      const locks = (globalThis.navigator as Navigator | undefined)?.locks
      return locks ? locks.request(`${key}.refresh`, fn) : fn()
    },
  }
}
