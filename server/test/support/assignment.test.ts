// Automatic assignment and the SLA job through the API: round robin is fair (in turn, also for
// tickets created at once), capacity and status are respected, an agent coming online picks up
// waiting tickets, a demoted agent's tickets go back to the others, agents without an open console
// count as offline (autoOffline), and the SLA job warns and flags each deadline once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { collect, connectedSocket } from '../helpers/sockets'
import { until } from '../helpers/wait'
import { agent, customer, online, team, type Person } from './helpers'

let t: TestCaravan
let admin: string
let sara: Person
let a: Person
let b: Person
let c: Person
let billing: { id: string }

beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  sara = await customer(t, 'Sara')
  a = await agent(t, admin, 'Ana')
  b = await agent(t, admin, 'Bahram')
  c = await agent(t, admin, 'Chia')
  billing = await team(t, admin, 'Billing', [a.id, b.id, c.id])
  // Status alone decides here; the console-open rule has its own test below.
  expect((await api(t, 'PATCH', '/v1/admin/support/settings', admin, { autoOffline: false })).status).toBe(200)
  for (const p of [a, b, c]) await online(t, p)
})
afterAll(async () => {
  await t?.close()
})

/** A ticket in `teamId`, opened by an agent for Sara (agents choose the team). */
async function ticketIn(teamId: string, by: Person = a, extra: Record<string, unknown> = {}) {
  const res = await api(t, 'POST', '/v1/tickets', by.token, {
    subject: 'Invoice',
    body: 'Wrong amount',
    requester: sara.id,
    teamId,
    ...extra,
  })
  expect(res.status).toBe(201)
  return res.body.ticket as { id: string; number: number; assignee: { id: string } | null }
}

async function loads(teamId: string) {
  const { rows } = await t.database.query(
    `select assignee_id, count(*)::int as n from support_tickets where team_id = $1 and status in ('open','pending','on_hold') group by assignee_id`,
    [teamId],
  )
  return Object.fromEntries((rows as { assignee_id: string | null; n: number }[]).map((r) => [r.assignee_id ?? 'none', r.n]))
}

