// Twilio Programmable Messaging over its REST API (plain fetch: the SDK adds nothing we need and
// cannot be pointed at a loopback fake as simply). Sends with POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json and receives delivery status callbacks signed
// with X-Twilio-Signature.
import { createHmac } from 'node:crypto'
import { createProviderHttp, parseRetryAfter, type HttpAnswer, type ProviderHttp } from '../../../../core/net/service-http'
import { sameSecret } from '../../../../core/util/same-secret'
import {
  errorKindForStatus,
  type CheckResult,
  type HttpProviderOptions,
  type ProviderErrorKind,
  type SmsProvider,
  type StatusEvent,
  type WebhookRequest,
} from '../types'

export interface TwilioConfig extends HttpProviderOptions {
  accountSid: string
  authToken: string
  /** An E.164 Twilio number or alphanumeric sender id; needed unless messagingServiceSid is set. */
  from?: string
  /** MG…: lets Twilio pick the sender from the service's pool. */
  messagingServiceSid?: string
  /** Our public webhook, e.g. https://caravan.example.com/v1/webhooks/sms/twilio; `delivery_id` is appended per message. */
  statusCallbackUrl?: string
}

const DEFAULT_BASE_URL = 'https://api.twilio.com'

// Twilio error codes that say the number itself cannot receive this message.
const INVALID_RECIPIENT_CODES = new Set([
  21211, // invalid 'To' phone number
  21610, // recipient replied STOP (unsubscribed): sending again is refused, and would be illegal
  21612, // 'To' cannot be reached from this 'From' (unroutable)
  21614, // 'To' is not a mobile number
])
const TOO_MANY_REQUESTS = 20429

interface TwilioError {
  code?: number
  message?: string
  more_info?: string
  status?: number
}

interface TwilioMessage {
  sid?: string
  status?: string
  num_segments?: string
}

function errorFromAnswer(http: ProviderHttp, answer: HttpAnswer) {
  const body = answer.json as TwilioError | undefined
  const code = typeof body?.code === 'number' ? body.code : undefined
  let kind: ProviderErrorKind = errorKindForStatus(answer.status)
  if (code !== undefined && INVALID_RECIPIENT_CODES.has(code)) kind = 'invalid_recipient'
  else if (code === TOO_MANY_REQUESTS) kind = 'transient'
  const retryAfterSeconds = kind === 'transient' ? parseRetryAfter(answer.headers.get('retry-after')) : undefined
  const detail = body?.message ? `${code ?? ''} ${body.message}`.trim() : `HTTP ${answer.status}`
  return http.error(kind, `twilio refused the message: ${detail}`, {
    code,
    httpStatus: answer.status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  })
}

/** Twilio's signature: base64 HMAC-SHA1 of the URL followed by every POST parameter as name+value, sorted by name. */
function expectedSignature(authToken: string, url: string, params: URLSearchParams): string {
  const byName = new Map<string, string[]>()
  for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value])
  let data = url
  for (const name of [...byName.keys()].sort()) {
    for (const value of byName.get(name)!.sort()) data += name + value
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64')
}

/**
 * The URL as given, plus the same URL with its default port added or removed: proxies and
 * Twilio disagree on whether :443 is part of "the URL", and Twilio's own validators accept both.
 */
function urlVariants(url: string): string[] {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return [url]
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined
  if (!defaultPort) return [url]
  const authority = `${parsed.protocol}//${parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : ''}`
  const rest = `${parsed.pathname}${parsed.search}`
  const withPort = `${authority}${parsed.hostname}:${defaultPort}${rest}`
  const withoutPort = `${authority}${parsed.hostname}${rest}`
  return [...new Set([url, withPort, withoutPort])]
}

