// The Web Push provider against a loopback push service; the test plays the browser and
// decrypts what arrived with the subscriber's keys.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createWebPushProvider,
  generateVapidKeys,
  webPushBreakerScope,
  type WebPushConfig,
} from '../../../src/modules/notifications/providers/push/webpush'
import { ProviderError, type PushMessage } from '../../../src/modules/notifications/providers/types'
import { decryptPushMessage, startFakeWebPush, type FakeSubscriber, type FakeWebPush } from '../../fakes/webpush'

const vapid = generateVapidKeys()
const SUBJECT = 'mailto:ops@caravan.example'
let fake: FakeWebPush
let subscriber: FakeSubscriber

beforeEach(async () => {
  fake = await startFakeWebPush()
  subscriber = fake.subscribe(vapid.publicKey)
})
afterEach(async () => {
  await fake.close()
})

function provider(overrides: Partial<WebPushConfig> = {}) {
  return createWebPushProvider({
    vapidPublicKey: vapid.publicKey,
    vapidPrivateKey: vapid.privateKey,
    subject: SUBJECT,
    timeoutMs: 1000,
    // The fake push service is plain http on loopback.
    allowHttpEndpoints: true,
    allowLoopback: true,
    allowedHosts: ['127.0.0.1'],
    ...overrides,
  })
}

function message(to: FakeSubscriber['subscription'] = subscriber.subscription, overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    deliveryId: 'd-1',
    target: { kind: 'webpush', token: to.endpoint, subscription: to },
    title: 'Order shipped',
    body: 'Your parcel is on its way',
    ...overrides,
  }
}

/** Awaits a ProviderError and checks the VAPID private key did not leak into it. */
async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => expect.unreachable('the send should have failed'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  expect(`${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`).not.toContain(vapid.privateKey)
  return error as ProviderError
}

