// The production build of the server in a temporary folder of its own, run with plain `node` as a
// release runs it. The folder sits inside the server package (under node_modules/.cache), because
// the bundle finds package.json, drizzle/ and its packages by walking up from where it lies.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildServer } from '../../../scripts/build.mjs'
import { freePort } from './caravan'
import { until } from './wait'

const CACHE = fileURLToPath(new URL('../../node_modules/.cache', import.meta.url))

export async function buildToTemp() {
  mkdirSync(CACHE, { recursive: true })
  const outdir = mkdtempSync(join(CACHE, 'caravan-build-'))
  const { outfile, metafile } = await buildServer({ outdir })
  return { outfile, metafile, remove: () => rmSync(outdir, { recursive: true, force: true }) }
}

export interface BuiltNode {
  child: ChildProcess
  url: string
  /** Everything the node wrote to stdout and stderr so far. */
  output(): string
  /** The exit code, once it exits. */
  exited: Promise<number | null>
  /** Kills the node if it still runs and removes its data folder. */
  cleanup(): void
}

/** Starts `node <outfile> start` on the embedded database with JSON logs and waits until /readyz answers. */
export async function startBuilt(outfile: string, env: Record<string, string> = {}): Promise<BuiltNode> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'caravan-built-'))
  // Plain node: no loader from the test runner's environment (NODE_OPTIONS), no flags.
  const { DATABASE_URL: _d, REDIS_URL: _r, NODE_OPTIONS: _n, ...inherited } = process.env
  const child = spawn(process.execPath, [outfile, 'start'], {
    env: { ...inherited, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env },
    stdio: 'pipe',
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const node: BuiltNode = {
    child,
    url,
    output: () => output,
    exited,
    cleanup() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output}`)
        return fetch(url + '/readyz').then(
          (r) => r.ok,
          () => false,
        )
      },
      // Every migration on a fresh embedded database first: 10-20 s when quiet, 45 s on two busy cores.
      90_000,
      'built node ready',
    )
  } catch (e) {
    node.cleanup()
    throw e
  }
  return node
}
