// Web Push (RFC 8030) to a browser's push service, with the payload encrypted for the subscriber
// (RFC 8291, aes128gcm) and our server identified by a VAPID JWT (RFC 8292). The `web-push`
// package builds the request (encryption and JWT); we send it with fetch so timeouts and error
// mapping match the other providers.
import { createECDH } from 'node:crypto'
import webpush from 'web-push'
import {
  ProviderError,
  errorKindForStatus,
  fetchWithTimeout,
  parseRetryAfter,
  type ProviderErrorKind,
  type PushMessage,
  type PushProvider,
  type SendResult,
} from '../types'

export interface WebPushConfig {
  /** Uncompressed P-256 public key, base64url (65 bytes): the browser's applicationServerKey. */
  vapidPublicKey: string
  /** P-256 private scalar, base64url (32 bytes). */
  vapidPrivateKey: string
  /** How the push service reaches us about abuse: mailto: or https: URL. */
  subject: string
  timeoutMs?: number
  /** How long the push service keeps a message for an offline browser; default 28 days. */
  ttlSeconds?: number
  fetch?: typeof fetch
  /**
   * Accept plain-http endpoints. Tests only: real push services are https, and an http endpoint
   * in a subscription a browser handed us is more likely an attempt to reach our internal network.
   */
  allowHttpEndpoints?: boolean
}

export interface VapidKeys {
  publicKey: string
  privateKey: string
}

const DEFAULT_TTL_SECONDS = 28 * 24 * 3600

/** A fresh VAPID key pair (base64url), for the admin UI's "generate keys" button. */
export function generateVapidKeys(): VapidKeys {
  return webpush.generateVAPIDKeys()
}

export function createWebPushProvider(config: WebPushConfig): PushProvider {
  validateVapid(config)
  const vapidDetails = { subject: config.subject, publicKey: config.vapidPublicKey, privateKey: config.vapidPrivateKey }
  const ttl = config.ttlSeconds ?? DEFAULT_TTL_SECONDS
  const timeoutMs = config.timeoutMs ?? 10_000
  const fetchImpl = config.fetch ?? fetch

  return {
    id: 'webpush',
    channel: 'push',
    kinds: ['webpush'],
    // Push services do not deduplicate: a send that timed out may still reach the browser.
    idempotent: false,
    async send(message: PushMessage): Promise<SendResult> {
      const target = message.target
      if (target.kind !== 'webpush') throw new ProviderError('permanent', `the Web Push provider cannot reach a ${target.kind} device`)
      const endpoint = checkedEndpoint(target.subscription?.endpoint, config.allowHttpEndpoints === true)
      const payload = JSON.stringify({ title: message.title, body: message.body, data: message.data ?? {} })
      let request: ReturnType<typeof webpush.generateRequestDetails>
      try {
        request = webpush.generateRequestDetails(target.subscription, payload, { vapidDetails, TTL: ttl, contentEncoding: 'aes128gcm' })
      } catch (e) {
        // Our VAPID settings were checked at start, so what is left is a malformed subscription
        // (p256dh not a P-256 point, auth secret too short): that device can never be reached.
        throw new ProviderError('invalid_recipient', `the Web Push subscription is unusable: ${(e as Error).message}`)
      }
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        // fetch computes Content-Length itself from the body.
        if (name.toLowerCase() !== 'content-length') headers[name] = String(value)
      }
      const response = await fetchWithTimeout(
        fetchImpl,
        endpoint.href,
        { method: 'POST', headers, body: request.body ? new Uint8Array(request.body) : undefined },
        timeoutMs,
      )
      const text = await readText(response)
      if (response.ok) {
        // RFC 8030 answers 201 with the message's URL in Location.
        return { providerMessageId: response.headers.get('location') ?? undefined, status: 'sent', meta: { httpStatus: response.status } }
      }
      // The endpoint URL is a capability: name only its host in errors.
      const detail = text ? `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}` : ''
      throw new ProviderError(
        errorKind(response.status),
        `push service ${endpoint.host} rejected the message: HTTP ${response.status}${detail}`,
        {
          code: response.status,
          httpStatus: response.status,
          retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
        },
      )
    },
  }
}

function errorKind(status: number): ProviderErrorKind {
  // 404: no such subscription; 410: the user unsubscribed or it expired.
  if (status === 404 || status === 410) return 'invalid_recipient'
  // 400 (bad headers), 401/403 (VAPID rejected or not the key the subscription was made with) and
  // 413 (payload too large) will not change on retry; 429 and 5xx will.
  return errorKindForStatus(status)
}

function checkedEndpoint(endpoint: string | undefined, allowHttp: boolean): URL {
  let url: URL
  try {
    url = new URL(String(endpoint))
  } catch {
    throw new ProviderError('invalid_recipient', 'the Web Push subscription endpoint is not a URL')
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new ProviderError('invalid_recipient', `the Web Push subscription endpoint must be https, not ${url.protocol}`)
  }
  return url
}

async function readText(response: Response): Promise<string> {
  try {
    return await response.text()
  } catch {
    // The body is only used to explain an error; a stalled one must not hide the status.
    return ''
  }
}

function validateVapid(config: WebPushConfig): void {
  // Checked here, once, so a bad setting fails at start and never reads as a bad subscription.
  if (base64urlLength(config.vapidPublicKey) !== 65)
    throw new Error('Web Push vapidPublicKey must be a base64url P-256 public key (65 bytes)')
  if (base64urlLength(config.vapidPrivateKey) !== 32)
    throw new Error('Web Push vapidPrivateKey must be a base64url P-256 private key (32 bytes)')
  // A mismatched pair would only show up as every push service answering 401/403.
  let derivedPublicKey: string
  try {
    const ecdh = createECDH('prime256v1')
    ecdh.setPrivateKey(Buffer.from(config.vapidPrivateKey, 'base64url'))
    derivedPublicKey = ecdh.getPublicKey('base64url')
  } catch {
    throw new Error('Web Push vapidPrivateKey is not a valid P-256 private key')
  }
  if (derivedPublicKey !== Buffer.from(config.vapidPublicKey, 'base64url').toString('base64url')) {
    throw new Error('Web Push vapidPublicKey does not belong to vapidPrivateKey')
  }
  let subject: URL | undefined
  try {
    subject = new URL(config.subject)
  } catch {
    subject = undefined
  }
  if (!subject || (subject.protocol !== 'mailto:' && subject.protocol !== 'https:')) {
    throw new Error('Web Push subject must be a mailto: or https: URL where the push service can reach the operator')
  }
}

function base64urlLength(value: unknown): number {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url').length : -1
}
