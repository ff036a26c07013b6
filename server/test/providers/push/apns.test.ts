// The APNs provider against a loopback HTTP/2-over-TLS fake of Apple's provider API.
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApnsProvider, type ApnsConfig, type ApnsProvider } from '../../../src/modules/notifications/providers/push/apns'
import { ProviderError, type PushMessage } from '../../../src/modules/notifications/providers/types'
import { startFakeApns, type FakeApns } from '../../fakes/apns'
import { until } from '../../helpers/wait'

const TEAM_ID = 'TEAM123456'
const KEY_ID = 'KEY7654321'
const BUNDLE_ID = 'app.caravan.demo'
const DEVICE = 'a1b2c3d4'.repeat(8)
const MINUTE = 60_000

function p256Key() {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicKey: pair.publicKey }
}

const teamKey = p256Key()
let fake: FakeApns
let clock: number
// The fake's clock may run ahead of ours, as Apple's would when our host clock lags.
let fakeSkew: number
const providers: ApnsProvider[] = []

beforeEach(async () => {
  clock = Date.now()
  fakeSkew = 0
  fake = await startFakeApns({
    teamId: TEAM_ID,
    keyId: KEY_ID,
    publicKey: teamKey.publicKey,
    bundleId: BUNDLE_ID,
    now: () => clock + fakeSkew,
  })
})
afterEach(async () => {
  await Promise.all(providers.splice(0).map((apns) => apns.close()))
  await fake.close()
})

function provider(overrides: Partial<ApnsConfig> = {}): ApnsProvider {
  const apns = createApnsProvider({
    teamId: TEAM_ID,
    keyId: KEY_ID,
    privateKey: teamKey.pem,
    bundleId: BUNDLE_ID,
    production: false,
    baseUrl: fake.url,
    tls: { ca: fake.ca },
    timeoutMs: 2000,
    now: () => clock,
    ...overrides,
  })
  providers.push(apns)
  return apns
}

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    deliveryId: 'delivery-1',
    target: { kind: 'apns', token: DEVICE },
    title: 'Order shipped',
    body: 'Your parcel is on its way',
    ...overrides,
  }
}

