// A customer's support data under the privacy rules: the export holds their tickets with public
// timelines and ratings (never the desk's notes); erasure takes every word on their tickets and keeps them
// for the figures; files on a note stay the desk's, files on a public reply are the requester's to read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, bearer, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { agent, customer, type Person } from './helpers'

let t: TestCaravan
let admin: string
let ali: Person

beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  ali = await agent(t, admin, 'Ali')
})
afterAll(async () => {
  await t?.close()
})

async function upload(token: string, name: string) {
  const boundary = 'b0undary'
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`),
    Buffer.from(`contents of ${name}`),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  const res = await t.caravan.app.inject({
    method: 'POST',
    url: '/v1/uploads',
    headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  })
  expect(res.statusCode).toBe(201)
  return res.json().id as string
}

describe('support data and privacy', () => {
  it('exports the public part, erases the words and keeps the tickets', async () => {
    const sara: Person = await customer(t, 'Sara')
    const ticket = (await api(t, 'POST', '/v1/tickets', sara.token, { subject: 'My address is 12 Vali-Asr St', body: 'Call me on 0912…' }))
      .body.ticket
    await api(t, 'POST', `/v1/tickets/${ticket.id}/notes`, ali.token, { body: 'INTERNAL: she is a VIP' })
    await api(t, 'POST', `/v1/tickets/${ticket.id}/replies`, ali.token, { body: 'Done', status: 'solved' })
    await api(t, 'POST', `/v1/tickets/${ticket.id}/csat`, sara.token, { rating: 5, comment: 'Thanks Ali!' })

    const exported = await api(t, 'GET', `/v1/users/${sara.id}/export`, admin)
    expect(exported.status).toBe(200)
    const support = exported.body.support
    expect(support.tickets).toHaveLength(1)
    expect(support.tickets[0]).toMatchObject({ number: ticket.number, subject: 'My address is 12 Vali-Asr St', rating: 5 })
    expect(support.tickets[0].timeline.map((e: any) => e.body).filter(Boolean)).toEqual(['Call me on 0912…', 'Done'])
    expect(JSON.stringify(exported.body)).not.toContain('INTERNAL')

    expect((await api(t, 'DELETE', `/v1/users/${sara.id}`, admin)).status).toBeLessThan(300)
    const after = await api(t, 'GET', `/v1/tickets/${ticket.id}`, ali.token)
    expect(after.status).toBe(200)
    expect(after.body.ticket).toMatchObject({ subject: '—', status: 'solved', csat: { rating: 5, comment: null } })
    // Every word on their ticket goes (agents write about the customer too); the entries stay.
    expect(after.body.events.map((e: any) => [e.kind, e.body])).toEqual([
      ['reply', null],
      ['note', null],
      ['reply', null],
      ['assignment', null],
      ['status', null],
    ])
  })

  it('lets the requester read files on public replies only', async () => {
    const reza = await customer(t, 'Reza')
    const ticket = (await api(t, 'POST', '/v1/tickets', reza.token, { subject: 'Files', body: 'see below' })).body.ticket
    const onNote = await upload(ali.token, 'note.txt')
    const onReply = await upload(ali.token, 'reply.txt')
    expect(
      (await api(t, 'POST', `/v1/tickets/${ticket.id}/notes`, ali.token, { body: 'internal file', attachmentIds: [onNote] })).status,
    ).toBe(201)
    expect(
      (await api(t, 'POST', `/v1/tickets/${ticket.id}/replies`, ali.token, { body: 'here you go', attachmentIds: [onReply] })).status,
    ).toBe(201)
    expect((await api(t, 'GET', `/v1/files/${onReply}`, reza.token)).status).toBe(200)
    expect((await api(t, 'GET', `/v1/files/${onNote}`, reza.token)).status).toBe(404)
    expect((await api(t, 'GET', `/v1/files/${onNote}`, ali.token)).status).toBe(200)
    // An upload cannot be attached twice, nor someone else's.
    const again = await api(t, 'POST', `/v1/tickets/${ticket.id}/replies`, reza.token, { body: 'mine now', attachmentIds: [onReply] })
    expect(again.status).toBe(422)
    expect((await api(t, 'GET', `/v1/tickets/${ticket.id}`, reza.token)).body.events.map((e: any) => e.body)).not.toContain('mine now')
  })
})
