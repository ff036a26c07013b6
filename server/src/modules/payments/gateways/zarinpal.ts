// Zarinpal (Iranian card payments, IRR) over its REST Payment Gateway API v4, and its GraphQL API v4
// for refunds (https://www.zarinpal.com/docs/paymentGateway/ and /docs/apiDocs/; the official SDKs
// ZarinPal/ZarinPal-node-SDK and ZarinPal/zarinpal-php-sdk speak the same calls):
//   POST {baseUrl}/pg/v4/payment/request.json  {merchant_id, amount, currency, callback_url, description, metadata}
//        → data.authority; the payer pays at {baseUrl}/pg/StartPay/{authority} and comes back to
//        callback_url?Authority=…&Status=OK|NOK
//   POST {baseUrl}/pg/v4/payment/verify.json   {merchant_id, amount, authority} → 100 (verified now) or
//        101 (verified before), with ref_id and card_pan; -50 amount differs, -51 not paid (yet)
//   POST {baseUrl}/pg/v4/payment/inquiry.json  {merchant_id, authority} → VERIFIED | PAID | IN_BANK | FAILED | REVERSED
//   POST {graphqlUrl} with "Authorization: Bearer {accessToken}":
//        query Session(terminal_id, reference_id) → the payment's session id, then
//        mutation AddRefund(session_id, amount, description, method, reason) → the session with the
//        refund's timeline {refund_amount, refund_time, refund_status}; a refund left pending is
//        looked up later by query Session(terminal_id, id) with its timeline.
// Errors come as {data: [], errors: {code, message, validations}}. Zarinpal sends no webhooks: the
// payer's return and the reconciliation job call confirm, and only verify's 100/101 means paid.
import { Type, type Static } from 'typebox'
import type { Currency } from '../../../core/money/currency'
import {
  createProviderHttp,
  errorKindForStatus,
  parseRetryAfter,
  ProviderError,
  type HttpAnswer,
  type ProviderErrorKind,
} from '../../../core/net/service-http'
import { checkGatewayConfig } from './config'
import type { Gateway, GatewayContext, GatewayRefundResult, GatewayVerdict } from './types'

const DEFAULT_BASE_URL = 'https://payment.zarinpal.com'
const DEFAULT_GRAPHQL_URL = 'https://next.zarinpal.com/api/v4/graphql'

const Url = Type.String({ pattern: '^https?://', maxLength: 2048 })

export const zarinpalConfigSchema = Type.Object(
  {
    merchantId: Type.String({
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      description: 'The gateway’s 36-character merchant id (مرچنت کد) from the Zarinpal panel',
    }),
    accessToken: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'A Zarinpal panel access token: needed for refunds only' }),
    ),
    terminalId: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,20}$',
        description: 'The gateway’s terminal number in the Zarinpal panel: needed for refunds only',
      }),
    ),
    refundMethod: Type.Optional(
      Type.Union([Type.Literal('PAYA'), Type.Literal('CARD')], {
        description: 'PAYA: back to the card in the next PAYA cycle (default); CARD: instant',
      }),
    ),
    baseUrl: Type.Optional(Url),
    graphqlUrl: Type.Optional(Url),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  },
  { additionalProperties: false },
)

export type ZarinpalConfig = Static<typeof zarinpalConfigSchema>

// The merchant id is a credential too: with it anyone can list and inquire the gateway's payments.
export const zarinpalSecretFields: string[] = ['merchantId', 'accessToken']

// Authorities are "A" (or "S" for sandbox) and 35 digits/letters, e.g. A000000000000000000000000000xpgr85j5.
const AUTHORITY = /^[AS][0-9A-Za-z]{35}$/

const VERIFIED_NOW = 100
const VERIFIED_BEFORE = 101
const AMOUNT_MISMATCH = -50
const NOT_PAID = -51
const INVALID_AUTHORITY = -54
// -12 too many attempts and -52 "oops, contact support" are worth another try; every other
// refusal (-9 validation, -10/-11 merchant id or terminal, -15…-19 account state, -53 another
// merchant's session …) will answer the same again.
const TRANSIENT_CODES = new Set([-12, -52])

