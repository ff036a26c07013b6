// The web app's files go out compressed: the build writes .br and .gz copies beside them
// (scripts/build.mjs precompress) and the server picks the one Accept-Encoding allows, for the
// files themselves and for the SPA fallback (index.html on any page path). Also the build's
// first-page JavaScript budget (checkFirstPageBudget), measured from Vite's manifest, and those of
// the scripts other sites embed, the chat widget and the inbox (checkEmbedBudget).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildEmbed, checkEmbedBudget, checkFirstPageBudget, EMBEDS, firstPageJs, precompress } from '../../scripts/build.mjs'
import { startTestCaravan, type TestCaravan } from './helpers/caravan'

function writeFiles(root: string, files: Record<string, string | Buffer>) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
}

// Over 1 kB each, so the build compresses them; repetitive, so compression shows.
const script = `export const greeting = ${JSON.stringify('hello '.repeat(400))}\n`
const page = `<!doctype html><html><head><title>Caravan</title></head><body><div id="root"></div>${'<!-- padding -->'.repeat(100)}</body></html>`

describe('precompressed web files', () => {
  let dist: string
  let t: TestCaravan
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'caravan-dist-'))
    writeFiles(dist, {
      'index.html': page,
      'assets/app-abc123.js': script,
      'assets/tiny-abc123.css': 'body{margin:0}',
      'assets/font-abc123.woff2': randomBytes(4096),
      '.vite/manifest.json': JSON.stringify({ 'src/main.tsx': { file: 'assets/app-abc123.js', isEntry: true, padding: 'x'.repeat(2000) } }),
    })
    precompress(dist)
    t = await startTestCaravan({ env: { WEB_DIST_DIR: dist, RATE_LIMIT_PER_MINUTE: '20' } })
  })
  afterAll(async () => {
    await t?.close()
    rmSync(dist, { recursive: true, force: true })
  })

  const get = (url: string, headers: Record<string, string> = {}) => t.caravan.app.inject({ method: 'GET', url, headers })

  it('writes .br and .gz beside text files over 1 kB only (not small ones, fonts or the .vite folder)', () => {
    expect(existsSync(join(dist, 'index.html.br'))).toBe(true)
    expect(existsSync(join(dist, 'assets/app-abc123.js.br'))).toBe(true)
    expect(gunzipSync(readFileSync(join(dist, 'assets/app-abc123.js.gz'))).toString()).toBe(script)
    expect(existsSync(join(dist, 'assets/tiny-abc123.css.br'))).toBe(false)
    expect(existsSync(join(dist, 'assets/font-abc123.woff2.br'))).toBe(false)
    expect(existsSync(join(dist, '.vite/manifest.json.br'))).toBe(false)
  })

  it('sends the brotli copy to a browser that accepts br, cached for good under /assets/', async () => {
    const res = await get('/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toMatch(/javascript/)
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.rawPayload.equals(readFileSync(join(dist, 'assets/app-abc123.js.br')))).toBe(true)
    expect(res.rawPayload.length).toBeLessThan(script.length / 10)
  })

  it('sends the gzip copy when only gzip is accepted', async () => {
    const res = await get('/assets/app-abc123.js', { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.rawPayload.equals(readFileSync(join(dist, 'assets/app-abc123.js.gz')))).toBe(true)
  })

  it('sends the file as it is without Accept-Encoding, still saying it varies on it', async () => {
    const res = await get('/assets/app-abc123.js')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.body).toBe(script)
  })

  it('serves a file that has no compressed copy as it is', async () => {
    const res = await get('/assets/tiny-abc123.css', { 'accept-encoding': 'br, gzip' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.body).toBe('body{margin:0}')
  })

  it('serves the files of a build made while it runs (a page asks for the new hashed names)', async () => {
    writeFiles(dist, { 'assets/app-def456.js': script })
    precompress(dist)
    const res = await get('/assets/app-def456.js', { 'accept-encoding': 'br' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.rawPayload.equals(readFileSync(join(dist, 'assets/app-def456.js.br')))).toBe(true)
    // One that is not there: a problem, not the app page (a script is not HTML).
    const missing = await get('/assets/app-000000.js', { accept: '*/*' })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('compresses the app page at / and on any page path (the SPA fallback), never cached unchecked', async () => {
    const home = await get('/', { accept: 'text/html', 'accept-encoding': 'br' })
    expect(home.headers['content-encoding']).toBe('br')
    expect(home.headers['content-type']).toMatch(/^text\/html/)
    expect(home.headers['cache-control']).toBe('no-cache')
    expect(home.rawPayload.equals(readFileSync(join(dist, 'index.html.br')))).toBe(true)
    // The compressed copy goes out with the app's security headers like any other response.
    expect(home.headers['content-security-policy']).toMatch(/script-src 'self'/)
    expect(home.headers['x-content-type-options']).toBe('nosniff')

    const deep = await get('/console/users', { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip' })
    expect(deep.statusCode).toBe(200)
    expect(deep.headers['content-encoding']).toBe('gzip')
    expect(deep.headers['content-type']).toMatch(/^text\/html/)
    expect(deep.headers['cache-control']).toBe('no-cache')
    expect(deep.headers.vary).toMatch(/accept-encoding/i)
    expect(gunzipSync(deep.rawPayload).toString()).toBe(page)
  })

  it('does not count the hashed static files against the rate limit (a page load fetches many)', async () => {
    for (let i = 0; i < 30; i++) expect((await get('/assets/app-abc123.js', { 'accept-encoding': 'br' })).statusCode).toBe(200)
    // The API still is limited (20 a minute here).
    const statuses = []
    for (let i = 0; i < 25; i++) statuses.push((await get('/v1/me')).statusCode)
    expect(statuses).toContain(429)
  })

  it('serves neither the compressed copies by name nor the build manifest', async () => {
    expect((await get('/assets/app-abc123.js.br')).statusCode).toBe(404)
    expect((await get('/assets/app-abc123.js.gz', { 'accept-encoding': 'gzip' })).statusCode).toBe(404)
    expect((await get('/index.html.br', { accept: 'text/html' })).headers['content-encoding']).toBeUndefined()
    const manifest = await get('/.vite/manifest.json')
    expect(manifest.statusCode).toBe(404)
    expect(manifest.body).not.toContain('isEntry')
  })
})

describe('first-page JavaScript budget', () => {
  let dist: string
  // Random bytes as hex barely compress, so the gzip sizes are far apart and predictable in order.
  const entry = randomBytes(3000).toString('hex')
  const shared = randomBytes(1000).toString('hex')
  const lazyPage = randomBytes(50_000).toString('hex')
  const style = randomBytes(500).toString('hex')
  const gzip = (text: string) => gzipSync(text, { level: 9 }).length

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'caravan-budget-'))
    writeFiles(dist, {
      'assets/index.js': entry,
      'assets/shared.js': shared,
      'assets/Lazy.js': lazyPage,
      'assets/index.css': style,
      'assets/Lazy.css': style.repeat(2),
      '.vite/manifest.json': JSON.stringify({
        'index.html': {
          file: 'assets/index.js',
          isEntry: true,
          imports: ['_shared.js'],
          dynamicImports: ['src/Lazy.tsx'],
          css: ['assets/index.css'],
        },
        '_shared.js': { file: 'assets/shared.js' },
        // A lazy route importing the shared chunk too: counted once, and itself not at all.
        'src/Lazy.tsx': { file: 'assets/Lazy.js', isDynamicEntry: true, imports: ['_shared.js'], css: ['assets/Lazy.css'] },
      }),
    })
  })
  afterAll(() => rmSync(dist, { recursive: true, force: true }))

  it('counts the entry and its static imports, gzipped, not the lazy chunks; their CSS apart', () => {
    const { chunks, gzip: total, css } = firstPageJs(dist)
    expect(chunks.map((c) => c.file).sort()).toEqual(['assets/index.js', 'assets/shared.js'])
    expect(total).toBe(gzip(entry) + gzip(shared))
    expect(css).toBe(gzip(style))
  })

  it('passes under the budget and fails above it, naming the size', () => {
    const total = gzip(entry) + gzip(shared)
    expect(checkFirstPageBudget(dist, total)).toBe(total)
    expect(() => checkFirstPageBudget(dist, total - 1)).toThrow(
      `the first page loads ${(total / 1000).toFixed(1)} kB of JavaScript (gzip), over the ${((total - 1) / 1000).toFixed(1)} kB budget`,
    )
  })
})

