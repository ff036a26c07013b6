// A hot statement run as a named (server-side prepared) one: PostgreSQL parses and plans it once
// per connection instead of on every call. Worth it only for a statement whose planning is a real
// part of its cost and whose text is one of a few fixed shapes (arrays as parameters, unnestRows):
// the name is the text's hash, so every distinct text becomes one more prepared statement on each
// pooled connection. PGlite runs it as any other statement.
import { createHash } from 'node:crypto'
import type { SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Executor } from './client'

const dialect = new PgDialect()
const names = new Map<string, string>()

function nameOf(text: string): string {
  let name = names.get(text)
  if (!name) {
    name = `caravan_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
    // The texts are a few fixed shapes; a bound in case a caller builds one per call by mistake.
    if (names.size < 1_000) names.set(text, name)
  }
  return name
}

/** Runs `query` as a prepared statement named after its text; the rows as the driver returns them. */
export async function executePrepared(x: Executor, query: SQL): Promise<{ rows: unknown[] }> {
  const built = dialect.sqlToQuery(query)
  const result = await x._.session.prepareQuery(built, undefined, nameOf(built.sql), false).execute()
  return result as { rows: unknown[] }
}
