// Parsing received mail into InboundMail (real MIME through mailparser: charsets, encodings,
// attachments, threading headers) and stripping the quoted previous message from replies.
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/core/http/errors.js'
import { htmlToText, parseInboundMail, stripQuotedReply } from '../../../src/modules/support/email/inbound-mail.js'

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8')

/** Encodes text as windows-1256 with a table built from Node's own decoder (no encoder in the standard library). */
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

describe('parseInboundMail', () => {
  it('a plain mail: addresses lower-cased, subject kept as sent, text, date', async () => {
    const mail = await parseInboundMail(
      crlf([
        'From: Sara Ahmadi <Sara.Ahmadi@Example.COM>',
        'To: Support <SUPPORT@acme.test>',
        'Subject: Re: My order is late',
        'Date: Tue, 02 Jan 2024 10:30:00 +0330',
        'Message-ID: <CAF1234@mail.example.com>',
        '',
        'Hello,',
        'where is my order?',
        '',
      ]),
    )
    expect(mail.from).toEqual({ address: 'sara.ahmadi@example.com', name: 'Sara Ahmadi' })
    expect(mail.to).toEqual(['support@acme.test'])
    expect(mail.subject).toBe('Re: My order is late')
    expect(mail.text).toBe('Hello,\nwhere is my order?')
    expect(mail.messageId).toBe('CAF1234@mail.example.com')
    expect(mail.inReplyTo).toBeNull()
    expect(mail.references).toEqual([])
    expect(mail.attachments).toEqual([])
    expect(mail.date?.toISOString()).toBe('2024-01-02T07:00:00.000Z')
  })

  it('a mail without subject or date: subject "" and date null; a From without a name has name null', async () => {
    const mail = await parseInboundMail(crlf(['From: ali@example.com', 'To: support@acme.test', '', 'hi']))
    expect(mail.subject).toBe('')
    expect(mail.date).toBeNull()
    expect(mail.from).toEqual({ address: 'ali@example.com', name: null })
  })

  it('multipart/alternative whose text part is empty: the text comes from the HTML, tags stripped, entities decoded', async () => {
    const mail = await parseInboundMail(
      crlf([
        'From: ali@example.com',
        'To: support@acme.test',
        'Subject: HTML only',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        '   ',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<html><head><style>p { color: red }</style><title>x</title></head><body>',
        '<p>Hello&nbsp;team,</p><p>Price is 5 &lt; 7 &amp; rising&hellip;<br>Thanks &#8212; Ali &#x1F600;</p>',
        '<script>alert(1)</script><div>Bye</div></body></html>',
        '--b1--',
        '',
      ]),
    )
    expect(mail.text).toBe('Hello team,\n\nPrice is 5 < 7 & rising…\nThanks — Ali 😀\n\nBye')
  })

  it('a Persian mail: UTF-8 base64 encoded-word subject and a base64 UTF-8 body', async () => {
    const subject = 'پاسخ: سفارش من کجاست؟'
    const body = 'سلام،\nسفارش من هنوز نرسیده است.'
    const mail = await parseInboundMail(
      crlf([
        `From: =?UTF-8?B?${Buffer.from('سارا احمدی').toString('base64')}?= <sara@example.ir>`,
        'To: support@acme.test',
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(body).toString('base64'),
        '',
      ]),
    )
    expect(mail.subject).toBe(subject)
    expect(mail.from).toEqual({ address: 'sara@example.ir', name: 'سارا احمدی' })
    expect(mail.text).toBe(body)
  })

  it('a windows-1256 Persian body (8-bit, as older Outlook sends it) is decoded', async () => {
    const body = 'سلام، فاکتور من کجاست؟'
    const raw = Buffer.concat([
      crlf([
        'From: reza@example.ir',
        'To: support@acme.test',
        `Subject: =?windows-1256?Q?${[...windows1256('فاکتور')].map((b) => '=' + b.toString(16).toUpperCase()).join('')}?=`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=windows-1256',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ]),
      windows1256(body),
      Buffer.from('\r\n'),
    ])
    expect(raw.includes(Buffer.from(body))).toBe(false) // really not UTF-8 on the wire
    const mail = await parseInboundMail(raw)
    expect(mail.text).toBe(body)
    expect(mail.subject).toBe('فاکتور')
  })

  it('attachments: a PNG and a PDF with their names, types, bytes and sizes', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)])
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
    const mail = await parseInboundMail(
      crlf([
        'From: ali@example.com',
        'To: support@acme.test',
        'Subject: screenshots',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="mix"',
        '',
        '--mix',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'See attached.',
        '--mix',
        'Content-Type: image/png; name="screen.png"',
        'Content-Disposition: attachment; filename="screen.png"',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--mix',
        'Content-Type: application/pdf',
        `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent('فاکتور.pdf')}`,
        'Content-Transfer-Encoding: base64',
        '',
        pdf.toString('base64'),
        '--mix--',
        '',
      ]),
    )
    expect(mail.text).toBe('See attached.')
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['screen.png', 'image/png', png.length],
      ['فاکتور.pdf', 'application/pdf', pdf.length],
    ])
    expect(mail.attachments[0].content.equals(png)).toBe(true)
    expect(mail.attachments[1].content.equals(pdf)).toBe(true)
  })

  it('Message-ID, In-Reply-To and References lose their brackets; References keeps order across folded lines', async () => {
    const mail = await parseInboundMail(
      crlf([
        'From: ali@example.com',
        'To: support@acme.test',
        'Message-ID:   <new-3@mail.example.com>  ',
        "In-Reply-To: <ticket-1@acme.test> (Sara's message)",
        'References: <first-1@acme.test>',
        '  <second-2@mail.example.com>',
        '\t<ticket-1@acme.test> <first-1@acme.test>',
        'Subject: Re: x',
        '',
        'ok',
      ]),
    )
    expect(mail.messageId).toBe('new-3@mail.example.com')
    expect(mail.inReplyTo).toBe('ticket-1@acme.test')
    expect(mail.references).toEqual(['first-1@acme.test', 'second-2@mail.example.com', 'ticket-1@acme.test'])
  })

  it('recipients: To, Cc (groups too) and the envelope, lower-cased and deduplicated; envelope sender as Return-Path', async () => {
    const mail = await parseInboundMail(
      crlf([
        'From: ali@example.com',
        'To: Support <Support@Acme.test>, "Other" <other@example.com>',
        'Cc: team: a@example.com, B@Example.com;, support@acme.test',
        'Subject: x',
        '',
        'hi',
      ]),
      { from: 'bounce-123@example.com', to: ['SUPPORT+abc@acme.test', 'support@acme.test', 'hidden-bcc@acme.test'] },
    )
    expect(mail.to).toEqual([
      'support@acme.test',
      'other@example.com',
      'a@example.com',
      'b@example.com',
      'support+abc@acme.test',
      'hidden-bcc@acme.test',
    ])
    expect(mail.headers['return-path']).toBe('<bounce-123@example.com>')
  })

  it('keeps the loop headers by lower-case name, unfolded; a Return-Path in the mail wins over the envelope', async () => {
    const mail = await parseInboundMail(
      crlf([
        'Return-Path: <>',
        'From: ali@example.com',
        'To: support@acme.test',
        'Auto-Submitted: auto-replied',
        'Precedence: bulk',
        'List-Id: Customers',
        '  <customers.example.com>',
        'X-Unrelated: 1',
        '',
        'hi',
      ]),
      { from: 'ali@example.com' },
    )
    expect(mail.headers).toEqual({
      'return-path': '<>',
      'auto-submitted': 'auto-replied',
      precedence: 'bulk',
      'list-id': 'Customers <customers.example.com>',
    })
  })

  it('a garbage buffer is not a mail: AppError validation, status 400', async () => {
    for (const raw of [Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x41]), Buffer.alloc(0), crlf(['From: Sara', 'To: a@b.c', '', 'x'])]) {
      const error = await parseInboundMail(raw).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(AppError)
      expect((error as AppError).type).toBe('validation')
      expect((error as AppError).status).toBe(400)
    }
  })
})

