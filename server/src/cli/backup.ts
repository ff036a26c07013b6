// `caravan backup FILE`: the embedded database as one .tar.gz (PGlite's dumpDataDir), taken by the
// running node through its control channel, or by this process when no node runs. The file holds
// personal data and password hashes: it is written 0600, and appears only once complete.
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream } from 'node:stream/web'
import type { Config } from '../config'
import { openDatabase, pgliteDirFor } from '../core/db/client'
import { CONTROL_PATHS } from '../core/http/control-routes'
import { aloneOrThroughNode, callNode, CommandError } from './control-client'

export const POSTGRES_BACKUP_HINT = 'with DATABASE_URL the data is in PostgreSQL: use pg_dump to back it up and pg_restore to restore it'

export function fileArgument(args: string[], command: string): string {
  if (args.length !== 1) throw new CommandError(`${command} needs one file name: caravan ${command} FILE`)
  return args[0]
}

export async function backupCommand(config: Config, args: string[]) {
  const file = fileArgument(args, 'backup')
  if (config.databaseUrl) throw new CommandError(`backup covers the embedded database only; ${POSTGRES_BACKUP_HINT}`)
  const target = resolve(file)
  const partial = `${target}.partial`
  const pgliteDir = pgliteDirFor(config.dataDir)

  const write = (stream: ReadableStream<Uint8Array>) => pipeline(Readable.fromWeb(stream), createWriteStream(partial, { mode: 0o600 }))
  try {
    await aloneOrThroughNode(
      config,
      async () => {
        // Opening a folder that holds no database would make an empty one.
        if (!existsSync(join(pgliteDir, 'PG_VERSION'))) throw new CommandError(`there is no embedded database in ${pgliteDir} to back up`)
        const database = await openDatabase({ pgliteDir })
        try {
          await write((await database.dump!()).stream() as ReadableStream<Uint8Array>)
        } finally {
          await database.close()
        }
      },
      async (node) => write((await callNode(node, CONTROL_PATHS.backup)).body as ReadableStream<Uint8Array>),
    )
    renameSync(partial, target)
  } catch (e) {
    rmSync(partial, { force: true })
    if (e instanceof CommandError) throw e
    throw new CommandError(`backup to ${file} failed: ${(e as Error).message}`)
  }
  console.log(`Backup of ${pgliteDir} written to ${target} (${(statSync(target).size / 1e6).toFixed(1)} MB).`)
}
