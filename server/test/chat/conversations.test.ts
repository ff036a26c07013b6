import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'

let t: TestCaravan
let admin: string
beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
})
afterAll(async () => {
  await t?.close()
})

const people = (n: number) =>
  Promise.all(Array.from({ length: n }, () => registerUser(t, { name: `کاربر ${Math.random().toString(36).slice(2, 6)}` })))
const send = (token: string, conversationId: string, text: string, extra: Record<string, unknown> = {}) =>
  api(t, 'POST', `/v1/conversations/${conversationId}/messages`, token, { clientMessageId: crypto.randomUUID(), text, ...extra })

describe('direct conversations', () => {
  it('are one per pair, whoever starts them and however many start at once', async () => {
    const [a, b] = await people(2)
    const started = await Promise.all([
      api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] }),
      api(t, 'POST', '/v1/conversations', b.accessToken, { type: 'direct', memberIds: [a.user.id] }),
      api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] }),
    ])
    const ids = new Set(started.map((r) => r.body.id))
    expect(ids.size).toBe(1)
    expect(started.map((r) => r.status).sort()).toEqual([200, 200, 201])
    expect(started[0].body.members.map((m: any) => m.userId).sort()).toEqual([a.user.id, b.user.id].sort())
    expect(started[0].body).toMatchObject({ kind: 'direct', name: null, lastSeq: 0, unreadCount: 0, blocked: false })
  })

  it('name members by the host product externalId too', async () => {
    const [a] = await people(1)
    const ext = `crm-${crypto.randomUUID()}`
    const host = await api(t, 'PUT', `/v1/users/external/${ext}`, admin, { name: 'Host User', locale: 'fa' })
    expect(host.status).toBeLessThan(300)
    const res = await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [{ externalId: ext }] })
    expect(res.status).toBe(201)
    expect(res.body.members.find((m: any) => m.externalId === ext)).toMatchObject({ name: 'Host User' })
    const unknown = await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [{ externalId: 'nobody-here' }] })
    expect(unknown.status).toBe(422)
  })

  it('refuse wrong shapes with field errors and change nothing', async () => {
    const [a, b, c] = await people(3)
    const cases = [
      [{ type: 'direct', memberIds: [b.user.id, c.user.id] }, 400],
      [{ type: 'direct', memberIds: [a.user.id] }, 400],
      [{ type: 'direct', memberIds: [b.user.id], name: 'x' }, 400],
      [{ type: 'group', memberIds: [b.user.id] }, 400],
      [{ type: 'group', memberIds: [b.user.id], name: '   ' }, 400],
      [{ type: 'group', memberIds: [b.user.id], name: 'x'.repeat(121) }, 400],
      [{ type: 'channel', memberIds: [b.user.id] }, 400],
      [{ type: 'group', memberIds: 'everyone', name: 'g' }, 400],
      [{ type: 'group', memberIds: [], name: 'g' }, 400],
      [{ type: 'group', memberIds: ['00000000-0000-7000-8000-000000000000'], name: 'g' }, 422],
      [{ type: 'group', memberIds: [b.user.id], name: 'g', extra: 1 }, 400],
    ] as const
    for (const [body, status] of cases) {
      const res = await api(t, 'POST', '/v1/conversations', a.accessToken, body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
    expect((await api(t, 'GET', '/v1/conversations', a.accessToken)).body.items).toEqual([])
  })
})

