import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ProviderError, type SmsProvider } from '../../../src/modules/notifications/providers/types'
import { createKavenegarProvider, type KavenegarConfig } from '../../../src/modules/notifications/providers/sms/kavenegar'
import { startFakeKavenegar, type FakeKavenegar } from '../../fakes/kavenegar'

// Kavenegar keys are long hex strings; this one also has characters that URL-encoding changes.
const apiKey = '4A6B2F7A5A/6B3D+71'
const encodedKey = encodeURIComponent(apiKey)

let fake: FakeKavenegar
beforeAll(async () => {
  fake = await startFakeKavenegar({ apiKey, lines: ['10004346', '2000500666'] })
})
afterAll(async () => {
  await fake?.close()
})
beforeEach(() => {
  Object.assign(fake.account, { active: true, credit: 1_000_000, ownerNumber: undefined })
  fake.invalidReceptors.clear()
})

function provider(overrides: Partial<KavenegarConfig> = {}): SmsProvider {
  return createKavenegarProvider({ apiKey, baseUrl: fake.url, timeoutMs: 2_000, ...overrides })
}

/** The error a send throws, checked to be a ProviderError that names neither form of the API key. */
async function sendError(p: SmsProvider, to = '+989121234567', text = 'سلام'): Promise<ProviderError> {
  const error = await p.send({ deliveryId: 'd-err', to, text }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  const providerError = error as ProviderError
  const everything = `${providerError.message} ${JSON.stringify(providerError.details)} ${providerError.stack}`
  expect(everything).not.toContain(apiKey)
  expect(everything).not.toContain(encodedKey)
  return providerError
}

describe('kavenegar send', () => {
  it('posts receptor in local form, message and sender to /v1/{key}/sms/send.json', async () => {
    const result = await provider({ sender: '2000500666' }).send({ deliveryId: 'd1', to: '+989121234567', text: 'کد ورود شما: ۱۲۳۴' })
    const sent = fake.messages.at(-1)!
    expect(fake.paths.at(-1)).toBe(`/v1/${encodedKey}/sms/send.json`)
    expect(sent).toMatchObject({ receptor: '09121234567', sender: '2000500666', message: 'کد ورود شما: ۱۲۳۴' })
    expect(result).toEqual({
      providerMessageId: String(sent.messageid),
      status: 'sent',
      meta: { httpStatus: 200, kavenegarStatus: 1, cost: sent.cost },
    })
  })

  it('uses the account’s default line when no sender is configured', async () => {
    await provider().send({ deliveryId: 'd2', to: '+989351112233', text: 'hello' })
    expect(fake.messages.at(-1)).toMatchObject({ receptor: '09351112233', sender: '10004346' })
  })

  it('sends other countries’ numbers with the 00 international prefix', async () => {
    await provider().send({ deliveryId: 'd3', to: '+447911123456', text: 'hello' })
    expect(fake.messages.at(-1)!.receptor).toBe('00447911123456')
  })

  it('rejects a number that is not E.164 without calling Kavenegar', async () => {
    const before = fake.paths.length
    const error = await sendError(provider(), '09121234567')
    expect(error.kind).toBe('invalid_recipient')
    expect(fake.paths.length).toBe(before)
  })
})

describe('kavenegar error mapping', () => {
  it('maps 411 (invalid receptor) to invalid_recipient', async () => {
    fake.invalidReceptors.add('09120000000')
    const error = await sendError(provider(), '+989120000000')
    expect(error.kind).toBe('invalid_recipient')
    expect(error.details).toEqual({ code: 411, httpStatus: 411 })
  })

  it('maps 403 (invalid API key) to permanent without naming the key', async () => {
    const wrongKey = 'WRONG/KEY+123'
    const error = await sendError(provider({ apiKey: wrongKey }))
    expect(error.kind).toBe('permanent')
    expect(error.details).toEqual({ code: 403, httpStatus: 403 })
    expect(error.message).not.toContain(wrongKey)
    expect(error.message).not.toContain(encodeURIComponent(wrongKey))
  })

  it('maps 401 (account inactive) to permanent', async () => {
    fake.account.active = false
    const error = await sendError(provider())
    expect([error.kind, error.details.code]).toEqual(['permanent', 401])
  })

  it('maps 418 (insufficient credit) to permanent', async () => {
    fake.account.credit = 10
    const error = await sendError(provider())
    expect([error.kind, error.details.code]).toEqual(['permanent', 418])
    expect(error.message).toContain('418')
  })

  it('maps 412 (invalid sender) to permanent', async () => {
    const error = await sendError(provider({ sender: '30001234' }))
    expect([error.kind, error.details.code]).toEqual(['permanent', 412])
  })

  it('maps 413 (empty or too long message) to permanent', async () => {
    expect((await sendError(provider(), '+989121234567', '')).details.code).toBe(413)
    const error = await sendError(provider(), '+989121234567', 'a'.repeat(901))
    expect([error.kind, error.details.code]).toEqual(['permanent', 413])
  })

  it('maps 422 (characters it cannot process) to permanent', async () => {
    const error = await sendError(provider(), '+989121234567', 'bad \u0007 bell')
    expect([error.kind, error.details.code]).toEqual(['permanent', 422])
  })

  it('maps 501 (test account, owner’s number only) to permanent although it is a 5xx', async () => {
    fake.account.ownerNumber = '09121111111'
    const error = await sendError(provider(), '+989122222222')
    expect([error.kind, error.details.code, error.details.httpStatus]).toEqual(['permanent', 501, 501])
    await expect(provider().send({ deliveryId: 'd', to: '+989121111111', text: 'test' })).resolves.toMatchObject({ status: 'sent' })
  })

  // Service states the fake is told to play (overload, rate limits, Kavenegar's 6xx codes).
  it.each([
    [402, 'transient'],
    [409, 'transient'],
    [429, 'transient'],
    [451, 'transient'],
    [604, 'permanent'],
    [607, 'permanent'],
  ] as const)('maps return.status %i to %s', async (status, kind) => {
    fake.answerNext(1, status)
    const error = await sendError(provider())
    expect(error.kind).toBe(kind)
    expect(error.details).toEqual({ code: status, httpStatus: status })
  })

  it.each([500, 502, 503])('maps HTTP %i without a Kavenegar result to transient', async (status) => {
    fake.failNext(1, status)
    const error = await sendError(provider())
    expect(error.kind).toBe('transient')
    expect(error.details).toEqual({ httpStatus: status })
  })

  it('maps a request that never answers to transient after the timeout', async () => {
    fake.hangNext(1)
    const error = await sendError(provider({ timeoutMs: 200 }))
    expect(error.kind).toBe('transient')
    expect(error.message).toMatch(/timed out after 200 ms/)
  })

  it('maps a refused connection to transient', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    expect((await sendError(provider({ baseUrl: url }))).kind).toBe('transient')
  })

  it('redacts the key when a transport error repeats the URL', async () => {
    const leaky: typeof fetch = async (input) => {
      throw new Error(`getaddrinfo failed for ${String(input)} (key ${apiKey})`)
    }
    const error = await sendError(provider({ fetch: leaky }))
    expect(error.kind).toBe('transient')
    expect(error.message).toContain('[redacted]')
  })
})

