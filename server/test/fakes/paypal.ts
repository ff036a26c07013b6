// A loopback fake of the PayPal REST API parts Caravan speaks: OAuth2 client credentials
// (/v1/oauth2/token), Orders v2 (create, get, capture), Payments v2 refunds and Webhooks v1
// signature verification. It checks what PayPal checks — Basic credentials, Bearer tokens with a
// lifetime, JSON bodies, required fields and field limits, amounts and their decimals, order state,
// the refundable remainder — keeps PayPal-Request-Id idempotency (a repeated key answers what the
// first request did), and answers with PayPal's shapes: orders with HATEOAS links ('self',
// 'payer-action'), captures, refunds, and errors {name, message, debug_id, details[{issue}], links}.
// PayPal signs webhooks with a certificate and checks them in verify-webhook-signature; this fake
// signs its own with an HMAC over transmission_id|transmission_time|webhook_id|crc32(body) under a
// secret only it holds, and verifies them the same way (over the event's bytes as sent), so a
// tampered body or a wrong webhook id fails exactly as at PayPal.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32 } from 'node:zlib'
import { readBody } from './read-body'

export interface FakePayPalOptions {
  clientId?: string
  clientSecret?: string
  /** The id of the one webhook this account has registered. */
  webhookId?: string
  /** Lifetime of issued access tokens in seconds (PayPal's are about 9 hours). */
  tokenLifetimeSeconds?: number
}

type Money = { currency_code: string; value: string }
export type FakeOrderStatus = 'CREATED' | 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED' | 'VOIDED'
export type FakeCaptureStatus = 'COMPLETED' | 'PENDING' | 'DECLINED' | 'PARTIALLY_REFUNDED' | 'REFUNDED'

export interface FakePayPalOrder {
  id: string
  intent: 'CAPTURE' | 'AUTHORIZE'
  status: FakeOrderStatus
  referenceId: string
  customId?: string
  description?: string
  amount: Money
  experience?: { return_url?: string; cancel_url?: string; user_action?: string; locale?: string; shipping_preference?: string }
  payerEmail?: string
  payer?: { payerId: string; email: string }
  captureIds: string[]
  createTime: string
  updateTime?: string
  /** The create request's body as PayPal received it. */
  request: Record<string, unknown>
}

export interface FakePayPalCapture {
  id: string
  orderId: string
  status: FakeCaptureStatus
  reason?: string
  amount: Money
  customId?: string
  createTime: string
  updateTime: string
}

export interface FakePayPalRefund {
  id: string
  captureId: string
  status: 'COMPLETED' | 'PENDING' | 'FAILED' | 'CANCELLED'
  reason?: string
  amount: Money
  noteToPayer?: string
  customId?: string
  invoiceId?: string
  createTime: string
}

export interface FakePayPalRequest {
  method: string
  path: string
  requestId?: string
  prefer?: string
}

export interface PayPalWebhookEvent {
  id: string
  event_version: string
  create_time: string
  resource_type: string
  resource_version: string
  event_type: string
  summary: string
  resource: Record<string, unknown>
  links: Array<{ href: string; rel: string; method: string }>
}

export type FakePayPalEndpoint = 'token' | 'api'

export interface FakePayPal {
  url: string
  clientId: string
  clientSecret: string
  webhookId: string
  orders: Map<string, FakePayPalOrder>
  captures: Map<string, FakePayPalCapture>
  refunds: Map<string, FakePayPalRefund>
  /** Every request to the API (token requests included), in order, answered or not. */
  requests: FakePayPalRequest[]
  /** Token requests received, right credentials or wrong. */
  tokenRequests(): number
  /** Forgets orders, captures, refunds, requests, idempotency keys, queued failures and counts. */
  reset(): void
  /** The payer logs in and approves the order; returns where PayPal sends them (return_url?token=…&PayerID=…). */
  approve(orderId: string): string
  /** The payer clicks "Cancel and return": PayPal records nothing; returns cancel_url?token=…. */
  cancel(orderId: string): string
  voidOrder(orderId: string): void
  /** The order expires and is forgotten (404 from then on). */
  expireOrder(orderId: string): void
  /** Changes the order's amount behind our back, as a PATCH by someone else would. */
  tamperAmount(orderId: string, value: string): void
  /** The next capture is refused with 422 INSTRUMENT_DECLINED (the order stays APPROVED). */
  declineNextCapture(): void
  /** The next capture is held: capture PENDING (reason PENDING_REVIEW), order COMPLETED. */
  holdNextCapture(reason?: string): void
  /** The next capture finds the order already captured by someone else (422 ORDER_ALREADY_CAPTURED). */
  preemptNextCapture(): void
  /** A held capture clears or is denied. */
  settleCapture(captureId: string, status: 'COMPLETED' | 'DECLINED'): void
  /** The next refund is PENDING (e.g. the merchant's balance is short and an eCheck funds it). */
  holdNextRefund(): void
  /** Every access token issued so far stops working (401 AUTHENTICATION_FAILURE). */
  expireTokens(): void
  /** The next `count` requests to `endpoint` answer this status (5xx/429 with PayPal's error body, 401 AUTHENTICATION_FAILURE). */
  failNext(count: number, httpStatus?: number, endpoint?: FakePayPalEndpoint): void
  /** The next `count` requests to `endpoint` are never answered. */
  hangNext(count: number, endpoint?: FakePayPalEndpoint): void
  orderJson(orderId: string): Record<string, unknown>
  captureJson(captureId: string): Record<string, unknown>
  refundJson(refundId: string): Record<string, unknown>
  /** A webhook event as PayPal builds it. */
  event(type: string, resourceType: string, resource: Record<string, unknown>): PayPalWebhookEvent
  orderEvent(orderId: string, type?: string): PayPalWebhookEvent
  /** PAYMENT.CAPTURE.COMPLETED / PENDING / DENIED by the capture's status, unless `type` is given. */
  captureEvent(captureId: string, type?: string): PayPalWebhookEvent
  /** PAYMENT.CAPTURE.REFUNDED / PAYMENT.REFUND.PENDING / PAYMENT.REFUND.FAILED by the refund's status, unless `type` is given. */
  refundEvent(refundId: string, type?: string): PayPalWebhookEvent
  /** Lower-case headers and raw body of a signed delivery of `event`. */
  signedWebhook(
    event: unknown,
    options?: { transmissionTime?: Date; webhookId?: string },
  ): { headers: Record<string, string>; rawBody: Buffer }
  /** POSTs a signed delivery of `event` to `url`, as PayPal's webhook sender does. */
  webhook(url: string, event: unknown, options?: { transmissionTime?: Date }): Promise<Response>
  close(): Promise<void>
}

