// A loopback stand-in for a browser push service (RFC 8030), checking what Mozilla's autopush
// and Google's FCM web endpoints check: the VAPID header (RFC 8292), TTL, aes128gcm encoding and
// size. Like a real push service it cannot read the payload; the test plays the browser and
// decrypts it with the subscriber's keys (RFC 8291), implemented here independently of web-push.
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, type ECDH } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import { readBytes } from './read-body'

const URGENCIES = new Set(['very-low', 'low', 'normal', 'high'])
const DAY_SECONDS = 24 * 3600

/** The browser's side of a subscription. */
export interface FakeSubscriber {
  id: string
  /** What the browser hands the application (PushSubscription.toJSON()). */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } }
  /** The browser's private ECDH key and auth secret: what it decrypts with. */
  ecdh: ECDH
  authSecret: Buffer
  /** The VAPID public key the subscription was made with (applicationServerKey). */
  applicationServerKey: string
}

export interface FakePushMessage {
  subscriberId: string
  headers: IncomingMessage['headers']
  body: Buffer
  vapid: JWTPayload
}

export interface FakeWebPush {
  url: string
  received: FakePushMessage[]
  requests: number
  /** TCP connections accepted: a client that was refused before connecting leaves this at 0. */
  connections: number
  subscribe(applicationServerKey: string): FakeSubscriber
  /** The subscription is gone (the user revoked permission): 410 from now on. */
  unsubscribe(subscriber: FakeSubscriber): void
  /** Answer the next `count` requests with this status, in autopush's error shape. */
  failNext(count: number, status: number, options?: { retryAfter?: string }): void
  /** Never answer the next `count` requests. */
  hangNext(count: number): void
  close(): Promise<void>
}