describe('Web Push provider: sending', () => {
  it('delivers {title, body, data, tag} encrypted for the subscriber, with VAPID, TTL, aes128gcm and the delivery as Topic', async () => {
    const result = await provider({ ttlSeconds: 3600 }).send(message(undefined, { data: { orderId: '42' } }))
    expect(result.status).toBe('sent')
    expect(result.meta).toEqual({ httpStatus: 201 })
    expect(result.providerMessageId).toMatch(new RegExp(`^${fake.url}/m/`))

    expect(fake.received).toHaveLength(1)
    const [push] = fake.received
    expect(push.subscriberId).toBe(subscriber.id)
    expect(push.headers['content-encoding']).toBe('aes128gcm')
    expect(push.headers.ttl).toBe('3600')
    // A repeat after a crash replaces the first at the push service (and, by the tag, on screen).
    expect(push.headers.topic).toBe('d1')
    expect(push.headers.authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`))
    expect(push.vapid).toMatchObject({ aud: fake.url, sub: SUBJECT })
    expect(push.body.includes(Buffer.from('Order shipped'))).toBe(false)

    const plaintext = decryptPushMessage(push.body, subscriber)
    expect(JSON.parse(plaintext.toString('utf8'))).toEqual({
      title: 'Order shipped',
      body: 'Your parcel is on its way',
      data: { orderId: '42' },
      tag: 'd-1',
    })
  })

  it('encrypts for that subscriber only', async () => {
    const other = fake.subscribe(vapid.publicKey)
    await provider().send(message())
    expect(() => decryptPushMessage(fake.received[0].body, other)).toThrow()
  })

  it('keeps messages for 28 days by default', async () => {
    await provider().send(message())
    expect(fake.received[0].headers.ttl).toBe(String(28 * 24 * 3600))
  })

  it('works with freshly generated VAPID keys', async () => {
    const keys = generateVapidKeys()
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65)
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32)
    const subscribed = fake.subscribe(keys.publicKey)
    await provider({ vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey }).send(message(subscribed.subscription))
    expect(JSON.parse(decryptPushMessage(fake.received[0].body, subscribed).toString('utf8')).title).toBe('Order shipped')
  })

  it('refuses other device kinds without calling anyone', async () => {
    const error = await providerError(provider().send({ deliveryId: 'd', target: { kind: 'fcm', token: 'x' }, title: 't', body: 'b' }))
    expect(error.kind).toBe('permanent')
    expect(fake.requests).toBe(0)
  })
})

describe('Web Push provider: error mapping', () => {
  it('maps 410 (unsubscribed) to invalid_recipient', async () => {
    fake.unsubscribe(subscriber)
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toMatchObject({ httpStatus: 410 })
  })

  it('maps 404 (unknown subscription) to invalid_recipient', async () => {
    const unknown = { ...subscriber.subscription, endpoint: `${fake.url}/wpush/v2/no-such-subscription` }
    const error = await providerError(provider().send(message(unknown)))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toMatchObject({ httpStatus: 404 })
  })

  it('maps 403 (subscription made with another VAPID key) to permanent', async () => {
    const other = fake.subscribe(generateVapidKeys().publicKey)
    const error = await providerError(provider().send(message(other.subscription)))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 403 })
    expect(error.message).toContain('applicationServerKey')
  })

  it('maps 413 (payload too large) to permanent', async () => {
    const error = await providerError(provider().send(message(undefined, { body: 'x'.repeat(5000) })))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 413 })
  })

  it('maps 429 to transient with Retry-After', async () => {
    fake.failNext(1, 429, { retryAfter: '120' })
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('transient')
    expect(error.details).toEqual({ code: 429, httpStatus: 429, retryAfterSeconds: 120 })
  })

  it.each([500, 502, 503])('maps %i to transient', async (status) => {
    fake.failNext(1, status)
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('transient')
    expect(error.details.httpStatus).toBe(status)
  })

  it('maps no answer to transient', async () => {
    fake.hangNext(1)
    const error = await providerError(provider({ timeoutMs: 200 }).send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 200 ms/)
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await providerError(
      provider().send(message({ ...subscriber.subscription, endpoint: `http://127.0.0.1:${port}/wpush/v2/x` })),
    )
    expect(error.kind).toBe('transient')
  })

  it('names only the push service host in errors, not the endpoint capability URL', async () => {
    fake.unsubscribe(subscriber)
    const error = await providerError(provider().send(message()))
    expect(error.message).toContain(new URL(fake.url).host)
    expect(error.message).not.toContain(subscriber.id)
  })

  it('maps a malformed subscription (bad p256dh) to invalid_recipient without a request', async () => {
    const broken = { ...subscriber.subscription, keys: { ...subscriber.subscription.keys, p256dh: 'AAAA' } }
    const error = await providerError(provider().send(message(broken)))
    expect(error.kind).toBe('invalid_recipient')
    expect(fake.requests).toBe(0)
  })

  it('refuses plain-http endpoints unless allowed (a browser-supplied URL must not reach our network)', async () => {
    const error = await providerError(provider({ allowHttpEndpoints: false }).send(message()))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.message).toMatch(/must be https/)
    expect(fake.requests).toBe(0)
  })
})

describe('Web Push provider: configuration', () => {
  const config = { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, subject: SUBJECT }

  it('rejects a private key that does not belong to the public key, without echoing either', () => {
    const other = generateVapidKeys()
    let thrown: Error | undefined
    try {
      createWebPushProvider({ ...config, vapidPrivateKey: other.privateKey })
    } catch (e) {
      thrown = e as Error
    }
    expect(thrown?.message).toMatch(/does not belong/)
    expect(`${thrown?.message}${thrown?.stack}`).not.toContain(other.privateKey)
  })

  it.each([
    ['a short private key', { vapidPrivateKey: 'c2hvcnQ' }, /vapidPrivateKey/],
    ['a public key that is not a point', { vapidPublicKey: Buffer.alloc(65, 7).toString('base64url') }, /does not belong|vapidPublicKey/],
    ['a subject that is not mailto:/https:', { subject: 'ops@caravan.example' }, /subject/],
    ['an http: subject', { subject: 'http://caravan.example' }, /subject/],
  ])('rejects %s', (_name, change, pattern) => {
    expect(() => createWebPushProvider({ ...config, ...change })).toThrow(pattern)
  })
})

