// A loopback fake of the parts of Stripe's API v1 the Stripe gateway uses, spoken the way stripe-node
// sends it: form-encoded bodies with nested keys (line_items[0][price_data][unit_amount]=1250), Bearer
// auth, Idempotency-Key (a replay answers the first result; the same key with other parameters or on
// another endpoint is a 400 idempotency_error, and nothing is saved for a request that failed
// validation), and Stripe's error JSON {error: {type, code, message, param, doc_url}}.
// Endpoints: POST /v1/checkout/sessions, GET /v1/checkout/sessions/:id (expand[]=payment_intent), POST …/:id/expire, GET /v1/refunds/:id,
// POST /v1/refunds; GET /c/pay/:id is the hosted page the session's url points at. The payer is
// played with pay / decline / expire / settle; Stripe's events are recorded as they happen and can be
// signed (Stripe-Signature: t=…,v1=HMAC-SHA256(secret, `${t}.${body}`)) and posted to a URL.
import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readBody } from './read-body'

export interface FakeStripeOptions {
  /** The account's secret key: the only one the fake accepts. */
  secretKey: string
  /** The webhook endpoint's signing secret, used by signedEvent and webhook. */
  webhookSecret: string
}

type Json = Record<string, any>

export interface FakeStripeEvent {
  id: string
  object: 'event'
  api_version: string
  created: number
  data: { object: Json; previous_attributes?: Json }
  livemode: false
  pending_webhooks: number
  request: { id: string | null; idempotency_key: string | null }
  type: string
}

export interface FakeStripeRequest {
  method: string
  path: string
  /** The form body (POST) or query (GET), decoded into nested objects and arrays. */
  params: Json
  idempotencyKey?: string
  stripeVersion?: string
  authorization?: string
}

export type FakeRefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled'

export interface FakeStripe {
  url: string
  /** Objects as Stripe renders them, by id. */
  sessions: Map<string, Json>
  paymentIntents: Map<string, Json>
  charges: Map<string, Json>
  refunds: Map<string, Json>
  /** The fingerprint of the one card payers use at this fake (charge.payment_method_details.card.fingerprint). */
  cardFingerprint: string
  /** Every event Stripe would have sent, oldest first. */
  events: FakeStripeEvent[]
  /** Every API request that reached the fake (hung and failed ones too). */
  requests: FakeStripeRequest[]
  /** The newest event of this type. */
  lastEvent(type: string): FakeStripeEvent | undefined
  /**
   * The payer pays on the hosted page. `amountTotal` plays a session whose total Stripe reports
   * differently (a promotion code, adaptive pricing gone wrong); `delayed` a method that settles
   * later (the session completes unpaid, the PaymentIntent is processing, until settle()).
   */
  pay(sessionId: string, options?: { amountTotal?: number; delayed?: boolean }): void
  /** A delayed payment's outcome (after pay with delayed). */
  settle(sessionId: string, outcome: 'succeeded' | 'failed'): void
  /** The payer's card is declined; the session stays open for another try. */
  decline(sessionId: string, error?: { code?: string; decline_code?: string; message?: string }): void
  /** The session expires (the payer left, or the merchant expired it). */
  expire(sessionId: string): void
  /** The next refunds are created with these statuses instead of succeeded. */
  refundOutcomes: FakeRefundStatus[]
  /** A refund moves on (pending → succeeded/failed …): refund.updated (and refund.failed) are recorded. */
  setRefundStatus(refundId: string, status: FakeRefundStatus, failureReason?: string): void
  /** The body and Stripe-Signature header Stripe would send for this event. */
  signedEvent(event: FakeStripeEvent, options?: { secret?: string; timestamp?: number }): { body: string; header: string }
  /** Posts the event, signed, as Stripe's webhook sender does; resolves to the receiver's status. */
  webhook(url: string, event: FakeStripeEvent, options?: { secret?: string; timestamp?: number }): Promise<number>
  /** The next `count` API requests answer this status (500 Stripe's api_error JSON, 429 rate_limit, 502-504 a proxy's HTML). */
  failNext(count: number, httpStatus?: number): void
  /** The next `count` API requests are never answered. */
  hangNext(count: number): void
  /** Forgets all objects, events, requests, idempotency keys and pending controls. */
  reset(): void
  close(): Promise<void>
}

