// The Stripe gateway (official SDK) against the loopback fake: Checkout Sessions, confirm from the
// session itself, refunds, Stripe's error answers and outages, and signed webhooks.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/core/http/errors'
import { ProviderError } from '../../../src/core/net/service-http'
import { createStripeGateway, type StripeConfig } from '../../../src/modules/payments/gateways/stripe'
import { WebhookRejected, type Gateway, type GatewayCharge, type GatewayEvent } from '../../../src/modules/payments/gateways/types'
import { FAKE_STRIPE_API_VERSION, startFakeStripe, type FakeStripe, type FakeStripeEvent } from '../../fakes/stripe'

const secretKey = 'sk_test_51CaravanFakeAccount0123456789abcdefghijklmnopqrstuvwxyzABCD'
const webhookSecret = 'whsec_CaravanFakeSigningSecret0123456789abcdef'

let fake: FakeStripe
beforeAll(async () => {
  fake = await startFakeStripe({ secretKey, webhookSecret })
})
afterAll(async () => {
  await fake?.close()
})
beforeEach(() => fake.reset())

function gateway(overrides: Partial<StripeConfig> = {}): Gateway {
  return createStripeGateway({ secretKey, webhookSecret, baseUrl: fake.url, timeoutMs: 2_000, ...overrides })
}

function charge(overrides: Partial<GatewayCharge> = {}): GatewayCharge {
  return {
    paymentId: 'pay_01',
    attemptId: 'att_01',
    amount: 1250n,
    currency: 'USD',
    description: 'Order #1001',
    returnUrl: 'https://shop.example/v1/payments/pay_01/attempts/att_01/return',
    cancelUrl: 'https://shop.example/v1/payments/pay_01/attempts/att_01/cancel',
    locale: 'en',
    ...overrides,
  }
}

/** The error a call throws, checked to be a ProviderError that shows neither secret anywhere. */
async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  const everything = `${providerError.message} ${JSON.stringify(providerError.details)} ${providerError.stack}`
  expect(everything).not.toContain(secretKey)
  expect(everything).not.toContain(webhookSecret)
  return providerError
}

async function rejected(promise: Promise<unknown>): Promise<WebhookRejected> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WebhookRejected)
  expect((error as Error).message).not.toContain(webhookSecret)
  return error as WebhookRejected
}

/** A session the payer has paid, confirmed: what refunds start from. */
async function paidSession(g: Gateway, overrides: Partial<GatewayCharge> = {}) {
  const { reference } = await g.create(charge(overrides))
  fake.pay(reference)
  const verdict = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
  return { reference, captureId: verdict.captureId! }
}

function webhookOf(event: FakeStripeEvent, signing?: { secret?: string; timestamp?: number }) {
  const { body, header } = fake.signedEvent(event, signing)
  return { headers: { 'stripe-signature': header, 'content-type': 'application/json' }, rawBody: Buffer.from(body) }
}

