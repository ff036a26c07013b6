// The PayPal adapter against the loopback fake (test/fakes/paypal.ts): orders, capture on confirm,
// refunds, OAuth token caching and renewal, error mapping, and webhook verification.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/core/http/errors'
import { ProviderError } from '../../../src/core/net/service-http'
import {
  createPaypalGateway,
  paypalConfigSchema,
  paypalSecretFields,
  type PaypalConfig,
} from '../../../src/modules/payments/gateways/paypal'
import { WebhookRejected, type Gateway, type GatewayCharge, type GatewayContext } from '../../../src/modules/payments/gateways/types'
import { startFakePayPal, type FakePayPal } from '../../fakes/paypal'
import { until } from '../../helpers/wait'

let fake: FakePayPal
beforeAll(async () => {
  fake = await startFakePayPal()
})
afterAll(async () => {
  await fake?.close()
})
beforeEach(() => {
  fake.reset()
})

function gateway(overrides: Partial<PaypalConfig> = {}, context: GatewayContext = {}): Gateway {
  return createPaypalGateway(
    {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      webhookId: fake.webhookId,
      baseUrl: fake.url,
      timeoutMs: 2_000,
      ...overrides,
    },
    context,
  )
}

let attempts = 0
function charge(overrides: Partial<GatewayCharge> = {}): GatewayCharge {
  const attemptId = `att_${++attempts}_${Date.now()}`
  return {
    paymentId: 'pay_01HZX3',
    attemptId,
    amount: 1250n,
    currency: 'USD',
    description: 'Caravan Pro — 1 month',
    returnUrl: `https://caravan.example/v1/payments/return/${attemptId}`,
    cancelUrl: `https://caravan.example/v1/payments/return/${attemptId}?canceled=1`,
    locale: 'en',
    ...overrides,
  }
}

const query = (url: string) => Object.fromEntries(new URL(url).searchParams)
const basic = () => Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')

/** The error a call rejects with: a ProviderError naming neither the secret nor its Basic form. */
async function providerError(promise: Promise<unknown>, secrets: string[] = []): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerErr = error as ProviderError
  const everything = `${providerErr.message} ${JSON.stringify(providerErr.details)} ${providerErr.stack}`
  for (const secret of [fake.clientSecret, basic(), ...secrets]) expect(everything).not.toContain(secret)
  return providerErr
}

async function rejected(promise: Promise<unknown>): Promise<WebhookRejected> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WebhookRejected)
  return error as WebhookRejected
}

/** Creates an order and has the payer approve it; returns the reference and the query PayPal sends back. */
async function approvedOrder(g: Gateway, overrides: Partial<GatewayCharge> = {}) {
  const created = await g.create(charge(overrides))
  const returned = query(fake.approve(created.reference))
  return { reference: created.reference, returned }
}

