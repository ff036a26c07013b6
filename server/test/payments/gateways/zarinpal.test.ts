import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/core/http/errors'
import { ProviderError } from '../../../src/core/net/service-http'
import type { Gateway, GatewayCharge, GatewayVerdict } from '../../../src/modules/payments/gateways/types'
import {
  createZarinpalGateway,
  zarinpalConfigSchema,
  zarinpalSecretFields,
  type ZarinpalConfig,
} from '../../../src/modules/payments/gateways/zarinpal'
import { startFakeZarinpal, type FakeZarinpal } from '../../fakes/zarinpal'

const merchantId = '1344b5d4-0048-11e8-94db-005056a205be'
const accessToken = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.caravan-test-token'
const terminalId = '238'

let fake: FakeZarinpal
beforeAll(async () => {
  fake = await startFakeZarinpal({ merchantId, accessToken, terminalId })
})
afterAll(async () => {
  await fake?.close()
})
beforeEach(() => {
  fake.reset()
})

function gateway(overrides: Partial<ZarinpalConfig> = {}): Gateway {
  return createZarinpalGateway({
    merchantId,
    accessToken,
    terminalId,
    baseUrl: fake.url,
    graphqlUrl: `${fake.url}/api/v4/graphql`,
    timeoutMs: 2_000,
    ...overrides,
  })
}

function charge(overrides: Partial<GatewayCharge> = {}): GatewayCharge {
  return {
    paymentId: 'pay_1',
    attemptId: 'att_1',
    amount: 1_250_000n,
    currency: 'IRR',
    description: 'سفارش ۱۲۳',
    returnUrl: 'https://shop.example/payments/att_1/return',
    cancelUrl: 'https://shop.example/payments/att_1/cancel',
    ...overrides,
  }
}

/** The query the payer's browser brings back from the callback URL Zarinpal sends it to. */
function returnedFrom(callback: string): Record<string, string> {
  return Object.fromEntries(new URL(callback).searchParams)
}

/** Creates an attempt, lets the payer pay, and confirms it: the verified attempt. */
async function paid(g = gateway(), amount = 1_250_000n) {
  const created = await g.create(charge({ amount }))
  const returned = returnedFrom(fake.pay(created.reference))
  const verdict = await g.confirm({ reference: created.reference, amount, currency: 'IRR', returned })
  expect(verdict.status).toBe('succeeded')
  return { reference: created.reference, verdict }
}

/** The ProviderError a call rejects with, checked to name neither secret. */
async function providerError(call: Promise<unknown>): Promise<ProviderError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  const everything = `${providerError.message} ${JSON.stringify(providerError.details)} ${providerError.stack}`
  expect(everything).not.toContain(merchantId)
  expect(everything).not.toContain(accessToken)
  return providerError
}

