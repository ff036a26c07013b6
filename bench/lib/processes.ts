// Servers under test as child processes: a forked TypeScript script that reports its port over
// IPC (the bare baselines), or Caravan itself (`node server/bin/caravan.js start`). Each is stopped
// at cleanup; a stop waits for the exit (SIGTERM, then SIGKILL after 15 s).
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { onCleanup } from './cleanup'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const benchDir = join(repoRoot, 'bench')

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const force = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(force)
}

/** Rejects as soon as the child exits, so a crash at start-up fails fast instead of timing out. */
export function exitOf(child: ChildProcess, name: string): Promise<never> {
  return new Promise((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? 'code ' + code}) before it was ready`))),
  )
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** A temporary directory, removed at cleanup. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  onCleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export interface Child<M> {
  child: ChildProcess
  stop: () => Promise<void>
  /** The first IPC message. */ ready: M
}

/**
 * Forks a TypeScript script (through tsx) and waits for its first IPC message, which says it is
 * ready (a port, a result…). Rejects if it exits first.
 */
export async function forkScript<M>(file: string, env: NodeJS.ProcessEnv, name: string): Promise<Child<M>> {
  const child = fork(file, {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  })
  onCleanup(() => stopChild(child))
  const ready = await Promise.race([new Promise<M>((resolve) => child.once('message', (m) => resolve(m as M))), exitOf(child, name)])
  return { child, stop: () => stopChild(child), ready }
}

/** The next IPC message of a forked child; rejects if it exits first. */
export function nextMessage<M>(child: ChildProcess, name: string): Promise<M> {
  return Promise.race([new Promise<M>((resolve) => child.once('message', (m) => resolve(m as M))), exitOf(child, name)])
}

export interface CaravanOptions {
  /** PostgreSQL; PGlite in dataDir when absent. */
  databaseUrl?: string
  /** Several nodes: Redis for the socket adapter, presence and caches. */
  redisUrl?: string
  /** `all` (default), `api` or `worker`. */
  role?: 'all' | 'api' | 'worker'
  /** Reuse a data directory (PGlite keeps its database there); a new temporary one when absent. */
  dataDir?: string
  env?: NodeJS.ProcessEnv
  /** Extra options for node itself, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeArgs?: string[]
}

export interface Caravan {
  url: string
  dataDir: string
  child: ChildProcess
  stop: () => Promise<void>
}

/** The environment Caravan runs with in a bench: single process, no Redis, limits out of the way. */
export function caravanEnv(options: {
  databaseUrl?: string
  redisUrl?: string
  dataDir: string
  port?: number
  env?: NodeJS.ProcessEnv
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'warn',
    // 1,000,000/min is the highest the config accepts: high enough that no limit is hit here.
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    // Sign-ups sign in at once (the benches measure sign-up itself, not an e-mailed link).
    EMAIL_VERIFICATION: 'false',
    // Bench bursts come from one address: the sign-in guard would stop them.
    LOGIN_MAX_FAILURES: '1000',
    ...options.env,
  }
  if (options.port) env.PORT = String(options.port)
  // Measure the single-process default: no Redis, and PGlite unless a database is given.
  delete env.REDIS_URL
  delete env.DATABASE_URL
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl
  if (options.redisUrl) env.REDIS_URL = options.redisUrl
  return env
}

/** Polls GET url/readyz until it answers 200. */
export async function waitReady(url: string, name = 'Caravan', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const status = await fetch(url + '/readyz').then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${name} did not answer 200 on /readyz within ${timeoutMs / 1000} s`)
}

/** Starts Caravan and waits until /readyz answers 200. */
export async function startCaravan(options: CaravanOptions = {}): Promise<Caravan> {
  const dataDir = options.dataDir ?? (await tempDir('caravan-bench-'))
  const port = await freePort()
  const env = caravanEnv({ databaseUrl: options.databaseUrl, redisUrl: options.redisUrl, dataDir, port, env: options.env })
  const args = [...(options.nodeArgs ?? []), 'server/bin/caravan.js', 'start', ...(options.role ? ['--role', options.role] : [])]
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] })
  onCleanup(() => stopChild(child))
  const url = `http://127.0.0.1:${port}`
  await Promise.race([waitReady(url), exitOf(child, 'Caravan')])
  return { url, dataDir, child, stop: () => stopChild(child) }
}

/** Runs `caravan migrate` to completion (PGlite in dataDir, or databaseUrl). */
export async function migrateCaravan(options: { databaseUrl?: string; dataDir: string }): Promise<void> {
  const child = spawn(process.execPath, ['server/bin/caravan.js', 'migrate'], {
    cwd: repoRoot,
    env: caravanEnv(options),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  onCleanup(() => stopChild(child))
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  )
  if (code !== 0) throw new Error(`caravan migrate exited (${signal ?? 'code ' + code})`)
}
