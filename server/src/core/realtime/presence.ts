// Who is online: a user is online while any node holds one of their sockets. Each node counts its
// own sockets per user; with Redis it also keeps, per online user, a sorted set of node ids scored
// by an expiry it renews every 20 s, so every node answers the same and a node that dies stops
// counting within a minute. Without Redis (one process) the local counts are the whole truth.
import type { Redis } from 'ioredis'

const TTL_MS = 60_000
const RENEW_MS = 20_000

export interface Presence {
  /** A socket of the user connected here; true when the user was offline everywhere before. */
  connected(userId: string): Promise<boolean>
  /** A socket of the user closed here; true when no node holds one any more. */
  disconnected(userId: string): Promise<boolean>
  /** Which of these users are online now, on any node. */
  online(userIds: string[]): Promise<Set<string>>
  close(): void
}

export function createPresence(options: { redis?: Redis; prefix?: string; nodeId: string; now?: () => number }): Presence {
  const now = options.now ?? Date.now
  const local = new Map<string, number>()
  const redis = options.redis
  const key = (userId: string) => `${options.prefix ?? 'caravan:'}presence:${userId}`

  async function othersOnline(userId: string): Promise<boolean> {
    if (!redis) return false
    const members = await redis.zrangebyscore(key(userId), now(), '+inf')
    return members.some((m) => m !== options.nodeId)
  }

  const renew = redis
    ? setInterval(() => {
        // One command at a time, each caught: an ioredis pipeline cut by a closing connection
        // rejects its commands' own promises, which no one would be there to catch.
        for (const userId of local.keys()) {
          redis.zadd(key(userId), now() + TTL_MS, options.nodeId).catch(() => undefined)
          redis.pexpire(key(userId), TTL_MS).catch(() => undefined)
        }
      }, RENEW_MS)
    : undefined
  renew?.unref()

  return {
    async connected(userId) {
      const count = (local.get(userId) ?? 0) + 1
      local.set(userId, count)
      if (count > 1) return false
      if (!redis) return true
      const before = await othersOnline(userId)
      await redis.zadd(key(userId), now() + TTL_MS, options.nodeId)
      await redis.pexpire(key(userId), TTL_MS)
      return !before
    },
    async disconnected(userId) {
      const count = (local.get(userId) ?? 1) - 1
      if (count > 0) {
        local.set(userId, count)
        return false
      }
      local.delete(userId)
      if (!redis) return true
      await redis.zrem(key(userId), options.nodeId)
      // Reconnected here meanwhile (a page reload): still online.
      if (local.has(userId)) return false
      return !(await othersOnline(userId))
    },
    async online(userIds) {
      const result = new Set(userIds.filter((id) => local.has(id)))
      const unknown = userIds.filter((id) => !result.has(id))
      if (!redis || !unknown.length) return result
      const counts = await Promise.all(unknown.map((id) => redis.zcount(key(id), now(), '+inf')))
      unknown.forEach((id, i) => {
        if (counts[i] > 0) result.add(id)
      })
      return result
    },
    close() {
      if (renew) clearInterval(renew)
    },
  }
}
