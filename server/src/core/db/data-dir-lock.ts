// One process at a time owns an embedded (PGlite) data folder: PGlite is PostgreSQL in single-user
// mode, and two processes writing the same files corrupt them. The owner holds DATA_DIR/caravan.lock
// (its pid; once it listens, its local URL and a control token for the `caravan` command on this
// machine, which is why the file is 0600). A lock whose process is gone (SIGKILL, power loss) is
// stale and taken over.
import { randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export interface LockOwner {
  pid: number
  startedAt: string
  /** Where the owner answers the `caravan` command on this machine (set once it listens). */
  url?: string
  /** Proves to the owner's control routes that the caller could read this file. */
  token?: string
}

export interface DataDirLock {
  readonly file: string
  /** Expected by the control routes; written to the file with the URL by announce(). */
  readonly token: string
  /** Records the local URL the node listens on, so the `caravan` command can reach it. */
  announce(url: string): void
  release(): void
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(`DATA_DIR ${dataDir} is in use by a running Caravan node (${describeOwner(owner)}): stop it first or set another DATA_DIR`)
  }
}

export const describeOwner = (owner: LockOwner) => `pid ${owner.pid}, ${owner.url ?? 'still starting'}`

export const lockFileFor = (dataDir: string) => join(dataDir, 'caravan.lock')

/** Lock files this process holds: the same pid in an old lock is ours only if it is listed here. */
const heldHere = new Set<string>()

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

function parseOwner(text: string): LockOwner | 'unreadable' {
  try {
    const owner = JSON.parse(text)
    return Number.isInteger(owner?.pid) && typeof owner.startedAt === 'string' ? owner : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

function readOwner(file: string): LockOwner | undefined | 'unreadable' {
  const text = readText(file)
  return text === undefined ? undefined : parseOwner(text)
}

/** When a process started, from /proc on Linux (undefined elsewhere or when it cannot be read). */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 22 (start time in clock ticks after boot) counts from the field after the command name,
    // which is in parentheses and may itself hold spaces.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19])
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1])
    // USER_HZ is 100 on every Linux architecture Node runs on.
    return Number.isFinite(ticks) && Number.isFinite(bootSeconds) ? (bootSeconds + ticks / 100) * 1000 : undefined
  } catch {
    return undefined
  }
}

function ownerAlive(file: string, owner: LockOwner): boolean {
  // A container restart gives the new process the old one's pid: the same pid is alive only if this process holds the lock.
  if (owner.pid === process.pid) return heldHere.has(file)
  try {
    process.kill(owner.pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
    // EPERM: a live process of another user.
  }
  // After a reboot the pid may belong to a process started after the lock was written: not the owner.
  const started = processStartMs(owner.pid)
  return started === undefined || started <= Date.parse(owner.startedAt) + 5000
}

/** The live process holding DATA_DIR's lock, if any (a stale lock counts as none). */
export function lockOwner(dataDir: string): LockOwner | undefined {
  const file = lockFileFor(dataDir)
  const owner = readOwner(file)
  return owner && owner !== 'unreadable' && ownerAlive(file, owner) ? owner : undefined
}

function writeAtomically(file: string, owner: LockOwner) {
  const temp = `${file}.${process.pid}.tmp`
  const fd = openSync(temp, 'w', 0o600)
  try {
    writeSync(fd, JSON.stringify(owner))
  } finally {
    closeSync(fd)
  }
  renameSync(temp, file)
}

/**
 * Takes DATA_DIR's lock or throws DataDirInUseError naming the live owner. A stale lock (its
 * process is gone) is taken over, with one line on stderr saying so.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true })
  const file = lockFileFor(dataDir)
  const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString() }
  const token = randomBytes(32).toString('base64url')

  for (let attempt = 0; ; attempt++) {
    try {
      // 'wx' creates the file only if it does not exist: of two processes starting at once, one wins.
      const fd = openSync(file, 'wx', 0o600)
      try {
        writeSync(fd, JSON.stringify(owner))
      } finally {
        closeSync(fd)
      }
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 20) throw e
    }
    const text = readText(file)
    if (text === undefined) continue // released meanwhile
    const found = parseOwner(text)
    if (found !== 'unreadable' && ownerAlive(file, found)) throw new DataDirInUseError(dataDir, found)
    // Between another process's create and its write (microseconds): a lock still unreadable after a second is debris.
    if (found === 'unreadable' && attempt < 10) {
      await new Promise((r) => setTimeout(r, 100))
      continue
    }
    // Stale: removed only if it is still the lock judged stale, not one another process has taken over meanwhile.
    if (readText(file) !== text) continue
    try {
      unlinkSync(file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    const from = found === 'unreadable' ? 'an unreadable lock' : `pid ${found.pid}, started ${found.startedAt}`
    process.stderr.write(`caravan: taking over the lock of DATA_DIR ${dataDir} from a Caravan process that is gone (${from})\n`)
  }

  heldHere.add(file)
  let released = false
  const isOurs = () => {
    const current = readOwner(file)
    return current !== undefined && current !== 'unreadable' && current.pid === owner.pid && current.startedAt === owner.startedAt
  }
  const release = () => {
    if (released) return
    released = true
    heldHere.delete(file)
    process.off('exit', release)
    try {
      if (isOurs()) unlinkSync(file)
    } catch {
      /* gone already */
    }
  }
  // process.exit() (a shutdown deadline, a fatal error) skips the database's close: the lock goes anyway.
  process.on('exit', release)
  return {
    file,
    token,
    announce(url: string) {
      if (!released && isOurs()) writeAtomically(file, { ...owner, url, token })
    },
    release,
  }
}
