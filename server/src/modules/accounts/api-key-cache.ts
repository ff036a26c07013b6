// API keys resolved from memory: the host product's server calls on every request, so a key costs
// no query once seen. Revoking a key drops it on every node; unknown keys are remembered briefly
// (a spray of random keys cannot flood the database). `last_used_at` is written at most once a
// minute per key per node.
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { apiKeysRepo } from './repo'

const TOUCH_EVERY_MS = 60_000

export function createApiKeyCache(deps: { db: Db; bus: InvalidationBus }) {
  const lastTouched = new Map<string, number>()
  const cache = createHotCache<{ keyId: string; scopes: string[] } | null>({
    name: 'accounts.api-key',
    bus: deps.bus,
    ttlMs: 30_000,
    maxEntries: 10_000,
    async load(keyHash) {
      const row = await apiKeysRepo.byHash(deps.db, keyHash)
      return row ? { keyId: row.id, scopes: row.scopes } : null
    },
  })

  return {
    /** The key's id and scopes by the key's SHA-256, or null when unknown or revoked. */
    async resolve(keyHash: string) {
      const key = await cache.get(keyHash)
      if (key && Date.now() - (lastTouched.get(key.keyId) ?? 0) > TOUCH_EVERY_MS) {
        lastTouched.set(key.keyId, Date.now())
        await apiKeysRepo.touch(deps.db, key.keyId)
      }
      return key
    },
    invalidate: (keyHash: string) => cache.invalidate(keyHash),
  }
}
