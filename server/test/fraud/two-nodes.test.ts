// The fraud rules and the blocklist are held in memory on every node: a change made through one
// node applies at once on the other (PostgreSQL + Redis; skipped where those are missing outside CI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, type TestCaravan } from '../helpers/caravan'
import { startTwoNodes, type TwoNodes } from '../helpers/two-nodes'
import { until } from '../helpers/wait'
import { DEFAULT_RULES } from '../../src/modules/fraud/rules'

describe('fraud rules across two nodes (PostgreSQL + Redis)', () => {
  let nodes: TwoNodes | undefined
  let a: TestCaravan, b: TestCaravan
  beforeAll(async () => {
    nodes = await startTwoNodes('fraud')
    if (nodes) ({ a, b } = nodes)
  })
  afterAll(async () => {
    await nodes?.close()
  })

  it('a rule and a blocklist entry added through node A apply on node B at once', async (ctx) => {
    if (!nodes) return ctx.skip()
    const admin = (await adminSession(a)).accessToken
    const customer = await registerUser(a)
    const fund = await api(
      a,
      'POST',
      '/v1/admin/wallet/adjustments',
      admin,
      { userId: customer.user.id, currency: 'IRR', amount: '100000', reason: 'test funds' },
      { 'idempotency-key': 'fund-two-nodes' },
    )
    expect(fund.status).toBe(201)
    const pay = (amount: string) =>
      api(
        b,
        'POST',
        '/v1/wallet/payments',
        customer.accessToken,
        { amount, currency: 'IRR', purpose: { type: 'custom' } },
        {
          'idempotency-key': `two-${Math.random()}`,
        },
      )
    // Node B has the rules in memory after its first assessment.
    expect((await pay('2000')).status).toBe(201)

    const current = (await api(a, 'GET', '/v1/admin/fraud/rules', admin)).body
    const young = { id: 'young', maxAgeDays: 30, maxAmount: { IRR: '1000' }, score: 100 }
    const put = await api(a, 'PUT', '/v1/admin/fraud/rules', admin, {
      version: current.version,
      rules: { ...DEFAULT_RULES, accountAge: [young] },
    })
    expect(put.status).toBe(200)
    await until(async () => (await pay('2000')).status === 403, 5_000, 'node B applies the new rule')
    expect((await pay('1000')).status).toBe(201)

    const domain = customer.user.email.split('@')[1]
    expect((await api(a, 'POST', '/v1/admin/fraud/blocklist', admin, { kind: 'email_domain', value: domain })).status).toBe(201)
    await until(async () => (await pay('1000')).status === 403, 5_000, 'node B applies the blocklist entry')
  })
})
