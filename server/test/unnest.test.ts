// unnestRows: rows written as one array per column come back exactly as given (quotes, braces,
// commas, unicode, nulls, JSON, big numbers), on the run's database (PGlite, or PostgreSQL in CI).
import { sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../src/core/db/client'
import { unnestRows } from '../src/core/db/unnest'

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
