import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { createLocalFileStore, FileMissingError } from './store'

const dir = mkdtempSync(join(tmpdir(), 'caravan-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const store = createLocalFileStore(dir)
const read = async (stream: Readable) => {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c)
  return Buffer.concat(chunks).toString()
}

describe('local file store', () => {
  it('puts, gets, moves and deletes', async () => {
    expect(await store.put('objects/ab/one', Readable.from([Buffer.from('hello '), Buffer.from('world')]))).toEqual({ bytes: 11 })
    expect(await read(await store.get('objects/ab/one'))).toBe('hello world')
    await store.move('objects/ab/one', 'quarantine/one')
    await expect(store.get('objects/ab/one')).rejects.toBeInstanceOf(FileMissingError)
    expect(await read(await store.get('quarantine/one'))).toBe('hello world')
    await store.delete('quarantine/one')
    await store.delete('quarantine/one') // twice is fine
    await expect(store.get('quarantine/one')).rejects.toBeInstanceOf(FileMissingError)
    await expect(store.move('quarantine/one', 'x')).rejects.toBeInstanceOf(FileMissingError)
  })

  it('refuses keys that could leave the folder or hide', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a/../b', 'a//b', 'A', 'a.b', '', 'a/', 'с'])
      await expect(store.put(key, Readable.from([Buffer.from('x')])), key).rejects.toThrow('invalid file store key')
    await expect(store.get('../x')).rejects.toThrow('invalid file store key')
  })

  it('keeps the old blob whole when a new one fails half-way, and leaves no temporary file', async () => {
    await store.put('objects/cd/two', Readable.from([Buffer.from('old')]))
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('new, but')
        throw new Error('the client went away')
      })(),
    )
    await expect(store.put('objects/cd/two', failing)).rejects.toThrow('the client went away')
    expect(await read(await store.get('objects/cd/two'))).toBe('old')
    expect(readdirSync(join(dir, 'objects/cd'))).toEqual(['two'])
  })

  it('sweeps temporary files a killed process left, once they are old', async () => {
    const leftover = join(dir, 'objects/cd/two.part-dead')
    writeFileSync(leftover, 'half')
    expect(await store.sweepTemp(3600_000)).toBe(0)
    utimesSync(leftover, new Date(Date.now() - 7200_000), new Date(Date.now() - 7200_000))
    expect(await store.sweepTemp(3600_000)).toBe(1)
    expect(existsSync(leftover)).toBe(false)
    expect(existsSync(join(dir, 'objects/cd/two'))).toBe(true)
  })
})