describe('stripe create', () => {
  it('creates a hosted Checkout Session in payment mode with the charge as one line item', async () => {
    const created = await gateway().create(charge({ payer: { email: 'payer@example.com' } }))
    const request = fake.requests.at(-1)!
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      idempotencyKey: 'att_01',
      authorization: `Bearer ${secretKey}`,
      stripeVersion: FAKE_STRIPE_API_VERSION,
    })
    expect(request.params).toEqual({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '1250', product_data: { name: 'Order #1001' } } }],
      success_url: 'https://shop.example/v1/payments/pay_01/attempts/att_01/return',
      cancel_url: 'https://shop.example/v1/payments/pay_01/attempts/att_01/cancel',
      client_reference_id: 'pay_01',
      metadata: { paymentId: 'pay_01', attemptId: 'att_01' },
      payment_intent_data: { metadata: { paymentId: 'pay_01', attemptId: 'att_01' } },
      locale: 'en',
      customer_email: 'payer@example.com',
    })
    const session = fake.sessions.get(created.reference)!
    expect(created.reference).toMatch(/^cs_test_/)
    expect(created.redirectUrl).toBe(session.url)
    expect(session).toMatchObject({
      object: 'checkout.session',
      amount_total: 1250,
      currency: 'usd',
      status: 'open',
      payment_status: 'unpaid',
    })
    // The payer's page exists where the URL points.
    const page = await fetch(created.redirectUrl)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('$12.50')
  })

  it('charges EUR in lower case and lets Stripe pick the language for a Persian payer', async () => {
    const { reference } = await gateway().create(charge({ currency: 'EUR', amount: 990n, locale: 'fa' }))
    expect(fake.requests.at(-1)!.params).toMatchObject({
      line_items: [{ price_data: { currency: 'eur', unit_amount: '990' } }],
      locale: 'auto',
    })
    expect(fake.sessions.get(reference)).toMatchObject({ amount_total: 990, currency: 'eur', locale: 'auto' })
  })

  it('returns the same session when an attempt is created again (Idempotency-Key = attempt id)', async () => {
    const g = gateway()
    const first = await g.create(charge())
    const second = await g.create(charge())
    expect(second).toEqual(first)
    expect(fake.sessions.size).toBe(1)
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(['att_01', 'att_01'])
  })

  it('is refused by Stripe when the attempt id comes back with other parameters (idempotency_error)', async () => {
    const g = gateway()
    await g.create(charge())
    const error = await failure(g.create(charge({ amount: 9999n })))
    expect([error.kind, error.details.code, error.details.httpStatus]).toEqual(['permanent', 'idempotency_error', 400])
    expect(error.message).toContain('Keys for idempotent requests can only be used with the same parameters')
  })

  it('passes Stripe’s refusal of a total below its minimum on as permanent', async () => {
    const error = await failure(gateway().create(charge({ amount: 10n })))
    expect([error.kind, error.details.httpStatus]).toEqual(['permanent', 400])
    expect(error.message).toContain('must add up to at least $0.50 usd')
  })

  it('refuses a currency it does not charge in without calling Stripe', async () => {
    const error = await failure(gateway().create(charge({ currency: 'IRR', amount: 1_000_000n })))
    expect(error.kind).toBe('permanent')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('stripe confirm', () => {
  it('is pending while the session is open, and succeeded with what Stripe collected once the payer paid', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toEqual({ status: 'pending' })
    fake.pay(reference)
    const verdict = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    const intentId = fake.sessions.get(reference)!.payment_intent as string
    expect(intentId).toMatch(/^pi_/)
    expect(verdict).toEqual({
      status: 'succeeded',
      amount: 1250n,
      currency: 'USD',
      captureId: intentId,
      // The card's fingerprint from the charge, for the fraud checks (the views do not show it).
      receipt: { checkoutSession: reference, paymentIntent: intentId, card_fingerprint: fake.cardFingerprint },
    })
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/v1/checkout/sessions/${reference}`,
      params: { expand: ['payment_intent.latest_charge'] },
    })
  })

  it('answers succeeded again when asked twice', async () => {
    const g = gateway()
    const { reference } = await g.create(charge({ currency: 'EUR' }))
    fake.pay(reference)
    const first = await g.confirm({ reference, amount: 1250n, currency: 'EUR' })
    const second = await g.confirm({ reference, amount: 1250n, currency: 'EUR' })
    expect(second).toEqual(first)
    expect(second).toMatchObject({ status: 'succeeded', amount: 1250n, currency: 'EUR' })
  })

  it('reports the amount as Stripe reports it, even when it differs from the charge', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.pay(reference, { amountTotal: 1000 })
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toMatchObject({
      status: 'succeeded',
      amount: 1000n,
      currency: 'USD',
    })
  })

  it('stays pending after a declined card (the payer can try again at Stripe), with the decline as reason', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.decline(reference)
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toEqual({
      status: 'pending',
      reason: 'card_declined/generic_decline: Your card was declined.',
    })
    fake.pay(reference)
    expect((await g.confirm({ reference, amount: 1250n, currency: 'USD' })).status).toBe('succeeded')
  })

  it('is canceled when the session expired, keeping the last decline as reason', async () => {
    const g = gateway()
    const plain = await g.create(charge())
    fake.expire(plain.reference)
    expect(await g.confirm({ reference: plain.reference, amount: 1250n, currency: 'USD' })).toEqual({
      status: 'canceled',
      reason: 'The Checkout Session expired unpaid',
    })
    const declined = await g.create(charge({ attemptId: 'att_02' }))
    fake.decline(declined.reference, { decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' })
    fake.expire(declined.reference)
    expect(await g.confirm({ reference: declined.reference, amount: 1250n, currency: 'USD' })).toEqual({
      status: 'canceled',
      reason: 'card_declined/insufficient_funds: Your card has insufficient funds.',
    })
  })

  it('is pending while a delayed payment settles, then succeeded or failed', async () => {
    const g = gateway()
    const good = await g.create(charge())
    fake.pay(good.reference, { delayed: true })
    expect(await g.confirm({ reference: good.reference, amount: 1250n, currency: 'USD' })).toEqual({ status: 'pending' })
    fake.settle(good.reference, 'succeeded')
    expect(await g.confirm({ reference: good.reference, amount: 1250n, currency: 'USD' })).toMatchObject({
      status: 'succeeded',
      amount: 1250n,
    })

    const bad = await g.create(charge({ attemptId: 'att_02' }))
    fake.pay(bad.reference, { delayed: true })
    fake.settle(bad.reference, 'failed')
    expect(await g.confirm({ reference: bad.reference, amount: 1250n, currency: 'USD' })).toEqual({
      status: 'failed',
      reason: 'payment_method_not_available: The debit was returned.',
    })
  })

  it('never takes what the browser brings back as proof: another paid session’s id changes nothing', async () => {
    const g = gateway()
    const unpaid = await g.create(charge())
    const paid = await g.create(charge({ attemptId: 'att_02' }))
    fake.pay(paid.reference)
    const verdict = await g.confirm({
      reference: unpaid.reference,
      amount: 1250n,
      currency: 'USD',
      returned: { session_id: paid.reference },
    })
    expect(verdict).toEqual({ status: 'pending' })
    expect(fake.requests.at(-1)!.path).toBe(`/v1/checkout/sessions/${unpaid.reference}`)
  })

  it('maps an unknown session (404 resource_missing) to permanent', async () => {
    const error = await failure(gateway().confirm({ reference: 'cs_test_doesnotexist', amount: 1250n, currency: 'USD' }))
    expect([error.kind, error.details.code, error.details.httpStatus]).toEqual(['permanent', 'resource_missing', 404])
    expect(error.message).toContain("No such checkout.session: 'cs_test_doesnotexist'")
  })
})

describe('stripe refund', () => {
  it('refunds the PaymentIntent in full (Idempotency-Key = refund id) with our reason kept in metadata', async () => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    const result = await g.refund({ refundId: 'ref_01', reference, captureId, amount: 1250n, currency: 'USD', reason: 'Customer asked' })
    expect(result).toEqual({ status: 'succeeded', gatewayRefundId: expect.stringMatching(/^re_/) })
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/refunds',
      idempotencyKey: 'ref_01',
      params: {
        payment_intent: captureId,
        amount: '1250',
        reason: 'requested_by_customer',
        metadata: { refundId: 'ref_01', reason: 'Customer asked' },
      },
    })
    const intent = fake.paymentIntents.get(captureId)!
    expect(fake.charges.get(intent.latest_charge)).toMatchObject({ amount_refunded: 1250, refunded: true })
  })

  it('refunds in parts, and Stripe refuses a refund above what is left', async () => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    const refund = (refundId: string, amount: bigint) => g.refund({ refundId, reference, captureId, amount, currency: 'USD' })
    expect((await refund('ref_01', 500n)).status).toBe('succeeded')
    expect((await refund('ref_02', 500n)).status).toBe('succeeded')
    const tooMuch = await failure(refund('ref_03', 300n))
    expect([tooMuch.kind, tooMuch.details.httpStatus]).toEqual(['permanent', 400])
    expect(tooMuch.message).toContain('Refund amount ($3.00) is greater than unrefunded amount on charge ($2.50)')
    expect((await refund('ref_04', 250n)).status).toBe('succeeded')
    const nothingLeft = await failure(refund('ref_05', 1n))
    expect([nothingLeft.kind, nothingLeft.details.code]).toEqual(['permanent', 'charge_already_refunded'])
    expect(fake.refunds.size).toBe(3)
  })

  it('returns the same refund when it is asked again with the same refund id', async () => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    const first = await g.refund({ refundId: 'ref_01', reference, captureId, amount: 400n, currency: 'USD' })
    const again = await g.refund({ refundId: 'ref_01', reference, captureId, amount: 400n, currency: 'USD' })
    expect(again).toEqual(first)
    expect(fake.refunds.size).toBe(1)
  })

  it('finds the PaymentIntent from the session when no capture id is stored', async () => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    await g.refund({ refundId: 'ref_01', reference, amount: 100n, currency: 'USD' })
    expect(fake.requests.at(-2)).toMatchObject({ method: 'GET', path: `/v1/checkout/sessions/${reference}` })
    expect(fake.requests.at(-1)!.params.payment_intent).toBe(captureId)
  })

  it('refuses to refund a session that was never paid', async () => {
    const g = gateway()
    const open = await g.create(charge())
    expect((await failure(g.refund({ refundId: 'ref_01', reference: open.reference, amount: 100n, currency: 'USD' }))).kind).toBe(
      'permanent',
    )
    fake.decline(open.reference) // a PaymentIntent exists now, without a successful charge
    const declined = await failure(g.refund({ refundId: 'ref_02', reference: open.reference, amount: 100n, currency: 'USD' }))
    expect([declined.kind, declined.details.httpStatus]).toEqual(['permanent', 400])
    expect(declined.message).toContain('does not have a successful charge to refund')
  })

  it('maps Stripe’s refund statuses: pending and requires_action to pending, failed and canceled to failed', async () => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    fake.refundOutcomes.push('pending', 'requires_action', 'failed', 'canceled')
    const refund = (refundId: string) => g.refund({ refundId, reference, captureId, amount: 100n, currency: 'USD' })
    expect(await refund('ref_01')).toMatchObject({ status: 'pending' })
    expect(await refund('ref_02')).toMatchObject({ status: 'pending', reason: expect.stringContaining('requires_action') })
    expect(await refund('ref_03')).toMatchObject({ status: 'failed', reason: 'Stripe refund failed: lost_or_stolen_card' })
    expect(await refund('ref_04')).toMatchObject({ status: 'failed', reason: 'Stripe refund canceled' })
  })

  it.each([
    ['duplicate', 'duplicate'],
    ['Duplicate charge', 'duplicate'],
    ['fraudulent', 'fraudulent'],
    ['Requested by customer', 'requested_by_customer'],
    ['Wrong size', 'requested_by_customer'],
    [undefined, undefined],
  ])('sends our reason %j as Stripe’s %j', async (reason, expected) => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    await g.refund({ refundId: 'ref_01', reference, captureId, amount: 100n, currency: 'USD', reason })
    expect(fake.requests.at(-1)!.params.reason).toBe(expected)
  })
})

describe('stripe errors', () => {
  it('maps a key Stripe refuses (401) to permanent, naming neither key', async () => {
    const wrongKey = 'sk_test_51WrongKeyWrongKeyWrongKey0123456789abcd'
    const error = await failure(gateway({ secretKey: wrongKey }).create(charge()))
    expect([error.kind, error.details.httpStatus, error.details.code]).toEqual(['permanent', 401, 'invalid_request_error'])
    expect(error.message).toContain('Invalid API Key provided: sk_test_*')
    expect(error.message).not.toContain(wrongKey)
  })

  it('maps Stripe’s 500 (api_error) to transient, without retrying (routing falls back instead)', async () => {
    fake.failNext(1, 500)
    const error = await failure(gateway().create(charge()))
    expect([error.kind, error.details.httpStatus, error.details.code]).toEqual(['transient', 500, 'api_error'])
    expect(fake.requests).toHaveLength(1)
  })

  it('maps 429 (rate_limit) to transient', async () => {
    fake.failNext(1, 429)
    const error = await failure(gateway().confirm({ reference: 'cs_test_x', amount: 1n, currency: 'USD' }))
    expect([error.kind, error.details.httpStatus, error.details.code]).toEqual(['transient', 429, 'rate_limit'])
  })

  it.each([502, 503, 504])('maps a proxy’s HTML %i to transient with its status', async (status) => {
    fake.failNext(1, status)
    const error = await failure(gateway().create(charge()))
    expect([error.kind, error.details.httpStatus]).toEqual(['transient', status])
    expect(fake.requests).toHaveLength(1)
  })

  it('maps a request that never answers to transient after the timeout', async () => {
    fake.hangNext(1)
    const error = await failure(gateway({ timeoutMs: 300 }).create(charge()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 300 ms/)
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    expect((await failure(gateway({ baseUrl: url }).create(charge()))).kind).toBe('transient')
  })

  it('redacts the key when a transport error repeats it', async () => {
    const leaky = async (input: string) => {
      throw new Error(`connect failed for ${input} with Authorization: Bearer ${secretKey}`)
    }
    const error = await failure(createStripeGateway({ secretKey, baseUrl: fake.url }, { fetch: leaky }).create(charge()))
    expect(error.kind).toBe('transient')
    expect(error.message).toContain('[redacted]')
  })
})

describe('stripe webhooks', () => {
  it('reads checkout.session.completed as a payment event with the session’s verdict', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.pay(reference)
    const event = fake.lastEvent('checkout.session.completed')!
    const intentId = fake.sessions.get(reference)!.payment_intent
    expect(await g.parseWebhook!(webhookOf(event))).toEqual({
      eventId: event.id,
      type: 'checkout.session.completed',
      kind: 'payment',
      reference,
      verdict: {
        status: 'succeeded',
        amount: 1250n,
        currency: 'USD',
        captureId: intentId,
        receipt: { checkoutSession: reference, paymentIntent: intentId },
      },
    })
  })

  it('reads what the fake posts over HTTP, signed like Stripe', async () => {
    const g = gateway()
    const received: GatewayEvent[] = []
    const receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      try {
        received.push(await g.parseWebhook!({ headers: flatten(req.headers), rawBody: Buffer.concat(chunks) }))
        res.writeHead(200).end()
      } catch (e) {
        res.writeHead(e instanceof WebhookRejected ? 400 : 500).end()
      }
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/payments/webhooks/stripe`
    try {
      const { reference } = await g.create(charge())
      fake.expire(reference)
      const event = fake.lastEvent('checkout.session.expired')!
      expect(await fake.webhook(url, event)).toBe(200)
      expect(received).toEqual([
        {
          eventId: event.id,
          type: 'checkout.session.expired',
          kind: 'payment',
          reference,
          verdict: { status: 'canceled', reason: 'The Checkout Session expired unpaid' },
        },
      ])
      expect(await fake.webhook(url, event, { secret: 'whsec_SomeoneElse0123456789' })).toBe(400)
    } finally {
      await new Promise((resolve) => receiver.close(resolve))
    }
  })

  it('reads delayed payments: completed unpaid is pending, then async_payment_succeeded / _failed', async () => {
    const g = gateway()
    const good = await g.create(charge())
    fake.pay(good.reference, { delayed: true })
    expect((await g.parseWebhook!(webhookOf(fake.lastEvent('checkout.session.completed')!))).verdict).toEqual({ status: 'pending' })
    fake.settle(good.reference, 'succeeded')
    const succeeded = await g.parseWebhook!(webhookOf(fake.lastEvent('checkout.session.async_payment_succeeded')!))
    expect(succeeded).toMatchObject({ kind: 'payment', reference: good.reference, verdict: { status: 'succeeded', amount: 1250n } })

    const bad = await g.create(charge({ attemptId: 'att_02' }))
    fake.pay(bad.reference, { delayed: true })
    fake.settle(bad.reference, 'failed')
    const failed = await g.parseWebhook!(webhookOf(fake.lastEvent('checkout.session.async_payment_failed')!))
    expect(failed).toMatchObject({ kind: 'payment', reference: bad.reference, verdict: { status: 'failed' } })
  })

  it('reads refund.created / refund.updated / refund.failed as refund events with the refund id', async () => {
    const g = gateway()
    const { reference, captureId } = await paidSession(g)
    fake.refundOutcomes.push('pending')
    const { gatewayRefundId } = await g.refund({ refundId: 'ref_01', reference, captureId, amount: 700n, currency: 'USD' })
    const created = await g.parseWebhook!(webhookOf(fake.lastEvent('refund.created')!))
    expect(created).toMatchObject({ kind: 'refund', type: 'refund.created', gatewayRefundId, refundStatus: 'pending' })
    fake.setRefundStatus(gatewayRefundId, 'failed')
    expect(await g.parseWebhook!(webhookOf(fake.lastEvent('refund.updated')!))).toMatchObject({
      kind: 'refund',
      gatewayRefundId,
      refundStatus: 'failed',
    })
    expect(await g.parseWebhook!(webhookOf(fake.lastEvent('refund.failed')!))).toMatchObject({ kind: 'refund', refundStatus: 'failed' })
    // This API version's charge carries no refund list: the event is a refund event without a refund id.
    const refunded = await g.parseWebhook!(webhookOf(fake.lastEvent('charge.refunded')!))
    expect(refunded).toEqual({ eventId: expect.stringMatching(/^evt_/), type: 'charge.refunded', kind: 'refund' })
  })

  it('reads other events as other', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.pay(reference)
    const event = fake.lastEvent('payment_intent.succeeded')!
    expect(await g.parseWebhook!(webhookOf(event))).toEqual({ eventId: event.id, type: 'payment_intent.succeeded', kind: 'other' })
  })

  it('rejects a wrong, missing, stale or garbled signature and a changed body', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.expire(reference)
    const event = fake.lastEvent('checkout.session.expired')!
    await rejected(g.parseWebhook!(webhookOf(event, { secret: 'whsec_NotTheEndpointSecret0123' })))
    const { rawBody } = webhookOf(event)
    expect((await rejected(g.parseWebhook!({ headers: {}, rawBody }))).message).toContain('no Stripe-Signature header')
    const stale = await rejected(g.parseWebhook!(webhookOf(event, { timestamp: Math.floor(Date.now() / 1000) - 301 })))
    expect(stale.message).toContain('Timestamp outside the tolerance zone')
    await rejected(g.parseWebhook!({ headers: { 'stripe-signature': 'garbage' }, rawBody }))
    const signed = webhookOf(event)
    const tampered = Buffer.from(signed.rawBody.toString('utf8').replace('"expired"', '"complete"'))
    await rejected(g.parseWebhook!({ headers: signed.headers, rawBody: tampered }))
  })

  it('accepts a signature just inside the 300 s tolerance', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.expire(reference)
    const event = fake.lastEvent('checkout.session.expired')!
    const result = await g.parseWebhook!(webhookOf(event, { timestamp: Math.floor(Date.now() / 1000) - 250 }))
    expect(result.eventId).toBe(event.id)
  })

  it('rejects a signed body that is not a Stripe event', async () => {
    const t = Math.floor(Date.now() / 1000)
    for (const body of ['not json', '{"hello":"world"}']) {
      const v1 = createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex')
      await rejected(gateway().parseWebhook!({ headers: { 'stripe-signature': `t=${t},v1=${v1}` }, rawBody: Buffer.from(body) }))
    }
  })

  it('rejects every webhook when no signing secret is configured', async () => {
    const g = gateway({ webhookSecret: undefined })
    const { reference } = await g.create(charge())
    fake.expire(reference)
    const error = await rejected(g.parseWebhook!(webhookOf(fake.lastEvent('checkout.session.expired')!)))
    expect(error.message).toContain('no webhook signing secret')
  })
})

