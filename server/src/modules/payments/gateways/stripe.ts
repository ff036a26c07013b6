// Stripe through its official SDK (stripe-node 23.2.0, which pins API version 2026-11-18.endive):
// - create: a hosted Checkout Session in payment mode, POST /v1/checkout/sessions (Idempotency-Key = attempt id);
// - confirm: GET /v1/checkout/sessions/:id?expand[]=payment_intent.latest_charge — the session, never the return URL,
//   says what was paid (the charge gives the card's fingerprint for the fraud checks);
// - refund: POST /v1/refunds against the session's PaymentIntent (Idempotency-Key = refund id);
// - webhooks: Stripe-Signature (t=…,v1=HMAC-SHA256 of "t.body" with the endpoint's whsec_ secret), 300 s tolerance.
// The SDK sends through core/net's provider HTTP helper (one deadline for answer and body, capped body,
// no redirects, the context's fetch) and never retries: routing falls back to the next gateway instead.
import Stripe from 'stripe'
import { Type } from 'typebox'
import { AppError } from '../../../core/http/errors'
import { isCurrency, type Currency } from '../../../core/money/currency'
import {
  createProviderHttp,
  DEFAULT_TIMEOUT_MS,
  errorKindForStatus,
  parseRetryAfter,
  ProviderError,
  truncate,
} from '../../../core/net/service-http'
import { checkGatewayConfig } from './config'
import {
  WebhookRejected,
  type Gateway,
  type GatewayContext,
  type GatewayEvent,
  type GatewayRefundRequest,
  type GatewayRefundResult,
  type GatewayVerdict,
} from './types'

export const stripeConfigSchema = Type.Object(
  {
    secretKey: Type.String({
      pattern: '^(sk|rk)_(test|live)_[0-9A-Za-z]+$',
      maxLength: 255,
      description: 'Secret key (sk_test_…/sk_live_…) or a restricted key (rk_…) allowed Checkout Sessions and Refunds',
    }),
    webhookSecret: Type.Optional(
      Type.String({
        pattern: '^whsec_[0-9A-Za-z+/=_-]+$',
        maxLength: 255,
        description: 'Signing secret of the webhook endpoint (whsec_…)',
      }),
    ),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048, description: 'Default https://api.stripe.com' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
  },
  { additionalProperties: false },
)

export const stripeSecretFields = ['secretKey', 'webhookSecret']

export interface StripeConfig {
  secretKey: string
  /** Without it every webhook is refused (confirm on the return page and reconciliation still work). */
  webhookSecret?: string
  /** Where the API is; the SDK takes it as host, port and protocol. */
  baseUrl?: string
  timeoutMs?: number
}

const DEFAULT_BASE_URL = 'https://api.stripe.com'
const CURRENCIES: readonly Currency[] = ['USD', 'EUR']
/** Stripe's own default: older signatures are replays. */
const WEBHOOK_TOLERANCE_SECONDS = 300
/** Stripe's limit on a metadata value. */
const METADATA_VALUE_MAX = 500

type RefundReason = Stripe.RefundCreateParams.Reason

