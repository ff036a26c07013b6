// The SendGrid provider against the loopback fake of the v3 Mail Send API, and its Signed Event
// Webhook verification and event parsing with requests signed as SendGrid signs them.
import { generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSendGridProvider, type SendGridConfig } from '../../../src/modules/notifications/providers/email/sendgrid.js'
import {
  ProviderError,
  type EmailMessage,
  type EmailProvider,
  type WebhookRequest,
} from '../../../src/modules/notifications/providers/types.js'
import { startFakeSendGrid, type FakeSendGrid, type FakeSendGridOptions } from '../../fakes/sendgrid.js'
import { closedPort } from '../../fakes/smtp.js'

const API_KEY = 'SG.fake-key-id.Zk3vQ9mXw2LrT8pN1cHs5yB7dJ4eA6gU0iO'

const message: EmailMessage = {
  deliveryId: 'dlv_01HZXKQ7',
  messageId: 'dlv_01HZXKQ7@caravan.test',
  to: 'sara@example.ir',
  subject: 'خوش آمدید',
  text: 'سلام سارا، به کاروان خوش آمدید.',
  html: '<div dir="rtl" lang="fa"><p>سلام سارا</p></div>',
  locale: 'fa',
}

let fake: FakeSendGrid
const extraFakes: FakeSendGrid[] = []

async function startFake(options: Partial<FakeSendGridOptions> = {}) {
  const started = await startFakeSendGrid({ apiKey: API_KEY, ...options })
  extraFakes.push(started)
  return started
}

beforeEach(async () => {
  fake = await startFakeSendGrid({ apiKey: API_KEY })
})
afterEach(async () => {
  await fake.close()
  while (extraFakes.length) await extraFakes.pop()!.close()
})

function provider(extra: Partial<SendGridConfig> = {}, on: FakeSendGrid = fake): EmailProvider {
  return createSendGridProvider({
    apiKey: API_KEY,
    from: 'Caravan <noreply@caravan.test>',
    baseUrl: on.baseUrl,
    timeoutMs: 5000,
    webhookPublicKey: on.publicKey,
    ...extra,
  })
}

/** The error a send fails with; also checks that no API key leaks into it. */
async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  expect(providerError.message).not.toContain(API_KEY)
  expect(providerError.message).not.toContain('fake-key-id')
  expect(JSON.stringify(providerError.details)).not.toContain('fake-key-id')
  expect(providerError.stack ?? '').not.toContain(API_KEY)
  return providerError
}