// AddRefund's timeline.refund_status: PENDING is what Zarinpal documents for a new refund; the
// rest are read by their meaning, and anything unknown stays pending rather than guessed final.
const REFUND_STATUS: Record<string, GatewayRefundResult['status']> = {
  PENDING: 'pending',
  IN_PROGRESS: 'pending',
  DONE: 'succeeded',
  COMPLETED: 'succeeded',
  PAID: 'succeeded',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  REJECTED: 'failed',
  CANCELED: 'failed',
  CANCELLED: 'failed',
}

// Refunds find the payment's session by the ref_id verify gave (Zarinpal's receipt number): the
// refund API wants the numeric session id, which neither verify nor inquiry returns, and current
// authorities (A000…xpgr85j5) do not encode it (only the old all-digit ones seemed to). The
// transaction list filtered by reference id, Session(terminal_id, reference_id), as the official
// PHP SDK offers it, is the look-up: hence terminalId in the settings.
const SESSION_QUERY = `query Session($terminal_id: ID!, $reference_id: String) {
  Session(terminal_id: $terminal_id, reference_id: $reference_id) { id status amount }
}`

// A refund's state later: the session by its id, with the refunds' timeline (AddRefund's answer is
// the same Session type, so its fields are the ones AddRefund returns).
const REFUND_STATE_QUERY = `query Session($terminal_id: ID!, $id: ID) {
  Session(terminal_id: $terminal_id, id: $id) { id amount timeline { refund_amount refund_time refund_status } }
}`

const ADD_REFUND = `mutation AddRefund($session_id: ID!, $amount: BigInteger!, $description: String, $method: InstantPayoutActionTypeEnum, $reason: RefundReasonEnum) {
  resource: AddRefund(session_id: $session_id, amount: $amount, description: $description, method: $method, reason: $reason) {
    terminal_id id amount timeline { refund_amount refund_time refund_status }
  }
}`

type Json = Record<string, unknown>

/** A REST answer: Zarinpal's data on 100/101, or its refusal code. */
type RestResult = { ok: true; data: Json } | { ok: false; code: number; message: string; httpStatus: number }

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

