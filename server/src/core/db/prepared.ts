// Hot statements made cheaper on both sides of the wire.
// - Built once (`compiled`, `compiledSelect`): Drizzle builds a statement's text by walking its
//   chunks on every execution (about a tenth of the event loop in the wallet and payments
//   benchmarks); a hot statement of fixed shape is built on first use with placeholders, and each
//   call only fills in its values. Arrays as values (`unnestColumns`) keep the shape fixed for a
//   batch of any size.
// - Prepared (`compiled(…, { prepared: true })`): PostgreSQL parses and plans it
//   once per connection instead of on every call. Worth it only where planning is a real part of
//   the cost and the text is one of a few fixed shapes: the name is the text's hash, so every
//   distinct text becomes one more prepared statement on each pooled connection.
// PGlite runs either as any other statement.
import { createHash } from 'node:crypto'
import { getTableColumns, sql, type Placeholder, type Query, type SQL } from 'drizzle-orm'
import { PgDialect, type PgTable, type SelectedFieldsOrdered } from 'drizzle-orm/pg-core'
import type { Executor } from './client'

const dialect = new PgDialect()
const nameOf = (text: string) => `caravan_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`

/** Names a statement's placeholder; the same name twice is the same value. */
export type Placeholders<V extends string> = (name: V) => Placeholder<V>

const placeholder = <V extends string>(name: V) => sql.placeholder(name)

/**
 * A statement built on first use from `build` (its values as placeholders), then run with the
 * values of each call; the rows as the driver returns them. The statement's shape must not depend
 * on the values: one `compiled` per shape.
 */
export function compiled<V extends string>(
  build: (p: Placeholders<V>) => SQL,
  options: { prepared?: boolean } = {},
): (x: Executor, values: Record<V, unknown>) => Promise<{ rows: unknown[] }> {
  let built: { query: Query; name: string | undefined } | undefined
  return async (x, values) => {
    if (!built) {
      const query = dialect.sqlToQuery(build(placeholder))
      built = { query, name: options.prepared ? nameOf(query.sql) : undefined }
    }
    return (await x._.session.prepareQuery(built.query, undefined, built.name, false).execute(values)) as { rows: unknown[] }
  }
}

/**
 * Every column of `table` for the rows the rest of the statement (`tail`: where, order, locking,
 * built once as in `compiled`) selects, mapped as Drizzle's `select().from(table)` maps them.
 */
export function compiledSelect<T extends PgTable, V extends string>(
  table: T,
  tail: (p: Placeholders<V>) => SQL,
): (x: Executor, values: Record<V, unknown>) => Promise<T['$inferSelect'][]> {
  const columns = Object.entries(getTableColumns(table))
  const fields: SelectedFieldsOrdered = columns.map(([key, field]) => ({ path: [key], field }))
  const list = sql.join(
    columns.map(([, column]) => sql`${column}`),
    sql`, `,
  )
  let query: Query | undefined
  return async (x, values) => {
    query ??= dialect.sqlToQuery(sql`select ${list} from ${table} ${tail(placeholder)}`)
    return (await x._.session.prepareQuery(query, fields, undefined, true).execute(values)) as T['$inferSelect'][]
  }
}

/**
 * Two `compiledSelect`s in one statement, so one round trip: each part a `with` query (its `tail`
 * may lock its rows: `for update`), read first then second, each part's rows mapped as
 * `compiledSelect` maps them. Both parts see the statement's one snapshot.
 */
export function compiledSelectPair<A extends PgTable, B extends PgTable, V extends string>(
  first: { table: A; tail: (p: Placeholders<V>) => SQL },
  second: { table: B; tail: (p: Placeholders<V>) => SQL },
): (x: Executor, values: Record<V, unknown>) => Promise<[A['$inferSelect'][], B['$inferSelect'][]]> {
  const parts = [first, second].map(({ table }) => Object.entries(getTableColumns(table)))
  const part = sql<number>`part`
  const fields: SelectedFieldsOrdered = [
    { path: ['part'], field: part },
    ...parts.flatMap((columns, n) => columns.map(([key, field]) => ({ path: [`p${n}`, key], field }))),
  ]
  const withPart = (n: number, { table, tail }: typeof first | typeof second, p: Placeholders<V>) =>
    sql`${sql.raw(`p${n}`)} as (select ${sql.join(
      parts[n].map(([, column]) => sql`${column}`),
      sql`, `,
    )} from ${table} ${tail(p)})`
  // The other part's columns as nulls: each branch has every column, typed by the part it is from.
  const nulls = (n: number) => sql.raw(parts[n].map(() => ', null').join(''))
  let query: Query | undefined
  return async (x, values) => {
    query ??= dialect.sqlToQuery(
      sql`with ${withPart(0, first, placeholder)}, ${withPart(1, second, placeholder)}
        select 0 as part, p0.*${nulls(1)} from p0 union all select 1 as part${nulls(0)}, p1.* from p1`,
    )
    const rows = (await x._.session.prepareQuery(query, fields, undefined, true).execute(values)) as {
      part: number
      p0: A['$inferSelect']
      p1: B['$inferSelect']
    }[]
    return [rows.filter((r) => r.part === 0).map((r) => r.p0), rows.filter((r) => r.part === 1).map((r) => r.p1)]
  }
}
