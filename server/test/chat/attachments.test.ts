import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { bearer, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { clamdMissing, EICAR_SIGNATURE, startClamd, type TestClamd } from '../helpers/clamd'
import { EICAR, samples } from '../helpers/samples'
import { until } from '../helpers/wait'

const missing = clamdMissing()
if (missing) console.warn(missing)

function form(file: Buffer, filename: string) {
  const boundary = `----chat${randomBytes(8).toString('hex')}`
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`
  return {
    payload: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}

describe.skipIf(missing)('files in chat, scanned by a real clamd', () => {
  let t: TestCaravan
  let clamd: TestClamd
  beforeAll(async () => {
    clamd = await startClamd()
    t = await startTestCaravan({ listen: true, env: { CLAMD_URL: clamd.url } })
  })
  afterAll(async () => {
    await t?.close()
    await clamd?.stop()
  })

  async function upload(token: string, file: Buffer, filename: string) {
    const body = form(file, filename)
    const res = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/uploads',
      headers: { ...bearer(token), ...body.headers },
      payload: body.payload,
    })
    return { status: res.statusCode, body: res.json() }
  }
  /** The message once its first attachment has the status (polled: the scan runs as a job). */
  const attachedAs = (token: string, conversationId: string, messageId: string, status: string) =>
    until(
      async () => {
        const items = (await api(t, 'GET', `/v1/conversations/${conversationId}/messages`, token)).body.items
        const message = items.find((m: any) => m.id === messageId)
        return message?.attachments[0]?.status === status ? message : undefined
      },
      60_000,
      `attachment ${status}`,
    )
  const link = (url: string) => t.caravan.app.inject({ method: 'GET', url: new URL(url).pathname + new URL(url).search })

  it('an image sent in a message reaches members once clean; outsiders and forged ids get nothing', async () => {
    const [a, b, outsider] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)])
    const id = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] })).body.id
    const image = await upload(a.accessToken, await samples.png(), '../../etc/passwd.png')
    expect(image.status).toBe(201)
    expect(image.body).toMatchObject({ status: 'scanning', name: 'passwd.png', mime: 'image/png' })
    // Someone else's upload, or an id that is no upload, cannot be attached.
    const theirs = (await upload(outsider.accessToken, await samples.png(), 'x.png')).body
    for (const attachmentIds of [[theirs.id], ['00000000-0000-7000-8000-000000000000']]) {
      const res = await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, {
        clientMessageId: crypto.randomUUID(),
        text: '',
        attachmentIds,
      })
      expect(res.status).toBe(422)
    }
    const sent = await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, {
      clientMessageId: 'with-image',
      text: 'نگاه کن',
      attachmentIds: [image.body.id],
    })
    expect(sent.status).toBe(201)
    // The scan may finish before the message is sent (then message:new already shows it clean) or
    // after (then message:updated does): either way the message ends up showing it clean.
    const clean = await attachedAs(a.accessToken, id, sent.body.id, 'clean')
    expect(clean.attachments[0]).toMatchObject({ id: image.body.id, status: 'clean' })
    expect((await link(clean.attachments[0].url)).statusCode).toBe(200)
    expect((await link(clean.attachments[0].thumbnailUrl)).headers['content-type']).toContain('image/webp')
    // Members see it; the outsider cannot even learn of it.
    expect((await api(t, 'GET', `/v1/files/${image.body.id}`, b.accessToken)).status).toBe(200)
    expect((await api(t, 'GET', `/v1/files/${image.body.id}`, outsider.accessToken)).status).toBe(404)
    // Sent once, an upload cannot be attached again.
    const again = await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, {
      clientMessageId: 'again',
      text: 'x',
      attachmentIds: [image.body.id],
    })
    expect(again.status).toBe(422)
    // A deleted message takes its file with it.
    await api(t, 'DELETE', `/v1/conversations/${id}/messages/${sent.body.id}`, a.accessToken)
    expect((await api(t, 'GET', `/v1/files/${image.body.id}`, a.accessToken)).status).toBe(404)
  })

  it('an infected file is blocked: the message shows it so and it is never served', async () => {
    const [a, b] = await Promise.all([registerUser(t), registerUser(t)])
    const id = (await api(t, 'POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] })).body.id
    const bad = (await upload(a.accessToken, Buffer.from(EICAR), 'notes.txt')).body
    const sent = await api(t, 'POST', `/v1/conversations/${id}/messages`, a.accessToken, {
      clientMessageId: 'eicar',
      text: 'read this',
      attachmentIds: [bad.id],
    })
    const message = await attachedAs(b.accessToken, id, sent.body.id, 'blocked')
    expect(message.attachments[0]).toMatchObject({ status: 'blocked', signature: EICAR_SIGNATURE })
    expect(message.attachments[0].url).toBeUndefined()
    expect((await api(t, 'GET', `/v1/files/${bad.id}`, b.accessToken)).body).toMatchObject({ status: 'blocked' })
  })

  it('a PNG that is really a script is refused at upload', async () => {
    const a = await registerUser(t)
    const res = await upload(a.accessToken, Buffer.from('#!/bin/sh\nrm -rf /\n'), 'cat.png')
    // A shell script is plain text: it is stored as text, never as an image.
    if (res.status === 201) expect(res.body).toMatchObject({ mime: 'text/plain', name: 'cat.txt' })
    else expect(res.status).toBe(415)
    const forged = await upload(
      a.accessToken,
      Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from('<?php system($_GET[1]); ?>')]),
      'x.png',
    )
    expect(forged.status).toBe(422)
  })
})
