// The identity signature cannot be skipped: every operation in the OpenAPI document is called
// without credentials, naming a host user by externalId with a bad signature (in the body, the query
// and headers), and none of them hands out a session for that user or creates them.
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, bearer, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
let secret: string
beforeAll(async () => {
  t = await startTestCaravan()
  const admin = (await adminSession(t)).accessToken
  secret = (await t.caravan.app.inject({ method: 'POST', url: '/v1/identity-secrets', headers: bearer(admin), payload: {} })).json().secret
})
afterAll(async () => {
  await t?.close()
})

const VICTIM = 'victim-1'
const sign = (key: string, externalId: string) => createHmac('sha256', key).update(externalId).digest('hex')
const PARAMS: Record<string, string> = { channel: 'email', locale: 'en', key: 'sample.key', externalId: VICTIM }
const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? '00000000-0000-7000-8000-000000000000')

describe('identity verification', () => {
  it('no operation gives a session for, or creates, a host user without a valid signature', async () => {
    const doc = (await t.caravan.app.inject({ method: 'GET', url: '/docs/json' })).json()
    // Signatures that must all fail for the victim: none, garbage, another user's, another secret's.
    const attempts = [
      {},
      { signature: '' },
      { signature: '0'.repeat(64) },
      { signature: sign(secret, 'attacker') },
      { signature: sign('not the secret', VICTIM) },
      { signature: sign(secret, VICTIM).slice(0, 63) },
      { signature: [sign(secret, 'attacker')] },
    ]
    let calls = 0
    for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const method of Object.keys(methods)) {
        for (const extra of attempts) {
          const fields = { externalId: VICTIM, ...extra }
          const query = new URLSearchParams({ externalId: VICTIM, signature: String((extra as any).signature ?? '') }).toString()
          const res = await t.caravan.app.inject({
            method: method.toUpperCase() as any,
            url: `${fill(path)}?${query}`,
            headers: { 'x-external-id': VICTIM, 'x-signature': String((extra as any).signature ?? '') },
            ...(method === 'get' || method === 'delete' ? {} : { payload: fields }),
          })
          calls++
          expect(res.statusCode, `${method.toUpperCase()} ${path} answered 5xx`).toBeLessThan(500)
          if (res.statusCode < 300) expect(res.body, `${method.toUpperCase()} ${path} gave tokens`).not.toMatch(/"accessToken"/)
        }
      }
    }
    expect(calls).toBeGreaterThan(300)
    const { rows } = await t.database.query('select id from users where external_id = $1', [VICTIM])
    expect(rows).toEqual([])
    // The valid signature does work, so the test above tested a working door.
    const ok = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/identity',
      payload: { externalId: VICTIM, signature: sign(secret, VICTIM) },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().user.externalId).toBe(VICTIM)
  })
})
