// Hot session state per user (role, session version, recently ended sessions, the user's own
// view) served from memory and dropped on every node when it changes. Auth checks each request's
// access token against it; GET /v1/me answers from it without a query.
import type { HotCache } from '../../core/cache/hot-cache'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import type { SessionState } from '../../core/http/auth'
import { refreshTokensRepo, usersRepo, type UserRow } from './repo'

export interface CachedSession extends SessionState {
  user: UserRow
}

export function createSessionCache(deps: { db: Db; bus: InvalidationBus; accessTokenTtlSeconds: number }): HotCache<CachedSession | null> {
  return createHotCache<CachedSession | null>({
    name: 'accounts.session',
    bus: deps.bus,
    // A lost invalidation message is healed within this; everything else is invalidated on change.
    ttlMs: 30_000,
    maxEntries: 50_000,
    async load(userId) {
      const user = await usersRepo.byId(deps.db, userId)
      if (!user) return null
      // Sessions ended within an access token's lifetime may still have live access tokens.
      const revoked = await refreshTokensRepo.familiesRevokedSince(
        deps.db,
        userId,
        new Date(Date.now() - deps.accessTokenTtlSeconds * 1000),
      )
      return { user, role: user.role, sessionVersion: user.sessionVersion, revokedSessions: new Set(revoked) }
    },
  })
}
