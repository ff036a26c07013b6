// Web Push (RFC 8030) to a browser's push service, with the payload encrypted for the subscriber
// (RFC 8291, aes128gcm) and our server identified by a VAPID JWT (RFC 8292). The `web-push`
// package builds the request (encryption and JWT). The endpoint is a URL a browser (anyone)
// chose, so it is sent only to allowed push-service hosts, through agents whose lookup refuses
// non-public addresses at connect time (core/net). web-push's own sendNotification is not used:
// it reads answers without a size cap, has only a socket idle timeout, and speaks https only.
import { createECDH } from 'node:crypto'
import webpush from 'web-push'
import { createSafeFetch } from '../../../../core/net/safe-fetch'
import { hostAllowed, normalizeHost } from '../../../../core/net/safe-url'
import { KNOWN_WEB_PUSH_HOSTS } from '../../../../core/net/web-push-hosts'
import { createProviderHttp, parseRetryAfter, truncate } from '../../../../core/net/service-http'
import {
  ProviderError,
  errorKindForStatus,
  pushTopic,
  type CheckResult,
  type ProviderErrorKind,
  type PushMessage,
  type PushProvider,
  type PushTarget,
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
  /** Push-service hosts that may be called ("*.example.com" allowed); default the known push services. */
  allowedHosts?: readonly string[]
  /** Allow endpoints on loopback addresses (tests only: ALLOW_LOOPBACK_URLS). */
  allowLoopback?: boolean
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
  const allowedHosts = config.allowedHosts ?? KNOWN_WEB_PUSH_HOSTS
  const transport = createSafeFetch({ allowLoopback: config.allowLoopback === true })
  const http = createProviderHttp({
    service: 'Web Push',
    timeoutMs: config.timeoutMs,
    secrets: [config.vapidPrivateKey],
    fetch: transport.fetch,
  })

  return {
    id: 'webpush',
    channel: 'push',
    kinds: ['webpush'],
    // Push services do not deduplicate: a send that timed out may still reach the browser, but a
    // repeat carries the same Topic, so it replaces the first rather than doubling it.
    idempotent: false,
    collapses: true,
    async send(message: PushMessage): Promise<SendResult> {
      const target = message.target
      if (target.kind !== 'webpush') throw new ProviderError('permanent', `the Web Push provider cannot reach a ${target.kind} device`)
      const endpoint = checkedEndpoint(target.subscription?.endpoint, config.allowHttpEndpoints === true)
      if (!hostAllowed(endpoint.hostname, allowedHosts)) {
        // Subscriptions stored before the host list (or before an entry was removed) stop here.
        throw new ProviderError('permanent', `push service ${normalizeHost(endpoint.hostname)} is not an allowed push service host`)
      }
      // `tag`: the delivery id, for the service worker to show the notification under (a repeat replaces it).
      const payload = JSON.stringify({ title: message.title, body: message.body, data: message.data ?? {}, tag: message.deliveryId })
      let request: ReturnType<typeof webpush.generateRequestDetails>
      try {
        request = webpush.generateRequestDetails(target.subscription, payload, {
          vapidDetails,
          TTL: ttl,
          contentEncoding: 'aes128gcm',
          // RFC 8030 Topic: a send repeated after a crash replaces the first while it waits at the
          // push service (and the payload's tag replaces a shown one).
          topic: pushTopic(message.deliveryId),
        })
      } catch (e) {
        // Our VAPID settings were checked at start, so what is left is a malformed subscription
        // (p256dh not a P-256 point, auth secret too short): that device can never be reached.
        throw new ProviderError('invalid_recipient', `the Web Push subscription is unusable: ${(e as Error).message}`)
      }
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        // The transport computes Content-Length itself from the body.
        if (name.toLowerCase() !== 'content-length') headers[name] = String(value)
      }
      const answer = await http.request(endpoint.href, {
        method: 'POST',
        headers,
        body: request.body ? new Uint8Array(request.body) : undefined,
      })
      if (answer.ok) {
        // RFC 8030 answers 201 with the message's URL in Location.
        return { providerMessageId: answer.headers.get('location') ?? undefined, status: 'sent', meta: { httpStatus: answer.status } }
      }
      // The endpoint URL is a capability: name only its host in errors.
      const text = answer.text.trim()
      const detail = text ? `: ${truncate(text)}` : ''
      throw http.error(errorKind(answer.status), `push service ${endpoint.host} rejected the message: HTTP ${answer.status}${detail}`, {
        code: answer.status,
        httpStatus: answer.status,
        retryAfterSeconds: parseRetryAfter(answer.headers.get('retry-after')),
      })
    },

    breakerScope: webPushBreakerScope,

    // Nothing to ask a push service without a subscription: the check is that the VAPID pair is
    // valid (done at start) and signs a JWT as push services expect.
    async check(): Promise<CheckResult> {
      try {
        webpush.getVapidHeaders('https://fcm.googleapis.com', config.subject, config.vapidPublicKey, config.vapidPrivateKey, 'aes128gcm')
        return {
          ok: true,
          detail: `The VAPID key pair is valid and signs (public key ${config.vapidPublicKey.slice(0, 12)}…); push services are reached only when a message is sent`,
        }
      } catch (e) {
        return { ok: false, detail: http.redact(`The VAPID keys cannot sign: ${(e as Error).message}`) }
      }
    },

    async close() {
      transport.close()
    },
  }
}

/** The push service a subscription lives on (its endpoint's host), or "invalid" for an unreadable endpoint. */
export function webPushBreakerScope(target: PushTarget): string {
  if (target.kind !== 'webpush') return target.kind
  try {
    return normalizeHost(new URL(target.subscription.endpoint).host)
  } catch {
    return 'invalid'
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
