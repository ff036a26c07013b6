// Kavenegar (Iranian SMS gateway) over its REST API v1: POST /v1/{API-KEY}/sms/send.json to send,
// /v1/{API-KEY}/sms/status.json to poll delivery (Kavenegar has no signed status callbacks).
// The API key travels in the URL path, so URLs are never put into errors or logs.
import {
  errorKindForStatus,
  fetchWithTimeout,
  parseRetryAfter,
  ProviderError,
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

interface KavenegarResponse {
  return?: KavenegarReturn
  entries?: KavenegarEntry[] | KavenegarEntry | null
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
  return Array.isArray(body.entries) ? body.entries : [body.entries]
}

export function createKavenegarProvider(config: KavenegarConfig): SmsProvider {
  if (!config.apiKey) throw new Error('kavenegar: apiKey is required')
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const fetchImpl = config.fetch ?? fetch
  const methodUrl = (method: string) => `${baseUrl}/v1/${encodeURIComponent(config.apiKey)}/${method}.json`

  const secrets = [...new Set([config.apiKey, encodeURIComponent(config.apiKey)])]
  const redact = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text)

  /** Calls a method and returns its body when return.status is 200; every failure as a redacted ProviderError. */
  async function call(method: string, form: URLSearchParams): Promise<{ body: KavenegarResponse; httpStatus: number }> {
    try {
      const response = await fetchWithTimeout(
        fetchImpl,
        methodUrl(method),
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
        },
        config.timeoutMs,
      )
      const text = await response.text()
      let body: KavenegarResponse | undefined
      try {
        body = JSON.parse(text) as KavenegarResponse
      } catch {}
      const returnStatus = body?.return?.status
      if (typeof returnStatus !== 'number') {
        // No Kavenegar envelope: a proxy or outage page. A 2xx without one cannot be trusted either.
        const kind = response.ok ? 'transient' : errorKindForStatus(response.status)
        throw new ProviderError(kind, `kavenegar ${method} answered HTTP ${response.status} without a result`, {
          httpStatus: response.status,
          ...retryAfter(kind, response),
        })
      }
      if (returnStatus !== 200) {
        // Kavenegar answers errors with the same code as HTTP status and as return.status.
        const kind = kindForReturnStatus(returnStatus)
        const detail = body?.return?.message ? ` (${body.return.message})` : ''
        throw new ProviderError(kind, `kavenegar ${method} refused: ${returnStatus}${detail}`, {
          code: returnStatus,
          httpStatus: response.status,
          ...retryAfter(kind, response),
        })
      }
      return { body: body!, httpStatus: response.status }
    } catch (e) {
      if (e instanceof ProviderError) throw new ProviderError(e.kind, redact(e.message), e.details)
      throw new ProviderError('transient', redact(`kavenegar ${method} failed: ${(e as Error)?.message ?? String(e)}`))
    }
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

function retryAfter(kind: ProviderErrorKind, response: Response): { retryAfterSeconds?: number } {
  const seconds = kind === 'transient' ? parseRetryAfter(response.headers.get('retry-after')) : undefined
  return seconds === undefined ? {} : { retryAfterSeconds: seconds }
}
