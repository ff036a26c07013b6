// A loopback stand-in for APNs' HTTP/2 provider API, over TLS like the real one, with a
// self-signed certificate made by the openssl CLI at start (nothing is committed). It checks the
// ES256 provider token against the team's public key and answers with Apple's reasons. With
// `tls: false` it speaks cleartext HTTP/2 (h2c), for tests that configure a provider through the
// admin API, where no test CA can be given.
import { execFileSync } from 'node:child_process'
import { randomUUID, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http2, { type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeProtectedHeader, jwtVerify } from 'jose'

const PUSH_TYPES = new Set([
  'alert',
  'background',
  'location',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'pushtotalk',
  'widgets',
])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DEFAULT_REASONS: Record<number, string> = { 429: 'TooManyRequests', 500: 'InternalServerError', 503: 'ServiceUnavailable' }

export interface FakeApnsOptions {
  teamId: string
  keyId: string
  /** The public half of the team's .p8 key. */
  publicKey: KeyObject
  bundleId: string
  /** Clock in ms shared with the code under test. */
  now?: () => number
  /** false: cleartext HTTP/2 (h2c) instead of TLS. */
  tls?: boolean
}

export interface FakeApnsNotification {
  token: string
  headers: IncomingHttpHeaders
  payload: { aps: Record<string, unknown>; [key: string]: unknown }
}

export interface FakeApns {
  url: string
  /** The self-signed certificate, to trust as the client's CA. */
  ca: string
  notifications: FakeApnsNotification[]
  /** Tokens APNs answers 410 Unregistered for. */
  unregistered: Set<string>
  /**
   * Well-formed tokens Apple never issued to this app: answered 400 BadDeviceToken, as APNs does
   * once the provider token passed. Holds the all-zero token by default (no device gets it).
   */
  neverIssued: Set<string>
  /** Connections accepted so far. */
  connections: number
  /** Connections the client (or the fake) has closed so far. */
  closedConnections: number
  /** Connections open now. */
  openConnections(): number
  requests: number
  /** Answer the next `count` requests with this status and Apple's reason for it. */
  failNext(count: number, status: number, reason?: string): void
  /** Never answer the next `count` requests. */
  hangNext(count: number): void
  /** Close every open connection with GOAWAY, as APNs does when it restarts a node. */
  dropConnections(): Promise<void>
  close(): Promise<void>
}

export async function startFakeApns(options: FakeApnsOptions): Promise<FakeApns> {
  const now = options.now ?? Date.now
  const useTls = options.tls !== false
  const { key, cert } = useTls ? selfSignedCertificate() : { key: '', cert: '' }
  const server = useTls ? http2.createSecureServer({ key, cert }) : http2.createServer()
  const sessions = new Set<Http2Session>()
  const failures: Array<{ status: number; reason: string }> = []
  let hangs = 0

  const fake: FakeApns = {
    url: '',
    ca: cert,
    notifications: [],
    unregistered: new Set(),
    neverIssued: new Set(['0'.repeat(64)]),
    connections: 0,
    closedConnections: 0,
    openConnections: () => sessions.size,
    requests: 0,
    failNext(count, status, reason = DEFAULT_REASONS[status] ?? 'InternalServerError') {
      for (let i = 0; i < count; i++) failures.push({ status, reason })
    },
    hangNext(count) {
      hangs += count
    },
    async dropConnections() {
      await Promise.all([...sessions].map((session) => new Promise<void>((resolve) => session.close(() => resolve()))))
    },
    async close() {
      for (const session of sessions) session.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  server.on('session', (session) => {
    fake.connections++
    sessions.add(session)
    session.on('close', () => {
      sessions.delete(session)
      fake.closedConnections++
    })
  })
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      handle(stream, headers, Buffer.concat(chunks)).catch(() => reject(stream, 500, 'InternalServerError'))
    })
    stream.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `${useTls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`

  async function handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer): Promise<void> {
    fake.requests++
    if (headers[':method'] !== 'POST') return reject(stream, 405, 'MethodNotAllowed')
    const path = /^\/3\/device\/([^/?]*)$/.exec(String(headers[':path']))
    if (!path) return reject(stream, 404, 'BadPath')
    if (hangs > 0) {
      hangs--
      return // the stream stays open until the client gives up or the fake closes
    }
    const failure = failures.shift()
    if (failure) return reject(stream, failure.status, failure.reason)

    const authorization = String(headers.authorization ?? '')
    const jwt = /^bearer (.+)$/i.exec(authorization)?.[1]
    if (!jwt) return reject(stream, 403, 'MissingProviderToken')
    const tokenProblem = await checkProviderToken(jwt)
    if (tokenProblem) return reject(stream, 403, tokenProblem)

    const topic = headers['apns-topic']
    if (!topic) return reject(stream, 400, 'MissingTopic')
    if (topic !== options.bundleId) return reject(stream, 400, 'TopicDisallowed')
    if (!PUSH_TYPES.has(String(headers['apns-push-type']))) return reject(stream, 400, 'InvalidPushType')
    if (headers['apns-priority'] !== undefined && !['1', '5', '10'].includes(String(headers['apns-priority'])))
      return reject(stream, 400, 'BadPriority')
    if (headers['apns-expiration'] !== undefined && !/^\d+$/.test(String(headers['apns-expiration'])))
      return reject(stream, 400, 'BadExpirationDate')
    if (headers['apns-id'] !== undefined && !UUID.test(String(headers['apns-id']))) return reject(stream, 400, 'BadMessageId')

    const token = decodeURIComponent(path[1])
    if (token === '') return reject(stream, 400, 'MissingDeviceToken')
    // Device tokens are 32 bytes (64 hex digits) today; Apple warns they may grow, up to 100 bytes.
    if (!/^[0-9a-f]{64,200}$/i.test(token) || fake.neverIssued.has(token.toLowerCase())) return reject(stream, 400, 'BadDeviceToken')
    if (fake.unregistered.has(token)) return reject(stream, 410, 'Unregistered', { timestamp: now() - 86_400_000 })

    if (body.length === 0) return reject(stream, 400, 'PayloadEmpty')
    if (body.length > 4096) return reject(stream, 413, 'PayloadTooLarge')
    let payload: FakeApnsNotification['payload']
    try {
      payload = JSON.parse(body.toString('utf8'))
    } catch {
      // Apple documents no reason for malformed JSON; PayloadEmpty is its closest one.
      return reject(stream, 400, 'PayloadEmpty')
    }
    if (!payload || typeof payload.aps !== 'object' || payload.aps === null) return reject(stream, 400, 'PayloadEmpty')

    fake.notifications.push({ token, headers, payload })
    const apnsId = headers['apns-id'] ? String(headers['apns-id']) : randomUUID()
    stream.respond({ ':status': 200, 'apns-id': apnsId })
    stream.end()
  }

  async function checkProviderToken(jwt: string): Promise<string | undefined> {
    try {
      const header = decodeProtectedHeader(jwt)
      if (header.alg !== 'ES256' || header.kid !== options.keyId) return 'InvalidProviderToken'
      const { payload } = await jwtVerify(jwt, options.publicKey, {
        algorithms: ['ES256'],
        issuer: options.teamId,
        currentDate: new Date(now()),
      })
      if (typeof payload.iat !== 'number') return 'InvalidProviderToken'
      if (now() - payload.iat * 1000 > 3600_000) return 'ExpiredProviderToken'
      return undefined
    } catch {
      return 'InvalidProviderToken'
    }
  }

  return fake
}

function reject(stream: ServerHttp2Stream, status: number, reason: string, extra: Record<string, unknown> = {}): void {
  if (stream.destroyed || stream.closed) return
  stream.respond({ ':status': status, 'content-type': 'application/json', 'apns-id': randomUUID() })
  stream.end(JSON.stringify({ reason, ...extra }))
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'caravan-fake-apns-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
