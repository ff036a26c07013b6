// Kavenegar (Iranian SMS gateway) over its REST API v1: POST /v1/{API-KEY}/sms/send.json to send,
// /v1/{API-KEY}/sms/status.json to poll delivery (Kavenegar has no signed status callbacks).
// The API key travels in the URL path, so URLs are never put into errors or logs.
import { createProviderHttp, parseRetryAfter, type HttpAnswer } from '../../../../core/net/service-http'
import {
  errorKindForStatus,
  ProviderError,
  type CheckResult,
  type HttpProviderOptions,
  type ProviderErrorKind,
  type SmsProvider,
  type StatusEvent,
} from '../types'

export interface KavenegarConfig extends HttpProviderOptions {
  apiKey: string
  /** The line number to send from; Kavenegar uses the account's default line when omitted. */
  sender?: string
}

const DEFAULT_BASE_URL = 'https://api.kavenegar.com'
// status.json takes at most 500 ids per call (return.status 414 beyond that).
const STATUS_BATCH = 500

// return.status values whose meaning differs from the generic HTTP reading of the number.
const RETURN_STATUS_KIND: Record<number, ProviderErrorKind> = {
  402: 'transient', // "operation failed", no reason given: worth another try
  409: 'transient', // "server cannot answer, try later"
  411: 'invalid_recipient', // invalid receptor
  451: 'transient', // too many calls in the time window
  501: 'permanent', // test account: may only send to the owner's own number
}

// Delivery states from status.json that are final failures (6 failed, 11 undelivered,
// 13 cancelled, 14 blocked by the recipient/filtered). 1, 2, 4, 5 are still on the way; 100 is an unknown id.
const FAILED_STATES = new Set([6, 11, 13, 14])
const DELIVERED = 10

interface KavenegarReturn {
  status?: number
  message?: string
}

interface KavenegarEntry {
  messageid?: number | string
  status?: number
  statustext?: string
  cost?: number
}

interface KavenegarAccountInfo {
  /** Credit left, in Rials. */
  remaincredit?: number
  /** When the account expires, Unix seconds. */
  expiredate?: number
  /** "master" or "child". */
  type?: string
}

interface KavenegarResponse {
  return?: KavenegarReturn
  entries?: KavenegarEntry[] | KavenegarEntry | KavenegarAccountInfo | null
}

/**
 * Kavenegar's receptor: Iranian numbers in the local form (09…), others with the international
 * 00 prefix (0044…). undefined for anything that is not E.164.
 */
function receptorFor(e164: string): string | undefined {
  if (!/^\+[1-9]\d{6,14}$/.test(e164)) return undefined
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : `00${e164.slice(1)}`
}

function entriesOf(body: KavenegarResponse): KavenegarEntry[] {
  if (!body.entries) return []
  return (Array.isArray(body.entries) ? body.entries : [body.entries]) as KavenegarEntry[]
}

