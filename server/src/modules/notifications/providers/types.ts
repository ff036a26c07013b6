// The one interface per channel that every delivery provider implements (Novu's shape: a small
// stateless object built from its config, mapping the service's statuses to one normalized set).
// The pipeline only sees these types; which provider sends is decided by the channel's ordered
// provider list with failover. Shared plumbing: http.ts (calls, deadlines, redaction), pem.ts
// (private keys).
import type { FetchLike } from '../../../core/net/service-http'
// Errors are the shared ones of every external-service adapter (payments gateways use them too).
export { errorKindForStatus, ProviderError, type ProviderErrorKind } from '../../../core/net/service-http'

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
  /**
   * Our Message-ID, without angle brackets: stable per delivery (a thread's own id for replies), so
   * a repeat of a send whose outcome was unknown is recognised by mail clients as the same mail.
   */
  messageId: string
  /** A reply in a thread (support tickets by email): what it answers (its messageId is `messageId`). */
  thread?: EmailThread
  /** Where the recipient's reply goes (a ticket's reply address). */
  replyTo?: string
}

/** Threading headers (RFC 5322 3.6.4); ids without angle brackets. */
export interface EmailThread {
  messageId: string
  inReplyTo?: string
  references?: string[]
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

/**
 * The delivery's collapse identifier as a Web Push Topic (RFC 8030: at most 32 characters of the
 * URL-safe base64 alphabet): the delivery id's 32 hex digits. APNs and FCM take the id as it is.
 */
export const pushTopic = (deliveryId: string) => deliveryId.replace(/-/g, '').slice(0, 32)

/** What a credentials check found: ok, and a sentence an admin can act on (never a secret). */
export interface CheckResult {
  ok: boolean
  detail: string
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
  /**
   * True when a second send of the same deliveryId replaces the first on the device rather than
   * showing twice (push: apns-collapse-id, FCM collapse key, Web Push Topic). Such sends are
   * repeated after a crash too: a repeat costs nothing the person sees.
   */
  readonly collapses?: boolean
  /**
   * Asks the service whether the configured credentials work, without delivering anything to
   * anyone. Never throws: a failure is { ok: false, detail }.
   */
  check(): Promise<CheckResult>
  /** Frees what the provider holds open (HTTP/2 sessions, pooled sockets); called when its config is replaced or removed, and at shutdown. */
  close?(): Promise<void>
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
  /**
   * Which part of the service a target is reached through, for circuit breakers finer than the
   * provider (Web Push: the push service's host, so one failing push service does not pause the
   * others). Absent: the provider is one scope.
   */
  breakerScope?(target: PushTarget): string
}

export type Provider = EmailProvider | SmsProvider | PushProvider

/** Options every HTTP-based provider takes, so tests point it at a fake on loopback. */
export interface HttpProviderOptions {
  /** Base URL of the service; defaults to the real one. */
  baseUrl?: string
  /** Deadline of one call, answer and body; a timeout is a transient error. */
  timeoutMs?: number
  fetch?: FetchLike
}

/** A provider setting that cannot work; `field` is its path in the config (e.g. "serviceAccount.private_key"). */
export class ProviderConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}