describe('paypal settings', () => {
  it('accepts the admin settings and refuses unknown or missing fields', () => {
    expect(Value.Check(paypalConfigSchema, { clientId: 'AbC', clientSecret: 'EfG', webhookId: '8PT597110X687430LKGECATA' })).toBe(true)
    expect(
      Value.Check(paypalConfigSchema, {
        clientId: 'AbC',
        clientSecret: 'EfG',
        baseUrl: 'https://api-m.sandbox.paypal.com',
        timeoutMs: 5000,
      }),
    ).toBe(true)
    expect(Value.Check(paypalConfigSchema, { clientId: 'AbC' })).toBe(false)
    expect(Value.Check(paypalConfigSchema, { clientId: 'AbC', clientSecret: 'EfG', sandbox: true })).toBe(false)
    expect(Value.Check(paypalConfigSchema, { clientId: 'AbC', clientSecret: 'EfG', baseUrl: 'ftp://x' })).toBe(false)
    expect(paypalSecretFields).toEqual(['clientSecret'])
  })

  it('refuses to build with bad settings, naming the field', () => {
    const error = (() => {
      try {
        gateway({ timeoutMs: 5 })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).extra.errors?.[0]?.field).toBe('config.timeoutMs')
    expect(() => createPaypalGateway({ clientId: 'AbC' } as PaypalConfig)).toThrow(AppError)
  })

  it('takes USD and EUR', () => {
    expect(gateway().currencies).toEqual(['USD', 'EUR'])
  })
})

describe('paypal create', () => {
  it('creates a CAPTURE order with the amount as a decimal string, our ids, and the payer-action link', async () => {
    const c = charge()
    const created = await gateway().create(c)
    const order = fake.orders.get(created.reference)!
    expect(order.request).toEqual({
      intent: 'CAPTURE',
      purchase_units: [
        {
          reference_id: 'pay_01HZX3',
          custom_id: c.attemptId,
          description: 'Caravan Pro — 1 month',
          amount: { currency_code: 'USD', value: '12.50' },
        },
      ],
      payment_source: {
        paypal: {
          experience_context: {
            return_url: c.returnUrl,
            cancel_url: c.cancelUrl,
            user_action: 'PAY_NOW',
            shipping_preference: 'NO_SHIPPING',
            locale: 'en-US',
          },
        },
      },
    })
    expect(order.status).toBe('PAYER_ACTION_REQUIRED')
    expect(created.redirectUrl).toBe(`${fake.url}/checkoutnow?token=${created.reference}`)
    expect(fake.requests.find((r) => r.path === '/v2/checkout/orders')).toMatchObject({ method: 'POST', requestId: c.attemptId })
  })

  it('formats EUR, prefills the payer email, leaves the locale to PayPal for Persian and cuts a long description', async () => {
    const created = await gateway().create(
      charge({ amount: 100_005n, currency: 'EUR', locale: 'fa', payer: { email: 'payer@example.com' }, description: 'x'.repeat(300) }),
    )
    const request = fake.orders.get(created.reference)!.request as {
      purchase_units: Array<{ amount: unknown; description: string }>
      payment_source: { paypal: { email_address?: string; experience_context: { locale?: string } } }
    }
    expect(request.purchase_units[0].amount).toEqual({ currency_code: 'EUR', value: '1000.05' })
    expect(request.purchase_units[0].description).toHaveLength(127)
    expect(request.payment_source.paypal.email_address).toBe('payer@example.com')
    expect(request.payment_source.paypal.experience_context.locale).toBeUndefined()
  })

  it('is idempotent per attempt: the same attempt id gives the same order (PayPal-Request-Id)', async () => {
    const c = charge()
    const g = gateway()
    const first = await g.create(c)
    const second = await g.create(c)
    expect(second).toEqual(first)
    expect(fake.orders.size).toBe(1)
  })

  it('refuses a currency PayPal is not set up for without calling PayPal', async () => {
    const error = await providerError(gateway().create(charge({ currency: 'IRR', amount: 500_000n })))
    expect(error.kind).toBe('permanent')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('paypal confirm', () => {
  it('captures an approved order: succeeded with the captured amount, currency and capture id', async () => {
    const g = gateway()
    const { reference, returned } = await approvedOrder(g)
    expect(returned).toEqual({ token: reference, PayerID: expect.any(String) })
    const verdict = await g.confirm({ reference, amount: 1250n, currency: 'USD', returned })
    const captureId = fake.orders.get(reference)!.captureIds[0]
    expect(verdict).toEqual({ status: 'succeeded', amount: 1250n, currency: 'USD', captureId, receipt: { transactionId: captureId } })
    expect(fake.captures.get(captureId)).toMatchObject({ status: 'COMPLETED', amount: { currency_code: 'USD', value: '12.50' } })
    const captureRequest = fake.requests.find((r) => r.path.endsWith('/capture'))!
    expect(captureRequest.requestId).toMatch(new RegExp(`^capture-${reference}-`))
    expect(captureRequest.prefer).toBe('return=representation')
  })

  it('answers succeeded again for an order already captured, without capturing twice', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    const first = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    const second = await gateway().confirm({ reference, amount: 1250n, currency: 'USD' })
    expect(second).toEqual(first)
    expect(fake.requests.filter((r) => r.path.endsWith('/capture'))).toHaveLength(1)
  })

  it('re-reads the order when the capture answers ORDER_ALREADY_CAPTURED (captured elsewhere meanwhile)', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    fake.preemptNextCapture()
    const verdict = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    expect(verdict).toMatchObject({ status: 'succeeded', amount: 1250n, captureId: fake.orders.get(reference)!.captureIds[0] })
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === `/v2/checkout/orders/${reference}`)).toHaveLength(2)
  })

  it('two confirms at once (return page and webhook) capture once and both succeed', async () => {
    const { reference } = await approvedOrder(gateway())
    const [a, b] = await Promise.all([
      gateway().confirm({ reference, amount: 1250n, currency: 'USD' }),
      gateway().confirm({ reference, amount: 1250n, currency: 'USD' }),
    ])
    expect(a).toEqual(b)
    expect(a.status).toBe('succeeded')
    expect(fake.orders.get(reference)!.captureIds).toHaveLength(1)
  })

  it('reports the amount PayPal captured, not the one we asked for', async () => {
    const g = gateway()
    const created = await g.create(charge())
    fake.tamperAmount(created.reference, '1.00')
    fake.approve(created.reference)
    expect(await g.confirm({ reference: created.reference, amount: 1250n, currency: 'USD' })).toMatchObject({
      status: 'succeeded',
      amount: 100n,
      currency: 'USD',
    })
  })

  it('is pending while the payer is still at PayPal, and captures nothing', async () => {
    const g = gateway()
    const created = await g.create(charge())
    expect(await g.confirm({ reference: created.reference, amount: 1250n, currency: 'USD' })).toEqual({ status: 'pending' })
    expect(fake.requests.some((r) => r.path.endsWith('/capture'))).toBe(false)
  })

  it('is canceled when the payer came back from PayPal without approving (cancel_url)', async () => {
    const g = gateway()
    const created = await g.create(charge())
    const returned = query(fake.cancel(created.reference))
    expect(returned.token).toBe(created.reference)
    expect(await g.confirm({ reference: created.reference, amount: 1250n, currency: 'USD', returned })).toMatchObject({
      status: 'canceled',
    })
  })

  it('is canceled for a VOIDED order and failed for one PayPal no longer knows', async () => {
    const g = gateway()
    const voided = await g.create(charge())
    fake.voidOrder(voided.reference)
    expect(await g.confirm({ reference: voided.reference, amount: 1250n, currency: 'USD' })).toMatchObject({ status: 'canceled' })
    const expired = await g.create(charge())
    fake.expireOrder(expired.reference)
    expect(await g.confirm({ reference: expired.reference, amount: 1250n, currency: 'USD' })).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^RESOURCE_NOT_FOUND/),
    })
  })

  it('stays pending on INSTRUMENT_DECLINED (the payer may pick another funding source), and captures after they approve again', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    fake.declineNextCapture()
    const declined = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    expect(declined).toEqual({ status: 'pending', reason: expect.stringMatching(/^INSTRUMENT_DECLINED: /) })
    // Nothing changed at PayPal: asking again repeats the same capture request and the same answer.
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toEqual(declined)
    const keys = fake.requests.filter((r) => r.path.endsWith('/capture')).map((r) => r.requestId)
    expect(keys[1]).toBe(keys[0])
    fake.approve(reference)
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toMatchObject({ status: 'succeeded', amount: 1250n })
    expect(fake.requests.filter((r) => r.path.endsWith('/capture')).at(-1)!.requestId).not.toBe(keys[0])
  })

  it('is pending while the capture is PENDING, then succeeded or failed as it settles', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    fake.holdNextCapture('PENDING_REVIEW')
    const held = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    const captureId = fake.orders.get(reference)!.captureIds[0]
    expect(held).toEqual({ status: 'pending', captureId, reason: 'capture PENDING: PENDING_REVIEW' })
    fake.settleCapture(captureId, 'COMPLETED')
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toMatchObject({ status: 'succeeded', captureId })

    const other = await approvedOrder(g)
    fake.holdNextCapture()
    await g.confirm({ reference: other.reference, amount: 1250n, currency: 'USD' })
    fake.settleCapture(fake.orders.get(other.reference)!.captureIds[0], 'DECLINED')
    expect(await g.confirm({ reference: other.reference, amount: 1250n, currency: 'USD' })).toEqual({
      status: 'failed',
      reason: 'capture DECLINED',
    })
  })
})

