// Tickets by email end to end: real mail over SMTP to the support listener opens a ticket for the
// team's address (with its attachment, scanned like any upload), the same mail again changes nothing,
// an agent's reply goes out threaded (Message-ID, In-Reply-To, References, a reply address with the
// ticket's token), the customer's answer lands in the same ticket without the quoted text,
// auto-replies and strangers copying the thread headers do not; SendGrid's signed Inbound Parse
// likewise, with a bad signature refused. Runs on PGlite, and on PostgreSQL in CI.
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { keyPair, multipart, signBody } from './email/sendgrid-form'
import { agent, team, type Person } from './helpers'

let t: TestCaravan
let admin: string
let ali: Person
let billing: { id: string }
let smtp: ReturnType<typeof nodemailer.createTransport>

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

beforeAll(async () => {
  t = await startTestCaravan({ listen: true, env: { SUPPORT_SMTP_PORT: '0', SUPPORT_SMTP_HOST: '127.0.0.1' } })
  admin = (await adminSession(t)).accessToken
  ali = await agent(t, admin, 'Ali')
  billing = await team(t, admin, 'Billing', [ali.id])
  expect((await api(t, 'PATCH', `/v1/support/teams/${billing.id}`, admin, { email: 'Billing@Acme.test' })).status).toBe(200)
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port: t.caravan.services.support.smtpPort()!, secure: false, ignoreTLS: true })
})
afterAll(async () => {
  smtp?.close()
  await t?.close()
})

async function ticketsOf(externalOrEmail: string) {
  const { rows } = await t.database.query(
    `select t.id, t.channel, t.team_id, t.subject from support_tickets t join users u on u.id = t.requester_id where u.email = $1 order by t.number`,
    [externalOrEmail],
  )
  return rows as { id: string; channel: string; team_id: string; subject: string }[]
}

describe('mail over SMTP', () => {
  it('opens a ticket, threads the agent’s reply, and takes the answer into the same ticket', async () => {
    const first = {
      from: 'Mina Rahimi <mina@example.com>',
      to: 'billing@acme.test',
      subject: 'فاکتور اشتباه',
      text: 'مبلغ فاکتور من اشتباه است.',
      messageId: '<first-1@example.com>',
      attachments: [{ filename: 'receipt.png', content: PNG, contentType: 'image/png' }],
    }
    await smtp.sendMail(first)
    const [ticket] = await until(
      async () => ((await ticketsOf('mina@example.com')).length ? ticketsOf('mina@example.com') : null),
      10_000,
      'the ticket',
    )
    expect(ticket).toMatchObject({ channel: 'email', team_id: billing.id, subject: 'فاکتور اشتباه' })
    const detail = (await api(t, 'GET', `/v1/tickets/${ticket!.id}`, ali.token)).body
    expect(detail.ticket.requester).toMatchObject({ name: 'Mina Rahimi', externalId: 'email:mina@example.com' })
    expect(detail.events[0]).toMatchObject({ kind: 'reply', byAgent: false, body: 'مبلغ فاکتور من اشتباه است.' })
    expect(detail.events[0].attachmentIds).toHaveLength(1)

    // The same mail again (a retry of the sender's server): nothing new.
    await smtp.sendMail(first)
    expect(await ticketsOf('mina@example.com')).toHaveLength(1)

    // Mail to an address no team has is refused at RCPT.
    await expect(smtp.sendMail({ ...first, to: 'nobody@acme.test', messageId: '<x@example.com>' })).rejects.toMatchObject({
      responseCode: 550,
    })

    const reply = await api(t, 'POST', `/v1/tickets/${ticket!.id}/replies`, ali.token, { body: 'We fixed the invoice.' })
    expect(reply.status).toBe(201)
    const out = await until(
      async () =>
        (await api(t, 'GET', '/v1/dev/outbox?channel=email', admin)).body.items.find(
          (m: any) => m.recipient === 'mina@example.com' && m.payload.text?.includes('We fixed the invoice.'),
        ),
      20_000,
      'the reply by email',
    )
    const thread = out.payload.thread
    expect(thread).toMatchObject({ inReplyTo: 'first-1@example.com', references: ['first-1@example.com'] })
    expect(thread.messageId).toMatch(new RegExp(`^ticket-${ticket!.id}-[0-9a-f-]+@127\\.0\\.0\\.1$`))
    expect(out.payload.replyTo).toMatch(new RegExp(`^billing\\+${ticket!.id}\\.[a-z0-9_-]{16}@acme\\.test$`))

    // Mina answers from her mail client: In-Reply-To names our reply, the quote is left out.
    await smtp.sendMail({
      from: 'mina@example.com',
      to: out.payload.replyTo,
      subject: 'Re: فاکتور اشتباه',
      text: 'Thanks, it looks right now.\n\nOn Fri, Dec 4, 2026 at 10:00 Support wrote:\n> We fixed the invoice.',
      inReplyTo: `<${thread.messageId}>`,
      references: [`<first-1@example.com>`, `<${thread.messageId}>`],
      messageId: '<answer-2@example.com>',
    })
    const answered = await until(
      async () => {
        const d = (await api(t, 'GET', `/v1/tickets/${ticket!.id}`, ali.token)).body
        return d.events.find((e: any) => e.body === 'Thanks, it looks right now.') ? d : null
      },
      10_000,
      'the answer in the ticket',
    )
    expect(answered.events.filter((e: any) => e.kind === 'reply')).toHaveLength(3)
    expect(await ticketsOf('mina@example.com')).toHaveLength(1)
  })

  it('ignores auto-replies and does not let a stranger into a thread by copying its headers', async () => {
    await smtp.sendMail({
      from: 'mina@example.com',
      to: 'billing@acme.test',
      subject: 'Out of office',
      text: 'I am away until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
      messageId: '<ooo-1@example.com>',
    })
    const [minaTicket] = await ticketsOf('mina@example.com')
    await smtp.sendMail({
      from: 'eve@example.org',
      to: 'billing@acme.test',
      subject: 'Re: فاکتور اشتباه',
      text: 'Please send the refund to my card instead.',
      inReplyTo: '<first-1@example.com>',
      references: ['<first-1@example.com>'],
      messageId: '<eve-1@example.org>',
    })
    const eve = await until(
      async () => ((await ticketsOf('eve@example.org')).length ? ticketsOf('eve@example.org') : null),
      10_000,
      "eve's own ticket",
    )
    expect(eve).toHaveLength(1)
    expect(eve[0]!.id).not.toBe(minaTicket!.id)
    const mina = (await api(t, 'GET', `/v1/tickets/${minaTicket!.id}`, ali.token)).body
    expect(JSON.stringify(mina.events)).not.toContain('refund to my card')
    expect(JSON.stringify(mina.events)).not.toContain('away until Monday')
    expect((await ticketsOf('mina@example.com')).length).toBe(1)
  })
})

