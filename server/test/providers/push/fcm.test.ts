// The FCM provider against a loopback fake of Google's token endpoint and FCM HTTP v1.
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFcmProvider, type FcmConfig } from '../../../src/modules/notifications/providers/push/fcm'
import { ProviderError, type PushMessage } from '../../../src/modules/notifications/providers/types'
import { startFakeFcm, type FakeFcm } from '../../fakes/fcm'

const DEVICE = 'dXNlci1kZXZpY2UtdG9rZW4:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx'

let fake: FakeFcm
let clock: number
const now = () => clock

beforeEach(async () => {
  clock = Date.now()
  fake = await startFakeFcm({ now })
})
afterEach(async () => {
  await fake.close()
})

function provider(overrides: Partial<FcmConfig> = {}) {
  return createFcmProvider({ serviceAccount: fake.serviceAccount, baseUrl: fake.url, timeoutMs: 500, now, ...overrides })
}

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    deliveryId: 'd-1',
    target: { kind: 'fcm', token: DEVICE },
    title: 'Order shipped',
    body: 'Your parcel is on its way',
    ...overrides,
  }
}

/** Awaits a ProviderError and checks no part of the service account's private key leaked into it. */
async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => expect.unreachable('the send should have failed'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  expectNoKeyMaterial(error as Error, fake.serviceAccount.private_key)
  return error as ProviderError
}

function expectNoKeyMaterial(error: Error, pem: string) {
  const text = `${error.message}\n${error.stack}\n${JSON.stringify(error)}`
  for (const line of pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(text).not.toContain(line)
}

describe('FCM provider: sending', () => {
  it('sends title, body and string data to the device token, collapsed by the delivery id, and returns FCM’s message name', async () => {
    const result = await provider().send(message({ data: { orderId: '42', kind: 'shipping' } }))
    expect(result.status).toBe('sent')
    expect(result.providerMessageId).toMatch(/^projects\/caravan-test\/messages\/0:/)
    expect(result.meta).toEqual({ httpStatus: 200 })
    expect(fake.messages).toEqual([
      {
        projectId: 'caravan-test',
        message: {
          token: DEVICE,
          notification: { title: 'Order shipped', body: 'Your parcel is on its way' },
          data: { orderId: '42', kind: 'shipping' },
          // A repeat after a crash replaces the first on every platform.
          android: { collapse_key: 'd-1' },
          apns: { headers: { 'apns-collapse-id': 'd-1' } },
          webpush: { headers: { Topic: 'd1' } },
        },
      },
    ])
  })

  it('omits empty data', async () => {
    await provider().send(message({ data: {} }))
    expect(fake.messages[0].message).not.toHaveProperty('data')
  })

  it('refuses other device kinds without calling FCM', async () => {
    const error = await providerError(provider().send(message({ target: { kind: 'apns', token: 'ab'.repeat(32) } })))
    expect(error.kind).toBe('permanent')
    expect(fake.requests).toEqual({ token: 0, send: 0 })
  })
})

describe('FCM provider: OAuth access token', () => {
  it('fetches one token for several sends, including concurrent ones', async () => {
    const fcm = provider()
    await Promise.all([fcm.send(message()), fcm.send(message()), fcm.send(message())])
    await fcm.send(message())
    expect(fake.tokensIssued).toBe(1)
    expect(fake.requests).toEqual({ token: 1, send: 4 })
  })

  it('keeps the token until shortly before it expires, then fetches a new one', async () => {
    const fcm = provider()
    await fcm.send(message())
    clock += 3400 * 1000 // 199 s left of 3599: still good
    await fcm.send(message())
    expect(fake.tokensIssued).toBe(1)
    clock += 180 * 1000 // 19 s left: inside the refresh margin
    await fcm.send(message())
    expect(fake.tokensIssued).toBe(2)
    expect(fake.messages).toHaveLength(3)
  })

  it('fetches a new token and retries once when FCM answers 401 to a revoked token', async () => {
    const fcm = provider()
    await fcm.send(message())
    fake.revokeTokens()
    const result = await fcm.send(message())
    expect(result.status).toBe('sent')
    expect(fake.tokensIssued).toBe(2)
    expect(fake.requests.send).toBe(3)
  })

  it('gives up as permanent when FCM still answers 401 after a fresh token', async () => {
    fake.failNext(2, 401)
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 401, code: 'UNAUTHENTICATED' })
    expect(fake.tokensIssued).toBe(2)
    expect(fake.requests.send).toBe(2)
  })

  it('reports a rejected assertion (wrong key) as permanent with Google’s reason', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const fcm = provider({ serviceAccount: { ...fake.serviceAccount, private_key: otherKey } })
    const error = await providerError(fcm.send(message()))
    expectNoKeyMaterial(error, otherKey)
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 400, code: 'invalid_grant' })
    expect(error.message).toContain('Invalid JWT Signature.')
    expect(fake.requests.send).toBe(0)
  })

  it('reports an unknown client email as permanent', async () => {
    const fcm = provider({ serviceAccount: { ...fake.serviceAccount, client_email: 'someone-else@example.iam.gserviceaccount.com' } })
    const error = await providerError(fcm.send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details.code).toBe('invalid_grant')
  })

  it('reports a failing token endpoint (503 with Retry-After) as transient', async () => {
    fake.failNext(1, 503, { endpoint: 'token', retryAfter: '7' })
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('transient')
    expect(error.details).toMatchObject({ httpStatus: 503, retryAfterSeconds: 7 })
  })

  it('reports a token endpoint that does not answer as transient', async () => {
    fake.hangNext(1, 'token')
    const error = await providerError(provider({ timeoutMs: 200 }).send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 200 ms/)
  })
})

