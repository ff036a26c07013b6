// The published @caravan/sdk as a user gets it: `npm pack` (which builds it), installed from the
// tarball into a plain Node project outside the workspace, imported by a plain `node` script that
// calls a server, and type-checked by tsc under Node's own module resolution.
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const SDK = fileURLToPath(new URL('..', import.meta.url))
// npm pack builds sdk/dist: a test run that found none leaves none.
const hadDist = existsSync(join(SDK, 'dist'))
// npm run from inside a workspace passes its settings down as npm_* variables: the project is not in one.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')))

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

describe('the packed SDK', () => {
  let dir: string
  let project: string
  let packed: { filename: string; files: { path: string }[] }
  let server: Server
  let baseUrl: string
  const seen: { url?: string; authorization?: string }[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'caravan-sdk-package-'))
    ;[packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], SDK))
    project = join(dir, 'project')
    mkdirSync(project)
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'sdk-user', private: true, type: 'module', dependencies: { '@caravan/sdk': `file:../${packed.filename}` } }),
    )
    // socket.io-client (the SDK's one dependency) comes from the npm cache.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project)

    server = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization })
      if (req.url === '/v1/me') {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ id: 'u1', email: 'sara@example.com', role: 'customer', name: 'Sara' }))
      }
      res.writeHead(403, { 'content-type': 'application/problem+json' })
      res.end(JSON.stringify({ type: 'https://caravan.dev/problems/forbidden', title: 'Forbidden', status: 403 }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }, 180_000)

  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve))
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (!hadDist) rmSync(join(SDK, 'dist'), { recursive: true, force: true })
  })

  it('holds the build, declarations and the source, without tests', () => {
    const files = packed.files.map((f) => f.path)
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts', 'dist/LICENSE', 'src/index.ts']),
    )
    expect(files.filter((f) => f.endsWith('.test.ts'))).toEqual([])
  })

  it('is imported by a plain node script that calls the server', async () => {
    writeFileSync(
      join(project, 'main.js'),
      `import * as sdk from '@caravan/sdk'
const client = sdk.createCaravanClient({ baseUrl: process.argv[2], apiKey: 'ck_test' })
const me = await client.me()
const refused = await client.admin.listUsers().catch((e) => ({ isCaravanError: e instanceof sdk.CaravanError, code: e.code, status: e.status }))
console.log(JSON.stringify({ exports: Object.keys(sdk).sort(), me, refused }))
`,
    )
    // Not spawnSync: the server answering it runs in this process.
    const { stdout } = await promisify(execFile)(process.execPath, ['main.js', baseUrl], { cwd: project, env })
    const out = JSON.parse(stdout)
    expect(out.exports).toEqual(
      expect.arrayContaining([
        'CaravanError',
        'REALTIME_PATH',
        'connectRealtime',
        'createCaravanClient',
        'localStorageSessionStorage',
        'memorySessionStorage',
      ]),
    )
    expect(out.me).toMatchObject({ id: 'u1', email: 'sara@example.com' })
    expect(out.refused).toEqual({ isCaravanError: true, code: 'forbidden', status: 403 })
    expect(seen[0]).toEqual({ url: '/v1/me', authorization: 'Bearer ck_test' })
  })

  it('type-checks a TypeScript user under Node module resolution', () => {
    writeFileSync(
      join(project, 'user.ts'),
      `import { createCaravanClient, CaravanError, type User } from '@caravan/sdk'
const client = createCaravanClient({ baseUrl: 'https://caravan.example.com' })
export async function who(): Promise<string> {
  const me: User = await client.me()
  return me.id
}
export const isForbidden = (e: unknown) => e instanceof CaravanError && e.status === 403
// @ts-expect-error: not an SDK method
client.noSuchMethod()
`,
    )
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2023',
          lib: ['es2023', 'dom'],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ['user.ts'],
      }),
    )
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], project)
  })
})
