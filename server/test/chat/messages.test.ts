import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { messagesRepo } from '../../src/modules/chat/repo'
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

const people = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t)))
async function group(owner: string, memberIds: string[], name = 'g') {
  return (await api(t, 'POST', '/v1/conversations', owner, { type: 'group', memberIds, name })).body.id as string
}
const send = (token: string, conversationId: string, text: string, extra: Record<string, unknown> = {}) =>
  api(t, 'POST', `/v1/conversations/${conversationId}/messages`, token, { clientMessageId: crypto.randomUUID(), text, ...extra })
const history = async (token: string, id: string, query = '') =>
  (await api(t, 'GET', `/v1/conversations/${id}/messages${query}`, token)).body

describe('sequence numbers', () => {
  it('go up by one with no gaps while three members send at once, and a failed send takes none', async () => {
    const [a, b, c] = await people(3)
    const id = await group(a.accessToken, [b.user.id, c.user.id])
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => send([a, b, c][i % 3].accessToken, id, `message ${i}`)))
    expect(results.every((r) => r.status === 201)).toBe(true)
    // A refused send (reply to a message elsewhere) in between uses no number.
    const other = await group(a.accessToken, [b.user.id])
    const elsewhere = (await send(a.accessToken, other, 'elsewhere')).body
    expect((await send(a.accessToken, id, 'bad reply', { replyTo: elsewhere.id })).status).toBe(400)
    expect((await send(a.accessToken, id, 'after')).body.seq).toBe(32)
    const all = await history(a.accessToken, id, '?after=0&limit=200')
    expect(all.items.map((m: any) => m.seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1))
    expect(all).toMatchObject({ lastSeq: 32, hasMore: false })
  })

  it('a clientMessageId sent again, even at the same moment, returns the one message', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const body = { clientMessageId: 'retry-me-1', text: 'once only' }
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, body)),
    )
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1)
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201])
    // Another sender's same clientMessageId is their own message.
    expect((await api(t, 'POST', `/v1/conversations/${id}/messages`, b.accessToken, body)).status).toBe(201)
    expect((await history(a.accessToken, id)).items.filter((m: any) => m.text === 'once only')).toHaveLength(2)
  })
})

describe('sends written together', () => {
  it('many people sending into many conversations at once: written in shared batches, each numbered in its own conversation, the bad ones refused alone', async () => {
    const people4 = await people(4)
    const [a, b, c, d] = people4
    const ids = await Promise.all(Array.from({ length: 5 }, () => group(a.accessToken, [b.user.id, c.user.id])))
    const notMine = await group(d.accessToken, [a.user.id])
    const foreignReply = (await send(d.accessToken, notMine, 'elsewhere')).body.id
    const rows = vi.spyOn(messagesRepo, 'append')
    try {
      const good = Array.from({ length: 60 }, (_, i) => ({ token: [a, b, c][i % 3].accessToken, id: ids[i % 5], text: `batch ${i}` }))
      const twice = { clientMessageId: 'same-twice', text: 'once' }
      const [answers, bad, repeated] = await Promise.all([
        Promise.all(good.map((g) => send(g.token, g.id, g.text))),
        Promise.all([
          send(d.accessToken, ids[0], 'not a member'),
          send(a.accessToken, ids[1], 'forged file', { attachmentIds: ['00000000-0000-7000-8000-000000000000'] }),
          send(b.accessToken, ids[2], 'reply elsewhere', { replyTo: foreignReply }),
        ]),
        Promise.all([0, 1].map(() => api(t, 'POST', `/v1/conversations/${ids[3]}/messages`, c.accessToken, twice))),
      ])
      expect(answers.map((r) => r.status).every((s) => s === 201)).toBe(true)
      expect(bad.map((r) => r.status)).toEqual([404, 422, 400])
      expect(repeated.map((r) => r.status).sort()).toEqual([200, 201])
      expect(repeated[0].body.id).toBe(repeated[1].body.id)
      // Batching happened: some call of chat_append wrote several messages at once.
      expect(Math.max(...rows.mock.calls.map(([, items]) => items.length))).toBeGreaterThan(1)
    } finally {
      rows.mockRestore()
    }
    for (const id of ids) {
      const all = await history(a.accessToken, id, '?after=0&limit=200')
      // The "created" message, twelve sends, and in ids[3] the one message sent twice.
      const expected = 13 + (id === ids[3] ? 1 : 0)
      expect(all.items.map((m: any) => m.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1))
      expect(all.items.some((m: any) => m.text === 'forged file' || m.text === 'reply elsewhere')).toBe(false)
      // Each sender's read mark is at their newest message.
      const view = (await api(t, 'GET', `/v1/conversations/${id}`, a.accessToken)).body
      const newestOf = (u: string) => Math.max(...all.items.filter((m: any) => m.senderId === u).map((m: any) => m.seq))
      for (const p of [b, c])
        expect(view.members.find((m: any) => m.userId === p.user.id).lastReadSeq).toBeGreaterThanOrEqual(newestOf(p.user.id))
    }
  })
})

