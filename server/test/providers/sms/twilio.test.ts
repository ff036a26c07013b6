import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError, type SmsProvider, type WebhookRequest } from '../../../src/modules/notifications/providers/types'
import { createTwilioProvider, type TwilioConfig } from '../../../src/modules/notifications/providers/sms/twilio'
import { buildSignedCallback, startFakeTwilio, type FakeTwilio } from '../../fakes/twilio'

const accountSid = `AC${'a1'.repeat(16)}`
const authToken = 'twilio-secret-auth-token-0123456789'
const from = '+15005550006'

let fake: FakeTwilio
let receiver: Server
let receiverUrl: string
const received: WebhookRequest[] = []

beforeAll(async () => {
  fake = await startFakeTwilio({ accountSid, authToken })
  // Stands in for Caravan's public webhook route: hands the provider what the HTTP layer would.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, rawBody: Buffer.concat(chunks), url: `${receiverUrl}${req.url}` })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
})
afterAll(async () => {
  await fake?.close()
  await new Promise((resolve) => receiver?.close(resolve))
})
afterEach(() => {
  received.length = 0
})

function provider(overrides: Partial<TwilioConfig> = {}): SmsProvider {
  return createTwilioProvider({
    accountSid,
    authToken,
    from,
    statusCallbackUrl: `${receiverUrl}/v1/webhooks/sms/twilio`,
    baseUrl: fake.url,
    timeoutMs: 2_000,
    ...overrides,
  })
}

/** The error a send throws, checked to be a ProviderError that does not leak the auth token. */
async function sendError(p: SmsProvider, to = '+14155550100', text = 'hello'): Promise<ProviderError> {
  const error = await p.send({ deliveryId: 'd-err', to, text }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  expect(`${providerError.message} ${JSON.stringify(providerError.details)} ${providerError.stack}`).not.toContain(authToken)
  return providerError
}

describe('twilio send', () => {
  it('posts To, From, Body and a status callback naming our delivery, with Basic auth', async () => {
    const result = await provider().send({ deliveryId: 'delivery-1', to: '+14155550100', text: 'Your code is 1234' })
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/)
    expect(result).toMatchObject({ status: 'sent', meta: { httpStatus: 201, twilioStatus: 'queued', segments: 1 } })
    const sent = fake.messages.at(-1)!
    expect(sent).toMatchObject({ sid: result.providerMessageId, to: '+14155550100', from, body: 'Your code is 1234' })
    expect(sent.statusCallback).toBe(`${receiverUrl}/v1/webhooks/sms/twilio?delivery_id=delivery-1`)
  })

  it('keeps a query string already on the callback URL and reports Persian segments', async () => {
    const p = provider({ statusCallbackUrl: `${receiverUrl}/hook?tenant=a` })
    const result = await p.send({ deliveryId: 'd 2', to: '+989121234567', text: 'س'.repeat(71) })
    expect(result.meta).toMatchObject({ segments: 2 })
    expect(fake.messages.at(-1)!.statusCallback).toBe(`${receiverUrl}/hook?tenant=a&delivery_id=d+2`)
  })

  it('sends through a Messaging Service when no From is configured', async () => {
    const messagingServiceSid = `MG${'b2'.repeat(16)}`
    const result = await provider({ from: undefined, messagingServiceSid, statusCallbackUrl: undefined }).send({
      deliveryId: 'd3',
      to: '+14155550101',
      text: 'hi',
    })
    expect(result).toMatchObject({ status: 'sent', meta: { twilioStatus: 'accepted' } })
    expect(result.meta).not.toHaveProperty('segments') // Twilio reports 0 until it picks a sender
    expect(fake.messages.at(-1)).toMatchObject({ messagingServiceSid, from: undefined, statusCallback: undefined })
  })

  it('refuses a config without From or Messaging Service, or without credentials', () => {
    expect(() => createTwilioProvider({ accountSid, authToken })).toThrow(/from or messagingServiceSid/)
    expect(() => createTwilioProvider({ accountSid, authToken: '', from })).toThrow(/authToken/)
  })
})

