import { Redis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { REDIS_URL, requireServices, uniquePrefix } from '../../../test/helpers/services'
import { memoryCounterStore, redisCounterStore, sweeper, type CounterStore } from './rate-limit-store'

async function behaves(store: CounterStore) {
  expect(await store.peek('k')).toEqual({ count: 0, resetInSeconds: 0 })
  expect((await store.hit('k', 60)).count).toBe(1)
  const second = await store.hit('k', 60)
  expect(second.count).toBe(2)
  expect(second.resetInSeconds).toBeGreaterThan(0)
  expect(second.resetInSeconds).toBeLessThanOrEqual(60)
  expect((await store.peek('k')).count).toBe(2)
  await store.reset('k')
  expect((await store.peek('k')).count).toBe(0)
}

/** Unique members in a sliding window: a repeat counts once and keeps its place. */
async function countsOnce(store: CounterStore, advance: (ms: number) => Promise<void>) {
  expect(await store.hitUnique('u', 'n1', 60)).toEqual({ position: 1, count: 1 })
  await advance(10)
  expect(await store.hitUnique('u', 'n2', 60)).toEqual({ position: 2, count: 2 })
  // A retried step adds n1 again: nothing changes, and its answer is the first one.
  expect(await store.hitUnique('u', 'n1', 60)).toEqual({ position: 1, count: 2 })
  await advance(10)
  expect(await store.hitUnique('u', 'n3', 60)).toEqual({ position: 3, count: 3 })
  expect(await store.hitUnique('other', 'n1', 60)).toEqual({ position: 1, count: 1 })
  await store.reset('u')
  expect(await store.hitUnique('u', 'n2', 60)).toEqual({ position: 1, count: 1 })
}

describe('counter stores', () => {
  it('memory: counts within the window and forgets after it', async () => {
    let now = 1_000_000
    const store = memoryCounterStore(() => now)
    await behaves(store)
    await store.hit('w', 10)
    now += 11_000
    expect((await store.peek('w')).count).toBe(0)
  })

  it('memory: unique members count once in a sliding window', async () => {
    let now = 1_000_000
    const store = memoryCounterStore(() => now)
    await countsOnce(store, async (ms) => {
      now += ms
    })
    // The window slides: members older than it leave one by one, and may then count again.
    await store.hitUnique('s', 'a', 10)
    now += 6_000
    await store.hitUnique('s', 'b', 10)
    now += 5_000
    expect(await store.hitUnique('s', 'c', 10)).toEqual({ position: 2, count: 2 })
    now += 1
    expect(await store.hitUnique('s', 'a', 10)).toEqual({ position: 3, count: 3 })
  })

  it('memory: members added in the same millisecond still rank in the order they came', async () => {
    const store = memoryCounterStore(() => 5_000)
    // Names sorting against arrival order: ranks must follow arrival, not the name.
    const positions = []
    for (const member of ['z', 'y', 'x', 'w']) positions.push((await store.hitUnique('ms', member, 60)).position)
    expect(positions).toEqual([1, 2, 3, 4])
  })

  it('memory: expired entries are swept once the map doubles, so 200,000 live keys cost a constant number of checks each', () => {
    const map = new Map<string, number>()
    let checks = 0
    let now = 0
    const sweep = sweeper(map, (expiresAt) => (checks++, expiresAt <= now), 1000)
    for (let i = 0; i < 5000; i++) {
      map.set(`old:${i}`, 10)
      sweep()
    }
    now = 20 // the 5,000 above have expired
    for (let i = 0; i < 200_000; i++) {
      map.set(`live:${i}`, 100)
      sweep()
    }
    expect([...map.keys()].some((k) => k.startsWith('old:'))).toBe(false)
    expect(map.size).toBe(200_000)
    // A scan on every new key past a fixed size would be about 200,000 × 100,000 checks.
    expect(checks).toBeLessThan(4 * 205_000)
  })

  it('memory: a window keeps working after a sweep, and an expired one starts again', async () => {
    let now = 1_000_000
    const store = memoryCounterStore(() => now)
    for (let i = 0; i < 25_000; i++) await store.hitUnique(`user:${i}`, 'n1', 10)
    now += 11_000
    for (let i = 25_000; i < 50_000; i++) await store.hitUnique(`user:${i}`, 'n2', 10)
    expect(await store.hitUnique('user:1', 'n3', 10)).toEqual({ position: 1, count: 1 })
    expect(await store.hitUnique('user:30000', 'n3', 10)).toEqual({ position: 2, count: 2 })
  })

  const clients: Redis[] = []
  afterAll(() => {
    for (const c of clients) c.disconnect()
  })
  it('redis: the same behaviour, shared by every node', async (ctx) => {
    if (!(await requireServices({ redis: true }))) return ctx.skip()
    const prefix = uniquePrefix()
    const a = new Redis(REDIS_URL)
    const b = new Redis(REDIS_URL)
    clients.push(a, b)
    await behaves(redisCounterStore(a, prefix))
    await redisCounterStore(a, prefix).hit('shared', 60)
    expect((await redisCounterStore(b, prefix).hit('shared', 60)).count).toBe(2)
    await Promise.all(Array.from({ length: 50 }, () => redisCounterStore(b, prefix).hit('burst', 60)))
    expect((await redisCounterStore(a, prefix).peek('burst')).count).toBe(50)
  })

  it('redis: a hit is one command, and a counter left without an expiry gets one', async (ctx) => {
    if (!(await requireServices({ redis: true }))) return ctx.skip()
    const prefix = uniquePrefix()
    const a = new Redis(REDIS_URL)
    clients.push(a)
    const store = redisCounterStore(a, prefix)
    await a.ping() // connected: the handshake's commands are not the hit's
    const sent = vi.spyOn(a, 'sendCommand')
    try {
      expect(await store.hit('fresh', 30)).toEqual({ count: 1, resetInSeconds: 30 })
      expect(sent).toHaveBeenCalledTimes(1)
    } finally {
      sent.mockRestore()
    }
    // A counter an interrupted older version left behind, counting forever: the next hit bounds it.
    await a.set(prefix + 'stuck', '7')
    expect(await store.hit('stuck', 60)).toEqual({ count: 8, resetInSeconds: 60 })
    expect(await a.pttl(prefix + 'stuck')).toBeGreaterThan(55_000)
    // Later hits keep the window they are in.
    const later = await store.hit('stuck', 600)
    expect(later.count).toBe(9)
    expect(later.resetInSeconds).toBeLessThanOrEqual(60)
  })

  it('redis: unique members count once, across nodes and at once', async (ctx) => {
    if (!(await requireServices({ redis: true }))) return ctx.skip()
    const prefix = uniquePrefix()
    const a = new Redis(REDIS_URL)
    const b = new Redis(REDIS_URL)
    clients.push(a, b)
    // Real time: a few milliseconds between members keep their order unambiguous.
    await countsOnce(redisCounterStore(a, prefix), (ms) => new Promise((r) => setTimeout(r, ms)))
    // Two nodes retrying the same step at once count it once.
    await Promise.all(Array.from({ length: 20 }, (_, i) => redisCounterStore(i % 2 ? a : b, prefix).hitUnique('race', `m${i % 5}`, 60)))
    expect((await redisCounterStore(a, prefix).hitUnique('race', 'm0', 60)).count).toBe(5)
    expect(await a.pttl(prefix + 'race')).toBeGreaterThan(50_000)
  })

  it('redis: distinct members added at once from two nodes get every position exactly once', async (ctx) => {
    if (!(await requireServices({ redis: true }))) return ctx.skip()
    const prefix = uniquePrefix()
    const a = new Redis(REDIS_URL)
    const b = new Redis(REDIS_URL)
    clients.push(a, b)
    // A per-hour limit of N lets exactly N through only if no two members see the same position.
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => redisCounterStore(i % 2 ? a : b, prefix).hitUnique(`burst-${round}`, `n${29 - i}`, 60)),
      )
      expect(answers.map((x) => x.position).sort((p, q) => p - q)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    }
  })
})
