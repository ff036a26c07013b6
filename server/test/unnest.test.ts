// unnestRows: rows written as one array per column come back exactly as given (quotes, braces,
// commas, unicode, nulls, JSON, big numbers), on the run's database (PGlite, or PostgreSQL in CI).
// compiled / compiledSelect / compiledSelectPair (core/db/prepared.ts): built once, run with each call's values.
import { sql } from 'drizzle-orm'
import { jsonb, numeric, PgDialect, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../src/core/db/client'
import { compiled, compiledSelect, compiledSelectPair } from '../src/core/db/prepared'
import { unnestColumns, unnestRows } from '../src/core/db/unnest'

let d: Database

beforeAll(async () => {
  d = await openDatabase({ databaseUrl: process.env.DATABASE_URL, pgliteDir: 'memory://', poolSize: 1 })
  await d.query(`create temp table unnest_check (id uuid primary key, label text, amount numeric, doc jsonb, at timestamptz)`)
})
afterAll(async () => {
  await d?.close()
})

type Row = { id: string; label: string | null; amount: bigint; doc: unknown; at: Date | null }
const columns = {
  id: ['uuid', (r: Row) => r.id],
  label: ['text', (r: Row) => r.label],
  amount: ['numeric', (r: Row) => r.amount.toString()],
  doc: ['jsonb', (r: Row) => JSON.stringify(r.doc)],
  at: ['timestamptz', (r: Row) => r.at?.toISOString()],
} as const

describe('unnestRows', () => {
  it('writes every row as given, whatever its text holds, in one statement of five parameters', async () => {
    const rows: Row[] = [
      {
        id: '0190a07e-cf01-4f01-ae81-e04ccd38a3f1',
        label: 'a"b,{c}\\d',
        amount: 10n ** 30n,
        doc: [{ q: 'x"y' }],
        at: new Date('2026-03-20T20:30:00Z'),
      },
      { id: '0190a07e-cf01-4f01-ae81-e04ccd38a3f2', label: 'پرداخت ۱۲۳ 💳', amount: 0n, doc: { nested: { list: [1, null] } }, at: null },
      { id: '0190a07e-cf01-4f01-ae81-e04ccd38a3f3', label: null, amount: 125000n, doc: [], at: new Date(0) },
      { id: '0190a07e-cf01-4f01-ae81-e04ccd38a3f4', label: 'NULL', amount: 1n, doc: 'NULL', at: null },
    ]
    const u = unnestRows(rows, columns)
    const query = new PgDialect().sqlToQuery(sql`insert into unnest_check (${u.names}) select * from ${u.rows}`)
    expect(query.params).toHaveLength(5)
    await d.db.execute(sql`insert into unnest_check (${u.names}) select * from ${u.rows}`)
    const { rows: back } = await d.query(`select id, label, amount::text, doc, at from unnest_check order by id`)
    expect(back.map((r) => [r.id, r.label, r.amount, r.doc, r.at === null ? null : new Date(r.at).toISOString()])).toEqual(
      rows.map((r) => [r.id, r.label, r.amount.toString(), r.doc, r.at?.toISOString() ?? null]),
    )
  })

  it('numbers its arrays in place among the statement’s other parameters', () => {
    const u = unnestRows([{ a: 1 }, { a: 2 }], { a: ['int', (r: { a: number }) => r.a], b: ['text', () => null] })
    const query = new PgDialect().sqlToQuery(sql`select ${7}, * from ${u.rows} where v.a > ${0}`)
    expect(query.sql).toBe('select $1, * from unnest($2::int[], $3::text[]) as v(a, b) where v.a > $4')
    expect(query.params).toEqual([7, [1, 2], [null, null], 0])
  })

  it('refuses a column name or type that is not a plain identifier', () => {
    expect(() => unnestRows([{}], { 'id; drop table x': ['uuid', () => null] })).toThrow(/bad column/)
    expect(() => unnestRows([{}], { id: ['uuid[]); drop table x; --', () => null] })).toThrow(/bad column/)
  })
})

describe('statements built once', () => {
  const table = pgTable('unnest_check', {
    id: uuid('id').primaryKey(),
    label: text('label'),
    amount: numeric('amount', { mode: 'bigint' }),
    doc: jsonb('doc'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }),
  })
  const id = (n: number) => `0190a07e-cf01-4f01-ae81-${n.toString().padStart(12, '0')}`
  const row = (n: number, label: string | null): Row => ({
    id: id(n),
    label,
    amount: BigInt(n) * 10n ** 20n,
    doc: { n },
    at: new Date(n * 1000),
  })

  it('writes batches of any size through one text, built once, in a transaction or not', async () => {
    await d.query(`delete from unnest_check`)
    const v = unnestColumns('', columns)
    let builds = 0
    const insert = compiled(() => {
      builds++
      return sql`insert into unnest_check (${v.names}) select * from ${v.rows} returning id`
    })
    const one = await insert(d.db, v.values([row(1, 'یک "1"')]))
    const three = await d.db.transaction((tx) => insert(tx, v.values([row(2, null), row(3, '{a,b}'), row(4, 'NULL')])))
    // Inside a transaction that rolls back: it ran on the transaction's connection, so nothing stays.
    await expect(
      d.db.transaction(async (tx) => {
        await insert(tx, v.values([row(5, 'gone')]))
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(builds).toBe(1)
    expect([one.rows.length, three.rows.length]).toEqual([1, 3])
    const { rows: back } = await d.query(`select id, label, amount::text from unnest_check order by id`)
    expect(back).toEqual(
      ['یک "1"', null, '{a,b}', 'NULL'].map((label, i) => ({ id: id(i + 1), label, amount: (BigInt(i + 1) * 10n ** 20n).toString() })),
    )
  })

  it('selects rows mapped as Drizzle maps them, the same for each call’s values, prepared or not', async () => {
    await d.query(`delete from unnest_check`)
    await d.db.insert(table).values([row(1, 'a'), row(2, 'پ'), row(3, null)])
    const select = compiledSelect(table, (p) => sql`where ${table.id} = any(${p('ids')}::uuid[]) order by ${table.id} desc`)
    for (const ids of [[id(1)], [id(3), id(2), id(9)]]) {
      const expected = await d.db
        .select()
        .from(table)
        .where(sql`${table.id} = any(${sql.param(ids)}::uuid[])`)
        .orderBy(sql`${table.id} desc`)
      expect(await select(d.db, { ids })).toEqual(expected)
    }
    expect((await select(d.db, { ids: [id(2)] }))[0]).toEqual({
      id: id(2),
      label: 'پ',
      amount: 2n * 10n ** 20n,
      doc: { n: 2 },
      at: new Date(2000),
    })
    const count = compiled((p) => sql`select count(*)::int as n from unnest_check where label = ${p('label')}`, { prepared: true })
    expect((await count(d.db, { label: 'a' })).rows).toEqual([{ n: 1 }])
    expect((await count(d.db, { label: 'none' })).rows).toEqual([{ n: 0 }])
  })

  it('selects two tables’ rows in one statement, each part mapped as its own select, locked or not', async () => {
    await d.query(`delete from unnest_check`)
    await d.query(`create temp table if not exists pair_check (key text primary key, n numeric, seen timestamptz)`)
    await d.query(`delete from pair_check`)
    const other = pgTable('pair_check', {
      key: text('key').primaryKey(),
      n: numeric('n', { mode: 'bigint' }),
      seen: timestamp('seen', { withTimezone: true, mode: 'date' }),
    })
    await d.db.insert(table).values([row(1, 'a'), row(2, 'پ'), row(3, null)])
    await d.db.insert(other).values([
      { key: 'x', n: 10n ** 25n, seen: new Date(5000) },
      { key: 'y', n: null, seen: null },
    ])
    const pair = compiledSelectPair(
      { table, tail: (p) => sql`where ${table.id} = any(${p('ids')}::uuid[]) order by ${table.id} for update` },
      { table: other, tail: (p) => sql`where ${other.key} = any(${p('keys')}::text[]) order by ${other.key}` },
    )
    const [rows, others] = await d.db.transaction((tx) => pair(tx, { ids: [id(3), id(1)], keys: ['y', 'x', 'z'] }))
    expect(rows).toEqual(
      await d.db
        .select()
        .from(table)
        .where(sql`${table.id} in (${id(1)}, ${id(3)})`)
        .orderBy(table.id),
    )
    expect(rows[0]).toEqual({ id: id(1), label: 'a', amount: 10n ** 20n, doc: { n: 1 }, at: new Date(1000) })
    expect(others).toEqual([
      { key: 'x', n: 10n ** 25n, seen: new Date(5000) },
      { key: 'y', n: null, seen: null },
    ])
    // Either part may find nothing.
    expect(await pair(d.db, { ids: [id(2)], keys: [] })).toEqual([[row(2, 'پ')], []])
    expect(await pair(d.db, { ids: [], keys: ['x'] })).toEqual([[], [{ key: 'x', n: 10n ** 25n, seen: new Date(5000) }]])
  })
})
