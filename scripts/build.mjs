// The production build: `node scripts/build.mjs [server] [web] [sdk]` (all three by default).
// - server: src/main.ts bundled by esbuild into one ESM file that plain `node` runs, with a source
//   map; packages stay imports (resolved from node_modules at run time), so a release needs only
//   `npm ci --omit=dev` beside it.
// - web: the Vite build of the web app into web/dist, which the server serves: each text file
//   also precompressed (.br, .gz) and the first page's JavaScript held to FIRST_PAGE_BUDGET. The
//   scripts other sites embed (EMBEDS: the chat widget, the inbox) go beside it, one file each,
//   each held to its budget.
// - sdk: the publishable @caravan/sdk package (JavaScript, declarations) into sdk/dist.
// Build tools are imported only when building: scripts/start.mjs and server/bin/caravan.js use
// isCurrent() on installs without dev dependencies.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
const at = (path) => join(ROOT, path)

/** The file the server build writes, relative to the repository root: what `npm start` and the Docker image run. */
export const SERVER_ENTRY = 'server/dist/main.js'

/** Each part's output file (the one written last) and what it is built from. */
export const PARTS = {
  server: { output: at(SERVER_ENTRY), sources: [at('server/src')] },
  // The web app bundles the SDK's source.
  web: { output: at('web/dist/index.html'), sources: ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'sdk/src'].map(at) },
  sdk: { output: at('sdk/dist/index.js'), sources: [at('sdk/src')] },
}

/** Newest modification time under `path` (tests aside; a folder's own time counts a removed file), 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

/**
 * A part is current when its output exists and is newer than every source. Without sources (an
 * image that ships only the build) the output is current as it is.
 */
export function isCurrent(part) {
  const { output, sources } = PARTS[part]
  return existsSync(output) && statSync(output).mtimeMs >= Math.max(...sources.map(newest))
}

