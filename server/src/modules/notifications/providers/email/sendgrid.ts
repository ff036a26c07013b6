// Email through SendGrid's v3 Web API (POST /v3/mail/send) over plain fetch, and its Signed Event
// Webhook (ECDSA P-256 over timestamp + raw body). No SDK: the API is one JSON request, and plain
// fetch lets tests point baseUrl at a loopback fake.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { normalizePem } from '../pem'
import { createProviderHttp, parseRetryAfter, truncate, type FetchLike, type HttpAnswer } from '../../../../core/net/service-http'
import {
  errorKindForStatus,
  type CheckResult,
  type EmailMessage,
  type EmailProvider,
  type SendResult,
  type StatusEvent,
  type WebhookRequest,
} from '../types'

export interface SendGridConfig {
  apiKey: string
  /** Default sender, "Name <address>" or address; it must be a verified SendGrid sender. */
  from: string
  /** The Signed Event Webhook verification key as SendGrid shows it: base64 DER (SPKI). PEM also accepted. */
  webhookPublicKey?: string
  /** Default https://api.sendgrid.com; https://api.eu.sendgrid.com for EU-regional subusers. */
  baseUrl?: string
  timeoutMs?: number
  fetch?: FetchLike
}

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature'
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp'
/** A signed request older (or further in the future) than this is refused as a possible replay. */
export const MAX_WEBHOOK_AGE_SECONDS = 600

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const RECIPIENT_FIELD = /^personalizations\.\d+\.to\.\d+\.email$/

export function createSendGridProvider(config: SendGridConfig): EmailProvider {
  if (!config.apiKey) throw new Error('SendGrid provider needs an apiKey')
  if (!config.from) throw new Error('SendGrid provider needs a default from address')
  const baseUrl = (config.baseUrl ?? 'https://api.sendgrid.com').replace(/\/+$/, '')
  const http = createProviderHttp({ service: 'SendGrid', timeoutMs: config.timeoutMs, secrets: [config.apiKey], fetch: config.fetch })
  const authorization = `Bearer ${config.apiKey}`
  // Parsed once at start so a wrong key fails at configuration time, not on the first webhook.
  const publicKey = config.webhookPublicKey ? loadPublicKey(config.webhookPublicKey) : undefined

  return {
    id: 'sendgrid',
    channel: 'email',
    // mail/send takes no idempotency key: a request that timed out may still have been queued.
    idempotent: false,

    async send(message: EmailMessage): Promise<SendResult> {
      const answer = await http.request(`${baseUrl}/v3/mail/send`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(mailSendBody(message, config.from)),
      })
      if (answer.ok) {
        return {
          status: 'sent',
          providerMessageId: answer.headers.get('x-message-id') ?? undefined,
          meta: { httpStatus: answer.status },
        }
      }
      const status = answer.status
      const errors = readErrors(answer)
      const retryAfterSeconds = status === 429 || status >= 500 ? retryAfter(answer.headers) : undefined
      const what =
        status === 401 || status === 403
          ? `SendGrid refused the request (${status}: check the API key's mail.send permission and the verified sender)`
          : `SendGrid answered ${status}`
      // A 400 that only faults the recipient's address is a dead address, not a bad request of ours.
      const kind =
        status === 400 && errors.fields.length > 0 && errors.fields.every((field) => RECIPIENT_FIELD.test(field))
          ? 'invalid_recipient'
          : errorKindForStatus(status)
      throw http.error(kind, errors.text ? `${what}: ${errors.text}` : what, { httpStatus: status, retryAfterSeconds })
    },

    // GET /v3/scopes lists what the key may do; any key may call it. Sending needs mail.send.
    async check(): Promise<CheckResult> {
      let answer: HttpAnswer
      try {
        answer = await http.request(`${baseUrl}/v3/scopes`, { method: 'GET', headers: { authorization, accept: 'application/json' } })
      } catch (e) {
        return { ok: false, detail: (e as Error).message }
      }
      if (answer.ok) {
        const scopes = (answer.json as { scopes?: unknown } | undefined)?.scopes
        if (!Array.isArray(scopes)) return { ok: false, detail: `SendGrid answered ${answer.status} without a list of scopes` }
        return scopes.includes('mail.send')
          ? { ok: true, detail: `SendGrid accepted the API key; it has the mail.send permission (${new URL(baseUrl).host})` }
          : { ok: false, detail: 'SendGrid accepted the API key, but it lacks the mail.send permission' }
      }
      const errors = readErrors(answer)
      const why = errors.text ? `: ${errors.text}` : ''
      const detail =
        answer.status === 401 || answer.status === 403
          ? `SendGrid refused the API key (${answer.status}${why})`
          : `SendGrid answered ${answer.status}${why}`
      return { ok: false, detail: http.redact(detail) }
    },

    verifySignature(request: WebhookRequest): boolean {
      if (!publicKey) return false // no key configured: accept nothing rather than everything
      const signature = request.headers[SIGNATURE_HEADER]
      const timestamp = request.headers[TIMESTAMP_HEADER]
      if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp) || !BASE64.test(signature)) return false
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_WEBHOOK_AGE_SECONDS) return false
      try {
        const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody])
        return verify('sha256', signed, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'))
      } catch {
        return false // a signature that is not valid DER
      }
    },

    parseEvents(request: WebhookRequest): StatusEvent[] {
      let events: unknown
      try {
        events = JSON.parse(request.rawBody.toString('utf8'))
      } catch {
        throw new Error('SendGrid event webhook body is not JSON')
      }
      if (!Array.isArray(events)) throw new Error('SendGrid event webhook body is not a JSON array')
      return events.flatMap((event) => {
        const parsed = toStatusEvent(event)
        return parsed ? [parsed] : []
      })
    },
  }
}