describe('stripe config', () => {
  it('talks to api.stripe.com over HTTPS by default', async () => {
    const seen: string[] = []
    const stub = async (input: string) => {
      seen.push(input)
      return new Response(
        JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****ABCD' } }),
        {
          status: 401,
          headers: { 'content-type': 'application/json' },
        },
      )
    }
    await failure(createStripeGateway({ secretKey }, { fetch: stub }).create(charge()))
    expect(seen).toEqual(['https://api.stripe.com/v1/checkout/sessions'])
  })

  it('refuses settings that are not a Stripe secret key or a bare base URL, naming the field', () => {
    const fieldOf = (config: StripeConfig) => {
      try {
        createStripeGateway(config)
      } catch (e) {
        expect(e).toBeInstanceOf(AppError)
        return (e as AppError).extra.errors?.[0]?.field
      }
      return undefined
    }
    expect(fieldOf({ secretKey: 'pk_test_51PublishableKey0123' })).toBe('config.secretKey')
    expect(fieldOf({ secretKey, webhookSecret: 'not-a-whsec' })).toBe('config.webhookSecret')
    expect(fieldOf({ secretKey, baseUrl: 'https://proxy.example/stripe' })).toBe('config.baseUrl')
    expect(fieldOf({ secretKey, timeoutMs: 5 })).toBe('config.timeoutMs')
    expect(fieldOf({ secretKey: 'rk_live_51RestrictedKey0123', baseUrl: 'http://127.0.0.1:12111' })).toBeUndefined()
  })
})

function flatten(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]))
}