/** Bundles the server into `outdir` (default server/dist); returns the file and esbuild's metafile (its imports). */
export async function buildServer({ outdir = at('server/dist') } = {}) {
  const { build } = await import('esbuild')
  rmSync(outdir, { recursive: true, force: true })
  const outfile = join(outdir, 'main.js')
  const { metafile } = await build({
    entryPoints: [at('server/src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    tsconfig: at('server/tsconfig.json'),
    sourcemap: true,
    sourcesContent: false,
    // Class and function names survive bundling (error names, log lines).
    keepNames: true,
    metafile: true,
    logLevel: 'warning',
  })
  return { outfile, metafile }
}

/** The most JavaScript the first page may load, in gzip bytes (1 kB = 1000 bytes). */
export const FIRST_PAGE_BUDGET = 150_000

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`

/**
 * The JavaScript a browser loads before the first page shows: the entry chunk in Vite's manifest
 * (dist/.vite/manifest.json) and its static imports, recursively. Lazy routes' chunks
 * (dynamicImports) load later and do not count. Sizes are gzip at level 9, as the server sends
 * them to a browser without brotli (brotli is smaller still). `css`: the stylesheets those chunks
 * bring, gzipped too (reported, not budgeted).
 */
export function firstPageJs(distDir) {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8'))
  const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry)
  if (entries.length === 0) throw new Error(`no entry chunk in ${join(distDir, '.vite', 'manifest.json')}`)
  const files = new Set()
  const styles = new Set()
  const visit = (key) => {
    const chunk = manifest[key]
    if (!chunk || files.has(chunk.file)) return
    files.add(chunk.file)
    for (const file of chunk.css ?? []) styles.add(file)
    for (const imported of chunk.imports ?? []) visit(imported)
  }
  entries.forEach(visit)
  const gzipped = (file) => gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length
  const chunks = [...files].map((file) => ({ file, gzip: gzipped(file) }))
  return {
    chunks,
    gzip: chunks.reduce((sum, chunk) => sum + chunk.gzip, 0),
    css: [...styles].reduce((sum, file) => sum + gzipped(file), 0),
  }
}

/**
 * The scripts other sites embed, each built on its own into web/dist and served from there: the
 * live chat widget (/widget.js) and the notification inbox (/inbox.js, the <caravan-inbox>
 * element). `budget`: the most each may weigh in gzip bytes, since it loads on other people's pages.
 */
export const EMBEDS = {
  widget: { entry: 'web/src/widget/main.ts', file: 'widget.js', budget: 60_000, what: 'the chat widget' },
  inbox: { entry: 'web/src/inbox-embed/main.ts', file: 'inbox.js', budget: 40_000, what: 'the embeddable inbox' },
}

/**
 * Bundles one embed into `distDir`: one self-contained script (an IIFE, so it declares nothing
 * global itself) that any page can load with a plain <script> tag. Not part of the Vite build: it
 * must not share chunks with the app, nor wait for its entry.
 */
export async function buildEmbed(name, distDir = at('web/dist')) {
  const { build } = await import('esbuild')
  await build({
    entryPoints: [at(EMBEDS[name].entry)],
    outfile: join(distDir, EMBEDS[name].file),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // It runs on other sites, whose visitors may have older browsers than the app expects.
    target: 'es2019',
    minify: true,
    legalComments: 'none',
    tsconfig: at('web/tsconfig.json'),
    logLevel: 'warning',
  })
}

/** Prints an embed's size; throws when it is over its budget. */
export function checkEmbedBudget(name, distDir, budget = EMBEDS[name].budget) {
  const { file, what } = EMBEDS[name]
  const gzip = gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length
  console.error(`web: ${file} ${kB(gzip)} gzip (budget ${kB(budget)})`)
  if (gzip > budget) {
    throw new Error(`${what} (${file}) is ${kB(gzip)} of JavaScript (gzip), over the ${kB(budget)} budget. Keep it small.`)
  }
  return gzip
}

/** Prints the first page's JavaScript size; throws when it is over the budget. */
export function checkFirstPageBudget(distDir, budget = FIRST_PAGE_BUDGET) {
  const { chunks, gzip, css } = firstPageJs(distDir)
  console.error(`web: first page JS ${kB(gzip)} gzip (budget ${kB(budget)}), CSS ${kB(css)} gzip`)
  if (gzip > budget) {
    const list = chunks.map((chunk) => `${chunk.file} ${kB(chunk.gzip)}`).join(', ')
    throw new Error(
      `the first page loads ${kB(gzip)} of JavaScript (gzip), over the ${kB(budget)} budget: ${list}. Load more of it lazily.`,
    )
  }
  return gzip
}

const COMPRESSIBLE = /\.(js|css|svg|html|json|txt)$/

/**
 * Writes `file.br` (brotli, quality 11) and `file.gz` (gzip, level 9) beside every text file over
 * 1 kB in `dir`, for the server to send as they are (@fastify/static preCompressed): the best
 * compression once at build time instead of none, or a fast one, on every request. Dot folders
 * (.vite, the manifest nobody downloads) are skipped. Returns the files it compressed.
 */
export function precompress(dir) {
  const done = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.name.startsWith('.')) continue
    if (entry.isDirectory()) {
      done.push(...precompress(path))
      continue
    }
    if (!COMPRESSIBLE.test(entry.name)) continue
    const content = readFileSync(path)
    if (content.length <= 1024) continue
    const br = brotliCompressSync(content, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length },
    })
    writeFileSync(`${path}.br`, br)
    writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }))
    done.push(path)
  }
  return done
}

export async function buildWeb() {
  const { build } = await import('vite')
  const dist = at('web/dist')
  await build({ root: at('web'), logLevel: 'warn' })
  // After Vite, which empties dist first.
  for (const name of Object.keys(EMBEDS)) await buildEmbed(name, dist)
  precompress(dist)
  try {
    checkFirstPageBudget(dist)
    for (const name of Object.keys(EMBEDS)) checkEmbedBudget(name, dist)
  } catch (err) {
    // Without index.html (PARTS.web.output) the build does not count as done, so `npm start`
    // builds again instead of serving it; the chunks stay for a look at what grew.
    for (const file of ['index.html', 'index.html.br', 'index.html.gz']) rmSync(join(dist, file), { force: true })
    throw err
  }
}

export async function buildSdk() {
  rmSync(at('sdk/dist'), { recursive: true, force: true })
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', at('sdk/tsconfig.build.json')], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error('tsc failed on sdk/tsconfig.build.json')
  // tsc emits no declaration files it did not compile: the generated API types go along as they are.
  copyFileSync(at('sdk/src/schema.d.ts'), at('sdk/dist/schema.d.ts'))
  // The package carries the licence text (npm takes it only from files it packs).
  copyFileSync(at('LICENSE'), at('sdk/dist/LICENSE'))
}

const BUILDERS = { server: buildServer, web: buildWeb, sdk: buildSdk }

/** Builds the given parts in turn, one line each on stderr (stdout stays clean for `npm pack --json`). */
export async function build(parts = Object.keys(BUILDERS)) {
  for (const part of parts) {
    if (!BUILDERS[part]) throw new Error(`unknown part "${part}" (server, web or sdk)`)
    const started = Date.now()
    await BUILDERS[part]()
    console.error(`built ${part} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  build(process.argv.length > 2 ? process.argv.slice(2) : undefined).catch((err) => {
    console.error(`build: ${err.message}`)
    process.exit(1)
  })
}
