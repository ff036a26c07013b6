// Counters with a window, in memory for one process or in Redis when REDIS_URL is set so that
// every node counts the same failures. Used for login-failure limits (the global request limit
// is @fastify/rate-limit, given the same Redis).
import type { Redis } from 'ioredis'

export interface CounterStore {
  /** Adds one to `key` and says how many hits the current window holds and when it ends. */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetInSeconds: number }>
  peek(key: string): Promise<{ count: number; resetInSeconds: number }>
  reset(key: string): Promise<void>
}

export function memoryCounterStore(now: () => number = Date.now): CounterStore {
  const counters = new Map<string, { count: number; resetAt: number }>()
  const live = (key: string) => {
    const c = counters.get(key)
    if (c && c.resetAt <= now()) {
      counters.delete(key)
      return undefined
    }
    return c
  }
  return {
    async hit(key, windowSeconds) {
      let c = live(key)
      if (!c) {
        c = { count: 0, resetAt: now() + windowSeconds * 1000 }
        counters.set(key, c)
        // Keep the map from growing without bound under a spray of distinct keys.
        if (counters.size > 100_000)
          for (const [k] of counters) {
            if (!live(k)) counters.delete(k)
          }
      }
      c.count += 1
      return { count: c.count, resetInSeconds: Math.ceil((c.resetAt - now()) / 1000) }
    },
    async peek(key) {
      const c = live(key)
      return c ? { count: c.count, resetInSeconds: Math.ceil((c.resetAt - now()) / 1000) } : { count: 0, resetInSeconds: 0 }
    },
    async reset(key) {
      counters.delete(key)
    },
  }
}

export function redisCounterStore(redis: Redis, prefix = 'caravan:counter:'): CounterStore {
  return {
    async hit(key, windowSeconds) {
      const k = prefix + key
      const [[, count], [, ttl]] = (await redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]]
      let ttlMs = ttl
      if (ttl < 0) {
        await redis.pexpire(k, windowSeconds * 1000)
        ttlMs = windowSeconds * 1000
      }
      return { count, resetInSeconds: Math.ceil(ttlMs / 1000) }
    },
    async peek(key) {
      const k = prefix + key
      const [[, count], [, ttl]] = (await redis.multi().get(k).pttl(k).exec()) as [[null, string | null], [null, number]]
      return { count: Number(count ?? 0), resetInSeconds: ttl > 0 ? Math.ceil(ttl / 1000) : 0 }
    },
    async reset(key) {
      await redis.del(prefix + key)
    },
  }
}
