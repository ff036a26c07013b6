// One embedded database, one owner: a real node process holds DATA_DIR, and the other `caravan`
// commands run beside it as a user runs them (the README's `npm start`, then `npm run demo` in a
// second terminal), through the node or stopping with one line, never opening the folder twice.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from './helpers/caravan'
import { embeddedEnv, runCaravan, startEmbeddedNode, type EmbeddedNode } from './helpers/worker'

const folders: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'caravan-embedded-'))
  folders.push(dir)
  return dir
}

let dataDir: string
let node: EmbeddedNode

beforeAll(async () => {
  dataDir = tempDir()
  node = await startEmbeddedNode(dataDir)
}, 120_000)

afterAll(async () => {
  await node?.stop()
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}
const login = (url: string, email: string, password: string) => post(`${url}/v1/auth/login`, { email, password })
const readLock = (dir: string) => JSON.parse(readFileSync(join(dir, 'caravan.lock'), 'utf8'))

describe('a running node owns its embedded database', () => {
  it('holds DATA_DIR/caravan.lock: its pid, its local URL and a token, readable by its owner only', () => {
    const lock = readLock(dataDir)
    expect(lock).toMatchObject({ pid: node.child.pid, url: node.url })
    expect(lock.token).toMatch(/^[\w-]{43}$/)
    expect(statSync(join(dataDir, 'caravan.lock')).mode & 0o777).toBe(0o600)
  })

  it('npm run demo in a second terminal works through the node: the demo admin signs in on it', async () => {
    // Another PORT in the command's environment: the node's own address comes from the lock.
    const demo = await runCaravan(['demo'], embeddedEnv(dataDir, { PORT: '1' }))
    expect(demo.status, demo.stderr).toBe(0)
    expect(demo.stdout).toContain(`Demo accounts (sign in at ${node.url}):`)
    expect(demo.stdout).toMatch(/admin +admin@demo\.caravan\.local +demo-admin-1234/)
    const signIn = await login(node.url, 'admin@demo.caravan.local', 'demo-admin-1234')
    expect(signIn.status).toBe(200)
    expect(signIn.body.user.role).toBe('admin')
  })

  it('answers its control routes only with the token, never through a proxy, and leaves them out of the API document', async () => {
    const { token } = readLock(dataDir)
    const demoUrl = `${node.url}/internal/local/demo`
    const refusals: Record<string, string>[] = [
      {},
      { 'x-caravan-control-token': 'wrong' },
      { 'x-caravan-control-token': token, 'x-forwarded-for': '203.0.113.9' },
    ]
    for (const headers of refusals) {
      const res = await fetch(demoUrl, { method: 'POST', headers })
      expect(res.status).toBe(403)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
    const spec = JSON.stringify(await (await fetch(`${node.url}/docs/json`)).json())
    expect(spec).not.toContain('/internal/')
  })

  it('a second caravan start on the same folder stops with one line', async () => {
    const second = await runCaravan(['start'], embeddedEnv(dataDir, { PORT: String(await freePort()), HOST: '127.0.0.1' }))
    expect(second.status).toBe(1)
    expect(second.stderr.trim()).toBe(
      `caravan: DATA_DIR ${dataDir} is in use by a running Caravan node (pid ${node.child.pid}, ${node.url}): stop it first or set another DATA_DIR`,
    )
    expect(readLock(dataDir).pid).toBe(node.child.pid)
  })

  it('caravan migrate beside the node has nothing to do', async () => {
    const migrate = await runCaravan(['migrate'], embeddedEnv(dataDir))
    expect(migrate.status, migrate.stderr).toBe(0)
    expect(migrate.stdout.trim()).toBe(`The running node (pid ${node.child.pid}) applied every migration when it started; nothing to do.`)
  })

  // A node process and three commands, each a process of its own (the node alone takes ~30 s to start here).
  it('backup while the node runs; restore is refused while it runs, and a fresh folder restored from it keeps the users', async () => {
    const email = `kept-${Date.now()}@example.com`
    expect((await post(`${node.url}/v1/auth/register`, { email, password: 'kept password 1' })).status).toBe(201)

    const backupFile = join(tempDir(), 'caravan.tar.gz')
    const backup = await runCaravan(['backup', backupFile], embeddedEnv(dataDir))
    expect(backup.status, backup.stderr).toBe(0)
    expect(backup.stdout).toContain(`written to ${backupFile}`)
    expect(statSync(backupFile).mode & 0o777).toBe(0o600)

    const refused = await runCaravan(['restore', backupFile], embeddedEnv(dataDir))
    expect(refused.status).toBe(1)
    expect(refused.stderr.trim()).toBe(
      `caravan: cannot restore while a Caravan node runs on DATA_DIR ${dataDir} (pid ${node.child.pid}, ${node.url}): stop it first, or restore into another DATA_DIR`,
    )

    const fresh = tempDir()
    const restore = await runCaravan(['restore', backupFile], embeddedEnv(fresh))
    expect(restore.status, restore.stderr).toBe(0)
    const restored = await startEmbeddedNode(fresh)
    try {
      expect((await login(restored.url, email, 'kept password 1')).status).toBe(200)
      expect((await login(restored.url, 'admin@demo.caravan.local', 'demo-admin-1234')).status).toBe(200)
    } finally {
      expect(await restored.stop()).toBe(0)
    }

    // With no node running, backup opens the folder itself; restoring over a database keeps the one it replaces beside it.
    const offlineFile = join(tempDir(), 'offline.tar.gz')
    const offline = await runCaravan(['backup', offlineFile], embeddedEnv(fresh))
    expect(offline.status, offline.stderr).toBe(0)
    expect(readdirSync(fresh)).not.toContain('caravan.lock')
    const again = await runCaravan(['restore', offlineFile], embeddedEnv(fresh))
    expect(again.status, again.stderr).toBe(0)
    const aside = readdirSync(fresh).filter((name) => name.startsWith('pglite.before-restore-'))
    expect(aside).toHaveLength(1)
    expect(again.stdout).toContain(join(fresh, aside[0]))
    expect(readdirSync(join(fresh, aside[0]))).toContain('PG_VERSION')
  }, 180_000)

  it('refuses a file that is not a backup, or a damaged one, with one line and the folder untouched', async () => {
    const files = tempDir()
    const backupFile = join(files, 'good.tar.gz')
    expect((await runCaravan(['backup', backupFile], embeddedEnv(dataDir))).status).toBe(0)
    const notBackup = join(files, 'notes.txt')
    writeFileSync(notBackup, 'hello')
    const damaged = join(files, 'damaged.tar.gz')
    writeFileSync(damaged, readFileSync(backupFile).subarray(0, 200_000))

    const target = tempDir()
    const cases = [
      [notBackup, `caravan: ${notBackup} is not a Caravan backup (the .tar.gz file that caravan backup writes)`],
      [damaged, `caravan: ${damaged} is damaged (unexpected end of file); it cannot be restored`],
      [join(files, 'missing.tar.gz'), `caravan: ${join(files, 'missing.tar.gz')} does not exist`],
    ]
    for (const [file, line] of cases) {
      const result = await runCaravan(['restore', file], embeddedEnv(target))
      expect(result.status).toBe(1)
      expect(result.stderr.trim()).toBe(line)
    }
    const nothing = await runCaravan(['backup', join(files, 'nothing.tar.gz')], embeddedEnv(target))
    expect(nothing.stderr.trim()).toBe(`caravan: there is no embedded database in ${join(target, 'pglite')} to back up`)
    expect(readdirSync(files)).not.toContain('nothing.tar.gz.partial')
    expect(readdirSync(target).sort()).toEqual(['secrets.json'])
  })
})

describe('a lock left behind', () => {
  it('by a process that is gone (SIGKILL, power loss) is taken over with one line', async () => {
    const dir = tempDir()
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    const startedAt = new Date().toISOString()
    writeFileSync(join(dir, 'caravan.lock'), JSON.stringify({ pid: gone, startedAt }))
    const migrate = await runCaravan(['migrate'], embeddedEnv(dir))
    expect(migrate.status, migrate.stderr).toBe(0)
    expect(migrate.stdout.trim()).toBe('Migrations applied.')
    expect(migrate.stderr.trim()).toBe(
      `caravan: taking over the lock of DATA_DIR ${dir} from a Caravan process that is gone (pid ${gone}, started ${startedAt})`,
    )
    expect(readdirSync(dir)).not.toContain('caravan.lock')
  })

  it.runIf(process.platform === 'linux')(
    'whose pid now belongs to a process started later (after a reboot) is taken over too',
    async () => {
      const dir = tempDir()
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
      try {
        const startedAt = new Date(Date.now() - 3600_000).toISOString()
        writeFileSync(join(dir, 'caravan.lock'), JSON.stringify({ pid: other.pid, startedAt }))
        const migrate = await runCaravan(['migrate'], embeddedEnv(dir))
        expect(migrate.status, migrate.stderr).toBe(0)
        expect(migrate.stderr).toContain(`from a Caravan process that is gone (pid ${other.pid}, started ${startedAt})`)
      } finally {
        other.kill('SIGKILL')
      }
    },
  )
})
