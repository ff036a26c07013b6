// Many rows as one array parameter per column: `insert into t (cols) select * from unnest(…)`.
// Drizzle builds a multi-row VALUES list at several microseconds a value, and PostgreSQL parses
// and plans a statement that grows with the batch; with arrays both stay the size of one row,
// whatever the batch holds. Use it for the batched writes of a hot path (group commits).
import { Param, SQL, StringChunk, sql } from 'drizzle-orm'

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

function checked<R>(columns: Record<string, UnnestColumn<R>>) {
  const entries = Object.entries(columns)
  for (const [name, [type]] of entries) {
    if (!NAME.test(name) || !TYPE.test(type)) throw new Error(`unnestRows: bad column ${name} ${type}`)
  }
  return { entries, list: entries.map(([name]) => name).join(', ') }
}

/** Names and types are the caller's own constants (checked): only the values become parameters. */
export function unnestRows<R>(rows: readonly R[], columns: Record<string, UnnestColumn<R>>): UnnestRows {
  const { entries, list } = checked(columns)
  // One flat list of chunks (text, array, text, …): Drizzle builds a statement by walking nested
  // SQL objects chunk by chunk, at a cost per chunk, and a busy batched write builds one a batch.
  const chunks: (StringChunk | Param)[] = [new StringChunk('unnest(')]
  entries.forEach(([, [type, value]], i) => {
    chunks.push(new Param(rows.map((row) => value(row) ?? null)), new StringChunk(`::${type}[]${i < entries.length - 1 ? ', ' : ''}`))
  })
  chunks.push(new StringChunk(`) as v(${list})`))
  return { names: sql.raw(list), rows: new SQL(chunks) }
}

/**
 * `unnestRows` for a statement built once (core/db/prepared.ts `compiled`): `rows` holds a
 * placeholder per column, named `${prefix}${column}`, and `values(rows)` gives what they take.
 */
export function unnestColumns<R>(
  prefix: string,
  columns: Record<string, UnnestColumn<R>>,
): UnnestRows & { values(rows: readonly R[]): Record<string, unknown[]> } {
  const { entries, list } = checked(columns)
  const arrays = entries.map(([name, [type]]) => sql`${sql.placeholder(prefix + name)}::${sql.raw(type)}[]`)
  return {
    names: sql.raw(list),
    rows: sql`unnest(${sql.join(arrays, sql`, `)}) as v(${sql.raw(list)})`,
    values: (rows) => {
      const values: Record<string, unknown[]> = {}
      for (const [name, [, value]] of entries) values[prefix + name] = rows.map((row) => value(row) ?? null)
      return values
    },
  }
}
