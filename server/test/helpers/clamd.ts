// A real ClamAV daemon for one test file (Debian's clamav-daemon). No signature download is
// possible here, so its database is one hash signature: the EICAR test file's MD5, which clamd
// then reports as "Caravan.Test.EICAR.UNOFFICIAL". It listens on a free loopback port, runs in
// the foreground as our child, and is ready when PING answers PONG.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import { createClamdScanner } from '../../src/core/files/clamd'
import { freePort } from './caravan'
import { EICAR } from './samples'
import { until } from './wait'

export const EICAR_SIGNATURE = 'Caravan.Test.EICAR.UNOFFICIAL'

export interface TestClamd {
  /** tcp://127.0.0.1:<port> */
  url: string
  stop(): Promise<void>
}

/** The clamd binary, or undefined when ClamAV is not installed. */
export function findClamd(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']
  return dirs.map((d) => join(d, 'clamd')).find((p) => existsSync(p))
}

/**
 * Why the tests that need clamd cannot run, or undefined when they can. In CI (CI=true) a missing
 * clamd is an error, never a silent skip.
 */
export function clamdMissing(): string | undefined {
  if (findClamd()) return undefined
  const missing = 'clamd is not installed (apt-get install clamav-daemon)'
  if (process.env.CI === 'true') throw new Error(`${missing}; CI=true requires the virus-scanning tests to run`)
  return `${missing}: the virus-scanning tests are skipped`
}

export async function startClamd(options: { streamMaxLength?: string } = {}): Promise<TestClamd> {
  const binary = findClamd()
  if (!binary) throw new Error('clamd is not installed')
  const dir = mkdtempSync(join(tmpdir(), 'caravan-clamd-'))
  const db = join(dir, 'db')
  mkdirSync(db)
  writeFileSync(join(db, 'test.hdb'), `${createHash('md5').update(EICAR).digest('hex')}:${EICAR.length}:Caravan.Test.EICAR\n`)
  const port = await freePort()
  const conf = join(dir, 'clamd.conf')
  writeFileSync(
    conf,
    [
      `DatabaseDirectory ${db}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      'Foreground true',
      `PidFile ${join(dir, 'clamd.pid')}`,
      `StreamMaxLength ${options.streamMaxLength ?? '60M'}`,
      // clamd switches to this user after start; as root, stay root (there may be no clamav user).
      ...(userInfo().uid === 0 ? ['User root'] : []),
    ].join('\n') + '\n',
  )
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code
      resolve()
    }),
  )
  const url = `tcp://127.0.0.1:${port}`
  const scanner = createClamdScanner(url, { timeoutMs: 2000 })
  const stop = async () => {
    if (exited === undefined && child.pid) process.kill(child.pid, 'SIGTERM')
    await exit
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await until(
      async () => {
        if (exited !== undefined) throw new Error(`clamd exited with code ${exited}:\n${output}`)
        return scanner.ping()
      },
      60_000,
      'clamd answering PING',
    )
  } catch (e) {
    await stop()
    throw e
  }
  return { url, stop }
}
