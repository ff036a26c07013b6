// Counters with a window, in memory for one process or in Redis when REDIS_URL is set so that
// every node counts the same failures. Used for login-failure limits (the global request limit
// is @fastify/rate-limit, given the same Redis), and, with unique members in a sliding window, for
// counts a retried step must not inflate (notifications per user per hour).
import type { Redis } from 'ioredis'

export interface CounterStore {
  /** Adds one to `key` and says how many hits the current window holds and when it ends. */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetInSeconds: number }>
  peek(key: string): Promise<{ count: number; resetInSeconds: number }>
  reset(key: string): Promise<void>
  /**
   * Adds `member` to the sliding window of `key`, once: adding a member already in the window
   * changes nothing, so a step that runs again counts once. Answers where the member stands,
   * `position` (members that entered the window before it, plus one: the same answer on a re-run)
   * and `count` (members in the window now).
   */
  hitUnique(key: string, member: string, windowSeconds: number): Promise<{ position: number; count: number }>
}

/**
 * Removes the expired entries of `map` once it has doubled since the last sweep (and holds more
 * than `floor`): memory stays within about twice what is live, at a constant cost per write on
 * average. (Sweeping whenever a size was passed would scan every entry on every new key once that
 * many keys are live, as a 100,000-member topic's recipients are for the hour their limit counts.)
 */
export function sweeper<V>(map: Map<string, V>, expired: (value: V) => boolean, floor = 10_000) {
  let limit = floor
  return () => {
    if (map.size <= limit) return
    for (const [key, value] of map) if (expired(value)) map.delete(key)
    limit = Math.max(floor, map.size * 2)
  }
}

/**
 * A key's sliding window, compact because a big send keeps one per recipient for the hour: when
 * it expires, then member, time, member, time… in the order they came (times strictly increase,
 * so a member's place is its position in the list). An array literal is allocated at its size,
 * where an object holding a Map or a pushed-to array costs about 250 bytes more per recipient.
 */
type Window = [expiresAt: number, ...pairs: (string | number)[]]
const pairsIn = (w: Window) => (w.length - 1) / 2
const timeAt = (w: Window, pair: number) => w[2 + pair * 2] as number

export function memoryCounterStore(now: () => number = Date.now): CounterStore {
  const counters = new Map<string, { count: number; resetAt: number }>()
  const windows = new Map<string, Window>()
  const sweepCounters = sweeper(counters, (c) => c.resetAt <= now())
  const sweepWindows = sweeper(windows, (w) => w[0] <= now())
  /** Drops the members that have left the window (the oldest come first). */
  const prune = (w: Window, oldest: number) => {
    let pairs = 0
    while (pairs < pairsIn(w) && timeAt(w, pairs) <= oldest) pairs++
    if (pairs) w.splice(1, pairs * 2)
  }
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
        sweepCounters()
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
      windows.delete(key)
    },
    async hitUnique(key, member, windowSeconds) {
      const at = now()
      const windowMs = windowSeconds * 1000
      const window = windows.get(key)
      if (!window) {
        windows.set(key, [at + windowMs, member, at])
        sweepWindows()
        return { position: 1, count: 1 }
      }
      prune(window, at - windowMs)
      // Members are strings and times numbers, so only a member's own slot can match.
      const index = window.indexOf(member, 1)
      if (index !== -1) return { position: (index - 1) / 2 + 1, count: pairsIn(window) }
      // Strictly increasing per key, like the Redis store: a member added later always ranks later.
      const last = pairsIn(window) ? timeAt(window, pairsIn(window) - 1) : undefined
      const time = last !== undefined && last >= at ? last + 0.001 : at
      window.push(member, time)
      window[0] = time + windowMs
      return { position: pairsIn(window), count: pairsIn(window) }
    },
  }
}

/**
 * Sliding-window unique members (KEYS[1]; ARGV: member, window in ms). Scores are Redis's own clock
 * in ms, kept strictly increasing per key, so each new member ranks after every member added before
 * it; a member already there keeps its place (a retried step). Returns { rank, count }.
 */
const HIT_UNIQUE = `
local key, member, window = KEYS[1], ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if not redis.call('ZSCORE', key, member) then
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local score = now
  if last[2] and tonumber(last[2]) >= score then score = tonumber(last[2]) + 0.001 end
  redis.call('ZADD', key, score, member)
end
redis.call('PEXPIRE', key, window)
return { redis.call('ZRANK', key, member), redis.call('ZCARD', key) }
`

/**
 * One hit in a fixed window, in one command (a chat send checks its flood limit with it): adds one
 * to KEYS[1] and, when the key has no expiry (it is new, or an older version left it without one),
 * starts its window of ARGV[1] ms. Returns { count, ms left }.
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return { count, ttl }
`

export function redisCounterStore(redis: Redis, prefix = 'caravan:counter:'): CounterStore {
  return {
    async hit(key, windowSeconds) {
      const [count, ttlMs] = (await redis.eval(HIT, 1, prefix + key, windowSeconds * 1000)) as [number, number]
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
    async hitUnique(key, member, windowSeconds) {
      // One script, so the time that orders members is the moment the member is added: with a
      // client-side clock two nodes (or two jobs) could add out of order and both see themselves second.
      const [rank, count] = (await redis.eval(HIT_UNIQUE, 1, prefix + key, member, windowSeconds * 1000)) as [number, number]
      return { position: rank + 1, count }
    },
  }
}
