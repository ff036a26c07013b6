// A file's blobs in the store: where each lives, and writing and reading them through the
// encryption. The original sits at objects/<xx>/<id> (xx: the id's last two hex digits, so no
// folder grows past a few thousand entries), its thumbnail beside it, and a blocked file's
// original is moved to quarantine/<id>, which nothing serves.
import { pipeline, Transform, type Readable } from 'node:stream'
import { decryptStream, encryptStream, type DataKey } from '../../core/files/encryption'
import { FileMissingError, type FileStore } from '../../core/files/store'

/** The key ring, as files use it: the active data key, and any key by its id (older files). */
export interface KeyRing {
  active(): Promise<DataKey>
  key(id: string): Promise<Buffer>
}

const shard = (id: string) => id.slice(-2).toLowerCase()
export const blobKeys = {
  original: (id: string) => `objects/${shard(id)}/${id.toLowerCase()}`,
  thumbnail: (id: string) => `objects/${shard(id)}/${id.toLowerCase()}_thumb`,
  quarantine: (id: string) => `quarantine/${id.toLowerCase()}`,
}

/** `streams` joined into one: an error in any ends the last with it (pipeline's own contract). */
export const chain = (...streams: [Readable, ...NodeJS.ReadWriteStream[]]): Readable =>
  pipeline(streams as any, () => {}) as unknown as Readable

export function createBlobs(store: FileStore) {
  return {
    /** Encrypts `plain` under `dataKey` into the store; the plaintext's byte count. */
    async put(key: string, plain: Readable, dataKey: DataKey): Promise<number> {
      let bytes = 0
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length
          done(null, chunk)
        },
      })
      await store.put(key, chain(plain, count, encryptStream(dataKey)))
      return bytes
    },
    /** The decrypted bytes; each chunk released only once its tag checked out. */
    async open(key: string, keyFor: (keyId: string) => Promise<Buffer> | Buffer): Promise<Readable> {
      return chain(await store.get(key), decryptStream(keyFor))
    },
    /** Removes every blob a file may have (wherever a crash between steps left it). */
    async remove(id: string) {
      await Promise.all([store.delete(blobKeys.original(id)), store.delete(blobKeys.thumbnail(id)), store.delete(blobKeys.quarantine(id))])
    },
    /** Moves the original into quarantine and drops the thumbnail; done already is fine. */
    async quarantine(id: string) {
      await store.move(blobKeys.original(id), blobKeys.quarantine(id)).catch((e) => {
        if (!(e instanceof FileMissingError)) throw e
      })
      await store.delete(blobKeys.thumbnail(id))
    },
    store,
  }
}

export type Blobs = ReturnType<typeof createBlobs>
