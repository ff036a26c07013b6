// Stored files are encrypted with streaming AES-256-GCM, in the shape of Tink's "streaming AEAD"
// (AES-GCM-HKDF): each file gets a random 256-bit nonce, from which HKDF derives the file's own
// key and nonce prefix, so no two files ever share a (key, nonce) pair however many are stored
// under one data key. The plaintext is cut into 64 KiB chunks, each sealed on its own:
//
//   header  = "CRVF" | version 1 | key id length | key id (UTF-8) | file nonce (32 bytes)
//   chunk i = AES-256-GCM(fileKey, iv = prefix(8) | i (u32 BE), aad = header | i | final flag)
//             → ciphertext | tag (16 bytes)
//
// Every chunk but the last holds exactly 64 KiB; the last (possibly empty) one is sealed with the
// final flag. So a changed byte, a swapped or dropped chunk, a cut-off tail and anything appended
// all fail authentication. A chunk's plaintext is released only after its tag checked out, so a
// reader never sees unverified bytes; a failure ends the stream with FileCryptoError.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { Transform } from 'node:stream'

export const CHUNK_BYTES = 64 * 1024
const TAG_BYTES = 16
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
const MAGIC = Buffer.from('CRVF', 'latin1')
const VERSION = 1
const FILE_NONCE_BYTES = 32
const MAX_CHUNKS = 2 ** 32 - 1
/** The longest header: magic, version, id length, a 255-byte key id, the file nonce. */
export const MAX_HEADER_BYTES = 6 + 255 + FILE_NONCE_BYTES

export class FileCryptoError extends Error {}

export interface DataKey {
  id: string
  key: Buffer
}

function header(keyId: string, fileNonce: Buffer): Buffer {
  const id = Buffer.from(keyId, 'utf8')
  if (id.length === 0 || id.length > 255) throw new FileCryptoError('a key id is 1 to 255 bytes')
  return Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id, fileNonce])
}

/** The header's length and key id, or undefined while `head` is too short to tell. */
function parseHeader(head: Buffer): { length: number; keyId: string; fileNonce: Buffer } | undefined {
  const probe = Math.min(head.length, MAGIC.length)
  if (!head.subarray(0, probe).equals(MAGIC.subarray(0, probe))) throw new FileCryptoError('not an encrypted Caravan file')
  if (head.length < 6) return undefined
  if (head[4] !== VERSION) throw new FileCryptoError(`unknown file encryption version ${head[4]}`)
  const idLength = head[5]
  const length = 6 + idLength + FILE_NONCE_BYTES
  if (idLength === 0) throw new FileCryptoError('the file header names no key')
  if (head.length < length) return undefined
  return { length, keyId: head.subarray(6, 6 + idLength).toString('utf8'), fileNonce: head.subarray(6 + idLength, length) }
}

/** The id of the data key a stored file was encrypted with, from its first MAX_HEADER_BYTES bytes (fewer do when the id is short). */
export function readKeyId(head: Buffer): string {
  const parsed = parseHeader(head)
  if (!parsed) throw new FileCryptoError('the file header is cut short')
  return parsed.keyId
}

function fileKeys(dataKey: Buffer, fileNonce: Buffer) {
  if (dataKey.length !== 32) throw new FileCryptoError('a data key is 32 bytes')
  const derived = Buffer.from(hkdfSync('sha256', dataKey, fileNonce, 'caravan file v1', 40))
  return { key: derived.subarray(0, 32), ivPrefix: derived.subarray(32, 40) }
}

function chunkParams(keys: ReturnType<typeof fileKeys>, head: Buffer, index: number, final: boolean) {
  if (index > MAX_CHUNKS) throw new FileCryptoError('the file is too large to encrypt')
  const counter = Buffer.alloc(4)
  counter.writeUInt32BE(index)
  return { iv: Buffer.concat([keys.ivPrefix, counter]), aad: Buffer.concat([head, counter, Buffer.from([final ? 1 : 0])]) }
}

/** Encrypts what flows through it under `dataKey` (the key ring's active key). */
export function encryptStream(dataKey: DataKey): Transform {
  const fileNonce = randomBytes(FILE_NONCE_BYTES)
  const head = header(dataKey.id, fileNonce)
  const keys = fileKeys(dataKey.key, fileNonce)
  let pending: Buffer = Buffer.alloc(0)
  let index = 0
  let started = false

  function seal(stream: Transform, plain: Buffer, final: boolean) {
    if (!started) {
      stream.push(head)
      started = true
    }
    const { iv, aad } = chunkParams(keys, head, index++, final)
    const cipher = createCipheriv('aes-256-gcm', keys.key, iv)
    cipher.setAAD(aad)
    stream.push(Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]))
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
        // Strictly more than a chunk: the last chunk is sealed in flush, with the final flag.
        let at = 0
        while (pending.length - at > CHUNK_BYTES) {
          seal(this, pending.subarray(at, at + CHUNK_BYTES), false)
          at += CHUNK_BYTES
        }
        pending = at ? Buffer.from(pending.subarray(at)) : pending
        done()
      } catch (e) {
        done(e as Error)
      }
    },
    flush(done) {
      try {
        seal(this, pending, true)
        done()
      } catch (e) {
        done(e as Error)
      }
    },
  })
}

/**
 * Decrypts a stored file. The key is looked up by the id in the file's own header, so files
 * written under a retired key still open while the key ring holds it.
 */
export function decryptStream(keyFor: (keyId: string) => Promise<Buffer> | Buffer): Transform {
  let pending: Buffer = Buffer.alloc(0)
  let head: Buffer | undefined
  let keys: ReturnType<typeof fileKeys> | undefined
  let index = 0

  function open(plainOut: Transform, sealed: Buffer, final: boolean) {
    if (sealed.length < TAG_BYTES) throw new FileCryptoError('the file is cut short')
    const { iv, aad } = chunkParams(keys!, head!, index++, final)
    const decipher = createDecipheriv('aes-256-gcm', keys!.key, iv)
    decipher.setAAD(aad)
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
    let plain: Buffer
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()])
    } catch {
      throw new FileCryptoError(final ? 'the file was altered or cut short' : 'the file was altered')
    }
    if (plain.length) plainOut.push(plain)
  }

  return new Transform({
    async transform(chunk: Buffer, _encoding, done) {
      try {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
        if (!keys) {
          const parsed = parseHeader(pending)
          if (!parsed) return done()
          head = Buffer.from(pending.subarray(0, parsed.length))
          let dataKey: Buffer
          try {
            dataKey = await keyFor(parsed.keyId)
          } catch (e) {
            throw new FileCryptoError(`no key "${parsed.keyId}" to open the file: ${(e as Error).message}`)
          }
          keys = fileKeys(dataKey, parsed.fileNonce)
          pending = pending.subarray(parsed.length)
        }
        let at = 0
        while (pending.length - at > SEALED_CHUNK_BYTES) {
          open(this, pending.subarray(at, at + SEALED_CHUNK_BYTES), false)
          at += SEALED_CHUNK_BYTES
        }
        pending = at ? Buffer.from(pending.subarray(at)) : pending
        done()
      } catch (e) {
        done(e as Error)
      }
    },
    flush(done) {
      try {
        if (!keys) throw new FileCryptoError(pending.length ? 'the file header is cut short' : 'the file is empty')
        open(this, pending, true)
        done()
      } catch (e) {
        done(e as Error)
      }
    },
  })
}
