// The live chat widget's server side: sites and their origins, anonymous and identified visitors
// (the identity checked on every call, HTTP and socket), conversations answered by the team's
// agents, the offline form, escalation into a ticket that keeps every message, CORS for the sites.
import { io as connect } from 'socket.io-client'
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { connected, nextEvent } from '../helpers/sockets'
import { agent, online, team, type Person } from './helpers'

const SHOP = 'http://shop.test:8080'
let t: TestCaravan
let admin: string
let ana: Person
let supportTeam: { id: string }
let site: { id: string; token: string; snippet: string }
let secret: string

beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  admin = (await adminSession(t)).accessToken
  ana = await agent(t, admin, 'Ana')
  supportTeam = await team(t, admin, 'Live', [ana.id])
  expect((await api(t, 'PATCH', '/v1/admin/support/settings', admin, { autoOffline: false })).status).toBe(200)
  const created = await api(t, 'POST', '/v1/support/sites', admin, { name: 'Shop', allowedOrigins: [SHOP + '/'], teamId: supportTeam.id })
  expect(created.status).toBe(201)
  site = created.body.site
  secret = created.body.identitySecret
})
afterAll(async () => {
  await t?.close()
})

/** A widget call as the browser makes it: the site header, the page's origin, the visitor token. */
async function widget(
  method: string,
  url: string,
  o: { token?: string; payload?: unknown; origin?: string; siteToken?: string; identity?: string } = {},
) {
  const res = await t.caravan.app.inject({
    method: method as 'GET',
    url,
    headers: {
      origin: o.origin ?? SHOP,
      'x-caravan-site': o.siteToken ?? site.token,
      ...(o.token ? { authorization: `Widget ${o.token}` } : {}),
      ...(o.identity ? { 'x-caravan-identity': o.identity } : {}),
    },
    ...(o.payload !== undefined ? { payload: o.payload as object } : {}),
  })
  return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers }
}

const sign = (key: string, externalId: string) => `${externalId}:${createHmac('sha256', key).update(externalId).digest('hex')}`

async function visitor(name?: string) {
  const res = await widget('POST', '/v1/widget/sessions', { payload: name ? { name } : {} })
  expect(res.status).toBe(200)
  return res.body as { visitorToken: string; visitor: { id: string; identified: boolean } }
}

describe('sites', () => {
  it('are made by admins with exact origins; the secret is shown once', async () => {
    expect(site.snippet).toContain(`data-site="${site.token}"`)
    const listed = await api(t, 'GET', '/v1/support/sites', admin)
    expect(listed.body.items[0]).toMatchObject({ id: site.id, allowedOrigins: [SHOP] })
    expect(JSON.stringify(listed.body)).not.toContain(secret)
    const bad = await api(t, 'POST', '/v1/support/sites', admin, {
      name: 'X',
      allowedOrigins: ['https://a.test/path', 'ftp://b.test', 'نه'],
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'body.allowedOrigins.0',
      'body.allowedOrigins.1',
      'body.allowedOrigins.2',
    ])
    expect((await api(t, 'POST', '/v1/support/sites', ana.token, { name: 'X', allowedOrigins: [SHOP] })).status).toBe(403)
    expect((await api(t, 'PATCH', `/v1/support/sites/${site.id}`, admin, {})).status).toBe(400)
  })
})