describe('paypal refunds', () => {
  async function captured(g: Gateway, amount = 1250n) {
    const { reference } = await approvedOrder(g, { amount })
    const verdict = await g.confirm({ reference, amount, currency: 'USD' })
    return { reference, captureId: verdict.captureId! }
  }

  it('refunds the whole capture with PayPal-Request-Id = refund id', async () => {
    const g = gateway()
    const { reference, captureId } = await captured(g)
    const result = await g.refund({ refundId: 'ref_1', reference, captureId, amount: 1250n, currency: 'USD', reason: 'Duplicate purchase' })
    const refund = [...fake.refunds.values()][0]
    expect(result).toEqual({ status: 'succeeded', gatewayRefundId: refund.id })
    expect(refund).toMatchObject({
      captureId,
      amount: { currency_code: 'USD', value: '12.50' },
      noteToPayer: 'Duplicate purchase',
      customId: 'ref_1',
    })
    expect(fake.requests.at(-1)).toMatchObject({ path: `/v2/payments/captures/${captureId}/refund`, requestId: 'ref_1' })
    expect(fake.captures.get(captureId)!.status).toBe('REFUNDED')
    // The payment stays paid after a refund: confirm still says succeeded.
    expect((await g.confirm({ reference, amount: 1250n, currency: 'USD' })).status).toBe('succeeded')
  })

  it("looks a refund up by PayPal's id (for one whose webhook was lost); an unknown id is refused", async () => {
    const g = gateway()
    const { reference, captureId } = await captured(g)
    const result = await g.refund({ refundId: 'ref_look', reference, captureId, amount: 250n, currency: 'USD' })
    expect(await g.refundStatus!(result.gatewayRefundId, { amount: 250n })).toEqual({
      status: 'succeeded',
      gatewayRefundId: result.gatewayRefundId,
    })
    const unknown = await g.refundStatus!('NOSUCHREFUND', { amount: 250n }).catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(ProviderError)
    expect((unknown as ProviderError).kind).toBe('permanent')
  })

  it('refunds in parts, finds the capture from the order when not given, and PayPal refuses more than is left', async () => {
    const g = gateway()
    const { reference, captureId } = await captured(g)
    expect(await g.refund({ refundId: 'ref_a', reference, amount: 500n, currency: 'USD' })).toMatchObject({ status: 'succeeded' })
    expect(await g.refund({ refundId: 'ref_b', reference, captureId, amount: 700n, currency: 'USD' })).toMatchObject({
      status: 'succeeded',
    })
    expect(fake.captures.get(captureId)!.status).toBe('PARTIALLY_REFUNDED')
    const error = await providerError(g.refund({ refundId: 'ref_c', reference, captureId, amount: 100n, currency: 'USD' }))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ code: 'REFUND_AMOUNT_EXCEEDED', httpStatus: 422 })
    expect(await g.refund({ refundId: 'ref_d', reference, captureId, amount: 50n, currency: 'USD' })).toMatchObject({ status: 'succeeded' })
    expect(fake.captures.get(captureId)!.status).toBe('REFUNDED')
  })

  it('repeats nothing when the same refund is asked for twice', async () => {
    const g = gateway()
    const { reference, captureId } = await captured(g)
    const first = await g.refund({ refundId: 'ref_same', reference, captureId, amount: 300n, currency: 'USD' })
    const second = await g.refund({ refundId: 'ref_same', reference, captureId, amount: 300n, currency: 'USD' })
    expect(second).toEqual(first)
    expect(fake.refunds.size).toBe(1)
  })

  it('reports a PENDING refund as pending', async () => {
    const g = gateway()
    const { reference, captureId } = await captured(g)
    fake.holdNextRefund()
    const result = await g.refund({ refundId: 'ref_p', reference, captureId, amount: 1250n, currency: 'USD' })
    expect(result).toEqual({ status: 'pending', gatewayRefundId: [...fake.refunds.keys()][0], reason: 'refund PENDING: ECHECK' })
  })

  it('refuses to refund an order that was never captured', async () => {
    const g = gateway()
    const created = await g.create(charge())
    expect((await providerError(g.refund({ refundId: 'ref_x', reference: created.reference, amount: 100n, currency: 'USD' }))).kind).toBe(
      'permanent',
    )
  })
})