describe('FCM provider: error mapping', () => {
  it('maps UNREGISTERED (404) to invalid_recipient', async () => {
    fake.unregistered.add(DEVICE)
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toMatchObject({ httpStatus: 404, code: 'UNREGISTERED' })
  })

  it('maps INVALID_ARGUMENT about the registration token to invalid_recipient', async () => {
    const error = await providerError(provider().send(message({ target: { kind: 'fcm', token: 'not a token!' } })))
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toMatchObject({ httpStatus: 400, code: 'INVALID_ARGUMENT' })
  })

  it('maps INVALID_ARGUMENT about the payload (non-string data) to permanent, not a dead device', async () => {
    const data = { count: 3 } as unknown as Record<string, string>
    const error = await providerError(provider().send(message({ data })))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 400, code: 'INVALID_ARGUMENT' })
    expect(error.message).toContain('message.data[0].value')
  })

  it('maps an oversized payload to permanent', async () => {
    const error = await providerError(provider().send(message({ body: 'x'.repeat(5000) })))
    expect(error.kind).toBe('permanent')
    expect(error.details.httpStatus).toBe(400)
  })

  it('maps SENDER_ID_MISMATCH (403) to permanent', async () => {
    fake.tokenErrors.set(DEVICE, 'SENDER_ID_MISMATCH')
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 403, code: 'SENDER_ID_MISMATCH' })
  })

  it('maps THIRD_PARTY_AUTH_ERROR (401) to permanent without throwing away a good access token', async () => {
    fake.tokenErrors.set(DEVICE, 'THIRD_PARTY_AUTH_ERROR')
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 401, code: 'THIRD_PARTY_AUTH_ERROR' })
    expect(fake.tokensIssued).toBe(1)
    expect(fake.requests.send).toBe(1)
  })

  it('maps a wrong project id (403 PERMISSION_DENIED) to permanent', async () => {
    const fcm = provider({ serviceAccount: { ...fake.serviceAccount, project_id: 'someone-elses-project' } })
    const error = await providerError(fcm.send(message()))
    expect(error.kind).toBe('permanent')
    expect(error.details).toMatchObject({ httpStatus: 403, code: 'PERMISSION_DENIED' })
  })

  it('maps a per-device QUOTA_EXCEEDED (429) to transient', async () => {
    fake.tokenErrors.set(DEVICE, 'QUOTA_EXCEEDED')
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('transient')
    expect(error.details).toMatchObject({ httpStatus: 429, code: 'QUOTA_EXCEEDED' })
  })

  it.each([
    [429, 'QUOTA_EXCEEDED', '30', 30],
    [500, 'INTERNAL', undefined, undefined],
    [503, 'UNAVAILABLE', '12', 12],
  ] as const)('maps HTTP %i (%s) to transient and keeps Retry-After', async (status, code, retryAfter, seconds) => {
    fake.failNext(1, status, { retryAfter })
    const error = await providerError(provider().send(message()))
    expect(error.kind).toBe('transient')
    expect(error.details).toEqual({ httpStatus: status, code, retryAfterSeconds: seconds })
  })

  it('maps a send that does not answer to transient, and the next send goes through', async () => {
    const fcm = provider({ timeoutMs: 200 })
    fake.hangNext(1)
    const error = await providerError(fcm.send(message()))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 200 ms/)
    await expect(fcm.send(message())).resolves.toMatchObject({ status: 'sent' })
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const fcm = provider({ serviceAccount: { ...fake.serviceAccount, token_uri: `http://127.0.0.1:${port}/token` } })
    const error = await providerError(fcm.send(message()))
    expect(error.kind).toBe('transient')
  })
})

