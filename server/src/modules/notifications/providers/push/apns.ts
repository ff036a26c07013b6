// Apple Push Notification service over its HTTP/2 provider API with token-based auth: an ES256
// JWT signed with the team's .p8 key. Apple wants one long-lived connection per provider (it
// treats rapid connect/disconnect as abuse) and a token reused for 20–60 minutes.
import { randomUUID } from 'node:crypto'
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2'
import { SignJWT } from 'jose'
import { MAX_ANSWER_BYTES, parseRetryAfter, redactor, truncate } from '../../../../core/net/service-http'
import { loadPrivateKey } from '../pem'
import {
  ProviderError,
  errorKindForStatus,
  type CheckResult,
  type ProviderErrorKind,
  type PushMessage,
  type PushProvider,
  type SendResult,
} from '../types'

export interface ApnsConfig {
  /** The 10-character Team ID of the Apple developer account. */
  teamId: string
  /** The 10-character Key ID of the APNs auth key. */
  keyId: string
  /** The .p8 file's content: a PKCS#8 PEM P-256 key. */
  privateKey: string
  /** The app's bundle id, sent as apns-topic. */
  bundleId: string
  /** false = the sandbox service that development builds register with. */
  production: boolean
  baseUrl?: string
  timeoutMs?: number
  /** How long APNs keeps trying an offline device (apns-expiration); default 28 days. */
  ttlSeconds?: number
  /** Clock in ms, for token age and apns-expiration (tests move it). */
  now?: () => number
  tls?: { ca?: string | Buffer }
}

export interface ApnsProvider extends PushProvider {
  /** Closes the HTTP/2 connection once its streams are done; later sends fail as transient (the registry builds a new provider). */
  close(): Promise<void>
}