describe('paypal access token', () => {
  it('asks for a token once and reuses it', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    await g.create(charge())
    expect(fake.tokenRequests()).toBe(1)
    const tokenRequest = fake.requests.find((r) => r.path === '/v1/oauth2/token')
    expect(tokenRequest?.method).toBe('POST')
  })

  it('shares one token request between calls made at the same moment', async () => {
    const g = gateway()
    await Promise.all(Array.from({ length: 5 }, () => g.create(charge())))
    expect(fake.tokenRequests()).toBe(1)
    expect(fake.orders.size).toBe(5)
  })

  it('renews the token shortly before it expires', async () => {
    let clock = Date.now()
    const g = gateway({ now: () => clock })
    await g.create(charge())
    clock += (32_400 - 10 * 60) * 1000 // ten minutes before expiry: still good
    await g.create(charge())
    expect(fake.tokenRequests()).toBe(1)
    clock += 6 * 60 * 1000 // four minutes before expiry: renewed
    await g.create(charge())
    expect(fake.tokenRequests()).toBe(2)
  })

  it('drops a token PayPal no longer accepts and retries once with a new one', async () => {
    const g = gateway()
    await g.create(charge())
    fake.expireTokens()
    const created = await g.create(charge())
    expect(fake.orders.has(created.reference)).toBe(true)
    expect(fake.tokenRequests()).toBe(2)
  })

  it('gives up after one renewal when PayPal keeps answering 401', async () => {
    const g = gateway()
    await g.create(charge())
    fake.failNext(2, 401)
    const error = await providerError(g.create(charge()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ code: 'AUTHENTICATION_FAILURE', httpStatus: 401 })
    expect(fake.tokenRequests()).toBe(2)
  })

  it('maps wrong credentials (401 invalid_client) to permanent, naming no secret', async () => {
    const wrongSecret = 'EWrongSecret0123456789abcdefghij'
    const error = await providerError(gateway({ clientSecret: wrongSecret }).create(charge()), [
      wrongSecret,
      Buffer.from(`${fake.clientId}:${wrongSecret}`).toString('base64'),
    ])
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ code: 'invalid_client', httpStatus: 401 })
    expect(error.message).toMatch(/Client Authentication failed/)
  })

  it('never names the access token, even when a transport error repeats the request', async () => {
    let token = ''
    const leaky: GatewayContext['fetch'] = async (url, init) => {
      if (url.endsWith('/v1/oauth2/token')) {
        const answer = await fetch(url, init)
        const body = (await answer.json()) as { access_token: string }
        token = body.access_token
        return new Response(JSON.stringify(body), { status: answer.status, headers: { 'content-type': 'application/json' } })
      }
      throw new Error(`socket hang up sending ${JSON.stringify(init.headers)}`)
    }
    const error = await providerError(gateway({}, { fetch: leaky }).create(charge()))
    expect(token).not.toBe('')
    expect(error.kind).toBe('transient')
    expect(error.message).not.toContain(token)
    expect(error.message).toContain('[redacted]')
  })
})

