// Fresh PostgreSQL databases per server under test, dropped at the end even if clients are still
// connected (DROP DATABASE … WITH (FORCE)).
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { onCleanup } from './cleanup'
import { adminUrl } from './env'

let admin: pg.Client | undefined

/** Connects to the server (exit 1 with a hint when it is not reachable); returns its version. */
export async function connectAdmin(): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 })
  client.on('error', (e) => console.error('admin connection:', e.message))
  try {
    await client.connect()
  } catch (e) {
    const where = new URL(adminUrl)
    where.password = where.password ? '***' : ''
    console.error(
      `PostgreSQL is not reachable at ${where} (${(e as Error).message}).\n` +
        'Start it, or point BENCH_DATABASE_URL at a server where this user may CREATE DATABASE.',
    )
    process.exit(1)
  }
  admin = client
  onCleanup(() => client.end())
  return (await client.query('SHOW server_version')).rows[0].server_version as string
}

/** A new empty database `caravan_bench_<random>`; its URL. Dropped at cleanup. */
export async function freshDatabase(): Promise<string> {
  if (!admin) throw new Error('connectAdmin() first')
  const client = admin
  const name = `caravan_bench_${randomBytes(6).toString('hex')}`
  await client.query(`CREATE DATABASE ${name}`)
  onCleanup(() => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
  const url = new URL(adminUrl)
  url.pathname = '/' + name
  return url.toString()
}
