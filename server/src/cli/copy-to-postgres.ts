// `caravan copy-to-postgres URL`: moves the embedded database to a PostgreSQL server. The folder's
// files cannot be given to PostgreSQL (PGlite is another major version, built for WebAssembly), so
// the rows are copied: Caravan's migrations make the tables on the (empty) target, pg-boss makes its
// schema and the queues, then every row of every table goes over as PostgreSQL's own text form of
// each value (exact for every type), parents before children, in one transaction, with the
// sequences where they were. Queued and scheduled jobs come along. The node must be stopped.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import PgBoss from 'pg-boss'
import pg from 'pg'
import type { Config } from '../config'
import { openDatabase, pgliteDirFor, type Database } from '../core/db/client'
import { DataDirInUseError, describeOwner } from '../core/db/data-dir-lock'
import { migrate } from '../core/db/migrate'
import { CommandError } from './control-client'

const BATCH = 1000
/** pg-boss tables whose rows are copied (its version table and queue partitions are made on the target). */
const BOSS_TABLES = ['job', 'archive', 'schedule', 'subscription']

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`
const qualified = (schema: string, table: string) => `${ident(schema)}.${ident(table)}`

/** Tables of the public schema, each after the tables its foreign keys point at. */
async function publicTablesInOrder(source: Database): Promise<string[]> {
  const { rows: tables } = await source.query(`select tablename from pg_tables where schemaname = 'public' order by tablename`)
  const { rows: edges } = await source.query(
    `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent from pg_constraint c
      join pg_namespace n on n.oid = c.connamespace where c.contype = 'f' and n.nspname = 'public'`,
  )
  const unquote = (name: string) => name.replace(/^public\./, '').replace(/^"(.*)"$/, '$1')
  const ordered: string[] = []
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return
    path.add(table)
    for (const e of edges) if (unquote(e.child) === table && unquote(e.parent) !== table) visit(unquote(e.parent), path)
    ordered.push(table)
  }
  for (const t of tables) visit(t.tablename, new Set())
  return ordered
}

/** Column names and their SQL types on the target (what each text value is cast to). */
async function columnsOf(target: pg.ClientBase, schema: string, table: string) {
  const { rows } = await target.query(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
      where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum`,
    [qualified(schema, table)],
  )
  if (rows.length === 0) throw new CommandError(`the target database has no table ${schema}.${table}`)
  return rows as { name: string; type: string }[]
}

async function copyTable(source: Database, target: pg.ClientBase, schema: string, table: string): Promise<number> {
  const columns = await columnsOf(target, schema, table)
  const list = columns.map((c) => ident(c.name)).join(', ')
  const texts = columns.map((c) => `${ident(c.name)}::text`).join(', ')
  const casts = columns.map((c, i) => `(r->>${i})::${c.type}`).join(', ')
  const insert = `insert into ${qualified(schema, table)} (${list}) overriding system value select ${casts} from json_array_elements($1::json) as r`
  let copied = 0
  // A cursor reads the source in batches; nothing writes to it meanwhile (this process holds the folder).
  await source.db.transaction(async (tx) => {
    const client = source.jobDb(tx)
    await client.executeSql(
      `declare copy_rows no scroll cursor for select json_build_array(${texts})::text as r from ${qualified(schema, table)}`,
    )
    for (;;) {
      const { rows } = await client.executeSql(`fetch ${BATCH} from copy_rows`)
      if (rows.length === 0) break
      await target.query(insert, [`[${rows.map((row) => row.r).join(',')}]`])
      copied += rows.length
    }
    await client.executeSql('close copy_rows')
  })
  return copied
}

async function openSource(config: Config): Promise<Database> {
  const pgliteDir = pgliteDirFor(config.dataDir)
  if (!existsSync(join(pgliteDir, 'PG_VERSION'))) throw new CommandError(`there is no embedded database in ${pgliteDir} to copy`)
  try {
    return (await openDatabase({ pgliteDir })) as Database
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e
    throw new CommandError(
      `cannot copy while a Caravan node runs on DATA_DIR ${config.dataDir} (${describeOwner(e.owner)}): stop it first, so that nothing is written meanwhile`,
    )
  }
}

export async function copyToPostgresCommand(config: Config, args: string[]) {
  if (args.length !== 1 || !/^postgres(ql)?:\/\//.test(args[0])) {
    throw new CommandError(
      'copy-to-postgres needs the target database: caravan copy-to-postgres postgres://user:password@host:5432/database',
    )
  }
  if (config.databaseUrl)
    throw new CommandError('copy-to-postgres copies the embedded database: unset DATABASE_URL and give the target as the argument')
  const url = args[0]
  const where = new URL(url).host + new URL(url).pathname

  const source = await openSource(config)
  const target = new pg.Client({ connectionString: url })
  try {
    await migrate(source)
    try {
      await target.connect()
    } catch (e) {
      throw new CommandError(`cannot connect to ${where}: ${(e as Error).message}`)
    }
    const targetDb = await openDatabase({ databaseUrl: url, poolSize: 1 })
    await migrate(targetDb).finally(() => targetDb.close())
    const tables = await publicTablesInOrder(source)
    for (const table of tables) {
      const { rows } = await target.query(`select exists (select 1 from ${qualified('public', table)}) as used`)
      if (rows[0].used) throw new CommandError(`${where} already holds Caravan data (table ${table}): copy into an empty database`)
    }
    // pg-boss makes its own schema (tables, functions) as a node would; the queues come from the source.
    const boss = new PgBoss({ connectionString: url, schema: 'pgboss', supervise: false, schedule: false, max: 1 })
    boss.on('error', () => {})
    await boss.start()
    await boss.stop({ graceful: false, wait: true })

    const counts: Record<string, number> = {}
    await target.query('begin')
    try {
      const { rows: queues } = await source.query(`select * from pgboss.queue order by dead_letter is not null, name`)
      for (const q of queues) {
        const options = {
          policy: q.policy,
          retryLimit: q.retry_limit,
          retryDelay: q.retry_delay,
          retryBackoff: q.retry_backoff,
          expireInSeconds: q.expire_seconds,
          retentionMinutes: q.retention_minutes,
          deadLetter: q.dead_letter,
        }
        await target.query('select pgboss.create_queue($1, $2::json)', [q.name, JSON.stringify(options)])
      }
      for (const table of tables) counts[table] = await copyTable(source, target, 'public', table)
      for (const table of BOSS_TABLES) counts[`pgboss.${table}`] = await copyTable(source, target, 'pgboss', table)
      const { rows: sequences } = await source.query(
        `select schemaname, sequencename, last_value from pg_sequences where last_value is not null`,
      )
      for (const s of sequences) {
        if (s.schemaname !== 'public' && s.schemaname !== 'pgboss') continue
        await target.query('select setval($1::regclass, $2)', [qualified(s.schemaname, s.sequencename), s.last_value])
      }
      await target.query('commit')
    } catch (e) {
      await target.query('rollback').catch(() => {})
      throw e
    }
    const rows = Object.values(counts).reduce((a, b) => a + b, 0)
    console.log(`Copied ${rows} rows in ${Object.keys(counts).length} tables from ${pgliteDirFor(config.dataDir)} to ${where}.`)
    console.log(
      `Start Caravan with DATABASE_URL set to that database (and the same secrets.json or SECRETS_KEY); the embedded folder is left as it was.`,
    )
  } finally {
    await target.end().catch(() => {})
    await source.close()
  }
}