describe('groups', () => {
  it('list newest activity first with the last message and my unread count', async () => {
    const [a, b, c] = await people(3)
    const g1 = (
      await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'group', memberIds: [b.user.id, c.user.id], name: 'تیم فروش' })
    ).body
    const g2 = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'group', memberIds: [b.user.id], name: 'Ops' })).body
    expect(g1.myRole).toBe('owner')
    await send(b.accessToken, g1.id, 'سلام به همه')
    await send(b.accessToken, g1.id, 'second')
    const list = (await api(t, 'GET', '/v1/conversations', a.accessToken)).body.items
    expect(list.map((x: any) => x.id)).toEqual([g1.id, g2.id])
    // The creation's system message, then two from b.
    expect(list[0]).toMatchObject({ name: 'تیم فروش', lastSeq: 3, unreadCount: 2 })
    expect(list[0].lastMessage).toMatchObject({ seq: 3, text: 'second', senderId: b.user.id })
    expect(list[1].lastMessage).toMatchObject({ kind: 'system', system: { event: 'created', actorId: a.user.id } })
    // b wrote them, so b has read them.
    const forB = (await api(t, 'GET', '/v1/conversations', b.accessToken)).body.items
    expect(forB.find((x: any) => x.id === g1.id).unreadCount).toBe(0)
    // Paging by activity: one per page, then the next.
    const first = (await api(t, 'GET', '/v1/conversations?limit=1', a.accessToken)).body
    const second = (await api(t, 'GET', `/v1/conversations?limit=1&cursor=${first.nextCursor}`, a.accessToken)).body
    expect([first.items[0].id, second.items[0].id]).toEqual([g1.id, g2.id])
    expect(second.nextCursor).toBeNull()
    expect((await api(t, 'GET', '/v1/conversations?cursor=bm9wZQ', a.accessToken)).status).toBe(400)
    // Read marks move the unread count; a seq beyond the newest is refused.
    expect((await api(t, 'POST', `/v1/conversations/${g1.id}/read`, a.accessToken, { seq: 3 })).body.lastReadSeq).toBe(3)
    expect((await api(t, 'POST', `/v1/conversations/${g1.id}/read`, a.accessToken, { seq: 99 })).status).toBe(400)
    expect((await api(t, 'POST', `/v1/conversations/${g1.id}/read`, a.accessToken, { seq: -1 })).status).toBe(400)
    expect((await api(t, 'GET', `/v1/conversations/${g1.id}`, a.accessToken)).body.unreadCount).toBe(0)
  })

  it('rename, add, remove, roles and leave, each a system message in the history', async () => {
    const [owner, b, c, d] = await people(4)
    const g = (await api(t, 'POST', '/v1/conversations', owner.accessToken, { type: 'group', memberIds: [b.user.id], name: 'Old' })).body
    expect((await api(t, 'PATCH', `/v1/conversations/${g.id}`, b.accessToken, { name: 'Mine' })).status).toBe(403)
    expect((await api(t, 'PATCH', `/v1/conversations/${g.id}`, owner.accessToken, { name: 'گروه تازه' })).body.name).toBe('گروه تازه')
    const added = await api(t, 'POST', `/v1/conversations/${g.id}/members`, owner.accessToken, { memberIds: [c.user.id, d.user.id] })
    expect(added.body.members).toHaveLength(4)
    expect((await api(t, 'PUT', `/v1/conversations/${g.id}/members/${b.user.id}/role`, owner.accessToken, { role: 'admin' })).status).toBe(
      200,
    )
    // An admin can remove a member but not the owner.
    expect((await api(t, 'POST', `/v1/conversations/${g.id}/members/remove`, b.accessToken, { memberIds: [owner.user.id] })).status).toBe(
      403,
    )
    expect((await api(t, 'POST', `/v1/conversations/${g.id}/members/remove`, b.accessToken, { memberIds: [d.user.id] })).status).toBe(204)
    expect((await api(t, 'GET', `/v1/conversations/${g.id}`, d.accessToken)).status).toBe(404)
    expect((await api(t, 'POST', `/v1/conversations/${g.id}/leave`, c.accessToken)).status).toBe(204)
    // The owner leaves: the longest-standing member becomes owner.
    expect((await api(t, 'POST', `/v1/conversations/${g.id}/leave`, owner.accessToken)).status).toBe(204)
    const after = (await api(t, 'GET', `/v1/conversations/${g.id}`, b.accessToken)).body
    expect(after.members.map((m: any) => [m.userId, m.role])).toEqual([[b.user.id, 'owner']])
    const history = (await api(t, 'GET', `/v1/conversations/${g.id}/messages`, b.accessToken)).body.items
    expect(history.map((m: any) => [m.seq, m.system.event])).toEqual([
      [1, 'created'],
      [2, 'renamed'],
      [3, 'joined'],
      [4, 'removed'],
      [5, 'left'],
      [6, 'left'],
    ])
    expect(history[2].system.userIds.sort()).toEqual([c.user.id, d.user.id].sort())
  })

  it('a direct conversation cannot be renamed, grown or left', async () => {
    const [a, b, c] = await people(3)
    const dm = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] })).body
    expect((await api(t, 'PATCH', `/v1/conversations/${dm.id}`, a.accessToken, { name: 'x' })).status).toBe(422)
    expect((await api(t, 'POST', `/v1/conversations/${dm.id}/members`, a.accessToken, { memberIds: [c.user.id] })).status).toBe(422)
    expect((await api(t, 'POST', `/v1/conversations/${dm.id}/leave`, a.accessToken)).status).toBe(422)
  })
})

