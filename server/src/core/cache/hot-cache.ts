// Hot data served from memory (sessions, API keys, settings): loaded once, kept until it changes or
// its time-to-live ends, and dropped on every node when any node changes it (InvalidationBus).
// Concurrent misses share one load; a load that raced with an invalidation is not kept.
import type { InvalidationBus } from './invalidation'

export interface HotCache<V> {
  get(key: string): Promise<V>
  /** Drops the key here and on every other node; call it after the change has committed. */
  invalidate(key: string): Promise<void>
  /** Runs after the key was dropped on this node, whichever node changed it. */
  onInvalidate(listener: (key: string) => void): void
  /** Drops everything on this node only (tests). */
  clear(): void
}

export function createHotCache<V>(options: {
  /** Unique per kind of data: the invalidation message names it. */
  name: string
  load: (key: string) => Promise<V>
  bus: InvalidationBus
  /** A safety net should an invalidation message be lost. */
  ttlMs: number
  /** Entries kept at most; the oldest go first. */
  maxEntries: number
  now?: () => number
}): HotCache<V> {
  const now = options.now ?? Date.now
  const entries = new Map<string, { value: V; expiresAt: number }>()
  const loading = new Map<string, Promise<V>>()
  // Bumped by every invalidation of a key, so a load that began before it does not store old data.
  const generations = new Map<string, number>()
  const listeners: ((key: string) => void)[] = []

  function drop(key: string) {
    entries.delete(key)
    loading.delete(key)
    generations.set(key, (generations.get(key) ?? 0) + 1)
    if (generations.size > options.maxEntries * 2) generations.clear()
    for (const listener of listeners) listener(key)
  }
  options.bus.subscribe(options.name, drop)

  async function load(key: string): Promise<V> {
    const generation = generations.get(key) ?? 0
    const value = await options.load(key)
    if ((generations.get(key) ?? 0) === generation) {
      entries.delete(key) // re-insert at the end: Map order is the eviction order
      entries.set(key, { value, expiresAt: now() + options.ttlMs })
      if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string)
    }
    return value
  }

  return {
    async get(key) {
      const hit = entries.get(key)
      if (hit && hit.expiresAt > now()) return hit.value
      let pending = loading.get(key)
      if (!pending) {
        const started = load(key).finally(() => {
          if (loading.get(key) === started) loading.delete(key)
        })
        loading.set(key, (pending = started))
      }
      return pending
    },
    invalidate: (key) => options.bus.publish(options.name, key),
    onInvalidate(listener) {
      listeners.push(listener)
    },
    clear() {
      entries.clear()
      loading.clear()
    },
  }
}