const MESSAGES: Record<string, string> = {
  INVALID_REQUEST: 'Request is not well-formed, syntactically incorrect, or violates schema.',
  AUTHENTICATION_FAILURE: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
  NOT_AUTHORIZED: 'Authorization failed due to insufficient permissions.',
  RESOURCE_NOT_FOUND: 'The specified resource does not exist.',
  UNSUPPORTED_MEDIA_TYPE: 'The server does not support the request payload’s media type.',
  UNPROCESSABLE_ENTITY: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
  RATE_LIMIT_REACHED: 'Too many requests. Blocked due to rate limiting.',
  INTERNAL_SERVER_ERROR: 'An internal server error occurred.',
  SERVICE_UNAVAILABLE: 'Service Unavailable.',
  VALIDATION_ERROR: 'Invalid request - see details',
}
const NAME_FOR_STATUS: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'AUTHENTICATION_FAILURE',
  403: 'NOT_AUTHORIZED',
  404: 'RESOURCE_NOT_FOUND',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMIT_REACHED',
  503: 'SERVICE_UNAVAILABLE',
}
const ISSUE_DESCRIPTIONS: Record<string, string> = {
  INVALID_RESOURCE_ID: 'Specified resource ID does not exist. Please check the resource ID and try again.',
  ORDER_ALREADY_CAPTURED: "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
  ORDER_NOT_APPROVED:
    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid `payment_source` in the request.",
  INSTRUMENT_DECLINED: "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
  REFUND_AMOUNT_EXCEEDED: 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
  CAPTURE_FULLY_REFUNDED: 'The capture has already been fully refunded',
  PENDING_CAPTURE:
    'Cannot initiate a refund as the capture is pending. Capture is typically pending when the payer has funded the transaction using e-check/bank funded.',
  REFUND_CAPTURE_CURRENCY_MISMATCH: 'Refund must be in the same currency as the capture',
  DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
  CANNOT_BE_ZERO_OR_NEGATIVE:
    'Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported.',
  INVALID_CURRENCY_CODE:
    'Currency code is invalid or is not currently supported. Please refer https://developer.paypal.com/api/rest/reference/currency-codes/ for list of supported currency codes.',
  MISSING_REQUIRED_PARAMETER: 'A required field / parameter is missing.',
  INVALID_PARAMETER_VALUE: 'The value of a field is invalid.',
  INVALID_PARAMETER_SYNTAX: 'The value of a field does not conform to the expected format.',
  INVALID_STRING_LENGTH: 'The value of a field is either too short or too long.',
  MALFORMED_REQUEST_JSON: 'The request JSON is not well formed.',
  INVALID_ARRAY_MIN_ITEMS: 'The number of items in an array parameter is too small.',
  NOT_SUPPORTED: 'This field is not currently supported.',
}

// PayPal's decimals for the currencies the fake accepts (a subset of PayPal's list).
const DECIMALS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, JPY: 0 }
const ALGO = 'SHA256withRSA'
const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOCALE = /^[a-z]{2}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$/

