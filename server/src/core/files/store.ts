// Where file blobs live. The local store keeps them under a folder (DATA_DIR/files); an
// S3-compatible store (MinIO, R2, AWS S3…) implements the same four calls with PutObject (a PUT
// replaces an object atomically, so readers never see half of one), GetObject, DeleteObject and
// CopyObject + DeleteObject for move. Blobs are already encrypted when they reach a store.
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export interface FileStore {
  /** Stores `source` under `key`, replacing what was there only once all of it is written. */
  put(key: string, source: Readable): Promise<{ bytes: number }>
  /** The blob; throws FileMissingError when there is none. */
  get(key: string): Promise<Readable>
  /** Removes the blob; nothing happens when there is none. */
  delete(key: string): Promise<void>
  /** Renames a blob (into quarantine); throws FileMissingError when `from` is gone. */
  move(from: string, to: string): Promise<void>
}

export class FileMissingError extends Error {
  constructor(readonly key: string) {
    super(`no stored file "${key}"`)
  }
}

/** Keys are lowercase letters, digits, "_", "-" in "/"-separated segments: never "..", never absolute. */
const KEY = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/

export function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 512) throw new Error(`invalid file store key "${key}"`)
  return key
}

/** Temporary names hold a ".", which no key can: a half-written file never sits under a real key. */
const TEMP_MARK = '.part-'

export function createLocalFileStore(dir: string): FileStore & { sweepTemp(olderThanMs: number): Promise<number> } {
  const pathOf = (key: string) => join(dir, checkKey(key))
  const missing = (e: unknown, key: string) => ((e as NodeJS.ErrnoException).code === 'ENOENT' ? new FileMissingError(key) : e)

  return {
    async put(key, source) {
      const path = pathOf(key)
      await mkdir(dirname(path), { recursive: true })
      const temp = `${path}${TEMP_MARK}${randomBytes(6).toString('hex')}`
      let bytes = 0
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length
          done(null, chunk)
        },
      })
      try {
        await pipeline(source, count, createWriteStream(temp, { flags: 'wx', mode: 0o600 }))
        // On disk before the rename makes it visible: a crash then leaves the old blob or the new, whole.
        const handle = await open(temp, 'r')
        try {
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temp, path)
      } catch (e) {
        await rm(temp, { force: true })
        throw e
      }
      return { bytes }
    },

    async get(key) {
      const path = pathOf(key)
      // Opened here, so a missing blob is an error of get() rather than of the stream later.
      const handle = await open(path, 'r').catch((e) => {
        throw missing(e, key)
      })
      return handle.createReadStream() as unknown as Readable
    },

    async delete(key) {
      await rm(pathOf(key), { force: true })
    },

    async move(from, to) {
      const target = pathOf(to)
      await mkdir(dirname(target), { recursive: true })
      await rename(pathOf(from), target).catch((e) => {
        throw missing(e, from)
      })
    },

    /** Removes temporary files a killed process left behind (older than `olderThanMs`); returns how many. */
    async sweepTemp(olderThanMs) {
      let removed = 0
      const walk = async (folder: string): Promise<void> => {
        const entries = await readdir(folder, { withFileTypes: true }).catch(() => [])
        for (const entry of entries) {
          const path = join(folder, entry.name)
          if (entry.isDirectory()) await walk(path)
          else if (entry.name.includes(TEMP_MARK)) {
            const info = await stat(path).catch(() => undefined)
            if (info && Date.now() - info.mtimeMs > olderThanMs) {
              await rm(path, { force: true })
              removed++
            }
          }
        }
      }
      await walk(dir)
      return removed
    },
  }
}