describe('widget calls', () => {
  it('need the site token and one of its origins', async () => {
    // The config names its site in the query and sends no custom header (no CORS preflight).
    const config = async (query: string, origin = SHOP) => {
      const res = await t.caravan.app.inject({ method: 'GET', url: `/v1/widget/config${query}`, headers: { origin } })
      return { status: res.statusCode, body: res.json() }
    }
    expect((await config('?site=cw_nope')).body.type).toContain('widget_site_unknown')
    expect((await config('')).status).toBe(401)
    // The header alone does not name the config's site; a repeated ?site= is no site either.
    expect((await widget('GET', '/v1/widget/config')).status).toBe(401)
    expect((await config(`?site=${site.token}&site=${site.token}`)).status).toBe(401)
    expect((await config(`?site=${'x'.repeat(5000)}`)).status).toBe(401)
    const foreign = await config(`?site=${site.token}`, 'https://evil.test')
    expect(foreign.status).toBe(403)
    expect(foreign.body.type).toContain('origin_not_allowed')
    const ok = await config(`?site=${site.token}`)
    expect(ok.body).toEqual({ name: 'Shop', locale: 'en', online: false, requireIdentity: false })
    await online(t, ana)
    expect((await config(`?site=${site.token}`)).body.online).toBe(true)
  })

  it('keep an anonymous visitor by token, for this site and these routes only', async () => {
    const v = await visitor('Mina')
    expect(v.visitor.identified).toBe(false)
    const again = await widget('POST', '/v1/widget/sessions', { payload: { visitorToken: v.visitorToken } })
    expect(again.body.visitor.id).toBe(v.visitor.id)
    // Another origin, another site, a route that is not the widget's, a forged token: refused.
    expect((await widget('GET', '/v1/widget/conversations', { token: v.visitorToken, origin: 'https://evil.test' })).status).toBe(403)
    const other = await api(t, 'POST', '/v1/support/sites', admin, { name: 'Other', allowedOrigins: [SHOP] })
    expect((await widget('GET', '/v1/widget/conversations', { token: v.visitorToken, siteToken: other.body.site.token })).status).toBe(401)
    const me = await t.caravan.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { origin: SHOP, 'x-caravan-site': site.token, authorization: `Widget ${v.visitorToken}` },
    })
    expect(me.statusCode).toBe(403)
    expect((await widget('GET', '/v1/widget/conversations', { token: v.visitorToken + 'x' })).status).toBe(401)
    expect((await widget('GET', '/v1/widget/conversations')).status).toBe(401)
  })

  it('start a conversation the team answers live, once per clientMessageId', async () => {
    const v = await visitor('Mina')
    const socket = connect(t.url, {
      path: '/realtime',
      auth: { widget: { site: site.token, token: v.visitorToken } },
      extraHeaders: { origin: SHOP },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    await connected(socket)
    const first = { text: 'سلام، سفارشم کجاست؟', clientMessageId: 'm-1', name: 'Mina', email: 'mina@example.com' }
    const started = await widget('POST', '/v1/widget/conversations', { token: v.visitorToken, payload: first })
    expect(started.status).toBe(201)
    const id = started.body.conversation.id
    expect((await widget('POST', '/v1/widget/conversations', { token: v.visitorToken, payload: first })).body).toMatchObject({
      created: false,
      conversation: { id },
    })

    const desk = await api(t, 'GET', '/v1/support/conversations?status=open', ana.token)
    expect(desk.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({
      assigneeId: ana.id,
      siteName: 'Shop',
      visitor: { name: 'Mina', email: 'mina@example.com', identified: false },
    })
    const reply = nextEvent<{ text: string; conversationId: string }>(
      socket,
      'message:new',
      (m) => m.conversationId === id && m.text === 'In the post today',
    )
    expect(
      (await api(t, 'POST', `/v1/conversations/${id}/messages`, ana.token, { clientMessageId: 'a-1', text: 'In the post today' })).status,
    ).toBe(201)
    await reply
    const history = await widget('GET', `/v1/conversations/${id}/messages`, { token: v.visitorToken })
    expect(history.body.items.filter((m: { kind: string }) => m.kind === 'text').map((m: { text: string }) => m.text)).toEqual([
      first.text,
      'In the post today',
    ])
    // An admin outside the site's team joins to answer (once, however often asked); customers cannot.
    expect((await api(t, 'POST', `/v1/conversations/${id}/messages`, admin, { clientMessageId: 'x-1', text: 'Hi' })).status).toBe(404)
    for (let i = 0; i < 2; i++) expect((await api(t, 'POST', `/v1/support/conversations/${id}/join`, admin)).status).toBe(200)
    expect((await widget('POST', `/v1/support/conversations/${id}/join`, { token: v.visitorToken })).status).toBe(403)
    expect(
      (await api(t, 'POST', `/v1/conversations/${id}/messages`, admin, { clientMessageId: 'x-1', text: 'An admin here too' })).status,
    ).toBe(201)
    const joined = await widget('GET', `/v1/conversations/${id}/messages`, { token: v.visitorToken })
    expect(joined.body.items.filter((m: { kind: string }) => m.kind === 'system')).toHaveLength(1)
    const mine = await widget('GET', '/v1/widget/conversations', { token: v.visitorToken })
    expect(mine.body.items).toHaveLength(1)
    expect(mine.body.items[0].lastMessage.text).toBe('An admin here too')
    socket.disconnect()

    // A socket from a page of another origin is refused at the handshake.
    const foreign = connect(t.url, {
      path: '/realtime',
      auth: { widget: { site: site.token, token: v.visitorToken } },
      extraHeaders: { origin: 'https://evil.test' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    await expect(connected(foreign)).rejects.toThrow(/origin_not_allowed/)
    foreign.disconnect()
  })

  it('answer CORS preflights for the sites’ origins only, cacheable for two hours', async () => {
    const preflight = (origin: string) =>
      t.caravan.app.inject({
        method: 'OPTIONS',
        url: '/v1/widget/sessions',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-caravan-site,content-type' },
      })
    const allowed = await preflight(SHOP)
    expect(allowed.headers['access-control-allow-origin']).toBe(SHOP)
    expect(allowed.headers['access-control-max-age']).toBe('7200')
    expect((await preflight('https://evil.test')).headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('identity verification', () => {
  let strict: { token: string; id: string }
  let strictSecret: string
  beforeAll(async () => {
    const res = await api(t, 'POST', '/v1/support/sites', admin, {
      name: 'Bank',
      allowedOrigins: [SHOP],
      requireIdentity: true,
      locale: 'fa',
    })
    strict = res.body.site
    strictSecret = res.body.identitySecret
  })

  it('refuses every call without a valid signature, not only the first', async () => {
    const as = (o: Parameters<typeof widget>[2] = {}) => ({ siteToken: strict.token, ...o })
    expect((await widget('POST', '/v1/widget/sessions', as({ payload: {} }))).body.type).toContain('identity_required')
    expect((await widget('POST', '/v1/widget/sessions', as({ payload: {}, identity: sign('wrong', 'u-42') }))).body.type).toContain(
      'invalid_signature',
    )
    const identity = sign(strictSecret, 'u-42')
    const s = await widget('POST', '/v1/widget/sessions', as({ payload: {}, identity }))
    expect(s.body.visitor.identified).toBe(true)
    const token = s.body.visitorToken
    expect((await widget('GET', '/v1/widget/conversations', as({ token, identity }))).status).toBe(200)
    // The same visitor token without the signature, or with another user's: refused each time.
    expect((await widget('GET', '/v1/widget/conversations', as({ token }))).status).toBe(401)
    expect((await widget('GET', '/v1/widget/conversations', as({ token, identity: sign(strictSecret, 'u-43') }))).status).toBe(401)
    // The host user is the same person across devices: a new session finds the same user.
    expect((await widget('POST', '/v1/widget/sessions', as({ payload: {}, identity }))).body.visitor.id).toBe(s.body.visitor.id)
    // A rotated secret: old signatures stop working at once.
    const rotated = await api(t, 'POST', `/v1/support/sites/${strict.id}/secret`, admin)
    expect((await widget('GET', '/v1/widget/conversations', as({ token, identity }))).body.type).toContain('invalid_signature')
    expect(
      (await widget('GET', '/v1/widget/conversations', as({ token, identity: sign(rotated.body.identitySecret, 'u-42') }))).status,
    ).toBe(200)
  })

  it('refuses an identified visitor’s token without the signature on a site that does not require it', async () => {
    const identity = sign(secret, 'u-7')
    const s = await widget('POST', '/v1/widget/sessions', { payload: {}, identity })
    expect((await widget('GET', '/v1/widget/conversations', { token: s.body.visitorToken })).body.type).toContain('identity_required')
    expect((await widget('GET', '/v1/widget/conversations', { token: s.body.visitorToken, identity })).status).toBe(200)
  })
})

describe('the offline form and escalation', () => {
  it('turns the offline form into a ticket of the address given', async () => {
    const v = await visitor()
    const res = await widget('POST', '/v1/widget/tickets', {
      token: v.visitorToken,
      payload: { email: 'Reza@Example.com', name: 'Reza', text: 'Nobody was online\nPlease call me' },
    })
    expect(res.status).toBe(201)
    const ticket = await api(t, 'GET', `/v1/tickets/${res.body.ticketId}`, admin)
    expect(ticket.body.ticket).toMatchObject({
      subject: 'Nobody was online',
      channel: 'widget',
      requester: { externalId: 'email:reza@example.com', name: 'Reza' },
    })
    expect((await widget('POST', '/v1/widget/tickets', { token: v.visitorToken, payload: { email: 'not-mail', text: 'x' } })).status).toBe(
      400,
    )
  })

  it('escalates a conversation into one ticket that keeps every message with its author', async () => {
    const v = await visitor('Nima')
    const started = await widget('POST', '/v1/widget/conversations', {
      token: v.visitorToken,
      payload: { text: 'My card was charged twice', clientMessageId: 'n-1' },
    })
    const id = started.body.conversation.id
    await api(t, 'POST', `/v1/conversations/${id}/messages`, ana.token, { clientMessageId: 'a-2', text: 'Let me check' })
    await widget('POST', `/v1/conversations/${id}/messages`, { token: v.visitorToken, payload: { clientMessageId: 'n-2', text: 'Thanks' } })

    const [one, two] = await Promise.all([
      api(t, 'POST', `/v1/support/conversations/${id}/escalate`, ana.token, {}),
      api(t, 'POST', `/v1/support/conversations/${id}/escalate`, ana.token, {}),
    ])
    expect([one.status, two.status].sort()).toEqual([201, 409])
    const created = one.status === 201 ? one.body : two.body
    expect(created.ticket).toMatchObject({ subject: 'My card was charged twice', channel: 'widget', requester: { id: v.visitor.id } })
    const replies = created.events.filter((e: { kind: string }) => e.kind === 'reply')
    expect(replies.map((e: { body: string; author: { id: string } | null }) => [e.body, e.author?.id])).toEqual([
      ['My card was charged twice', v.visitor.id],
      ['Let me check', ana.id],
      ['Thanks', v.visitor.id],
    ])
    const { rows } = await t.database.query('select count(*)::int as n from support_tickets where conversation_id = $1', [id])
    expect(rows[0]).toEqual({ n: 1 })
    const closed = await api(t, 'GET', '/v1/support/conversations?status=closed', ana.token)
    expect(closed.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({ status: 'closed', ticketId: created.ticket.id })
  })

  it('stops the widget of a deleted site at once', async () => {
    const res = await api(t, 'POST', '/v1/support/sites', admin, { name: 'Gone', allowedOrigins: [SHOP] })
    const gone = res.body.site
    const v = await widget('POST', '/v1/widget/sessions', { siteToken: gone.token, payload: {} })
    expect((await api(t, 'DELETE', `/v1/support/sites/${gone.id}`, admin)).status).toBe(204)
    expect((await widget('GET', '/v1/widget/conversations', { siteToken: gone.token, token: v.body.visitorToken })).status).toBe(401)
  })
})
