// The one interface every payment gateway implements (one small file per gateway beside this one).
// The payments service only sees these types: it creates an attempt at a gateway, sends the
// customer to `redirectUrl`, and later asks the gateway what happened (`confirm`) — on the return
// page, on a webhook, or from the reconciliation job — never trusting what the browser brings back.
// Failures are ProviderErrors (core/net/service-http): `transient` (timeout, 5xx, 429, network)
// lets routing fall back to the next gateway and counts against the gateway's circuit breaker;
// `permanent` (bad credentials, refused request) does not fall back.
import type { TSchema } from 'typebox'
import type { Currency } from '../../../core/money/currency'
import type { FetchLike } from '../../../core/net/service-http'

// `wallet` is the wallet module's: the customer pays from their Caravan wallet (modules/wallet/gateway.ts).
export const GATEWAY_NAMES = ['test', 'zarinpal', 'stripe', 'paypal', 'wallet'] as const
export type GatewayName = (typeof GATEWAY_NAMES)[number]

/** What we ask a gateway to collect. Amounts are integer minor units of `currency`. */
export interface GatewayCharge {
  /** Our payment id (shown to the gateway as its reference/metadata, so its dashboard links back). */
  paymentId: string
  /** Our attempt id: also the idempotency key at gateways that take one (Stripe, PayPal-Request-Id). */
  attemptId: string
  amount: bigint
  currency: Currency
  /** Shown to the payer at the gateway. */
  description: string
  /** Where the gateway sends the payer back when done or canceled (our return page for this attempt). */
  returnUrl: string
  /** Where "cancel" at the gateway goes, when the gateway has a separate one (Stripe, PayPal). */
  cancelUrl: string
  payer?: { email?: string; mobile?: string }
  /** The payer's locale, for the gateway's page language where it has one. */
  locale?: 'fa' | 'en'
}

export interface GatewayCreated {
  /** The gateway's id for this attempt: Zarinpal Authority, Stripe Checkout Session id, PayPal order id. */
  reference: string
  /** Where the payer goes to pay. */
  redirectUrl: string
}

/**
 * The gateway's word on an attempt:
 * - pending: not paid yet (payer still at the gateway, or the bank has not answered);
 * - succeeded: the money is captured; `amount`/`currency` are what the gateway says it collected
 *   (the service compares them with the payment's and holds a mismatch for review);
 * - failed / canceled: it will never be paid.
 */
export interface GatewayVerdict {
  status: 'pending' | 'succeeded' | 'failed' | 'canceled'
  amount?: bigint
  currency?: Currency
  /** What refunds are made against, when it differs from `reference` (PayPal capture id, Stripe PaymentIntent id). */
  captureId?: string
  /**
   * The gateway's receipt for the payer (Zarinpal ref_id, card mask), shown on the payment; a card's
   * fingerprint under one of CARD_FINGERPRINT_KEYS is kept with it for the fraud checks, never shown.
   */
  receipt?: Record<string, string>
  /** Why it failed, in the gateway's words (a code and message), for the attempt timeline. */
  reason?: string
}

export interface GatewayRefundRequest {
  /** Our refund id: also the idempotency key at gateways that take one. */
  refundId: string
  reference: string
  captureId?: string
  amount: bigint
  currency: Currency
  reason?: string
}

export interface GatewayRefundResult {
  status: 'pending' | 'succeeded' | 'failed'
  /** The gateway's id for the refund (Stripe re_…, PayPal refund id, Zarinpal refund id). */
  gatewayRefundId: string
  reason?: string
}

/** An inbound webhook as the HTTP layer hands it over: raw bytes, because signatures are over them. */
export interface GatewayWebhook {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>
  rawBody: Buffer
}

/** A webhook the gateway signed, read into our terms. */
export interface GatewayEvent {
  /** The gateway's event id: each is processed once. */
  eventId: string
  /** Which attempt it is about (`GatewayCreated.reference`), when the event names one. */
  reference?: string
  /** Which refund it is about (`GatewayRefundResult.gatewayRefundId`), for refund events. */
  gatewayRefundId?: string
  kind: 'payment' | 'refund' | 'other'
  /** The gateway's event type as it named it (checkout.session.completed, PAYMENT.CAPTURE.COMPLETED). */
  type: string
  /**
   * For payment events the verdict the event carries; the service still confirms with the gateway
   * before it moves a payment (an event can be stale or out of order).
   */
  verdict?: GatewayVerdict
  refundStatus?: GatewayRefundResult['status']
}

/** A webhook whose signature or shape is wrong: answered 400 and written to the audit log. */
export class WebhookRejected extends Error {}

export interface Gateway {
  readonly name: GatewayName
  /** Currencies this gateway can charge in. */
  readonly currencies: readonly Currency[]
  /**
   * False when the gateway's refund call takes no idempotency key (Zarinpal): a refund whose answer
   * was lost is then left for a person to check instead of being sent again (it might pay twice).
   */
  readonly refundRetrySafe?: boolean
  create(charge: GatewayCharge): Promise<GatewayCreated>
  /**
   * Asks the gateway for the attempt's state, completing it where the protocol requires it
   * (Zarinpal verify, PayPal capture). Safe to call many times: a completed attempt answers
   * succeeded again (Zarinpal 101, PayPal ORDER_ALREADY_CAPTURED). `returned` holds the query the
   * payer came back with (Zarinpal Status=NOK means canceled without asking) — never trusted for success.
   */
  confirm(attempt: { reference: string; amount: bigint; currency: Currency; returned?: Record<string, string> }): Promise<GatewayVerdict>
  /**
   * Closes an unpaid attempt so it can no longer be paid (Stripe expires the Checkout Session).
   * Throws when the gateway refuses (it was paid meanwhile). Absent: the attempt lapses at the
   * gateway on its own, and money that still arrives is refunded automatically.
   */
  cancel?(reference: string): Promise<void>
  refund(request: GatewayRefundRequest): Promise<GatewayRefundResult>
  /**
   * A refund's state now, for refunds left pending (a lost webhook, a gateway without webhooks).
   * `refund.amount` tells apart refunds a gateway keeps without ids of their own. Absent: only webhooks finish them.
   */
  refundStatus?(gatewayRefundId: string, refund: { amount: bigint }): Promise<GatewayRefundResult>
  /** Verifies the signature and reads the event; throws WebhookRejected. Absent: the gateway sends no webhooks. */
  parseWebhook?(webhook: GatewayWebhook): Promise<GatewayEvent>
  close?(): Promise<void>
}

/** What every gateway factory gets besides its own config. */
export interface GatewayContext {
  /** For tests; defaults to global fetch. */
  fetch?: FetchLike
  timeoutMs?: number
}

export interface GatewayFactory {
  /** Throws AppError('validation') naming the bad field, or returns the gateway. */
  create(config: Record<string, unknown>, context?: GatewayContext): Gateway
  /** The settings' schema (the console draws its form from it). */
  schema: TSchema
  /** Config keys that hold secrets: sealed at rest, listed as set/unset, never shown. */
  secretFields: string[]
  currencies: readonly Currency[]
}

/** Receipt keys that hold a card's fingerprint (Stripe's card fingerprint, Zarinpal's card_hash), in the order they are read. */
export const CARD_FINGERPRINT_KEYS = ['card_fingerprint', 'card_hash'] as const
