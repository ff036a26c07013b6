// Tickets end to end through the API: who may open and read them, the timeline with internal notes
// that never reach a customer (REST and sockets), replies reopening solved tickets, closed ones
// refusing, merge, CSAT once, canned responses and macros, and bad input refused with nothing changed.
// Runs on PGlite, and on PostgreSQL in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { collect, connectedSocket } from '../helpers/sockets'
import { until } from '../helpers/wait'
import { agent, customer, team, type Person } from './helpers'

let t: TestCaravan
let admin: string
let sara: Person
let reza: Person
let ali: Person

beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  sara = await customer(t, 'Sara')
  reza = await customer(t, 'Reza')
  ali = await agent(t, admin, 'Ali')
  // No automatic assignment here (no agent is online): assignment has its own tests.
})
afterAll(async () => {
  await t?.close()
})

const open = (p: Person, body: Record<string, unknown> = {}) =>
  api(t, 'POST', '/v1/tickets', p.token, { subject: 'Cannot log in', body: 'It says my password is wrong.', ...body })

describe('opening and reading tickets', () => {
  it('a customer opens a ticket for themselves and sees only their own, without the desk’s fields', async () => {
    const created = await open(sara, { priority: 'high' })
    expect(created.status).toBe(201)
    expect(created.body.ticket).toMatchObject({
      subject: 'Cannot log in',
      status: 'open',
      priority: 'high',
      channel: 'web',
      requester: { id: sara.id, name: 'Sara' },
    })
    expect(created.body.ticket).not.toHaveProperty('tags')
    expect(created.body.ticket).not.toHaveProperty('assignee')
    expect(created.body.ticket).not.toHaveProperty('sla')
    expect(created.body.events).toHaveLength(1)
    expect(created.body.events[0]).toMatchObject({
      kind: 'reply',
      public: true,
      byAgent: false,
      body: 'It says my password is wrong.',
      author: { id: sara.id },
    })

    const id = created.body.ticket.id
    expect((await api(t, 'GET', `/v1/tickets/${id}`, reza.token)).status).toBe(404)
    expect((await api(t, 'POST', `/v1/tickets/${id}/replies`, reza.token, { body: 'me too' })).status).toBe(404)
    const mine = await api(t, 'GET', '/v1/tickets', reza.token)
    expect(mine.body.items.map((x: any) => x.id)).not.toContain(id)
    // Asking for someone else's tickets by filter changes nothing for a customer.
    const sneaky = await api(t, 'GET', `/v1/tickets?requesterId=${sara.id}`, reza.token)
    expect(sneaky.body.items).toEqual([])

    const desk = await api(t, 'GET', `/v1/tickets/${id}`, ali.token)
    expect(desk.body.ticket).toMatchObject({ assignee: null, tags: [], teamId: expect.any(String) })
    expect(desk.body.ticket.sla.map((c: any) => [c.metric, c.status])).toEqual([
      ['first_response', 'running'],
      ['next_response', 'none'],
      ['resolution', 'running'],
    ])
  })

  it('customers cannot name a requester, a team or tags', async () => {
    for (const extra of [{ requester: reza.id }, { tags: ['vip'] }, { teamId: '00000000-0000-7000-8000-000000000000' }]) {
      const res = await open(sara, extra)
      expect(res.status).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
  })

  it('an agent opens one for a host-product customer by externalId, and an API key through the API', async () => {
    const byAgent = await open(ali, {
      requester: { externalId: 'crm-7', name: 'Mina', email: 'mina@example.com' },
      tags: ['VIP', 'billing'],
    })
    expect(byAgent.status).toBe(201)
    expect(byAgent.body.ticket).toMatchObject({
      channel: 'agent',
      requester: { externalId: 'crm-7', name: 'Mina' },
      tags: ['vip', 'billing'],
    })
    // The agent's own opening message is the first response: no first-response clock runs.
    expect(byAgent.body.ticket.sla[0]).toMatchObject({ metric: 'first_response', status: 'met' })
    expect(byAgent.body.events[0]).toMatchObject({ byAgent: true, author: { id: ali.id } })

    const key = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'crm', scopes: ['support:write', 'support:read'] })).body.key
    // API keys are bearer tokens.
    const viaApi = await api(t, 'POST', '/v1/tickets', key, {
      subject: 'Refund?',
      body: 'From the CRM',
      requester: { externalId: 'crm-7' },
    })
    expect(viaApi.status).toBe(201)
    expect(viaApi.body.ticket).toMatchObject({ channel: 'api', requester: { externalId: 'crm-7' } })
    expect((await api(t, 'POST', '/v1/tickets', key, { subject: 'x', body: 'y' })).status).toBe(400)
    const readOnly = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'ro', scopes: ['support:read'] })).body.key
    expect((await api(t, 'POST', '/v1/tickets', readOnly, { subject: 'x', body: 'y', requester: { externalId: 'crm-7' } })).status).toBe(
      403,
    )
    expect((await api(t, 'GET', `/v1/tickets/${viaApi.body.ticket.id}`, readOnly)).status).toBe(200)
  })

  it('refuses ugly input with a problem and writes nothing', async () => {
    const before = (await t.database.query(`select count(*)::int as n from support_tickets`)).rows[0] as { n: number }
    const cases: unknown[] = [
      { subject: 'x'.repeat(201), body: 'b' },
      { subject: '', body: 'b' },
      { subject: 's', body: '' },
      { subject: 's', body: 'b'.repeat(20_001) },
      { subject: { text: 's' }, body: 'b' },
      { subject: ['s', 't'], body: 'b' },
      { subject: 's', body: 'b', priority: 'critical' },
      { subject: 's', body: 'b', extra: true },
      { subject: 's', body: 'b', attachmentIds: ['not-a-uuid'] },
      'not json at all',
    ]
    for (const payload of cases) {
      const res = await api(
        t,
        'POST',
        '/v1/tickets',
        sara.token,
        payload,
        typeof payload === 'string' ? { 'content-type': 'application/json' } : {},
      )
      expect(res.status, JSON.stringify(payload)).toBe(400)
    }
    const after = (await t.database.query(`select count(*)::int as n from support_tickets`)).rows[0] as { n: number }
    expect(after.n).toBe(before.n)
    // Persian and emoji are ordinary text.
    const fa = await open(sara, { subject: 'ورود به حساب 🙏', body: 'رمز عبورم را فراموش کرده‌ام' })
    expect(fa.status).toBe(201)
    expect(fa.body.ticket.subject).toBe('ورود به حساب 🙏')
  })
})

