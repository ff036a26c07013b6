// The providers' one HTTP helper against a loopback server that misbehaves the ways real
// services and proxies do: never answering, answering and then stalling, huge or non-JSON bodies,
// redirects, and transports that repeat secrets in their errors.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSafeFetch } from '../src/core/net/safe-fetch'
import {
  createProviderHttp,
  MAX_ANSWER_BYTES,
  MAX_ERROR_TEXT,
  parseRetryAfter,
  redactor,
  truncate,
  ProviderError,
} from '../src/core/net/service-http'

let server: Server
let base: string
const open = new Set<ServerResponse>()

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  '/html': (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>'),
  '/huge': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' })
    res.end('x'.repeat(1024 * 1024))
  },
  '/hang': (_req, res) => open.add(res), // never answers
  '/stall-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"partial":')
    open.add(res) // the rest never comes
  },
  '/redirect': (_req, res) => res.writeHead(307, { location: '/json' }).end(),
}

beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const res of open) res.destroy()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const http = (extra: Partial<Parameters<typeof createProviderHttp>[0]> = {}) =>
  createProviderHttp({ service: 'Test', timeoutMs: 300, secrets: ['sk_live_0123456789abcdef'], ...extra })

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  return error as ProviderError
}

describe('provider HTTP: deadline', () => {
  it('a service that never answers is a transient timeout at the deadline', async () => {
    const started = Date.now()
    const error = await failure(http().request(`${base}/hang`, { method: 'GET' }))
    expect(error.kind).toBe('transient')
    expect(error.message).toBe(`Test request to ${new URL(base).host} failed: timed out after 300 ms`)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a body that stalls ends at the same deadline: the status counts, the body is what arrived', async () => {
    const started = Date.now()
    const answer = await http().request(`${base}/stall-body`, { method: 'GET' })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(answer).toMatchObject({ status: 200, ok: true, text: '{"partial":', json: undefined })
  })

  it('a refused connection is transient and names the reason', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const error = await failure(http().request(`http://127.0.0.1:${port}/`, { method: 'GET' }))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/ECONNREFUSED/)
  })
})

describe('provider HTTP: answers', () => {
  it('parses JSON answers', async () => {
    expect(await http().request(`${base}/json`, { method: 'GET' })).toMatchObject({ status: 200, ok: true, json: { ok: true } })
  })

  it('reads a non-JSON body as text without throwing', async () => {
    const answer = await http().request(`${base}/html`, { method: 'GET' })
    expect(answer).toMatchObject({ status: 502, ok: false, json: undefined, text: '<html><body>Bad gateway</body></html>' })
  })

  it('reads at most 64 kB of a huge body', async () => {
    const answer = await http().request(`${base}/huge`, { method: 'GET' })
    expect(answer.text.length).toBe(MAX_ANSWER_BYTES)
    expect(MAX_ANSWER_BYTES).toBe(64 * 1024)
  })

  it('never follows a redirect (it would carry our credentials elsewhere)', async () => {
    const answer = await http().request(`${base}/redirect`, { method: 'GET', headers: { authorization: 'Bearer x' } })
    expect(answer.status).toBe(307)
    expect(answer.headers.get('location')).toBe('/json')
  })
})

describe('provider HTTP: secrets never leave in errors', () => {
  it('scrubs the secret, its URL-encoded form and the lines of a multi-line one from transport errors', async () => {
    const pemBody = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'
    const leaky = async (url: string) => {
      throw new Error(`connect failed for ${url} key=sk_live_0123456789abcdef and ${encodeURIComponent('a/b+c=secret')} ${pemBody}`)
    }
    const client = http({
      fetch: leaky,
      secrets: ['sk_live_0123456789abcdef', 'a/b+c=secret', `-----BEGIN PRIVATE KEY-----\n${pemBody}\n-----END PRIVATE KEY-----`],
    })
    const error = await failure(client.request('https://api.example.com/v1/sk_live_0123456789abcdef/send', { method: 'POST' }))
    expect(error.kind).toBe('transient')
    expect(error.message).not.toContain('sk_live_0123456789abcdef')
    expect(error.message).not.toContain('a%2Fb%2Bc%3Dsecret')
    expect(error.message).not.toContain(pemBody)
    expect(error.message.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(4)
  })

  it('scrubs and truncates the texts providers build from answers', () => {
    const error = http().error('permanent', `refused sk_live_0123456789abcdef ${'y'.repeat(5000)}`, { httpStatus: 400 })
    expect(error.message.startsWith('refused [redacted] yyy')).toBe(true)
    expect(error.message.length).toBe(MAX_ERROR_TEXT + 1)
    expect(error.details).toEqual({ httpStatus: 400 })
  })

  it('leaves very short "secrets" alone (replacing every "ab" would hide nothing)', () => {
    expect(redactor(['ab', undefined, null, ''])('about a cab')).toBe('about a cab')
    expect(redactor(['abcd'])('xabcdx')).toBe('x[redacted]x')
  })

  it('truncates with an ellipsis', () => {
    expect(truncate('abcdef', 3)).toBe('abc…')
    expect(truncate('abc', 3)).toBe('abc')
  })

  it('a refused (non-public) address is permanent, named, and never connected to', async () => {
    const transport = createSafeFetch({ allowLoopback: false })
    const error = await failure(http({ fetch: transport.fetch }).request(`${base}/json`, { method: 'GET' }))
    expect(error.kind).toBe('permanent')
    expect(error.message).toMatch(/refused to connect to 127\.0\.0\.1:\d+: 127\.0\.0\.1 is a loopback address/)
  })
})

describe('provider HTTP: Retry-After', () => {
  const now = Date.parse('2025-03-01T12:00:00Z')
  it.each([
    ['120', 120],
    [' 7 ', 7],
    ['0', 0],
    ['Sat, 01 Mar 2025 12:01:30 GMT', 90],
    ['Saturday, 01-Mar-25 12:00:10 GMT', 10],
    ['Sat, 01 Mar 2025 11:00:00 GMT', 0], // in the past: retry now
    ['99999999', 86_400], // capped at a day
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['2025-03-01T12:01:00Z', undefined], // not an HTTP date
    ['', undefined],
    [null, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})
