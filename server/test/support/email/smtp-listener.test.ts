// The inbound SMTP listener against a real client (nodemailer) on loopback: what arrives, and each SMTP
// answer a sending server sees (550 unknown recipient, 552 too big, 451 when we cannot store the mail).
import { connect, type Socket } from 'node:net'
import { createTransport } from 'nodemailer'
import { afterEach, describe, expect, it } from 'vitest'
import { parseInboundMail } from '../../../src/modules/support/email/inbound-mail.js'
import { startInboundSmtp } from '../../../src/modules/support/email/smtp-listener.js'

interface Received {
  raw: Buffer
  envelope: { from: string; to: string[] }
}

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()!()
})

async function listener(options: Partial<Parameters<typeof startInboundSmtp>[0]> = {}) {
  const received: Received[] = []
  const warnings: string[] = []
  const smtp = await startInboundSmtp({
    host: '127.0.0.1',
    port: 0,
    acceptsRecipient: (address) => address.endsWith('@acme.test'),
    onMail: async (raw, envelope) => {
      received.push({ raw, envelope })
    },
    logger: { warn: (_obj, msg) => warnings.push(msg) },
    ...options,
  })
  closers.push(smtp.close)
  return { ...smtp, received, warnings }
}

function client(port: number, extra: Record<string, unknown> = {}) {
  return createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 5000, ...extra })
}

async function sendError(promise: Promise<unknown>): Promise<Error & { responseCode?: number; code?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error & { responseCode?: number; code?: string }
}

/** A bare-socket SMTP conversation: the reply (all lines) to the greeting and to each command in turn. */
async function converse(port: number, commands: string[]): Promise<string[]> {
  const socket: Socket = connect(port, '127.0.0.1')
  let buffer = ''
  const replies: string[] = []
  // A reply is complete at its last line: code, a space, text.
  const nextReply = () =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const end = /^\d{3} .*\r\n/m.exec(buffer)
        if (!end) return
        socket.off('data', onData)
        const text = buffer.slice(0, end.index + end[0].length)
        buffer = buffer.slice(text.length)
        resolve(text.trim())
      }
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString()
        check()
      }
      socket.on('data', onData)
      socket.once('error', reject)
      check()
    })
  replies.push(await nextReply())
  for (const command of commands) {
    socket.write(command + '\r\n')
    replies.push(await nextReply())
  }
  socket.end('QUIT\r\n')
  return replies
}