describe('the timeline', () => {
  it('internal notes reach agents only, on every route and socket', async () => {
    const created = (await open(sara)).body.ticket
    const saraSocket = await connectedSocket(t.url, sara.token)
    const aliSocket = await connectedSocket(t.url, ali.token)
    const saraHeard = collect<any>(saraSocket, 'ticket.event')
    const saraDeskEvents = collect<any>(saraSocket, 'support.ticket.event')
    const saraUpdates = collect<any>(saraSocket, 'ticket.updated')
    const saraDeskUpdates = collect<any>(saraSocket, 'support.ticket.updated')
    const aliHeard = collect<any>(aliSocket, 'support.ticket.event')
    try {
      const note = await api(t, 'POST', `/v1/tickets/${created.id}/notes`, ali.token, { body: 'SECRET: she reset it twice today' })
      expect(note.status).toBe(201)
      expect(note.body.events.at(-1)).toMatchObject({ kind: 'note', public: false, byAgent: true })
      const reply = await api(t, 'POST', `/v1/tickets/${created.id}/replies`, ali.token, { body: 'Try the reset link again.' })
      expect(reply.status).toBe(201)

      await until(() => saraHeard.some((e) => e.event.body === 'Try the reset link again.'), 10_000, 'the reply on the customer socket')
      await until(() => aliHeard.some((e) => e.event.kind === 'note'), 10_000, 'the note on the agent socket')
      expect(JSON.stringify(saraHeard)).not.toContain('SECRET')
      expect(saraHeard.map((e) => e.event.kind)).not.toContain('note')
      expect(saraDeskEvents).toEqual([])
      expect(saraDeskUpdates).toEqual([])
      expect(saraUpdates.every((u) => !('tags' in u.ticket) && !('assignee' in u.ticket))).toBe(true)

      const seen = await api(t, 'GET', `/v1/tickets/${created.id}`, sara.token)
      expect(JSON.stringify(seen.body)).not.toContain('SECRET')
      expect(seen.body.events.map((e: any) => e.kind)).toEqual(['reply', 'reply'])
      const desk = await api(t, 'GET', `/v1/tickets/${created.id}`, ali.token)
      // The replying agent took the unassigned ticket (an internal entry).
      expect(desk.body.events.map((e: any) => e.kind)).toEqual(['reply', 'note', 'reply', 'assignment'])
      expect(desk.body.ticket.assignee).toMatchObject({ id: ali.id })
      expect(desk.body.ticket.sla[0].status).toBe('met')

      expect((await api(t, 'POST', `/v1/tickets/${created.id}/notes`, sara.token, { body: 'can I?' })).status).toBe(403)
      expect((await api(t, 'PATCH', `/v1/tickets/${created.id}`, sara.token, { status: 'solved' })).status).toBe(403)
    } finally {
      saraSocket.disconnect()
      aliSocket.disconnect()
    }
  })

  it('a customer reply reopens a solved ticket; a closed one takes no reply', async () => {
    const created = (await open(sara)).body.ticket
    const solved = await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, { status: 'solved' })
    expect(solved.status).toBe(200)
    expect(solved.body.ticket).toMatchObject({ status: 'solved', solvedAt: expect.any(String) })
    const reopened = await api(t, 'POST', `/v1/tickets/${created.id}/replies`, sara.token, { body: 'Still broken' })
    expect(reopened.status).toBe(201)
    expect(reopened.body.ticket).toMatchObject({ status: 'open', solvedAt: null })
    expect(reopened.body.events.filter((e: any) => e.kind === 'status').map((e: any) => e.data)).toEqual([
      { from: 'open', to: 'solved' },
      { from: 'solved', to: 'open' },
    ])
    // An agent replies and sets pending in one go; the customer's answer puts it back to open.
    const pending = await api(t, 'POST', `/v1/tickets/${created.id}/replies`, ali.token, { body: 'Which browser?', status: 'pending' })
    expect(pending.body.ticket.status).toBe('pending')
    expect((await api(t, 'POST', `/v1/tickets/${created.id}/replies`, sara.token, { body: 'Firefox' })).body.ticket.status).toBe('open')

    await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, { status: 'closed' })
    const late = await api(t, 'POST', `/v1/tickets/${created.id}/replies`, sara.token, { body: 'hello?' })
    expect(late.status).toBe(409)
    expect(late.body.type).toContain('ticket_closed')
    expect((await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, { status: 'open' })).status).toBe(409)
  })

  it('changes status, priority, tags and assignee with one timeline entry each, and refuses a customer as assignee', async () => {
    const created = (await open(sara)).body.ticket
    const before = (await api(t, 'GET', `/v1/tickets/${created.id}`, ali.token)).body.ticket
    const bad = await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, { assigneeId: reza.id })
    expect(bad.status).toBe(422)
    expect((await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, { tags: ['has space'] })).status).toBe(400)
    expect((await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, {})).status).toBe(400)
    const changed = await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, {
      priority: 'urgent',
      tags: ['Login', 'پرداخت'],
      assigneeId: ali.id,
      status: 'on_hold',
    })
    expect(changed.status).toBe(200)
    expect(changed.body.ticket).toMatchObject({
      priority: 'urgent',
      tags: ['login', 'پرداخت'],
      status: 'on_hold',
      assignee: { id: ali.id },
    })
    expect(changed.body.events.slice(1).map((e: any) => e.kind)).toEqual(['tags', 'assignment', 'priority', 'status'])
    // Urgent targets are shorter: the resolution deadline moved earlier.
    expect(Date.parse(changed.body.ticket.sla[2].dueAt)).toBeLessThan(Date.parse(before.sla[2].dueAt))
    const byTag = await api(t, 'GET', '/v1/tickets?tag=login&view=mine', ali.token)
    expect(byTag.body.items.map((x: any) => x.id)).toEqual([created.id])
  })
})

