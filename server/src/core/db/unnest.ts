// Many rows as one array parameter per column: `insert into t (cols) select * from unnest(…)`.
// Drizzle builds a multi-row VALUES list at several microseconds a value, and PostgreSQL parses
// and plans a statement that grows with the batch; with arrays both stay the size of one row,
// whatever the batch holds. Use it for the batched writes of a hot path (group commits).
import { sql, type SQL } from 'drizzle-orm'

/** A column: its SQL type (the array's element type) and how a row gives its value (null for SQL null). */
export type UnnestColumn<R> = readonly [type: string, value: (row: R) => unknown]

export interface UnnestRows {
  /** The column names, for the insert's column list: `insert into t (${names}) select * from ${rows}`. */
  names: SQL
  /** `unnest($1::type[], …) as v(names)`: the rows as a table. */
  rows: SQL
}

const NAME = /^[a-z_][a-z0-9_]*$/
const TYPE = /^[a-z_][a-z0-9_ ]*$/

/** Names and types are the caller's own constants (checked): only the values become parameters. */
export function unnestRows<R>(rows: readonly R[], columns: Record<string, UnnestColumn<R>>): UnnestRows {
  const entries = Object.entries(columns)
  for (const [name, [type]] of entries) {
    if (!NAME.test(name) || !TYPE.test(type)) throw new Error(`unnestRows: bad column ${name} ${type}`)
  }
  const names = sql.raw(entries.map(([name]) => name).join(', '))
  const arrays = sql.join(
    entries.map(([, [type, value]]) => sql`${sql.param(rows.map((row) => value(row) ?? null))}::${sql.raw(type)}[]`),
    sql`, `,
  )
  return { names, rows: sql`unnest(${arrays}) as v(${names})` }
}
