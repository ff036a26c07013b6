// The production build: `node scripts/build.mjs [server] [web] [sdk]` (all three by default).
// - server: src/main.ts bundled by esbuild into one ESM file that plain `node` runs, with a source
//   map; packages stay imports (resolved from node_modules at run time), so a release needs only
//   `npm ci --omit=dev` beside it.
// - web: the Vite build of the web app into web/dist, which the server serves.
// - sdk: the publishable @caravan/sdk package (JavaScript, declarations) into sdk/dist.
// Build tools are imported only when building: scripts/start.mjs and server/bin/caravan.js use
// isCurrent() on installs without dev dependencies.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

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

export async function buildWeb() {
  const { build } = await import('vite')
  await build({ root: at('web'), logLevel: 'warn' })
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