describe('inbound SMTP listener', () => {
  it('delivers the raw message and the envelope; the raw parses back to the mail that was sent', async () => {
    const smtp = await listener()
    expect(smtp.port).toBeGreaterThan(0)
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(100, 3)])
    await client(smtp.port).sendMail({
      from: 'سارا <Sara@Example.ir>',
      to: 'Support <SUPPORT@acme.test>',
      cc: 'billing@acme.test',
      subject: 'پاسخ: سفارش ۱۲۳',
      text: 'سلام، سفارش من هنوز نرسیده است.',
      inReplyTo: '<ticket-1@mail.caravan.test>',
      references: ['<first@mail.caravan.test>', '<ticket-1@mail.caravan.test>'],
      attachments: [{ filename: 'screen.png', content: png, contentType: 'image/png' }],
    })

    expect(smtp.received).toHaveLength(1)
    const { raw, envelope } = smtp.received[0]
    // nodemailer lower-cases the domain of MAIL FROM; the local part is passed on as sent.
    expect(envelope).toEqual({ from: 'Sara@example.ir', to: ['support@acme.test', 'billing@acme.test'] })
    const mail = await parseInboundMail(raw, envelope)
    expect(mail.from).toEqual({ address: 'sara@example.ir', name: 'سارا' })
    expect(mail.to).toEqual(['support@acme.test', 'billing@acme.test'])
    expect(mail.subject).toBe('پاسخ: سفارش ۱۲۳')
    expect(mail.text).toBe('سلام، سفارش من هنوز نرسیده است.')
    expect(mail.inReplyTo).toBe('ticket-1@mail.caravan.test')
    expect(mail.references).toEqual(['first@mail.caravan.test', 'ticket-1@mail.caravan.test'])
    expect(mail.messageId).toMatch(/@/)
    expect(mail.headers['return-path']).toBe('<Sara@example.ir>')
    expect(mail.attachments).toHaveLength(1)
    expect(mail.attachments[0].content.equals(png)).toBe(true)
  })

  it('a recipient we do not serve is refused at RCPT TO with 550 and nothing is stored', async () => {
    const seen: string[] = []
    const smtp = await listener({
      acceptsRecipient: async (address) => {
        seen.push(address)
        return address === 'support@acme.test'
      },
    })
    const error = await sendError(client(smtp.port).sendMail({ from: 'a@example.com', to: 'Nobody@Acme.test', subject: 'x', text: 'x' }))
    expect(error.responseCode).toBe(550)
    expect(seen).toEqual(['nobody@acme.test'])
    expect(smtp.received).toHaveLength(0)

    // With one good recipient the mail goes through to that one only.
    const info = await client(smtp.port).sendMail({
      from: 'a@example.com',
      to: ['support@acme.test', 'nobody@acme.test'],
      subject: 'x',
      text: 'x',
    })
    expect(info.rejected).toEqual(['nobody@acme.test'])
    expect(smtp.received.map((r) => r.envelope.to)).toEqual([['support@acme.test']])
  })

  it('a message over maxBytes gets 552, whether found in DATA or announced with SIZE; one under it passes', async () => {
    const smtp = await listener({ maxBytes: 4000 })
    const big = { from: 'a@example.com', to: 'support@acme.test', subject: 'big', text: 'x'.repeat(10_000) }
    const inData = await sendError(client(smtp.port).sendMail(big))
    expect(inData.responseCode).toBe(552)
    // nodemailer itself will not send more than the SIZE we advertise, so announce it by hand.
    const [, , mailFrom] = await converse(smtp.port, ['EHLO client.test', 'MAIL FROM:<a@example.com> SIZE=10000'])
    expect(mailFrom).toMatch(/^552 /)
    expect(smtp.received).toHaveLength(0)

    await client(smtp.port).sendMail({ ...big, text: 'small' })
    expect(smtp.received).toHaveLength(1)
  })

  it('onMail throwing answers 451 (the sender keeps the mail and retries); the retry is stored', async () => {
    let failures = 1
    const stored: Buffer[] = []
    const smtp = await listener({
      onMail: async (raw) => {
        if (failures-- > 0) throw new Error('database is down')
        stored.push(raw)
      },
    })
    const message = { from: 'a@example.com', to: 'support@acme.test', subject: 'retry me', text: 'x' }
    const error = await sendError(client(smtp.port).sendMail(message))
    expect(error.responseCode).toBe(451)
    expect(smtp.warnings).toEqual(['inbound smtp: storing a mail failed, sender will retry'])

    await client(smtp.port).sendMail(message)
    expect(stored).toHaveLength(1)
  })

  it('a recipient check that throws answers 451, not 550: the address may well exist', async () => {
    const smtp = await listener({
      acceptsRecipient: () => {
        throw new Error('cache unavailable')
      },
    })
    const error = await sendError(client(smtp.port).sendMail({ from: 'a@example.com', to: 'support@acme.test', subject: 'x', text: 'x' }))
    expect(error.responseCode).toBe(451)
    expect(smtp.warnings).toEqual(['inbound smtp: recipient check failed'])
  })

  it('offers no AUTH and no STARTTLS without a certificate, and advertises the size limit', async () => {
    const smtp = await listener({ maxBytes: 12345 })
    const [, reply] = await converse(smtp.port, ['EHLO client.test'])
    const lines = reply.split('\r\n')
    expect(lines.some((l) => /SIZE 12345$/.test(l))).toBe(true)
    expect(lines.some((l) => /STARTTLS|AUTH/.test(l))).toBe(false)
    // A client that insists on TLS gets no clear-text fallback.
    const error = await sendError(
      client(smtp.port, { ignoreTLS: false, requireTLS: true }).sendMail({ from: 'a@example.com', to: 'support@acme.test', text: 'x' }),
    )
    expect(error.message).toMatch(/STARTTLS/i)
    expect(smtp.received).toHaveLength(0)
  })

  it('close() frees the port: connecting is refused and the port can be bound again', async () => {
    const first = await startInboundSmtp({ host: '127.0.0.1', port: 0, acceptsRecipient: () => true, onMail: async () => {} })
    await client(first.port).sendMail({ from: 'a@example.com', to: 'support@acme.test', text: 'x' })
    await first.close()
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect(first.port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(undefined)
      })
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code))
    })
    expect(refused).toBe('ECONNREFUSED')

    const again = await startInboundSmtp({ host: '127.0.0.1', port: first.port, acceptsRecipient: () => true, onMail: async () => {} })
    closers.push(again.close)
    expect(again.port).toBe(first.port)
  })

  it('a port already in use is an error from startInboundSmtp', async () => {
    const smtp = await listener()
    await expect(
      startInboundSmtp({ host: '127.0.0.1', port: smtp.port, acceptsRecipient: () => true, onMail: async () => {} }),
    ).rejects.toThrow(/EADDRINUSE/)
  })
})
