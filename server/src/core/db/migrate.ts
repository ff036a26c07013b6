// Applies the committed drizzle-kit migrations. On PostgreSQL a session advisory lock makes
// several nodes starting at once apply them one at a time.
import { drizzle } from 'drizzle-orm/node-postgres'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import pg from 'pg'
import { serverPath } from '../util/paths'
import type { Database } from './client'

export const migrationsFolder = serverPath('drizzle')
const LOCK_ID = 726_517_001

export async function migrate(database: Database): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder })
  if (database.kind === 'pglite') {
    const db: any = database.db
    return db.dialect.migrate(migrations, db.session, { migrationsFolder })
  }
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  try {
    await client.query(`select pg_advisory_lock(${LOCK_ID})`)
    const db: any = drizzle(client)
    await db.dialect.migrate(migrations, db.session, { migrationsFolder })
  } finally {
    await client.query(`select pg_advisory_unlock(${LOCK_ID})`).catch(() => {})
    await client.end()
  }
}
