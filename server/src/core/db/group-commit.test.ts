import { describe, expect, it } from 'vitest'
import { createBatchedWrites, createGroupCommit, type ItemResult } from './group-commit'

/** A writer that records its batches and holds each until released. */
function recorder(decide: (item: number) => ItemResult<string> | 'throw' = (n) => ({ ok: true, value: `w${n}` })) {
  const batches: number[][] = []
  const held: (() => void)[] = []
  const write = async (items: number[]) => {
    batches.push(items)
    await new Promise<void>((release) => held.push(release))
    if (items.some((n) => decide(n) === 'throw')) throw new Error(`batch ${items.join(',')} rolled back`)
    return items.map((n) => decide(n) as ItemResult<string>)
  }
  const releaseAll = async () => {
    // Released batches let waiting ones start; keep releasing until nothing is held.
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r))
      held.splice(0).forEach((release) => release())
    }
  }
  return { write, batches, releaseAll }
}

describe('group commit', () => {
  it('writes items of one turn together, and items arriving while the slots are busy in the next batch', async () => {
    const r = recorder()
    const commit = createGroupCommit({ write: r.write, maxInFlight: 1 })
    const first = [1, 2, 3].map((n) => commit.submit(n))
    await new Promise((resolve) => setImmediate(resolve))
    expect(r.batches).toEqual([[1, 2, 3]])
    const later = [4, 5].map((n) => commit.submit(n))
    await new Promise((resolve) => setImmediate(resolve))
    expect(r.batches).toHaveLength(1) // the slot is busy: 4 and 5 wait
    await r.releaseAll()
    expect(await Promise.all([...first, ...later])).toEqual(['w1', 'w2', 'w3', 'w4', 'w5'])
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ])
    expect(commit.idle()).toBe(true)
  })

  it('keeps batches within maxBatch and runs at most maxInFlight at once', async () => {
    const r = recorder()
    const commit = createGroupCommit({ write: r.write, maxBatch: 2, maxInFlight: 2 })
    const all = [1, 2, 3, 4, 5].map((n) => commit.submit(n))
    await new Promise((resolve) => setImmediate(resolve))
    expect(r.batches).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(commit.idle()).toBe(false)
    await r.releaseAll()
    expect(await Promise.all(all)).toHaveLength(5)
    expect(r.batches.at(-1)).toEqual([5])
  })

  it('with keys, a batch started beside another leaves out the items sharing a key with it, in their order', async () => {
    const r = recorder()
    // Items 10–19 lock "a", 20–29 lock "b", 30–39 lock "a" and "c".
    const keys = (n: number) => (n < 20 ? ['a'] : n < 30 ? ['b'] : ['a', 'c'])
    const commit = createGroupCommit({ write: r.write, maxInFlight: 2, keys })
    const first = commit.submit(10)
    await new Promise((resolve) => setImmediate(resolve))
    expect(r.batches).toEqual([[10]])
    // "a" is held by the batch in flight: 11, 31 and everything after them on "a" or "c" wait; 20 and 21 go.
    const rest = [11, 20, 31, 32, 21].map((n) => commit.submit(n))
    await new Promise((resolve) => setImmediate(resolve))
    expect(r.batches).toEqual([[10], [20, 21]])
    await r.releaseAll()
    expect(await Promise.all([first, ...rest])).toEqual(['w10', 'w11', 'w20', 'w31', 'w32', 'w21'])
    expect(r.batches.slice(2)).toEqual([[11, 31, 32]])
    expect(commit.idle()).toBe(true)
  })

  it('a refused item is answered alone; the others are written', async () => {
    const r = recorder((n) => (n === 2 ? { ok: false, error: new Error('refused 2') } : { ok: true, value: `w${n}` }))
    const commit = createGroupCommit({ write: r.write })
    const all = Promise.allSettled([1, 2, 3].map((n) => commit.submit(n)))
    await r.releaseAll()
    const settled = await all
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(r.batches).toEqual([[1, 2, 3]])
  })

  it('a batch that throws is written again item by item, so only the bad item fails', async () => {
    const r = recorder((n) => (n === 2 ? 'throw' : { ok: true, value: `w${n}` }))
    const commit = createGroupCommit({ write: r.write })
    const all = Promise.allSettled([1, 2, 3].map((n) => commit.submit(n)))
    await r.releaseAll()
    const settled = await all
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : String(s.reason)))).toEqual(['w1', 'Error: batch 2 rolled back', 'w3'])
    expect(r.batches).toEqual([[1, 2, 3], [1], [2], [3]])
    expect(commit.idle()).toBe(true)
  })

  it('batched writes: items of one turn go in one write; a write that throws fails only its own item', async () => {
    const writes: string[][] = []
    const write = createBatchedWrites(async (rows: string[]) => {
      writes.push(rows)
      if (rows.includes('bad')) throw new Error('refused')
    })
    const all = await Promise.allSettled(['a', 'bad', 'c'].map(write))
    expect(all.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(writes).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']])
  })
})
