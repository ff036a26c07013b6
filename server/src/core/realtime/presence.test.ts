import { Redis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { REDIS_URL, requireServices, uniquePrefix } from '../../../test/helpers/services'
import { createPresence, ONLINE_CHUNK } from './presence'

describe('presence', () => {
  it('one process: online while a socket is held, offline after the last', async () => {
    const p = createPresence({ nodeId: 'solo' })
    expect(await p.connected('u')).toBe(true)
    expect(await p.connected('u')).toBe(false)
    expect(await p.disconnected('u')).toBe(false)
    expect([...(await p.online(['u', 'v']))]).toEqual(['u'])
    expect(await p.disconnected('u')).toBe(true)
    expect((await p.online(['u'])).size).toBe(0)
    expect(await p.sweep()).toEqual([])
    await p.close()
  })

  const clients: Redis[] = []
  afterAll(() => {
    for (const c of clients) c.disconnect()
  })

  it('redis: a dead node’s users go offline once, announced by one living node, with when they were last heard of', async (ctx) => {
    if (!(await requireServices({ redis: true }))) return ctx.skip()
    const prefix = uniquePrefix()
    const redis = () => {
      const c = new Redis(REDIS_URL)
      clients.push(c)
      return c
    }
    const dead = createPresence({ redis: redis(), prefix, nodeId: 'dead' })
    const a = createPresence({ redis: redis(), prefix, nodeId: 'a' })
    const b = createPresence({ redis: redis(), prefix, nodeId: 'b' })
    const heard: { by: string; userIds: string[]; at: number }[] = []
    a.onGone(async (userIds, at) => void heard.push({ by: 'a', userIds, at: at.getTime() }))
    b.onGone(async (userIds, at) => void heard.push({ by: 'b', userIds, at: at.getTime() }))

    await dead.connected('alone')
    await dead.connected('also-on-a')
    await a.connected('also-on-a')
    await dead.connected('left-cleanly')
    await dead.disconnected('left-cleanly')
    expect([...(await b.online(['alone', 'also-on-a', 'left-cleanly']))].sort()).toEqual(['alone', 'also-on-a'])
    expect(await Promise.all([a.sweep(), b.sweep()])).toEqual([[], []])

    // A crash: the node's timer stops with it and its entries stay until they run out. (close()
    // would remove them, as a clean stop does; they are put back as a minute without renewals leaves them.)
    await dead.close()
    const raw = redis()
    const ranOut = Date.now() - 1
    await raw.zadd(`${prefix}presence-nodes`, ranOut, 'dead')
    await raw.sadd(`${prefix}presence-node:dead`, 'alone', 'also-on-a')
    for (const userId of ['alone', 'also-on-a']) await raw.zadd(`${prefix}presence:${userId}`, ranOut, 'dead')

    const [fromA, fromB] = await Promise.all([a.sweep(), b.sweep()])
    expect([...fromA, ...fromB]).toEqual(['alone'])
    expect(heard).toHaveLength(1)
    expect(heard[0].userIds).toEqual(['alone'])
    expect(heard[0].at).toBe(ranOut - 60_000)
    expect([...(await b.online(['alone', 'also-on-a']))]).toEqual(['also-on-a'])
    // Swept once: later sweeps find nothing.
    expect(await a.sweep()).toEqual([])
    expect(await raw.exists(`${prefix}presence-node:dead`)).toBe(0)
    await Promise.all([a.close(), b.close()])
    expect(await raw.zcard(`${prefix}presence-nodes`)).toBe(0)
  })

  it('redis: who is online among many users held elsewhere is one command a thousand', async (ctx) => {
    if (!(await requireServices({ redis: true }))) return ctx.skip()
    const prefix = uniquePrefix()
    const [ra, rb] = [new Redis(REDIS_URL), new Redis(REDIS_URL)]
    clients.push(ra, rb)
    const a = createPresence({ redis: ra, prefix, nodeId: 'a' })
    const b = createPresence({ redis: rb, prefix, nodeId: 'b' })
    const held = Array.from({ length: 300 }, (_, i) => `held-${i}`)
    for (const userId of held) await a.connected(userId)
    await b.connected('local')
    // An entry whose node stopped renewing it no longer counts.
    await ra.zadd(`${prefix}presence:stale`, Date.now() - 1, 'gone-node')
    const sent = vi.spyOn(rb, 'sendCommand')
    try {
      const asked = [...held, 'local', 'stale', 'never-seen', 'سارا']
      expect([...(await b.online(asked))].sort()).toEqual([...held, 'local'].sort())
      expect(sent).toHaveBeenCalledTimes(1)
      // Thousands (a conversation list's members) go a chunk a command.
      sent.mockClear()
      const many = Array.from({ length: 2 * ONLINE_CHUNK + 1 }, (_, i) => `nobody-${i}`)
      expect([...(await b.online([...many, 'held-7']))]).toEqual(['held-7'])
      expect(sent).toHaveBeenCalledTimes(3)
    } finally {
      sent.mockRestore()
    }
    await Promise.all([a.close(), b.close()])
  })
})