/** Awaits a ProviderError and checks no part of a private key leaked into it. */
async function providerError(promise: Promise<unknown>, pems: string[] = [teamKey.pem]): Promise<ProviderError> {
  const error = await promise.then(
    () => expect.unreachable('the send should have failed'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const text = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`
  for (const pem of pems) {
    for (const line of pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(text).not.toContain(line)
  }
  return error as ProviderError
}

const authorizations = () => fake.notifications.map((n) => n.headers.authorization)

describe('APNs provider: sending', () => {
  it('posts the alert and data over HTTP/2 with Apple’s headers and returns the apns-id', async () => {
    const result = await provider().send(message({ data: { orderId: '42' } }))
    expect(result.status).toBe('sent')
    expect(result.meta).toEqual({ httpStatus: 200 })
    expect(fake.notifications).toHaveLength(1)
    const [sent] = fake.notifications
    expect(result.providerMessageId).toBe(sent.headers['apns-id'])
    expect(sent.token).toBe(DEVICE)
    expect(sent.payload).toEqual({ orderId: '42', aps: { alert: { title: 'Order shipped', body: 'Your parcel is on its way' } } })
    expect(sent.headers).toMatchObject({
      'apns-topic': BUNDLE_ID,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(clock / 1000) + 28 * 24 * 3600),
      // A repeat after a crash replaces the first on the device.
      'apns-collapse-id': 'delivery-1',
    })
  })

  it('uses a UUID delivery id as apns-id', async () => {
    const deliveryId = randomUUID()
    const result = await provider().send(message({ deliveryId }))
    expect(result.providerMessageId).toBe(deliveryId)
    expect(fake.notifications[0].headers['apns-id']).toBe(deliveryId)
    expect(fake.notifications[0].headers['apns-collapse-id']).toBe(deliveryId)
  })

  it('keeps aps ours when data carries an "aps" key', async () => {
    await provider().send(message({ data: { aps: 'spoofed' } }))
    expect(fake.notifications[0].payload.aps).toEqual({ alert: { title: 'Order shipped', body: 'Your parcel is on its way' } })
  })

  it('refuses other device kinds without connecting', async () => {
    const error = await providerError(provider().send(message({ target: { kind: 'fcm', token: 'x' } })))
    expect(error.kind).toBe('permanent')
    expect(fake.connections).toBe(0)
  })
})

describe('APNs provider: connection and provider token', () => {
  it('sends many notifications over one connection with one token', async () => {
    const apns = provider()
    await Promise.all([apns.send(message()), apns.send(message()), apns.send(message())])
    await apns.send(message())
    expect(fake.connections).toBe(1)
    expect(new Set(authorizations()).size).toBe(1)
  })

  it('reuses the token for under 50 minutes, then signs a new one', async () => {
    const apns = provider()
    await apns.send(message())
    clock += 49 * MINUTE
    await apns.send(message())
    clock += 2 * MINUTE
    await apns.send(message())
    const [first, second, third] = authorizations()
    expect(second).toBe(first)
    expect(third).not.toBe(first)
    expect(fake.connections).toBe(1)
  })

  it('renews the token once when Apple calls it expired (clock skew), and the send goes through', async () => {
    const apns = provider()
    await apns.send(message())
    clock += 30 * MINUTE
    fakeSkew = 35 * MINUTE // Apple sees our 30-minute-old token as 65 minutes old
    const result = await apns.send(message())
    expect(result.status).toBe('sent')
    expect(fake.requests).toBe(3)
    expect(new Set(authorizations()).size).toBe(2)
  })

  it('does not renew again within 20 minutes: a second rejection is permanent', async () => {
    const apns = provider()
    clock += 30 * MINUTE
    fakeSkew = 65 * MINUTE
    await apns.send(message()).catch(() => {}) // renews once, the new token is still "expired" for Apple
    const before = fake.requests
    const error = await providerError(apns.send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 403, code: 'ExpiredProviderToken' })
    expect(fake.requests - before).toBe(1)
  })

  it('treats a token signed with the wrong key as permanent after one renewal', async () => {
    const wrongKey = p256Key()
    const error = await providerError(provider({ privateKey: wrongKey.pem }).send(message()), [wrongKey.pem, teamKey.pem])
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 403, code: 'InvalidProviderToken' })
    expect(fake.requests).toBe(2)
  })

  it('treats an unknown key id as permanent', async () => {
    const error = await providerError(provider({ keyId: 'OTHERKEY00' }).send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details.code).toBe('InvalidProviderToken')
  })

  it('reconnects after APNs closes the connection', async () => {
    const apns = provider()
    await apns.send(message())
    await fake.dropConnections()
    // No pause: a send racing the GOAWAY must still go out, on a fresh connection.
    await expect(apns.send(message())).resolves.toMatchObject({ status: 'sent' })
    expect(fake.connections).toBe(2)
  })

  it('close() ends the HTTP/2 session; a later send on the closed provider fails as transient and opens nothing', async () => {
    const apns = provider()
    await apns.send(message())
    expect(fake.openConnections()).toBe(1)
    await apns.close()
    await until(() => fake.openConnections() === 0 && fake.closedConnections === 1)
    // A send still holding a provider whose settings changed is retried on the new one.
    const error = await providerError(apns.send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/closed/)
    expect(fake.connections).toBe(1)
  })

  it('verifies the server certificate: an untrusted one is a transient failure', async () => {
    const error = await providerError(provider({ tls: {} }).send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/certificate/i)
    expect(fake.notifications).toHaveLength(0)
  })
})

describe('APNs provider: error mapping', () => {
  it('maps 400 BadDeviceToken to invalid_recipient', async () => {
    const error = await providerError(provider().send(message({ target: { kind: 'apns', token: 'not-a-hex-token' } })))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toMatchObject({ httpStatus: 400, code: 'BadDeviceToken' })
  })

  it('maps 410 Unregistered to invalid_recipient and says since when', async () => {
    fake.unregistered.add(DEVICE)
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toMatchObject({ httpStatus: 410, code: 'Unregistered' })
    expect(error.message).toContain(`invalid since ${new Date(clock - 86_400_000).toISOString()}`)
  })

  it('maps 400 TopicDisallowed (wrong bundle id) to permanent', async () => {
    const error = await providerError(provider({ bundleId: 'com.someone.else' }).send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 400, code: 'TopicDisallowed' })
  })

  it('maps 413 PayloadTooLarge to permanent', async () => {
    const error = await providerError(provider().send(message({ body: 'x'.repeat(5000) })))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 413, code: 'PayloadTooLarge' })
  })

  it.each([
    [410, 'ExpiredToken', 'invalid_recipient'],
    [400, 'DeviceTokenNotForTopic', 'permanent'],
    [403, 'BadCertificateEnvironment', 'permanent'],
    [400, 'IdleTimeout', 'transient'],
    [429, 'TooManyRequests', 'transient'],
    [429, 'TooManyProviderTokenUpdates', 'transient'],
    [500, 'InternalServerError', 'transient'],
    [503, 'ServiceUnavailable', 'transient'],
    [503, 'Shutdown', 'transient'],
  ] as const)('maps HTTP %i %s to %s', async (status, reason, kind) => {
    fake.failNext(1, status, reason)
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe(kind)
    expect(error.details).toMatchObject({ httpStatus: status, code: reason })
  })

  it('opens a new connection after 503 Shutdown', async () => {
    const apns = provider()
    fake.failNext(1, 503, 'Shutdown')
    await apns.send(message()).catch(() => {})
    await apns.send(message())
    expect(fake.connections).toBe(2)
  })

  it('maps no answer to transient and starts a fresh connection for the next send', async () => {
    const apns = provider({ timeoutMs: 300 })
    fake.hangNext(1)
    const error = await providerError(apns.send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/did not answer within 300 ms/)
    await expect(apns.send(message())).resolves.toMatchObject({ status: 'sent' })
    expect(fake.connections).toBe(2)
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await providerError(provider({ baseUrl: `https://127.0.0.1:${port}` }).send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/ECONNREFUSED/)
  })
})

