import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { collect, connectedSocket, nextEvent } from '../helpers/sockets'
import { until } from '../helpers/wait'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
})
afterAll(async () => {
  await t?.close()
})

const people = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t)))
async function group(owner: string, memberIds: string[]) {
  return (await api(t, 'POST', '/v1/conversations', owner, { type: 'group', memberIds, name: 'live' })).body.id as string
}

describe('chat over sockets', () => {
  it('message:send answers {id, seq}; members get message:new, non-members nothing', async () => {
    const [a, b, outsider] = await people(3)
    const id = await group(a.accessToken, [b.user.id])
    const [sa, sb, so] = await Promise.all([a, b, outsider].map((p) => connectedSocket(t.url, p.accessToken)))
    const heardByOutsider = collect(so, 'message:new')
    const arriving = nextEvent<any>(sb, 'message:new', (m) => m.conversationId === id)
    const ack = await sa.emitWithAck('message:send', { conversationId: id, clientMessageId: 'sock-1', text: 'سلام از سوکت' })
    expect(ack).toMatchObject({ ok: true, data: { seq: 2, duplicate: false } })
    const message = await arriving
    expect(message).toMatchObject({ id: ack.data.id, seq: 2, text: 'سلام از سوکت', senderId: a.user.id })
    // A retry answers with the same message.
    const again = await sa.emitWithAck('message:send', { conversationId: id, clientMessageId: 'sock-1', text: 'سلام از سوکت' })
    expect(again.data).toMatchObject({ id: ack.data.id, seq: 2, duplicate: true })
    // The outsider cannot send into it nor learn it exists.
    const refused = await so.emitWithAck('message:send', { conversationId: id, clientMessageId: 'x', text: 'hi' })
    expect(refused.error).toMatchObject({ type: 'not_found', status: 404 })
    expect(heardByOutsider).toEqual([])
  })

  it('answers bad payloads with a validation error, never a crash', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const s = await connectedSocket(t.url, a.accessToken)
    const bad = [
      undefined,
      'text',
      {},
      { conversationId: 'nope', clientMessageId: 'a', text: 'x' },
      { conversationId: id, clientMessageId: 'a', text: 'x'.repeat(10_001) },
      { conversationId: id, clientMessageId: 'a', text: 7 },
      { conversationId: id, text: 'no id' },
      // Text no column holds, refused as in a request body (encrypted, it used to be stored, a lone
      // surrogate coming back as U+FFFD).
      { conversationId: id, clientMessageId: 'nul', text: 'a\u0000b' },
      { conversationId: id, clientMessageId: 'surrogate', text: 'half an emoji \ud83d' },
    ]
    for (const payload of bad) {
      const answer = await s.emitWithAck('message:send', payload)
      expect(answer.error, JSON.stringify(payload)?.slice(0, 80)).toMatchObject({ status: 400, type: 'validation' })
    }
    expect((await s.emitWithAck('read', { conversationId: id, seq: 500 })).error).toMatchObject({ status: 400 })
    expect((await s.emitWithAck('read', { conversationId: id, seq: 'x' })).error).toMatchObject({ status: 400 })
    expect((await s.emitWithAck('typing', { conversationId: id })).error).toMatchObject({ status: 400 })
    // The socket is still fine, and the refused sends left nothing.
    expect((await s.emitWithAck('message:send', { conversationId: id, clientMessageId: 'fine', text: 'ok' })).data.seq).toBe(2)
  })

  it('typing goes to the others, throttled, with an expiry; read receipts go to the others', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const [sa, sb] = await Promise.all([a, b].map((p) => connectedSocket(t.url, p.accessToken)))
    const typingSeen = collect<any>(sb, 'typing')
    const ownTyping = collect<any>(sa, 'typing')
    expect((await sa.emitWithAck('typing', { conversationId: id, typing: true })).data).toEqual({ throttled: false })
    expect((await sa.emitWithAck('typing', { conversationId: id, typing: true })).data).toEqual({ throttled: true })
    await until(() => typingSeen.length === 1, 5000, 'typing at b')
    expect(typingSeen[0]).toMatchObject({ conversationId: id, userId: a.user.id, typing: true, expiresInMs: 6000 })
    await sa.emitWithAck('typing', { conversationId: id, typing: false })
    await until(() => typingSeen.length === 2, 5000, 'typing stop at b')
    expect(ownTyping).toEqual([])

    const receipt = nextEvent<any>(sa, 'read', (r) => r.userId === b.user.id)
    const sent = await sa.emitWithAck('message:send', { conversationId: id, clientMessageId: 'r1', text: 'read me' })
    expect((await sb.emitWithAck('delivered', { conversationId: id, seq: sent.data.seq })).data).toMatchObject({
      lastDeliveredSeq: sent.data.seq,
    })
    expect((await sb.emitWithAck('read', { conversationId: id, seq: sent.data.seq })).data).toMatchObject({ lastReadSeq: sent.data.seq })
    expect(await receipt).toEqual({ conversationId: id, userId: b.user.id, seq: sent.data.seq })
    const view = (await api(t, 'GET', `/v1/conversations/${id}`, a.accessToken)).body
    expect(view.members.find((m: any) => m.userId === b.user.id)).toMatchObject({
      lastReadSeq: sent.data.seq,
      lastDeliveredSeq: sent.data.seq,
    })
  })

  it('resync after being offline yields exactly the missed 50 messages, in order, no gap, no duplicate', async () => {
    const [a, b, c] = await people(3)
    const id = await group(a.accessToken, [b.user.id, c.user.id])
    let sb = await connectedSocket(t.url, b.accessToken)
    const seen = collect<any>(sb, 'message:new')
    const sa = await connectedSocket(t.url, a.accessToken)
    await sa.emitWithAck('message:send', { conversationId: id, clientMessageId: 'before', text: 'before' })
    await until(() => seen.length === 1, 5000, 'b hears the first')
    const lastSeq = seen[0].seq
    sb.disconnect()
    const sc = await connectedSocket(t.url, c.accessToken)
    // Two senders at once while b is away.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? sa : sc).emitWithAck('message:send', { conversationId: id, clientMessageId: `away-${i}`, text: `away ${i}` }),
      ),
    )
    sb = await connectedSocket(t.url, b.accessToken)
    const live = collect<any>(sb, 'message:new')
    const missed: any[] = []
    let after = lastSeq
    for (;;) {
      const page = (await api(t, 'GET', `/v1/conversations/${id}/messages?after=${after}&limit=20`, b.accessToken)).body
      missed.push(...page.items)
      if (!page.hasMore) break
      after = page.items.at(-1).seq
    }
    expect(missed.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => lastSeq + 1 + i))
    expect(new Set(missed.map((m) => m.text)).size).toBe(50)
    expect(missed.every((m) => m.text.startsWith('away '))).toBe(true)
    // And live again after the resync.
    await sa.emitWithAck('message:send', { conversationId: id, clientMessageId: 'back', text: 'welcome back' })
    await until(() => live.length === 1, 5000, 'b hears live again')
    expect(live[0].seq).toBe(lastSeq + 51)
  })

  it('presence: watchers sharing a conversation see online and offline with last seen', async () => {
    const [a, b, stranger] = await people(3)
    await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] })
    const sa = await connectedSocket(t.url, a.accessToken)
    const watched = await sa.emitWithAck('presence:watch', { userIds: [b.user.id, stranger.user.id] })
    // Only people a shares a conversation with.
    expect(watched.data.users).toEqual([{ userId: b.user.id, online: false, lastSeenAt: null }])
    const online = nextEvent<any>(sa, 'presence', (p) => p.userId === b.user.id && p.online)
    const sb = await connectedSocket(t.url, b.accessToken)
    await online
    const offline = nextEvent<any>(sa, 'presence', (p) => p.userId === b.user.id && !p.online)
    sb.disconnect()
    const gone = await offline
    expect(Date.parse(gone.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000)
    const conv = (await api(t, 'GET', '/v1/conversations', a.accessToken)).body.items[0]
    expect(conv.members.find((m: any) => m.userId === b.user.id)).toMatchObject({ online: false, lastSeenAt: gone.lastSeenAt })
  })

  it('membership changes move sockets in and out of the room at once', async () => {
    const [a, b, c] = await people(3)
    const id = await group(a.accessToken, [b.user.id])
    const sc = await connectedSocket(t.url, c.accessToken)
    const heard = collect<any>(sc, 'message:new')
    const joined = nextEvent<any>(sc, 'conversation:updated', (e) => e.conversation.id === id)
    await api(t, 'POST', `/v1/conversations/${id}/members`, a.accessToken, { memberIds: [c.user.id] })
    await joined
    await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, { clientMessageId: 'in', text: 'you are in' })
    await until(() => heard.some((m) => m.text === 'you are in'), 5000, 'c hears after joining')
    const removed = nextEvent<any>(sc, 'conversation:removed', (e) => e.conversationId === id)
    await api(t, 'POST', `/v1/conversations/${id}/members/remove`, a.accessToken, { memberIds: [c.user.id] })
    await removed
    await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, { clientMessageId: 'out', text: 'you are out' })
    // b hears the second message; c, removed, does not.
    const sb = await connectedSocket(t.url, b.accessToken)
    const last = (await api(t, 'GET', `/v1/conversations/${id}/messages?limit=1`, b.accessToken)).body.items[0]
    expect(last.text).toBe('you are out')
    await sb.emitWithAck('whoami')
    expect(heard.map((m) => m.text)).not.toContain('you are out')
  })

  it('a new conversation reaches every member at once, and system messages arrive as message:new', async () => {
    const [a, b] = await people(2)
    const c = await registerUser(t, { name: 'کوروش' })
    const [sa, sb, sc] = await Promise.all([a, b, c].map((p) => connectedSocket(t.url, p.accessToken)))
    const heardByB = collect<any>(sb, 'message:new')
    // A group: b hears of it with its "created" message, and is in its room straight away.
    const createdForB = nextEvent<any>(sb, 'conversation:created')
    const id = await group(a.accessToken, [b.user.id])
    const created = await createdForB
    expect(created.conversation).toMatchObject({ id, kind: 'group', name: 'live', lastSeq: 1 })
    expect(created.conversation.lastMessage.system).toMatchObject({ event: 'created', actorId: a.user.id })
    expect(created.conversation).not.toHaveProperty('unreadCount')
    // Each change's system message comes as message:new, before conversation:updated.
    const order: string[] = []
    sb.on('message:new', (m: any) => m.conversationId === id && m.kind === 'system' && order.push(`new:${m.system.event}`))
    sb.on('conversation:updated', (e: any) => e.conversation.id === id && order.push('updated'))
    await api(t, 'PATCH', `/v1/conversations/${id}`, a.accessToken, { name: 'renamed' })
    await api(t, 'POST', `/v1/conversations/${id}/members`, a.accessToken, { memberIds: [c.user.id] })
    await api(t, 'POST', `/v1/conversations/${id}/leave`, c.accessToken)
    await until(() => order.length === 6, 5000, 'three system messages and three updates')
    expect(order).toEqual(['new:renamed', 'updated', 'new:joined', 'updated', 'new:left', 'updated'])
    expect(heardByB.filter((m) => m.conversationId === id).map((m) => m.seq)).toEqual([1, 2, 3, 4])
    // c has left, so the member list no longer names them: the message does.
    const left = heardByB.find((m) => m.system?.event === 'left')
    expect(left.system.people).toEqual([{ userId: c.user.id, name: 'کوروش', externalId: null }])
    // A direct conversation: the other person sees it before any message.
    const directForC = nextEvent<any>(sc, 'conversation:created')
    const direct = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [c.user.id] })).body
    expect((await directForC).conversation).toMatchObject({ id: direct.id, kind: 'direct', lastSeq: 0 })
    const toC = nextEvent<any>(sc, 'message:new', (m) => m.conversationId === direct.id)
    await sa.emitWithAck('message:send', { conversationId: direct.id, clientMessageId: 'first', text: 'hi' })
    expect(await toC).toMatchObject({ seq: 1, text: 'hi' })
  })

  it('members offline get one chat notification per conversation for a burst, not one per message', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const sa = await connectedSocket(t.url, a.accessToken)
    for (let i = 0; i < 4; i++)
      await sa.emitWithAck('message:send', { conversationId: id, clientMessageId: `burst-${i}`, text: `burst ${i}` })
    const inbox = await until(
      async () => {
        const items = (await api(t, 'GET', '/v1/me/notifications', b.accessToken)).body.items.filter((n: any) => n.type === 'chat.message')
        return items.length ? items : undefined
      },
      20_000,
      'a chat notification for b',
    )
    // Whichever message's job ran first speaks for the burst.
    expect(inbox[0]).toMatchObject({ body: expect.stringMatching(/^burst [0-3]$/), actionUrl: `/chat/${id}` })
    // The rest of the burst is folded into it: give the jobs time to run by waiting for a later sign.
    await until(
      async () =>
        (await t.database.query(`select count(*)::int as n from pgboss.job where name = 'chat-notify-offline' and state <> 'completed'`))
          .rows[0]?.n === 0,
      20_000,
      'notify jobs done',
    )
    const after = (await api(t, 'GET', '/v1/me/notifications', b.accessToken)).body.items.filter((n: any) => n.type === 'chat.message')
    expect(after).toHaveLength(1)
    // a is online: a hears nothing through notifications.
    expect((await api(t, 'GET', '/v1/me/notifications', a.accessToken)).body.items.filter((n: any) => n.type === 'chat.message')).toEqual(
      [],
    )
  })
})