export function createStripeGateway(config: StripeConfig, context: GatewayContext = {}): Gateway {
  checkGatewayConfig(stripeConfigSchema, config, 'Stripe')
  const endpoint = parseBaseUrl(config.baseUrl ?? DEFAULT_BASE_URL)
  const timeoutMs = config.timeoutMs ?? context.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const http = createProviderHttp({ service: 'Stripe', timeoutMs, secrets: [config.secretKey, config.webhookSecret], fetch: context.fetch })

  // The SDK's fetch: the helper makes the call and reads the body; the SDK gets a Response back to
  // parse. An error page that is not Stripe's JSON (a proxy's 502) becomes our error here, with its status.
  async function viaHelper(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const answer = await http.request(String(input), init ?? {})
    if (!answer.ok && answer.json === undefined) {
      const kind = errorKindForStatus(answer.status)
      throw http.error(kind, `Stripe answered HTTP ${answer.status} without a Stripe error`, {
        httpStatus: answer.status,
        ...retryAfter(kind, answer.headers.get('retry-after')),
      })
    }
    return new Response(answer.text === '' ? null : answer.text, { status: answer.status, headers: answer.headers })
  }

  const stripe = new Stripe(config.secretKey, {
    ...endpoint,
    maxNetworkRetries: 0,
    timeout: timeoutMs,
    httpClient: Stripe.createFetchHttpClient(viaHelper),
    // No telemetry: it would write an id file under the server user's home and send platform details.
    telemetry: false,
    appInfo: { name: 'Caravan' },
  })

  /** Runs one SDK call; every failure comes out as a redacted ProviderError. */
  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (e) {
      throw toProviderError(e, action)
    }
  }

  function toProviderError(e: unknown, action: string): ProviderError {
    if (e instanceof ProviderError) return e
    if (e instanceof Stripe.errors.StripeConnectionError) {
      // The helper's error (timeout, refused connection, an error page) is the detail, already redacted.
      const cause = e.detail instanceof ProviderError ? e.detail : undefined
      return http.error(cause?.kind ?? 'transient', `Stripe ${action}: ${cause?.message ?? e.message}`, cause?.details ?? {})
    }
    if (e instanceof Stripe.errors.StripeError) {
      const status = e.statusCode
      // StripeAPIError: Stripe's own failure (5xx, 409 lock or in-flight idempotent request, unreadable answer).
      const transient =
        e instanceof Stripe.errors.StripeAPIError ||
        e instanceof Stripe.errors.StripeRateLimitError ||
        (status !== undefined && errorKindForStatus(status) === 'transient')
      const kind = transient ? 'transient' : 'permanent'
      const code = e.code ?? e.rawType
      const header = e.headers?.['retry-after']
      const verb = transient ? 'failed' : 'refused'
      return http.error(kind, `Stripe ${action} ${verb}${status ? ` (HTTP ${status}${code ? ` ${code}` : ''})` : ''}: ${e.message}`, {
        ...(code ? { code } : {}),
        ...(status ? { httpStatus: status } : {}),
        ...retryAfter(kind, typeof header === 'string' ? header : undefined),
      })
    }
    return http.error('permanent', `Stripe ${action} failed: ${(e as Error)?.message ?? String(e)}`)
  }

  async function retrieveSession(reference: string): Promise<Stripe.Checkout.Session> {
    return call('checkout.sessions.retrieve', () =>
      stripe.checkout.sessions.retrieve(reference, { expand: ['payment_intent.latest_charge'] }),
    )
  }

  return {
    name: 'stripe',
    currencies: CURRENCIES,
    // The refund id is the Idempotency-Key: a resend answers the first refund (Stripe keeps keys at least 24 h).
    refundRetrySafe: true,

    async create(charge) {
      if (!CURRENCIES.includes(charge.currency))
        throw new ProviderError('permanent', `Stripe: this gateway does not charge in ${charge.currency}`)
      const metadata = { paymentId: charge.paymentId, attemptId: charge.attemptId }
      const session = await call('checkout.sessions.create', () =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: charge.currency.toLowerCase(),
                  unit_amount: stripeAmount(charge.amount),
                  product_data: { name: charge.description },
                },
              },
            ],
            // The return page confirms with Stripe; nothing in this URL is read as proof of payment.
            success_url: charge.returnUrl,
            cancel_url: charge.cancelUrl,
            client_reference_id: charge.paymentId,
            metadata,
            // On the PaymentIntent too: Stripe's payment and refund pages then link back to the payment.
            payment_intent_data: { metadata },
            // Stripe's Checkout has no Persian; auto picks the payer's browser language.
            ...(charge.locale ? { locale: charge.locale === 'en' ? 'en' : 'auto' } : {}),
            ...(charge.payer?.email ? { customer_email: charge.payer.email } : {}),
          },
          // A retried create returns the same session instead of opening a second one.
          { idempotencyKey: charge.attemptId },
        ),
      )
      if (!session.url) throw http.error('permanent', `Stripe created Checkout Session ${session.id} without a URL to send the payer to`)
      return { reference: session.id, redirectUrl: session.url }
    },

    // `returned` (e.g. a session_id the browser brings back) is never read: the session itself is asked.
    async confirm({ reference }) {
      return verdictOf(await retrieveSession(reference))
    },

    async cancel(reference) {
      await call('checkout.sessions.expire', () => stripe.checkout.sessions.expire(reference))
    },

    async refundStatus(gatewayRefundId) {
      const refund = await call('refunds.retrieve', () => stripe.refunds.retrieve(gatewayRefundId))
      return { ...refundStatusOf(refund), gatewayRefundId: refund.id }
    },

    async refund(request: GatewayRefundRequest): Promise<GatewayRefundResult> {
      const paymentIntent = request.captureId ?? intentIdOf(await retrieveSession(request.reference))
      if (!paymentIntent) throw new ProviderError('permanent', `Stripe: Checkout Session ${request.reference} has no payment to refund`)
      const reason = refundReason(request.reason)
      const refund = await call('refunds.create', () =>
        stripe.refunds.create(
          {
            payment_intent: paymentIntent,
            amount: stripeAmount(request.amount),
            ...(reason ? { reason } : {}),
            // Our words stay with the refund on Stripe's side; its reason field takes three values only.
            metadata: {
              refundId: request.refundId,
              ...(request.reason ? { reason: truncate(request.reason, METADATA_VALUE_MAX - 1) } : {}),
            },
          },
          { idempotencyKey: request.refundId },
        ),
      )
      return { ...refundStatusOf(refund), gatewayRefundId: refund.id }
    },

    async parseWebhook({ headers, rawBody }) {
      if (!config.webhookSecret) throw new WebhookRejected('Stripe webhook refused: no webhook signing secret (whsec_…) is configured')
      const signature = headers['stripe-signature']
      if (!signature) throw new WebhookRejected('Stripe webhook refused: no Stripe-Signature header')
      let event: Stripe.Event
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, config.webhookSecret, WEBHOOK_TOLERANCE_SECONDS)
      } catch (e) {
        // The SDK's texts can quote parts of the secret and whatever the sender put in the header.
        const why = http.redact(String((e as Error)?.message ?? e).split('\n')[0])
        throw new WebhookRejected(`Stripe webhook refused: ${truncate(why, 300)}`)
      }
      if (typeof event?.id !== 'string' || typeof event.type !== 'string' || !event.data?.object) {
        throw new WebhookRejected('Stripe webhook refused: the signed body is not a Stripe event')
      }
      return eventOf(event)
    },
  }
}