export function createTwilioProvider(config: TwilioConfig): SmsProvider {
  if (!config.accountSid || !config.authToken) throw new Error('twilio: accountSid and authToken are required')
  if (!config.from && !config.messagingServiceSid) throw new Error('twilio: set from or messagingServiceSid')
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const accountUrl = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}`
  const basic = Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')
  const authorization = `Basic ${basic}`
  // Whatever a transport or the service says, the auth token (also inside the Basic header) never leaves in an error.
  const http = createProviderHttp({
    service: 'twilio',
    timeoutMs: config.timeoutMs,
    secrets: [config.authToken, basic],
    fetch: config.fetch,
  })

  function statusCallbackFor(deliveryId: string): string | undefined {
    if (!config.statusCallbackUrl) return undefined
    const url = new URL(config.statusCallbackUrl)
    url.searchParams.set('delivery_id', deliveryId)
    return url.toString()
  }

  return {
    id: 'twilio',
    channel: 'sms',

    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.text })
      if (config.from) form.set('From', config.from)
      if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid)
      const callback = statusCallbackFor(message.deliveryId)
      if (callback) form.set('StatusCallback', callback)
      const answer = await http.request(`${accountUrl}/Messages.json`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      })
      if (!answer.ok) throw errorFromAnswer(http, answer)
      const body = answer.json as TwilioMessage | undefined
      if (!body?.sid)
        throw http.error('transient', `twilio answered HTTP ${answer.status} without a message sid`, { httpStatus: answer.status })
      const segments = Number(body.num_segments)
      return {
        providerMessageId: body.sid,
        status: 'sent',
        // num_segments is 0 until a Messaging Service has picked a sender.
        meta: { httpStatus: answer.status, twilioStatus: body.status, ...(segments > 0 ? { segments } : {}) },
      }
    },

    // Fetching our own Account resource needs the same credentials as sending, and sends nothing.
    // Its answer also carries the auth token: only status and type are read from it.
    async check(): Promise<CheckResult> {
      let answer: HttpAnswer
      try {
        answer = await http.request(`${accountUrl}.json`, { method: 'GET', headers: { authorization, accept: 'application/json' } })
      } catch (e) {
        return { ok: false, detail: (e as Error).message }
      }
      const body = answer.json as { status?: unknown; type?: unknown; code?: unknown; message?: unknown } | undefined
      if (answer.ok) {
        const kind = typeof body?.type === 'string' ? ` (${body.type})` : ''
        if (body?.status === 'active')
          return { ok: true, detail: `Twilio accepted the Account SID and auth token; the account is active${kind}` }
        return {
          ok: false,
          detail: http.redact(
            `Twilio accepted the credentials, but the account is ${String(body?.status ?? 'in an unknown state')}${kind}`,
          ),
        }
      }
      const why = typeof body?.message === 'string' ? `: ${[body.code, body.message].filter(Boolean).join(' ')}` : ''
      const detail =
        answer.status === 401 || answer.status === 403
          ? `Twilio refused the Account SID and auth token (HTTP ${answer.status}${why})`
          : answer.status === 404
            ? `Twilio knows no account ${config.accountSid} (HTTP 404)`
            : `Twilio answered HTTP ${answer.status}${why}`
      return { ok: false, detail: http.redact(detail) }
    },

    verifySignature(request: WebhookRequest) {
      const given = request.headers['x-twilio-signature']
      if (!given) return false
      const params = new URLSearchParams(request.rawBody.toString('utf8'))
      return urlVariants(request.url).some((url) => sameSecret(expectedSignature(config.authToken, url, params), given))
    },

    parseEvents(request: WebhookRequest): StatusEvent[] {
      const params = new URLSearchParams(request.rawBody.toString('utf8'))
      const providerMessageId = params.get('MessageSid') ?? params.get('SmsSid') ?? undefined
      const messageStatus = params.get('MessageStatus') ?? params.get('SmsStatus')
      let deliveryId: string | undefined
      try {
        deliveryId = new URL(request.url).searchParams.get('delivery_id') ?? undefined
      } catch {}
      const base = { providerMessageId, ...(deliveryId ? { deliveryId } : {}) }
      switch (messageStatus) {
        case 'delivered':
          return [{ ...base, status: 'delivered' }]
        case 'undelivered':
        case 'failed':
          // ErrorCode is a 3xxxx delivery code (30003 unreachable, 30007 carrier filtering …).
          return [{ ...base, status: 'failed', reason: params.get('ErrorCode') || messageStatus }]
        default:
          // queued, accepted, sending, sent: not a final state, nothing to record.
          return []
      }
    },
  }
}