describe('round robin', () => {
  it('gives tickets in turn, also when they are created at once', async () => {
    const order: string[] = []
    for (let i = 0; i < 6; i++) order.push((await ticketIn(billing.id)).assignee!.id)
    // Each agent once per round, the same order every round.
    expect(new Set(order.slice(0, 3)).size).toBe(3)
    expect(order.slice(3)).toEqual(order.slice(0, 3))
    await Promise.all(Array.from({ length: 9 }, () => ticketIn(billing.id)))
    expect(await loads(billing.id)).toEqual({ [a.id]: 5, [b.id]: 5, [c.id]: 5 })
  })

  it('skips agents who are away or at capacity, and tells the assignee', async () => {
    const small = await team(t, admin, 'Small', [a.id, b.id])
    await api(t, 'PUT', '/v1/support/presence', b.token, { status: 'away' })
    const first = await ticketIn(small.id)
    expect(first.assignee!.id).toBe(a.id)
    expect((await api(t, 'PUT', `/v1/support/agents/${a.id}/capacity`, admin, { capacity: 5 })).status).toBe(200)
    // Ana holds 5 + 1 active tickets now, over her capacity of 5: nobody can take the next one.
    const waiting = await ticketIn(small.id)
    expect(waiting.assignee).toBeNull()
    const inbox = await until(
      async () => {
        const res = await api(t, 'GET', '/v1/me/notifications', a.token)
        return res.body.items?.find(
          (n: any) => n.type === 'support.ticket_assigned' && n.actionUrl === `/console/support/tickets/${first.id}`,
        )
      },
      20_000,
      "the assignee's notification",
    )
    expect(inbox.title).toContain(`#${first.number}`)

    // Coming back online picks the waiting ticket up.
    const back = await api(t, 'PUT', '/v1/support/presence', b.token, { status: 'online' })
    expect(back.body).toMatchObject({ status: 'online', available: true })
    expect((await api(t, 'GET', `/v1/tickets/${waiting.id}`, a.token)).body.ticket.assignee).toMatchObject({ id: b.id })
    await api(t, 'PUT', `/v1/support/agents/${a.id}/capacity`, admin, { capacity: 10 })
  })

  it('only agents set a status; capacity is the admin’s; support shows online while someone is', async () => {
    expect((await api(t, 'PUT', '/v1/support/presence', sara.token, { status: 'online' })).status).toBe(403)
    expect((await api(t, 'PUT', `/v1/support/agents/${a.id}/capacity`, b.token, { capacity: 99 })).status).toBe(403)
    expect((await api(t, 'PUT', `/v1/support/agents/${sara.id}/capacity`, admin, { capacity: 3 })).status).toBe(404)
    expect((await api(t, 'PUT', '/v1/support/presence', a.token, { status: 'busy' })).status).toBe(400)
    expect((await api(t, 'GET', '/v1/support/status', sara.token)).body).toEqual({ online: true })
    // A new agent in no team works for the default team once they set a status.
    const fresh = await agent(t, admin, 'Fresh')
    const defaultTeam = (await api(t, 'GET', '/v1/support/teams', admin)).body.items.find((x: any) => x.isDefault)
    expect((await api(t, 'PUT', '/v1/support/presence', fresh.token, { status: 'away' })).body.teamIds).toEqual([defaultTeam.id])
    const agents = await api(t, 'GET', '/v1/support/agents', a.token)
    expect(agents.body.items.find((x: any) => x.userId === c.id)).toMatchObject({
      name: 'Chia',
      status: 'online',
      capacity: 10,
      teamIds: expect.arrayContaining([billing.id]),
    })
  })

  it('hands a demoted agent’s tickets to the rest of the team', async () => {
    const held = (await loads(billing.id))[c.id]!
    expect(held).toBeGreaterThan(0)
    expect((await api(t, 'PUT', `/v1/admin/users/${c.id}/role`, admin, { role: 'customer' })).status).toBe(200)
    // Taken off them in one transaction, then handed out one by one: wait for the last.
    const after = await until(
      async () => {
        const now = await loads(billing.id)
        return !now[c.id] && !now.none ? now : null
      },
      20_000,
      "the demoted agent's tickets to move",
    )
    expect((after[a.id] ?? 0) + (after[b.id] ?? 0)).toBeGreaterThanOrEqual(15)
    const teams = await api(t, 'GET', '/v1/support/teams', admin)
    expect(teams.body.items.find((x: any) => x.id === billing.id).memberIds).not.toContain(c.id)
    // No ticket can be handed to them by hand either.
    const one = await ticketIn(billing.id)
    expect((await api(t, 'PATCH', `/v1/tickets/${one.id}`, a.token, { assigneeId: c.id })).status).toBe(422)
  })
})

describe('agents without an open console', () => {
  it('count as offline while autoOffline is on, and get waiting tickets once connected', async () => {
    const d = await agent(t, admin, 'Dara')
    const nights = await team(t, admin, 'Nights', [d.id])
    await online(t, d)
    await api(t, 'PATCH', '/v1/admin/support/settings', admin, { autoOffline: true })
    try {
      const waiting = await ticketIn(nights.id)
      expect(waiting.assignee).toBeNull()
      expect((await api(t, 'GET', '/v1/support/agents', admin)).body.items.find((x: any) => x.userId === d.id).available).toBe(false)
      const socket = await connectedSocket(t.url, d.token)
      try {
        await t.caravan.services.support.slaJob.run()
        expect((await api(t, 'GET', `/v1/tickets/${waiting.id}`, d.token)).body.ticket.assignee).toMatchObject({ id: d.id })
      } finally {
        socket.disconnect()
      }
    } finally {
      await api(t, 'PATCH', '/v1/admin/support/settings', admin, { autoOffline: false })
    }
  })
})