/** A session in our terms; `payment_intent` may be expanded (confirm) or an id (webhooks). */
function verdictOf(session: Stripe.Checkout.Session): GatewayVerdict {
  const intent = typeof session.payment_intent === 'object' ? session.payment_intent : null
  const intentId = intentIdOf(session)
  const failure = lastPaymentError(intent)
  const charge = intent && typeof intent.latest_charge === 'object' ? intent.latest_charge : null
  const fingerprint = charge?.payment_method_details?.card?.fingerprint
  if (session.payment_status === 'paid') {
    const currency = session.currency?.toUpperCase()
    return {
      status: 'succeeded',
      // What Stripe says it collected; a currency we do not know stays unset so the service holds it for review.
      ...(Number.isSafeInteger(session.amount_total) ? { amount: BigInt(session.amount_total!) } : {}),
      ...(currency && isCurrency(currency) ? { currency } : {}),
      ...(intentId ? { captureId: intentId } : {}),
      receipt: {
        checkoutSession: session.id,
        ...(intentId ? { paymentIntent: intentId } : {}),
        ...(fingerprint ? { card_fingerprint: fingerprint } : {}),
      },
    }
  }
  if (session.status === 'expired') return { status: 'canceled', reason: failure ?? 'The Checkout Session expired unpaid' }
  // Complete but unpaid: a delayed method (SEPA debit …) is processing; back at requires_payment_method it failed.
  if (session.status === 'complete' && intent && (intent.status === 'requires_payment_method' || intent.status === 'canceled')) {
    return { status: 'failed', reason: failure ?? `The payment did not go through (PaymentIntent ${intent.status})` }
  }
  if (session.payment_status === 'no_payment_required')
    return { status: 'failed', reason: 'Stripe collected nothing (no_payment_required)' }
  // Open: a declined card leaves the payer on Stripe's page to try another one.
  return { status: 'pending', ...(failure ? { reason: failure } : {}) }
}