describe('history and resync', () => {
  it('pages backwards with before, forwards with after, always oldest first', async () => {
    const [a, b] = await people(2)
    const id = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] })).body.id
    for (let i = 1; i <= 12; i++) await send(i % 2 ? a.accessToken : b.accessToken, id, `n${i}`)
    const newest = await history(a.accessToken, id, '?limit=5')
    expect(newest.items.map((m: any) => m.seq)).toEqual([8, 9, 10, 11, 12])
    expect(newest.hasMore).toBe(true)
    const older = await history(a.accessToken, id, '?limit=5&before=8')
    expect(older.items.map((m: any) => m.seq)).toEqual([3, 4, 5, 6, 7])
    const oldest = await history(a.accessToken, id, '?limit=5&before=3')
    expect(oldest).toMatchObject({ hasMore: false })
    expect(oldest.items.map((m: any) => m.seq)).toEqual([1, 2])
    const missed = await history(b.accessToken, id, '?after=9&limit=2')
    expect(missed.items.map((m: any) => m.text)).toEqual(['n10', 'n11'])
    expect(missed.hasMore).toBe(true)
    for (const bad of ['?after=-1', '?after=abc', '?before=1.5', '?limit=0', '?limit=201', '?after=1&before=5', '?after=99999999999'])
      expect((await api(t, 'GET', `/v1/conversations/${id}/messages${bad}`, a.accessToken)).status, bad).toBe(400)
  })
})

describe('message content', () => {
  it('keeps 10,000 characters of any script, refuses more, and refuses an empty message', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const long = 'سلام 👋🏽 '.repeat(1250).slice(0, 10_000)
    const ok = await send(a.accessToken, id, long)
    expect(ok.status).toBe(201)
    expect(ok.body.text).toBe(long)
    expect((await send(a.accessToken, id, 'x'.repeat(10_001))).status).toBe(400)
    expect((await send(a.accessToken, id, '   ')).status).toBe(400)
    expect((await send(a.accessToken, id, { text: 'x' } as unknown as string)).status).toBe(400)
    expect((await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, { text: 'no client id' })).status).toBe(400)
    expect((await send(a.accessToken, id, 'x', { clientMessageId: 'bad id with spaces' })).status).toBe(400)
    expect((await send(a.accessToken, id, 'x', { attachmentIds: ['00000000-0000-7000-8000-000000000000'] })).status).toBe(422)
  })

  it('is stored encrypted: the database holds no plaintext', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const sent = (await send(a.accessToken, id, 'the launch code is کاروان-۴۲')).body
    const { rows } = await t.database.query('select body from chat_messages where id = $1', [sent.id])
    expect(rows[0].body).not.toContain('launch')
    expect(rows[0].body).not.toContain('کاروان')
    expect(rows[0].body.split('.')).toHaveLength(4)
  })

  it('replies, edits with history, reactions and tombstones', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const first = (await send(a.accessToken, id, 'first draft')).body
    const reply = (await send(b.accessToken, id, 'a reply', { replyTo: first.id })).body
    expect(reply.replyTo).toMatchObject({ id: first.id, seq: first.seq, senderId: a.user.id, text: 'first draft' })
    expect((await api(t, 'PATCH', `/v1/conversations/${id}/messages/${first.id}`, b.accessToken, { text: 'not mine' })).status).toBe(403)
    const edited = (await api(t, 'PATCH', `/v1/conversations/${id}/messages/${first.id}`, a.accessToken, { text: 'final text' })).body
    expect(edited).toMatchObject({ text: 'final text', seq: first.seq })
    expect(edited.editedAt).not.toBeNull()
    await api(t, 'PATCH', `/v1/conversations/${id}/messages/${first.id}`, a.accessToken, { text: 'final text, really' })
    const edits = (await api(t, 'GET', `/v1/conversations/${id}/messages/${first.id}/edits`, b.accessToken)).body.items
    expect(edits.map((e: any) => e.text)).toEqual(['first draft', 'final text'])

    const thumbs = encodeURIComponent('👍')
    await api(t, 'PUT', `/v1/conversations/${id}/messages/${first.id}/reactions/${thumbs}`, a.accessToken)
    await api(t, 'PUT', `/v1/conversations/${id}/messages/${first.id}/reactions/${thumbs}`, b.accessToken)
    const twice = await api(t, 'PUT', `/v1/conversations/${id}/messages/${first.id}/reactions/${thumbs}`, b.accessToken)
    expect(twice.body.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [a.user.id, b.user.id] }])
    const removed = await api(t, 'DELETE', `/v1/conversations/${id}/messages/${first.id}/reactions/${thumbs}`, a.accessToken)
    expect(removed.body.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [b.user.id] }])
    expect((await api(t, 'PUT', `/v1/conversations/${id}/messages/${first.id}/reactions/${'x'.repeat(40)}`, a.accessToken)).status).toBe(
      400,
    )

    expect((await api(t, 'DELETE', `/v1/conversations/${id}/messages/${first.id}`, b.accessToken)).status).toBe(403)
    expect((await api(t, 'DELETE', `/v1/conversations/${id}/messages/${first.id}`, a.accessToken)).status).toBe(204)
    expect((await api(t, 'DELETE', `/v1/conversations/${id}/messages/${first.id}`, a.accessToken)).status).toBe(204)
    const after = (await history(a.accessToken, id)).items.find((m: any) => m.id === first.id)
    expect(after).toMatchObject({ seq: first.seq, text: null, attachments: [] })
    expect(after.deletedAt).not.toBeNull()
    // The reply still points at it, now as deleted; a deleted message takes no edits, reactions or history.
    expect((await history(a.accessToken, id)).items.find((m: any) => m.id === reply.id).replyTo).toMatchObject({ id: first.id, text: null })
    expect((await api(t, 'PATCH', `/v1/conversations/${id}/messages/${first.id}`, a.accessToken, { text: 'back' })).status).toBe(422)
    expect((await api(t, 'PUT', `/v1/conversations/${id}/messages/${first.id}/reactions/${thumbs}`, b.accessToken)).status).toBe(422)
    expect((await api(t, 'GET', `/v1/conversations/${id}/messages/${first.id}/edits`, a.accessToken)).body.items).toEqual([])
  })
})