describe('the SLA job', () => {
  it('warns before a deadline and flags the breach, each once, telling the assignee and the agents’ sockets', async () => {
    const watcher = await connectedSocket(t.url, a.token)
    const heard = collect<any>(watcher, 'support.sla')
    try {
      // A customer's ticket (an agent's own has no first-response clock), handed to Ana.
      const ticket = (await api(t, 'POST', '/v1/tickets', sara.token, { subject: 'Slow', body: 'Still waiting' })).body.ticket
      expect((await api(t, 'PATCH', `/v1/tickets/${ticket.id}`, a.token, { assigneeId: a.id })).status).toBe(200)
      await t.database.query(`update support_tickets set first_response_due_at = now() + interval '10 minutes' where id = $1`, [ticket.id])
      await t.caravan.services.support.slaJob.checkSla()
      await t.caravan.services.support.slaJob.checkSla()
      await until(() => heard.some((e) => e.ticketId === ticket.id && e.level === 'warning'), 10_000, 'the warning')
      const atRisk = await api(t, 'GET', '/v1/tickets?view=sla_at_risk', a.token)
      expect(atRisk.body.items.map((x: any) => x.id)).toContain(ticket.id)
      expect(atRisk.body.items.find((x: any) => x.id === ticket.id).sla[0].status).toBe('at_risk')

      await t.database.query(`update support_tickets set first_response_due_at = now() - interval '1 minute' where id = $1`, [ticket.id])
      await t.caravan.services.support.slaJob.checkSla()
      await t.caravan.services.support.slaJob.checkSla()
      await until(() => heard.some((e) => e.ticketId === ticket.id && e.level === 'breached'), 10_000, 'the breach')
      expect(heard.filter((e) => e.ticketId === ticket.id).map((e) => [e.metric, e.level])).toEqual([
        ['first_response', 'warning'],
        ['first_response', 'breached'],
      ])
      const detail = await api(t, 'GET', `/v1/tickets/${ticket.id}`, a.token)
      expect(detail.body.ticket.sla[0].status).toBe('breached')
      await until(
        async () => {
          const res = await api(t, 'GET', '/v1/me/notifications', a.token)
          return (
            res.body.items?.filter((n: any) => n.type === 'support.sla_alert' && n.actionUrl === `/console/support/tickets/${ticket.id}`)
              .length === 2
          )
        },
        20_000,
        'two SLA alerts for the assignee',
      )
      // The reply after the deadline keeps the breach on record.
      await api(t, 'POST', `/v1/tickets/${ticket.id}/replies`, a.token, { body: 'Sorry for the wait' })
      const replied = await api(t, 'GET', `/v1/tickets/${ticket.id}`, a.token)
      expect(replied.body.ticket.sla[0].status).toBe('breached')
    } finally {
      watcher.disconnect()
    }
  })
})

describe('analytics', () => {
  it('answers figures and CSV for agents, refuses customers and bad ranges', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString()
    const to = new Date(Date.now() + 86_400_000).toISOString()
    const res = await api(t, 'GET', `/v1/support/analytics?from=${from}&to=${to}&groupBy=team`, a.token)
    expect(res.status).toBe(200)
    const billingRow = res.body.groups.find((g: any) => g.key === billing.id)
    expect(billingRow).toMatchObject({ label: 'Billing' })
    expect(billingRow.ticketsCreated).toBeGreaterThanOrEqual(16)
    expect(res.body.totals.ticketsCreated).toBeGreaterThanOrEqual(billingRow.ticketsCreated)
    const byAgent = await api(t, 'GET', `/v1/support/analytics?from=${from}&to=${to}&groupBy=agent`, a.token)
    expect(byAgent.body.groups.find((g: any) => g.key === a.id)).toMatchObject({ label: 'Ana' })
    const csv = await api(t, 'GET', `/v1/support/analytics/export?from=${from}&to=${to}&groupBy=day&timezone=Europe/Berlin`, a.token)
    expect(csv.status).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(String(csv.body).split('\r\n')[0]).toMatch(/^\uFEFFkey,label,tickets_created/)
    expect((await api(t, 'GET', `/v1/support/analytics?from=${from}&to=${to}`, sara.token)).status).toBe(403)
    expect((await api(t, 'GET', `/v1/support/analytics?from=${to}&to=${from}`, a.token)).status).toBe(400)
    expect((await api(t, 'GET', `/v1/support/analytics?from=2020-01-01T00:00:00Z&to=${to}`, a.token)).status).toBe(400)
    expect((await api(t, 'GET', `/v1/support/analytics?from=${from}&to=${to}&timezone=Nowhere/Atlantis`, a.token)).status).toBe(400)
    expect((await api(t, 'GET', `/v1/support/analytics?from=yesterday&to=${to}`, a.token)).status).toBe(400)
  })
})