describe('access', () => {
  it('a non-member gets 404 from every conversation route, as if it did not exist', async () => {
    const [a, b, stranger] = await people(3)
    const g = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'group', memberIds: [b.user.id], name: 'Private' })).body
    const sent = (await send(a.accessToken, g.id, 'secret')).body
    const calls: [string, string, unknown?][] = [
      ['GET', `/v1/conversations/${g.id}`],
      ['PATCH', `/v1/conversations/${g.id}`, { name: 'mine now' }],
      ['POST', `/v1/conversations/${g.id}/members`, { memberIds: [stranger.user.id] }],
      ['POST', `/v1/conversations/${g.id}/members/remove`, { memberIds: [a.user.id] }],
      ['PUT', `/v1/conversations/${g.id}/members/${b.user.id}/role`, { role: 'admin' }],
      ['POST', `/v1/conversations/${g.id}/leave`],
      ['POST', `/v1/conversations/${g.id}/read`, { seq: 1 }],
      ['POST', `/v1/conversations/${g.id}/messages`, { clientMessageId: 'x1', text: 'hi' }],
      ['GET', `/v1/conversations/${g.id}/messages`],
      ['GET', `/v1/conversations/${g.id}/messages?after=0`],
      ['PATCH', `/v1/conversations/${g.id}/messages/${sent.id}`, { text: 'changed' }],
      ['GET', `/v1/conversations/${g.id}/messages/${sent.id}/edits`],
      ['DELETE', `/v1/conversations/${g.id}/messages/${sent.id}`],
      ['PUT', `/v1/conversations/${g.id}/messages/${sent.id}/reactions/${encodeURIComponent('👍')}`],
      ['DELETE', `/v1/conversations/${g.id}/messages/${sent.id}/reactions/${encodeURIComponent('👍')}`],
      ['POST', `/v1/conversations/${g.id}/messages/${sent.id}/report`, { reason: 'spam' }],
      ['GET', `/v1/chat/search?q=secret&conversationId=${g.id}`],
    ]
    for (const [method, url, body] of calls) {
      const res = await api(t, method, url, stranger.accessToken, body)
      expect(res.status, `${method} ${url}`).toBe(404)
    }
    // Nothing changed, and search across "all my conversations" finds nothing of theirs.
    expect((await api(t, 'GET', `/v1/conversations/${g.id}/messages`, a.accessToken)).body.items.map((m: any) => m.text)).toEqual([
      null,
      'secret',
    ])
    expect((await api(t, 'GET', '/v1/chat/search?q=secret', stranger.accessToken)).body.items).toEqual([])
    // An unknown conversation is the same 404; a bad id a 400.
    expect((await api(t, 'GET', `/v1/conversations/00000000-0000-7000-8000-000000000000`, a.accessToken)).status).toBe(404)
    expect((await api(t, 'GET', `/v1/conversations/not-an-id`, a.accessToken)).status).toBe(400)
  })

  it('a blocked user cannot message the blocker or start a conversation; unblocking restores it', async () => {
    const [a, b] = await people(2)
    const dm = (await api(t, 'POST', '/v1/conversations', b.accessToken, { type: 'direct', memberIds: [a.user.id] })).body
    expect((await api(t, 'POST', '/v1/me/blocks', a.accessToken, { userId: b.user.id })).status).toBe(200)
    expect((await api(t, 'POST', '/v1/me/blocks', a.accessToken, { userId: a.user.id })).status).toBe(422)
    expect((await api(t, 'GET', '/v1/me/blocks', a.accessToken)).body.items.map((x: any) => x.userId)).toEqual([b.user.id])
    const refused = await send(b.accessToken, dm.id, 'let me in')
    expect(refused.status).toBe(403)
    expect(refused.body.type).toContain('blocked')
    expect((await api(t, 'GET', `/v1/conversations/${dm.id}`, b.accessToken)).body.blocked).toBe(true)
    expect((await api(t, 'GET', `/v1/conversations/${dm.id}/messages`, a.accessToken)).body.items).toEqual([])
    // The blocker can still write (and unblock).
    expect((await send(a.accessToken, dm.id, 'I can write')).status).toBe(201)
    expect((await api(t, 'DELETE', `/v1/me/blocks/${b.user.id}`, a.accessToken)).status).toBe(204)
    expect((await send(b.accessToken, dm.id, 'thanks')).status).toBe(201)
  })
})