describe('twilio error mapping', () => {
  it('maps an invalid To (21211) to invalid_recipient', async () => {
    const error = await sendError(provider(), '12345')
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toEqual({ code: 21211, httpStatus: 400 })
  })

  it.each([
    [21610, '+14155550110'],
    [21612, '+14155550111'],
    [21614, '+14155550112'],
  ])('maps code %i to invalid_recipient', async (code, to) => {
    fake.rejectNumbers.set(to, code)
    const error = await sendError(provider(), to)
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details.code).toBe(code)
  })

  it('maps another 4xx (a missing Body, 21602) to permanent', async () => {
    const error = await sendError(provider(), '+14155550100', '')
    expect(error.kind).toBe('permanent')
    expect(error.details).toEqual({ code: 21602, httpStatus: 400 })
  })

  it('maps an auth failure (20003) to permanent without leaking the token', async () => {
    const error = await sendError(provider({ authToken: 'wrong-token-value' }))
    expect(error.kind).toBe('permanent')
    expect(error.details).toEqual({ code: 20003, httpStatus: 401 })
    expect(error.message).not.toContain('wrong-token-value')
  })

  it('maps 429 (20429) to transient and honours Retry-After', async () => {
    fake.failNext(1, 429, '7')
    const error = await sendError(provider())
    expect(error.kind).toBe('transient')
    expect(error.details).toEqual({ code: 20429, httpStatus: 429, retryAfterSeconds: 7 })
  })

  it.each([500, 503] as const)('maps HTTP %i to transient', async (status) => {
    fake.failNext(1, status)
    const error = await sendError(provider())
    expect(error.kind).toBe('transient')
    expect(error.details.httpStatus).toBe(status)
    // The next attempt goes through: the failure was only for one request.
    await expect(provider().send({ deliveryId: 'd', to: '+14155550100', text: 'again' })).resolves.toMatchObject({ status: 'sent' })
  })

  it('maps a request that never answers to transient after the timeout', async () => {
    fake.hangNext(1)
    const started = Date.now()
    const error = await sendError(provider({ timeoutMs: 200 }))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 200 ms/)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    const error = await sendError(provider({ baseUrl: url }))
    expect(error.kind).toBe('transient')
  })

  it('redacts the auth token even when a transport error repeats it', async () => {
    const leaky: typeof fetch = async () => {
      throw new Error(`connect failed for https://${accountSid}:${authToken}@api.twilio.com`)
    }
    const error = await sendError(provider({ fetch: leaky }))
    expect(error.kind).toBe('transient')
    expect(error.message).toContain('[redacted]')
  })
})

