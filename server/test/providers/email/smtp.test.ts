// The SMTP provider against a real SMTP server (smtp-server on loopback): what a mailbox receives,
// AUTH as the server checks it, and how each refusal or network failure is classified.
import { afterEach, describe, expect, it } from 'vitest'
import {
  createSmtpProvider,
  DELIVERY_ID_HEADER,
  toProviderError,
  type SmtpConfig,
} from '../../../src/modules/notifications/providers/email/smtp.js'
import { ProviderError, type EmailMessage } from '../../../src/modules/notifications/providers/types.js'
import { closedPort, startSilentServer, startSmtpServer, type SmtpServerOptions } from '../../fakes/smtp.js'

const persianMessage: EmailMessage = {
  deliveryId: 'dlv_01HZXKQ7',
  messageId: 'dlv_01HZXKQ7@caravan.test',
  to: 'sara@example.ir',
  subject: 'خوش آمدید',
  text: 'سلام سارا، به کاروان خوش آمدید.',
  html: '<div dir="rtl" lang="fa"><p>سلام سارا، به <b>کاروان</b> خوش آمدید.</p></div>',
  locale: 'fa',
}

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()!()
})

async function server(options?: SmtpServerOptions) {
  const running = await startSmtpServer(options)
  closers.push(running.close)
  return running
}

function provider(port: number, extra: Partial<SmtpConfig> = {}) {
  return createSmtpProvider({ host: '127.0.0.1', port, from: 'Caravan <noreply@caravan.test>', timeoutMs: 5000, ...extra })
}

async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  return error as ProviderError
}

describe('SMTP provider: what arrives', () => {
  it('delivers Persian UTF-8 subject, text and RTL html with our headers', async () => {
    const smtp = await server()
    const result = await provider(smtp.port).send(persianMessage)

    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]
    expect(mail.envelope).toEqual({ from: 'noreply@caravan.test', to: ['sara@example.ir'] })
    expect(mail.parsed.subject).toBe('خوش آمدید')
    expect(mail.parsed.text?.trim()).toBe(persianMessage.text)
    expect(mail.parsed.html).toContain('<div dir="rtl" lang="fa"><p>سلام سارا، به <b>کاروان</b> خوش آمدید.</p></div>')
    expect(mail.parsed.headers.get(DELIVERY_ID_HEADER.toLowerCase())).toBe('dlv_01HZXKQ7')
    expect(mail.parsed.headers.get('content-language')).toBe('fa')
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'noreply@caravan.test', name: 'Caravan' })
    // The Message-ID we report is the one the mailbox sees: bounces and replies quote it.
    expect(result.status).toBe('sent')
    expect(result.providerMessageId).toBe('<dlv_01HZXKQ7@caravan.test>')
    expect(result.providerMessageId).toBe(mail.parsed.messageId)
  })

  it('uses the message sender over the configured one and omits Content-Language without a locale', async () => {
    const smtp = await server()
    await provider(smtp.port).send({ ...persianMessage, from: 'Support <help@shop.test>', locale: undefined })
    const mail = smtp.received[0]
    expect(mail.envelope.from).toBe('help@shop.test')
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'help@shop.test', name: 'Support' })
    expect(mail.parsed.headers.has('content-language')).toBe(false)
  })
})

describe('SMTP provider: AUTH', () => {
  for (const method of ['PLAIN', 'LOGIN'] as const) {
    it(`logs in with AUTH ${method} and the server checks the password`, async () => {
      const smtp = await server({ users: { mailer: 's3cret-pass' }, authMethods: [method] })
      await provider(smtp.port, { user: 'mailer', pass: 's3cret-pass' }).send(persianMessage)
      expect(smtp.authAttempts).toEqual([{ method, username: 'mailer', accepted: true }])
      expect(smtp.received[0].user).toBe('mailer')
    })
  }

  it('a refused password is permanent and the password never shows in the error', async () => {
    const smtp = await server({ users: { mailer: 's3cret-pass' } })
    const error = await sendError(provider(smtp.port, { user: 'mailer', pass: 'wrong-pass-123' }).send(persianMessage))
    expect(error.kind).toBe('permanent')
    expect(error.details.code).toBe(535)
    expect(error.message).not.toContain('wrong-pass-123')
    expect(JSON.stringify(error.details)).not.toContain('wrong-pass-123')
    expect(smtp.received).toHaveLength(0)
  })

  it('a server that requires AUTH refuses a provider without credentials: permanent', async () => {
    const smtp = await server({ users: { mailer: 's3cret-pass' } })
    const error = await sendError(provider(smtp.port).send(persianMessage))
    expect(error.kind).toBe('permanent')
    expect(error.details.code).toBe(530)
  })

  it('requireTLS refuses a server without STARTTLS instead of sending in clear text', async () => {
    const smtp = await server({ users: { mailer: 's3cret-pass' } })
    const error = await sendError(provider(smtp.port, { user: 'mailer', pass: 's3cret-pass', requireTLS: true }).send(persianMessage))
    expect(error.kind).toBe('permanent')
    expect(smtp.authAttempts).toHaveLength(0)
    expect(smtp.received).toHaveLength(0)
  })
})