export function createZarinpalGateway(config: ZarinpalConfig, context: GatewayContext = {}): Gateway {
  checkGatewayConfig(zarinpalConfigSchema, config, 'Zarinpal')
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const graphqlUrl = config.graphqlUrl ?? DEFAULT_GRAPHQL_URL
  const http = createProviderHttp({
    service: 'Zarinpal',
    timeoutMs: config.timeoutMs ?? context.timeoutMs,
    secrets: [config.merchantId, config.accessToken],
    fetch: context.fetch,
  })

  async function rest(method: 'request' | 'verify' | 'inquiry', body: Json): Promise<RestResult> {
    const answer = await http.request(`${baseUrl}/pg/v4/payment/${method}.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ merchant_id: config.merchantId, ...body }),
    })
    const envelope = isRecord(answer.json) ? answer.json : {}
    // On success `errors` is an empty array; a refusal is an object with the code.
    const errors = envelope.errors
    if (isRecord(errors) && typeof errors.code === 'number') {
      return { ok: false, code: errors.code, message: refusalText(errors), httpStatus: answer.status }
    }
    const data = envelope.data
    if (isRecord(data) && typeof data.code === 'number') {
      if (data.code === VERIFIED_NOW || data.code === VERIFIED_BEFORE) return { ok: true, data }
      return { ok: false, code: data.code, message: refusalText(data), httpStatus: answer.status }
    }
    // No Zarinpal envelope: a proxy or outage page. A 2xx without one cannot be trusted either.
    const kind = answer.ok ? 'transient' : errorKindForStatus(answer.status)
    throw http.error(kind, `Zarinpal ${method} answered HTTP ${answer.status} without a result`, {
      httpStatus: answer.status,
      ...retryAfter(kind, answer),
    })
  }

  function refused(method: string, result: Extract<RestResult, { ok: false }>): ProviderError {
    const kind: ProviderErrorKind = TRANSIENT_CODES.has(result.code) ? 'transient' : 'permanent'
    return http.error(kind, `Zarinpal ${method} refused: ${result.code} ${result.message}`.trim(), {
      code: result.code,
      httpStatus: result.httpStatus,
    })
  }

  /** verify's verdict, or undefined when the session is not paid (-51): inquiry tells the rest. */
  async function verify(attempt: { reference: string; amount: bigint }): Promise<GatewayVerdict | undefined> {
    const result = await rest('verify', { amount: amountNumber(attempt.amount), authority: attempt.reference })
    if (result.ok) {
      const refId = result.data.ref_id
      if (typeof refId !== 'number' && typeof refId !== 'string') {
        throw http.error('transient', `Zarinpal verify answered ${String(result.data.code)} without a ref_id`)
      }
      const receipt: Record<string, string> = { ref_id: String(refId) }
      if (typeof result.data.card_pan === 'string') receipt.card_pan = result.data.card_pan
      // The card's hash (the same for every payment with that card): the fraud checks' card fingerprint.
      if (typeof result.data.card_hash === 'string' && result.data.card_hash) receipt.card_hash = result.data.card_hash
      // 100/101 come only when the amount sent is the session's (else -50): it is what was collected.
      return { status: 'succeeded', amount: attempt.amount, currency: 'IRR', captureId: String(refId), receipt }
    }
    if (result.code === NOT_PAID) return undefined
    // Never paid as far as this merchant is concerned: an unverified payment goes back to the payer.
    if (result.code === AMOUNT_MISMATCH) {
      return { status: 'failed', reason: `${result.code} ${result.message}: Zarinpal holds another amount than ${attempt.amount} IRR` }
    }
    if (result.code === INVALID_AUTHORITY) return { status: 'failed', reason: `${result.code} ${result.message}` }
    throw refused('verify', result)
  }

  async function inquiry(authority: string): Promise<string> {
    const result = await rest('inquiry', { authority })
    if (!result.ok) throw refused('inquiry', result)
    if (typeof result.data.status !== 'string') throw http.error('transient', 'Zarinpal inquiry answered without a status')
    return result.data.status
  }

  /** One GraphQL call; its data, or a ProviderError for HTTP and GraphQL errors. */
  async function graphql(operation: string, query: string, variables: Json): Promise<Json> {
    const answer = await http.request(graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    })
    const body = isRecord(answer.json) ? answer.json : {}
    if (answer.status === 401 || answer.status === 403) {
      throw http.error('permanent', `Zarinpal ${operation} refused the access token (HTTP ${answer.status})`, { httpStatus: answer.status })
    }
    const errors = Array.isArray(body.errors) ? body.errors.filter(isRecord) : []
    if (errors.length > 0) {
      const category = isRecord(errors[0].extensions) ? errors[0].extensions.category : undefined
      // An internal error on Zarinpal's side may pass; unauthenticated, unauthorized or invalid will not.
      const kind = answer.status >= 500 || answer.status === 429 || category === 'internal' ? 'transient' : 'permanent'
      const what = errors.map(graphqlErrorText).join('; ')
      throw http.error(kind, `Zarinpal ${operation} refused: ${what}`, {
        httpStatus: answer.status,
        ...(typeof category === 'string' ? { code: category } : {}),
      })
    }
    if (!answer.ok || !isRecord(body.data)) {
      const kind = answer.ok ? 'transient' : errorKindForStatus(answer.status)
      throw http.error(kind, `Zarinpal ${operation} answered HTTP ${answer.status} without data`, {
        httpStatus: answer.status,
        ...retryAfter(kind, answer),
      })
    }
    return body.data
  }

  async function sessionIdFor(refId: string): Promise<string> {
    const data = await graphql('Session', SESSION_QUERY, { terminal_id: config.terminalId, reference_id: refId })
    const ids = (Array.isArray(data.Session) ? data.Session : [])
      .filter(isRecord)
      .map((session) => session.id)
      .filter((id) => typeof id === 'string' || typeof id === 'number')
    // Refunding a guessed session would pay back someone else's money: exactly one or nothing.
    if (ids.length !== 1) {
      throw http.error(
        'permanent',
        `Zarinpal has ${ids.length === 0 ? 'no session' : `${ids.length} sessions`} with ref_id ${refId} on terminal ${config.terminalId}`,
      )
    }
    return String(ids[0])
  }

  return {
    name: 'zarinpal',
    // AddRefund takes no idempotency key: a lost answer must not be sent again (see refunds.ts).
    refundRetrySafe: false,
    currencies: ['IRR'],

    async create(charge) {
      requireRial(charge.currency)
      // order_id links Zarinpal's dashboard back to the payment; mobile lets it offer the payer's saved cards.
      const metadata: Record<string, string> = { order_id: charge.paymentId }
      const mobile = charge.payer?.mobile ? localMobile(charge.payer.mobile) : undefined
      if (mobile) metadata.mobile = mobile
      if (charge.payer?.email) metadata.email = charge.payer.email
      const result = await rest('request', {
        amount: amountNumber(charge.amount),
        currency: 'IRR',
        callback_url: charge.returnUrl,
        description: charge.description,
        metadata,
      })
      if (!result.ok) throw refused('request', result)
      const authority = result.data.authority
      if (typeof authority !== 'string' || !AUTHORITY.test(authority)) {
        throw http.error('transient', 'Zarinpal request succeeded without a valid authority')
      }
      return { reference: authority, redirectUrl: `${baseUrl}/pg/StartPay/${authority}` }
    },

    async confirm(attempt) {
      requireRial(attempt.currency)
      const returned = attempt.returned
      // NOK only ever cancels (the interface's rule): a forged one costs the payer nothing, as Zarinpal
      // returns unverified money; a forged OK proves nothing either way, verify decides.
      if (returned?.Status === 'NOK' && (returned.Authority === undefined || returned.Authority === attempt.reference)) {
        return { status: 'canceled', reason: 'Status=NOK: the payer canceled or the payment failed at Zarinpal' }
      }
      const verdict = await verify(attempt)
      if (verdict) return verdict
      const status = await inquiry(attempt.reference)
      switch (status) {
        case 'IN_BANK':
          return { status: 'pending' }
        case 'PAID':
        case 'VERIFIED':
          // Paid between the two calls: verify it now, or it would be returned to the payer.
          return (await verify(attempt)) ?? { status: 'pending', reason: `Zarinpal inquiry says ${status} but verify answered ${NOT_PAID}` }
        case 'FAILED':
          return { status: 'failed', reason: 'FAILED: the payment was not completed at Zarinpal' }
        case 'REVERSED':
          return { status: 'failed', reason: 'REVERSED: the payment was reversed to the payer' }
        default:
          return { status: 'pending', reason: `Zarinpal inquiry says ${status}` }
      }
    },

    // AddRefund takes no idempotency key: our refund id goes into the description, so a refund
    // repeated after a lost answer can be found in the Zarinpal panel.
    async refund(request) {
      requireRial(request.currency)
      if (!config.accessToken) {
        throw new ProviderError(
          'permanent',
          'Zarinpal refunds need the access token (accessToken) of the Zarinpal panel in the gateway settings',
        )
      }
      if (!config.terminalId) {
        throw new ProviderError('permanent', 'Zarinpal refunds need the terminal number (terminalId) of the gateway in its settings')
      }
      if (!request.captureId) {
        throw new ProviderError(
          'permanent',
          'Zarinpal refunds need the ref_id of the verified payment (captureId), and this payment has none',
        )
      }
      const amount = amountNumber(request.amount)
      const sessionId = await sessionIdFor(request.captureId)
      const data = await graphql('AddRefund', ADD_REFUND, {
        session_id: sessionId,
        amount,
        description: `${request.reason ?? 'Refund'} (Caravan refund ${request.refundId})`.slice(0, 255),
        method: config.refundMethod ?? 'PAYA',
        reason: 'CUSTOMER_REQUEST',
      })
      const resource = isRecord(data.resource) ? data.resource : undefined
      // The resource is the session (its id is the session id): the refund itself has no id of its own.
      if (!resource || (typeof resource.id !== 'string' && typeof resource.id !== 'number')) {
        throw http.error('transient', 'Zarinpal AddRefund answered without the refunded session')
      }
      return { ...refundState(resource.timeline, amount), gatewayRefundId: `${String(resource.id)}:${request.refundId}` }
    },

    async refundStatus(gatewayRefundId, refund) {
      if (!config.accessToken || !config.terminalId) {
        throw new ProviderError(
          'permanent',
          'Zarinpal refund look-ups need the access token and the terminal number in the gateway settings',
        )
      }
      const sessionId = gatewayRefundId.split(':')[0]
      const data = await graphql('Session', REFUND_STATE_QUERY, { terminal_id: config.terminalId, id: sessionId })
      const session = (Array.isArray(data.Session) ? data.Session : []).filter(isRecord).find((s) => String(s.id) === sessionId)
      if (!session) throw http.error('transient', `Zarinpal has no session ${sessionId} on terminal ${config.terminalId} (yet)`)
      return { ...refundState(session.timeline, amountNumber(refund.amount)), gatewayRefundId }
    },
  }
}

/**
 * A refund's state from a session's timeline: one entry (the latest refund) or a list. Refunds have
 * no ids of their own at Zarinpal, so ours is told apart by its amount; when entries of that amount
 * disagree, or a status is one we do not know, the refund stays pending rather than guessed final.
 */
function refundState(timeline: unknown, amount: number): Pick<GatewayRefundResult, 'status' | 'reason'> {
  const entries = (Array.isArray(timeline) ? timeline : [timeline]).filter(isRecord)
  const ours = entries.filter((e) => e.refund_amount === undefined || Number(e.refund_amount) === amount)
  const statuses = [...new Set(ours.map((e) => (typeof e.refund_status === 'string' ? e.refund_status.toUpperCase() : '')))]
  const known = statuses.length === 1 ? REFUND_STATUS[statuses[0]] : undefined
  if (known === 'failed') return { status: 'failed', reason: `Zarinpal refund_status ${statuses[0]}` }
  return { status: known ?? 'pending' }
}

/** The same check the gateway registry makes, so the adapter never runs on settings it cannot use. */
function requireRial(currency: Currency): void {
  if (currency !== 'IRR') throw new ProviderError('permanent', `Zarinpal charges in IRR only, not ${currency}`)
}

/** Rials as the JSON integer Zarinpal takes. */
function amountNumber(amount: bigint): number {
  if (amount <= 0n || amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ProviderError('permanent', `Zarinpal cannot take an amount of ${amount} IRR`)
  }
  return Number(amount)
}

/** Zarinpal's mobile is the local 09… form; other countries' numbers are left out (it would refuse them). */
function localMobile(mobile: string): string | undefined {
  if (/^\+989\d{9}$/.test(mobile)) return `0${mobile.slice(3)}`
  return /^09\d{9}$/.test(mobile) ? mobile : undefined
}

/** Zarinpal's message, with the fields its validation names ({"validations": [{"amount": "…"}]}). */
function refusalText(errors: Json): string {
  const message = typeof errors.message === 'string' ? errors.message : ''
  const validations = (Array.isArray(errors.validations) ? errors.validations : [errors.validations])
    .filter(isRecord)
    .flatMap((entry) => Object.entries(entry).map(([field, why]) => `${field}: ${String(why)}`))
  return validations.length > 0 ? `${message} (${validations.join('; ')})` : message
}

function graphqlErrorText(error: Json): string {
  const message = typeof error.message === 'string' ? error.message : 'error'
  const validation = isRecord(error.extensions) && isRecord(error.extensions.validation) ? error.extensions.validation : undefined
  if (!validation) return message
  const fields = Object.entries(validation).map(([field, why]) => `${field}: ${Array.isArray(why) ? why.join(' ') : String(why)}`)
  return `${message} (${fields.join('; ')})`
}

function retryAfter(kind: ProviderErrorKind, answer: HttpAnswer): { retryAfterSeconds?: number } {
  const seconds = kind === 'transient' ? parseRetryAfter(answer.headers.get('retry-after')) : undefined
  return seconds === undefined ? {} : { retryAfterSeconds: seconds }
}