describe('FCM provider: configuration', () => {
  it('rejects an unreadable private key without echoing it', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-not-really-a-key'
    const make = () =>
      createFcmProvider({
        serviceAccount: { ...fake.serviceAccount, private_key: `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n` },
      })
    expect(make).toThrow(/not a readable PEM private key/)
    expect(() => make()).not.toThrow(new RegExp(secret.slice(0, 20)))
  })

  it('rejects a key that is not RSA', () => {
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    expect(() => createFcmProvider({ serviceAccount: { ...fake.serviceAccount, private_key: ecKey } })).toThrow(
      /serviceAccount.private_key must be an RSA private key/,
    )
  })

  it('accepts a key whose newlines were escaped as \\n (service account JSON pasted into an env var)', async () => {
    const escaped = fake.serviceAccount.private_key.replace(/\n/g, '\\n')
    const result = await provider({ serviceAccount: { ...fake.serviceAccount, private_key: escaped } }).send(message())
    expect(result.status).toBe('sent')
  })
})

describe('FCM provider: credentials check', () => {
  it('is ok after a fresh OAuth token and a validate_only send, which delivers nothing', async () => {
    const result = await provider().check()
    expect(result).toEqual({ ok: true, detail: expect.stringContaining(`project ${fake.serviceAccount.project_id}`) })
    expect(fake.requests).toEqual({ token: 1, send: 1 })
    expect(fake.messages).toHaveLength(0)
    expect(fake.validated).toHaveLength(1)
    expect(fake.validated[0].message).toMatchObject({ topic: 'caravan-connection-check' })
  })

  it('is not ok when Google refuses the service account key, and shows none of it', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const result = await provider({ serviceAccount: { ...fake.serviceAccount, private_key: otherKey } }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/refused the service account .*invalid_grant: Invalid JWT Signature/)
    expectNoKeyMaterial(new Error(result.detail), otherKey)
    expect(fake.requests.send).toBe(0)
  })

  it('is not ok when the account may not send for the project (403)', async () => {
    const result = await provider({ serviceAccount: { ...fake.serviceAccount, project_id: 'someone-elses-project' } }).check()
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/HTTP 403 PERMISSION_DENIED.*may not send for this project/) })
  })

  it('is not ok, naming the host, when FCM does not answer in time', async () => {
    fake.hangNext(1, 'send')
    const result = await provider({ timeoutMs: 200 }).check()
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/timed out after 200 ms/) })
  })
})

describe('FCM provider: private key loading', () => {
  it('accepts the key with CRLF line ends or pasted on one line', async () => {
    const pem = fake.serviceAccount.private_key
    for (const variant of [pem.replace(/\n/g, '\r\n'), pem.trim().split('\n').join(' ')]) {
      const result = await provider({ serviceAccount: { ...fake.serviceAccount, private_key: variant } }).send(message())
      expect(result.status).toBe('sent')
    }
  })
})
