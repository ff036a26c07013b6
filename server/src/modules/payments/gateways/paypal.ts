// PayPal over its REST API, as specified in paypal/paypal-rest-api-specifications and on
// developer.paypal.com:
// - OAuth2 client credentials: POST /v1/oauth2/token (Basic client id:secret) → a Bearer token,
//   cached until shortly before it expires; one request at a time; dropped and renewed once on a 401;
// - Orders v2: POST /v2/checkout/orders (intent CAPTURE, payment_source.paypal.experience_context),
//   GET /v2/checkout/orders/{id}, POST /v2/checkout/orders/{id}/capture;
// - Payments v2: POST /v2/payments/captures/{id}/refund;
// - Webhooks v1: POST /v1/notifications/verify-webhook-signature (PayPal checks its own signature).
// The payer approves the order at the `payer-action` link and PayPal sends them to return_url with
// ?token={order id}&PayerID=…, or to cancel_url with only ?token= (PayPal itself records no cancel).
// confirm captures an approved order; every POST carries PayPal-Request-Id so a retry never repeats it.
import { Type, type Static } from 'typebox'
import { formatAmount, isCurrency, parseAmount, type Currency } from '../../../core/money/currency'
import {
  createProviderHttp,
  errorKindForStatus,
  parseRetryAfter,
  ProviderError,
  redactor,
  truncate,
  type HttpAnswer,
  type ProviderErrorKind,
} from '../../../core/net/service-http'
import { checkGatewayConfig } from './config'
import {
  WebhookRejected,
  type Gateway,
  type GatewayContext,
  type GatewayEvent,
  type GatewayRefundResult,
  type GatewayVerdict,
} from './types'

export const paypalConfigSchema = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 256, description: 'REST app client id (Developer Dashboard → Apps & Credentials)' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 256, description: 'REST app secret' }),
    // Without it webhooks are refused: PayPal verifies a signature only against a webhook id.
    webhookId: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9]+$', maxLength: 50, description: 'The id PayPal gave the webhook that points at Caravan' }),
    ),
    baseUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        maxLength: 2048,
        description: 'https://api-m.paypal.com (default) or https://api-m.sandbox.paypal.com',
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  },
  { additionalProperties: false },
)

export const paypalSecretFields = ['clientSecret']

export type PaypalConfig = Static<typeof paypalConfigSchema> & {
  /** Clock in ms, for token expiry and webhook freshness (tests move it); not an admin setting. */
  now?: () => number
}

const DEFAULT_BASE_URL = 'https://api-m.paypal.com'
const CURRENCIES: readonly Currency[] = ['USD', 'EUR']
// Renew this long before expiry, so a token never runs out between our check and PayPal's.
const REFRESH_MARGIN_MS = 5 * 60_000
// A delivery whose signed transmission time is older than this is refused before asking PayPal:
// a captured request cannot be replayed later. PayPal's first delivery arrives within minutes;
// anything missed is picked up by confirm on the return page or by reconciliation.
const MAX_WEBHOOK_AGE_MS = 60 * 60_000
const MAX_CLOCK_SKEW_MS = 5 * 60_000
const WEBHOOK_HEADERS = [
  'paypal-auth-algo',
  'paypal-cert-url',
  'paypal-transmission-id',
  'paypal-transmission-sig',
  'paypal-transmission-time',
] as const
// Field limits of the Orders v2 / Payments v2 schemas.
const MAX_DESCRIPTION = 127
const MAX_NOTE_TO_PAYER = 255
const MAX_REQUEST_ID = 108