describe('paypal failures', () => {
  it.each([500, 502, 503, 429])('maps HTTP %i from the API to transient', async (status) => {
    const g = gateway()
    await g.create(charge())
    fake.failNext(1, status)
    const error = await providerError(g.create(charge()))
    expect(error.kind).toBe('transient')
    expect(error.details.httpStatus).toBe(status)
  })

  it('maps an outage at the token endpoint to transient', async () => {
    fake.failNext(1, 503, 'token')
    const error = await providerError(gateway().create(charge()))
    expect([error.kind, error.details.httpStatus]).toEqual(['transient', 503])
  })

  it('maps a capture that never answers to transient after the timeout; the next confirm still captures once', async () => {
    const { reference } = await approvedOrder(gateway())
    const g = gateway({ timeoutMs: 300 })
    await g.create(charge()) // holds a token from here on
    fake.hangNext(1)
    const error = await providerError(g.confirm({ reference, amount: 1250n, currency: 'USD' }))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 300 ms/)
    expect(await g.confirm({ reference, amount: 1250n, currency: 'USD' })).toMatchObject({ status: 'succeeded' })
    expect(fake.orders.get(reference)!.captureIds).toHaveLength(1)
  })

  it('maps a token request that never answers to transient', async () => {
    fake.hangNext(1, 'token')
    const error = await providerError(gateway({ timeoutMs: 300 }).create(charge()))
    expect(error.kind).toBe('transient')
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    expect((await providerError(gateway({ baseUrl: url }).create(charge()))).kind).toBe('transient')
  })
})

