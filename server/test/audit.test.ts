import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCaravan, type TestCaravan } from './helpers/caravan'
import { GENESIS_HASH } from '../src/core/audit/service'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan()
})
afterAll(async () => {
  await t?.close()
})

describe('audit log', () => {
  it('chains every row to the one before and verifies', async () => {
    const { audit, database } = t.caravan
    for (let i = 0; i < 5; i++) {
      await audit.append(database.db, {
        actor: 'system',
        action: 'test.event',
        targetType: 'thing',
        targetId: String(i),
        data: { i, text: 'سلام', nested: { b: 1, a: [1, 2] } },
      })
    }
    // Appended without a hash; the chainer (50 ms after an append, or asked now) links them.
    await audit.chain(true)
    const rows = (await t.database.query('select seq, chain_pos, prev_hash, hash from audit_log order by chain_pos')).rows
    expect(rows.length).toBeGreaterThanOrEqual(5)
    expect(rows[0].prev_hash).toBe(GENESIS_HASH)
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].hash).toMatch(/^[0-9a-f]{64}$/)
      expect(rows[i].prev_hash).toBe(rows[i - 1].hash)
      expect(BigInt(rows[i].chain_pos)).toBe(BigInt(rows[i - 1].chain_pos) + 1n)
    }
    expect(await audit.verify()).toMatchObject({ valid: true, checked: rows.length })
  })

  it('is chained by itself shortly after the commit', async () => {
    const { audit, database } = t.caravan
    await database.db.transaction((tx) => audit.append(tx, { actor: 'system', action: 'test.chained_soon' }))
    await expect
      .poll(async () => (await t.database.query(`select hash from audit_log where action = 'test.chained_soon'`)).rows[0].hash, {
        timeout: 10_000,
      })
      .toMatch(/^[0-9a-f]{64}$/)
  })

  // Two transactions open at once need a server: PGlite runs one transaction at a time.
  it.skipIf(!process.env.DATABASE_URL)('chains rows in the order they committed, whatever their seq', async () => {
    const { audit, database } = t.caravan
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    let appended: () => void = () => {}
    const first = new Promise<void>((r) => (appended = r))
    // A takes the lower seq but commits last.
    const slow = database.db.transaction(async (tx) => {
      await audit.append(tx, { actor: 'system', action: 'test.order', data: { who: 'A' } })
      appended()
      await gate
    })
    await first
    await database.db.transaction((tx) => audit.append(tx, { actor: 'system', action: 'test.order', data: { who: 'B' } }))
    await audit.chain(true)
    release()
    await slow
    expect(await audit.verify()).toMatchObject({ valid: true })
    const rows = (await t.database.query(`select seq, chain_pos, data from audit_log where action = 'test.order' order by chain_pos`)).rows
    expect(rows.map((r) => r.data.who)).toEqual(['B', 'A'])
    expect(BigInt(rows[1].seq)).toBeLessThan(BigInt(rows[0].seq))
  })

  it('keeps the chain whole under concurrent appends', async () => {
    const { audit, database } = t.caravan
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction((tx) => audit.append(tx, { actor: 'system', action: 'test.concurrent', data: { i } })),
      ),
    )
    expect((await audit.verify()).valid).toBe(true)
  })

  it('rolls back with the transaction it belongs to', async () => {
    const { audit, database } = t.caravan
    const before = (await t.database.query('select count(*)::int as n from audit_log')).rows[0].n
    await database.db
      .transaction(async (tx) => {
        await audit.append(tx, { actor: 'system', action: 'test.rolled_back' })
        tx.rollback()
      })
      .catch(() => {})
    expect((await t.database.query('select count(*)::int as n from audit_log')).rows[0].n).toBe(before)
  })

  it('refuses UPDATE and DELETE in the database itself; a row is chained once, its content unchanged', async () => {
    await expect(t.database.query(`update audit_log set action = 'forged'`)).rejects.toThrow(/append-only/)
    await expect(t.database.query(`delete from audit_log`)).rejects.toThrow(/append-only/)
    const { audit, database } = t.caravan
    await audit.chain(true)
    const [chained] = (await t.database.query(`select seq from audit_log order by seq limit 1`)).rows
    await expect(t.database.query(`update audit_log set hash = repeat('a', 64) where seq = $1`, [chained.seq])).rejects.toThrow(
      /append-only/,
    )
    // An unchained row: being chained with other content is refused too.
    await audit.stop()
    try {
      await database.db.transaction((tx) => audit.append(tx, { actor: 'system', action: 'test.unchained' }))
      const [fresh] = (await t.database.query(`select seq from audit_log where action = 'test.unchained'`)).rows
      await expect(
        t.database.query(
          `update audit_log set chain_pos = 1e12, prev_hash = repeat('0', 64), hash = repeat('b', 64), data = '{"x": 1}' where seq = $1`,
          [fresh.seq],
        ),
      ).rejects.toThrow(/append-only/)
    } finally {
      audit.start()
    }
    expect(await audit.verify()).toMatchObject({ valid: true })
  })

  it("verify finds a row changed behind the trigger's back", async () => {
    await t.database.query('alter table audit_log disable trigger audit_log_chain_only')
    await t.caravan.audit.chain(true)
    const target = (await t.database.query(`select seq from audit_log order by seq limit 1 offset 2`)).rows[0].seq
    await t.database.query(`update audit_log set data = '{"i": 999}' where seq = $1`, [target])
    await t.database.query('alter table audit_log enable trigger audit_log_chain_only')
    const result = await t.caravan.audit.verify()
    expect(result).toMatchObject({ valid: false, brokenAtSeq: String(target), reason: expect.stringContaining('hash') })
  })

  it('lists newest first with a cursor', async () => {
    const page = await t.caravan.audit.list({ limit: 3 })
    expect(page.items).toHaveLength(3)
    expect(page.items[0].seq > page.items[1].seq).toBe(true)
    const next = await t.caravan.audit.list({ limit: 3, before: BigInt(page.nextCursor!) })
    expect(next.items[0].seq < page.items[2].seq).toBe(true)
  })
})