describe('APNs provider: configuration', () => {
  it('rejects an unreadable key without echoing it', () => {
    const secret = 'MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg-not-really-a-key'
    const pem = `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`
    let thrown: Error | undefined
    try {
      createApnsProvider({ teamId: TEAM_ID, keyId: KEY_ID, privateKey: pem, bundleId: BUNDLE_ID, production: true })
    } catch (e) {
      thrown = e as Error
    }
    expect(thrown?.message).toMatch(/not a readable PEM private key/)
    expect(`${thrown?.message}${thrown?.stack}`).not.toContain(secret.slice(0, 24))
  })

  it('rejects a key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    expect(() => createApnsProvider({ teamId: TEAM_ID, keyId: KEY_ID, privateKey: rsa, bundleId: BUNDLE_ID, production: true })).toThrow(
      /P-256/,
    )
  })
})

describe('APNs provider: credentials check', () => {
  it('is ok when Apple accepts the provider token (BadDeviceToken for the check token), and delivers nothing', async () => {
    const result = await provider().check()
    expect(result).toEqual({ ok: true, detail: expect.stringContaining(`team ${TEAM_ID}, key ${KEY_ID}`) })
    expect(fake.notifications).toHaveLength(0)
    expect(fake.requests).toBe(1)
  })

  it('is not ok when Apple refuses the provider token (another key), and never shows the key', async () => {
    const other = p256Key()
    const result = await provider({ privateKey: other.pem }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/refused the provider token \(InvalidProviderToken\)/)
    for (const line of other.pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(result.detail).not.toContain(line)
  })

  it('is not ok for a key id Apple does not know', async () => {
    const result = await provider({ keyId: 'OTHERKEY99' }).check()
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/InvalidProviderToken/) })
  })

  it('is not ok when the key works but the bundle id is not allowed for it', async () => {
    const result = await provider({ bundleId: 'app.someone.else' }).check()
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/bundle id app.someone.else.*TopicDisallowed/) })
  })

  it('is not ok, with the reason, when APNs cannot be reached', async () => {
    const result = await provider({ tls: { ca: undefined } }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/certificate/i)
  })
})

describe('APNs provider: private key loading', () => {
  it('accepts the .p8 key with escaped newlines, CRLF or on one line', async () => {
    const lines = teamKey.pem.trim().split('\n')
    for (const variant of [teamKey.pem.replace(/\n/g, '\\n'), teamKey.pem.replace(/\n/g, '\r\n'), lines.join(' ')]) {
      await expect(provider({ privateKey: variant }).send(message())).resolves.toMatchObject({ status: 'sent' })
    }
  })
})
