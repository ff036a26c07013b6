// SendGrid Inbound Parse: the signed-webhook check (ECDSA P-256 over timestamp + raw body, with a key pair
// made here) and turning the multipart form, raw MIME or split fields, into an InboundMail.
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/core/http/errors.js'
import { parseMultipartForm, sendgridFormToMail, verifySendgridSignature } from '../../../src/modules/support/email/sendgrid-inbound.js'
import { keyPair, multipart, signBody } from './sendgrid-form.js'

function windows1256(text: string): Buffer {
  const decoder = new TextDecoder('windows-1256')
  const table = new Map<string, number>()
  for (let byte = 0; byte < 256; byte++) table.set(decoder.decode(Uint8Array.of(byte)), byte)
  return Buffer.from(
    [...text].map((ch) => {
      const byte = table.get(ch)
      if (byte === undefined) throw new Error(`not in windows-1256: ${ch}`)
      return byte
    }),
  )
}

const NOW = new Date('2024-05-01T12:00:00Z')
const TS = String(NOW.getTime() / 1000)

describe('verifySendgridSignature', () => {
  const { privateKey, base64, pem } = keyPair()
  const { body } = multipart([{ name: 'to', value: 'support@acme.test' }])
  const signature = signBody(privateKey, body, TS)

  it('accepts SendGrid’s signature of timestamp + raw body, with the key as bare base64 or PEM', () => {
    expect(verifySendgridSignature(base64, body, signature, TS, NOW)).toBe(true)
    expect(verifySendgridSignature(pem, body, signature, TS, NOW)).toBe(true)
  })

  it('refuses a tampered body, or the same signature with another timestamp', () => {
    const tampered = Buffer.from(body.toString().replace('support@', 'billing@'))
    expect(verifySendgridSignature(base64, tampered, signature, TS, NOW)).toBe(false)
    expect(verifySendgridSignature(base64, body, signature, String(Number(TS) + 1), NOW)).toBe(false)
  })

  it('refuses a signature made with another key', () => {
    const other = keyPair()
    expect(verifySendgridSignature(other.base64, body, signature, TS, NOW)).toBe(false)
    expect(verifySendgridSignature(base64, body, signBody(other.privateKey, body, TS), TS, NOW)).toBe(false)
  })

  it('refuses a stale (replayed) or far-future timestamp, within the tolerance it passes', () => {
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000)
    expect(verifySendgridSignature(base64, body, signature, TS, at(300))).toBe(true)
    expect(verifySendgridSignature(base64, body, signature, TS, at(301))).toBe(false)
    expect(verifySendgridSignature(base64, body, signature, TS, at(-301))).toBe(false)
    expect(verifySendgridSignature(base64, body, signature, TS, at(3600), 7200)).toBe(true)
  })

  it('refuses missing or malformed headers and a garbled signature', () => {
    expect(verifySendgridSignature(base64, body, undefined, TS, NOW)).toBe(false)
    expect(verifySendgridSignature(base64, body, signature, undefined, NOW)).toBe(false)
    expect(verifySendgridSignature(base64, body, '', TS, NOW)).toBe(false)
    expect(verifySendgridSignature(base64, body, signature, `${TS}.5`, NOW)).toBe(false)
    expect(verifySendgridSignature(base64, body, 'bm90IGEgc2lnbmF0dXJl', TS, NOW)).toBe(false)
  })

  it('a key that is not an EC public key is a configuration error: it throws', () => {
    expect(() => verifySendgridSignature('not a key', body, signature, TS, NOW)).toThrow()
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    expect(() => verifySendgridSignature(rsa, body, signature, TS, NOW)).toThrow(/EC key/)
  })
})

