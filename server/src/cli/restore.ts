// `caravan restore FILE`: replaces the embedded database with a `caravan backup` file. Refused
// while a node runs on DATA_DIR; the file is checked whole before anything is touched, loaded into
// a new folder and opened, and only then swapped in. The folder it replaces is kept beside it.
import { PGlite } from '@electric-sql/pglite'
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, createGunzip, gunzipSync } from 'node:zlib'
import type { Config } from '../config'
import { pgliteDirFor } from '../core/db/client'
import { acquireDataDirLock, DataDirInUseError, describeOwner, type DataDirLock } from '../core/db/data-dir-lock'
import { fileArgument, POSTGRES_BACKUP_HINT } from './backup'
import { CommandError } from './control-client'

/** Whether a tar stream's first entries (as far as `tar` reaches) include the data folder's PG_VERSION. */
function holdsPgVersion(tar: Buffer): boolean {
  for (let at = 0; at + 512 <= tar.length;) {
    const field = (from: number, length: number) => tar.toString('latin1', at + from, at + from + length).replace(/\0.*$/s, '')
    const name = field(0, 100)
    if (!name || field(257, 5) !== 'ustar') return false
    if (/^(\.?\/)?PG_VERSION$/.test(name)) return true
    at += 512 + Math.ceil(parseInt(field(124, 12).trim() || '0', 8) / 512) * 512
  }
  return false
}

/** A PGlite data folder dump, complete (the gzip checksum over the whole file holds). */
async function checkBackup(path: string, shown: string) {
  if (!existsSync(path)) throw new CommandError(`${shown} does not exist`)
  const notBackup = new CommandError(`${shown} is not a Caravan backup (the .tar.gz file that caravan backup writes)`)
  const handle = await open(path)
  const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(64 * 1024) }).finally(() => handle.close())
  let head: Buffer
  try {
    // Only the first entries: a partial inflate of the first 64 kB.
    head = gunzipSync(buffer.subarray(0, bytesRead), { finishFlush: constants.Z_SYNC_FLUSH })
  } catch {
    throw notBackup
  }
  if (!holdsPgVersion(head)) throw notBackup
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() })
  await pipeline(createReadStream(path), createGunzip(), discard).catch((e: Error) => {
    throw new CommandError(`${shown} is damaged (${e.message}); it cannot be restored`)
  })
}

async function takeDataDir(dataDir: string): Promise<DataDirLock> {
  try {
    return await acquireDataDirLock(dataDir)
  } catch (e) {
    if (!(e instanceof DataDirInUseError)) throw e
    throw new CommandError(
      `cannot restore while a Caravan node runs on DATA_DIR ${dataDir} (${describeOwner(e.owner)}): stop it first, or restore into another DATA_DIR`,
    )
  }
}

export async function restoreCommand(config: Config, args: string[]) {
  const file = fileArgument(args, 'restore')
  if (config.databaseUrl) throw new CommandError(`restore covers the embedded database only; ${POSTGRES_BACKUP_HINT}`)
  const source = resolve(file)
  await checkBackup(source, file)

  const lock = await takeDataDir(config.dataDir)
  // What a restore killed half-way left (the folder it was loading into).
  for (const name of readdirSync(config.dataDir)) {
    if (name.startsWith('pglite.restoring-')) rmSync(join(config.dataDir, name), { recursive: true, force: true })
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const target = pgliteDirFor(config.dataDir)
  const staging = join(config.dataDir, `pglite.restoring-${stamp}`)
  try {
    let pglite: PGlite
    try {
      pglite = await PGlite.create({ dataDir: staging, loadDataDir: new Blob([readFileSync(source)]) })
    } catch (e) {
      throw new CommandError(`${file} could not be opened as a database: ${(e as Error).message}`)
    }
    try {
      const { rows } = await pglite.query<{ caravan: boolean }>(`select to_regclass('public.users') is not null as caravan`)
      if (!rows[0].caravan) throw new CommandError(`${file} holds a PostgreSQL data folder, but not a Caravan database`)
    } finally {
      await pglite.close()
    }
    const aside = existsSync(target) ? `${target}.before-restore-${stamp}` : undefined
    if (aside) renameSync(target, aside)
    renameSync(staging, target)
    console.log(`Restored ${file} into ${target}.`)
    if (aside) {
      console.log(`The database it replaced is kept in ${aside}; delete that folder once the restored node works.`)
    } else {
      // A new home for the data: the keys are not in the backup (kept apart, as GitLab keeps gitlab-secrets.json).
      console.log(
        'Credentials stored in it are sealed with SECRETS_KEY: give this node the secrets.json (or SECRETS_KEY) of the one backed up.',
      )
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
    lock.release()
  }
}
