import { randomBytes } from 'node:crypto'
import { Readable, type Transform } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { CHUNK_BYTES, decryptStream, encryptStream, FileCryptoError, readKeyId } from './encryption'

const keyA = { id: 'k-2025-01', key: randomBytes(32) }
const keyB = { id: 'k-2025-02', key: randomBytes(32) }
const ring: Record<string, Buffer> = { [keyA.id]: keyA.key, [keyB.id]: keyB.key }
const keyFor = (id: string) => {
  if (!ring[id]) throw new Error(`unknown key ${id}`)
  return ring[id]
}

/** Runs `input`, cut into `pieces`-byte writes, through `transform`; what came out before any error, and the error. */
async function run(transform: Transform, input: Buffer, pieces = 7919) {
  const out: Buffer[] = []
  const chunks: Buffer[] = []
  for (let at = 0; at < input.length; at += pieces) chunks.push(input.subarray(at, at + pieces))
  let error: unknown
  try {
    for await (const chunk of Readable.from(chunks).pipe(transform)) out.push(chunk)
  } catch (e) {
    error = e
  }
  // pipe() does not forward the source's end errors; a transform's own error reaches the iterator.
  return { data: Buffer.concat(out), error }
}

const encrypt = async (plain: Buffer, key = keyA) => {
  const { data, error } = await run(encryptStream(key), plain)
  if (error) throw error
  return data
}
const decrypt = (sealed: Buffer, pieces?: number) => run(decryptStream(keyFor), sealed, pieces)

const headerLength = 6 + Buffer.byteLength(keyA.id) + 32
const SEALED = CHUNK_BYTES + 16

describe('file encryption', () => {
  it.each([0, 1, 1000, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 3 * CHUNK_BYTES + 12_345])(
    'round-trips %i bytes, whatever the write sizes',
    async (size) => {
      const plain = randomBytes(size)
      const sealed = await encrypt(plain)
      expect(sealed.length).toBe(headerLength + Math.max(1, Math.ceil(size / CHUNK_BYTES)) * 16 + size)
      for (const pieces of [1_000_003, 65_552, 4096, 13]) {
        if (pieces === 13 && size > CHUNK_BYTES) continue
        const { data, error } = await decrypt(sealed, pieces)
        expect(error).toBeUndefined()
        expect(data.equals(plain)).toBe(true)
      }
    },
  )

  it('never writes the same ciphertext twice, and names its key in the header', async () => {
    const plain = Buffer.from('the same words, twice')
    const [a, b] = [await encrypt(plain), await encrypt(plain)]
    expect(a.equals(b)).toBe(false)
    expect(a.includes(plain)).toBe(false)
    expect(readKeyId(a)).toBe(keyA.id)
    expect(readKeyId(await encrypt(plain, keyB))).toBe(keyB.id)
    expect(() => readKeyId(a.subarray(0, 10))).toThrow(FileCryptoError)
    expect(() => readKeyId(Buffer.from('%PDF-1.7 plain file'))).toThrow(FileCryptoError)
  })

  it('detects a changed byte anywhere: header, a chunk, a tag', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK_BYTES + 100))
    for (const at of [8, headerLength - 1, headerLength + 5, headerLength + SEALED + 5, headerLength + SEALED - 1, sealed.length - 1]) {
      const bad = Buffer.from(sealed)
      bad[at] ^= 0x01
      const { error } = await decrypt(bad)
      expect(error, `byte ${at}`).toBeInstanceOf(FileCryptoError)
    }
  })

  it('detects truncation at a chunk boundary, inside a chunk and inside the header', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK_BYTES + 100))
    for (const length of [headerLength + 2 * SEALED, headerLength + SEALED, headerLength + 100, headerLength, 20, 0]) {
      const { error } = await decrypt(sealed.subarray(0, length))
      expect(error, `cut at ${length}`).toBeInstanceOf(FileCryptoError)
    }
  })

  it('detects a file whose exact last chunk boundary was cut (the last full chunk was not sealed as final)', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK_BYTES)) // two full chunks, the second final
    const { error } = await decrypt(sealed.subarray(0, headerLength + SEALED))
    expect(error).toBeInstanceOf(FileCryptoError)
  })

  it('detects reordered chunks and anything appended', async () => {
    const sealed = await encrypt(randomBytes(3 * CHUNK_BYTES + 10))
    const head = sealed.subarray(0, headerLength)
    const chunk = (i: number) => sealed.subarray(headerLength + i * SEALED, headerLength + (i + 1) * SEALED)
    const swapped = Buffer.concat([head, chunk(1), chunk(0), sealed.subarray(headerLength + 2 * SEALED)])
    expect((await decrypt(swapped)).error).toBeInstanceOf(FileCryptoError)
    expect((await decrypt(Buffer.concat([sealed, Buffer.from('more')]))).error).toBeInstanceOf(FileCryptoError)
    // Another file's chunks do not fit either (each file has its own key and nonces).
    const other = await encrypt(randomBytes(3 * CHUNK_BYTES + 10))
    const spliced = Buffer.concat([sealed.subarray(0, headerLength + SEALED), other.subarray(headerLength + SEALED)])
    expect((await decrypt(spliced)).error).toBeInstanceOf(FileCryptoError)
  })

  it('releases no unverified plaintext: a tampered second chunk stops the stream after the first', async () => {
    const plain = randomBytes(3 * CHUNK_BYTES)
    const sealed = await encrypt(plain)
    sealed[headerLength + SEALED + 10] ^= 0xff
    const { data, error } = await decrypt(sealed)
    expect(error).toBeInstanceOf(FileCryptoError)
    expect(data.equals(plain.subarray(0, CHUNK_BYTES))).toBe(true)
  })

  it('refuses the wrong key, a key id it cannot find, and a header that lies about its key', async () => {
    const sealed = await encrypt(Buffer.from('secret'))
    const wrong = await run(
      decryptStream(() => keyB.key),
      sealed,
    )
    expect(wrong.error).toBeInstanceOf(FileCryptoError)
    expect(wrong.data.length).toBe(0)
    const unknown = await run(
      decryptStream(async (id) => {
        throw new Error(`no key ${id}`)
      }),
      sealed,
    )
    expect(unknown.error).toBeInstanceOf(FileCryptoError)
    expect((unknown.error as Error).message).toContain('k-2025-01')
    // Same length id, other key: the header is authenticated too.
    const relabelled = Buffer.from(sealed)
    relabelled.write('k-2025-02', 6, 'utf8')
    expect((await decrypt(relabelled)).error).toBeInstanceOf(FileCryptoError)
  })

  it('refuses keys that are not 32 bytes and key ids that do not fit', () => {
    expect(() => encryptStream({ id: 'short', key: randomBytes(16) })).toThrow(FileCryptoError)
    expect(() => encryptStream({ id: '', key: randomBytes(32) })).toThrow(FileCryptoError)
    expect(() => encryptStream({ id: 'x'.repeat(256), key: randomBytes(32) })).toThrow(FileCryptoError)
  })

  it('opens files sealed under a retired key by the id in their header', async () => {
    const old = await encrypt(Buffer.from('written under A'), keyA)
    const current = await encrypt(Buffer.from('written under B'), keyB)
    expect((await decrypt(old)).data.toString()).toBe('written under A')
    expect((await decrypt(current)).data.toString()).toBe('written under B')
  })
})
