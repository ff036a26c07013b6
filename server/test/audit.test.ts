import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCaravan, type TestCaravan } from './helpers/caravan'

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
    const rows = (await t.database.query('select seq, prev_hash, hash from audit_log order by seq')).rows
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash)
    expect(await audit.verify()).toMatchObject({ valid: true, checked: rows.length })
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

  it('refuses UPDATE and DELETE in the database itself', async () => {
    await expect(t.database.query(`update audit_log set action = 'forged'`)).rejects.toThrow(/append-only/)
    await expect(t.database.query(`delete from audit_log`)).rejects.toThrow(/append-only/)
  })

  it("verify finds a row changed behind the trigger's back", async () => {
    await t.database.query('alter table audit_log disable trigger audit_log_append_only')
    const target = (await t.database.query(`select seq from audit_log order by seq limit 1 offset 2`)).rows[0].seq
    await t.database.query(`update audit_log set data = '{"i": 999}' where seq = $1`, [target])
    await t.database.query('alter table audit_log enable trigger audit_log_append_only')
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