function intentIdOf(session: Stripe.Checkout.Session): string | undefined {
  const intent = session.payment_intent
  return typeof intent === 'string' ? intent : (intent?.id ?? undefined)
}

function lastPaymentError(intent: Stripe.PaymentIntent | null): string | undefined {
  const error = intent?.last_payment_error
  if (!error) return undefined
  const code = [error.code, error.decline_code].filter(Boolean).join('/')
  return [code, error.message].filter(Boolean).join(': ') || 'The payment failed'
}

function refundStatusOf(refund: Stripe.Refund): Pick<GatewayRefundResult, 'status' | 'reason'> {
  switch (refund.status) {
    case 'succeeded':
      return { status: 'succeeded' }
    case 'failed':
    case 'canceled':
      return { status: 'failed', reason: `Stripe refund ${refund.status}${refund.failure_reason ? `: ${refund.failure_reason}` : ''}` }
    default:
      // pending, requires_action (the payer must give bank details for some methods), or a new status.
      return {
        status: 'pending',
        ...(refund.status === 'requires_action' ? { reason: 'Stripe waits for the payer (requires_action)' } : {}),
      }
  }
}

function eventOf(event: Stripe.Event): GatewayEvent {
  const base = { eventId: event.id, type: event.type }
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.expired':
      return { ...base, kind: 'payment', reference: event.data.object.id, verdict: verdictOf(event.data.object) }
    case 'checkout.session.async_payment_failed':
      return {
        ...base,
        kind: 'payment',
        reference: event.data.object.id,
        verdict: { status: 'failed', reason: 'The delayed payment failed (checkout.session.async_payment_failed)' },
      }
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated': {
      const refund = event.data.object
      return { ...base, kind: 'refund', gatewayRefundId: refund.id, refundStatus: refundStatusOf(refund).status }
    }
    case 'charge.refunded': {
      // Events are rendered in the endpoint's API version: older ones list the charge's refunds, newer
      // ones do not (then refund.created/refund.updated carry the refund).
      const latest = event.data.object.refunds?.data?.[0]
      return { ...base, kind: 'refund', ...(latest ? { gatewayRefundId: latest.id, refundStatus: refundStatusOf(latest).status } : {}) }
    }
    default:
      return { ...base, kind: 'other' }
  }
}

/** Our free-text reason to one of Stripe's three; undefined leaves Stripe's reason empty. */
function refundReason(text: string | undefined): RefundReason | undefined {
  if (!text?.trim()) return undefined
  const normalized = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  if (normalized.startsWith('duplicate')) return 'duplicate'
  if (normalized === 'fraudulent' || normalized === 'fraud') return 'fraudulent'
  return 'requested_by_customer'
}

/** Minor units as the number the API takes; Stripe's own limits (min 50 cents, max 8 digits) it enforces itself. */
function stripeAmount(amount: bigint): number {
  if (amount <= 0n || amount > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ProviderError('permanent', `Stripe: ${amount} is not an amount Stripe can take`)
  return Number(amount)
}

function retryAfter(kind: string, header: string | null | undefined): { retryAfterSeconds?: number } {
  const seconds = kind === 'transient' ? parseRetryAfter(header) : undefined
  return seconds === undefined ? {} : { retryAfterSeconds: seconds }
}

/** The SDK takes the API's place as host, port and protocol; its paths (/v1/…) are fixed. */
function parseBaseUrl(baseUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new AppError('validation', 'The Stripe base URL is not a URL', { errors: [{ field: 'config.baseUrl', message: 'is not a URL' }] })
  }
  if (url.pathname !== '/' || url.search || url.username || url.password) {
    throw new AppError('validation', 'The Stripe base URL is a scheme, host and port only', {
      errors: [{ field: 'config.baseUrl', message: 'must have no path, query or credentials' }],
    })
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https'
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol }
}
