import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { REDIS_URL, requireServices, uniquePrefix } from '../../../test/helpers/services'
import { memoryCounterStore, redisCounterStore, type CounterStore } from './rate-limit-store'

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

describe('counter stores', () => {
  it('memory: counts within the window and forgets after it', async () => {
    let now = 1_000_000
    const store = memoryCounterStore(() => now)
    await behaves(store)
    await store.hit('w', 10)
    now += 11_000
    expect((await store.peek('w')).count).toBe(0)
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
})
