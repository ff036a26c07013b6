// The files module's rules: uploads (checked, encrypted, scanned), claiming by the module that
// sends them (chat), who may see a file, signed downloads, deletion and key rotation. Other
// modules reach it through this service only; they register how their owners are read and hear
// when a scan decides.
import type { Logger } from 'pino'
import { Readable } from 'node:stream'
import type { Database, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Scanner } from '../../core/files/clamd'
import type { DataKey } from '../../core/files/encryption'
import { AppError } from '../../core/http/errors'
import { parseByteRange, sliceBytes } from '../../core/http/range'
import type { Jobs } from '../../core/jobs/queue'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import { blobKeys, chain, createBlobs, type Blobs, type KeyRing } from './blobs'
import './errors'
import { defineFilesJobs, JOB_DELETE_BLOBS, JOB_SCAN } from './jobs'
import { filesRepo, type FileRow } from './repo'
import type { FileView } from './schemas'
import { createUrlSigner, type Variant } from './signing'
import type { FileStatus } from './tables'
import { prepareUpload } from './upload'
import { FileMissingError, type FileStore } from '../../core/files/store'

export type { KeyRing }

export interface FilesDeps {
  database: Database
  jobs: Jobs
  privacy: PrivacyRegistry
  logger: Logger
  keys: KeyRing
  /** Where blobs live: createLocalFileStore(DATA_DIR/files), or an S3-compatible store. */
  store: FileStore
  /** clamd (CLAMD_URL); without one, uploads are stored as `unscanned`. */
  scanner?: Scanner
  settings: {
    /** Links are absolute: PUBLIC_URL. */
    publicUrl: string
    /** SECRETS_KEY: download links are signed under a key derived from it. */
    secretsKey: string
    /** Download links live this long (rounded up to the minute); default 300. */
    linkTtlSeconds?: number
    /** Images above this many pixels are refused; default 50 million. */
    maxImagePixels?: number
  }
}

export interface StatusChange {
  id: string
  ownerId: string | null
  status: FileStatus
}

/** Blob deletions per job: ids only, never names. */
const DELETE_BATCH = 500

const DOWNLOADABLE: FileStatus[] = ['clean', 'unscanned']