describe('search', () => {
  it('finds Persian and English words across my conversations, whatever the spelling variant', async () => {
    const [a, b, c] = await people(3)
    const one = await group(a.accessToken, [b.user.id], 'one')
    const two = await group(a.accessToken, [c.user.id], 'two')
    await send(b.accessToken, one, 'کتاب‌های تازه رسید')
    await send(c.accessToken, two, 'The new BOOKS arrived, order ۱۲۳')
    await send(c.accessToken, two, 'unrelated')
    const search = async (token: string, q: string, conversationId?: string) =>
      (
        await api(t, 'GET', `/v1/chat/search?q=${encodeURIComponent(q)}${conversationId ? `&conversationId=${conversationId}` : ''}`, token)
      ).body.items.map((h: any) => h.message.text)
    // Arabic yeh and kaf, no ZWNJ: the same words.
    expect(await search(a.accessToken, 'كتابهاي')).toEqual(['کتاب‌های تازه رسید'])
    expect(await search(a.accessToken, 'books')).toEqual(['The new BOOKS arrived, order ۱۲۳'])
    expect(await search(a.accessToken, 'order 123')).toEqual(['The new BOOKS arrived, order ۱۲۳'])
    // The last word may be the start of a word (search as you type).
    expect(await search(a.accessToken, 'arr')).toEqual(['The new BOOKS arrived, order ۱۲۳'])
    expect(await search(a.accessToken, 'books', one)).toEqual([])
    // b is not in "two": it finds only its own conversation's messages.
    expect(await search(b.accessToken, 'books')).toEqual([])
    expect(await search(b.accessToken, 'تازه')).toEqual(['کتاب‌های تازه رسید'])
    expect((await api(t, 'GET', '/v1/chat/search?q=', a.accessToken)).status).toBe(400)
  })
})