// The version stripe-node 23.2.0 pins; the fake renders events in it.
export const FAKE_STRIPE_API_VERSION = '2026-11-18.endive'

const SUPPORTED_CURRENCIES = new Set(['usd', 'eur', 'gbp', 'cad', 'aud', 'jpy', 'chf', 'sek', 'nok', 'dkk', 'pln', 'aed', 'try'])
// Amounts below these are refused at Checkout (in minor units; Stripe's minimum charge per currency).
const MINIMUM_AMOUNT: Record<string, number> = { usd: 50, eur: 50 }
const MAXIMUM_AMOUNT = 99_999_999
const CHECKOUT_LOCALES = new Set(
  'auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hi-IN hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW'.split(
    ' ',
  ),
)
// Stripe refuses parameters it does not know (parameter_unknown); these are the ones Checkout Session create has.
const SESSION_PARAMS = new Set(
  (
    'adaptive_pricing after_expiration allow_promotion_codes allowed_payment_method_types automatic_tax billing_address_collection ' +
    'branding_settings cancel_url client_reference_id consent_collection currency custom_fields custom_text customer customer_account ' +
    'customer_creation customer_email customer_update discounts excluded_payment_method_types expand expires_at integration_identifier ' +
    'invoice_creation line_items locale managed_payments metadata mode name_collection optional_items origin_context payment_intent_data ' +
    'payment_method_collection payment_method_configuration payment_method_data payment_method_options permissions phone_number_collection ' +
    'redirect_on_completion return_url saved_payment_method_options setup_intent_data shipping_address_collection shipping_options ' +
    'submit_type subscription_data success_url tax_id_collection ui_mode wallet_options'
  ).split(' '),
)
const LINE_ITEM_PARAMS = new Set(['adjustable_quantity', 'metadata', 'price', 'price_data', 'quantity', 'tax_rates'])
const PRICE_DATA_PARAMS = new Set([
  'currency',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'unit_amount',
  'unit_amount_decimal',
])
const PRODUCT_DATA_PARAMS = new Set(['description', 'images', 'metadata', 'name', 'tax_code', 'tax_details', 'unit_label'])
const PAYMENT_INTENT_DATA_PARAMS = new Set([
  'application_fee_amount',
  'capture_method',
  'description',
  'metadata',
  'on_behalf_of',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
])
const REFUND_PARAMS = new Set([
  'amount',
  'charge',
  'currency',
  'customer',
  'expand',
  'instructions_email',
  'metadata',
  'origin',
  'payment_intent',
  'reason',
  'refund_application_fee',
  'reverse_transfer',
])
const REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer'])
const SYMBOLS: Record<string, string> = { usd: '$', eur: '€', gbp: '£' }

