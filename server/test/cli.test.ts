// The `caravan` command as a user runs it: a real process, its own data folder, real signals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const BIN = new URL('../bin/caravan.js', import.meta.url).pathname
// These runs use the embedded database whatever the suite's DATABASE_URL: this is the first-run path.
const folders: string[] = []
const baseEnv = () => {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...rest } = process.env
  const dataDir = mkdtempSync(join(tmpdir(), 'caravan-cli-'))
  folders.push(dataDir)
  return { ...rest, LOG_LEVEL: 'warn', DATA_DIR: dataDir }
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})
const run = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 })

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as any).port
      s.close(() => resolve(p))
    })
  })
}

async function waitReady(url: string, child: ChildProcess) {
  const end = Date.now() + 60_000
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
    try {
      if ((await fetch(url + '/readyz')).ok) return
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('not ready in 60 s')
}

/** The exit code, once the process has exited and its output has all been read ('close', not 'exit'). */
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null && child.stdout?.closed !== false) return resolve(child.exitCode)
    child.once('close', (code) => resolve(code))
  })

/** Each of these starts `caravan` processes on a fresh embedded database (every migration): on two busy cores, more than a minute. */
const PROCESS_TEST_MS = 180_000

describe('caravan command', () => {
  it('stops at start-up with one clear line naming a bad setting', () => {
    const result = run(['start'], { ...baseEnv(), PORT: 'eighty' })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe('caravan: Invalid setting PORT: must be a whole number, got "eighty"')
  })

  it('backup and restore of a PostgreSQL database point to pg_dump and pg_restore; a missing file name is one line', () => {
    const env = { ...baseEnv(), DATABASE_URL: 'postgres://caravan@127.0.0.1:1/caravan' }
    for (const command of ['backup', 'restore']) {
      const result = run([command, 'caravan.tar.gz'], env)
      expect(result.status).toBe(1)
      expect(result.stderr.trim()).toBe(
        `caravan: ${command} covers the embedded database only; with DATABASE_URL the data is in PostgreSQL: use pg_dump to back it up and pg_restore to restore it`,
      )
    }
    const bare = run(['backup'], baseEnv())
    expect(bare.status).toBe(1)
    expect(bare.stderr.trim()).toBe('caravan: backup needs one file name: caravan backup FILE')
    const help = run(['--help'], baseEnv())
    expect(help.stdout).toMatch(/backup FILE[\s\S]*restore FILE/)
  })

  it(
    'migrate applies migrations and exits; demo prints three logins',
    () => {
      const env = baseEnv()
      const migrate = run(['migrate'], env)
      expect(migrate.status, migrate.stderr).toBe(0)
      expect(migrate.stdout).toContain('Migrations applied.')
      const demo = run(['demo'], env)
      expect(demo.status, demo.stderr).toBe(0)
      for (const who of ['admin@demo.caravan.local', 'agent@demo.caravan.local', 'customer@demo.caravan.local'])
        expect(demo.stdout).toContain(who)
    },
    PROCESS_TEST_MS,
  )

  it(
    'ledger check reports that every invariant holds; a wrong word is the usage line',
    () => {
      const env = baseEnv()
      const ledger = run(['ledger', 'check'], env)
      expect(ledger.status, ledger.stderr).toBe(0)
      expect(ledger.stdout).toContain('The ledger balances: every invariant holds.')
      const usage = run(['ledger', 'balance'], env)
      expect(usage.status).toBe(1)
      expect(usage.stderr.trim()).toBe('caravan: usage: caravan ledger check')
    },
    PROCESS_TEST_MS,
  )

  it(
    'start creates the first admin from env, serves, and stops cleanly on SIGTERM',
    async () => {
      const port = await freePort()
      const env = { ...baseEnv(), PORT: String(port), ADMIN_EMAIL: 'Owner@Example.com', ADMIN_PASSWORD: 'owner password 1' }
      const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: 'pipe' })
      const url = `http://127.0.0.1:${port}`
      try {
        await waitReady(url, child)
        const login = await fetch(url + '/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'owner@example.com', password: 'owner password 1' }),
        })
        expect(login.status).toBe(200)
        expect(((await login.json()) as any).user.role).toBe('admin')
      } finally {
        const code = exited(child)
        child.kill('SIGTERM')
        expect(await code).toBe(0)
      }
    },
    PROCESS_TEST_MS,
  )

  it(
    'logs an unhandled rejection and goes on; stops as on SIGTERM, exit 1, after an uncaught exception',
    async () => {
      const port = await freePort()
      // Info: the graceful stop's own lines show it ran.
      const env = { ...baseEnv(), PORT: String(port), LOG_LEVEL: 'info' }
      // Loaded before caravan: each SIGUSR2 leaves one error no code handles.
      const probe = join(env.DATA_DIR, 'probe.mjs')
      writeFileSync(
        probe,
        `let n = 0
        process.on('SIGUSR2', () => {
          if (++n === 1) Promise.reject(new Error('probe: a promise nobody awaits'))
          else setImmediate(() => { throw new Error('probe: thrown from a callback') })
        })`,
      )
      const child = spawn(process.execPath, ['--import', probe, BIN, 'start'], { env, stdio: 'pipe' })
      let log = ''
      child.stdout!.on('data', (d) => (log += d))
      child.stderr!.on('data', (d) => (log += d))
      const url = `http://127.0.0.1:${port}`
      const code = exited(child)
      try {
        await waitReady(url, child)
        child.kill('SIGUSR2')
        const counted = async () => /caravan_unhandled_rejections_total 1\b/.test(await (await fetch(url + '/metrics')).text())
        while (!(await counted())) await new Promise((r) => setTimeout(r, 100))
        // The count can be read before the log line has come through the pipe.
        await expect.poll(() => log).toContain('probe: a promise nobody awaits')
        expect(log).toContain('unhandled promise rejection (logged; the node goes on)')
        expect((await fetch(url + '/readyz')).status).toBe(200)
        child.kill('SIGUSR2')
        expect(await code).toBe(1)
        expect(log).toContain('uncaught exception: the node stops')
        expect(log).toContain('probe: thrown from a callback')
        // The graceful stop ran (not Node's immediate exit).
        expect(log).toMatch(/shutting down[\s\S]*stopped/)
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL')
      }
    },
    PROCESS_TEST_MS,
  )

  it(
    '--role worker runs jobs and health checks but serves no API',
    async () => {
      const port = await freePort()
      const child = spawn(process.execPath, [BIN, 'start', '--role', 'worker'], {
        env: { ...baseEnv(), PORT: String(port) },
        stdio: 'pipe',
      })
      const url = `http://127.0.0.1:${port}`
      try {
        await waitReady(url, child)
        expect((await fetch(url + '/healthz')).status).toBe(200)
        expect((await fetch(url + '/v1/auth/login', { method: 'POST' })).status).toBe(404)
      } finally {
        const code = exited(child)
        child.kill('SIGTERM')
        await code
      }
    },
    PROCESS_TEST_MS,
  )
})