export function createKavenegarProvider(config: KavenegarConfig): SmsProvider {
  if (!config.apiKey) throw new Error('kavenegar: apiKey is required')
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const methodUrl = (method: string) => `${baseUrl}/v1/${encodeURIComponent(config.apiKey)}/${method}.json`
  // The key is part of every URL: it and its encoded form are scrubbed from whatever an error repeats.
  const http = createProviderHttp({ service: 'kavenegar', timeoutMs: config.timeoutMs, secrets: [config.apiKey], fetch: config.fetch })

  /** Calls a method and returns its body when return.status is 200; every failure as a redacted ProviderError. */
  async function call(method: string, form: URLSearchParams): Promise<{ body: KavenegarResponse; httpStatus: number }> {
    const answer = await http.request(methodUrl(method), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    })
    const body = answer.json as KavenegarResponse | undefined
    const returnStatus = body?.return?.status
    if (typeof returnStatus !== 'number') {
      // No Kavenegar envelope: a proxy or outage page. A 2xx without one cannot be trusted either.
      const kind = answer.ok ? 'transient' : errorKindForStatus(answer.status)
      throw http.error(kind, `kavenegar ${method} answered HTTP ${answer.status} without a result`, {
        httpStatus: answer.status,
        ...retryAfter(kind, answer),
      })
    }
    if (returnStatus !== 200) {
      // Kavenegar answers errors with the same code as HTTP status and as return.status.
      const kind = kindForReturnStatus(returnStatus)
      const detail = body?.return?.message ? ` (${body.return.message})` : ''
      throw http.error(kind, `kavenegar ${method} refused: ${returnStatus}${detail}`, {
        code: returnStatus,
        httpStatus: answer.status,
        ...retryAfter(kind, answer),
      })
    }
    return { body: body!, httpStatus: answer.status }
  }

  return {
    id: 'kavenegar',
    channel: 'sms',

    async send(message) {
      const receptor = receptorFor(message.to)
      if (!receptor) throw new ProviderError('invalid_recipient', `kavenegar: ${message.to} is not an E.164 number`)
      const form = new URLSearchParams({ receptor, message: message.text })
      if (config.sender) form.set('sender', config.sender)
      const { body, httpStatus } = await call('sms/send', form)
      const entry = entriesOf(body)[0]
      if (entry?.messageid === undefined) {
        throw new ProviderError('transient', 'kavenegar sms/send succeeded without a messageid', { httpStatus })
      }
      return {
        providerMessageId: String(entry.messageid),
        status: 'sent',
        // cost is in Rials, as Kavenegar bills it.
        meta: { httpStatus, kavenegarStatus: entry.status, cost: entry.cost },
      }
    },

    // account/info needs the key and sends nothing: it answers the credit left and the expiry.
    async check(): Promise<CheckResult> {
      try {
        const { body } = await call('account/info', new URLSearchParams())
        const info = (body.entries ?? {}) as KavenegarAccountInfo
        const credit = typeof info.remaincredit === 'number' ? `; ${info.remaincredit} Rials of credit left` : ''
        const expires =
          typeof info.expiredate === 'number' && info.expiredate > 0
            ? `; the account expires ${new Date(info.expiredate * 1000).toISOString().slice(0, 10)}`
            : ''
        return { ok: true, detail: `Kavenegar accepted the API key${credit}${expires}` }
      } catch (e) {
        const code = e instanceof ProviderError ? e.details.code : undefined
        const why = code === 403 ? 'Kavenegar refused the API key' : code === 401 ? 'The Kavenegar account is disabled' : undefined
        return { ok: false, detail: why ? `${why}: ${(e as Error).message}` : (e as Error).message }
      }
    },

    async lookupStatus(providerMessageIds) {
      const events: StatusEvent[] = []
      for (let i = 0; i < providerMessageIds.length; i += STATUS_BATCH) {
        const batch = providerMessageIds.slice(i, i + STATUS_BATCH)
        const { body } = await call('sms/status', new URLSearchParams({ messageid: batch.join(',') }))
        for (const entry of entriesOf(body)) {
          if (entry.messageid === undefined || entry.status === undefined) continue
          const providerMessageId = String(entry.messageid)
          if (entry.status === DELIVERED) events.push({ providerMessageId, status: 'delivered' })
          else if (FAILED_STATES.has(entry.status)) {
            events.push({ providerMessageId, status: 'failed', reason: `${entry.status} ${entry.statustext ?? ''}`.trim() })
          }
        }
      }
      return events
    },
  }
}

/** The table first; otherwise 5xx and 429 are worth retrying, 4xx and Kavenegar's 6xx codes (604 too many numbers, 607 bad tag) are not. */
function kindForReturnStatus(status: number): ProviderErrorKind {
  const kind = RETURN_STATUS_KIND[status]
  if (kind) return kind
  return status === 429 || (status >= 500 && status < 600) ? 'transient' : 'permanent'
}

function retryAfter(kind: ProviderErrorKind, answer: HttpAnswer): { retryAfterSeconds?: number } {
  const seconds = kind === 'transient' ? parseRetryAfter(answer.headers.get('retry-after')) : undefined
  return seconds === undefined ? {} : { retryAfterSeconds: seconds }
}