describe('kavenegar status look-up', () => {
  it('maps delivered to delivered, undelivered/failed/cancelled/blocked to failed, and the rest to nothing', async () => {
    const p = provider()
    const ids: string[] = []
    for (let i = 0; i < 8; i++) ids.push((await p.send({ deliveryId: `s${i}`, to: '+989121234567', text: `m${i}` })).providerMessageId!)
    const states = [10, 11, 6, 13, 14, 1, 4, 5]
    ids.forEach((id, i) => fake.setStatus(id, states[i]))
    const events = await p.lookupStatus!([...ids, '999999999'])
    expect(fake.paths.at(-1)).toBe(`/v1/${encodedKey}/sms/status.json`)
    expect(events).toEqual([
      { providerMessageId: ids[0], status: 'delivered' },
      { providerMessageId: ids[1], status: 'failed', reason: '11 نرسیده به گیرنده' },
      { providerMessageId: ids[2], status: 'failed', reason: '6 خطا در ارسال پیام' },
      { providerMessageId: ids[3], status: 'failed', reason: expect.stringMatching(/^13 /) },
      { providerMessageId: ids[4], status: 'failed', reason: expect.stringMatching(/^14 /) },
    ])
  })

  it('asks in batches of at most 500 ids', async () => {
    const before = fake.paths.length
    const ids = Array.from({ length: 1001 }, (_, i) => String(1_000_000 + i))
    await expect(provider().lookupStatus!(ids)).resolves.toEqual([]) // all unknown (100): no events
    expect(fake.paths.length - before).toBe(3)
  })

  it('returns nothing for no ids, without a request', async () => {
    const before = fake.paths.length
    await expect(provider().lookupStatus!([])).resolves.toEqual([])
    expect(fake.paths.length).toBe(before)
  })

  it('maps look-up failures like send failures, without the key', async () => {
    const wrong = await provider({ apiKey: 'other-key' }).lookupStatus!(['1']).catch((e: unknown) => e as ProviderError)
    expect(wrong).toBeInstanceOf(ProviderError)
    expect([(wrong as ProviderError).kind, (wrong as ProviderError).details.code]).toEqual(['permanent', 403])
    expect((wrong as ProviderError).message).not.toContain('other-key')
    fake.failNext(1, 500)
    const outage = await provider().lookupStatus!(['1']).catch((e: unknown) => e as ProviderError)
    expect((outage as ProviderError).kind).toBe('transient')
    expect((outage as ProviderError).message).not.toContain(encodedKey)
  })
})

describe('kavenegar credentials check', () => {
  it('is ok with the credit left (account/info), and sends nothing', async () => {
    fake.account.expires = Date.UTC(2030, 0, 31) / 1000
    const before = fake.messages.length
    const result = await provider().check()
    expect(result).toEqual({
      ok: true,
      detail: 'Kavenegar accepted the API key; 1000000 Rials of credit left; the account expires 2030-01-31',
    })
    expect(fake.paths.at(-1)).toBe(`/v1/${encodedKey}/account/info.json`)
    expect(fake.messages.length).toBe(before)
  })

  it('is not ok for a key Kavenegar refuses (403), and shows no form of it', async () => {
    const wrongKey = 'WRONG/KEY+0123456789'
    const result = await provider({ apiKey: wrongKey }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/^Kavenegar refused the API key: kavenegar account\/info refused: 403/)
    expect(result.detail).not.toContain(wrongKey)
    expect(result.detail).not.toContain(encodeURIComponent(wrongKey))
  })

  it('is not ok for a disabled account (401)', async () => {
    fake.account.active = false
    expect(await provider().check()).toMatchObject({ ok: false, detail: expect.stringMatching(/^The Kavenegar account is disabled/) })
  })
})