describe('zarinpal settings', () => {
  it('needs a 36-character merchant id and refuses unknown settings, naming the field', () => {
    for (const [config, field] of [
      [{ merchantId: 'not-a-uuid' }, 'config.merchantId'],
      [{ merchantId, apiKey: 'x' }, 'config.apiKey'],
      [{ merchantId, refundMethod: 'WIRE' }, 'config.refundMethod'],
    ] as const) {
      const error = (() => {
        try {
          createZarinpalGateway(config as unknown as ZarinpalConfig)
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(AppError)
      expect(JSON.stringify((error as AppError).extra.errors)).toContain(field)
    }
  })

  it('seals the merchant id and the access token, and is a TypeBox object without extra properties', () => {
    expect(zarinpalSecretFields).toEqual(['merchantId', 'accessToken'])
    expect(JSON.parse(JSON.stringify(zarinpalConfigSchema))).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['merchantId'],
    })
    const g = gateway()
    expect([g.name, g.currencies, g.parseWebhook]).toEqual(['zarinpal', ['IRR'], undefined])
  })
})

describe('zarinpal create', () => {
  it('posts the request as Zarinpal wants it and sends the payer to StartPay', async () => {
    const created = await gateway().create(charge({ payer: { mobile: '+989121234567', email: 'payer@example.com' } }))
    expect(created.reference).toMatch(/^A[0-9a-z]{35}$/)
    expect(created.redirectUrl).toBe(`${fake.url}/pg/StartPay/${created.reference}`)
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/pg/v4/payment/request.json',
      body: {
        merchant_id: merchantId,
        amount: 1_250_000,
        currency: 'IRR',
        callback_url: 'https://shop.example/payments/att_1/return',
        description: 'سفارش ۱۲۳',
        metadata: { order_id: 'pay_1', mobile: '09121234567', email: 'payer@example.com' },
      },
    })
    expect(fake.payments.get(created.reference)).toMatchObject({ amount: 1_250_000, status: 'IN_BANK' })
    expect((await fetch(created.redirectUrl)).status).toBe(200)
  })

  it('leaves out a mobile number Zarinpal would refuse (not Iranian)', async () => {
    const created = await gateway().create(charge({ payer: { mobile: '+447911123456' } }))
    expect(fake.payments.get(created.reference)!.metadata).toEqual({ order_id: 'pay_1' })
  })

  it('charges IRR only, without calling Zarinpal', async () => {
    const before = fake.requests.length
    const error = await providerError(gateway().create(charge({ currency: 'USD', amount: 1250n })))
    expect(error.kind).toBe('permanent')
    expect(error.message).toMatch(/IRR only/)
    expect(fake.requests.length).toBe(before)
  })

  it('refuses an amount that is not a positive safe integer, without calling Zarinpal', async () => {
    const before = fake.requests.length
    for (const amount of [0n, 2n ** 53n]) {
      expect((await providerError(gateway().create(charge({ amount })))).kind).toBe('permanent')
    }
    expect(fake.requests.length).toBe(before)
  })

  it('maps a validation refusal (-9, amount below 1000 Rials) to permanent with the field', async () => {
    const error = await providerError(gateway().create(charge({ amount: 500n })))
    expect([error.kind, error.details.code, error.details.httpStatus]).toEqual(['permanent', -9, 422])
    expect(error.message).toContain('amount: The amount must be at least 1000.')
  })

  it('maps a wrong merchant id (-11) to permanent, naming no form of it', async () => {
    const wrong = '00000000-1111-2222-3333-444444444444'
    const error = await providerError(gateway({ merchantId: wrong }).create(charge()))
    expect([error.kind, error.details.code]).toEqual(['permanent', -11])
    expect(error.message).not.toContain(wrong)
  })

  it('maps an inactive terminal (-11) to permanent', async () => {
    fake.terminal.active = false
    const error = await providerError(gateway().create(charge()))
    expect([error.kind, error.details.code]).toEqual(['permanent', -11])
  })

  it('maps too many attempts (-12) to transient', async () => {
    fake.answerNext(1, -12)
    const error = await providerError(gateway().create(charge()))
    expect([error.kind, error.details.code, error.details.httpStatus]).toEqual(['transient', -12, 429])
  })

  it.each([500, 502, 503])('maps HTTP %i without a Zarinpal envelope to transient', async (status) => {
    fake.failNext(1, status)
    const error = await providerError(gateway().create(charge()))
    expect([error.kind, error.details.httpStatus]).toEqual(['transient', status])
  })

  it('maps a request that never answers to transient after the timeout', async () => {
    fake.hangNext(1)
    const error = await providerError(gateway({ timeoutMs: 200 }).create(charge()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 200 ms/)
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    expect((await providerError(gateway({ baseUrl: url }).create(charge()))).kind).toBe('transient')
  })

  it('redacts the merchant id when a transport error repeats the request', async () => {
    const leaky = async (_url: string, init: RequestInit) => {
      throw new Error(`connection reset while sending ${String(init.body)}`)
    }
    const g = createZarinpalGateway({ merchantId, baseUrl: fake.url }, { fetch: leaky })
    const error = await providerError(g.create(charge()))
    expect(error.kind).toBe('transient')
    expect(error.message).toContain('[redacted]')
  })
})