describe('SendGrid Inbound Parse', () => {
  it('is off until a key is set, refuses a bad signature, and takes a signed mail', async () => {
    const raw = [
      'From: Reza <reza@example.net>',
      'To: billing@acme.test',
      'Subject: Card declined',
      'Message-ID: <sg-1@example.net>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'My card was declined twice.',
    ].join('\r\n')
    const form = multipart([
      { name: 'email', value: raw },
      { name: 'envelope', value: JSON.stringify({ to: ['billing@acme.test'], from: 'reza@example.net' }) },
    ])
    const post = (headers: Record<string, string>) =>
      t.caravan.app.inject({
        method: 'POST',
        url: '/v1/webhooks/support/sendgrid',
        headers: { 'content-type': form.contentType, ...headers },
        payload: form.body,
      })

    expect((await post({})).statusCode).toBe(404)
    const keys = keyPair()
    expect((await api(t, 'PATCH', '/v1/admin/support/settings', admin, { sendgridInboundKey: 'not a key'.repeat(10) })).status).toBe(400)
    expect((await api(t, 'PATCH', '/v1/admin/support/settings', admin, { sendgridInboundKey: keys.pem })).status).toBe(200)
    // null turns the webhook off ("" too: a form's emptied field), and the key can be set again.
    for (const off of [null, '']) {
      const saved = await api(t, 'PATCH', '/v1/admin/support/settings', admin, { sendgridInboundKey: off })
      expect(saved.status).toBe(200)
      expect(saved.body.sendgridInboundKey).toBeNull()
      expect((await post({})).statusCode).toBe(404)
    }
    expect((await api(t, 'PATCH', '/v1/admin/support/settings', admin, { sendgridInboundKey: keys.pem })).status).toBe(200)

    const timestamp = String(Math.floor(Date.now() / 1000))
    const forged = await post({
      'x-twilio-email-event-webhook-signature': signBody(keyPair().privateKey, form.body, timestamp),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    })
    expect(forged.statusCode).toBe(400)
    expect(forged.json().type).toContain('webhook_signature_invalid')
    expect(await ticketsOf('reza@example.net')).toHaveLength(0)

    const signed = {
      'x-twilio-email-event-webhook-signature': signBody(keys.privateKey, form.body, timestamp),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    }
    const ok = await post(signed)
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ outcome: 'created' })
    expect(await ticketsOf('reza@example.net')).toMatchObject([{ channel: 'email', team_id: billing.id, subject: 'Card declined' }])
    // SendGrid retries what it thinks failed: the same mail is answered 200 and stored once.
    expect((await post(signed)).json()).toEqual({ outcome: 'duplicate' })
    expect(await ticketsOf('reza@example.net')).toHaveLength(1)
  })
})
