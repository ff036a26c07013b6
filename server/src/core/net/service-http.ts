// The one way adapters of external services (notification providers, payment gateways) call an
// HTTP API: a deadline for the whole call (answer and body), a body read capped in size that never
// throws on a body that is cut off or is not JSON, error texts truncated and scrubbed of every
// configured secret, and Retry-After read as seconds or an HTTP date. Adapters keep only what
// differs per service: the request and the mapping of its answers.
import { isUnsafeUrlError } from './safe-url'

/**
 * Why a call to an external service failed, normalized:
 * - transient: try again later (timeout, 5xx, 429 — honour retryAfterSeconds), and count
 *   against the provider's circuit breaker so the next provider takes over;
 * - permanent: this message will never go through this provider (bad request, auth/config error,
 *   a declined payment);
 * - invalid_recipient: the address/number/token itself is dead (invalid number, unregistered
 *   token, 404/410 subscription): fail at once and disable that device (notifications only).
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

/** Maps an HTTP status to the normalized error kind (provider files refine per service). */
export function errorKindForStatus(status: number): ProviderErrorKind {
  if (status === 408 || status === 429 || status >= 500) return 'transient'
  return 'permanent'
}

/** fetch, or anything shaped like it (safeFetch, a test's stub). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

export const DEFAULT_TIMEOUT_MS = 10_000
/** Answers are read up to this size: enough for any API's JSON, not for a proxy's 100 MB error page. */
export const MAX_ANSWER_BYTES = 64 * 1024
/** A Retry-After further out than this is taken as this: a job is never parked for days. */
export const MAX_RETRY_AFTER_SECONDS = 86_400
/** Error texts longer than this are cut (a service may echo a whole HTML page). */
export const MAX_ERROR_TEXT = 1000
// Shorter secrets are not scrubbed: replacing every "abc" in a text would mangle it and hide little.
const MIN_SECRET_LENGTH = 4

export interface HttpAnswer {
  status: number
  ok: boolean
  headers: Headers
  /** The body as text, at most MAX_ANSWER_BYTES; what arrived before the deadline if it stalled. */
  text: string
  /** The body as JSON, or undefined when it is not JSON (an HTML error page, a cut-off body). */
  json: unknown
}

export interface ProviderHttpOptions {
  /** Names the service in error texts, e.g. "SendGrid". */
  service: string
  timeoutMs?: number
  /** Every configured secret: scrubbed from error texts, also URL-encoded and line by line. */
  secrets?: Array<string | undefined | null>
  fetch?: FetchLike
  maxAnswerBytes?: number
}

export interface ProviderHttp {
  readonly timeoutMs: number
  /** One call under the deadline. Network failures and timeouts throw a transient ProviderError; a refused (non-public) address a permanent one. */
  request(url: string, init: RequestInit): Promise<HttpAnswer>
  /** The text with every configured secret replaced by [redacted]. */
  redact(text: string): string
  /** A ProviderError whose message is redacted and truncated. */
  error(kind: ProviderErrorKind, message: string, details?: ProviderError['details']): ProviderError
}

export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init))
  const maxBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES
  const redact = redactor(options.secrets ?? [])
  const error = (kind: ProviderErrorKind, message: string, details: ProviderError['details'] = {}) =>
    new ProviderError(kind, truncate(redact(message), MAX_ERROR_TEXT), details)

  return {
    timeoutMs,
    redact,
    error,
    async request(url, init) {
      const host = hostOf(url)
      // One signal for the answer and its body: a body that trickles in still ends at the deadline.
      const signal = AbortSignal.timeout(timeoutMs)
      let response: Response
      try {
        // Never follow a redirect: it would carry our credentials to wherever it points.
        response = await fetchImpl(url, { redirect: 'manual', ...init, signal })
      } catch (e) {
        if (isUnsafeUrlError(e)) throw error('permanent', `${options.service}: refused to connect to ${host}: ${(e as Error).message}`)
        throw error('transient', `${options.service} request to ${host} failed: ${describeFailure(e, timeoutMs)}`)
      }
      const text = await readCapped(response, maxBytes)
      return { status: response.status, ok: response.ok, headers: response.headers, text, json: parseJson(text) }
    },
  }
}

/** A function that replaces each secret (and its URL-encoded form, and each long line of a multi-line one) with [redacted]. */
export function redactor(secrets: Array<string | undefined | null>): (text: string) => string {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    // A PEM key might be echoed in parts; its base64 lines are secret on their own.
    for (const line of secret.split(/\\n|\r?\n/)) if (line.trim().length >= 16) forms.add(line.trim())
  }
  // Longest first, so a secret is never half-replaced by a shorter one it contains.
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  return (text) => ordered.reduce((out, form) => out.split(form).join('[redacted]'), String(text))
}

export function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** Retry-After as whole seconds (delta-seconds or an HTTP date), at most MAX_RETRY_AFTER_SECONDS; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  let seconds: number
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed)
  else {
    // Only an HTTP date (IMF-fixdate and its obsolete forms) is a date here, not any string Date.parse accepts.
    if (!/^[A-Za-z]{3},? /.test(trimmed) && !/^[A-Za-z]+day, /.test(trimmed)) return undefined
    const at = Date.parse(trimmed)
    if (Number.isNaN(at)) return undefined
    seconds = Math.max(0, Math.ceil((at - now) / 1000))
  }
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS)
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the service'
  }
}

function describeFailure(e: unknown, timeoutMs: number): string {
  const name = (e as Error)?.name
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, a TLS error) in `cause`.
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause
  const message = (e as Error)?.message ?? String(e)
  return cause ? `${message} (${cause.code ?? cause.message})` : message
}

// Reads at most `max` bytes, then stops reading (the rest is never downloaded). A body that fails
// or stalls past the deadline yields what arrived: the status line is what counts.
async function readCapped(response: Response, max: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (size + value.byteLength >= max) {
        chunks.push(value.subarray(0, max - size))
        size = max
        await reader.cancel().catch(() => {})
        break
      }
      chunks.push(value)
      size += value.byteLength
    }
  } catch {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