/** The v3 mail/send body: one personalization per message, our delivery id echoed back in events. */
export function mailSendBody(message: EmailMessage, defaultFrom: string) {
  const headers: Record<string, string> = { 'X-Caravan-Delivery-Id': message.deliveryId, 'Message-ID': `<${message.messageId}>` }
  if (message.locale) headers['Content-Language'] = message.locale
  if (message.thread) {
    if (message.thread.inReplyTo) headers['In-Reply-To'] = `<${message.thread.inReplyTo}>`
    if (message.thread.references?.length) headers['References'] = message.thread.references.map((id) => `<${id}>`).join(' ')
  }
  // SendGrid refuses empty content values and wants text/plain before text/html.
  const content = [
    { type: 'text/plain', value: message.text },
    { type: 'text/html', value: message.html },
  ].filter((part) => part.value.length > 0)
  return {
    personalizations: [{ to: [parseAddress(message.to)], custom_args: { delivery_id: message.deliveryId } }],
    from: parseAddress(message.from ?? defaultFrom),
    subject: message.subject,
    content,
    headers,
    ...(message.replyTo ? { reply_to: parseAddress(message.replyTo) } : {}),
  }
}

/** "Name <address>" or a bare address, as SendGrid's {email, name} object. */
export function parseAddress(value: string): { email: string; name?: string } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value)
  if (!match) return { email: value.trim() }
  const name = match[1].replace(/^"(.*)"$/, '$1').trim()
  return name ? { email: match[2].trim(), name } : { email: match[2].trim() }
}

// SendGrid's error body is {errors:[{message, field, help}]}; keep message and field, which say
// what to fix. Anything else (a proxy's HTML page) is shown briefly.
function readErrors(answer: HttpAnswer): { text: string; fields: string[] } {
  const body = answer.json as { errors?: { message?: unknown; field?: unknown }[] } | undefined
  if (body && Array.isArray(body.errors)) {
    const errors = body.errors.filter((e) => e && typeof e.message === 'string')
    const fields = errors.map((e) => (typeof e.field === 'string' ? e.field : ''))
    const text = errors.map((e, i) => (fields[i] ? `${e.message as string} (${fields[i]})` : (e.message as string))).join('; ')
    return { text, fields }
  }
  return { text: truncate(answer.text.trim(), 200), fields: [] }
}

// Retry-After when present; otherwise X-RateLimit-Reset, which SendGrid sends as the Unix time
// (seconds) at which the rate-limit window refreshes.
function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const fromRetryAfter = parseRetryAfter(headers.get('retry-after'), now)
  if (fromRetryAfter !== undefined) return fromRetryAfter
  const reset = headers.get('x-ratelimit-reset')?.trim()
  if (!reset || !/^\d+$/.test(reset)) return undefined
  const value = Number(reset)
  // Small values are a delta in seconds (some proxies rewrite it so); large ones a Unix time.
  return value < 1_000_000_000 ? value : Math.max(0, Math.ceil(value - now / 1000))
}

const STATUS_BY_EVENT: Record<string, StatusEvent['status']> = {
  delivered: 'delivered',
  open: 'opened',
  bounce: 'bounced',
  dropped: 'bounced',
  spamreport: 'spam',
}

// processed and deferred are steps on the way, click/unsubscribe are engagement we do not track:
// none of them changes a delivery's status, so they are dropped here.
function toStatusEvent(event: unknown): StatusEvent | undefined {
  if (!event || typeof event !== 'object') return undefined
  const e = event as Record<string, unknown>
  let status = typeof e.event === 'string' ? STATUS_BY_EVENT[e.event] : undefined
  if (!status) return undefined
  // A "blocked" bounce is the receiving server refusing this message for now (reputation,
  // content), not a dead address: it must not disable the recipient.
  if (e.event === 'bounce' && e.type === 'blocked') status = 'failed'
  const result: StatusEvent = { status }
  // sg_message_id is X-Message-Id plus ".<filter and recipient suffix>".
  if (typeof e.sg_message_id === 'string' && e.sg_message_id) result.providerMessageId = e.sg_message_id.split('.')[0]
  if (typeof e.delivery_id === 'string' && e.delivery_id) result.deliveryId = e.delivery_id
  if (typeof e.timestamp === 'number' && Number.isFinite(e.timestamp)) result.at = new Date(e.timestamp * 1000).toISOString()
  if (typeof e.reason === 'string' && e.reason) result.reason = e.reason
  return result
}

function loadPublicKey(text: string): KeyObject {
  const trimmed = text.trim()
  let key: KeyObject
  try {
    // A PEM pasted with "\n" escapes or on one line is rebuilt as pem.ts does for private keys.
    key = trimmed.includes('BEGIN PUBLIC KEY')
      ? createPublicKey(normalizePem(trimmed) ?? trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' })
  } catch {
    throw new Error('SendGrid webhookPublicKey is not a base64 DER (SPKI) public key')
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('SendGrid webhookPublicKey is not an ECDSA P-256 key')
  }
  return key
}
