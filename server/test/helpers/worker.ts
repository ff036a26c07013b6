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
