// One database handle for the whole process: PGlite (embedded, default) or node-postgres
// (DATABASE_URL). Both give the same Drizzle API; `jobDb` exposes a transaction's raw client so
// pg-boss can enqueue jobs inside the caller's transaction.
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock'

export type Db = NodePgDatabase<Record<string, never>>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Anything that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx

/** The `db` shape pg-boss accepts in its constructor and in send({ db }). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number }>
}

export interface Database {
  kind: 'pglite' | 'postgres'
  /** The PostgreSQL URL (undefined on PGlite). */
  url: string | undefined
  db: Db
  /** The executor pg-boss uses for its own work (polling, completions, maintenance): on PostgreSQL a small pool of its own. */
  bossDb: SqlExecutor
  /** Raw SQL on the main handle; used by health checks and tests. */
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>
  /** The raw client behind a Drizzle transaction, for pg-boss send({ db }). */
  jobDb(tx: Executor): SqlExecutor
  /** The data folder's lock (PGlite on disk only): the control routes expect its token. */
  lock?: DataDirLock
  /** PGlite only: the data folder as a gzipped tarball (PGlite's dumpDataDir), taken between transactions. */
  dump?: () => Promise<Blob>
  close(): Promise<void>
}

type PgliteClient = Pick<PGlite, 'query' | 'exec'>

/** pg-boss sends multi-statement batches without values; PGlite's query() refuses those. */
export function pgliteExecutor(client: PgliteClient, inTransaction = false): SqlExecutor {
  return {
    async executeSql(text, values) {
      try {
        const result: any = values?.length ? await client.query(text, values) : (await client.exec(text)).at(-1)
        return { rows: result?.rows ?? [], rowCount: result?.affectedRows ?? result?.rows?.length ?? 0 }
      } catch (e) {
        // Outside a transaction an error leaves PGlite's single session aborted: roll it back.
        if (!inTransaction) await client.query('ROLLBACK').catch(() => {})
        throw e
      }
    },
  }
}

function pgExecutor(client: pg.PoolClient | pg.Pool): SqlExecutor {
  return {
    async executeSql(text, values) {
      const result = await client.query(text, values as any[])
      const last: any = Array.isArray(result) ? result.at(-1) : result
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 }
    },
  }
}

export interface OpenOptions {
  databaseUrl?: string
  /** PGlite data folder; 'memory://' keeps everything in memory (tests). */
  pgliteDir?: string
  /** PGlite only: a data folder to start from (a dump()), not an empty one (tests start from one migrated copy). */
  pgliteTemplate?: Blob
  poolSize?: number
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 })
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => {})
    await pool.query('select 1')
    const db = drizzlePg(pool) as Db
    // pg-boss's polling never waits behind the requests' queries (nor they behind it).
    const bossPool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 })
    bossPool.on('error', () => {})
    return {
      kind: 'postgres',
      url: options.databaseUrl,
      db,
      bossDb: pgExecutor(bossPool),
      query: (text, values) => pool.query(text, values as any[]),
      jobDb: (tx) => pgExecutor(((tx as any).session?.client ?? pool) as pg.PoolClient),
      async close() {
        await Promise.all([pool.end(), bossPool.end()])
      },
    }
  }
  const dataDir = options.pgliteDir ?? 'memory://'
  const inMemory = dataDir === 'memory://'
  // The folder is this process's alone until close (or exit): never two writers.
  const lock = inMemory ? undefined : await acquireDataDirLock(dirname(dataDir))
  let pglite: PGlite
  try {
    pglite = await PGlite.create(inMemory ? undefined : dataDir, options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {})
  } catch (e) {
    lock?.release()
    throw e
  }
  const db = drizzlePglite(pglite) as unknown as Db
  return {
    kind: 'pglite',
    url: undefined,
    db,
    bossDb: pgliteExecutor(pglite),
    query: (text, values) => pglite.query(text, values),
    jobDb: (tx) => {
      const client = (tx as any).session?.client
      return client && client !== pglite ? pgliteExecutor(client, true) : pgliteExecutor(pglite)
    },
    lock,
    async dump() {
      // A checkpoint first, so a restored copy starts without replaying WAL; the dump itself waits
      // for the transaction in progress (PGlite has one session) and holds the next one back.
      await pglite.query('CHECKPOINT')
      return pglite._runExclusiveTransaction(() => pglite.dumpDataDir('gzip'))
    },
    async close() {
      try {
        await pglite.close()
      } finally {
        lock?.release()
      }
    },
  }
}

export function pgliteDirFor(dataDir: string) {
  return join(dataDir, 'pglite')
}
