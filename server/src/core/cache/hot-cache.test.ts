import type { Logger } from 'pino'
import { describe, expect, it } from 'vitest'
import { createHotCache } from './hot-cache'
import { createInvalidationBus } from './invalidation'

const silent = { error: () => {}, warn: () => {} } as unknown as Logger

function setup(load: (key: string) => Promise<string>, now = () => 0) {
  const bus = createInvalidationBus({ logger: silent })
  return createHotCache({ name: 'test', load, bus, ttlMs: 1000, maxEntries: 3, now })
}

describe('hot cache', () => {
  it('loads once, serves from memory, and shares one load between concurrent misses', async () => {
    let loads = 0
    const cache = setup(async (k) => `${k}:${++loads}`)
    const [a, b] = await Promise.all([cache.get('x'), cache.get('x')])
    expect([a, b, await cache.get('x')]).toEqual(['x:1', 'x:1', 'x:1'])
    expect(loads).toBe(1)
  })

  it('drops a key on invalidate and tells listeners', async () => {
    let loads = 0
    const cache = setup(async (k) => `${k}:${++loads}`)
    const seen: string[] = []
    cache.onInvalidate((k) => seen.push(k))
    await cache.get('x')
    await cache.invalidate('x')
    expect(await cache.get('x')).toBe('x:2')
    expect(seen).toEqual(['x'])
  })

  it('does not keep a value loaded before an invalidation that happened during the load', async () => {
    let release: (v: string) => void = () => {}
    let calls = 0
    const cache = setup((k) => {
      calls++
      return calls === 1 ? new Promise((r) => (release = r)) : Promise.resolve(`${k}:fresh`)
    })
    const first = cache.get('x')
    await cache.invalidate('x') // the change commits while the first load is still reading
    release('x:stale')
    expect(await first).toBe('x:stale')
    expect(await cache.get('x')).toBe('x:fresh')
  })

  it('expires entries after their time-to-live and evicts the oldest beyond maxEntries', async () => {
    let clock = 0
    let loads = 0
    const cache = setup(
      async (k) => `${k}:${++loads}`,
      () => clock,
    )
    await cache.get('a')
    clock = 1001
    expect(await cache.get('a')).toBe('a:2')
    for (const k of ['b', 'c', 'd']) await cache.get(k)
    const before = loads
    await cache.get('a') // evicted by b, c, d
    expect(loads).toBe(before + 1)
  })

  it('a failed load is not cached', async () => {
    let fail = true
    const cache = setup(async (k) => {
      if (fail) throw new Error('db down')
      return k
    })
    await expect(cache.get('x')).rejects.toThrow('db down')
    fail = false
    expect(await cache.get('x')).toBe('x')
  })
})