export function createFilesService(deps: FilesDeps) {
  const { database, jobs, keys, logger } = deps
  const db = database.db
  const blobs: Blobs = createBlobs(deps.store)
  const signer = createUrlSigner({
    secret: deps.settings.secretsKey,
    publicUrl: deps.settings.publicUrl,
    ttlSeconds: deps.settings.linkTtlSeconds ?? 300,
  })
  const ownerAccess = new Map<string, (userId: string, ownerId: string) => Promise<boolean>>()
  const statusHandlers = new Map<string, ((file: StatusChange) => Promise<void> | void)[]>()
  const keyFor = (id: string) => keys.key(id)

  function view(row: FileRow): FileView {
    const out: FileView = { id: row.id, name: row.name, mime: row.mime, kind: row.kind, size: row.size, status: row.status }
    if (row.width !== null) out.width = row.width
    if (row.height !== null) out.height = row.height
    if (row.signature) out.signature = row.signature
    if (DOWNLOADABLE.includes(row.status)) {
      out.url = signer.url(row.id, 'original')
      if (row.hasThumbnail) out.thumbnailUrl = signer.url(row.id, 'thumbnail')
    }
    return out
  }

  /** Deletes rows in `tx` and enqueues the removal of their blobs with them: no blob outlives its row for long, none goes before. */
  async function dropBlobsOf(tx: Executor, rows: FileRow[]) {
    for (let i = 0; i < rows.length; i += DELETE_BATCH) {
      await jobs.send(JOB_DELETE_BLOBS, { ids: rows.slice(i, i + DELETE_BATCH).map((r) => r.id) }, { tx })
    }
  }

  async function upload(uploaderId: string, input: { filename: string; stream: Readable }): Promise<FileView> {
    const prepared = await prepareUpload(input, { maxPixels: deps.settings.maxImagePixels })
    const id = newId()
    const dataKey = await keys.active()
    // Blobs first, outside any transaction (PGlite has one connection); the row, and the scan job
    // with it, only once they are whole. A failure in between leaves no row pointing at nothing.
    try {
      const size = await blobs.put(blobKeys.original(id), prepared.content, dataKey)
      if (prepared.thumbnail) await blobs.put(blobKeys.thumbnail(id), Readable.from([prepared.thumbnail]), dataKey)
      const row = await db.transaction(async (tx) => {
        const created = await filesRepo.insert(tx, {
          id,
          uploaderId,
          name: prepared.name,
          mime: prepared.type.mime,
          kind: prepared.type.kind,
          size,
          width: prepared.width ?? null,
          height: prepared.height ?? null,
          status: deps.scanner ? 'scanning' : 'unscanned',
          keyId: dataKey.id,
          hasThumbnail: Boolean(prepared.thumbnail),
        })
        if (deps.scanner) await jobs.send(JOB_SCAN, { fileId: id }, { tx })
        return created
      })
      return view(row)
    } catch (e) {
      prepared.content.destroy()
      await blobs.remove(id).catch((err) => logger.warn({ err, fileId: id }, 'removing a failed upload’s blobs failed'))
      throw e
    }
  }

  /** A file as `userId` may see it: the uploader, or whoever the owner's module admits. 404 otherwise (existence is not revealed). */
  async function get(userId: string, id: string): Promise<FileView> {
    const row = await filesRepo.byId(db, id)
    if (row && (row.uploaderId === userId || (await ownerAdmits(row, userId)))) return view(row)
    throw new AppError('not_found', 'No such file')
  }

  async function ownerAdmits(row: FileRow, userId: string): Promise<boolean> {
    const canRead = row.ownerKind ? ownerAccess.get(row.ownerKind) : undefined
    return Boolean(canRead && row.ownerId && (await canRead(userId, row.ownerId)))
  }

  /**
   * The bytes behind a signed link, decrypted, with what the response needs to say about them; only
   * those of `rangeHeader` when it asks for one range of the original (core/http/range.ts).
   */
  async function content(id: string, variant: Variant, expires: number, signature: string, rangeHeader?: string) {
    const left = signer.check(id, variant, expires, signature)
    if (left === null) throw new AppError('download_link_invalid')
    const row = await filesRepo.byId(db, id)
    if (!row) throw new AppError('not_found', 'The file was deleted')
    if (row.status === 'scanning') throw new AppError('file_scanning', 'Status: scanning. Try again once the scan is done.')
    if (row.status === 'blocked') throw new AppError('file_blocked', `Status: blocked (${row.signature ?? 'malware'})`)
    if (variant === 'thumbnail' && !row.hasThumbnail) throw new AppError('not_found', 'This file has no thumbnail')
    // A thumbnail's size is not stored: it is always sent whole.
    const range = variant === 'original' ? parseByteRange(rangeHeader, row.size) : undefined
    if (range === null)
      throw new AppError('range_not_satisfiable', `The file has ${row.size} bytes`, { headers: { 'content-range': `bytes */${row.size}` } })
    const plain = await blobs.open(variant === 'thumbnail' ? blobKeys.thumbnail(id) : blobKeys.original(id), keyFor)
    const thumbName = row.name.replace(/\.[^.]+$/, '') + '-thumbnail.webp'
    return {
      // The chunks before the range are still decrypted (each is checked), then dropped.
      stream: range ? chain(plain, sliceBytes(range)) : plain,
      mime: variant === 'thumbnail' ? 'image/webp' : row.mime,
      name: variant === 'thumbnail' ? thumbName : row.name,
      inline: row.kind === 'image',
      size: range ? range.end - range.start + 1 : variant === 'original' ? row.size : undefined,
      range: range && { ...range, total: row.size },
      rangeable: variant === 'original',
      secondsLeft: left,
    }
  }

  async function claim(tx: Executor, input: { uploaderId: string; fileIds: string[]; owner: { kind: string; id: string } }) {
    const ids = [...new Set(input.fileIds)]
    if (!ids.length) return
    if (!input.owner.kind || !input.owner.id) throw new Error('claim needs an owner kind and id')
    // A malformed id would be a SQL error inside the caller's transaction: refuse it as any other.
    const bad = ids.find((id) => !UUID.test(id))
    if (bad) throw notAttachable(bad)
    const claimed = new Set(await filesRepo.claim(tx, input.uploaderId, ids, input.owner))
    const missing = ids.find((id) => !claimed.has(id))
    if (missing) throw notAttachable(missing)
  }
  // Someone else's file, a sent one, a blocked one and a forged id all get the same answer.
  const notAttachable = (id: string) =>
    new AppError('file_not_attachable', `File ${id} is not an unsent upload of yours`, {
      errors: [{ field: 'attachmentIds', message: `${id} is not an unsent upload of yours` }],
    })

  /** Views with fresh links, in the order asked, skipping files that are gone; the caller checked access. */
  async function views(fileIds: string[]): Promise<FileView[]> {
    const ids = [...new Set(fileIds)].filter((id) => UUID.test(id))
    const rows = new Map((await filesRepo.byIds(db, ids)).map((r) => [r.id, r]))
    return ids.flatMap((id) => {
      const row = rows.get(id)
      return row ? [view(row)] : []
    })
  }

  async function deleteOwned(kind: string, ownerIds: string[]): Promise<void> {
    if (!ownerIds.length) return
    await db.transaction(async (tx) => dropBlobsOf(tx, await filesRepo.deleteOwned(tx, kind, ownerIds)))
  }

  /** Deletes uploads never sent, created before `olderThan`; returns how many. */
  async function purgeUnattached(olderThan: Date): Promise<number> {
    let purged = 0
    for (;;) {
      const batch = await db.transaction(async (tx) => {
        const rows = await filesRepo.deleteUnattached(tx, olderThan, DELETE_BATCH)
        await dropBlobsOf(tx, rows)
        return rows.length
      })
      purged += batch
      if (batch < DELETE_BATCH) return purged
    }
  }

  /** The scan job's work: scan once, record the verdict, quarantine malware, tell the owner's module. */
  async function scan(fileId: string): Promise<void> {
    let row = await filesRepo.byId(db, fileId)
    if (!row) return // deleted meanwhile
    if (row.status === 'scanning') {
      let status: FileStatus
      let signature: string | null = null
      if (!deps.scanner) {
        // The scanner was configured when the file came in and is not now: say so rather than hold it forever.
        status = 'unscanned'
      } else {
        const result = await deps.scanner.scan(await blobs.open(blobKeys.original(fileId), keyFor))
        status = result.clean ? 'clean' : 'blocked'
        if (!result.clean) signature = result.signature
      }
      // The row as updated: its owner is the current one even if it was claimed during the scan.
      row = (await filesRepo.decide(db, fileId, status, signature)) ?? (await filesRepo.byId(db, fileId))
      if (!row) return
      if (row.status === 'blocked') logger.warn({ fileId, signature: row.signature }, 'malware found in an upload; quarantined')
    }
    // Repeated on a retry (a handler failed, or the move did): both are safe to do twice.
    if (row.status === 'blocked') await blobs.quarantine(fileId)
    if (row.ownerKind) {
      for (const handler of statusHandlers.get(row.ownerKind) ?? []) {
        await handler({ id: row.id, ownerId: row.ownerId, status: row.status })
      }
    }
  }

  /**
   * Re-encrypts up to `limit` files not under `activeKey` (key rotation); returns how many. Each blob
   * is replaced whole (the store writes a new one and renames it over the old), and its header names
   * its key, so a crash between the blob and the row leaves a file that still opens. A file that
   * cannot be read (a damaged blob) is logged and passed over, so it never holds up the rest.
   */
  async function reencrypt(limit: number, activeKey: DataKey, keyForOld: (keyId: string) => Promise<Buffer> | Buffer): Promise<number> {
    let done = 0
    let after: string | undefined
    while (done < limit) {
      const rows = await filesRepo.notUnderKey(db, activeKey.id, limit - done, after)
      if (!rows.length) break
      for (const row of rows) {
        after = row.id
        try {
          for (const key of [blobKeys.original(row.id), blobKeys.quarantine(row.id), blobKeys.thumbnail(row.id)]) {
            const plain = await blobs.open(key, keyForOld).catch((e) => {
              if (e instanceof FileMissingError) return undefined // a quarantined file has no original, most have no thumbnail
              throw e
            })
            if (plain) await blobs.put(key, plain, activeKey)
          }
          if (await filesRepo.setKey(db, row.id, row.keyId, activeKey.id)) done++
        } catch (err) {
          logger.error({ err, fileId: row.id }, 'a file could not be re-encrypted; it stays under its old key')
        }
      }
    }
    return done
  }

  deps.privacy.register({
    name: 'files',
    async export(userId) {
      const rows = await filesRepo.ofUploader(db, userId)
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        mime: r.mime,
        size: r.size,
        status: r.status,
        sent: r.ownerId !== null,
        createdAt: r.createdAt.toISOString(),
      }))
    },
    async erase(tx, userId) {
      await dropBlobsOf(tx, await filesRepo.deleteOfUploader(tx, userId))
    },
  })

  const store = deps.store as FileStore & { sweepTemp?: (olderThanMs: number) => Promise<number> }
  defineFilesJobs({
    jobs,
    scan,
    removeBlobs: (id) => blobs.remove(id),
    purgeUnattached,
    sweepTemp: store.sweepTemp?.bind(store),
  })

  return {
    upload,
    get,
    content,
    claim,
    views,
    deleteOwned,
    purgeUnattached,
    reencrypt,
    /** Files still under another key than the active one (key rotation's progress). */
    remainingUnderOldKeys: async () => filesRepo.countNotUnderKey(db, (await deps.keys.active()).id),
    /** How `kind`'s owners are read: GET /v1/files/{id} admits a user this says may read the owner. */
    registerOwnerAccess(kind: string, canRead: (userId: string, ownerId: string) => Promise<boolean>) {
      ownerAccess.set(kind, canRead)
    },
    /** Called after a scan decides a file `kind` owns (and again if the job is retried). */
    onStatusChange(kind: string, handler: (file: StatusChange) => Promise<void> | void) {
      statusHandlers.set(kind, [...(statusHandlers.get(kind) ?? []), handler])
    },
    /** For the scan job and tests. */
    scan,
    scanner: deps.scanner,
  }
}

export type FilesService = ReturnType<typeof createFilesService>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