describe('merge', () => {
  it('joins two tickets of one customer and closes the other as merged', async () => {
    const a = (await open(sara, { subject: 'First' })).body.ticket
    const b = (await open(sara, { subject: 'Second', body: 'Same problem again' })).body.ticket
    await api(t, 'POST', `/v1/tickets/${b.id}/notes`, ali.token, { body: 'dup' })
    await api(t, 'PATCH', `/v1/tickets/${b.id}`, ali.token, { tags: ['dup'] })
    const merged = await api(t, 'POST', `/v1/tickets/${a.id}/merge`, ali.token, { sourceTicketId: b.number })
    expect(merged.status).toBe(200)
    expect(merged.body.events.map((e: any) => e.body).filter(Boolean)).toEqual(expect.arrayContaining(['Same problem again', 'dup']))
    expect(merged.body.events.at(-1)).toMatchObject({
      kind: 'merge',
      public: true,
      data: { ticketId: b.id, number: b.number, direction: 'from' },
    })
    expect(merged.body.ticket.tags).toContain('dup')
    const source = await api(t, 'GET', `/v1/tickets/${b.id}`, sara.token)
    expect(source.body.ticket).toMatchObject({ status: 'closed', mergedIntoId: a.id, canRate: false })
    expect(source.body.events.map((e: any) => e.kind)).toEqual(['merge'])
    const customerView = await api(t, 'GET', `/v1/tickets/${a.id}`, sara.token)
    expect(customerView.body.events.map((e: any) => e.body)).toContain('Same problem again')
    expect(JSON.stringify(customerView.body)).not.toContain('"dup"')

    const again = await api(t, 'POST', `/v1/tickets/${a.id}/merge`, ali.token, { sourceTicketId: b.id })
    expect(again.status).toBe(422)
    const other = (await open(reza)).body.ticket
    const foreign = await api(t, 'POST', `/v1/tickets/${a.id}/merge`, ali.token, { sourceTicketId: other.id })
    expect(foreign.status).toBe(422)
    expect(foreign.body.type).toContain('tickets_not_mergeable')
    expect((await api(t, 'POST', `/v1/tickets/${a.id}/merge`, ali.token, { sourceTicketId: a.id })).status).toBe(422)
    expect((await api(t, 'POST', `/v1/tickets/${a.id}/merge`, sara.token, { sourceTicketId: b.id })).status).toBe(403)
    // A number past any ticket's is refused as input, not looked up (the column is a 32-bit integer).
    for (const sourceTicketId of [2 ** 31, 1e308, '99999999999999999999'])
      expect((await api(t, 'POST', `/v1/tickets/${a.id}/merge`, ali.token, { sourceTicketId })).status).toBe(400)
    expect((await api(t, 'GET', `/v1/tickets/${other.id}`, reza.token)).body.ticket.status).toBe('open')
  })
})

