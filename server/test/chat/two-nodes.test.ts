import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { registerUser, type TestCaravan } from '../helpers/caravan'
import { startTwoNodes, type TwoNodes } from '../helpers/two-nodes'
import { collect, connectedSocket, nextEvent } from '../helpers/sockets'
import { until } from '../helpers/wait'

describe('chat across two nodes (PostgreSQL + Redis)', () => {
  let nodes: TwoNodes | undefined
  let a: TestCaravan, b: TestCaravan
  beforeAll(async () => {
    nodes = await startTwoNodes('chat')
    if (nodes) ({ a, b } = nodes)
  })
  afterAll(async () => {
    await nodes?.close()
  })

  it('a message sent through node A reaches a member connected to node B; typing and receipts too', async (ctx) => {
    if (!nodes) return ctx.skip()
    const [alice, bob] = await Promise.all([registerUser(a), registerUser(a)])
    const id = (await api(a, 'POST', '/v1/conversations', alice.accessToken, { type: 'direct', memberIds: [bob.user.id] })).body.id
    const onA = await connectedSocket(a.url, alice.accessToken)
    const onB = await connectedSocket(b.url, bob.accessToken)
    const arriving = nextEvent<any>(onB, 'message:new', (m) => m.conversationId === id)
    const ack = await onA.emitWithAck('message:send', { conversationId: id, clientMessageId: 'two-nodes', text: 'از گره الف' })
    expect(ack.ok).toBe(true)
    expect(await arriving).toMatchObject({ seq: ack.data.seq, text: 'از گره الف' })
    // REST on node B, heard on node A.
    const back = nextEvent<any>(onA, 'message:new', (m) => m.text === 'from B')
    await api(b, 'POST', `/v1/conversations/${id}/messages`, bob.accessToken, { clientMessageId: 'b-1', text: 'from B' })
    await back
    const typing = nextEvent<any>(onA, 'typing')
    await onB.emitWithAck('typing', { conversationId: id, typing: true })
    expect(await typing).toMatchObject({ userId: bob.user.id, typing: true })
  })

  it('numbers stay gapless when two nodes take sends for one conversation at once', async (ctx) => {
    if (!nodes) return ctx.skip()
    const [alice, bob] = await Promise.all([registerUser(a), registerUser(a)])
    const id = (await api(a, 'POST', '/v1/conversations', alice.accessToken, { type: 'group', memberIds: [bob.user.id], name: 'busy' }))
      .body.id
    const sends = Array.from({ length: 40 }, (_, i) =>
      api(i % 2 ? a : b, 'POST', `/v1/conversations/${id}/messages`, (i % 3 ? alice : bob).accessToken, {
        clientMessageId: `n-${i}`,
        text: `${i}`,
      }),
    )
    expect((await Promise.all(sends)).every((r) => r.status === 201)).toBe(true)
    const page = (await api(b, 'GET', `/v1/conversations/${id}/messages?after=0&limit=200`, alice.accessToken)).body
    expect(page.items.map((m: any) => m.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1))
  })

  it('presence is the same on both nodes: online while a socket is held anywhere', async (ctx) => {
    if (!nodes) return ctx.skip()
    const [alice, bob] = await Promise.all([registerUser(a), registerUser(a)])
    await api(a, 'POST', '/v1/conversations', alice.accessToken, { type: 'direct', memberIds: [bob.user.id] })
    const watcher = await connectedSocket(a.url, alice.accessToken)
    await watcher.emitWithAck('presence:watch', { userIds: [bob.user.id] })
    const events = collect<any>(watcher, 'presence')
    const bobOnB = await connectedSocket(b.url, bob.accessToken)
    await until(() => events.some((e) => e.userId === bob.user.id && e.online), 10_000, 'online seen on A')
    // Node A, which holds none of bob's sockets, answers online.
    const seenFromA = (await api(a, 'GET', '/v1/conversations', alice.accessToken)).body.items[0].members
    expect(seenFromA.find((m: any) => m.userId === bob.user.id).online).toBe(true)
    // A second socket on A, then the one on B closes: still online (no offline event).
    const bobOnA = await connectedSocket(a.url, bob.accessToken)
    bobOnB.disconnect()
    await bobOnA.emitWithAck('whoami')
    expect((await watcher.emitWithAck('presence:watch', { userIds: [bob.user.id] })).data.users[0].online).toBe(true)
    bobOnA.disconnect()
    await until(() => events.some((e) => e.userId === bob.user.id && !e.online), 10_000, 'offline seen on A')
  })
})
