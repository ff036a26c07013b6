// Cross-node cache invalidation. A node that changes hot configuration (a session, an API key, a
// setting) publishes "cache X, key K changed"; every node drops its copy. Over Redis pub/sub when
// REDIS_URL is set, else over PostgreSQL LISTEN/NOTIFY; on PGlite there is one process, so the
// message only goes to this node's own subscribers.
import type { Redis } from 'ioredis'
import pg from 'pg'
import type { Logger } from 'pino'

export type InvalidationHandler = (key: string) => void

export interface InvalidationBus {
  /** Tells every node (this one at once, the others within milliseconds) that `cache`/`key` changed. */
  publish(cache: string, key: string): Promise<void>
  subscribe(cache: string, handler: InvalidationHandler): void
  close(): Promise<void>
}

const PG_CHANNEL = 'caravan_invalidate'

export function createInvalidationBus(options: {
  logger: Logger
  /** `sub` is a connection of its own: subscriber mode allows nothing else on it. */
  redis?: { pub: Redis; sub: Redis; prefix: string }
  postgresUrl?: string
}): InvalidationBus {
  const { logger } = options
  const handlers = new Map<string, Set<InvalidationHandler>>()
  // Messages carry the sender's id so a node does not handle its own message twice.
  const nodeId = Math.random().toString(36).slice(2)

  function deliver(cache: string, key: string) {
    for (const handler of handlers.get(cache) ?? []) {
      try {
        handler(key)
      } catch (err) {
        logger.error({ err, cache }, 'cache invalidation handler failed')
      }
    }
  }

  function receive(raw: string) {
    try {
      const message = JSON.parse(raw) as { node: string; cache: string; key: string }
      if (message.node !== nodeId) deliver(message.cache, message.key)
    } catch {
      logger.warn('ignored a malformed cache invalidation message')
    }
  }

  let remotePublish: ((payload: string) => Promise<unknown>) | undefined
  let closeRemote: (() => Promise<void>) | undefined

  if (options.redis) {
    const { pub, sub, prefix } = options.redis
    const channel = prefix + 'invalidate'
    void sub.subscribe(channel).catch((err) => logger.error({ err: err.message }, 'cache invalidation subscribe failed'))
    sub.on('message', (ch: string, raw: string) => {
      if (ch === channel) receive(raw)
    })
    remotePublish = (payload) => pub.publish(channel, payload)
    // The connections belong to the caller, who closes them.
    closeRemote = async () => {
      await sub.unsubscribe(channel).catch(() => {})
    }
  } else if (options.postgresUrl) {
    const url = options.postgresUrl
    const publisher = new pg.Pool({ connectionString: url, max: 1 })
    publisher.on('error', () => {})
    let listener: pg.Client | undefined
    let closed = false
    const listen = async () => {
      const client = new pg.Client({ connectionString: url })
      client.on('notification', (n) => {
        if (n.channel === PG_CHANNEL && n.payload) receive(n.payload)
      })
      client.on('error', (err) => {
        logger.warn({ err: err.message }, 'cache invalidation listener lost its connection; reconnecting')
        listener = undefined
        if (!closed) setTimeout(() => void listen().catch(() => {}), 1000).unref()
      })
      await client.connect()
      await client.query(`LISTEN ${PG_CHANNEL}`)
      listener = client
    }
    void listen().catch((err) => logger.error({ err: err.message }, 'cache invalidation listener could not start'))
    remotePublish = (payload) => publisher.query('select pg_notify($1, $2)', [PG_CHANNEL, payload])
    closeRemote = async () => {
      closed = true
      await listener?.end().catch(() => {})
      await publisher.end().catch(() => {})
    }
  }

  return {
    async publish(cache, key) {
      deliver(cache, key)
      if (!remotePublish) return
      try {
        await remotePublish(JSON.stringify({ node: nodeId, cache, key }))
      } catch (err) {
        // Other nodes then fall back to the cache's time-to-live.
        logger.error({ err: (err as Error).message, cache }, 'cache invalidation could not be published')
      }
    },
    subscribe(cache, handler) {
      let set = handlers.get(cache)
      if (!set) handlers.set(cache, (set = new Set()))
      set.add(handler)
    },
    async close() {
      await closeRemote?.()
    },
  }
}