const PRODUCTION_URL = 'https://api.push.apple.com'
const SANDBOX_URL = 'https://api.sandbox.push.apple.com'
// Apple rejects tokens older than an hour and answers TooManyProviderTokenUpdates to tokens
// renewed more often than every 20 minutes.
const TOKEN_REUSE_MS = 50 * 60_000
const MIN_FORCED_REFRESH_MS = 20 * 60_000
const DEFAULT_TTL_SECONDS = 28 * 24 * 3600
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TRANSIENT_REASONS = new Set([
  'IdleTimeout',
  'TooManyRequests',
  'TooManyProviderTokenUpdates',
  'InternalServerError',
  'ServiceUnavailable',
  'Shutdown',
])
const DEAD_TOKEN_REASONS = new Set(['BadDeviceToken', 'MissingDeviceToken', 'Unregistered', 'ExpiredToken'])
// After these the connection is going away or unusable: open a new one for the next send.
const RECONNECT_REASONS = new Set(['IdleTimeout', 'Shutdown', 'ServiceUnavailable'])
// A well-formed device token no device holds: a credentials check sends to it, and Apple answers
// BadDeviceToken only after it accepted our provider token (a bad one gets 403 first).
export const CHECK_DEVICE_TOKEN = '0'.repeat(64)
const PROVIDER_TOKEN_REASONS = new Set(['InvalidProviderToken', 'ExpiredProviderToken', 'MissingProviderToken'])

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export function createApnsProvider(config: ApnsConfig): ApnsProvider {
  for (const field of ['teamId', 'keyId', 'bundleId'] as const) {
    if (!config[field]) throw new Error(`APNs config needs ${field}`)
  }
  const signingKey = loadPrivateKey(config.privateKey, { field: 'privateKey', kind: 'p256', hint: 'the .p8 file from Apple' })
  const redact = redactor([config.privateKey])
  const origin = (config.baseUrl ?? (config.production ? PRODUCTION_URL : SANDBOX_URL)).replace(/\/+$/, '')
  const now = config.now ?? Date.now
  const timeoutMs = config.timeoutMs ?? 10_000
  const ttlSeconds = config.ttlSeconds ?? DEFAULT_TTL_SECONDS

  let session: ClientHttp2Session | undefined
  // Connections APNs announced it is closing (GOAWAY), for the retry of a stream caught in it.
  const goingAway = new WeakSet<ClientHttp2Session>()
  let token: { jwt: string; issuedAt: number } | undefined
  let signing: Promise<string> | undefined
  let lastForcedRefresh = -Infinity
  let closed = false

  function providerToken(): Promise<string> {
    if (token && now() - token.issuedAt < TOKEN_REUSE_MS) return Promise.resolve(token.jwt)
    signing ??= (async () => {
      const issuedAt = now()
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: config.keyId })
        .setIssuer(config.teamId)
        .setIssuedAt(Math.floor(issuedAt / 1000))
        .sign(signingKey)
      token = { jwt, issuedAt }
      return jwt
    })().finally(() => {
      signing = undefined
    })
    return signing
  }

  function connection(): ClientHttp2Session {
    if (session && !session.closed && !session.destroyed) return session
    const opened = http2.connect(origin, config.tls?.ca ? { ca: config.tls.ca } : {})
    // Failures reach the request streams; without this listener a connection error would crash the process.
    opened.on('error', () => {})
    const forget = () => {
      if (session === opened) session = undefined
    }
    opened.on('close', forget)
    opened.on('goaway', () => {
      goingAway.add(opened)
      forget()
    })
    // An idle connection must not keep the process alive; pending requests hold their own timer.
    opened.unref()
    session = opened
    return opened
  }

  function retireConnection(): void {
    const current = session
    session = undefined
    // Let streams already in flight finish; new sends open a fresh connection.
    if (current && !current.closed) current.close()
  }

  function request(headers: OutgoingHttpHeaders, body: string, retried = false): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let settled = false
      let used: ClientHttp2Session | undefined
      const fail = (why: string, timedOut = false) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        // A stream that got no answer on a connection APNs was already closing (GOAWAY) never reached
        // it: send it once more on a fresh connection instead of failing the delivery.
        const caughtInClose = !timedOut && status === 0 && used !== undefined && (used.closed || used.destroyed || goingAway.has(used))
        retireConnection()
        if (!retried && caughtInClose) {
          request(headers, body, true).then(resolve, reject)
          return
        }
        reject(new ProviderError('transient', truncate(redact(why))))
      }
      const timer = setTimeout(() => {
        stream?.close(http2.constants.NGHTTP2_CANCEL)
        // A silent connection may be half-dead (lost network, frozen peer): start afresh next time.
        fail(`APNs did not answer within ${timeoutMs} ms`, true)
      }, timeoutMs)
      let stream: ClientHttp2Stream | undefined
      let status = 0
      try {
        used = connection()
        stream = used.request(headers)
      } catch (e) {
        fail(`APNs connection failed: ${(e as Error).message}`)
        return
      }
      let responseHeaders: IncomingHttpHeaders = {}
      const chunks: Buffer[] = []
      stream.on('response', (received) => {
        status = Number(received[':status'])
        responseHeaders = received
      })
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        // Apple's answers are a few bytes of JSON; anything past the cap is dropped, not buffered.
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size))
        size += chunk.length
      })
      stream.on('end', () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') })
      })
      stream.on('error', (e) => fail(`APNs connection failed: ${e.message}`))
      // Reset by the server (RST_STREAM) or by a dying connection before any answer.
      stream.on('close', () => fail(`APNs closed the stream without answering (code ${stream?.rstCode})`))
      stream.end(body)
    })
  }

  async function attempt(message: PushMessage & { target: { kind: 'apns' } }, apnsId: string, jwt: string): Promise<Answer> {
    const payload = JSON.stringify({ ...message.data, aps: { alert: { title: message.title, body: message.body } } })
    return request(
      {
        ':method': 'POST',
        ':path': `/3/device/${encodeURIComponent(message.target.token)}`,
        authorization: `bearer ${jwt}`,
        'apns-topic': config.bundleId,
        'apns-push-type': 'alert',
        'apns-priority': '10',
        'apns-expiration': String(Math.floor(now() / 1000) + ttlSeconds),
        'apns-id': apnsId,
        // A send repeated after a crash replaces the first on the device instead of doubling it.
        'apns-collapse-id': message.deliveryId,
        'content-type': 'application/json',
      },
      payload,
    )
  }

  return {
    id: 'apns',
    channel: 'push',
    kinds: ['apns'],
    // APNs does not deduplicate by apns-id: a send that timed out may still reach the device, but a
    // repeat carries the same apns-collapse-id, so it replaces the first rather than doubling it.
    idempotent: false,
    collapses: true,
    async send(message: PushMessage): Promise<SendResult> {
      const target = message.target
      if (target.kind !== 'apns') throw new ProviderError('permanent', `the APNs provider cannot reach a ${target.kind} device`)
      // A send that still holds this instance after its config changed: the retry uses the new one.
      if (closed) throw new ProviderError('transient', 'this APNs provider was closed (its settings changed); the send will be retried')
      const apnsMessage = { ...message, target }
      // Our delivery id, when it is a UUID, doubles as apns-id so Apple's logs point back to it.
      const apnsId = UUID.test(message.deliveryId) ? message.deliveryId.toLowerCase() : randomUUID()
      const jwt = await providerToken()
      let answer = await attempt(apnsMessage, apnsId, jwt)
      if (answer.status === 403 && isTokenRejection(answer)) {
        // Renew once: a token a concurrent send already replaced, or one Apple thinks is stale
        // (clock skew, a suspended process). Forced renewals are rationed to Apple's 20 minutes.
        if (token?.jwt === jwt && now() - lastForcedRefresh >= MIN_FORCED_REFRESH_MS) {
          token = undefined
          lastForcedRefresh = now()
        }
        const renewed = await providerToken()
        if (renewed !== jwt) answer = await attempt(apnsMessage, apnsId, renewed)
      }
      if (answer.status === 200) {
        return { providerMessageId: headerValue(answer.headers['apns-id']) ?? apnsId, status: 'sent', meta: { httpStatus: 200 } }
      }
      const error = sendError(answer)
      if (RECONNECT_REASONS.has(String(error.details.code)) || answer.status === 503) retireConnection()
      throw error
    },
    async check(): Promise<CheckResult> {
      if (closed) return { ok: false, detail: 'this APNs provider was closed' }
      const host = new URL(origin).host
      try {
        const answer = await attempt(
          { deliveryId: randomUUID(), target: { kind: 'apns', token: CHECK_DEVICE_TOKEN }, title: 'Caravan', body: 'Connection check' },
          randomUUID(),
          await providerToken(),
        )
        const { reason } = parseReason(answer.body)
        if (answer.status === 200 || reason === 'BadDeviceToken') {
          return {
            ok: true,
            detail: `APNs (${host}) accepted the provider token of team ${config.teamId}, key ${config.keyId}, for ${config.bundleId}`,
          }
        }
        if (reason && PROVIDER_TOKEN_REASONS.has(reason)) {
          // A rejected token must not be reused by the next send.
          token = undefined
          return {
            ok: false,
            detail: `APNs (${host}) refused the provider token (${reason}): check teamId, keyId and that the .p8 key belongs to them`,
          }
        }
        if (reason === 'TopicDisallowed' || reason === 'BadTopic' || reason === 'DeviceTokenNotForTopic') {
          return { ok: false, detail: `APNs (${host}) accepted the key but not the bundle id ${config.bundleId} (${reason})` }
        }
        return { ok: false, detail: `APNs (${host}) answered HTTP ${answer.status} ${reason ?? ''}`.trim() }
      } catch (e) {
        return { ok: false, detail: redact((e as Error).message) }
      }
    },
    async close() {
      closed = true
      const current = session
      session = undefined
      if (!current || current.closed) return
      await new Promise<void>((resolve) => current.close(() => resolve()))
    },
  }
}

