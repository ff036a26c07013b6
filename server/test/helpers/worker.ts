// A Caravan worker as a child process of the test, so a test can SIGKILL it mid-work.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestCaravan } from './caravan'
import { freePort } from './caravan'
import { until } from './wait'

const BIN = new URL('../../bin/caravan.js', import.meta.url).pathname

/**
 * Starts `caravan start --role worker` on the PostgreSQL database at `databaseUrl`, with the secrets
 * of `node` (so it can open what that node sealed), and waits until it is ready. Job settings of
 * the test's own environment are dropped; `env` sets the ones the test wants.
 */
export async function startWorkerProcess(node: TestCaravan, databaseUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const port = await freePort()
  const { DATABASE_URL: _d, REDIS_URL: _r, NOTIFY_JOB_EXPIRE_SECONDS: _e, JOBS_MAINTENANCE_SECONDS: _m, ...inherited } = process.env
  const child = spawn(process.execPath, [BIN, 'start', '--role', 'worker'], {
    env: {
      ...inherited,
      DATABASE_URL: databaseUrl,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'caravan-worker-')),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      JWT_SECRET: node.caravan.config.jwtSecret,
      SECRETS_KEY: node.caravan.config.secretsKey,
      ...env,
    },
    stdio: 'ignore',
  })
  await until(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok
      } catch {
        return false
      }
    },
    60_000,
    'worker ready',
  )
  return child
}

/** A `caravan start` process on the embedded database (PGlite) in a data folder. */
export interface EmbeddedNode {
  child: ChildProcess
  /** http://127.0.0.1:<port> (also its PUBLIC_URL). */
  url: string
  /** What it wrote to stderr so far. */
  stderr(): string
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>
}

/** The environment of a `caravan` process on the embedded database in `dataDir` (the suite's DATABASE_URL and REDIS_URL dropped). */
export function embeddedEnv(dataDir: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...inherited } = process.env
  return { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }
}

/** Starts `caravan start` on the embedded database in `dataDir` and waits until it is ready. */
export async function startEmbeddedNode(dataDir: string, env: Record<string, string> = {}): Promise<EmbeddedNode> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: embeddedEnv(dataDir, {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`caravan start exited with ${child.exitCode}: ${stderr}`)
      return fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    },
    // tsx and every migration on a fresh embedded database: about 30 s when quiet, over 60 s on two busy cores.
    120_000,
    'embedded node ready',
  )
  return {
    child,
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/** Runs one `caravan` command to its end. */
export function runCaravan(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })
}