// Capture refusals after which the order is still payable: the payer's funding source was declined
// and PayPal's guidance (docs/checkout/standard/customize/handle-funding-failures) is to send the
// payer back to choose another one — the same approval link works. So the attempt stays pending
// with the reason instead of failing; the next confirm after the payer re-approves captures it.
const PAYER_CAN_RETRY = new Set([
  'INSTRUMENT_DECLINED',
  'REDIRECT_PAYER_FOR_ALTERNATE_FUNDING',
  'PAYER_ACTION_REQUIRED',
  'ORDER_NOT_APPROVED',
])
// Another capture of this order is running (ours from another node, or a retry): its result will show.
const CAPTURE_IN_PROGRESS = new Set(['ORDER_COMPLETION_IN_PROGRESS', 'PREVIOUS_REQUEST_IN_PROGRESS'])
// Capture states in which the money was collected (later refunds do not undo the payment).
const CAPTURED = new Set(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED'])

interface PayPalLink {
  href?: string
  rel?: string
}
interface PayPalMoney {
  currency_code?: string
  value?: string
}
interface PayPalCapture {
  id?: string
  status?: string
  status_details?: { reason?: string }
  amount?: PayPalMoney
  supplementary_data?: { related_ids?: { order_id?: string } }
}
interface PayPalOrder {
  id?: string
  status?: string
  update_time?: string
  purchase_units?: Array<{ payments?: { captures?: PayPalCapture[] } }>
  links?: PayPalLink[]
}
interface PayPalRefund {
  id?: string
  status?: string
  status_details?: { reason?: string }
}
/** v2 errors ({name, message, debug_id, details}) and OAuth errors ({error, error_description}). */
interface PayPalError {
  name?: string
  message?: string
  debug_id?: string
  details?: Array<{ field?: string; issue?: string; description?: string }>
  error?: string
  error_description?: string
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const clip = (text: string, max: number) => Array.from(text).slice(0, max).join('')
const errorBody = (answer: HttpAnswer): PayPalError => (isObject(answer.json) ? (answer.json as PayPalError) : {})
const issueOf = (answer: HttpAnswer): string | undefined => errorBody(answer).details?.[0]?.issue ?? errorBody(answer).name

/** "ISSUE: description" from an error answer, for a verdict's reason. */
function reasonOf(answer: HttpAnswer): string {
  const body = errorBody(answer)
  const detail = body.details?.[0]
  return truncate(
    `${detail?.issue ?? body.name ?? `HTTP ${answer.status}`}: ${detail?.description ?? body.message ?? ''}`.replace(/: $/, ''),
  )
}

export function createPaypalGateway(paypalConfig: PaypalConfig, context: GatewayContext = {}): Gateway {
  const { now = Date.now, ...config } = paypalConfig
  checkGatewayConfig(paypalConfigSchema, config, 'PayPal')
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const apiHost = URL.canParse(baseUrl) ? new URL(baseUrl).host : undefined
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')
  // The Basic value is the secret in another form: scrubbed like the secret itself.
  const http = createProviderHttp({
    service: 'PayPal',
    timeoutMs: config.timeoutMs ?? context.timeoutMs,
    secrets: [config.clientSecret, basic],
    fetch: context.fetch,
  })

  let cached: { token: string; expiresAt: number } | undefined
  let pending: Promise<string> | undefined

  /** A redacted ProviderError that also names no access token we hold. */
  function fail(kind: ProviderErrorKind, message: string, details: ProviderError['details'] = {}): ProviderError {
    return http.error(kind, redactor([cached?.token])(message), details)
  }

  function apiError(what: string, answer: HttpAnswer): ProviderError {
    const body = errorBody(answer)
    const issue = body.details?.[0]?.issue
    const name = body.name ?? body.error
    // 409: a request with this PayPal-Request-Id is still running; it is worth asking again later.
    const kind: ProviderErrorKind = answer.ok || answer.status === 409 ? 'transient' : errorKindForStatus(answer.status)
    const label = [name, issue].filter(Boolean).join(' ')
    const why = body.details?.[0]?.description ?? body.message ?? body.error_description
    const debug = body.debug_id ? ` (debug_id ${body.debug_id})` : ''
    const retryAfterSeconds = kind === 'transient' ? parseRetryAfter(answer.headers.get('retry-after')) : undefined
    return fail(kind, `PayPal ${what}: HTTP ${answer.status}${label ? ` ${label}` : ''}${why ? `: ${truncate(why)}` : ''}${debug}`, {
      code: issue ?? name ?? answer.status,
      httpStatus: answer.status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    })
  }

  /** Runs a request whose transport errors (which may repeat what was sent) must not name `token`. */
  async function withoutToken<T>(token: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (e) {
      if (e instanceof ProviderError) throw new ProviderError(e.kind, redactor([token])(e.message), e.details)
      throw e
    }
  }

  async function accessToken(): Promise<string> {
    if (cached && now() < cached.expiresAt) return cached.token
    // Calls that find the cache empty at the same moment share one token request.
    pending ??= requestToken()
      .then((fresh) => {
        cached = fresh
        return fresh.token
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }

  async function requestToken(): Promise<{ token: string; expiresAt: number }> {
    const answer = await http.request(`${baseUrl}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials',
    })
    const body = (isObject(answer.json) ? answer.json : {}) as { access_token?: unknown; expires_in?: unknown }
    if (answer.status === 200 && typeof body.access_token === 'string' && body.access_token) {
      const lifetimeMs = (Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600) * 1000
      return { token: body.access_token, expiresAt: now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) }
    }
    if (answer.status === 401) {
      // invalid_client: a wrong id or secret, or sandbox credentials sent to live (or the reverse).
      const error = apiError('refused the client credentials', answer)
      throw fail(
        'permanent',
        `${error.message}; check clientId/clientSecret and that baseUrl (${baseUrl}) is the environment they belong to`,
        error.details,
      )
    }
    if (answer.status === 200) throw fail('transient', 'PayPal answered the token request without an access_token', { httpStatus: 200 })
    throw apiError('token request failed', answer)
  }

  /** One API call with a Bearer token; a 401 drops the token and tries once more with a new one. */
  async function call(method: 'GET' | 'POST', path: string, options: { body?: string; requestId?: string } = {}): Promise<HttpAnswer> {
    const send = (token: string) =>
      withoutToken(token, () =>
        http.request(`${baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(method === 'POST' ? { 'content-type': 'application/json', prefer: 'return=representation' } : {}),
            ...(options.requestId ? { 'paypal-request-id': clip(options.requestId, MAX_REQUEST_ID) } : {}),
          },
          body: options.body,
        }),
      )
    const token = await accessToken()
    const answer = await send(token)
    if (answer.status !== 401) return answer
    // Revoked or expired early. Only the first call to see it drops it, so others share the renewal.
    if (cached?.token === token) cached = undefined
    return send(await accessToken())
  }

  /** The order, or undefined when PayPal does not know it (404). */
  async function getOrder(id: string): Promise<PayPalOrder | undefined> {
    const answer = await call('GET', `/v2/checkout/orders/${encodeURIComponent(id)}`)
    if (answer.status === 404) return undefined
    if (answer.status !== 200 || !isObject(answer.json)) throw apiError('order look-up failed', answer)
    return answer.json as PayPalOrder
  }

  function succeeded(capture: PayPalCapture): GatewayVerdict {
    const code = capture.amount?.currency_code ?? ''
    const value = capture.amount?.value ?? ''
    let amount: bigint | undefined
    try {
      amount = isCurrency(code) ? parseAmount(value, code) : undefined
    } catch {
      amount = undefined
    }
    // Money moved but we cannot say how much: report nothing rather than an unchecked success.
    if (!capture.id || amount === undefined || !isCurrency(code)) {
      throw fail('transient', `PayPal reported capture ${capture.id ?? '(no id)'} with an amount Caravan cannot read: ${value} ${code}`)
    }
    return { status: 'succeeded', amount, currency: code, captureId: capture.id, receipt: { transactionId: capture.id } }
  }

  /** The verdict a capture carries. Order COMPLETED says only that capturing ended; the capture says how. */
  function captureVerdict(capture: PayPalCapture): GatewayVerdict {
    const why = capture.status_details?.reason ? `: ${capture.status_details.reason}` : ''
    if (CAPTURED.has(capture.status ?? '')) return succeeded(capture)
    if (capture.status === 'PENDING') return { status: 'pending', captureId: capture.id, reason: `capture PENDING${why}` }
    return { status: 'failed', reason: `capture ${capture.status ?? 'without a status'}${why}` }
  }

  function orderVerdict(order: PayPalOrder): GatewayVerdict {
    const captures = (order.purchase_units ?? []).flatMap((unit) => unit.payments?.captures ?? [])
    // A declined capture may precede the one that went through: the money counts first.
    const capture = captures.find((c) => CAPTURED.has(c.status ?? '')) ?? captures.find((c) => c.status === 'PENDING') ?? captures.at(-1)
    if (!capture) return { status: 'pending', reason: `order ${order.status ?? 'without a status'} has no capture yet` }
    return captureVerdict(capture)
  }

  async function capture(order: PayPalOrder & { id: string }): Promise<GatewayVerdict> {
    // One key per approval: a retry after a timeout repeats nothing, while a payer who approves
    // again after a declined funding source (update_time moves) gets a fresh capture instead of
    // PayPal answering the stored decline again.
    const requestId = `capture-${order.id}${order.update_time ? `-${order.update_time}` : ''}`
    const answer = await call('POST', `/v2/checkout/orders/${encodeURIComponent(order.id)}/capture`, { requestId })
    if ((answer.status === 200 || answer.status === 201) && isObject(answer.json)) return orderVerdict(answer.json as PayPalOrder)
    const issue = issueOf(answer) ?? ''
    if (answer.status === 422 && issue === 'ORDER_ALREADY_CAPTURED') {
      // Someone captured between our look-up and our capture: the order says how it went.
      const again = await getOrder(order.id)
      return again?.status === 'COMPLETED' ? orderVerdict(again) : { status: 'pending', reason: reasonOf(answer) }
    }
    if ((answer.status === 422 || answer.status === 409) && (PAYER_CAN_RETRY.has(issue) || CAPTURE_IN_PROGRESS.has(issue))) {
      return { status: 'pending', reason: reasonOf(answer) }
    }
    // Any other business refusal (PAYER_CANNOT_PAY, TRANSACTION_REFUSED, MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED …) is final.
    if (answer.status === 422) return { status: 'failed', reason: reasonOf(answer) }
    throw apiError(`capture of order ${order.id} failed`, answer)
  }

  function refundResult(refund: PayPalRefund): GatewayRefundResult {
    const gatewayRefundId = refund.id ?? ''
    const why = refund.status_details?.reason ? `: ${refund.status_details.reason}` : ''
    if (refund.status === 'COMPLETED') return { status: 'succeeded', gatewayRefundId }
    if (refund.status === 'FAILED' || refund.status === 'CANCELLED') {
      return { status: 'failed', gatewayRefundId, reason: `refund ${refund.status}${why}` }
    }
    return { status: 'pending', gatewayRefundId, ...(why ? { reason: `refund ${refund.status}${why}` } : {}) }
  }

  async function verifySignature(headers: Record<(typeof WEBHOOK_HEADERS)[number], string>, rawEvent: string, webhookId: string) {
    // The event goes back byte for byte: PayPal's check covers the body as it was sent, and
    // re-serializing it (key order, number forms, escapes) could fail a genuine delivery.
    const fields = JSON.stringify({
      auth_algo: headers['paypal-auth-algo'],
      cert_url: headers['paypal-cert-url'],
      transmission_id: headers['paypal-transmission-id'],
      transmission_sig: headers['paypal-transmission-sig'],
      transmission_time: headers['paypal-transmission-time'],
      webhook_id: webhookId,
    })
    const answer = await call('POST', '/v1/notifications/verify-webhook-signature', {
      body: `${fields.slice(0, -1)},"webhook_event":${rawEvent}}`,
    })
    if (answer.status === 200) {
      const status = isObject(answer.json) ? answer.json.verification_status : undefined
      if (status !== 'SUCCESS') throw new WebhookRejected(`PayPal did not verify the webhook signature (${String(status ?? 'no status')})`)
      return
    }
    // PayPal refused the request itself (a malformed header value): not a delivery we can trust.
    if (answer.status === 400 || answer.status === 404 || answer.status === 422) {
      throw new WebhookRejected(`PayPal refused to verify the webhook: ${reasonOf(answer)}`)
    }
    throw apiError('webhook signature verification failed', answer)
  }

  /** cert_url is PayPal's (or the configured API host's, e.g. a test double): never one a sender picked. */
  function trustedCertUrl(certUrl: string): boolean {
    let url: URL
    try {
      url = new URL(certUrl)
    } catch {
      return false
    }
    if (url.host === apiHost) return true
    return url.protocol === 'https:' && (url.hostname === 'paypal.com' || url.hostname.endsWith('.paypal.com'))
  }

  return {
    name: 'paypal',
    currencies: CURRENCIES,
    // Refunds carry PayPal-Request-Id = our refund id, so a retry returns the first refund (PayPal
    // keeps the key 6 hours by default: retries come well within that).
    refundRetrySafe: true,

    async create(charge) {
      if (!CURRENCIES.includes(charge.currency)) {
        throw fail('permanent', `PayPal is not set up for ${charge.currency} here (only ${CURRENCIES.join(', ')})`)
      }
      const description = clip(charge.description.trim(), MAX_DESCRIPTION)
      const body = {
        intent: 'CAPTURE',
        purchase_units: [
          {
            reference_id: charge.paymentId,
            custom_id: charge.attemptId,
            ...(description ? { description } : {}),
            amount: { currency_code: charge.currency, value: formatAmount(charge.amount, charge.currency) },
          },
        ],
        payment_source: {
          paypal: {
            ...(charge.payer?.email ? { email_address: charge.payer.email } : {}),
            experience_context: {
              return_url: charge.returnUrl,
              cancel_url: charge.cancelUrl,
              // The payer pays on PayPal's page; there is no review step on ours.
              user_action: 'PAY_NOW',
              // Nothing Caravan charges for is shipped: PayPal should not ask for an address.
              shipping_preference: 'NO_SHIPPING',
              // PayPal has no Persian pages; without a locale it picks one from the payer's browser.
              ...(charge.locale === 'en' ? { locale: 'en-US' } : {}),
            },
          },
        },
      }
      const answer = await call('POST', '/v2/checkout/orders', { body: JSON.stringify(body), requestId: charge.attemptId })
      if (answer.status !== 200 && answer.status !== 201) throw apiError('refused to create the order', answer)
      const order = (isObject(answer.json) ? answer.json : {}) as PayPalOrder
      const link = order.links?.find((l) => l.rel === 'payer-action') ?? order.links?.find((l) => l.rel === 'approve')
      if (!order.id || !link?.href) {
        throw fail('transient', `PayPal created an order without an id or an approval link (HTTP ${answer.status})`)
      }
      return { reference: order.id, redirectUrl: link.href }
    },

    async confirm({ reference, returned }) {
      const order = await getOrder(reference)
      // Orders the payer never finished expire at PayPal and are then unknown: nothing can capture them.
      if (!order) {
        return { status: 'failed', reason: 'RESOURCE_NOT_FOUND: PayPal has no such order (expired, or made with other credentials)' }
      }
      switch (order.status) {
        case 'COMPLETED':
          return orderVerdict(order)
        case 'APPROVED':
          return capture({ ...order, id: order.id ?? reference })
        case 'VOIDED':
          return { status: 'canceled', reason: 'order VOIDED' }
        case 'CREATED':
        case 'SAVED':
        case 'PAYER_ACTION_REQUIRED':
          // PayPal records no cancel: it only sends the payer to cancel_url with ?token=. A payer back
          // on our pages without approving (no PayerID) has left PayPal's page.
          if (returned && !returned.PayerID) return { status: 'canceled', reason: 'The payer left PayPal without approving the payment' }
          return { status: 'pending' }
        default:
          return { status: 'pending', reason: `order ${order.status ?? 'without a status'}` }
      }
    },

    async refundStatus(gatewayRefundId) {
      const answer = await call('GET', `/v2/payments/refunds/${encodeURIComponent(gatewayRefundId)}`, {})
      if (answer.status === 200 && isObject(answer.json) && typeof answer.json.id === 'string')
        return refundResult(answer.json as PayPalRefund)
      throw apiError(`look-up of refund ${gatewayRefundId} failed`, answer)
    },

    async refund(request) {
      if (!CURRENCIES.includes(request.currency)) throw fail('permanent', `PayPal cannot refund in ${request.currency} here`)
      let captureId = request.captureId
      if (!captureId) {
        const order = await getOrder(request.reference)
        const verdict = order ? orderVerdict(order) : undefined
        if (verdict?.status !== 'succeeded' || !verdict.captureId) {
          throw fail('permanent', `PayPal order ${request.reference} has no completed capture to refund`)
        }
        captureId = verdict.captureId
      }
      const body = {
        amount: { value: formatAmount(request.amount, request.currency), currency_code: request.currency },
        ...(request.reason?.trim() ? { note_to_payer: clip(request.reason.trim(), MAX_NOTE_TO_PAYER) } : {}),
        // Our refund id in PayPal's reports, where it allows the characters.
        ...(/^[A-Za-z0-9-_.,]{1,127}$/.test(request.refundId) ? { custom_id: request.refundId } : {}),
      }
      const answer = await call('POST', `/v2/payments/captures/${encodeURIComponent(captureId)}/refund`, {
        body: JSON.stringify(body),
        requestId: request.refundId,
      })
      if ((answer.status === 200 || answer.status === 201) && isObject(answer.json) && typeof answer.json.id === 'string') {
        return refundResult(answer.json as PayPalRefund)
      }
      // A pending capture (eCheck) can be refunded once it clears.
      if (answer.status === 422 && issueOf(answer) === 'PENDING_CAPTURE') {
        const error = apiError(`refused the refund of capture ${captureId}`, answer)
        throw fail('transient', error.message, error.details)
      }
      // REFUND_AMOUNT_EXCEEDED, CAPTURE_FULLY_REFUNDED, REFUND_TIME_LIMIT_EXCEEDED … are permanent (4xx).
      throw apiError(
        answer.ok ? `answered the refund of capture ${captureId} without a refund id` : `refused the refund of capture ${captureId}`,
        answer,
      )
    },

    async parseWebhook({ headers, rawBody }): Promise<GatewayEvent> {
      if (!config.webhookId) throw new WebhookRejected('PayPal webhooks cannot be verified: no webhookId is configured')
      const signed = {} as Record<(typeof WEBHOOK_HEADERS)[number], string>
      for (const name of WEBHOOK_HEADERS) {
        const value = headers[name]?.trim()
        if (!value) throw new WebhookRejected(`PayPal webhook without the ${name} header`)
        signed[name] = value
      }
      const text = rawBody.toString('utf8')
      let event: unknown
      try {
        event = JSON.parse(text)
      } catch {
        throw new WebhookRejected('PayPal webhook body is not JSON')
      }
      if (!isObject(event) || typeof event.id !== 'string' || typeof event.event_type !== 'string') {
        throw new WebhookRejected('PayPal webhook body is not an event (id, event_type)')
      }
      const sentAt = Date.parse(signed['paypal-transmission-time'])
      if (Number.isNaN(sentAt)) throw new WebhookRejected('PayPal webhook transmission time is not a date')
      if (now() - sentAt > MAX_WEBHOOK_AGE_MS || sentAt - now() > MAX_CLOCK_SKEW_MS) {
        throw new WebhookRejected(`PayPal webhook transmission time ${signed['paypal-transmission-time']} is stale or in the future`)
      }
      if (!trustedCertUrl(signed['paypal-cert-url'])) throw new WebhookRejected('PayPal webhook certificate URL is not PayPal’s')
      await verifySignature(signed, text, config.webhookId)
      return readEvent(event.id, event.event_type, isObject(event.resource) ? event.resource : {})
    },
  }

  /** The event in our terms; a verdict it carries is a hint (the service confirms before moving a payment). */
  function readEvent(eventId: string, type: string, resource: Record<string, unknown>): GatewayEvent {
    const hint = (read: () => GatewayVerdict): GatewayVerdict | undefined => {
      try {
        return read()
      } catch {
        return undefined
      }
    }
    const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
    switch (type) {
      case 'CHECKOUT.ORDER.APPROVED':
        // Approved is not paid: confirm captures it.
        return { eventId, type, kind: 'payment', reference: str(resource.id), verdict: { status: 'pending' } }
      case 'CHECKOUT.ORDER.COMPLETED':
        return { eventId, type, kind: 'payment', reference: str(resource.id), verdict: hint(() => orderVerdict(resource as PayPalOrder)) }
      case 'CHECKOUT.PAYMENT-APPROVAL.REVERSED':
        // PayPal undid an approval that was not captured in time: the order will not be paid.
        return {
          eventId,
          type,
          kind: 'payment',
          reference: str(resource.order_id),
          verdict: { status: 'failed', reason: 'PayPal reversed the approval before capture' },
        }
      case 'PAYMENT.CAPTURE.COMPLETED':
      case 'PAYMENT.CAPTURE.PENDING':
      case 'PAYMENT.CAPTURE.DENIED':
      case 'PAYMENT.CAPTURE.DECLINED': {
        const captureResource = resource as PayPalCapture
        return {
          eventId,
          type,
          kind: 'payment',
          reference: str(captureResource.supplementary_data?.related_ids?.order_id),
          verdict: hint(() => captureVerdict(captureResource)),
        }
      }
    }
    if (type === 'PAYMENT.CAPTURE.REFUNDED' || type.startsWith('PAYMENT.REFUND.')) {
      // The resource is the refund itself, with the id our refund call returned.
      const result = refundResult(resource as PayPalRefund)
      return { eventId, type, kind: 'refund', gatewayRefundId: str(resource.id), refundStatus: result.status }
    }
    return { eventId, type, kind: 'other' }
  }
}
