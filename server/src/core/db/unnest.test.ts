import { sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import { unnestRows } from './unnest'

const build = (query: ReturnType<typeof sql>) => new PgDialect().sqlToQuery(query)

describe('unnestRows', () => {
  const rows = [
    { a: 1, b: 'x' },
    { a: 2, b: null },
  ]
  const columns = { a: ['int', (r: (typeof rows)[number]) => r.a], b: ['text', (r: (typeof rows)[number]) => r.b] } as const

  it('is one array parameter per column, numbered in place among the statement’s other parameters', () => {
    const u = unnestRows(rows, columns)
    const q = build(sql`insert into t (${u.names}) select * from ${u.rows} where x = ${5} and y = ${'z'}`)
    expect(q.sql).toBe('insert into t (a, b) select * from unnest($1::int[], $2::text[]) as v(a, b) where x = $3 and y = $4')
    expect(q.params).toEqual([[1, 2], ['x', null], 5, 'z'])
    const after = build(sql`select ${7}, * from ${unnestRows(rows, columns).rows}`)
    expect(after.sql).toBe('select $1, * from unnest($2::int[], $3::text[]) as v(a, b)')
  })

  it('refuses a column name or type that is not a plain identifier', () => {
    expect(() => unnestRows(rows, { 'a; drop table t': ['int', (r) => r.a] })).toThrow(/bad column/)
    expect(() => unnestRows(rows, { a: ['int[]); --', (r) => r.a] })).toThrow(/bad column/)
  })
})
