// Gateway settings and routing rules are held in memory on every node: a change made through one
// node applies at once on the other (PostgreSQL + Redis). And two nodes answering the same
// Idempotency-Key at the same moment create one payment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, type TestCaravan } from '../helpers/caravan'
import { startTwoNodes, type TwoNodes } from '../helpers/two-nodes'
import { until } from '../helpers/wait'

describe('payments across two nodes (PostgreSQL + Redis)', () => {
  let nodes: TwoNodes | undefined
  let a: TestCaravan, b: TestCaravan
  beforeAll(async () => {
    nodes = await startTwoNodes('payments')
    if (nodes) ({ a, b } = nodes)
  })
  afterAll(async () => {
    await nodes?.close()
  })

  const irr = (ref: string) => ({
    amount: '10000',
    currency: 'IRR',
    purpose: { type: 'order', ref },
    returnUrl: 'https://shop.example.com/done',
  })

  it('a gateway switched off through node A is off on node B at once', async (ctx) => {
    if (!nodes) return ctx.skip()
    const admin = (await adminSession(a)).accessToken
    const customer = (await registerUser(a)).accessToken
    // Node B has the gateway list in memory after its first payment.
    expect((await api(b, 'POST', '/v1/payments', customer, irr('warm'))).status).toBe(201)
    expect((await api(a, 'PUT', '/v1/admin/payment-gateways/test', admin, { enabled: false, config: {} })).status).toBe(200)
    await until(async () => (await api(b, 'POST', '/v1/payments', customer, irr('off'))).status === 422, 5_000, 'node B sees the change')
    await api(a, 'PATCH', '/v1/admin/payment-settings', admin, { expiryMinutes: 15 })
    await api(a, 'PUT', '/v1/admin/payment-gateways/test', admin, { enabled: true, config: {} })
    const created = await until(async () => {
      const res = await api(b, 'POST', '/v1/payments', customer, irr('on'))
      return res.status === 201 ? res.body : undefined
    }, 5_000)
    const minutes = (Date.parse(created.expiresAt) - Date.parse(created.createdAt)) / 60_000
    expect(Math.round(minutes)).toBe(15)
  })

  it('the same Idempotency-Key sent to both nodes at once makes one payment', async (ctx) => {
    if (!nodes) return ctx.skip()
    const customer = (await registerUser(a)).accessToken
    const answers = await Promise.all(
      [a, b, a, b].map((node) => api(node, 'POST', '/v1/payments', customer, irr('race'), { 'idempotency-key': 'race-1' })),
    )
    const ids = new Set(answers.filter((r) => r.status < 300).map((r) => r.body.id))
    expect(ids.size).toBe(1)
    // A request that found the first still running is told so (409) and may retry.
    for (const r of answers) expect([200, 201, 409]).toContain(r.status)
    const { rows } = await a.database.query(`select count(*)::int as n from payments where purpose_ref = 'race'`)
    expect(rows[0].n).toBe(1)
  })
})
