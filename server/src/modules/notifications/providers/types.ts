// The one interface per channel that every delivery provider implements (Novu's shape: a small
// stateless object built from its config, mapping the service's statuses to one normalized set).
// The pipeline only sees these types; which provider sends is decided by the channel's ordered
// provider list with failover.

export type Channel = 'email' | 'sms' | 'push'

/** What a provider tells us after it accepted a message. */
export interface SendResult {
  /** The provider's id for the message (SendGrid X-Message-Id, Twilio SID, Kavenegar messageid, FCM name, apns-id). */
  providerMessageId?: string
  /** 'sent' = accepted by the provider; 'delivered' = the provider already confirmed delivery. */
  status: 'sent' | 'delivered'
  /** Small facts worth keeping with the attempt (segments, cost, HTTP status). No secrets. */
  meta?: Record<string, unknown>
}

/**
 * Why a send failed, normalized:
 * - transient: try again later (timeout, 5xx, 429 — honour retryAfterSeconds), and count
 *   against the provider's circuit breaker so the next provider takes over;
 * - permanent: this message will never go through this provider (bad request, auth/config error);
 * - invalid_recipient: the address/number/token itself is dead (invalid number, unregistered
 *   token, 404/410 subscription): fail at once and disable that device.
 */
export type ProviderErrorKind = 'transient' | 'permanent' | 'invalid_recipient'

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { code?: string | number; httpStatus?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message)
  }
}

/** A delivery status reported later by the provider (webhook or status look-up). */
export interface StatusEvent {
  providerMessageId?: string
  /** Our delivery id when the provider echoes it back (SendGrid custom_args, Twilio callback URL). */
  deliveryId?: string
  status: 'delivered' | 'opened' | 'bounced' | 'failed' | 'spam'
  at?: string
  reason?: string
}

/** An inbound webhook as the HTTP layer hands it to a provider: raw bytes for signatures. */
export interface WebhookRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>
  rawBody: Buffer
  /** The full public URL the provider called (Twilio signs it). */
  url: string
}

export interface WebhookCapable {
  /** True only for a request the real service signed with our configured secret/key. */
  verifySignature(request: WebhookRequest): boolean | Promise<boolean>
  parseEvents(request: WebhookRequest): StatusEvent[]
}

export interface EmailMessage {
  deliveryId: string
  to: string
  /** "Name <address>" or address; the provider's configured sender when omitted. */
  from?: string
  subject: string
  html: string
  text: string
  /** Right-to-left languages set dir on the HTML themselves; this goes to Content-Language. */
  locale?: string
}

export interface SmsMessage {
  deliveryId: string
  /** E.164, e.g. +989121234567 */
  to: string
  text: string
}

export type PushTarget =
  | { kind: 'fcm'; token: string }
  | { kind: 'apns'; token: string }
  | { kind: 'webpush'; token: string; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } }

export interface PushMessage {
  deliveryId: string
  target: PushTarget
  title: string
  body: string
  /** String values only: FCM and APNS custom data must be strings to be portable. */
  data?: Record<string, string>
}

interface ProviderBase {
  /** Stable id of this configured provider, e.g. 'sendgrid', 'smtp', 'twilio', 'kavenegar', 'fcm'. */
  readonly id: string
  /**
   * True when sending the same deliveryId twice cannot produce two messages. Only such providers
   * are retried after a send whose outcome is unknown (worker killed mid-send); for the others an
   * in-doubt delivery is recorded as failed rather than risk a duplicate.
   */
  readonly idempotent?: boolean
}

export interface EmailProvider extends ProviderBase, Partial<WebhookCapable> {
  readonly channel: 'email'
  send(message: EmailMessage): Promise<SendResult>
}

export interface SmsProvider extends ProviderBase, Partial<WebhookCapable> {
  readonly channel: 'sms'
  send(message: SmsMessage): Promise<SendResult>
  /** Providers without push callbacks (Kavenegar) are polled for delivery status. */
  lookupStatus?(providerMessageIds: string[]): Promise<StatusEvent[]>
}

export interface PushProvider extends ProviderBase {
  readonly channel: 'push'
  /** Which device kinds this provider can reach. */
  readonly kinds: readonly PushTarget['kind'][]
  send(message: PushMessage): Promise<SendResult>
}

export type Provider = EmailProvider | SmsProvider | PushProvider

/** Options every HTTP-based provider takes, so tests point it at a fake on loopback. */
export interface HttpProviderOptions {
  /** Base URL of the service; defaults to the real one. */
  baseUrl?: string
  /** Per-request timeout; a timeout is a transient error. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** Maps an HTTP status to the normalized error kind (provider files refine per service). */
export function errorKindForStatus(status: number): ProviderErrorKind {
  if (status === 408 || status === 429 || status >= 500) return 'transient'
  return 'permanent'
}

/** Retry-After as seconds (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000))
}

/** fetch with a timeout that surfaces as a transient ProviderError; network errors likewise. */
export async function fetchWithTimeout(fetchImpl: typeof fetch, url: string, init: RequestInit, timeoutMs = 10_000): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (e) {
    const name = (e as Error)?.name
    const why = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${timeoutMs} ms` : ((e as Error)?.message ?? String(e))
    throw new ProviderError('transient', `request to ${new URL(url).host} failed: ${why}`)
  }
}