describe('limits and moderation', () => {
  it('a flood of messages gets 429 with Retry-After', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { floodPerMinute: 5 })
    try {
      const statuses = []
      for (let i = 0; i < 7; i++) statuses.push((await send(a.accessToken, id, `spam ${i}`)).status)
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429])
      const limited = await send(a.accessToken, id, 'more')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      // b has their own allowance.
      expect((await send(b.accessToken, id, 'me too')).status).toBe(201)
    } finally {
      await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { floodPerMinute: 120 })
    }
  })

  it('applies the content rules as flag, mask or block; members report; admins delete any message', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const rules = await api(t, 'PUT', '/v1/admin/notification-settings', admin, {
      contentRules: { blockedWords: ['کلاهبرداری'], links: 'allow' },
    })
    expect(rules.status).toBe(200)
    try {
      await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { moderation: 'block' })
      const blocked = await send(a.accessToken, id, 'این كلاه‌برداری است')
      expect(blocked.status).toBe(422)
      expect(blocked.body.detail).toContain('blocked word')
      await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { moderation: 'mask' })
      const masked = (await send(a.accessToken, id, 'این کلاهبرداری است')).body
      expect(masked.text).toBe('این ********** است')
      await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { moderation: 'flag' })
      const flagged = (await send(a.accessToken, id, 'کلاهبرداری again')).body
      expect(flagged).toMatchObject({ flagged: true, text: 'کلاهبرداری again' })
    } finally {
      await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { moderation: 'off' })
      await api(t, 'PUT', '/v1/admin/notification-settings', admin, { contentRules: { blockedWords: [], links: 'allow' } })
    }
    const rude = (await send(a.accessToken, id, 'rude words')).body
    expect((await api(t, 'POST', `/v1/conversations/${id}/messages/${rude.id}/report`, a.accessToken, { reason: 'self' })).status).toBe(422)
    expect((await api(t, 'POST', `/v1/conversations/${id}/messages/${rude.id}/report`, b.accessToken, { reason: 'rude' })).status).toBe(201)
    expect((await api(t, 'POST', `/v1/conversations/${id}/messages/${rude.id}/report`, b.accessToken, { reason: 'again' })).status).toBe(
      409,
    )
    const reports = (await api(t, 'GET', '/v1/admin/chat/reports', admin)).body.items
    const report = reports.find((r: any) => r.messageId === rude.id)
    expect(report).toMatchObject({ reporterId: b.user.id, reason: 'rude', message: { text: 'rude words' } })
    expect((await api(t, 'GET', '/v1/admin/chat/reports', a.accessToken)).status).toBe(403)
    expect((await api(t, 'DELETE', `/v1/admin/chat/messages/${rude.id}`, admin)).status).toBe(204)
    expect((await history(a.accessToken, id)).items.find((m: any) => m.id === rude.id).text).toBeNull()
    expect((await api(t, 'POST', `/v1/admin/chat/reports/${report.id}/resolve`, admin)).status).toBe(204)
    expect((await api(t, 'POST', `/v1/admin/chat/reports/${report.id}/resolve`, admin)).status).toBe(404)
    const audit = (await api(t, 'GET', '/v1/admin/audit?limit=5', admin)).body.items.map((e: any) => e.action)
    expect(audit).toEqual(expect.arrayContaining(['chat.message.delete', 'chat.report.resolve']))
    expect((await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { moderation: 'shout' })).status).toBe(400)
    expect((await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { retentionDays: -5 })).status).toBe(400)
    expect((await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { floodPerMinute: 1e9 })).status).toBe(400)
  })

  it('retention purges messages older than the setting', async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    const old = (await send(a.accessToken, id, 'old news')).body
    await send(a.accessToken, id, 'fresh')
    await t.database.query(`update chat_messages set created_at = now() - interval '40 days' where id = $1`, [old.id])
    await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { retentionDays: 30 })
    try {
      const purged = await t.caravan.services.chat.moderation.purgeExpired()
      expect(purged).toBeGreaterThanOrEqual(1)
      expect((await history(a.accessToken, id)).items.map((m: any) => m.text)).toEqual([null, 'fresh'])
    } finally {
      await api(t, 'PATCH', '/v1/admin/chat/settings', admin, { retentionDays: null })
    }
  })
})

describe('personal data', () => {
  it("exports a user's messages readable and erases them to tombstones", async () => {
    const [a, b] = await people(2)
    const id = await group(a.accessToken, [b.user.id])
    await send(b.accessToken, id, 'mine to take')
    const exported = await api(t, 'GET', `/v1/users/${b.user.id}/export`, admin)
    expect(exported.body.chat.messages.map((m: any) => m.text)).toEqual(['mine to take'])
    expect((await api(t, 'DELETE', `/v1/users/${b.user.id}`, admin)).status).toBeLessThan(300)
    const items = (await history(a.accessToken, id)).items
    expect(items.at(-1)).toMatchObject({ senderId: b.user.id, text: null })
  })
})