describe('embedded scripts: budgets', () => {
  let dist: string
  const widget = randomBytes(4000).toString('hex')
  const gzip = (text: string | Buffer) => gzipSync(text, { level: 9 }).length

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'caravan-widget-'))
    writeFiles(dist, { [EMBEDS.widget.file]: widget, [EMBEDS.inbox.file]: widget })
  })
  afterAll(() => rmSync(dist, { recursive: true, force: true }))

  it('passes under the budget and fails above it, naming the size', () => {
    const size = gzip(widget)
    expect(checkEmbedBudget('widget', dist, size)).toBe(size)
    expect(() => checkEmbedBudget('widget', dist, size - 1)).toThrow(
      `the chat widget (widget.js) is ${(size / 1000).toFixed(1)} kB of JavaScript (gzip), over the ${((size - 1) / 1000).toFixed(1)} kB budget`,
    )
    expect(() => checkEmbedBudget('inbox', dist, size - 1)).toThrow(`the embeddable inbox (inbox.js) is ${(size / 1000).toFixed(1)} kB`)
  })

  it.each(['widget', 'inbox'] as const)('bundles the %s into one self-contained script within its budget', async (name) => {
    const out = mkdtempSync(join(tmpdir(), 'caravan-embed-build-'))
    try {
      await buildEmbed(name, out)
      expect(readdirSync(out)).toEqual([EMBEDS[name].file])
      const script = readFileSync(join(out, EMBEDS[name].file), 'utf8')
      // An IIFE with nothing left to load: no import, no export, no chunk beside it.
      expect(script).toMatch(/^"use strict";\(\(\)=>\{/)
      expect(script).not.toMatch(/\bimport\s*[("'{]|\bexport\s*[{*]/)
      expect(checkEmbedBudget(name, out)).toBeLessThanOrEqual(EMBEDS[name].budget)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