export async function startFakeWebPush(options: { now?: () => number } = {}): Promise<FakeWebPush> {
  const now = options.now ?? Date.now
  const subscribers = new Map<string, FakeSubscriber>()
  const gone = new Set<string>()
  const failures: Array<{ status: number; retryAfter?: string }> = []
  const hanging = new Set<ServerResponse>()
  let hangs = 0

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => problem(res, 500, 999, String(e)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  server.on('connection', () => fake.connections++)

  const fake: FakeWebPush = {
    url,
    received: [],
    requests: 0,
    connections: 0,
    subscribe(applicationServerKey) {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const authSecret = randomBytes(16)
      const id = randomBytes(16).toString('base64url')
      const subscriber: FakeSubscriber = {
        id,
        subscription: {
          endpoint: `${url}/wpush/v2/${id}`,
          keys: { p256dh: ecdh.getPublicKey('base64url'), auth: authSecret.toString('base64url') },
        },
        ecdh,
        authSecret,
        applicationServerKey,
      }
      subscribers.set(id, subscriber)
      return subscriber
    },
    unsubscribe(subscriber) {
      gone.add(subscriber.id)
    },
    failNext(count, status, { retryAfter } = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter })
    },
    hangNext(count) {
      hangs += count
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBytes(req)
    fake.requests++
    const id = /^\/wpush\/v2\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? '/', url).pathname)?.[1]
    if (req.method !== 'POST' || !id || !subscribers.has(id)) return problem(res, 404, 102, 'Request did not contain a valid subscription.')
    if (gone.has(id)) return problem(res, 410, 103, 'Request did not contain a valid subscription (it was unsubscribed).')
    if (hangs > 0) {
      hangs--
      hanging.add(res)
      return
    }
    const failure = failures.shift()
    if (failure) {
      if (failure.retryAfter) res.setHeader('retry-after', failure.retryAfter)
      return problem(
        res,
        failure.status,
        failure.status === 429 ? 201 : 999,
        failure.status === 429 ? 'Rate limit exceeded.' : 'Internal server error.',
      )
    }
    const subscriber = subscribers.get(id)!

    const vapid = await checkVapid(String(req.headers.authorization ?? ''), subscriber)
    if ('status' in vapid) return problem(res, vapid.status, 109, vapid.message)

    const ttl = req.headers.ttl
    if (ttl === undefined || !/^\d+$/.test(String(ttl))) return problem(res, 400, 111, 'Missing or invalid TTL header.')
    if (req.headers.urgency !== undefined && !URGENCIES.has(String(req.headers.urgency)))
      return problem(res, 400, 111, 'Invalid Urgency header.')
    if (req.headers.topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(String(req.headers.topic)))
      return problem(res, 400, 111, 'Invalid Topic header.')
    if (body.length > 0 && req.headers['content-encoding'] !== 'aes128gcm') return problem(res, 400, 110, 'Unknown Content-Encoding.')
    if (body.length > 4096) return problem(res, 413, 104, 'This message is intended for a constrained device and is limited in size.')

    fake.received.push({ subscriberId: id, headers: req.headers, body, vapid: vapid.claims })
    res.writeHead(201, { location: `${url}/m/${randomUUID()}`, ttl: String(ttl) })
    res.end()
  }

  async function checkVapid(
    authorization: string,
    subscriber: FakeSubscriber,
  ): Promise<{ claims: JWTPayload } | { status: number; message: string }> {
    const scheme = /^vapid\s+(.+)$/i.exec(authorization)?.[1]
    if (!scheme) return { status: 401, message: 'Missing VAPID authorization (vapid t=…, k=…).' }
    const params = Object.fromEntries(
      scheme.split(',').map((part) => {
        const [name, ...value] = part.trim().split('=')
        return [name.toLowerCase(), value.join('=')]
      }),
    )
    if (!params.t || !params.k) return { status: 401, message: 'VAPID authorization needs both t and k.' }
    if (params.k !== subscriber.applicationServerKey)
      return { status: 403, message: 'VAPID public key does not match the subscription’s applicationServerKey.' }
    const point = Buffer.from(params.k, 'base64url')
    if (point.length !== 65 || point[0] !== 4) return { status: 401, message: 'VAPID k is not an uncompressed P-256 point.' }
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    })
    try {
      if (decodeProtectedHeader(params.t).alg !== 'ES256') return { status: 401, message: 'VAPID JWT must be ES256.' }
      const { payload } = await jwtVerify(params.t, key, {
        algorithms: ['ES256'],
        audience: new URL(url).origin,
        currentDate: new Date(now()),
        requiredClaims: ['exp', 'sub'],
      })
      if (payload.exp! > now() / 1000 + DAY_SECONDS) return { status: 401, message: 'VAPID JWT expires more than 24 hours ahead.' }
      if (!/^(mailto:|https:)/.test(String(payload.sub))) return { status: 401, message: 'VAPID sub must be a mailto: or https: URL.' }
      return { claims: payload }
    } catch (e) {
      return { status: 401, message: `Invalid VAPID JWT: ${(e as Error).message}` }
    }
  }

  return fake
}

/**
 * What the browser does with a received message: RFC 8291 key derivation and RFC 8188 aes128gcm
 * decryption of the single record. Throws when the body was not encrypted for this subscriber.
 */
export function decryptPushMessage(body: Buffer, subscriber: Pick<FakeSubscriber, 'ecdh' | 'authSecret'>): Buffer {
  const salt = body.subarray(0, 16)
  const recordSize = body.readUInt32BE(16)
  const idLength = body[20]
  if (idLength !== 65) throw new Error(`keyid must be the sender's 65-byte public key, got ${idLength} bytes`)
  const senderPublicKey = body.subarray(21, 21 + idLength)
  const record = body.subarray(21 + idLength)
  if (record.length > recordSize || record.length < 17) throw new Error('Web Push messages must be exactly one record')

  const ecdhSecret = subscriber.ecdh.computeSecret(senderPublicKey)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0', 'latin1'), subscriber.ecdh.getPublicKey(), senderPublicKey])
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, subscriber.authSecret, keyInfo, 32))
  const contentKey = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0', 'latin1'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0', 'latin1'), 12))

  // The first (only) record has sequence number 0, so the nonce is used as derived.
  const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce)
  decipher.setAuthTag(record.subarray(record.length - 16))
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error('the last record must end with the 0x02 padding delimiter')
  return padded.subarray(0, end)
}

function problem(res: ServerResponse, status: number, errno: number, message: string): void {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    410: 'Gone',
    413: 'Payload Too Large',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  }
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ code: status, errno, error: reasons[status] ?? 'Error', message }))
}