function isTokenRejection(answer: Answer): boolean {
  const reason = parseReason(answer.body).reason
  return reason === 'ExpiredProviderToken' || reason === 'InvalidProviderToken'
}

function sendError(answer: Answer): ProviderError {
  const { reason, timestamp } = parseReason(answer.body)
  const code = reason ?? answer.status
  // A 410 carries when Apple last saw the token valid: worth having in the attempt's log.
  const since = answer.status === 410 && typeof timestamp === 'number' ? ` (token invalid since ${new Date(timestamp).toISOString()})` : ''
  return new ProviderError(errorKind(answer.status, reason), `APNs rejected the notification: HTTP ${answer.status} ${code}${since}`, {
    code,
    httpStatus: answer.status,
    retryAfterSeconds: parseRetryAfter(headerValue(answer.headers['retry-after'])),
  })
}

function errorKind(status: number, reason: string | undefined): ProviderErrorKind {
  if (status === 410 || (reason && DEAD_TOKEN_REASONS.has(reason))) return 'invalid_recipient'
  if (reason && TRANSIENT_REASONS.has(reason)) return 'transient'
  // DeviceTokenNotForTopic and BadTopic point at our bundle id, not at the device: permanent.
  return errorKindForStatus(status)
}

function parseReason(body: string): { reason?: string; timestamp?: number } {
  try {
    const parsed = JSON.parse(body) as { reason?: unknown; timestamp?: unknown }
    return {
      reason: typeof parsed.reason === 'string' ? parsed.reason : undefined,
      timestamp: typeof parsed.timestamp === 'number' ? parsed.timestamp : undefined,
    }
  } catch {
    return {}
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