describe('CSAT', () => {
  it('asks when solved, takes one answer from the requester, and closes after the idle time', async () => {
    const created = (await open(sara)).body.ticket
    expect((await api(t, 'POST', `/v1/tickets/${created.id}/csat`, sara.token, { rating: 5 })).status).toBe(409)
    await api(t, 'PATCH', `/v1/tickets/${created.id}`, ali.token, { status: 'solved' })
    // The request reached the customer's notifications (in-app), in their language.
    const inbox = await until(
      async () => {
        const res = await api(t, 'GET', '/v1/me/notifications', sara.token)
        return res.body.items?.find(
          (n: any) => n.type === 'support.csat_request' && n.actionUrl === `/support/tickets/${created.id}?rate=1`,
        )
      },
      20_000,
      'the CSAT request in the inbox',
    )
    expect(inbox.title).toContain(`#${created.number}`)

    expect((await api(t, 'POST', `/v1/tickets/${created.id}/csat`, ali.token, { rating: 5 })).status).toBe(403)
    for (const bad of [{ rating: 0 }, { rating: 6 }, { rating: 4.5 }, { rating: '5' + 'x' }, { rating: 3, comment: 'c'.repeat(2001) }])
      expect((await api(t, 'POST', `/v1/tickets/${created.id}/csat`, sara.token, bad)).status, JSON.stringify(bad)).toBe(400)
    const results = await Promise.all(
      [1, 2].map(() => api(t, 'POST', `/v1/tickets/${created.id}/csat`, sara.token, { rating: 4, comment: ' great ' })),
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 409])
    const rated = results.find((r) => r.status === 201)!.body.ticket
    expect(rated).toMatchObject({ csat: { rating: 4, comment: 'great' }, canRate: false })

    // Idle for longer than autoCloseHours: the job closes it.
    await t.database.query(`update support_tickets set last_activity_at = now() - interval '73 hours' where id = $1`, [created.id])
    await t.caravan.services.support.slaJob.autoClose()
    const closed = await api(t, 'GET', `/v1/tickets/${created.id}`, sara.token)
    expect(closed.body.ticket).toMatchObject({ status: 'closed', closedAt: expect.any(String) })
  })
})

