import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { startFakeSendGrid, type FakeSendGrid } from '../fakes/sendgrid'
import { api, defineType, settled } from './helpers'

let t: TestCaravan
let fake: FakeSendGrid
beforeAll(async () => {
  fake = await startFakeSendGrid({ apiKey: 'SG.from-env' })
  t = await startTestCaravan({
    env: {
      NOTIFY_PROVIDERS: JSON.stringify([
        { provider: 'sendgrid', config: { apiKey: 'SG.from-env', from: 'env@example.com', baseUrl: fake.baseUrl } },
      ]),
    },
  })
})
afterAll(async () => {
  await t?.close()
  await fake?.close()
})

describe('providers from NOTIFY_PROVIDERS', () => {
  it('send like stored ones, show without secrets, and are read-only in the API', async () => {
    const admin = (await adminSession(t)).accessToken
    await defineType(t, admin, 'env.check', ['email'])
    const user = await registerUser(t)
    const detail = await settled(
      t,
      admin,
      (await api(t, 'POST', '/v1/notifications', admin, { type: 'env.check', to: user.user.id, data: { orderId: 'E' } })).body.id,
    )
    expect(detail.deliveries[0].status).toBe('sent')
    expect(fake.accepted.some((m) => m.body.personalizations[0].custom_args?.delivery_id === detail.deliveries[0].id)).toBe(true)
    const list = await api(t, 'GET', '/v1/admin/notification-providers', admin)
    const env = list.body.items.find((p: any) => p.source === 'env')
    expect(env.config.apiKey).toBe('••••••')
    expect(JSON.stringify(list.body)).not.toContain('SG.from-env')
    expect((await api(t, 'PATCH', `/v1/admin/notification-providers/${env.id}`, admin, { enabled: false })).status).toBe(409)
  })

  it('a bad entry stops the start naming the setting', async () => {
    await expect(
      startTestCaravan({ env: { NOTIFY_PROVIDERS: JSON.stringify([{ provider: 'sendgrid', config: { apiKey: 'x' } }]) } }),
    ).rejects.toThrow(ConfigError)
    await expect(startTestCaravan({ env: { NOTIFY_PROVIDERS: '{oops' } })).rejects.toThrow(/NOTIFY_PROVIDERS/)
  })
})
