// A `caravan start` child process on a free port, ready when /readyz answers 200: the browser
// tests' servers (harness.ts) and the data folder they start from (data-template.ts). Loads neither
// Playwright nor vitest, so the global setup can use it.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { ROOT } from './paths'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface CaravanProcess {
  url: string
  /** What it has printed so far (stdout and stderr). */
  output: () => string
  /** Stops it (SIGTERM, SIGKILL after 15 s) and waits for it to exit. */
  stop: () => Promise<void>
}

/**
 * Starts Caravan on `dataDir` with only `env` (and PATH, HOME) and waits until it is ready; a
 * server that exits or is not ready within 60 s is killed and the error carries its output.
 */
export async function spawnCaravan(dataDir: string, env: Record<string, string>): Promise<CaravanProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['server/bin/caravan.js', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dataDir,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    let problem = child.exitCode !== null ? `the server exited with ${child.exitCode}:` : undefined
    if (!problem && Date.now() > deadline) problem = 'the server was not ready within 60 s:'
    if (problem) {
      child.kill('SIGKILL')
      throw new Error(`${problem}\n${output}`)
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) break
    await new Promise((r) => setTimeout(r, 300))
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}