describe('SMTP provider: refusals', () => {
  const recipientCases: [string, number, string, string][] = [
    ['550 mailbox unavailable', 550, 'Mailbox unavailable', 'invalid_recipient'],
    ['551 user not local', 551, 'User not local', 'invalid_recipient'],
    ['553 mailbox name not allowed', 553, 'Mailbox name not allowed', 'invalid_recipient'],
    ['550 5.1.1 no such user', 550, '5.1.1 No such user here', 'invalid_recipient'],
    ['550 5.7.1 relay denied (policy, not the mailbox)', 550, '5.7.1 Relaying denied', 'permanent'],
    ['552 mailbox full', 552, 'Mailbox full', 'permanent'],
    ['451 try again later (greylisting)', 451, 'Greylisted, try again later', 'transient'],
    ['450 mailbox busy', 450, 'Mailbox busy', 'transient'],
  ]
  for (const [name, code, text, kind] of recipientCases) {
    it(`RCPT TO ${name} ⇒ ${kind}`, async () => {
      const smtp = await server({ rejectRecipient: (address) => (address === 'sara@example.ir' ? { code, message: text } : undefined) })
      const error = await sendError(provider(smtp.port).send(persianMessage))
      expect(error.kind).toBe(kind)
      expect(error.details.code).toBe(code)
      expect(error.message).toContain(text)
      expect(smtp.received).toHaveLength(0)
    })
  }

  it('a 554 after DATA (content refused) is permanent, a 451 after DATA transient', async () => {
    const refusing = await server({ rejectData: { code: 554, message: '5.7.1 Message refused as spam' } })
    expect((await sendError(provider(refusing.port).send(persianMessage))).kind).toBe('permanent')
    const deferring = await server({ rejectData: { code: 451, message: '4.3.0 Queue full' } })
    expect((await sendError(provider(deferring.port).send(persianMessage))).kind).toBe('transient')
  })
})

describe('SMTP provider: network failures', () => {
  it('connection refused ⇒ transient', async () => {
    const port = await closedPort()
    const error = await sendError(provider(port).send(persianMessage))
    expect(error.kind).toBe('transient')
  })

  it('a server that never answers ⇒ transient timeout within the deadline', async () => {
    const silent = await startSilentServer()
    closers.push(silent.close)
    const started = Date.now()
    const error = await sendError(provider(silent.port, { timeoutMs: 1000 }).send(persianMessage))
    const elapsed = Date.now() - started
    expect(error.kind).toBe('transient')
    // Which of nodemailer's clocks rings first depends on the machine's load: the connection's
    // ("timed out") or the greeting's ("Greeting never received"); both are this deadline.
    expect(error.message).toMatch(/timed? ?out|greeting never received/i)
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(4000)
  })
})

describe('SMTP error mapping without a server', () => {
  const cases: [string, Parameters<typeof toProviderError>[0], string][] = [
    ['DNS failure', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'EDNS' }), 'transient'],
    [
      '421 service closing',
      Object.assign(new Error('Connection closed'), { code: 'ECONNECTION', responseCode: 421, command: 'CONN' }),
      'transient',
    ],
    ['503 bad sequence', Object.assign(new Error('bad sequence'), { code: 'EPROTOCOL', responseCode: 503, command: 'DATA' }), 'transient'],
    [
      '550 at MAIL FROM (sender refused, not the recipient)',
      Object.assign(new Error('Mail command failed'), {
        code: 'EENVELOPE',
        responseCode: 550,
        command: 'MAIL FROM',
        response: '550 Sender rejected',
      }),
      'permanent',
    ],
    [
      '553 5.1.7 at RCPT (bad sender syntax)',
      Object.assign(new Error('Recipient command failed'), {
        code: 'EENVELOPE',
        responseCode: 553,
        command: 'RCPT TO',
        response: '553 5.1.7 Bad sender address syntax',
      }),
      'permanent',
    ],
    ['missing credentials', Object.assign(new Error('Missing credentials for "PLAIN"'), { code: 'EAUTH', command: 'API' }), 'permanent'],
  ]
  for (const [name, error, kind] of cases) {
    it(`${name} ⇒ ${kind}`, () => {
      expect(toProviderError(error, 1000).kind).toBe(kind)
    })
  }

  it('redacts the password wherever it appears', () => {
    const error = toProviderError(
      Object.assign(new Error('Invalid login: 535 bad hunter2'), { code: 'EAUTH', responseCode: 535 }),
      1000,
      'hunter2',
    )
    expect(error.message).not.toContain('hunter2')
    expect(error.message).toContain('[redacted]')
  })
})

describe('SMTP provider: credentials check', () => {
  it('is ok when the server accepts the connection and the login, and sends nothing', async () => {
    const smtp = await server({ users: { mailer: 's3cret-pass' } })
    const result = await provider(smtp.port, { user: 'mailer', pass: 's3cret-pass' }).check()
    expect(result).toEqual({ ok: true, detail: `The SMTP server 127.0.0.1:${smtp.port} accepted the connection and the login of mailer` })
    expect(smtp.authAttempts).toEqual([expect.objectContaining({ username: 'mailer', accepted: true })])
    expect(smtp.received).toHaveLength(0)
  })

  it('is not ok when the login is refused, and never shows the password', async () => {
    const smtp = await server({ users: { mailer: 's3cret-pass' } })
    const result = await provider(smtp.port, { user: 'mailer', pass: 'wrong-pass-123' }).check()
    expect(result.ok).toBe(false)
    expect(result.detail).toMatch(/refused the login: .*535/)
    expect(result.detail).not.toContain('wrong-pass-123')
  })

  it('is not ok when nothing listens', async () => {
    const result = await provider(await closedPort()).check()
    expect(result).toMatchObject({ ok: false, detail: expect.stringMatching(/ECONNREFUSED/) })
  })

  it('is not ok within the deadline when the server never greets', async () => {
    const silent = await startSilentServer()
    closers.push(silent.close)
    const started = Date.now()
    const result = await provider(silent.port, { timeoutMs: 300 }).check()
    expect(result.ok).toBe(false)
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
