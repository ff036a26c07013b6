// A whole Caravan node for one test file, on its own fresh database: PGlite in memory by default,
// or a new database on the PostgreSQL server when DATABASE_URL is set (REDIS_URL likewise).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { buildCaravan, type Caravan } from '../../src/app'
import { loadConfig } from '../../src/config'
import { openDatabase, type Database } from '../../src/core/db/client'
import { createPostgresDatabase, uniquePrefix } from './services'

export interface TestCaravan {
  caravan: Caravan
  /** http://127.0.0.1:<port> when started with listen: true. */
  url: string
  database: Database
  close(): Promise<void>
}

export interface TestOptions {
  env?: Record<string, string>
  listen?: boolean
  /** Build but do not start (to add test-only routes or jobs first); call caravan.start() yourself. */
  deferStart?: boolean
  /** Share this database (several nodes on one PostgreSQL). */
  database?: { url: string }
  databaseUrl?: string
  redisUrl?: string
  /** Workflow time (buildCaravan's clock): a test moves it forward, then wakes what is due. */
  clock?: () => Date
}

let template: Blob | undefined
/** The migrated PGlite database every in-memory node starts from (test/pglite-template.ts), read once per file. */
function migratedTemplate(): Blob | undefined {
  const file = inject('pgliteTemplate')
  if (file) template ??= new Blob([readFileSync(file)])
  return template
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
      .on('error', reject)
  })
}

export async function startTestCaravan(options: TestOptions = {}): Promise<TestCaravan> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caravan-test-'))
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL
  const fresh = options.database ? undefined : databaseUrl ? await createPostgresDatabase(databaseUrl) : undefined
  const url = options.database?.url ?? fresh?.url
  const database = await openDatabase(
    url ? { databaseUrl: url, poolSize: 5 } : { pgliteDir: 'memory://', pgliteTemplate: migratedTemplate() },
  )
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL
  // A listening node gets a fixed free port, so PUBLIC_URL (signed webhook URLs) is its real address.
  const port = options.listen ? await freePort() : 0
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: String(port),
    ...(options.listen ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    SHUTDOWN_TIMEOUT_SECONDS: '2',
    REDIS_KEY_PREFIX: uniquePrefix(),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...options.env,
  })
  const caravan = await buildCaravan(config, { database, clock: options.clock }).catch(async (e) => {
    await database.close()
    await fresh?.drop()
    rmSync(dataDir, { recursive: true, force: true })
    throw e
  })
  let address = ''
  if (!options.deferStart) await caravan.start()
  if (options.listen) {
    if (options.deferStart) throw new Error('listen needs start')
    address = await caravan.listen()
  }
  return {
    caravan,
    url: address.replace('localhost', '127.0.0.1'),
    database,
    async close() {
      await caravan.stop()
      await database.close()
      await fresh?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Registers a user through the API and returns its session. */
export async function registerUser(t: TestCaravan, body: Record<string, unknown> = {}) {
  const email = (body.email as string) ?? `user-${Math.random().toString(36).slice(2)}@example.com`
  const res = await t.caravan.app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email, password: 'correct horse battery', ...body },
  })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  return res.json() as { user: { id: string; email: string; role: string }; accessToken: string; refreshToken: string }
}

/** An admin session: registers a user and promotes it directly in the database. */
export async function adminSession(t: TestCaravan) {
  const session = await registerUser(t)
  await t.database.query(`update users set role = 'admin' where id = $1`, [session.user.id])
  const login = await t.caravan.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: session.user.email, password: 'correct horse battery' },
  })
  return login.json() as typeof session
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
