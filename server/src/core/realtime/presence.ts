// Who is online: a user is online while any node holds one of their sockets. Each node counts its
// own sockets per user; with Redis it also keeps, per online user, a sorted set of node ids scored
// by an expiry it renews every 20 s, so every node answers the same and a node that dies stops
// counting within a minute. Without Redis (one process) the local counts are the whole truth.
//
// A node that dies cannot say its users left, so the living ones do: every node renews its own
// heartbeat (a sorted set of nodes scored by expiry) beside the set of users it holds, and looks
// for nodes whose heartbeat ran out. The first to claim a dead node (ZREM answers 1 to one node
// only) takes its users off and tells its listeners which of them are now offline everywhere.
import type { Redis } from 'ioredis'

const TTL_MS = 60_000
const RENEW_MS = 20_000

/**
 * For each user's key (KEYS), how many nodes hold them and have not expired (score ≥ ARGV[1], now).
 * Many keys in one script assume one Redis, as Caravan does everywhere (a cluster would need them
 * in one hash slot).
 */
/** Users asked about in one LIVE_NODES call, at most. */
export const ONLINE_CHUNK = 1_000

const LIVE_NODES = `
local counts = {}
for i, key in ipairs(KEYS) do counts[i] = redis.call('ZCOUNT', key, ARGV[1], '+inf') end
return counts
`

export interface Presence {
  /** A socket of the user connected here; true when the user was offline everywhere before. */
  connected(userId: string): Promise<boolean>
  /** A socket of the user closed here; true when no node holds one any more. */
  disconnected(userId: string): Promise<boolean>
  /** Which of these users are online now, on any node. */
  online(userIds: string[]): Promise<Set<string>>
  /** `listener` hears of users who went offline because the node holding them died, and when it was last heard of. */
  onGone(listener: (userIds: string[], lastSeenAt: Date) => Promise<void>): void
  /** Takes the users of dead nodes offline (runs by itself with every renewal); answers who went offline. */
  sweep(): Promise<string[]>
  /** Stops renewing; this node's entries are removed (its sockets' own disconnects already took their users off). */
  close(): Promise<void>
}

export function createPresence(options: { redis?: Redis; prefix?: string; nodeId: string; now?: () => number }): Presence {
  const now = options.now ?? Date.now
  const local = new Map<string, number>()
  const redis = options.redis
  const prefix = options.prefix ?? 'caravan:'
  const key = (userId: string) => `${prefix}presence:${userId}`
  const nodesKey = `${prefix}presence-nodes`
  const usersOf = (nodeId: string) => `${prefix}presence-node:${nodeId}`
  const listeners: ((userIds: string[], lastSeenAt: Date) => Promise<void>)[] = []

  async function othersOnline(userId: string): Promise<boolean> {
    if (!redis) return false
    const members = await redis.zrangebyscore(key(userId), now(), '+inf')
    return members.some((m) => m !== options.nodeId)
  }

  const heartbeat = () => redis?.zadd(nodesKey, now() + TTL_MS, options.nodeId).catch(() => undefined)
  void heartbeat()

  async function sweep(): Promise<string[]> {
    if (!redis) return []
    await heartbeat()
    const gone: string[] = []
    for (const [dead, expiry] of pairs(await redis.zrangebyscore(nodesKey, '-inf', now(), 'WITHSCORES'))) {
      if (dead === options.nodeId || (await redis.zrem(nodesKey, dead)) !== 1) continue
      const users = await redis.smembers(usersOf(dead))
      await redis.del(usersOf(dead))
      const left: string[] = []
      for (const userId of users) {
        await redis.zrem(key(userId), dead)
        if (!local.has(userId) && !(await redis.zcount(key(userId), now(), '+inf'))) left.push(userId)
      }
      // Last heard of when the dead node last renewed.
      if (left.length) for (const listener of listeners) await listener(left, new Date(Number(expiry) - TTL_MS))
      gone.push(...left)
    }
    return gone
  }

  const renew = redis
    ? setInterval(() => {
        void heartbeat()
        // One command at a time, each caught: an ioredis pipeline cut by a closing connection
        // rejects its commands' own promises, which no one would be there to catch.
        for (const userId of local.keys()) {
          redis.zadd(key(userId), now() + TTL_MS, options.nodeId).catch(() => undefined)
          redis.pexpire(key(userId), TTL_MS).catch(() => undefined)
        }
        sweep().catch(() => undefined)
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
      await redis.sadd(usersOf(options.nodeId), userId)
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
      await redis.srem(usersOf(options.nodeId), userId)
      // Reconnected here meanwhile (a page reload): still online.
      if (local.has(userId)) return false
      return !(await othersOnline(userId))
    },
    async online(userIds) {
      const result = new Set(userIds.filter((id) => local.has(id)))
      const unknown = userIds.filter((id) => !result.has(id))
      if (!redis || !unknown.length) return result
      // One command for up to ONLINE_CHUNK of them (a chat send asks about every member held
      // elsewhere); a conversation list's members can be thousands, and one script over all of
      // them would hold Redis for every other client meanwhile.
      const at = now()
      for (let from = 0; from < unknown.length; from += ONLINE_CHUNK) {
        const chunk = unknown.slice(from, from + ONLINE_CHUNK)
        const counts = (await redis.eval(LIVE_NODES, chunk.length, ...chunk.map(key), at)) as number[]
        chunk.forEach((id, i) => {
          if (counts[i] > 0) result.add(id)
        })
      }
      return result
    },
    onGone(listener) {
      listeners.push(listener)
    },
    sweep,
    async close() {
      if (renew) clearInterval(renew)
      if (redis) await Promise.all([redis.zrem(nodesKey, options.nodeId), redis.del(usersOf(options.nodeId))]).catch(() => undefined)
    },
  }
}

/** [member, score, member, score, …] (WITHSCORES) as pairs. */
function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}
