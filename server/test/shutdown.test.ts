// Stopping a node on SIGTERM within SHUTDOWN_TIMEOUT_SECONDS (server/src/cli/start.ts): a real
// process (the production build, for a quick start), real signals, and a request that never
// finishes arriving to hold the stop up.
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildToTemp, startBuilt, type BuiltNode } from './helpers/built-server'
import { until } from './helpers/wait'

const logLines = (node: BuiltNode) =>
  node
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; [key: string]: unknown })

/**
 * Sends the headers of a login and part of its body. With `Expect: 100-continue` the server answers
 * "100 Continue" as it hands the request to the app: from then on the request is in flight.
 */
async function stuckRequest(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  let received = ''
  socket.on('data', (chunk) => (received += chunk))
  socket.on('error', () => {})
  socket.write(
    'POST /v1/auth/login HTTP/1.1\r\nHost: caravan\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n',
  )
  await until(() => received.includes('100 Continue'), 10_000, '100 Continue')
  socket.write('{"email":')
  return socket
}

// Each test starts a built node (every migration on a fresh embedded database): up to 90 s of it.
describe('shutdown', { timeout: 150_000 }, () => {
  let build: Awaited<ReturnType<typeof buildToTemp>>
  beforeAll(async () => {
    build = await buildToTemp()
  })
  afterAll(() => build?.remove())

  it('stops on SIGTERM within the deadline and exits 0', async () => {
    const node = await startBuilt(build.outfile, { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_SECONDS: '10' })
    try {
      const sent = Date.now()
      node.child.kill('SIGTERM')
      expect(await node.exited).toBe(0)
      expect(Date.now() - sent).toBeLessThan(10_000)
      const messages = logLines(node).map((l) => l.msg)
      expect(messages).toContain('shutting down (deadline 10 s)')
      expect(messages.at(-1)).toBe('stopped')
    } finally {
      node.cleanup()
    }
  })

  it('exits 1 at the deadline when the stop is stuck, naming what was still running', async () => {
    const node = await startBuilt(build.outfile, { SHUTDOWN_TIMEOUT_SECONDS: '2', REQUEST_TIMEOUT_MS: '120000' })
    const socket = await stuckRequest(node.url)
    try {
      const sent = Date.now()
      node.child.kill('SIGTERM')
      expect(await node.exited).toBe(1)
      const took = Date.now() - sent
      expect(took).toBeGreaterThanOrEqual(2000)
      expect(took).toBeLessThan(6000)
      const last = logLines(node).at(-1)!
      expect(last).toMatchObject({
        level: 50,
        reason: 'deadline of 2 s passed',
        stillRunning: { requests: ['POST /v1/auth/login'], requestCount: 1 },
      })
    } finally {
      socket.destroy()
      node.cleanup()
    }
  })

  it('exits 1 at once on a second signal', async () => {
    const node = await startBuilt(build.outfile, { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_SECONDS: '60', REQUEST_TIMEOUT_MS: '120000' })
    const socket = await stuckRequest(node.url)
    try {
      node.child.kill('SIGTERM')
      await until(() => logLines(node).some((l) => l.msg.startsWith('shutting down')), 10_000, 'shutting down logged')
      node.child.kill('SIGINT')
      expect(await node.exited).toBe(1)
      expect(logLines(node).at(-1)).toMatchObject({ level: 50, reason: 'second SIGINT', stillRunning: { requestCount: 1 } })
    } finally {
      socket.destroy()
      node.cleanup()
    }
  })
})