/** A PayPal-style id: 17 upper-case letters and digits (orders, captures, refunds). */
function paypalId(length = 17): string {
  return Array.from(randomBytes(length), (b) => ID_CHARS[b % ID_CHARS.length]).join('')
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** A money value as minor units, or the issue PayPal names for it. */
function toMinor(value: unknown, currency: string): bigint | 'INVALID_PARAMETER_SYNTAX' | 'DECIMAL_PRECISION' {
  if (typeof value !== 'string' || !/^(-?[0-9]+|-?([0-9]+)?[.][0-9]+)$/.test(value) || value.length > 32) return 'INVALID_PARAMETER_SYNTAX'
  const decimals = DECIMALS[currency] ?? 2
  const [whole, fraction = ''] = value.replace(/^-/, '').split('.')
  if (fraction.length > decimals) return 'DECIMAL_PRECISION'
  const minor = BigInt((whole || '0') + fraction.padEnd(decimals, '0'))
  return value.startsWith('-') ? -minor : minor
}

function fromMinor(minor: bigint, currency: string): string {
  const decimals = DECIMALS[currency] ?? 2
  if (decimals === 0) return minor.toString()
  const digits = minor.toString().padStart(decimals + 1, '0')
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`
}

/** Index just past the JSON string that starts at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i + 1
}

/** Index just past the JSON value that starts at `start`. */
function valueEnd(text: string, start: number): number {
  let depth = 0
  let i = start
  while (i < text.length) {
    const ch = text[i]
    if (ch === '"') {
      i = stringEnd(text, i)
      if (depth === 0) return i
      continue
    }
    if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') {
      depth--
      if (depth === 0) return i + 1
      if (depth < 0) return i
    } else if (depth === 0 && (ch === ',' || /\s/.test(ch))) return i
    i++
  }
  return i
}

/** The raw text of a top-level member's value in a JSON object: what the sender put there, byte for byte. */
function rawMember(text: string, name: string): string | undefined {
  let i = text.indexOf('{') + 1
  if (i === 0) return undefined
  while (i < text.length) {
    while (/[\s,]/.test(text[i] ?? '')) i++
    if (text[i] !== '"') return undefined
    const keyEnd = stringEnd(text, i)
    const key = JSON.parse(text.slice(i, keyEnd)) as string
    i = keyEnd
    while (/\s/.test(text[i] ?? '')) i++
    if (text[i] !== ':') return undefined
    i++
    while (/\s/.test(text[i] ?? '')) i++
    const end = valueEnd(text, i)
    if (key === name) return text.slice(i, end)
    i = end
  }
  return undefined
}

export async function startFakePayPal(options: FakePayPalOptions = {}): Promise<FakePayPal> {
  const clientId = options.clientId ?? `A${randomBytes(30).toString('base64url')}`
  const clientSecret = options.clientSecret ?? `E${randomBytes(30).toString('base64url')}`
  const webhookId = options.webhookId ?? paypalId()
  const lifetime = options.tokenLifetimeSeconds ?? 32_400
  // Only this fake knows it: the stand-in for PayPal's signing key.
  const signingSecret = randomBytes(32)
  const tokens = new Map<string, number>()
  const hanging = new Set<ServerResponse>()
  const failures: Record<FakePayPalEndpoint, number[]> = { token: [], api: [] }
  const hangs: Record<FakePayPalEndpoint, number> = { token: 0, api: 0 }
  // PayPal-Request-Id → what the first request produced: a resource id, or the error it got.
  type Stored = { id: string } | { status: number; body: unknown }
  const idempotency = new Map<string, Stored>()
  let tokenRequests = 0
  let declineNext = false
  let holdNext: string | undefined
  let preemptNext = false
  let holdNextRefund = false
  let lastUpdate = 0

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => paypalError(res, 500, 'INTERNAL_SERVER_ERROR', [], String(e)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const certUrl = `${url}/v1/notifications/certs/CERT-360caa42-fca2a594-${webhookId.slice(0, 8).toLowerCase()}`

  /** A fresh update_time, strictly later than the last one (PayPal's are seconds; two changes never share one here). */
  function touch(): string {
    lastUpdate = Math.max(Date.now(), lastUpdate + 1)
    return new Date(lastUpdate).toISOString()
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'paypal-debug-id': randomBytes(7).toString('hex'), ...headers })
    res.end(JSON.stringify(body))
  }

  function paypalError(
    res: ServerResponse,
    status: number,
    name: string,
    details: Array<{ issue: string; field?: string; value?: string; location?: string; description?: string }> = [],
    message = MESSAGES[name] ?? name,
    links: Array<{ href: string; rel: string; method: string }> = [],
  ) {
    const body = {
      name,
      message,
      debug_id: randomBytes(7).toString('hex'),
      ...(details.length
        ? { details: details.map((d) => ({ ...d, description: d.description ?? ISSUE_DESCRIPTIONS[d.issue] ?? d.issue })) }
        : {}),
      links: [
        {
          href: `https://developer.paypal.com/docs/api/orders/v2/#error-${details[0]?.issue ?? name}`,
          rel: 'information_link',
          method: 'GET',
        },
        ...links,
      ],
    }
    send(res, status, body)
    return body
  }

  function orderLinks(order: FakePayPalOrder) {
    const self = { href: `${url}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' }
    const checkout = `${url}/checkoutnow?token=${order.id}`
    switch (order.status) {
      case 'PAYER_ACTION_REQUIRED':
        return [self, { href: checkout, rel: 'payer-action', method: 'GET' }]
      case 'CREATED':
        return [
          self,
          { href: checkout, rel: 'approve', method: 'GET' },
          { href: self.href, rel: 'update', method: 'PATCH' },
          { href: `${self.href}/capture`, rel: 'capture', method: 'POST' },
        ]
      case 'APPROVED':
        return [self, { href: self.href, rel: 'update', method: 'PATCH' }, { href: `${self.href}/capture`, rel: 'capture', method: 'POST' }]
      default:
        return [self]
    }
  }

  function captureJson(captureId: string): Record<string, unknown> {
    const capture = fake.captures.get(captureId)
    if (!capture) throw new Error(`fake PayPal: no capture ${captureId}`)
    const gross = toMinor(capture.amount.value, capture.amount.currency_code) as bigint
    // PayPal's US domestic rate, 3.49% + 49 minor units, for the breakdown's shape.
    const fee = (gross * 349n) / 10_000n + 49n
    const money = (minor: bigint) => ({
      currency_code: capture.amount.currency_code,
      value: fromMinor(minor, capture.amount.currency_code),
    })
    return {
      id: capture.id,
      status: capture.status,
      ...(capture.reason ? { status_details: { reason: capture.reason } } : {}),
      amount: capture.amount,
      final_capture: true,
      seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
      seller_receivable_breakdown: { gross_amount: capture.amount, paypal_fee: money(fee), net_amount: money(gross - fee) },
      ...(capture.customId ? { custom_id: capture.customId } : {}),
      links: [
        { href: `${url}/v2/payments/captures/${capture.id}`, rel: 'self', method: 'GET' },
        { href: `${url}/v2/payments/captures/${capture.id}/refund`, rel: 'refund', method: 'POST' },
        { href: `${url}/v2/checkout/orders/${capture.orderId}`, rel: 'up', method: 'GET' },
      ],
      create_time: capture.createTime,
      update_time: capture.updateTime,
    }
  }

  function orderJson(orderId: string): Record<string, unknown> {
    const order = fake.orders.get(orderId)
    if (!order) throw new Error(`fake PayPal: no order ${orderId}`)
    const payer = order.payer
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      payment_source: {
        paypal: payer
          ? {
              email_address: payer.email,
              account_id: payer.payerId,
              account_status: 'VERIFIED',
              name: { given_name: 'John', surname: 'Doe' },
              address: { country_code: 'US' },
            }
          : {},
      },
      purchase_units: [
        {
          reference_id: order.referenceId,
          amount: order.amount,
          payee: { email_address: 'merchant@example.com', merchant_id: 'C7CYMKZDG8D6E' },
          ...(order.description ? { description: order.description } : {}),
          ...(order.customId ? { custom_id: order.customId } : {}),
          ...(order.captureIds.length ? { payments: { captures: order.captureIds.map(captureJson) } } : {}),
        },
      ],
      ...(payer ? { payer: { name: { given_name: 'John', surname: 'Doe' }, email_address: payer.email, payer_id: payer.payerId } } : {}),
      create_time: order.createTime,
      ...(order.updateTime ? { update_time: order.updateTime } : {}),
      links: orderLinks(order),
    }
  }

  function refundJson(refundId: string): Record<string, unknown> {
    const refund = fake.refunds.get(refundId)
    if (!refund) throw new Error(`fake PayPal: no refund ${refundId}`)
    return {
      id: refund.id,
      status: refund.status,
      ...(refund.reason ? { status_details: { reason: refund.reason } } : {}),
      amount: refund.amount,
      ...(refund.noteToPayer ? { note_to_payer: refund.noteToPayer } : {}),
      ...(refund.customId ? { custom_id: refund.customId } : {}),
      ...(refund.invoiceId ? { invoice_id: refund.invoiceId } : {}),
      seller_payable_breakdown: { gross_amount: refund.amount, net_amount: refund.amount },
      links: [
        { href: `${url}/v2/payments/refunds/${refund.id}`, rel: 'self', method: 'GET' },
        { href: `${url}/v2/payments/captures/${refund.captureId}`, rel: 'up', method: 'GET' },
      ],
      create_time: refund.createTime,
      update_time: refund.createTime,
    }
  }

  function order(orderId: string): FakePayPalOrder {
    const found = fake.orders.get(orderId)
    if (!found) throw new Error(`fake PayPal: no order ${orderId}`)
    return found
  }

  function sign(transmissionId: string, time: string, webhook: string, raw: string | Buffer): string {
    return createHmac('sha256', signingSecret)
      .update(`${transmissionId}|${time}|${webhook}|${crc32(raw)}`)
      .digest('base64')
  }

  const fake: FakePayPal = {
    url,
    clientId,
    clientSecret,
    webhookId,
    orders: new Map(),
    captures: new Map(),
    refunds: new Map(),
    requests: [],
    tokenRequests: () => tokenRequests,
    reset() {
      fake.orders.clear()
      fake.captures.clear()
      fake.refunds.clear()
      fake.requests.length = 0
      idempotency.clear()
      failures.token.length = 0
      failures.api.length = 0
      hangs.token = 0
      hangs.api = 0
      tokenRequests = 0
      declineNext = false
      holdNext = undefined
      preemptNext = false
      holdNextRefund = false
    },
    approve(orderId) {
      const o = order(orderId)
      if (o.status !== 'CREATED' && o.status !== 'PAYER_ACTION_REQUIRED' && o.status !== 'APPROVED') {
        throw new Error(`fake PayPal: order ${orderId} is ${o.status}; the payer cannot approve it`)
      }
      o.status = 'APPROVED'
      o.payer ??= { payerId: paypalId(13), email: o.payerEmail ?? 'buyer@example.com' }
      o.updateTime = touch()
      const back = new URL(o.experience?.return_url ?? `${url}/return`)
      back.searchParams.set('token', o.id)
      back.searchParams.set('PayerID', o.payer.payerId)
      return back.toString()
    },
    cancel(orderId) {
      const o = order(orderId)
      const back = new URL(o.experience?.cancel_url ?? `${url}/cancel`)
      back.searchParams.set('token', o.id)
      return back.toString()
    },
    voidOrder(orderId) {
      const o = order(orderId)
      o.status = 'VOIDED'
      o.updateTime = touch()
    },
    expireOrder(orderId) {
      fake.orders.delete(orderId)
    },
    tamperAmount(orderId, value) {
      const o = order(orderId)
      o.amount = { ...o.amount, value }
      o.updateTime = touch()
    },
    declineNextCapture() {
      declineNext = true
    },
    holdNextCapture(reason = 'PENDING_REVIEW') {
      holdNext = reason
    },
    preemptNextCapture() {
      preemptNext = true
    },
    settleCapture(captureId, status) {
      const capture = fake.captures.get(captureId)
      if (!capture || capture.status !== 'PENDING') throw new Error(`fake PayPal: capture ${captureId} is not pending`)
      capture.status = status
      capture.reason = undefined
      capture.updateTime = touch()
    },
    holdNextRefund() {
      holdNextRefund = true
    },
    expireTokens() {
      tokens.clear()
    },
    failNext(count, httpStatus = 503, endpoint = 'api') {
      for (let i = 0; i < count; i++) failures[endpoint].push(httpStatus)
    },
    hangNext(count, endpoint = 'api') {
      hangs[endpoint] += count
    },
    orderJson,
    captureJson,
    refundJson,
    event(type, resourceType, resource) {
      const id = `WH-${paypalId()}-${paypalId()}`
      return {
        id,
        event_version: '1.0',
        create_time: iso(),
        resource_type: resourceType,
        resource_version: '2.0',
        event_type: type,
        summary: `${type} event`,
        resource,
        links: [
          { href: `${url}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
          { href: `${url}/v1/notifications/webhooks-events/${id}/resend`, rel: 'resend', method: 'POST' },
        ],
      }
    },
    orderEvent(orderId, type = 'CHECKOUT.ORDER.APPROVED') {
      return fake.event(type, 'checkout-order', orderJson(orderId))
    },
    captureEvent(captureId, type) {
      const capture = fake.captures.get(captureId)
      if (!capture) throw new Error(`fake PayPal: no capture ${captureId}`)
      const byStatus: Record<string, string> = { PENDING: 'PAYMENT.CAPTURE.PENDING', DECLINED: 'PAYMENT.CAPTURE.DENIED' }
      const resource = { ...captureJson(captureId), supplementary_data: { related_ids: { order_id: capture.orderId } } }
      return fake.event(type ?? byStatus[capture.status] ?? 'PAYMENT.CAPTURE.COMPLETED', 'capture', resource)
    },
    refundEvent(refundId, type) {
      const refund = fake.refunds.get(refundId)
      if (!refund) throw new Error(`fake PayPal: no refund ${refundId}`)
      const byStatus: Record<string, string> = { PENDING: 'PAYMENT.REFUND.PENDING', FAILED: 'PAYMENT.REFUND.FAILED' }
      return fake.event(type ?? byStatus[refund.status] ?? 'PAYMENT.CAPTURE.REFUNDED', 'refund', refundJson(refundId))
    },
    signedWebhook(event, { transmissionTime = new Date(), webhookId: forWebhook = webhookId } = {}) {
      const rawBody = Buffer.from(JSON.stringify(event))
      const transmissionId = randomUUID()
      const time = transmissionTime.toISOString().replace(/\.\d{3}Z$/, 'Z')
      return {
        rawBody,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'PayPal/AUHD-214.0-58736738',
          'paypal-auth-algo': ALGO,
          'paypal-auth-version': 'v2',
          'paypal-cert-url': certUrl,
          'paypal-transmission-id': transmissionId,
          'paypal-transmission-time': time,
          'paypal-transmission-sig': sign(transmissionId, time, forWebhook, rawBody),
        },
      }
    },
    async webhook(target, event, options) {
      const { headers, rawBody } = fake.signedWebhook(event, options)
      return fetch(target, { method: 'POST', headers, body: rawBody })
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const path = new URL(req.url ?? '/', url).pathname
    const method = req.method ?? 'GET'
    const requestId = header(req, 'paypal-request-id')
    fake.requests.push({
      method,
      path,
      ...(requestId ? { requestId } : {}),
      ...(header(req, 'prefer') ? { prefer: header(req, 'prefer') } : {}),
    })
    if (method === 'GET' && path === '/checkoutnow') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      return void res.end('<!doctype html><title>Log in to your PayPal account</title><h1>PayPal (fake)</h1>')
    }
    const endpoint: FakePayPalEndpoint = path === '/v1/oauth2/token' ? 'token' : 'api'
    if (endpoint === 'token') tokenRequests++
    if (hangs[endpoint] > 0) {
      hangs[endpoint]--
      hanging.add(res)
      res.on('close', () => hanging.delete(res))
      return
    }
    const failure = failures[endpoint].shift()
    if (failure) {
      const name = failure >= 500 && failure !== 503 ? 'INTERNAL_SERVER_ERROR' : (NAME_FOR_STATUS[failure] ?? 'INTERNAL_SERVER_ERROR')
      return void paypalError(res, failure, name)
    }
    if (endpoint === 'token') return issueToken(req, res, raw)
    if (!authorized(req)) return void paypalError(res, 401, 'AUTHENTICATION_FAILURE')
    if (method === 'POST' && !(header(req, 'content-type') ?? '').startsWith('application/json')) {
      return void paypalError(res, 415, 'UNSUPPORTED_MEDIA_TYPE')
    }
    if (requestId !== undefined && requestId.length > 108) {
      return void paypalError(res, 400, 'INVALID_REQUEST', [
        { issue: 'INVALID_STRING_LENGTH', field: 'PayPal-Request-Id', location: 'header' },
      ])
    }
    let body: Record<string, unknown> = {}
    if (method === 'POST' && raw.trim()) {
      try {
        const parsed: unknown = JSON.parse(raw)
        if (!isObject(parsed)) throw new Error('not an object')
        body = parsed
      } catch {
        return void paypalError(res, 400, 'INVALID_REQUEST', [{ issue: 'MALFORMED_REQUEST_JSON', location: 'body' }])
      }
    }
    const representation = header(req, 'prefer') === 'return=representation'
    let match: RegExpExecArray | null
    if (method === 'POST' && path === '/v2/checkout/orders') return createOrder(res, body, requestId, representation)
    if (method === 'GET' && (match = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path))) {
      const found = fake.orders.get(decodeURIComponent(match[1]))
      if (!found) return void paypalError(res, 404, 'RESOURCE_NOT_FOUND', [{ issue: 'INVALID_RESOURCE_ID', location: 'path' }])
      return send(res, 200, orderJson(found.id))
    }
    if (method === 'POST' && (match = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path))) {
      return captureOrder(res, decodeURIComponent(match[1]), requestId, representation)
    }
    if (method === 'POST' && (match = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path))) {
      return refundCapture(res, decodeURIComponent(match[1]), body, requestId, representation)
    }
    if (method === 'GET' && (match = /^\/v2\/payments\/refunds\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(match[1])
      if (!fake.refunds.has(id))
        return void paypalError(res, 404, 'RESOURCE_NOT_FOUND', [{ issue: 'INVALID_RESOURCE_ID', location: 'path' }])
      return send(res, 200, refundJson(id))
    }
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') return verifySignature(res, raw, body)
    paypalError(res, 404, 'RESOURCE_NOT_FOUND', [{ issue: 'INVALID_RESOURCE_ID', location: 'path' }])
  }

  function header(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name]
    return Array.isArray(value) ? value[0] : value
  }

  function authorized(req: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(header(req, 'authorization') ?? '')
    const expiresAt = match ? tokens.get(match[1]) : undefined
    return expiresAt !== undefined && Date.now() < expiresAt
  }

  function issueToken(req: IncomingMessage, res: ServerResponse, raw: string) {
    if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request', error_description: 'Method not allowed' })
    const basic = /^Basic (\S+)$/.exec(header(req, 'authorization') ?? '')
    const [id, ...secret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : []
    if (id !== clientId || secret.join(':') !== clientSecret) {
      return send(res, 401, { error: 'invalid_client', error_description: 'Client Authentication failed' })
    }
    if (!(header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      return send(res, 415, { error: 'invalid_request', error_description: 'Unsupported content type' })
    }
    const grant = new URLSearchParams(raw).get('grant_type')
    if (grant !== 'client_credentials') {
      return send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: grant ? `Grant Type ${grant} is not supported` : 'Grant Type is NULL',
      })
    }
    const accessToken = `A21AA${randomBytes(48).toString('base64url')}`
    tokens.set(accessToken, Date.now() + lifetime * 1000)
    send(res, 200, {
      scope:
        'https://uri.paypal.com/services/payments/payment/authcapture https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/applications/webhooks',
      access_token: accessToken,
      token_type: 'Bearer',
      app_id: 'APP-80W284485P519543T',
      expires_in: lifetime,
      nonce: `${iso()}${randomBytes(16).toString('base64url')}`,
    })
  }

  /** Replays what the first request with this key produced; undefined for a new key. */
  function replay(res: ServerResponse, key: string | undefined, json: (id: string) => Record<string, unknown>): boolean {
    const stored = key ? idempotency.get(key) : undefined
    if (!stored) return false
    // A repeated key answers the resource's latest state (200), or the error the first request got.
    if ('id' in stored) send(res, 200, json(stored.id))
    else send(res, stored.status, stored.body)
    return true
  }

  function createOrder(res: ServerResponse, body: Record<string, unknown>, requestId: string | undefined, representation: boolean) {
    const key = requestId && `orders.create|${requestId}`
    if (replay(res, key, orderJson)) return
    const bad = (status: number, issue: string, field: string, value?: string) => {
      const name = status === 400 ? 'INVALID_REQUEST' : 'UNPROCESSABLE_ENTITY'
      paypalError(res, status, name, [{ issue, field, location: 'body', ...(value !== undefined ? { value } : {}) }])
    }
    if (body.intent === undefined) return bad(400, 'MISSING_REQUIRED_PARAMETER', '/intent')
    if (body.intent !== 'CAPTURE' && body.intent !== 'AUTHORIZE') return bad(400, 'INVALID_PARAMETER_VALUE', '/intent', String(body.intent))
    const units = body.purchase_units
    if (!Array.isArray(units)) return bad(400, 'MISSING_REQUIRED_PARAMETER', '/purchase_units')
    if (units.length === 0) return bad(400, 'INVALID_ARRAY_MIN_ITEMS', '/purchase_units')
    // PayPal takes up to 10 purchase units; this fake keeps one, which is all Caravan sends.
    if (units.length > 1) return bad(400, 'NOT_SUPPORTED', '/purchase_units/1')
    const unit = units[0] as Record<string, unknown>
    const at = (field: string) => `/purchase_units/@reference_id=='${String(unit?.reference_id ?? 'default')}'/${field}`
    if (!isObject(unit) || !isObject(unit.amount)) return bad(400, 'MISSING_REQUIRED_PARAMETER', at('amount'))
    const amount = unit.amount
    const currency = amount.currency_code
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
      return bad(400, 'INVALID_PARAMETER_SYNTAX', at('amount/currency_code'))
    if (!(currency in DECIMALS)) return bad(422, 'INVALID_CURRENCY_CODE', at('amount/currency_code'), currency)
    const minor = toMinor(amount.value, currency)
    if (typeof minor !== 'bigint') return bad(minor === 'DECIMAL_PRECISION' ? 422 : 400, minor, at('amount/value'), String(amount.value))
    if (minor <= 0n) return bad(422, 'CANNOT_BE_ZERO_OR_NEGATIVE', at('amount/value'), String(amount.value))
    for (const [field, max] of [
      ['reference_id', 256],
      ['custom_id', 127],
      ['description', 127],
      ['invoice_id', 127],
    ] as const) {
      const value = unit[field]
      if (value === undefined) continue
      if (typeof value !== 'string' || value.length < 1 || Array.from(value).length > max)
        return bad(400, 'INVALID_STRING_LENGTH', at(field))
    }
    const source = body.payment_source
    let experience: FakePayPalOrder['experience']
    let payerEmail: string | undefined
    if (source !== undefined) {
      if (!isObject(source) || !isObject(source.paypal)) return bad(400, 'INVALID_PARAMETER_VALUE', '/payment_source')
      const paypal = source.paypal
      if (paypal.email_address !== undefined) payerEmail = String(paypal.email_address)
      const context = paypal.experience_context
      if (context !== undefined) {
        if (!isObject(context)) return bad(400, 'INVALID_PARAMETER_VALUE', '/payment_source/paypal/experience_context')
        for (const field of ['return_url', 'cancel_url'] as const) {
          const value = context[field]
          if (value === undefined) continue
          if (typeof value !== 'string' || !URL.canParse(value))
            return bad(400, 'INVALID_PARAMETER_SYNTAX', `/payment_source/paypal/experience_context/${field}`)
        }
        if (context.user_action !== undefined && context.user_action !== 'CONTINUE' && context.user_action !== 'PAY_NOW') {
          return bad(400, 'INVALID_PARAMETER_VALUE', '/payment_source/paypal/experience_context/user_action', String(context.user_action))
        }
        if (context.locale !== undefined && (typeof context.locale !== 'string' || !LOCALE.test(context.locale))) {
          return bad(400, 'INVALID_PARAMETER_SYNTAX', '/payment_source/paypal/experience_context/locale', String(context.locale))
        }
        const shipping = context.shipping_preference
        if (shipping !== undefined && !['GET_FROM_FILE', 'NO_SHIPPING', 'SET_PROVIDED_ADDRESS'].includes(String(shipping))) {
          return bad(400, 'INVALID_PARAMETER_VALUE', '/payment_source/paypal/experience_context/shipping_preference', String(shipping))
        }
        experience = context as FakePayPalOrder['experience']
      }
    }
    const created: FakePayPalOrder = {
      id: paypalId(),
      intent: body.intent,
      // With a PayPal payment source the payer's next step is the payer-action link; without, the approve link.
      status: source !== undefined ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
      referenceId: typeof unit.reference_id === 'string' ? unit.reference_id : 'default',
      ...(typeof unit.custom_id === 'string' ? { customId: unit.custom_id } : {}),
      ...(typeof unit.description === 'string' ? { description: unit.description } : {}),
      amount: { currency_code: currency, value: String(amount.value) },
      ...(experience ? { experience } : {}),
      ...(payerEmail ? { payerEmail } : {}),
      captureIds: [],
      createTime: iso(),
      request: body,
    }
    fake.orders.set(created.id, created)
    if (key) idempotency.set(key, { id: created.id })
    const full = orderJson(created.id)
    send(res, 201, representation ? full : { id: full.id, status: full.status, payment_source: full.payment_source, links: full.links })
  }

  function captureOrder(res: ServerResponse, orderId: string, requestId: string | undefined, representation: boolean) {
    const key = requestId && `orders.capture|${orderId}|${requestId}`
    if (replay(res, key, orderJson)) return
    const refuse = (status: number, name: string, issue: string, links: Array<{ href: string; rel: string; method: string }> = []) => {
      const body = paypalError(res, status, name, [{ issue }], undefined, links)
      if (key && status === 422) idempotency.set(key, { status, body })
    }
    const o = fake.orders.get(orderId)
    if (!o) return refuse(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID')
    if (preemptNext && o.status === 'APPROVED') {
      preemptNext = false
      addCapture(o, 'COMPLETED')
    }
    if (o.status === 'COMPLETED') return refuse(422, 'UNPROCESSABLE_ENTITY', 'ORDER_ALREADY_CAPTURED')
    if (o.status !== 'APPROVED') return refuse(422, 'UNPROCESSABLE_ENTITY', 'ORDER_NOT_APPROVED')
    if (declineNext) {
      declineNext = false
      // The order stays approved; PayPal offers the payer a way back to pick another funding source.
      return refuse(422, 'UNPROCESSABLE_ENTITY', 'INSTRUMENT_DECLINED', [
        { href: `${url}/checkoutnow?token=${o.id}`, rel: 'redirect', method: 'GET' },
      ])
    }
    const status = holdNext ? 'PENDING' : 'COMPLETED'
    addCapture(o, status, holdNext)
    holdNext = undefined
    if (key) idempotency.set(key, { id: o.id })
    const full = orderJson(o.id)
    const minimal = {
      id: full.id,
      status: full.status,
      payment_source: full.payment_source,
      purchase_units: [{ reference_id: o.referenceId, payments: { captures: o.captureIds.map(captureJson) } }],
      payer: full.payer,
      links: full.links,
    }
    send(res, 201, representation ? full : minimal)
  }

  function addCapture(o: FakePayPalOrder, status: FakeCaptureStatus, reason?: string) {
    const time = touch()
    const capture: FakePayPalCapture = {
      id: paypalId(),
      orderId: o.id,
      status,
      ...(reason ? { reason } : {}),
      amount: { ...o.amount },
      ...(o.customId ? { customId: o.customId } : {}),
      createTime: time,
      updateTime: time,
    }
    fake.captures.set(capture.id, capture)
    o.captureIds.push(capture.id)
    // With intent CAPTURE the order completes when its capture is made, even a pending one.
    o.status = 'COMPLETED'
    o.updateTime = time
  }

  function refundCapture(
    res: ServerResponse,
    captureId: string,
    body: Record<string, unknown>,
    requestId: string | undefined,
    representation: boolean,
  ) {
    const key = requestId && `captures.refund|${captureId}|${requestId}`
    if (replay(res, key, refundJson)) return
    const refuse = (status: number, name: string, issue: string, field?: string) => {
      const answer = paypalError(res, status, name, [{ issue, ...(field ? { field, location: 'body' } : {}) }])
      if (key && status === 422) idempotency.set(key, { status, body: answer })
    }
    const capture = fake.captures.get(captureId)
    if (!capture) return refuse(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID')
    if (capture.status === 'PENDING') return refuse(422, 'UNPROCESSABLE_ENTITY', 'PENDING_CAPTURE')
    if (capture.status === 'DECLINED') return refuse(422, 'UNPROCESSABLE_ENTITY', 'REFUND_NOT_ALLOWED')
    const currency = capture.amount.currency_code
    const captured = toMinor(capture.amount.value, currency) as bigint
    const refunded = [...fake.refunds.values()]
      .filter((r) => r.captureId === captureId && r.status !== 'FAILED' && r.status !== 'CANCELLED')
      .reduce((sum, r) => sum + (toMinor(r.amount.value, currency) as bigint), 0n)
    const remaining = captured - refunded
    if (remaining <= 0n) return refuse(422, 'UNPROCESSABLE_ENTITY', 'CAPTURE_FULLY_REFUNDED')
    // No amount: the rest of the capture is refunded.
    let minor = remaining
    if (body.amount !== undefined) {
      if (!isObject(body.amount)) return refuse(400, 'INVALID_REQUEST', 'INVALID_PARAMETER_SYNTAX', '/amount')
      if (body.amount.currency_code === undefined)
        return refuse(400, 'INVALID_REQUEST', 'MISSING_REQUIRED_PARAMETER', '/amount/currency_code')
      if (body.amount.currency_code !== currency)
        return refuse(422, 'UNPROCESSABLE_ENTITY', 'REFUND_CAPTURE_CURRENCY_MISMATCH', '/amount/currency_code')
      const asked = toMinor(body.amount.value, currency)
      if (asked === 'INVALID_PARAMETER_SYNTAX') return refuse(400, 'INVALID_REQUEST', asked, '/amount/value')
      if (asked === 'DECIMAL_PRECISION') return refuse(422, 'UNPROCESSABLE_ENTITY', asked, '/amount/value')
      if (asked <= 0n) return refuse(422, 'UNPROCESSABLE_ENTITY', 'CANNOT_BE_ZERO_OR_NEGATIVE', '/amount/value')
      if (asked > remaining) return refuse(422, 'UNPROCESSABLE_ENTITY', 'REFUND_AMOUNT_EXCEEDED', '/amount/value')
      minor = asked
    }
    for (const [field, max] of [
      ['note_to_payer', 255],
      ['custom_id', 127],
      ['invoice_id', 127],
    ] as const) {
      const value = body[field]
      if (value !== undefined && (typeof value !== 'string' || value.length < 1 || Array.from(value).length > max)) {
        return refuse(400, 'INVALID_REQUEST', 'INVALID_STRING_LENGTH', `/${field}`)
      }
    }
    const refund: FakePayPalRefund = {
      id: paypalId(),
      captureId,
      status: holdNextRefund ? 'PENDING' : 'COMPLETED',
      ...(holdNextRefund ? { reason: 'ECHECK' } : {}),
      amount: { currency_code: currency, value: fromMinor(minor, currency) },
      ...(typeof body.note_to_payer === 'string' ? { noteToPayer: body.note_to_payer } : {}),
      ...(typeof body.custom_id === 'string' ? { customId: body.custom_id } : {}),
      ...(typeof body.invoice_id === 'string' ? { invoiceId: body.invoice_id } : {}),
      createTime: iso(),
    }
    holdNextRefund = false
    fake.refunds.set(refund.id, refund)
    if (key) idempotency.set(key, { id: refund.id })
    capture.status = minor === remaining ? 'REFUNDED' : 'PARTIALLY_REFUNDED'
    capture.updateTime = touch()
    const full = refundJson(refund.id)
    send(res, 201, representation ? full : { id: full.id, status: full.status, links: full.links })
  }

  function verifySignature(res: ServerResponse, raw: string, body: Record<string, unknown>) {
    const required = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id'] as const
    const missing: string[] = required.filter((field) => typeof body[field] !== 'string' || !body[field])
    if (!isObject(body.webhook_event)) missing.push('webhook_event')
    if (missing.length) {
      // Webhooks v1 answers validation errors in the v1 style.
      return send(res, 400, {
        name: 'VALIDATION_ERROR',
        message: MESSAGES.VALIDATION_ERROR,
        debug_id: randomBytes(7).toString('hex'),
        information_link: 'https://developer.paypal.com/docs/api/webhooks/#errors',
        details: missing.map((field) => ({ field, issue: 'Required field cannot be blank' })),
      })
    }
    const field = (name: (typeof required)[number]) => body[name] as string
    // The event's own bytes, as the caller sent them: a re-serialized event fails as it does at PayPal.
    const event = rawMember(raw, 'webhook_event') ?? ''
    const expected = Buffer.from(sign(field('transmission_id'), field('transmission_time'), field('webhook_id'), event))
    const given = Buffer.from(field('transmission_sig'))
    const ok =
      field('auth_algo') === ALGO &&
      field('cert_url') === certUrl &&
      field('webhook_id') === webhookId &&
      given.length === expected.length &&
      timingSafeEqual(given, expected)
    send(res, 200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' })
  }

  return fake
}