describe('canned responses and macros', () => {
  it('fills placeholders for the ticket, refuses broken templates and taken shortcuts', async () => {
    const broken = await api(t, 'POST', '/v1/support/canned-responses', ali.token, {
      shortcut: 'hi',
      title: 'Hello',
      body: 'Hi {{ customer.name ',
    })
    expect(broken.status).toBe(400)
    const made = await api(t, 'POST', '/v1/support/canned-responses', ali.token, {
      shortcut: 'hi',
      title: 'Hello',
      body: 'Hi {{ customer.name }}, about #{{ ticket.number }}: {{ agent.name }} here.',
    })
    expect(made.status).toBe(201)
    expect((await api(t, 'POST', '/v1/support/canned-responses', ali.token, { shortcut: 'HI', title: 'x', body: 'y' })).status).toBe(409)
    const found = await api(t, 'GET', '/v1/support/canned-responses?q=/h', ali.token)
    expect(found.body.items.map((c: any) => c.shortcut)).toEqual(['hi'])
    const ticket = (await open(sara)).body.ticket
    const text = await api(t, 'POST', `/v1/support/canned-responses/${made.body.id}/render`, ali.token, { ticketId: ticket.id })
    expect(text.body).toEqual({ text: `Hi Sara, about #${ticket.number}: Ali here.` })
    expect((await api(t, 'GET', '/v1/support/canned-responses', sara.token)).status).toBe(403)
  })

  it('a macro sets status, priority and tags at once', async () => {
    const macro = await api(t, 'POST', '/v1/support/macros', admin, {
      name: 'Escalate billing',
      actions: { status: 'on_hold', priority: 'high', addTags: ['billing', 'escalated'], removeTags: ['new'] },
    })
    expect(macro.status).toBe(201)
    expect((await api(t, 'POST', '/v1/support/macros', ali.token, { name: 'x', actions: { status: 'open' } })).status).toBe(403)
    expect((await api(t, 'POST', '/v1/support/macros', admin, { name: 'y', actions: {} })).status).toBe(400)
    const ticket = (await open(ali, { requester: sara.id, tags: ['new'] })).body.ticket
    const applied = await api(t, 'POST', `/v1/tickets/${ticket.id}/macros/${macro.body.id}`, ali.token)
    expect(applied.status).toBe(200)
    expect(applied.body.ticket).toMatchObject({ status: 'on_hold', priority: 'high', tags: ['billing', 'escalated'] })
  })
})

describe('teams', () => {
  it('validates business hours and members', async () => {
    const badHours = await api(t, 'POST', '/v1/support/teams', admin, {
      name: 'Nights',
      schedule: { timezone: 'Mars/Olympus', week: [[], [], [], [], [], [], []], holidays: [] },
    })
    expect(badHours.status).toBe(400)
    expect(badHours.body.errors.map((e: any) => e.field)).toContain('body.schedule.timezone')
    const customerMember = await api(t, 'POST', '/v1/support/teams', admin, { name: 'Nights', memberIds: [sara.id] })
    expect(customerMember.status).toBe(422)
    const made = await team(t, admin, 'Billing', [ali.id])
    expect((await api(t, 'POST', '/v1/support/teams', admin, { name: 'billing' })).status).toBe(409)
    const list = await api(t, 'GET', '/v1/support/teams', ali.token)
    expect(list.body.items.map((x: any) => [x.name, x.isDefault])).toEqual(
      expect.arrayContaining([
        ['Support', true],
        ['Billing', false],
      ]),
    )
    expect(list.body.items.find((x: any) => x.id === made.id).memberIds).toEqual([ali.id])
  })
})
