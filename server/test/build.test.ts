// The production build: the server bundled by scripts/build.mjs runs on plain `node` (no tsx), finds
// its migrations, package.json and packages from dist/, and imports nothing a release installed
// with `npm ci --omit=dev` lacks.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildToTemp, startBuilt } from './helpers/built-server'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
/** "@scope/name/sub" → "@scope/name", "name/sub" → "name". */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

describe('server build', () => {
  let build: Awaited<ReturnType<typeof buildToTemp>>
  beforeAll(async () => {
    build = await buildToTemp()
  })
  afterAll(() => build?.remove())

  it('imports only node built-ins and the server package dependencies, never tsx', () => {
    const [output] = Object.entries(build.metafile.outputs).filter(([file]) => file.endsWith('main.js'))
    const external = output![1].imports.filter((i) => i.external).map((i) => i.path)
    expect(external).toContain('fastify')
    const bare = external.filter((path) => !path.startsWith('node:') && !builtinModules.includes(path))
    const unlisted = [...new Set(bare.map(packageOf))].filter((name) => !(name in pkg.dependencies))
    expect(unlisted).toEqual([])
    // Relative imports were all bundled; no import of tsx, static or dynamic, anywhere in the file.
    expect(external.filter((path) => path.startsWith('.'))).toEqual([])
    expect(readFileSync(build.outfile, 'utf8')).not.toMatch(/(from|import\()\s*["']tsx/)
  })

  it('runs on plain node: migrates, serves /readyz and its version, and stops cleanly', async () => {
    const node = await startBuilt(build.outfile)
    try {
      expect(node.child.spawnargs).toEqual([process.execPath, build.outfile, 'start'])
      const ready = await fetch(node.url + '/readyz')
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true } } })
      const docs = (await (await fetch(node.url + '/docs/json')).json()) as { info: { version: string } }
      expect(docs.info.version).toBe(pkg.version)
      node.child.kill('SIGTERM')
      expect(await node.exited).toBe(0)
    } finally {
      node.cleanup()
    }
  }, 150_000) // a built node's start runs every migration first (startBuilt waits up to 90 s)
})