describe('Web Push provider: only public push services are called', () => {
  const at = (host: string) => ({ ...subscriber.subscription, endpoint: subscriber.subscription.endpoint.replace('127.0.0.1', host) })

  it('a host that resolves to loopback, with loopback not allowed, fails as permanent and is never connected to', async () => {
    // localhost is on the list here, so what refuses it is the address check at connect time.
    const error = await providerError(provider({ allowLoopback: false, allowedHosts: ['localhost'] }).send(message(at('localhost'))))
    expect(error.kind).toBe('permanent')
    expect(error.message).toMatch(/refused to connect to localhost:\d+: localhost resolves to 127\.0\.0\.1, a loopback address/)
    expect(fake.connections).toBe(0)
    expect(fake.requests).toBe(0)
  })

  it('a loopback IP literal, with loopback not allowed, fails as permanent without connecting', async () => {
    const error = await providerError(provider({ allowLoopback: false }).send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.message).toMatch(/127\.0\.0\.1 is a loopback address/)
    expect(fake.connections).toBe(0)
  })

  it('the same host is connected to when loopback is allowed (tests)', async () => {
    // The fake then refuses the VAPID audience (it signed for localhost, the fake is 127.0.0.1), as a real service would.
    await provider({ allowedHosts: ['localhost'] })
      .send(message(at('localhost')))
      .catch(() => {})
    expect(fake.connections).toBe(1)
    expect(fake.requests).toBe(1)
  })

  it('a host that is not an allowed push service fails as permanent without connecting', async () => {
    const error = await providerError(provider({ allowedHosts: ['fcm.googleapis.com'] }).send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.message).toMatch(/127\.0\.0\.1 is not an allowed push service host/)
    expect(fake.connections).toBe(0)
  })

  it('only the known push services by default', async () => {
    const error = await providerError(provider({ allowedHosts: undefined }).send(message()))
    expect(error.message).toMatch(/not an allowed push service host/)
  })

  it('keeps working after close() (later sends use fresh connections)', async () => {
    const p = provider()
    await p.send(message())
    await p.close!()
    await p.send(message())
    expect(fake.received).toHaveLength(2)
  })
})

describe('Web Push provider: credentials check and breaker scope', () => {
  it('check is ok for a valid VAPID pair and calls no push service', async () => {
    const result = await provider().check()
    expect(result).toEqual({ ok: true, detail: expect.stringContaining(vapid.publicKey.slice(0, 12)) })
    expect(result.detail).not.toContain(vapid.privateKey)
    expect(fake.requests).toBe(0)
  })

  it('breakerScope is the push service host of the endpoint', () => {
    const p = provider()
    const target = (endpoint: string) => ({
      kind: 'webpush' as const,
      token: endpoint,
      subscription: { endpoint, keys: { p256dh: 'k', auth: 'a' } },
    })
    expect(p.breakerScope!(target('https://fcm.googleapis.com/fcm/send/abc'))).toBe('fcm.googleapis.com')
    expect(p.breakerScope!(target('https://Updates.Push.Services.Mozilla.com/wpush/v2/x'))).toBe('updates.push.services.mozilla.com')
    expect(p.breakerScope!(target('https://web.push.apple.com:443/Q'))).toBe('web.push.apple.com')
    expect(p.breakerScope!(target(`${fake.url}/wpush/v2/x`))).toBe(new URL(fake.url).host)
    expect(webPushBreakerScope(target('not a url'))).toBe('invalid')
  })
})