describe('parseMultipartForm + sendgridFormToMail', () => {
  it('raw MIME in `email`: the exact bytes go through the mail parser (8-bit windows-1256 intact), envelope merged', async () => {
    const persian = 'سلام، سفارش من کجاست؟'
    const raw = Buffer.concat([
      Buffer.from(
        [
          'From: Reza <Reza@Example.ir>',
          'To: support@acme.test',
          'Subject: Order',
          'Message-ID: <m1@example.ir>',
          'In-Reply-To: <ticket-x@mail.caravan.test>',
          'Content-Type: text/plain; charset=windows-1256',
          'Content-Transfer-Encoding: 8bit',
          '',
          '',
        ].join('\r\n'),
      ),
      windows1256(persian),
    ])
    const { body, contentType } = multipart([
      { name: 'dkim', value: '{@example.ir : pass}' },
      { name: 'email', value: raw },
      { name: 'to', value: 'support@acme.test' },
      { name: 'from', value: 'Reza <Reza@Example.ir>' },
      { name: 'envelope', value: JSON.stringify({ to: ['support+tok@acme.test'], from: 'reza@example.ir' }) },
      { name: 'charsets', value: JSON.stringify({ to: 'UTF-8', from: 'UTF-8', subject: 'UTF-8' }) },
    ])
    const form = await parseMultipartForm(body, contentType)
    expect(form.email?.equals(raw)).toBe(true)
    expect(form.fields.to).toBe('support@acme.test')
    const mail = await sendgridFormToMail(form.fields, form.files, form.email)
    expect(mail.from).toEqual({ address: 'reza@example.ir', name: 'Reza' })
    expect(mail.to).toEqual(['support@acme.test', 'support+tok@acme.test'])
    expect(mail.text).toBe(persian)
    expect(mail.messageId).toBe('m1@example.ir')
    expect(mail.inReplyTo).toBe('ticket-x@mail.caravan.test')
    expect(mail.headers['return-path']).toBe('<reza@example.ir>')

    // A string `email` field (as another form parser would hand it over) works for UTF-8 mail too.
    const utf8 = await sendgridFormToMail({ email: 'From: a@example.com\r\nTo: support@acme.test\r\nSubject: سلام\r\n\r\nمتن' }, [])
    expect([utf8.subject, utf8.text]).toEqual(['سلام', 'متن'])
  })

  it('split fields: headers for threading and loops, fields decoded by `charsets`, the attachment file part', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])
    const headers = [
      'Received: by mx.sendgrid.net with SMTP id abc',
      'From: =?UTF-8?B?2LPYp9ix2Kc=?= <sara@example.ir>',
      'To: support@acme.test',
      'Cc: Ali <ali@example.com>',
      'Subject: =?UTF-8?B?2LPZgdin2LHYtA==?=',
      'Message-ID: <CAF9@mail.gmail.com>',
      'In-Reply-To: <ticket-1@mail.caravan.test>',
      'References: <first@mail.caravan.test>',
      ' <ticket-1@mail.caravan.test>',
      'Auto-Submitted: auto-replied',
      'Date: Wed, 01 May 2024 12:00:00 +0000',
      'Content-Type: multipart/mixed; boundary="000"',
    ].join('\n')
    const { body, contentType } = multipart([
      { name: 'headers', value: headers },
      { name: 'text', value: windows1256('سلام، فاکتور را فرستادم.\n\n> old') },
      { name: 'html', value: '<p>ignored when there is text</p>' },
      { name: 'from', value: 'سارا <Sara@Example.ir>' },
      { name: 'to', value: 'Support@Acme.test' },
      { name: 'cc', value: 'Ali <ali@example.com>, Team: x@example.com;' },
      { name: 'subject', value: 'سفارش' },
      { name: 'envelope', value: JSON.stringify({ to: ['support@acme.test'], from: 'sara@example.ir' }) },
      {
        name: 'charsets',
        value: JSON.stringify({ to: 'UTF-8', cc: 'UTF-8', html: 'UTF-8', subject: 'UTF-8', from: 'UTF-8', text: 'windows-1256' }),
      },
      { name: 'attachments', value: '1' },
      {
        name: 'attachment-info',
        value: JSON.stringify({ attachment1: { filename: 'screen.png', name: 'screen.png', type: 'image/png' } }),
      },
      { name: 'attachment1', value: png, filename: 'screen.png', contentType: 'image/png' },
    ])
    const form = await parseMultipartForm(body, contentType)
    expect(form.email).toBeUndefined()
    expect(form.fields.text).toBe('سلام، فاکتور را فرستادم.\n\n> old')
    const mail = await sendgridFormToMail(form.fields, form.files)
    expect(mail.from).toEqual({ address: 'sara@example.ir', name: 'سارا' })
    expect(mail.to).toEqual(['support@acme.test', 'ali@example.com', 'x@example.com'])
    expect(mail.subject).toBe('سفارش')
    expect(mail.text).toBe('سلام، فاکتور را فرستادم.\n\n> old')
    expect(mail.messageId).toBe('CAF9@mail.gmail.com')
    expect(mail.inReplyTo).toBe('ticket-1@mail.caravan.test')
    expect(mail.references).toEqual(['first@mail.caravan.test', 'ticket-1@mail.caravan.test'])
    expect(mail.headers['auto-submitted']).toBe('auto-replied')
    expect(mail.headers['return-path']).toBe('<sara@example.ir>')
    expect(mail.date?.toISOString()).toBe('2024-05-01T12:00:00.000Z')
    expect(mail.attachments).toHaveLength(1)
    expect(mail.attachments[0]).toMatchObject({ filename: 'screen.png', contentType: 'image/png', size: png.length })
    expect(mail.attachments[0].content.equals(png)).toBe(true)
  })

  it('split fields without text use the HTML; without headers From comes from its field; no From at all is refused', async () => {
    const mail = await sendgridFormToMail({ from: 'ali@example.com', to: 'support@acme.test', html: '<p>Hi&nbsp;there</p>' }, [])
    expect(mail).toMatchObject({
      from: { address: 'ali@example.com', name: null },
      to: ['support@acme.test'],
      subject: '',
      text: 'Hi there',
    })
    expect(mail.messageId).toBeNull()
    const error = await sendgridFormToMail({ to: 'support@acme.test', text: 'x' }, []).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).status).toBe(400)
  })

  it('form field names that are Object.prototype keys stay plain fields', async () => {
    const { body, contentType } = multipart([
      { name: '__proto__', value: 'p' },
      { name: 'constructor', value: 'c' },
    ])
    const { fields } = await parseMultipartForm(body, contentType)
    expect(Object.keys(fields).sort()).toEqual(['__proto__', 'constructor'])
    expect([fields['__proto__'], fields.constructor]).toEqual(['p', 'c'])
  })

  it('a body that is not a form is refused with a client error', async () => {
    const wrongType = await parseMultipartForm(Buffer.from('{}'), 'application/json').catch((e: unknown) => e)
    expect((wrongType as AppError).status).toBe(415)
    const noBoundary = await parseMultipartForm(Buffer.from('x'), 'multipart/form-data').catch((e: unknown) => e)
    expect(noBoundary).toBeInstanceOf(AppError)
    expect((noBoundary as AppError).status).toBeGreaterThanOrEqual(400)
    expect((noBoundary as AppError).status).toBeLessThan(500)
  })
})