describe('paypal webhooks', () => {
  async function capturedOrder(g: Gateway) {
    const { reference } = await approvedOrder(g)
    const verdict = await g.confirm({ reference, amount: 1250n, currency: 'USD' })
    return { reference, captureId: verdict.captureId! }
  }

  it('verifies a signed CHECKOUT.ORDER.APPROVED with PayPal and reads the order id', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    const event = fake.orderEvent(reference)
    expect(await g.parseWebhook!(fake.signedWebhook(event))).toEqual({
      eventId: event.id,
      type: 'CHECKOUT.ORDER.APPROVED',
      kind: 'payment',
      reference,
      verdict: { status: 'pending' },
    })
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/notifications/verify-webhook-signature' })
  })

  it('reads capture events: the order id from supplementary_data, the verdict from the capture', async () => {
    const g = gateway()
    const { reference, captureId } = await capturedOrder(g)
    const completed = fake.captureEvent(captureId)
    expect(await g.parseWebhook!(fake.signedWebhook(completed))).toEqual({
      eventId: completed.id,
      type: 'PAYMENT.CAPTURE.COMPLETED',
      kind: 'payment',
      reference,
      verdict: { status: 'succeeded', amount: 1250n, currency: 'USD', captureId, receipt: { transactionId: captureId } },
    })

    const other = await approvedOrder(g)
    fake.holdNextCapture()
    await g.confirm({ reference: other.reference, amount: 1250n, currency: 'USD' })
    const heldId = fake.orders.get(other.reference)!.captureIds[0]
    expect(await g.parseWebhook!(fake.signedWebhook(fake.captureEvent(heldId)))).toMatchObject({
      type: 'PAYMENT.CAPTURE.PENDING',
      reference: other.reference,
      verdict: { status: 'pending' },
    })
    fake.settleCapture(heldId, 'DECLINED')
    expect(await g.parseWebhook!(fake.signedWebhook(fake.captureEvent(heldId)))).toMatchObject({
      type: 'PAYMENT.CAPTURE.DENIED',
      kind: 'payment',
      reference: other.reference,
      verdict: { status: 'failed' },
    })
  })

  it('reads refund events with the refund id', async () => {
    const g = gateway()
    const { reference, captureId } = await capturedOrder(g)
    const { gatewayRefundId } = await g.refund({ refundId: 'ref_w', reference, captureId, amount: 1250n, currency: 'USD' })
    const refunded = fake.refundEvent(gatewayRefundId)
    expect(await g.parseWebhook!(fake.signedWebhook(refunded))).toEqual({
      eventId: refunded.id,
      type: 'PAYMENT.CAPTURE.REFUNDED',
      kind: 'refund',
      gatewayRefundId,
      refundStatus: 'succeeded',
    })
    expect(await g.parseWebhook!(fake.signedWebhook(fake.refundEvent(gatewayRefundId, 'PAYMENT.REFUND.PENDING')))).toMatchObject({
      kind: 'refund',
      gatewayRefundId,
    })
  })

  it('passes other events through as kind other', async () => {
    const event = fake.event('CUSTOMER.DISPUTE.CREATED', 'dispute', { dispute_id: 'PP-D-27803' })
    expect(await gateway().parseWebhook!(fake.signedWebhook(event))).toEqual({
      eventId: event.id,
      type: 'CUSTOMER.DISPUTE.CREATED',
      kind: 'other',
    })
  })

  it('rejects a tampered body (PayPal answers FAILURE)', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    const delivery = fake.signedWebhook(fake.orderEvent(reference))
    const rawBody = Buffer.from(delivery.rawBody.toString().replace(reference, 'OTHERORDER0000000'))
    expect((await rejected(g.parseWebhook!({ headers: delivery.headers, rawBody }))).message).toMatch(/FAILURE/)
  })

  it('rejects a signature made for another webhook id, or checked against another one', async () => {
    const event = fake.event('CHECKOUT.ORDER.APPROVED', 'checkout-order', { id: 'ABC' })
    await rejected(gateway().parseWebhook!(fake.signedWebhook(event, { webhookId: '1AB23456CD789012E' })))
    await rejected(gateway({ webhookId: '1AB23456CD789012E' }).parseWebhook!(fake.signedWebhook(event)))
  })

  it('rejects missing headers, a stale transmission and a foreign certificate URL without asking PayPal', async () => {
    const g = gateway()
    const event = fake.event('CHECKOUT.ORDER.APPROVED', 'checkout-order', { id: 'ABC' })
    const delivery = fake.signedWebhook(event)
    for (const name of [
      'paypal-transmission-sig',
      'paypal-transmission-id',
      'paypal-transmission-time',
      'paypal-cert-url',
      'paypal-auth-algo',
    ]) {
      const headers = { ...delivery.headers, [name]: undefined }
      expect((await rejected(g.parseWebhook!({ headers, rawBody: delivery.rawBody }))).message).toContain(name)
    }
    const stale = fake.signedWebhook(event, { transmissionTime: new Date(Date.now() - 2 * 3600_000) })
    expect((await rejected(g.parseWebhook!(stale))).message).toMatch(/stale/)
    const foreign = { ...delivery.headers, 'paypal-cert-url': 'https://attacker.example/cert.pem' }
    await rejected(g.parseWebhook!({ headers: foreign, rawBody: delivery.rawBody }))
    await rejected(g.parseWebhook!({ headers: delivery.headers, rawBody: Buffer.from('not json') }))
    expect(fake.requests).toHaveLength(0)
  })

  it('rejects every webhook when no webhook id is configured', async () => {
    const delivery = fake.signedWebhook(fake.event('CHECKOUT.ORDER.APPROVED', 'checkout-order', { id: 'ABC' }))
    expect((await rejected(gateway({ webhookId: undefined }).parseWebhook!(delivery))).message).toMatch(/webhookId/)
  })

  it('maps a verification outage to transient (PayPal delivers again later)', async () => {
    const g = gateway()
    await g.create(charge())
    fake.failNext(1, 503)
    const delivery = fake.signedWebhook(fake.event('CHECKOUT.ORDER.APPROVED', 'checkout-order', { id: 'ABC' }))
    expect((await providerError(g.parseWebhook!(delivery))).kind).toBe('transient')
  })

  it('accepts a delivery as PayPal POSTs it to our endpoint', async () => {
    const g = gateway()
    const { reference } = await approvedOrder(g)
    const received: Array<{ headers: Record<string, string | undefined>; rawBody: Buffer }> = []
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string | undefined>, rawBody: Buffer.concat(chunks) })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    try {
      const answer = await fake.webhook(
        `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/payments/webhooks/paypal`,
        fake.orderEvent(reference),
      )
      expect(answer.status).toBe(200)
      const delivery = await until(() => received[0], 5_000, 'webhook delivery')
      expect(delivery.headers['paypal-auth-algo']).toBe('SHA256withRSA')
      expect(await g.parseWebhook!(delivery)).toMatchObject({ kind: 'payment', reference })
    } finally {
      await new Promise((resolve) => receiver.close(resolve))
    }
  })
})