describe('htmlToText', () => {
  it('quotes <blockquote> content with "> " so the quote can be stripped, nested quotes doubly', () => {
    const html =
      '<div dir="rtl">ممنون، حل شد.</div><div class="gmail_quote"><blockquote><p>Is it &lt;fixed&gt;?</p>' +
      '<blockquote>Original<br>question</blockquote></blockquote></div>'
    expect(htmlToText(html)).toBe('ممنون، حل شد.\n\n> Is it <fixed>?\n>\n> > Original\n> > question')
    expect(stripQuotedReply(htmlToText(html))).toBe('ممنون، حل شد.')
  })

  it('quotes at most 20 levels deep; deeper nesting still loses its tags', () => {
    const html = 'top' + '<blockquote>'.repeat(30) + 'deep' + '</blockquote>'.repeat(30)
    const text = htmlToText(html)
    expect(text.split('\n')[0]).toBe('top')
    expect(text).not.toContain('<')
    expect(text.split('\n').at(-1)).toBe('> '.repeat(20) + 'deep')
  })

  it('survives an unclosed blockquote and keeps zero-width non-joiners Persian needs', () => {
    expect(htmlToText('<blockquote>میخواهم&zwnj;ها <b>x</b>')).toBe('میخواهم\u200cها x')
  })
})

