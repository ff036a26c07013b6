// Kavenegar has no delivery callbacks: the status-poll job asks its status API about messages
// still marked sent, and moves them to delivered or failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { startFakeKavenegar, type FakeKavenegar } from '../fakes/kavenegar'
import { api, defineType, settled } from './helpers'

let t: TestCaravan
let fake: FakeKavenegar
beforeAll(async () => {
  t = await startTestCaravan()
  fake = await startFakeKavenegar({ apiKey: 'kavenegar-test-key' })
})
afterAll(async () => {
  await t?.close()
  await fake?.close()
})

describe('Kavenegar status look-ups', () => {
  it('move sent messages to delivered or failed', async () => {
    const admin = (await adminSession(t)).accessToken
    expect(
      (
        await api(t, 'POST', '/v1/admin/notification-providers', admin, {
          provider: 'kavenegar',
          config: { apiKey: 'kavenegar-test-key', sender: '10004346', baseUrl: fake.url },
        })
      ).status,
    ).toBe(201)
    await defineType(t, admin, 'otp.code', ['sms'])
    const [a, b] = [await registerUser(t, { locale: 'fa' }), await registerUser(t, { locale: 'fa' })]
    await api(t, 'PATCH', '/v1/me', a.accessToken, { phone: '+989121110001' })
    await api(t, 'PATCH', '/v1/me', b.accessToken, { phone: '+989121110002' })
    const detail = await settled(
      t,
      admin,
      (await api(t, 'POST', '/v1/notifications', admin, { type: 'otp.code', to: [a.user.id, b.user.id], data: { orderId: '۱۲۳' } })).body
        .id,
    )
    expect(detail.deliveries.map((d: any) => d.status)).toEqual(['sent', 'sent'])
    expect(fake.messages.map((m) => m.receptor).sort()).toEqual(['09121110001', '09121110002'])
    const byPhone = Object.fromEntries(fake.messages.map((m) => [m.receptor, m.messageid]))
    fake.setStatus(byPhone['09121110001'], 10) // delivered
    fake.setStatus(byPhone['09121110002'], 11) // undelivered
    expect(await t.caravan.services.notifications.status.poll()).toBe(2)
    const after = (await api(t, 'GET', `/v1/notifications/${detail.id}`, admin)).body.deliveries
    const statusOf = (userId: string) => after.find((d: any) => d.userId === userId).status
    expect(statusOf(a.user.id)).toBe('delivered')
    expect(statusOf(b.user.id)).toBe('failed')
    expect(await t.caravan.services.notifications.status.poll()).toBe(0) // nothing left to ask about
  })
})