describe('SendGrid send', () => {
  it('202: posts the v3 body with Bearer auth and returns X-Message-Id', async () => {
    const result = await provider().send(message)

    expect(fake.accepted).toHaveLength(1)
    const mail = fake.accepted[0]
    expect(mail.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(mail.headers['content-type']).toBe('application/json')
    expect(mail.body).toEqual({
      personalizations: [{ to: [{ email: 'sara@example.ir' }], custom_args: { delivery_id: 'dlv_01HZXKQ7' } }],
      from: { email: 'noreply@caravan.test', name: 'Caravan' },
      subject: 'خوش آمدید',
      content: [
        { type: 'text/plain', value: message.text },
        { type: 'text/html', value: message.html },
      ],
      headers: { 'X-Caravan-Delivery-Id': 'dlv_01HZXKQ7', 'Message-ID': '<dlv_01HZXKQ7@caravan.test>', 'Content-Language': 'fa' },
    })
    expect(result).toEqual({ status: 'sent', providerMessageId: mail.messageId, meta: { httpStatus: 202 } })
  })

  it('uses the message sender, and sends html alone when there is no text', async () => {
    await provider().send({ ...message, from: '"Shop, Support" <help@shop.test>', text: '', locale: undefined })
    const body = fake.accepted[0].body
    expect(body.from).toEqual({ email: 'help@shop.test', name: 'Shop, Support' })
    expect(body.content).toEqual([{ type: 'text/html', value: message.html }])
    expect(body.headers).toEqual({ 'X-Caravan-Delivery-Id': 'dlv_01HZXKQ7', 'Message-ID': '<dlv_01HZXKQ7@caravan.test>' })
  })

  it('429 ⇒ transient with retryAfterSeconds from X-RateLimit-Reset', async () => {
    fake.failNext(1, { status: 429, resetInSeconds: 120 })
    const error = await sendError(provider().send(message))
    expect(error.kind).toBe('transient')
    expect(error.details.httpStatus).toBe(429)
    expect(error.details.retryAfterSeconds).toBeGreaterThanOrEqual(118)
    expect(error.details.retryAfterSeconds).toBeLessThanOrEqual(120)
    expect(error.message).toContain('too many requests')
  })

  it('429 ⇒ Retry-After wins when SendGrid (or a proxy in front) sends it', async () => {
    fake.failNext(1, { status: 429, resetInSeconds: 120, retryAfter: '7' })
    const error = await sendError(provider().send(message))
    expect(error.details.retryAfterSeconds).toBe(7)
  })

  for (const status of [500, 502, 503] as const) {
    it(`${status} ⇒ transient, and the next attempt goes through`, async () => {
      fake.failNext(1, { status })
      const error = await sendError(provider().send(message))
      expect(error.kind).toBe('transient')
      expect(error.details.httpStatus).toBe(status)
      expect(fake.accepted).toHaveLength(0)
      await provider().send(message)
      expect(fake.accepted).toHaveLength(1)
    })
  }

  it("400 ⇒ permanent with SendGrid's messages and fields", async () => {
    const error = await sendError(provider().send({ ...message, subject: '' }))
    expect(error.kind).toBe('permanent')
    expect(error.details.httpStatus).toBe(400)
    expect(error.message).toContain('The subject is required')
    expect(error.message).toContain('(subject)')
  })

  it('400 that only faults the recipient address ⇒ invalid_recipient', async () => {
    const error = await sendError(provider().send({ ...message, to: 'sara at example' }))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.message).toContain('Does not contain a valid address. (personalizations.0.to.0.email)')
  })

  it('401 (wrong API key) ⇒ permanent, and neither key appears in the error', async () => {
    const error = await sendError(provider({ apiKey: 'SG.wrong-key-id.QQQQQQQQQQQQQQQQ' }).send(message))
    expect(error.kind).toBe('permanent')
    expect(error.details.httpStatus).toBe(401)
    expect(error.message).toContain('The provided authorization grant is invalid, expired, or revoked')
    expect(error.message).not.toContain('wrong-key-id')
  })

  it('403 (unverified sender) ⇒ permanent', async () => {
    const strict = await startFake({ verifiedSenders: ['noreply@caravan.test'] })
    await provider({}, strict).send(message)
    const error = await sendError(provider({}, strict).send({ ...message, from: 'someone@else.test' }))
    expect(error.kind).toBe('permanent')
    expect(error.details.httpStatus).toBe(403)
    expect(error.message).toContain('verified Sender Identity')
  })

  it('413 (payload too large) ⇒ permanent', async () => {
    const small = await startFake({ maxBodyBytes: 2000 })
    const error = await sendError(provider({}, small).send({ ...message, html: `<p>${'x'.repeat(5000)}</p>` }))
    expect(error.kind).toBe('permanent')
    expect(error.details.httpStatus).toBe(413)
  })

  it('a server that never answers ⇒ transient timeout', async () => {
    fake.failNext(1, { hang: true })
    const started = Date.now()
    const error = await sendError(provider({ timeoutMs: 500 }).send(message))
    expect(error.kind).toBe('transient')
    expect(error.message).toContain('timed out after 500 ms')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('connection refused ⇒ transient', async () => {
    const port = await closedPort()
    const error = await sendError(provider({ baseUrl: `http://127.0.0.1:${port}` }).send(message))
    expect(error.kind).toBe('transient')
  })
})

describe('the fake checks what SendGrid checks', () => {
  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${fake.baseUrl}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    return { status: response.status, body: await response.text() }
  }
  const valid = {
    personalizations: [{ to: [{ email: 'a@b.test' }] }],
    from: { email: 'c@d.test' },
    subject: 's',
    content: [{ type: 'text/plain', value: 'v' }],
  }

  it('accepts a minimal valid body with 202 and no body', async () => {
    expect(await post(valid)).toEqual({ status: 202, body: '' })
  })

  it('refuses a non-JSON content type with 415', async () => {
    const answer = await post(JSON.stringify(valid), { 'content-type': 'text/plain' })
    expect(answer.status).toBe(415)
    expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: 'Content-Type should be application/json.', field: null, help: null }] })
  })

  it('reports every missing field at once with its path', async () => {
    const answer = await post({
      personalizations: [],
      content: [
        { type: 'text/html', value: '' },
        { type: 'text/plain', value: 'x' },
      ],
    })
    expect(answer.status).toBe(400)
    const fields = (JSON.parse(answer.body) as { errors: { field: string }[] }).errors.map((e) => e.field)
    expect(fields).toEqual(['personalizations', 'from.email', 'subject', 'content.0.value', 'content'])
  })
})