describe('stripQuotedReply', () => {
  it('English Gmail style: drops the attribution line (even wrapped) and the quote after it', () => {
    const text = [
      'Thanks, that fixed it.',
      '',
      'Sara',
      '',
      'On Mon, Jan 1, 2024 at 10:00 AM Acme Support <',
      'support@acme.test> wrote:',
      '',
      '> Please restart the app.',
      '>',
      '> Acme',
    ].join('\r\n')
    expect(stripQuotedReply(text)).toBe('Thanks, that fixed it.\n\nSara')
  })

  it("Outlook's -----Original Message----- and its From:/Sent: header block", () => {
    const separator = ['Works now.', '', '-----Original Message-----', 'From: Acme <support@acme.test>', 'Sent: Monday', 'old text'].join(
      '\n',
    )
    expect(stripQuotedReply(separator)).toBe('Works now.')
    const block = [
      'Works now.',
      '',
      '________________________________',
      'From: Acme Support <support@acme.test>',
      'Sent: Monday, January 1, 2024 10:00 AM',
      'To: Sara',
      'Subject: RE: order',
      '',
      'old text',
    ].join('\n')
    expect(stripQuotedReply(block)).toBe('Works now.')
    const noRule = ['Works now.', '', 'From: Acme Support <support@acme.test>', 'Date: Monday', 'old text'].join('\n')
    expect(stripQuotedReply(noRule)).toBe('Works now.')
  })

  it("Persian Gmail: 'در تاریخ … نوشت:' with direction marks", () => {
    const text = [
      'ممنون، مشکل حل شد.',
      '',
      '\u202bدر تاریخ دوشنبه ۱ ژانویه ۲۰۲۴ ساعت ۱۰:۰۰ پشتیبانی <support@acme.test> نوشت:\u202c',
      '',
      '> لطفاً برنامه را دوباره باز کنید.',
    ].join('\n')
    expect(stripQuotedReply(text)).toBe('ممنون، مشکل حل شد.')
  })

  it("'>' lines are dropped wherever they are, the answers between them kept", () => {
    const text = ['> Which version?', '2.1', '', '  > And the phone?', 'Pixel 8'].join('\n')
    expect(stripQuotedReply(text)).toBe('2.1\n\nPixel 8')
  })

  it('a mail with no quote is left unchanged', () => {
    const text = 'Hello,\n\nOn Monday my order did not arrive; the courier wrote nothing.\nPlease check.\n\n-- \nSara'
    expect(stripQuotedReply(text)).toBe(text)
  })

  it('a "From:/Date:" pair that is not a mail header (a booking pasted in) is not taken for a quote', () => {
    const text = 'My ticket:\nFrom: Tehran\nTo: Mashhad\nDate: 2024-05-01\nPlease change it.'
    expect(stripQuotedReply(text)).toBe(text)
  })

  it('a mail that is nothing but quote keeps its text rather than becoming empty', () => {
    expect(stripQuotedReply('> only a quote\n> here')).toBe('> only a quote\n> here')
  })
})