/** An error answer as Stripe shapes it. */
class StripeFailure {
  constructor(
    readonly status: number,
    readonly error: { type: string; message: string; code?: string; param?: string; decline_code?: string },
    /** The endpoint ran and refused (saved under the Idempotency-Key), rather than the parameters failing validation (not saved). */
    readonly ran = false,
  ) {}
  body(): Json {
    const { code } = this.error
    return { error: { ...this.error, ...(code ? { doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` } : {}) } }
  }
}

const invalid = (message: string, extra: { code?: string; param?: string } = {}, status = 400) =>
  new StripeFailure(status, { type: 'invalid_request_error', message, ...extra })
/** A refusal by an endpoint that ran (a refund above what is left): Stripe saves it under the Idempotency-Key. */
const refused = (message: string, extra: { code?: string; param?: string } = {}) =>
  new StripeFailure(400, { type: 'invalid_request_error', message, ...extra }, true)
const missing = (param: string) => invalid(`Missing required param: ${param}.`, { code: 'parameter_missing', param })
const unknown = (param: string) => invalid(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param })

const id = (prefix: string, length = 24) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return prefix + Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('')
}
const now = () => Math.floor(Date.now() / 1000)
const clone = <T>(value: T): T => structuredClone(value)

/**
 * Stripe's form encoding read back: `a[b][0][c]=v` → {a: {b: [{c: 'v'}]}}; `a[]=v` appends. Values stay
 * strings, as the API receives them.
 */
export function parseStripeForm(search: string): Json {
  const root: Json = {}
  for (const [key, value] of new URLSearchParams(search)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
    const path = match ? [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])] : [key]
    let node: Json = root
    path.forEach((segment, i) => {
      const name = segment === '' ? String(Object.keys(node).length) : segment
      if (i === path.length - 1) node[name] = value
      else node = node[name] = typeof node[name] === 'object' ? node[name] : {}
    })
  }
  return arrays(root) as Json
}

// Objects keyed 0…n-1 are the form's arrays.
function arrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value as Json).map(([k, v]) => [k, arrays(v)] as const)
  const isList = entries.length > 0 && entries.every(([k], i) => k === String(i))
  return isList ? entries.map(([, v]) => v) : Object.fromEntries(entries)
}

/** Parameters compared as Stripe's idempotency layer does: the same values, whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

function money(amount: number, currency: string): string {
  const symbol = SYMBOLS[currency]
  const text = (amount / 100).toFixed(2)
  return symbol ? `${symbol}${text}` : `${text} ${currency}`
}

function integer(value: unknown, param: string, minimum = 0): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value))
    throw invalid(`Invalid integer: ${String(value)}`, { code: 'parameter_invalid_integer', param })
  const n = Number(value)
  if (n < minimum) throw invalid(`This value must be greater than or equal to ${minimum}.`, { code: 'parameter_invalid_integer', param })
  return n
}

function checkKeys(params: Json, allowed: Set<string>, prefix: string) {
  for (const key of Object.keys(params)) if (!allowed.has(key)) throw unknown(prefix ? `${prefix}[${key}]` : key)
}

function checkUrl(value: unknown, param: string): string {
  let ok = false
  try {
    ok = typeof value === 'string' && /^https?:$/.test(new URL(value).protocol)
  } catch {}
  if (!ok) throw invalid('Not a valid URL', { code: 'url_invalid', param })
  return value as string
}

function checkMetadata(value: unknown, param: string): Record<string, string> {
  if (value === undefined || value === '') return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('Invalid hash', { code: 'parameter_invalid_hash', param })
  const entries = Object.entries(value as Json)
  if (entries.length > 50) throw invalid('You can specify up to 50 keys in metadata.', { param })
  for (const [k, v] of entries) {
    if (k.length > 40) throw invalid(`Metadata keys can have at most 40 characters (${param}[${k}]).`, { param: `${param}[${k}]` })
    if (typeof v !== 'string' || v.length > 500)
      throw invalid(`Metadata values can have at most 500 characters (${param}[${k}]).`, { param: `${param}[${k}]` })
  }
  return value as Record<string, string>
}

/** Stripe's mask for a key it refuses: the prefix, stars, the last four. */
function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? ''
  const rest = key.slice(prefix.length)
  return rest.length <= 4 ? prefix + rest : `${prefix}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`
}

export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  const sessions = new Map<string, Json>()
  const paymentIntents = new Map<string, Json>()
  const charges = new Map<string, Json>()
  const cardFingerprint = id('', 16)
  const refunds = new Map<string, Json>()
  /** What the session was created with that the session object does not show. */
  const sessionInputs = new Map<string, { intentMetadata: Record<string, string> }>()
  const events: FakeStripeEvent[] = []
  const requests: FakeStripeRequest[] = []
  const idempotency = new Map<string, { method: string; path: string; params: string; status: number; body: Json }>()
  const failures: number[] = []
  const refundOutcomes: FakeRefundStatus[] = []
  const hanging = new Set<ServerResponse>()
  let hangs = 0

  function record(type: string, object: Json, request: FakeStripeEvent['request'] = { id: null, idempotency_key: null }, previous?: Json) {
    events.push({
      id: id('evt_'),
      object: 'event',
      api_version: FAKE_STRIPE_API_VERSION,
      created: now(),
      data: { object: clone(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request,
      type,
    })
  }

  function session(sessionId: string): Json {
    const found = sessions.get(sessionId)
    if (!found) throw new Error(`fake stripe: no Checkout Session ${sessionId}`)
    return found
  }

  function createSession(params: Json, base: string): Json {
    checkKeys(params, SESSION_PARAMS, '')
    if (params.mode === undefined) throw missing('mode')
    if (!['payment', 'setup', 'subscription'].includes(params.mode))
      throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, { param: 'mode' })
    if (params.mode !== 'payment') throw invalid(`The fake speaks mode=payment only`, { param: 'mode' })
    if (params.ui_mode !== undefined && params.ui_mode !== 'hosted_page')
      throw invalid(`The fake speaks ui_mode=hosted_page only`, { param: 'ui_mode' })
    if (params.success_url === undefined) throw missing('success_url')
    checkUrl(params.success_url, 'success_url')
    if (params.cancel_url !== undefined) checkUrl(params.cancel_url, 'cancel_url')
    if (params.client_reference_id !== undefined && String(params.client_reference_id).length > 200) {
      throw invalid('client_reference_id can be at most 200 characters.', { param: 'client_reference_id' })
    }
    if (params.locale !== undefined && !CHECKOUT_LOCALES.has(params.locale)) {
      throw invalid(`Invalid locale: must be one of ${[...CHECKOUT_LOCALES].join(', ')}`, { param: 'locale' })
    }
    if (params.customer_email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(params.customer_email)) {
      throw invalid(`Invalid email address: ${params.customer_email}`, { code: 'email_invalid', param: 'customer_email' })
    }
    const metadata = checkMetadata(params.metadata, 'metadata')
    const intentData = params.payment_intent_data ?? {}
    checkKeys(intentData, PAYMENT_INTENT_DATA_PARAMS, 'payment_intent_data')
    const intentMetadata = checkMetadata(intentData.metadata, 'payment_intent_data[metadata]')

    if (!Array.isArray(params.line_items) || params.line_items.length === 0) throw missing('line_items')
    let currency: string | undefined
    let total = 0
    params.line_items.forEach((item: Json, i: number) => {
      const at = `line_items[${i}]`
      checkKeys(item, LINE_ITEM_PARAMS, at)
      if (item.price !== undefined) throw invalid(`No such price: '${item.price}'`, { code: 'resource_missing', param: `${at}[price]` })
      if (item.price_data === undefined) throw invalid(`You must specify either \`price\` or \`price_data\` in ${at}.`, { param: at })
      const price = item.price_data
      checkKeys(price, PRICE_DATA_PARAMS, `${at}[price_data]`)
      if (price.currency === undefined) throw missing(`${at}[price_data][currency]`)
      if (!SUPPORTED_CURRENCIES.has(price.currency)) {
        throw invalid(
          `Invalid currency: ${price.currency}. Stripe currently supports these currencies: ${[...SUPPORTED_CURRENCIES].join(', ')}`,
          {
            param: `${at}[price_data][currency]`,
          },
        )
      }
      if (currency && price.currency !== currency)
        throw invalid('All line items must use the same currency.', { param: `${at}[price_data][currency]` })
      currency = price.currency
      if (price.unit_amount === undefined) throw missing(`${at}[price_data][unit_amount]`)
      const unitAmount = integer(price.unit_amount, `${at}[price_data][unit_amount]`)
      if (price.product === undefined && price.product_data === undefined) throw missing(`${at}[price_data][product_data]`)
      if (price.product_data !== undefined) {
        checkKeys(price.product_data, PRODUCT_DATA_PARAMS, `${at}[price_data][product_data]`)
        if (!price.product_data.name) throw missing(`${at}[price_data][product_data][name]`)
      }
      if (item.quantity === undefined) throw missing(`${at}[quantity]`)
      total += unitAmount * integer(item.quantity, `${at}[quantity]`, 1)
    })
    const minimum = MINIMUM_AMOUNT[currency!] ?? 50
    if (total < minimum) {
      throw invalid(`The Checkout Session's total amount due must add up to at least ${money(minimum, currency!)} ${currency}`, {
        param: 'line_items',
      })
    }
    if (total > MAXIMUM_AMOUNT) {
      throw invalid(`Amount must be no more than ${money(MAXIMUM_AMOUNT, currency!)}`, { code: 'amount_too_large', param: 'line_items' })
    }

    const created = now()
    const sessionId = id('cs_test_', 58)
    const object: Json = {
      id: sessionId,
      object: 'checkout.session',
      adaptive_pricing: { enabled: false },
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created,
      currency,
      currency_conversion: null,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: null,
      customer_creation: 'if_required',
      customer_details: params.customer_email ? { email: params.customer_email } : null,
      customer_email: params.customer_email ?? null,
      discounts: [],
      expires_at: created + 24 * 3600,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: params.locale ?? null,
      metadata,
      mode: 'payment',
      payment_intent: null, // created when the payer submits the payment form
      payment_link: null,
      payment_method_collection: 'if_required',
      payment_method_configuration_details: null,
      payment_method_options: { card: { request_three_d_secure: 'automatic' } },
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      phone_number_collection: { enabled: false },
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: params.success_url,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted_page',
      url: `${base}/c/pay/${sessionId}`,
      wallet_options: null,
    }
    sessions.set(sessionId, object)
    sessionInputs.set(sessionId, { intentMetadata })
    return object
  }

  function retrieveSession(sessionId: string, params: Json): Json {
    const found = sessions.get(sessionId)
    if (!found) throw invalid(`No such checkout.session: '${sessionId}'`, { code: 'resource_missing', param: 'session' }, 404)
    const expand: string[] = params.expand === undefined ? [] : Array.isArray(params.expand) ? params.expand : [params.expand]
    for (const path of expand) {
      if (path !== 'payment_intent' && path !== 'payment_intent.latest_charge')
        throw invalid(`This property cannot be expanded (${path}).`, { param: 'expand' })
    }
    const answer = clone(found)
    if (expand.some((path) => path.startsWith('payment_intent')) && answer.payment_intent) {
      const intent = clone(paymentIntents.get(answer.payment_intent))
      if (intent && expand.includes('payment_intent.latest_charge') && intent.latest_charge)
        intent.latest_charge = clone(charges.get(intent.latest_charge))
      answer.payment_intent = intent
    }
    return answer
  }

  /** The PaymentIntent the hosted page creates when the payer first submits. */
  function intentFor(checkout: Json): Json {
    if (checkout.payment_intent) return paymentIntents.get(checkout.payment_intent)!
    const intentId = id('pi_')
    const intent: Json = {
      id: intentId,
      object: 'payment_intent',
      amount: checkout.amount_total,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: 'automatic_async',
      client_secret: `${intentId}_secret_${id('', 25)}`,
      confirmation_method: 'automatic',
      created: now(),
      currency: checkout.currency,
      customer: null,
      description: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: clone(sessionInputs.get(checkout.id)?.intentMetadata ?? {}),
      next_action: null,
      payment_method: null,
      payment_method_types: ['card'],
      status: 'requires_payment_method',
    }
    paymentIntents.set(intentId, intent)
    checkout.payment_intent = intentId
    return intent
  }

  function succeedIntent(intent: Json) {
    const chargeId = id('ch_')
    const charge: Json = {
      id: chargeId,
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      captured: true,
      created: now(),
      currency: intent.currency,
      livemode: false,
      paid: true,
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      // The card's fingerprint, the same for every payment with that card number (here: one card per fake).
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', fingerprint: cardFingerprint } },
      receipt_url: `https://pay.stripe.com/receipts/payment/${id('', 40)}`,
      refunded: false,
      status: 'succeeded',
    }
    charges.set(chargeId, charge)
    Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: chargeId, last_payment_error: null })
    record('charge.succeeded', charge)
    record('payment_intent.succeeded', intent)
  }

  function createRefund(params: Json, idempotencyKey: string | undefined): Json {
    checkKeys(params, REFUND_PARAMS, '')
    if (params.payment_intent === undefined && params.charge === undefined) {
      throw invalid('One of the following params should be provided for this request: payment_intent or charge.', {
        code: 'parameter_missing',
      })
    }
    const metadata = checkMetadata(params.metadata, 'metadata')
    if (params.reason !== undefined && !REFUND_REASONS.has(params.reason)) {
      throw invalid('Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer', { param: 'reason' })
    }
    const amountParam = params.amount === undefined ? undefined : integer(params.amount, 'amount', 1)
    let charge: Json | undefined
    if (params.payment_intent !== undefined) {
      const intent = paymentIntents.get(params.payment_intent)
      if (!intent)
        throw invalid(`No such payment_intent: '${params.payment_intent}'`, { code: 'resource_missing', param: 'payment_intent' })
      charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined
      if (!charge || intent.status !== 'succeeded') {
        throw refused(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, { param: 'payment_intent' })
      }
    } else {
      charge = charges.get(params.charge)
      if (!charge) throw invalid(`No such charge: '${params.charge}'`, { code: 'resource_missing', param: 'charge' })
    }
    // Pending refunds count as refunded; a failed one gives its amount back.
    const remaining = charge.amount - charge.amount_refunded
    if (remaining <= 0) throw refused(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' })
    const amount = amountParam ?? remaining
    // Stripe answers this one with param amount and no code.
    if (amount > remaining) {
      throw refused(
        `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
        { param: 'amount' },
      )
    }
    const status = refundOutcomes.shift() ?? 'succeeded'
    const refund: Json = {
      id: id('re_'),
      object: 'refund',
      amount,
      balance_transaction: status === 'failed' ? null : id('txn_'),
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      destination_details: {
        card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
        type: 'card',
      },
      metadata,
      payment_intent: charge.payment_intent,
      reason: params.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status,
      transfer_reversal: null,
      ...(status === 'failed' ? { failure_reason: 'lost_or_stolen_card' } : {}),
    }
    refunds.set(refund.id, refund)
    if (status !== 'failed' && status !== 'canceled') {
      charge.amount_refunded += amount
      charge.refunded = charge.amount_refunded === charge.amount
    }
    const request = { id: id('req_', 14), idempotency_key: idempotencyKey ?? null }
    record('refund.created', refund, request)
    record('charge.refunded', charge, request)
    return refund
  }

  function expireSession(checkout: Json): Json {
    Object.assign(checkout, { status: 'expired', url: null })
    const intent = checkout.payment_intent ? paymentIntents.get(checkout.payment_intent) : undefined
    if (intent) {
      Object.assign(intent, { status: 'canceled', cancellation_reason: 'abandoned' })
      record('payment_intent.canceled', intent)
    }
    record('checkout.session.expired', checkout)
    return checkout
  }

  /** POST /v1/checkout/sessions/:id/expire: the merchant closes an open session (a paid or expired one is refused). */
  function expireByMerchant(sessionId: string): Json {
    const found = sessions.get(sessionId)
    if (!found) throw invalid(`No such checkout.session: '${sessionId}'`, { code: 'resource_missing', param: 'session' }, 404)
    if (found.status !== 'open') throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired.`, {})
    return clone(expireSession(found))
  }

  function route(method: string, path: string, params: Json, idempotencyKey: string | undefined, base: string): Json {
    if (method === 'POST' && path === '/v1/checkout/sessions') return createSession(params, base)
    const retrieve = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)
    if (method === 'GET' && retrieve) return retrieveSession(decodeURIComponent(retrieve[1]), params)
    const refundPath = /^\/v1\/refunds\/([^/]+)$/.exec(path)
    if (method === 'GET' && refundPath) {
      const found = refunds.get(decodeURIComponent(refundPath[1]))
      if (!found) throw invalid(`No such refund: '${refundPath[1]}'`, { code: 'resource_missing', param: 'id' }, 404)
      return clone(found)
    }
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)
    if (method === 'POST' && expire) return expireByMerchant(decodeURIComponent(expire[1]))
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params, idempotencyKey)
    throw invalid(
      `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      {},
      404,
    )
  }

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': id('req_', 14),
      'stripe-version': FAKE_STRIPE_API_VERSION,
      ...headers,
    })
    res.end(JSON.stringify(body, null, 2))
  }

  function failure(res: ServerResponse, status: number) {
    if (status === 429) {
      return send(res, 429, {
        error: {
          code: 'rate_limit',
          doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
          message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
          type: 'invalid_request_error',
        },
      })
    }
    if (status >= 502 && status <= 504) {
      // In front of Stripe: a load balancer's page, not Stripe's JSON.
      res.writeHead(status, { 'content-type': 'text/html' })
      return res.end(`<html><body><h1>${status} Bad Gateway</h1></body></html>`)
    }
    send(res, status, { error: { message: 'An unknown error occurred', type: 'api_error' } })
  }

  function checkoutPage(res: ServerResponse, sessionId: string) {
    const found = sessions.get(sessionId)
    res.writeHead(found ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
    if (!found) return res.end('<html><body>Something went wrong</body></html>')
    res.end(`<html><body><h1>Pay ${money(found.amount_total, found.currency)}</h1><p>${found.status}</p></body></html>`)
  }

  const server = createServer(async (req, res) => {
    const raw = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://fake')
    const base = `http://${req.headers.host}`
    const page = /^\/c\/pay\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && page) return checkoutPage(res, decodeURIComponent(page[1]))

    const method = req.method ?? 'GET'
    const params = parseStripeForm(method === 'POST' ? raw : url.search)
    const idempotencyKey = method === 'POST' ? (req.headers['idempotency-key'] as string | undefined) : undefined
    requests.push({
      method,
      path: url.pathname,
      params,
      idempotencyKey,
      stripeVersion: req.headers['stripe-version'] as string | undefined,
      authorization: req.headers.authorization,
    })
    if (hangs > 0) {
      hangs--
      hanging.add(res)
      return
    }
    const injected = failures.shift()
    if (injected) return failure(res, injected)

    // Authentication comes before anything else, as at Stripe.
    const auth = req.headers.authorization ?? ''
    const key = /^Bearer (.+)$/.exec(auth)?.[1]
    if (!key) {
      return send(
        res,
        401,
        invalid(
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        ).body(),
      )
    }
    if (key !== options.secretKey) return send(res, 401, invalid(`Invalid API Key provided: ${maskKey(key)}`).body())

    const path = url.pathname
    if (idempotencyKey) {
      const saved = idempotency.get(idempotencyKey)
      if (saved) {
        if (saved.path !== path || saved.method !== method) {
          const message = `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${path}' vs '${saved.path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`
          return send(res, 400, new StripeFailure(400, { type: 'idempotency_error', message }).body())
        }
        if (saved.params !== canonical(params)) {
          const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`
          return send(res, 400, new StripeFailure(400, { type: 'idempotency_error', message }).body())
        }
        return send(res, saved.status, saved.body, { 'idempotent-replayed': 'true', 'original-request': id('req_', 14) })
      }
    }

    let status = 200
    let body: Json
    try {
      body = route(method, path, params, idempotencyKey, base)
    } catch (e) {
      if (!(e instanceof StripeFailure)) throw e
      status = e.status
      body = e.body()
      // Parameters that fail validation save nothing, so the key can be used again.
      if (!e.ran) return send(res, status, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {})
    }
    if (idempotencyKey) idempotency.set(idempotencyKey, { method, path, params: canonical(params), status, body: clone(body) })
    send(res, status, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {})
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  function signedEvent(event: FakeStripeEvent, signing: { secret?: string; timestamp?: number } = {}) {
    // Stripe sends events pretty-printed; the signature covers these exact bytes.
    const body = JSON.stringify(event, null, 2)
    const t = signing.timestamp ?? now()
    const signature = createHmac('sha256', signing.secret ?? options.webhookSecret)
      .update(`${t}.${body}`)
      .digest('hex')
    return { body, header: `t=${t},v1=${signature}` }
  }

  return {
    url,
    sessions,
    paymentIntents,
    charges,
    refunds,
    cardFingerprint,
    events,
    requests,
    refundOutcomes,
    lastEvent: (type) => events.findLast((e) => e.type === type),

    pay(sessionId, payOptions = {}) {
      const checkout = session(sessionId)
      if (checkout.status !== 'open') throw new Error(`fake stripe: session ${sessionId} is ${checkout.status}`)
      if (payOptions.amountTotal !== undefined)
        Object.assign(checkout, { amount_total: payOptions.amountTotal, amount_subtotal: payOptions.amountTotal })
      const intent = intentFor(checkout)
      Object.assign(intent, { amount: checkout.amount_total, payment_method: id('pm_') })
      Object.assign(checkout, {
        status: 'complete',
        url: null,
        customer_details: {
          ...(checkout.customer_details ?? {}),
          email: checkout.customer_email ?? 'payer@example.com',
          name: 'Test Payer',
        },
      })
      if (payOptions.delayed) {
        Object.assign(intent, { status: 'processing', payment_method_types: ['sepa_debit'] })
        record('payment_intent.processing', intent)
      } else {
        succeedIntent(intent)
        checkout.payment_status = 'paid'
      }
      record('checkout.session.completed', checkout)
    },

    settle(sessionId, outcome) {
      const checkout = session(sessionId)
      const intent = paymentIntents.get(checkout.payment_intent)
      if (checkout.status !== 'complete' || intent?.status !== 'processing')
        throw new Error(`fake stripe: session ${sessionId} has no delayed payment`)
      if (outcome === 'succeeded') {
        succeedIntent(intent)
        checkout.payment_status = 'paid'
        record('checkout.session.async_payment_succeeded', checkout)
      } else {
        Object.assign(intent, {
          status: 'requires_payment_method',
          last_payment_error: { code: 'payment_method_not_available', message: 'The debit was returned.', type: 'invalid_request_error' },
        })
        record('payment_intent.payment_failed', intent)
        record('checkout.session.async_payment_failed', checkout)
      }
    },

    decline(sessionId, error = {}) {
      const checkout = session(sessionId)
      if (checkout.status !== 'open') throw new Error(`fake stripe: session ${sessionId} is ${checkout.status}`)
      const intent = intentFor(checkout)
      Object.assign(intent, {
        status: 'requires_payment_method',
        payment_method: null,
        last_payment_error: {
          code: error.code ?? 'card_declined',
          decline_code: error.decline_code ?? 'generic_decline',
          message: error.message ?? 'Your card was declined.',
          type: 'card_error',
        },
      })
      record('payment_intent.payment_failed', intent)
    },

    expire(sessionId) {
      const checkout = session(sessionId)
      if (checkout.status !== 'open') throw new Error(`fake stripe: only open sessions expire; ${sessionId} is ${checkout.status}`)
      expireSession(checkout)
    },

    setRefundStatus(refundId, status, failureReason) {
      const refund = refunds.get(refundId)
      if (!refund) throw new Error(`fake stripe: no refund ${refundId}`)
      const previous = { status: refund.status }
      const charge = charges.get(refund.charge)!
      const counted = (s: string) => s !== 'failed' && s !== 'canceled'
      if (counted(refund.status) && !counted(status)) charge.amount_refunded -= refund.amount
      if (!counted(refund.status) && counted(status)) charge.amount_refunded += refund.amount
      charge.refunded = charge.amount_refunded === charge.amount
      Object.assign(refund, { status, ...(status === 'failed' ? { failure_reason: failureReason ?? 'lost_or_stolen_card' } : {}) })
      record('refund.updated', refund, undefined, previous)
      if (status === 'failed') record('refund.failed', refund)
    },

    signedEvent,

    async webhook(target, event, signing) {
      const { body, header } = signedEvent(event, signing)
      const response = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': header,
        },
        body,
      })
      await response.arrayBuffer()
      return response.status
    },

    failNext(count, httpStatus = 500) {
      for (let i = 0; i < count; i++) failures.push(httpStatus)
    },
    hangNext(count) {
      hangs += count
    },

    reset() {
      for (const map of [sessions, paymentIntents, charges, refunds, sessionInputs, idempotency]) map.clear()
      events.length = 0
      requests.length = 0
      failures.length = 0
      refundOutcomes.length = 0
      hangs = 0
    },

    async close() {
      hanging.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