describe('zarinpal confirm', () => {
  it('verifies a paid attempt: succeeded with the amount, IRR, ref_id and card mask', async () => {
    const g = gateway()
    const created = await g.create(charge())
    const returned = returnedFrom(fake.pay(created.reference))
    expect(returned).toEqual({ Authority: created.reference, Status: 'OK' })
    const verdict = await g.confirm({ reference: created.reference, amount: 1_250_000n, currency: 'IRR', returned })
    const payment = fake.payments.get(created.reference)!
    expect(verdict).toEqual({
      status: 'succeeded',
      amount: 1_250_000n,
      currency: 'IRR',
      captureId: String(payment.refId),
      receipt: { ref_id: String(payment.refId), card_pan: '502229******5995', card_hash: fake.cardHash },
    })
    expect(payment.status).toBe('VERIFIED')
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/pg/v4/payment/verify.json',
      body: { merchant_id: merchantId, amount: 1_250_000, authority: created.reference },
    })
  })

  it('answers succeeded again for an attempt verified before (101)', async () => {
    const g = gateway()
    const { reference, verdict } = await paid(g)
    expect(await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' })).toEqual(verdict)
  })

  it('is pending while the payer is still at the gateway (verify -51, inquiry IN_BANK)', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    expect(await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' })).toEqual({ status: 'pending' })
    expect(fake.requests.slice(-2).map((r) => r.path)).toEqual(['/pg/v4/payment/verify.json', '/pg/v4/payment/inquiry.json'])
  })

  it('never succeeds on the payer’s word: a forged Status=OK on an unpaid attempt is pending', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    const verdict = await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR', returned: { Authority: reference, Status: 'OK' } })
    expect(verdict.status).toBe('pending')
  })

  it('is canceled when the payer comes back with Status=NOK, without asking Zarinpal', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    const returned = returnedFrom(fake.cancel(reference))
    const before = fake.requests.length
    const verdict = await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR', returned })
    expect(verdict.status).toBe('canceled')
    expect(fake.requests.length).toBe(before)
  })

  it('does not take a Status=NOK that names another authority', async () => {
    const g = gateway()
    const { verdict, reference } = await paid(g)
    const other = 'A0000000000000000000000000000000000z'
    expect(await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR', returned: { Authority: other, Status: 'NOK' } })).toEqual(
      verdict,
    )
  })

  it('is failed for a canceled attempt reconciled without the payer’s return (inquiry FAILED)', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.cancel(reference)
    expect(await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' })).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^FAILED/),
    })
  })

  it('is failed for a reversed attempt', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.payments.get(reference)!.status = 'REVERSED'
    expect((await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' })).status).toBe('failed')
  })

  it('is never succeeded when Zarinpal holds another amount (-50): failed, left unverified', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    const returned = returnedFrom(fake.pay(reference))
    fake.tamper(reference, 1_000)
    const verdict: GatewayVerdict = await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR', returned })
    expect(verdict).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^-50 /) })
    expect(verdict.amount).toBeUndefined()
    expect(fake.payments.get(reference)!.status).toBe('PAID')
  })

  it('verifies an attempt inquiry reports PAID although verify had answered -51 a moment before', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.pay(reference)
    fake.answerNext(1, -51)
    const verdict = await g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' })
    expect(verdict.status).toBe('succeeded')
    expect(fake.requests.slice(-3).map((r) => r.path)).toEqual([
      '/pg/v4/payment/verify.json',
      '/pg/v4/payment/inquiry.json',
      '/pg/v4/payment/verify.json',
    ])
  })

  it('is failed for an authority Zarinpal does not know (-54)', async () => {
    const verdict = await gateway().confirm({ reference: 'A000000000000000000000000000nosuch01', amount: 1_250_000n, currency: 'IRR' })
    expect(verdict).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^-54 /) })
  })

  it('maps a wrong merchant id at verify to permanent, naming no secret', async () => {
    const { reference } = await gateway().create(charge())
    const g = gateway({ merchantId: '00000000-1111-2222-3333-444444444444' })
    const error = await providerError(g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' }))
    expect([error.kind, error.details.code]).toEqual(['permanent', -11])
  })

  it('maps an outage (5xx) and a hang at verify to transient', async () => {
    const g = gateway({ timeoutMs: 200 })
    const { reference } = await g.create(charge())
    fake.failNext(1, 503)
    expect((await providerError(g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' }))).kind).toBe('transient')
    fake.hangNext(1)
    expect((await providerError(g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' }))).kind).toBe('transient')
  })

  it('maps -52 (Zarinpal’s own error) at inquiry to transient', async () => {
    const g = gateway()
    const { reference } = await g.create(charge())
    fake.answerNext(1, -51)
    fake.answerNext(1, -52)
    const error = await providerError(g.confirm({ reference, amount: 1_250_000n, currency: 'IRR' }))
    expect([error.kind, error.details.code]).toEqual(['transient', -52])
  })
})

describe('zarinpal refund', () => {
  it('refunds in full: looks the session up by ref_id and adds a PAYA refund with our refund id', async () => {
    const g = gateway()
    const { reference, verdict } = await paid(g)
    const sessionId = fake.payments.get(reference)!.sessionId
    const result = await g.refund({
      refundId: 'ref_1',
      reference,
      captureId: verdict.captureId,
      amount: 1_250_000n,
      currency: 'IRR',
      reason: 'Order canceled',
    })
    expect(result).toEqual({ status: 'pending', gatewayRefundId: `${sessionId}:ref_1` })
    expect(fake.refunds).toEqual([
      {
        sessionId,
        amount: 1_250_000,
        description: 'Order canceled (Caravan refund ref_1)',
        method: 'PAYA',
        reason: 'CUSTOMER_REQUEST',
        time: expect.stringMatching(/\+03:30$/),
        status: 'PENDING',
      },
    ])
    const calls = fake.requests.slice(-2)
    expect(calls.map((c) => [c.path, c.authorization])).toEqual([
      ['/api/v4/graphql', `Bearer ${accessToken}`],
      ['/api/v4/graphql', `Bearer ${accessToken}`],
    ])
    expect(calls[0].body).toMatchObject({ variables: { terminal_id: terminalId, reference_id: verdict.captureId } })
    expect(calls[1].body).toMatchObject({ variables: { session_id: sessionId, amount: 1_250_000 } })
  })

  it('refunds in parts, and the gateway refuses more than is left', async () => {
    const g = gateway({ refundMethod: 'CARD' })
    const { reference, verdict } = await paid(g)
    const refund = (refundId: string, amount: bigint) =>
      g.refund({ refundId, reference, captureId: verdict.captureId, amount, currency: 'IRR' })
    await expect(refund('r1', 1_000_000n)).resolves.toMatchObject({ status: 'pending' })
    const error = await providerError(refund('r2', 300_000n))
    expect([error.kind, error.details.code]).toEqual(['permanent', 'validation'])
    expect(error.message).toMatch(/more than the refundable amount/)
    await expect(refund('r3', 250_000n)).resolves.toMatchObject({ status: 'pending' })
    expect(fake.refunds.map((r) => [r.amount, r.method])).toEqual([
      [1_000_000, 'CARD'],
      [250_000, 'CARD'],
    ])
  })

  it('looks a pending refund up later by its session: pending, then paid out or failed; another refund’s state is not taken for ours', async () => {
    const g = gateway()
    const { reference, verdict } = await paid(g)
    const sessionId = fake.payments.get(reference)!.sessionId
    const refund = (refundId: string, amount: bigint) =>
      g.refund({ refundId, reference, captureId: verdict.captureId, amount, currency: 'IRR' })
    const first = await refund('r1', 1_000_000n)
    expect(await g.refundStatus!(first.gatewayRefundId, { amount: 1_000_000n })).toEqual({
      status: 'pending',
      gatewayRefundId: `${sessionId}:r1`,
    })
    expect(fake.requests.at(-1)!.body).toMatchObject({ variables: { terminal_id: terminalId, id: sessionId } })
    fake.settleRefund(sessionId, 'DONE')
    expect(await g.refundStatus!(first.gatewayRefundId, { amount: 1_000_000n })).toMatchObject({ status: 'succeeded' })
    // A second, smaller refund is now the session's latest: the first cannot be read from it any more.
    const second = await refund('r2', 250_000n)
    fake.settleRefund(sessionId, 'FAILED')
    expect(await g.refundStatus!(second.gatewayRefundId, { amount: 250_000n })).toEqual({
      status: 'failed',
      reason: 'Zarinpal refund_status FAILED',
      gatewayRefundId: `${sessionId}:r2`,
    })
    expect(await g.refundStatus!(first.gatewayRefundId, { amount: 1_000_000n })).toMatchObject({ status: 'pending' })
    // An unknown session is asked again at the next sweep.
    expect((await providerError(g.refundStatus!('999:r9', { amount: 1n }))).kind).toBe('transient')
  })

  it('is refused below Zarinpal’s 20,000 Rial minimum', async () => {
    const g = gateway()
    const { reference, verdict } = await paid(g)
    const error = await providerError(
      g.refund({ refundId: 'r', reference, captureId: verdict.captureId, amount: 10_000n, currency: 'IRR' }),
    )
    expect(error.kind).toBe('permanent')
    expect(error.message).toContain('amount: The amount must be at least 20000.')
  })

  it.each([
    ['DONE', 'succeeded'],
    ['FAILED', 'failed'],
    ['SOMETHING_NEW', 'pending'],
  ] as const)('reads refund_status %s as %s', async (refundStatus, status) => {
    fake.refundStatus = refundStatus
    const g = gateway()
    const { reference, verdict } = await paid(g)
    const result = await g.refund({ refundId: 'r', reference, captureId: verdict.captureId, amount: 50_000n, currency: 'IRR' })
    expect(result.status).toBe(status)
  })

  it('needs the access token, the terminal and the ref_id, and says which, without calling Zarinpal', async () => {
    const { reference, verdict } = await paid()
    const before = fake.requests.length
    const request = { refundId: 'r', reference, captureId: verdict.captureId, amount: 50_000n, currency: 'IRR' } as const
    const noToken = await providerError(gateway({ accessToken: undefined }).refund(request))
    expect([noToken.kind, noToken.message]).toEqual(['permanent', expect.stringMatching(/refunds need the access token/)])
    const noTerminal = await providerError(gateway({ terminalId: undefined }).refund(request))
    expect(noTerminal.message).toMatch(/terminal number/)
    const noRefId = await providerError(gateway().refund({ ...request, captureId: undefined }))
    expect(noRefId.message).toMatch(/ref_id/)
    expect(fake.requests.length).toBe(before)
  })

  it('maps a wrong access token to permanent, naming no form of it', async () => {
    const { reference, verdict } = await paid()
    const wrong = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.wrong-token'
    const error = await providerError(
      gateway({ accessToken: wrong }).refund({ refundId: 'r', reference, captureId: verdict.captureId, amount: 50_000n, currency: 'IRR' }),
    )
    expect([error.kind, error.details.code]).toEqual(['permanent', 'authentication'])
    expect(error.message).not.toContain(wrong)
    expect(fake.refunds).toEqual([])
  })

  it('maps another merchant’s terminal to permanent', async () => {
    const { reference, verdict } = await paid()
    const error = await providerError(
      gateway({ terminalId: '999' }).refund({ refundId: 'r', reference, captureId: verdict.captureId, amount: 50_000n, currency: 'IRR' }),
    )
    expect([error.kind, error.details.code]).toEqual(['permanent', 'authorization'])
  })

  it('refuses when no session has the ref_id, rather than guess one', async () => {
    const { reference } = await paid()
    const error = await providerError(gateway().refund({ refundId: 'r', reference, captureId: '1', amount: 50_000n, currency: 'IRR' }))
    expect(error.message).toMatch(/no session with ref_id 1/)
    expect(fake.refunds).toEqual([])
  })

  it('maps a GraphQL outage and a hang to transient', async () => {
    const { reference, verdict } = await paid()
    const g = gateway({ timeoutMs: 200 })
    const request = { refundId: 'r', reference, captureId: verdict.captureId, amount: 50_000n, currency: 'IRR' } as const
    fake.failNext(1, 502)
    expect((await providerError(g.refund(request))).kind).toBe('transient')
    fake.hangNext(1)
    expect((await providerError(g.refund(request))).kind).toBe('transient')
    expect(fake.refunds).toEqual([])
  })
})
