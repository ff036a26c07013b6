// Uploads, scanning and signed downloads on real nodes: the files module is wired onto a test
// Caravan (app.ts does not build it yet) with a real clamd for the virus scans.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { deflateSync, crc32 } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config'
import { ClamdError, createClamdScanner } from '../src/core/files/clamd'
import { readKeyId } from '../src/core/files/encryption'
import type { FilesService, StatusChange } from '../src/modules/files'
import { blobKeys } from '../src/modules/files/blobs'
import { createUrlSigner } from '../src/modules/files/signing'
import { bearer, freePort, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'
import { clamdMissing, EICAR_SIGNATURE, startClamd, type TestClamd } from './helpers/clamd'
import { EICAR, EXE_HEAD, samples } from './helpers/samples'
import { until } from './helpers/wait'

const OWNER = 'test-room'

interface FilesNode {
  t: TestCaravan
  files: FilesService
  keys: TestCaravan['caravan']['keyRing']
  privacy: TestCaravan['caravan']['privacy']
  /** Who may read each test-room owner id. */
  readers: Map<string, Set<string>>
  changes: StatusChange[]
  dataDir: string
  close(): Promise<void>
}

async function startFilesNode(options: { clamdUrl?: string; role?: 'all' | 'api'; uploadsPerMinute?: number; listen?: boolean } = {}) {
  const port = options.listen ? await freePort() : 0
  const t = await startTestCaravan({
    deferStart: true,
    env: {
      CARAVAN_ROLE: options.role ?? 'all',
      PORT: String(port),
      UPLOAD_RATE_LIMIT_PER_MINUTE: String(options.uploadsPerMinute ?? 100_000),
      ...(options.listen ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
      ...(options.clamdUrl ? { CLAMD_URL: options.clamdUrl } : {}),
    },
  })
  const { caravan } = t
  const built = { service: caravan.services.files }
  const readers = new Map<string, Set<string>>()
  const changes: StatusChange[] = []
  built.service.registerOwnerAccess(OWNER, async (userId, ownerId) => readers.get(ownerId)?.has(userId) ?? false)
  built.service.onStatusChange(OWNER, (file) => void changes.push(file))
  await caravan.start()
  if (options.listen) await caravan.listen()
  return {
    t,
    files: built.service,
    keys: caravan.keyRing,
    privacy: caravan.privacy,
    readers,
    changes,
    dataDir: caravan.config.dataDir,
    close: () => t.close(),
  } satisfies FilesNode
}

function form(file: Buffer, filename: string, field = 'file') {
  const boundary = `----caravan${randomBytes(8).toString('hex')}`
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`
  return {
    payload: Buffer.concat([Buffer.from(head, 'utf8'), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}

async function upload(node: FilesNode, token: string, file: Buffer, filename = 'upload.bin') {
  const body = form(file, filename)
  const res = await node.t.caravan.app.inject({
    method: 'POST',
    url: '/v1/uploads',
    headers: { ...bearer(token), ...body.headers },
    payload: body.payload,
  })
  return { status: res.statusCode, body: res.json(), headers: res.headers }
}

/** GET a signed link (absolute, as the API gives it) on the node, with no Authorization header. */
function fetchLink(node: FilesNode, link: string, headers: Record<string, string> = {}) {
  const url = new URL(link)
  return node.t.caravan.app.inject({ method: 'GET', url: url.pathname + url.search, headers })
}

function getFile(node: FilesNode, token: string, id: string) {
  return node.t.caravan.app.inject({ method: 'GET', url: `/v1/files/${id}`, headers: bearer(token) })
}

/** Every file under DATA_DIR/files (blobs and any temporary ones). */
function storedFiles(node: FilesNode): string[] {
  const root = join(node.dataDir, 'files')
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir).flatMap((name) => {
          const path = join(dir, name)
          return statSync(path).isDirectory() ? walk(path) : [path]
        })
      : []
  return walk(root)
}
const blobPath = (node: FilesNode, key: string) => join(node.dataDir, 'files', key)

async function fileCount(node: FilesNode): Promise<number> {
  const { rows } = await node.t.database.query('select count(*)::int as n from files')
  return rows[0].n
}

const claim = (node: FilesNode, uploaderId: string, fileIds: string[], ownerId: string) =>
  node.t.database.db.transaction((tx) => node.files.claim(tx, { uploaderId, fileIds, owner: { kind: OWNER, id: ownerId } }))

/** A PNG that says it is 30,000 × 30,000 with almost no data: a decompression bomb. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(30_000, 0)
  ihdr.writeUInt32BE(30_000, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(4096))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

describe('files without a scanner', () => {
  let node: FilesNode
  let alice: Awaited<ReturnType<typeof registerUser>>
  let bob: Awaited<ReturnType<typeof registerUser>>
  let carol: Awaited<ReturnType<typeof registerUser>>
  beforeAll(async () => {
    node = await startFilesNode({ listen: true })
    ;[alice, bob, carol] = await Promise.all([registerUser(node.t), registerUser(node.t), registerUser(node.t)])
  })
  afterAll(async () => {
    await node?.close()
  })

  it.each([
    ['jpeg', 'image/jpeg', 'image', 'jpg'],
    ['png', 'image/png', 'image', 'png'],
    ['webp', 'image/webp', 'image', 'webp'],
    ['gif', 'image/gif', 'image', 'gif'],
    ['pdf', 'application/pdf', 'document', 'pdf'],
    ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document', 'docx'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document', 'xlsx'],
    ['zip', 'application/zip', 'archive', 'zip'],
    ['txt', 'text/plain', 'text', 'txt'],
  ] as const)('stores a %s as what its bytes are, encrypted, and serves it back', async (sample, mime, kind, ext) => {
    const bytes = await samples[sample]()
    const res = await upload(node, alice.accessToken, bytes, 'upload.bin')
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const file = res.body
    expect(file).toMatchObject({ mime, kind, name: `upload.${ext}`, status: 'unscanned' })
    expect(file.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/v1\/files\/[0-9a-f-]{36}\/content\?variant=original&expires=\d+&signature=[\w-]{43}$/,
    )
    if (kind === 'image') {
      expect(file.width).toBeGreaterThan(0)
      expect(file.thumbnailUrl).toContain('variant=thumbnail')
    } else expect(file.thumbnailUrl).toBeUndefined()

    // At rest: encrypted under the active key, nothing of the content in clear.
    const stored = readFileSync(blobPath(node, blobKeys.original(file.id)))
    expect(stored.subarray(0, 4).toString('latin1')).toBe('CRVF')
    expect(readKeyId(stored)).toBe('k1')
    if (kind !== 'image') expect(stored.includes(bytes.subarray(0, 24))).toBe(false)

    const download = await fetchLink(node, file.url)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe(kind === 'text' ? 'text/plain; charset=utf-8' : mime)
    expect(download.headers['x-content-type-options']).toBe('nosniff')
    expect(download.headers['content-security-policy']).toBe('sandbox')
    expect(download.headers['content-disposition']).toBe(
      `${kind === 'image' ? 'inline' : 'attachment'}; filename="upload.${ext}"; filename*=UTF-8''upload.${ext}`,
    )
    expect(Number(download.headers['content-length'])).toBe(file.size)
    if (kind === 'image') expect((await sharp(download.rawPayload).metadata()).format).toBe(ext === 'jpg' ? 'jpeg' : ext)
    else expect(download.rawPayload.equals(bytes)).toBe(true)

    if (file.thumbnailUrl) {
      const thumb = await fetchLink(node, file.thumbnailUrl)
      expect(thumb.statusCode).toBe(200)
      expect(thumb.headers['content-type']).toBe('image/webp')
      expect((await sharp(thumb.rawPayload).metadata()).format).toBe('webp')
    }
  })

  it('serves one byte range of the original (206), across encryption chunks; 416 past the end; several ranges get it whole', async () => {
    // 200 KiB: four 64 KiB chunks at rest, so ranges start and end inside and across them.
    const bytes = Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz\n'[i % 27]).join(''))
    const file = (await upload(node, alice.accessToken, bytes, 'log.txt')).body
    const whole = await fetchLink(node, file.url)
    expect(whole.headers['accept-ranges']).toBe('bytes')
    for (const [range, start, end] of [
      ['bytes=0-9', 0, 9],
      ['bytes=65530-65545', 65530, 65545],
      ['bytes=100000-', 100000, bytes.length - 1],
      ['bytes=-5', bytes.length - 5, bytes.length - 1],
      ['bytes=204790-999999999', 204790, bytes.length - 1],
    ] as const) {
      const part = await fetchLink(node, file.url, { range })
      expect(part.statusCode, range).toBe(206)
      expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${bytes.length}`)
      expect(Number(part.headers['content-length'])).toBe(end - start + 1)
      expect(part.rawPayload.equals(bytes.subarray(start, end + 1)), range).toBe(true)
    }
    const past = await fetchLink(node, file.url, { range: `bytes=${bytes.length}-` })
    expect(past.statusCode).toBe(416)
    expect(past.headers['content-type']).toContain('application/problem+json')
    expect(past.headers['content-range']).toBe(`bytes */${bytes.length}`)
    expect(past.json()).toMatchObject({
      type: expect.stringContaining('range_not_satisfiable'),
      detail: `The file has ${bytes.length} bytes`,
    })
    // Not understood, or more than one range: the whole file.
    for (const range of ['bytes=0-1,5-6', 'bytes=9-3', 'lines=1-2', 'bytes=-', 'bytes=99999999999999999999-']) {
      const full = await fetchLink(node, file.url, { range })
      expect(full.statusCode, range).toBe(200)
      expect(full.rawPayload.equals(bytes)).toBe(true)
    }
  })

  it('refuses a type off the list with 415, naming the allowed ones, and stores nothing', async () => {
    const before = [await fileCount(node), storedFiles(node).length]
    for (const bytes of [EXE_HEAD, Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x41])]) {
      const res = await upload(node, alice.accessToken, bytes, 'invoice.pdf')
      expect(res.status).toBe(415)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.body.type).toBe('https://caravan.dev/problems/file_type_not_allowed')
      expect(res.body.detail).toContain('JPEG, PNG, WEBP, GIF, PDF, DOCX, XLSX, ZIP, TXT')
    }
    expect([await fileCount(node), storedFiles(node).length]).toEqual(before)
  })

  it('names a .png that is a shell script as the text it is; refuses a PNG that is really a script', async () => {
    const script = await upload(node, alice.accessToken, Buffer.from('#!/bin/sh\nrm -rf ~\n'), 'cute-cat.png')
    expect(script.status).toBe(201)
    expect(script.body).toMatchObject({ name: 'cute-cat.txt', mime: 'text/plain', kind: 'text' })
    const download = await fetchLink(node, script.body.url)
    expect(download.headers['content-disposition']).toMatch(/^attachment;/)

    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<script>alert(1)</script>')])
    const res = await upload(node, alice.accessToken, fake, 'x.png')
    expect(res.status).toBe(422)
    expect(res.body.type).toContain('file_unreadable')
  })

  it('refuses a decompression bomb with 422 and a file over its type’s limit with 413, storing nothing', async () => {
    const before = [await fileCount(node), storedFiles(node).length]
    const bomb = await upload(node, alice.accessToken, pngBomb(), 'bomb.png')
    expect(bomb.status).toBe(422)
    expect(bomb.body.type).toContain('image_too_large')

    const text = await upload(node, alice.accessToken, Buffer.alloc(5 * 1024 * 1024 + 1, 'a'), 'big.txt')
    expect(text.status).toBe(413)
    expect(text.body.type).toContain('file_too_large')
    expect(text.body.detail).toBe('TXT files may be at most 5 MiB')
    // An image's limit is 10 MiB whatever its dimensions: a JPEG head then filler.
    const jpegHead = (await samples.jpeg()).subarray(0, 100)
    const image = await upload(node, alice.accessToken, Buffer.concat([jpegHead, Buffer.alloc(10 * 1024 * 1024)]), 'big.jpg')
    expect(image.status).toBe(413)
    // Exactly at the limit is fine.
    const atLimit = await upload(node, alice.accessToken, Buffer.alloc(5 * 1024 * 1024, 'b'), 'ok.txt')
    expect(atLimit.status).toBe(201)
    expect(atLimit.body.size).toBe(5 * 1024 * 1024)
    // A refused upload's partial blob is removed after the answer is sent: wait for it.
    await until(
      async () => (await fileCount(node)) === before[0] + 1 && storedFiles(node).length === before[1] + 1,
      5000,
      'only the file at the limit stored',
    )
  })

  it('stops reading an oversize upload at the limit and closes the connection', async () => {
    const before = [await fileCount(node), storedFiles(node).length]
    const url = new URL(node.t.caravan.config.publicUrl)
    const boundary = 'caravanbig'
    let written = 0
    const result = await new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/v1/uploads',
        headers: { ...bearer(alice.accessToken), 'content-type': `multipart/form-data; boundary=${boundary}` },
      })
      let answered = false
      req.on('response', (res) => {
        answered = true
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, body, written }))
      })
      req.on('error', (e) => (answered ? undefined : reject(e)))
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endless.txt"\r\n\r\n`)
      const chunk = Buffer.alloc(256 * 1024, 'z')
      // Up to 200 MiB, far past every limit; the server must answer long before.
      const pump = () => {
        while (!answered && written < 200 * 1024 * 1024) {
          written += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        if (!answered) req.end()
      }
      pump()
    })
    expect(result.status).toBe(413)
    expect(JSON.parse(result.body).type).toContain('file_too_large')
    expect(result.written).toBeLessThan(60 * 1024 * 1024)
    await until(async () => (await fileCount(node)) === before[0] && storedFiles(node).length === before[1], 5000, 'nothing stored')
  })

  it('leaves nothing behind when the client hangs up mid-upload', async () => {
    const before = [await fileCount(node), storedFiles(node).length]
    const url = new URL(node.t.caravan.config.publicUrl)
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/v1/uploads',
      headers: { ...bearer(alice.accessToken), 'content-type': 'multipart/form-data; boundary=cut' },
    })
    req.on('error', () => {})
    req.write('--cut\r\nContent-Disposition: form-data; name="file"; filename="half.zip"\r\n\r\n')
    req.write(await samples.zip())
    req.write(Buffer.alloc(2 * 1024 * 1024, 1))
    await new Promise((resolve) => setTimeout(resolve, 200).unref())
    req.destroy()
    // The temporary blob goes when the upload fails; no row is ever written.
    await until(
      () => storedFiles(node).length === before[1] && !storedFiles(node).some((p) => p.includes('.part-')),
      10_000,
      'the half-written blob removed',
    )
    expect(await fileCount(node)).toBe(before[0])
  })

  it('answers bad requests with 4xx: empty file, no file field, not multipart, anonymous, broken multipart', async () => {
    const app = node.t.caravan.app
    const empty = await upload(node, alice.accessToken, Buffer.alloc(0), 'empty.txt')
    expect(empty.status).toBe(400)
    const other = form(Buffer.from('hi'), 'a.txt', 'attachment')
    const wrongField = await app.inject({
      method: 'POST',
      url: '/v1/uploads',
      headers: { ...bearer(alice.accessToken), ...other.headers },
      payload: other.payload,
    })
    expect(wrongField.statusCode).toBe(400)
    const json = await app.inject({ method: 'POST', url: '/v1/uploads', headers: bearer(alice.accessToken), payload: { file: 'x' } })
    expect(json.statusCode).toBe(415)
    const body = form(Buffer.from('hi'), 'a.txt')
    const anonymous = await app.inject({ method: 'POST', url: '/v1/uploads', headers: body.headers, payload: body.payload })
    expect(anonymous.statusCode).toBe(401)
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/uploads',
      headers: { ...bearer(alice.accessToken), 'content-type': 'multipart/form-data' },
      payload: 'no boundary at all',
    })
    expect(broken.statusCode).toBeGreaterThanOrEqual(400)
    expect(broken.statusCode).toBeLessThan(500)
    const truncated = await app.inject({
      method: 'POST',
      url: '/v1/uploads',
      headers: { ...bearer(alice.accessToken), ...body.headers },
      payload: body.payload.subarray(0, body.payload.length - 20),
    })
    expect(truncated.statusCode).toBeGreaterThanOrEqual(400)
    expect(truncated.statusCode).toBeLessThan(500)
  })

  it('cleans the name: paths, bidi overrides, Persian kept, forced extension, RFC 5987 on download', async () => {
    const res = await upload(node, alice.accessToken, await samples.pdf(), '../../گزارش ماهانه\u202Efdp.exe')
    expect(res.status).toBe(201)
    expect(res.body.name).toBe('گزارش ماهانهfdp.pdf')
    const download = await fetchLink(node, res.body.url)
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="_____ ______fdp.pdf"; filename*=UTF-8''${encodeURIComponent('گزارش ماهانهfdp.pdf')}`,
    )
    const passwd = await upload(node, alice.accessToken, Buffer.from('root:x:0:0\n'), '../../etc/passwd')
    expect(passwd.body.name).toBe('passwd.txt')
  })

  it('strips EXIF and GPS from an uploaded photo', async () => {
    const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'CaravanCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '35/1 41/1 0/1' } } as any)
      .toBuffer()
    const res = await upload(node, alice.accessToken, photo, 'photo.jpg')
    const download = await fetchLink(node, res.body.url)
    expect((await sharp(download.rawPayload).metadata()).exif).toBeUndefined()
    expect(download.rawPayload.includes('CaravanCam')).toBe(false)
  })

  describe('signed links', () => {
    let file: any
    let signer: ReturnType<typeof createUrlSigner>
    beforeAll(async () => {
      file = (await upload(node, alice.accessToken, await samples.png(), 'pic.png')).body
      signer = createUrlSigner({ secret: node.t.caravan.config.secretsKey, publicUrl: node.t.caravan.config.publicUrl, ttlSeconds: 300 })
    })

    it('work without a token, for about 5 minutes', async () => {
      const link = new URL(file.url)
      const expires = Number(link.searchParams.get('expires'))
      const now = Date.now() / 1000
      expect(expires - now).toBeGreaterThan(299)
      expect(expires - now).toBeLessThanOrEqual(360)
      expect((await fetchLink(node, file.url)).statusCode).toBe(200)
      // The same link within the minute: cacheable by the browser.
      const again = JSON.parse((await getFile(node, alice.accessToken, file.id)).body)
      expect(again.url === file.url || Number(new URL(again.url).searchParams.get('expires')) - expires === 60).toBe(true)
    })

    it('refuse an expired link, a tampered one, another variant’s and another file’s signature with 403', async () => {
      const expired = signer.url(file.id, 'original', Date.now() - 10 * 60_000)
      const link = new URL(file.url)
      const tamper = (change: (u: URL) => void) => {
        const u = new URL(link)
        change(u)
        return u.toString()
      }
      const other = (await upload(node, alice.accessToken, await samples.png(), 'other.png')).body
      const cases = {
        expired,
        'signature flipped': tamper((u) => {
          const s = u.searchParams.get('signature')!
          u.searchParams.set('signature', (s[0] === 'A' ? 'B' : 'A') + s.slice(1))
        }),
        'expiry moved': tamper((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600))),
        'other variant': tamper((u) => u.searchParams.set('variant', 'thumbnail')),
        'other file': tamper((u) => (u.pathname = `/v1/files/${other.id}/content`)),
      }
      for (const [what, url] of Object.entries(cases)) {
        const res = await fetchLink(node, url)
        expect(res.statusCode, what).toBe(403)
        expect(res.json().type, what).toContain('download_link_invalid')
      }
    })

    it('answer 400 to a malformed link and 404 for a deleted file or a thumbnail that does not exist', async () => {
      const base = `/v1/files/${file.id}/content`
      for (const query of ['', '?expires=abc&signature=x', `?variant=huge&expires=1&signature=${'a'.repeat(43)}`]) {
        expect((await node.t.caravan.app.inject({ method: 'GET', url: base + query })).statusCode).toBe(400)
      }
      const pdf = (await upload(node, alice.accessToken, await samples.pdf(), 'doc.pdf')).body
      expect((await fetchLink(node, signer.url(pdf.id, 'thumbnail'))).statusCode).toBe(404)
      await node.t.database.query('delete from files where id = $1', [pdf.id])
      expect((await fetchLink(node, pdf.url)).statusCode).toBe(404)
    })

    it('never serve a tampered blob: the error comes before any byte', async () => {
      const doc = (await upload(node, alice.accessToken, await samples.pdf(), 'doc.pdf')).body
      const path = blobPath(node, blobKeys.original(doc.id))
      const stored = readFileSync(path)
      stored[stored.length - 5] ^= 0xff
      writeFileSync(path, stored)
      const res = await fetchLink(node, doc.url)
      expect(res.statusCode).toBe(500)
      expect(res.rawPayload.includes('%PDF')).toBe(false)
    })
  })

  describe('access, claims and views', () => {
    it('shows a file to its uploader and to whom the owner admits; to no one else', async () => {
      const file = (await upload(node, alice.accessToken, await samples.txt(), 'notes.txt')).body
      expect((await getFile(node, alice.accessToken, file.id)).statusCode).toBe(200)
      expect((await getFile(node, bob.accessToken, file.id)).statusCode).toBe(404)
      const room = randomBytes(8).toString('hex')
      node.readers.set(room, new Set([bob.user.id]))
      await claim(node, alice.user.id, [file.id], room)
      const seen = await getFile(node, bob.accessToken, file.id)
      expect(seen.statusCode).toBe(200)
      expect(seen.json().url).toBeDefined()
      expect((await getFile(node, carol.accessToken, file.id)).statusCode).toBe(404)
      expect((await getFile(node, carol.accessToken, '00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
      expect((await getFile(node, carol.accessToken, 'not-a-uuid')).statusCode).toBe(400)
      const { rows } = await node.t.database.query('select owner_kind, owner_id, attached_at from files where id = $1', [file.id])
      expect(rows[0]).toMatchObject({ owner_kind: OWNER, owner_id: room })
      expect(rows[0].attached_at).not.toBeNull()
    })

    it('claims only the uploader’s own unsent files; every other id gets the same 422', async () => {
      const mine = (await upload(node, alice.accessToken, await samples.txt(), 'a.txt')).body
      const bobs = (await upload(node, bob.accessToken, await samples.txt(), 'b.txt')).body
      const sent = (await upload(node, alice.accessToken, await samples.txt(), 'c.txt')).body
      await claim(node, alice.user.id, [sent.id], 'room-1')
      for (const [what, id] of [
        ['someone else’s', bobs.id],
        ['already sent', sent.id],
        ['forged', '0190f0c4-0000-7000-8000-000000000000'],
        ['malformed', 'x; drop table files'],
      ]) {
        const error = await claim(node, alice.user.id, [mine.id, id], 'room-2').catch((e) => e)
        expect(error.type, what).toBe('file_not_attachable')
        expect(error.status, what).toBe(422)
        expect(error.detail, what).toContain(id)
      }
      // Nothing of a refused claim stuck (the caller's transaction rolled back).
      const { rows } = await node.t.database.query('select owner_id from files where id = $1', [mine.id])
      expect(rows[0].owner_id).toBeNull()
      await claim(node, alice.user.id, [mine.id, mine.id], 'room-3') // duplicates are one
      const { rows: after } = await node.t.database.query('select owner_id from files where id = $1', [mine.id])
      expect(after[0].owner_id).toBe('room-3')
    })

    it('lets only one of two concurrent claims of a file win', async () => {
      const file = (await upload(node, alice.accessToken, await samples.txt(), 'race.txt')).body
      const results = await Promise.allSettled([
        claim(node, alice.user.id, [file.id], 'room-a'),
        claim(node, alice.user.id, [file.id], 'room-b'),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.type)).toEqual([
        'file_not_attachable',
      ])
    })

    it('gives views in the order asked, with fresh links, skipping what is gone', async () => {
      const a = (await upload(node, alice.accessToken, await samples.png(), 'a.png')).body
      const b = (await upload(node, alice.accessToken, await samples.pdf(), 'b.pdf')).body
      const views = await node.files.views([b.id, 'nonsense', a.id, '00000000-0000-7000-8000-000000000000', b.id])
      expect(views.map((v) => v.id)).toEqual([b.id, a.id])
      expect(views[1].thumbnailUrl).toBeDefined()
      expect(await node.files.views([])).toEqual([])
    })

    it('handles ten uploads at once', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => upload(node, bob.accessToken, Buffer.from(`file number ${i}\n`), `n${i}.txt`)),
      )
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201))
      expect(new Set(results.map((r) => r.body.id)).size).toBe(10)
      for (const [i, r] of results.entries()) expect((await fetchLink(node, r.body.url)).payload).toBe(`file number ${i}\n`)
    })
  })

  describe('deletion', () => {
    it('deletes an owner’s files and their blobs', async () => {
      const file = (await upload(node, alice.accessToken, await samples.png(), 'gone.png')).body
      await claim(node, alice.user.id, [file.id], 'doomed-room')
      expect(existsSync(blobPath(node, blobKeys.thumbnail(file.id)))).toBe(true)
      await node.files.deleteOwned(OWNER, ['doomed-room'])
      expect((await getFile(node, alice.accessToken, file.id)).statusCode).toBe(404)
      await until(
        () => !existsSync(blobPath(node, blobKeys.original(file.id))) && !existsSync(blobPath(node, blobKeys.thumbnail(file.id))),
        15_000,
        'blobs removed',
      )
    })

    it('purges uploads never sent after a day, and nothing else', async () => {
      const old = (await upload(node, alice.accessToken, await samples.txt(), 'old.txt')).body
      const oldSent = (await upload(node, alice.accessToken, await samples.txt(), 'sent.txt')).body
      const fresh = (await upload(node, alice.accessToken, await samples.txt(), 'fresh.txt')).body
      await claim(node, alice.user.id, [oldSent.id], 'kept-room')
      await node.t.database.query(`update files set created_at = now() - interval '25 hours' where id = any($1::uuid[])`, [
        [old.id, oldSent.id],
      ])
      const purged = await node.files.purgeUnattached(new Date(Date.now() - 24 * 3600_000))
      expect(purged).toBeGreaterThanOrEqual(1)
      const { rows } = await node.t.database.query('select id from files where id = any($1::uuid[])', [[old.id, oldSent.id, fresh.id]])
      expect(rows.map((r: any) => r.id).sort()).toEqual([oldSent.id, fresh.id].sort())
      await until(() => !existsSync(blobPath(node, blobKeys.original(old.id))), 15_000, 'the purged blob removed')
    })

    it('the daily purge job deletes old unsent uploads', async () => {
      const old = (await upload(node, alice.accessToken, await samples.txt(), 'stale.txt')).body
      await node.t.database.query(`update files set created_at = now() - interval '2 days' where id = $1`, [old.id])
      await node.t.caravan.jobs.send('files-purge-unattached', {})
      await until(async () => (await getFile(node, alice.accessToken, old.id)).statusCode === 404, 20_000, 'the purge job ran')
      await until(() => !existsSync(blobPath(node, blobKeys.original(old.id))), 15_000, 'its blob removed')
    })

    it('exports and erases a user’s files (rows at once, blobs by a job)', async () => {
      const dave = await registerUser(node.t)
      const a = (await upload(node, dave.accessToken, await samples.pdf(), 'mine.pdf')).body
      await claim(node, dave.user.id, [a.id], 'dave-room')
      const exported: any = await node.privacy.exportAll(dave.user.id)
      expect(exported.files).toEqual([expect.objectContaining({ id: a.id, name: 'mine.pdf', sent: true, status: 'unscanned' })])
      await node.t.database.db.transaction((tx) => node.privacy.eraseAll(tx, dave.user.id))
      expect(((await node.privacy.exportAll(dave.user.id)) as any).files).toEqual([])
      await until(() => !existsSync(blobPath(node, blobKeys.original(a.id))), 15_000, 'the erased blob removed')
    })
  })

  it('marks a file left scanning when no scanner is configured any more as unscanned', async () => {
    const file = (await upload(node, alice.accessToken, await samples.txt(), 'was-scanning.txt')).body
    await node.t.database.query(`update files set status = 'scanning' where id = $1`, [file.id])
    expect((await getFile(node, alice.accessToken, file.id)).json().url).toBeUndefined()
    await node.files.scan(file.id)
    const view = (await getFile(node, alice.accessToken, file.id)).json()
    expect(view.status).toBe('unscanned')
    expect((await fetchLink(node, view.url)).statusCode).toBe(200)
    await node.files.scan('00000000-0000-7000-8000-000000000000') // gone: nothing to do
  })

  it('documents its operations in OpenAPI', async () => {
    const doc = (await node.t.caravan.app.inject({ method: 'GET', url: '/docs/json' })).json()
    const uploadOp = doc.paths['/v1/uploads'].post
    expect(uploadOp.operationId).toBe('uploadFile')
    expect(uploadOp.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({ type: 'string', format: 'binary' })
    expect(Object.keys(uploadOp.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '422', '429']))
    const download = doc.paths['/v1/files/{id}/content'].get
    expect(download.operationId).toBe('downloadFile')
    expect(download.security).toEqual([])
    expect(download.responses['200'].content['application/octet-stream'].schema).toMatchObject({ format: 'binary' })
    expect(doc.paths['/v1/files/{id}'].get.responses['200'].content['application/json'].schema.$ref).toContain('FileView')
    expect(doc.components.schemas.FileView).toBeDefined()
  })

  it('re-encrypts files under the new key, and they still open after the old key is gone', async () => {
    const a = (await upload(node, alice.accessToken, await samples.png(), 'a.png')).body
    const b = (await upload(node, alice.accessToken, await samples.txt(), 'b.txt')).body
    const before = (await fetchLink(node, b.url)).rawPayload
    await node.keys.rotate()
    const k2 = await node.keys.active()
    expect(k2.id).toBe('k2')
    let total = 0
    for (let n = -1; n !== 0; total += n) n = await node.files.reencrypt(3, k2, (id) => node.keys.key(id))
    expect(total).toBeGreaterThanOrEqual(2)
    expect(await node.files.reencrypt(10, k2, (id) => node.keys.key(id))).toBe(0)
    // The old key gone for good (a rotation reloads the ring from the table).
    await node.t.database.query(`delete from data_keys where id = 'k1'`)
    await node.keys.rotate()
    for (const key of [blobKeys.original(a.id), blobKeys.thumbnail(a.id), blobKeys.original(b.id)]) {
      expect(readKeyId(readFileSync(blobPath(node, key)))).toBe('k2')
    }
    // Only a damaged blob (the tampered one above) stays under the old key: passed over, not a stop.
    const { rows } = await node.t.database.query(`select id from files where key_id <> 'k2'`)
    expect(rows.length).toBeLessThanOrEqual(1)
    for (const view of await node.files.views(rows.map((r: any) => r.id))) expect((await fetchLink(node, view.url!)).statusCode).toBe(500)
    expect((await fetchLink(node, b.url)).rawPayload.equals(before)).toBe(true)
    expect((await fetchLink(node, a.thumbnailUrl)).statusCode).toBe(200)
  })
})

describe('CLAMD_URL', () => {
  it('takes tcp:// and unix:// addresses and names the setting otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'caravan-config-'))
    try {
      const load = (CLAMD_URL: string) => loadConfig({ DATA_DIR: dir, CLAMD_URL }).clamdUrl
      expect(load('tcp://127.0.0.1:3310')).toBe('tcp://127.0.0.1:3310')
      expect(load('unix:///var/run/clamav/clamd.ctl')).toBe('unix:///var/run/clamav/clamd.ctl')
      expect(load('')).toBeUndefined()
      for (const bad of ['http://127.0.0.1:3310', 'tcp://127.0.0.1', 'clamd', 'unix://'])
        expect(() => load(bad), bad).toThrow(/Invalid setting CLAMD_URL/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('upload rate limit', () => {
  let node: FilesNode
  beforeAll(async () => {
    node = await startFilesNode({ uploadsPerMinute: 2 })
  })
  afterAll(async () => {
    await node?.close()
  })
  it('answers 429 past the uploads per minute', async () => {
    const user = await registerUser(node.t)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await upload(node, user.accessToken, Buffer.from('hi'), 'a.txt')).status)
    expect(statuses).toEqual([201, 201, 429])
  })
})

const missing = clamdMissing()
if (missing) console.warn(missing)

describe.skipIf(missing)('virus scanning with a real clamd', () => {
  let clamd: TestClamd
  /** Jobs are enqueued but not worked here: the test runs the scan itself, step by step. */
  let api: FilesNode
  /** A node whose job workers scan on their own. */
  let worker: FilesNode
  let user: Awaited<ReturnType<typeof registerUser>>
  beforeAll(async () => {
    clamd = await startClamd({ streamMaxLength: '1M' })
    api = await startFilesNode({ clamdUrl: clamd.url, role: 'api' })
    worker = await startFilesNode({ clamdUrl: clamd.url })
    user = await registerUser(api.t)
  })
  afterAll(async () => {
    await api?.close()
    await worker?.close()
    await clamd?.stop()
  })

  it('the scanner speaks INSTREAM: clean, infected, and errors that throw', async () => {
    const scanner = createClamdScanner(clamd.url)
    expect(await scanner.ping()).toBe(true)
    expect(await scanner.scan(Readable.from([Buffer.from('hello')]))).toEqual({ clean: true })
    // Split across chunks of every size: clamd sees one stream.
    const eicar = Buffer.from(EICAR)
    expect(await scanner.scan(Readable.from([eicar.subarray(0, 3), eicar.subarray(3, 40), eicar.subarray(40)]))).toEqual({
      clean: false,
      signature: EICAR_SIGNATURE,
    })
    await expect(scanner.scan(Readable.from([randomBytes(2 * 1024 * 1024)]))).rejects.toBeInstanceOf(ClamdError)
    const nowhere = createClamdScanner(`tcp://127.0.0.1:${await freePort()}`, { timeoutMs: 2000 })
    await expect(nowhere.scan(Readable.from([Buffer.from('x')]))).rejects.toThrow(/cannot reach clamd/)
    expect(await nowhere.ping()).toBe(false)
    expect(() => createClamdScanner('http://127.0.0.1:3310')).toThrow(ClamdError)
  })

  it('holds a file as scanning (409) until clean, then serves it; the owner hears of it', async () => {
    const res = await upload(api, user.accessToken, await samples.png(), 'pic.png')
    expect(res.status).toBe(201)
    expect(res.body.status).toBe('scanning')
    expect(res.body.url).toBeUndefined()
    const { rows: jobs } = await api.t.database.query(`select data from pgboss.job where name = 'files-scan' and data->>'fileId' = $1`, [
      res.body.id,
    ])
    expect(jobs).toHaveLength(1)
    const signer = createUrlSigner({ secret: api.t.caravan.config.secretsKey, publicUrl: api.t.caravan.config.publicUrl, ttlSeconds: 300 })
    const early = await fetchLink(api, signer.url(res.body.id, 'original'))
    expect(early.statusCode).toBe(409)
    expect(early.json()).toMatchObject({ type: expect.stringContaining('file_scanning'), detail: expect.stringContaining('scanning') })

    await claim(api, user.user.id, [res.body.id], 'scan-room')
    await api.files.scan(res.body.id)
    expect(api.changes).toContainEqual({ id: res.body.id, ownerId: 'scan-room', status: 'clean' })
    const view = (await getFile(api, user.accessToken, res.body.id)).json()
    expect(view.status).toBe('clean')
    expect((await fetchLink(api, view.url)).statusCode).toBe(200)
  })

  it('blocks EICAR: quarantined, never served, never attachable', async () => {
    const res = await upload(api, user.accessToken, Buffer.from(EICAR), 'readme.txt')
    expect(res.body.status).toBe('scanning')
    const id = res.body.id
    await claim(api, user.user.id, [id], 'eicar-room')
    await api.files.scan(id)
    expect(api.changes).toContainEqual({ id, ownerId: 'eicar-room', status: 'blocked' })
    const view = (await getFile(api, user.accessToken, id)).json()
    expect(view).toMatchObject({ status: 'blocked', signature: EICAR_SIGNATURE })
    expect(view.url).toBeUndefined()
    expect(existsSync(blobPath(api, blobKeys.original(id)))).toBe(false)
    expect(existsSync(blobPath(api, blobKeys.quarantine(id)))).toBe(true)
    const signer = createUrlSigner({ secret: api.t.caravan.config.secretsKey, publicUrl: api.t.caravan.config.publicUrl, ttlSeconds: 300 })
    for (const variant of ['original', 'thumbnail'] as const) {
      const res = await fetchLink(api, signer.url(id, variant))
      expect(res.statusCode).toBe(409)
      expect(res.json().type).toContain('file_blocked')
      expect(res.payload).not.toContain('EICAR-STANDARD')
    }
    // A retried job changes nothing and tells the owner again.
    await api.files.scan(id)
    expect(existsSync(blobPath(api, blobKeys.quarantine(id)))).toBe(true)
    const unsent = (await upload(api, user.accessToken, Buffer.from(EICAR), 'again.txt')).body
    await api.files.scan(unsent.id)
    const error = await claim(api, user.user.id, [unsent.id], 'other-room').catch((e) => e)
    expect(error.type).toBe('file_not_attachable')
  })

  it('leaves a file scanning when clamd fails (the job throws and is retried)', async () => {
    const big = (await upload(api, user.accessToken, Buffer.alloc(2 * 1024 * 1024, 'x'), 'big.txt')).body
    await expect(api.files.scan(big.id)).rejects.toBeInstanceOf(ClamdError)
    expect((await getFile(api, user.accessToken, big.id)).json().status).toBe('scanning')
  })

  it('scans through the job queue on a worker node', async () => {
    const owner = await registerUser(worker.t)
    const clean = (await upload(worker, owner.accessToken, await samples.pdf(), 'ok.pdf')).body
    const infected = (await upload(worker, owner.accessToken, Buffer.from(EICAR), 'bad.txt')).body
    const statusOf = async (id: string) => (await getFile(worker, owner.accessToken, id)).json().status
    await until(async () => (await statusOf(clean.id)) === 'clean' && (await statusOf(infected.id)) === 'blocked', 30_000, 'scans decided')
    const view = (await getFile(worker, owner.accessToken, clean.id)).json()
    expect((await fetchLink(worker, view.url)).rawPayload.equals(await samples.pdf())).toBe(true)
  })
})