describe('SendGrid Signed Event Webhook', () => {
  function request(signed: { headers: Record<string, string>; rawBody: Buffer }): WebhookRequest {
    return { headers: signed.headers, rawBody: signed.rawBody, url: 'https://caravan.example/v1/webhooks/email/sendgrid' }
  }
  const events = [
    { email: 'sara@example.ir', event: 'delivered', sg_message_id: 'abc.filter0001.0', timestamp: 1_700_000_000, delivery_id: 'dlv_1' },
  ]

  it('accepts a request SendGrid signed with the configured key', () => {
    expect(provider().verifySignature!(request(fake.signedWebhook(events)))).toBe(true)
  })

  it('accepts a timestamp five minutes old', () => {
    const fiveMinutesAgo = Math.floor(Date.now() / 1000) - 300
    expect(provider().verifySignature!(request(fake.signedWebhook(events, { timestamp: fiveMinutesAgo })))).toBe(true)
  })

  it('refuses a tampered body', () => {
    const signed = fake.signedWebhook(events)
    const tampered = Buffer.from(signed.rawBody.toString('utf8').replace('delivered', 'bounce'))
    expect(provider().verifySignature!(request({ headers: signed.headers, rawBody: tampered }))).toBe(false)
  })

  it('refuses a timestamp header that is not the one signed', () => {
    const signed = fake.signedWebhook(events)
    const headers = {
      ...signed.headers,
      'x-twilio-email-event-webhook-timestamp': String(Number(signed.headers['x-twilio-email-event-webhook-timestamp']) - 1),
    }
    expect(provider().verifySignature!(request({ headers, rawBody: signed.rawBody }))).toBe(false)
  })

  it('refuses a signature made with another key', async () => {
    const other = await startFake()
    expect(provider().verifySignature!(request(other.signedWebhook(events)))).toBe(false)
  })

  it('refuses timestamps more than ten minutes old or ahead', () => {
    const now = Math.floor(Date.now() / 1000)
    expect(provider().verifySignature!(request(fake.signedWebhook(events, { timestamp: now - 11 * 60 })))).toBe(false)
    expect(provider().verifySignature!(request(fake.signedWebhook(events, { timestamp: now + 11 * 60 })))).toBe(false)
  })

  it('refuses missing headers, bad base64 and a signature that is not DER', () => {
    const signed = fake.signedWebhook(events)
    const without = (name: string) => Object.fromEntries(Object.entries(signed.headers).filter(([key]) => key !== name))
    const withSignature = (value: string) => ({ ...signed.headers, 'x-twilio-email-event-webhook-signature': value })
    const verify = (headers: Record<string, string>) => provider().verifySignature!(request({ headers, rawBody: signed.rawBody }))
    expect(verify(without('x-twilio-email-event-webhook-signature'))).toBe(false)
    expect(verify(without('x-twilio-email-event-webhook-timestamp'))).toBe(false)
    expect(verify(withSignature('%%not*base64%%'))).toBe(false)
    expect(verify(withSignature(Buffer.from('not a DER signature at all').toString('base64')))).toBe(false)
    expect(verify(signed.headers)).toBe(true) // the same request, untouched, passes
  })

  it('accepts nothing when no verification key is configured', () => {
    expect(provider({ webhookPublicKey: undefined }).verifySignature!(request(fake.signedWebhook(events)))).toBe(false)
  })

  it('checks the key at configuration time: base64 DER P-256 or PEM, nothing else', () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${fake.publicKey}\n-----END PUBLIC KEY-----\n`
    expect(provider({ webhookPublicKey: pem }).verifySignature!(request(fake.signedWebhook(events)))).toBe(true)
    // Pasted into an env var or a one-line input: "\n" escapes, or no line breaks at all.
    for (const pasted of [pem.replace(/\n/g, '\\n'), pem.replace(/\n/g, ' ')]) {
      expect(provider({ webhookPublicKey: pasted }).verifySignature!(request(fake.signedWebhook(events)))).toBe(true)
    }
    expect(() => provider({ webhookPublicKey: 'bm90IGEga2V5' })).toThrow(/not a base64 DER/)
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    expect(() => provider({ webhookPublicKey: rsa })).toThrow(/not an ECDSA P-256 key/)
  })
})

describe('SendGrid event parsing', () => {
  function parse(sendgrid: EmailProvider, body: unknown) {
    return sendgrid.parseEvents!({ headers: {}, rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), url: '' })
  }

  it("maps each event kind of a sent message, with our delivery id and SendGrid's message id", async () => {
    const sendgrid = provider()
    const sent = await sendgrid.send(message)
    const mail = fake.accepted[0]
    const all = fake.eventsFor(
      mail,
      ['processed', 'deferred', 'delivered', 'open', 'click', 'bounce', 'dropped', 'spamreport', 'unsubscribe'],
      { timestamp: 1_700_000_000 },
    )
    const signed = fake.signedWebhook(all)
    const webhook = { ...signed, url: 'https://caravan.example/v1/webhooks/email/sendgrid' }
    expect(sendgrid.verifySignature!(webhook)).toBe(true)

    const common = { deliveryId: 'dlv_01HZXKQ7', providerMessageId: sent.providerMessageId, at: '2023-11-14T22:13:20.000Z' }
    expect(sendgrid.parseEvents!(webhook)).toEqual([
      { ...common, status: 'delivered' },
      { ...common, status: 'opened' },
      { ...common, status: 'bounced', reason: '550 5.1.1 The email account that you tried to reach does not exist.' },
      { ...common, status: 'bounced', reason: 'Bounced Address' },
      { ...common, status: 'spam' },
    ])
  })

  it('a blocked bounce (server refused for now) is failed, not bounced', () => {
    const events = [
      {
        event: 'bounce',
        type: 'blocked',
        reason: '554 5.7.1 blocked by reputation',
        sg_message_id: 'Xyz.f1.0',
        delivery_id: 'dlv_2',
        timestamp: 1_700_000_000,
      },
    ]
    expect(parse(provider(), events)).toEqual([
      {
        status: 'failed',
        reason: '554 5.7.1 blocked by reputation',
        providerMessageId: 'Xyz',
        deliveryId: 'dlv_2',
        at: '2023-11-14T22:13:20.000Z',
      },
    ])
  })

  it('keeps events without our custom arg (sent before Caravan, or by hand) keyed by message id only', () => {
    expect(
      parse(provider(), [{ event: 'delivered', sg_message_id: 'OnlyId.filter.0' }, 'junk', null, { event: 'delivered', delivery_id: 42 }]),
    ).toEqual([{ status: 'delivered', providerMessageId: 'OnlyId' }, { status: 'delivered' }])
  })

  it('refuses a body that is not a JSON array', () => {
    expect(() => parse(provider(), '{not json')).toThrow(/not JSON/)
    expect(() => parse(provider(), { event: 'delivered' })).toThrow(/not a JSON array/)
  })
})

describe('SendGrid credentials check', () => {
  it('is ok for a key with mail.send (GET /v3/scopes), and sends nothing', async () => {
    expect(await provider().check()).toEqual({ ok: true, detail: expect.stringContaining('mail.send') })
    expect(fake.accepted).toHaveLength(0)
  })

  it('is not ok for a key SendGrid refuses, and never shows the key', async () => {
    const result = await provider({ apiKey: 'SG.wrong-key-id.secretsecretsecret' }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/SendGrid refused the API key \(401: The provided authorization grant is invalid/)
    expect(result.detail).not.toContain('wrong-key-id')
  })

  it('is not ok for a restricted key without mail.send', async () => {
    const restricted = await startFake({ scopes: ['stats.read'] })
    const result = await provider({}, restricted).check()
    expect(result).toEqual({ ok: false, detail: 'SendGrid accepted the API key, but it lacks the mail.send permission' })
  })

  it('is not ok, with the reason, when SendGrid cannot be reached', async () => {
    const result = await provider({ baseUrl: `http://127.0.0.1:${await closedPort()}` }).check()
    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/SendGrid request to 127\.0\.0\.1:\d+ failed: fetch failed \(ECONNREFUSED\)/),
    })
  })
})