describe('twilio status callbacks', () => {
  it('computes the signature of the example in Twilio’s security docs', () => {
    // https://www.twilio.com/docs/usage/security: token 12345, this URL and these parameters.
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2'
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' }
    const request = buildSignedCallback('12345', url, params)
    expect(request.headers['x-twilio-signature']).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=')
    const p = createTwilioProvider({ accountSid, authToken: '12345', from })
    expect(p.verifySignature!(request)).toBe(true)
  })

  it('accepts a delivered callback Twilio posted, and names our delivery', async () => {
    const p = provider()
    const { providerMessageId } = await p.send({ deliveryId: 'delivery-42', to: '+14155550100', text: 'hi' })
    expect(await fake.sendStatusCallback(providerMessageId!, 'delivered')).toEqual({ status: 204 })
    const request = received.at(-1)!
    expect(request.url).toBe(`${receiverUrl}/v1/webhooks/sms/twilio?delivery_id=delivery-42`)
    expect(await p.verifySignature!(request)).toBe(true)
    expect(p.parseEvents!(request)).toEqual([{ providerMessageId, deliveryId: 'delivery-42', status: 'delivered' }])
  })

  it('maps undelivered and failed to failed with the ErrorCode as reason', async () => {
    const p = provider()
    const { providerMessageId } = await p.send({ deliveryId: 'delivery-43', to: '+14155550100', text: 'hi' })
    await fake.sendStatusCallback(providerMessageId!, 'undelivered', '30003')
    await fake.sendStatusCallback(providerMessageId!, 'failed', '30007')
    await fake.sendStatusCallback(providerMessageId!, 'failed')
    expect(received.every((r) => p.verifySignature!(r))).toBe(true)
    expect(received.flatMap((r) => p.parseEvents!(r))).toEqual([
      { providerMessageId, deliveryId: 'delivery-43', status: 'failed', reason: '30003' },
      { providerMessageId, deliveryId: 'delivery-43', status: 'failed', reason: '30007' },
      { providerMessageId, deliveryId: 'delivery-43', status: 'failed', reason: 'failed' },
    ])
  })

  it('records no event for queued or sent', async () => {
    const p = provider()
    const { providerMessageId } = await p.send({ deliveryId: 'delivery-44', to: '+14155550100', text: 'hi' })
    await fake.sendStatusCallback(providerMessageId!, 'queued')
    await fake.sendStatusCallback(providerMessageId!, 'sent')
    expect(received).toHaveLength(2)
    expect(received.flatMap((r) => p.parseEvents!(r))).toEqual([])
  })

  describe('signature checks', () => {
    const url = 'https://caravan.example.com/v1/webhooks/sms/twilio?delivery_id=d-1'
    const params = { AccountSid: accountSid, MessageSid: `SM${'c3'.repeat(16)}`, MessageStatus: 'delivered', To: '+14155550100' }
    const p = createTwilioProvider({ accountSid, authToken, from })

    it('accepts the signed request, also with the default port spelled out', () => {
      expect(p.verifySignature!(buildSignedCallback(authToken, url, params))).toBe(true)
      const request = buildSignedCallback(authToken, url, params)
      expect(p.verifySignature!({ ...request, url: 'https://caravan.example.com:443/v1/webhooks/sms/twilio?delivery_id=d-1' })).toBe(true)
    })

    it('rejects a tampered parameter', () => {
      const request = buildSignedCallback(authToken, url, params)
      const tampered = Buffer.from(request.rawBody.toString().replace('MessageStatus=delivered', 'MessageStatus=failed'))
      expect(tampered.equals(request.rawBody)).toBe(false)
      expect(p.verifySignature!({ ...request, rawBody: tampered })).toBe(false)
      const added = Buffer.concat([request.rawBody, Buffer.from('&ErrorCode=30003')])
      expect(p.verifySignature!({ ...request, rawBody: added })).toBe(false)
    })

    it('rejects the signature presented for another URL (another delivery id)', () => {
      const request = buildSignedCallback(authToken, url, params)
      expect(p.verifySignature!({ ...request, url: url.replace('d-1', 'd-2') })).toBe(false)
      expect(p.verifySignature!({ ...request, url: url.replace('https:', 'http:') })).toBe(false)
    })

    it('rejects a missing or empty header and a request signed with another token', () => {
      const request = buildSignedCallback(authToken, url, params)
      expect(p.verifySignature!({ ...request, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toBe(false)
      expect(p.verifySignature!({ ...request, headers: { ...request.headers, 'x-twilio-signature': '' } })).toBe(false)
      expect(p.verifySignature!(buildSignedCallback('another-token', url, params))).toBe(false)
    })
  })
})

describe('twilio credentials check', () => {
  afterEach(() => {
    fake.account.status = 'active'
  })

  it('is ok when Twilio answers our Account resource as active, and sends nothing', async () => {
    const before = fake.messages.length
    expect(await provider().check()).toEqual({ ok: true, detail: expect.stringMatching(/account is active \(Full\)/) })
    expect(fake.messages.length).toBe(before)
  })

  it('is not ok for a wrong auth token, and shows neither token (the Account resource carries the real one)', async () => {
    const result = await provider({ authToken: 'wrong-token-value-0000' }).check()
    expect(result).toEqual({ ok: false, detail: 'Twilio refused the Account SID and auth token (HTTP 401: 20003 Authenticate)' })
  })

  it('is not ok for a suspended account, and never repeats the auth token the answer carries', async () => {
    fake.account.status = 'suspended'
    const result = await provider().check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/the account is suspended/)
    expect(result.detail).not.toContain(authToken)
  })

  it('is not ok, redacted, when the transport fails', async () => {
    const leaky = async () => {
      throw new Error(`connect failed for https://${accountSid}:${authToken}@api.twilio.com`)
    }
    const result = await provider({ fetch: leaky }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toContain('[redacted]')
    expect(result.detail).not.toContain(authToken)
  })
})
