// One shape for a received mail, whichever way it came in (our SMTP listener, SendGrid Inbound Parse):
// mailparser does the MIME and charset work; this file normalises what the ticket code matches on
// (addresses lower-cased, Message-IDs without brackets) and turns HTML-only bodies into text.
import { simpleParser, type AddressObject, type EmailAddress, type HeaderLines, type ParsedMail } from 'mailparser'
import { AppError } from '../../../core/http/errors'

export interface InboundAttachment {
  filename: string
  contentType: string
  content: Buffer
  size: number
}

export interface InboundMail {
  /** The first From mailbox; the address lower-cased. */
  from: { address: string; name: string | null }
  /** To, Cc and the SMTP envelope recipients when known: lower-cased, deduplicated, in that order. */
  to: string[]
  /** '' when none; reply prefixes ('Re:', 'پاسخ:') kept as sent. */
  subject: string
  /** Plain text body; converted from the HTML part when there is no meaningful text part. */
  text: string
  /** Without angle brackets. */
  messageId: string | null
  /** Without angle brackets. */
  inReplyTo: string | null
  /** Without angle brackets, oldest first (as the header lists them). */
  references: string[]
  /** The few headers loop detection reads (LOOP_HEADERS), by lower-case name: first occurrence, unfolded. */
  headers: Record<string, string>
  attachments: InboundAttachment[]
  date: Date | null
}

/** Headers kept in InboundMail.headers: what loops.ts (and the ticket code) look at. */
export const LOOP_HEADERS = [
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'x-auto-response-suppress',
  'list-id',
  'list-unsubscribe',
  'return-path',
  'x-caravan-ticket',
] as const

export interface SmtpEnvelope {
  /** MAIL FROM; '' is the null sender of bounces and auto-replies. */
  from?: string
  /** RCPT TO addresses. */
  to?: string[]
}

/**
 * Parses raw RFC 5322 bytes (any charset, MIME, base64/quoted-printable) with mailparser's simpleParser.
 * The envelope adds its recipients to `to`, and its sender becomes the Return-Path when the mail carries
 * none (the delivering MTA writes Return-Path from MAIL FROM; mail straight off our listener has none yet).
 * Throws AppError('validation') for something that is not a mail (no From address).
 */
export async function parseInboundMail(raw: Buffer, envelope?: SmtpEnvelope): Promise<InboundMail> {
  const mail = await readInboundMail(raw, envelope)
  if (!mail.from) throw new AppError('validation', 'Not a mail: it has no From address')
  return { ...mail, from: mail.from }
}

/** parseInboundMail without the From check: for a header block that comes apart from its sender (SendGrid's split fields). */
export async function readInboundMail(
  raw: Buffer,
  envelope?: SmtpEnvelope,
): Promise<Omit<InboundMail, 'from'> & { from: InboundMail['from'] | null }> {
  let parsed: ParsedMail
  try {
    // No HTML→text by mailparser (ours is quote-aware) and no data: URLs spliced into the HTML.
    parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, keepCidLinks: true })
  } catch (error) {
    throw new AppError('validation', `Not a readable mail: ${(error as Error).message}`)
  }

  const headers = pickHeaders(parsed.headerLines)
  if (headers['return-path'] === undefined && envelope?.from !== undefined) headers['return-path'] = `<${envelope.from}>`

  const html = typeof parsed.html === 'string' ? parsed.html : ''
  const plain = (parsed.text ?? '').trim()
  const dateHeader = headerValue(parsed.headerLines, 'date')
  const date = dateHeader === undefined ? null : new Date(dateHeader)

  return {
    from: firstMailbox(parsed.from),
    to: uniqueAddresses([...mailboxes(parsed.to), ...mailboxes(parsed.cc), ...(envelope?.to ?? [])]),
    subject: parsed.subject ?? '',
    text: plain ? plain : html ? htmlToText(html) : '',
    messageId: firstMessageId(headerValue(parsed.headerLines, 'message-id')),
    inReplyTo: firstMessageId(headerValue(parsed.headerLines, 'in-reply-to')),
    references: messageIds(headerValue(parsed.headerLines, 'references', true)),
    headers,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename || fallbackFilename(a.contentType),
      contentType: a.contentType,
      content: a.content,
      size: a.size ?? a.content.length,
    })),
    date: date && !Number.isNaN(date.getTime()) ? date : null,
  }
}

// ---- addresses -------------------------------------------------------------------------------

function flatten(list: EmailAddress[]): EmailAddress[] {
  return list.flatMap((entry) => (entry.group ? flatten(entry.group) : [entry]))
}

function mailboxes(header: AddressObject | AddressObject[] | undefined): string[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header]
  return objects.flatMap((o) => flatten(o.value)).flatMap((m) => (m.address ? [m.address] : []))
}

/** The first mailbox with an address in an address header, the address lower-cased. */
export function firstMailbox(header: AddressObject | undefined): InboundMail['from'] | null {
  const mailbox = header ? flatten(header.value).find((m) => m.address?.includes('@')) : undefined
  if (!mailbox?.address) return null
  return { address: mailbox.address.toLowerCase(), name: mailbox.name.trim() || null }
}

/** Lower-cased, without angle brackets, first occurrence kept. */
export function uniqueAddresses(addresses: string[]): string[] {
  const seen = new Set<string>()
  for (const address of addresses) {
    const clean = address
      .trim()
      .replace(/^<(.*)>$/, '$1')
      .toLowerCase()
    if (clean.includes('@')) seen.add(clean)
  }
  return [...seen]
}

// ---- headers ---------------------------------------------------------------------------------

/** A header's unfolded value from the raw lines: the first occurrence, or all of them joined with a space. */
function headerValue(lines: HeaderLines, name: string, all = false): string | undefined {
  const values = lines.filter((l) => l.key === name).map((l) => unfold(l.line.slice(l.line.indexOf(':') + 1)))
  if (!values.length) return undefined
  return all ? values.join(' ') : values[0]
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim()
}

function pickHeaders(lines: HeaderLines): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of LOOP_HEADERS) {
    const value = headerValue(lines, name)
    if (value !== undefined) out[name] = value
  }
  return out
}

/** Every <id> in a Message-ID list header, brackets dropped; a bare id (broken mailers) when there are no brackets. */
export function messageIds(value: string | undefined | null): string[] {
  if (!value) return []
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1])
  const ids = bracketed.length ? bracketed : value.split(/[\s,]+/).filter((id) => id.includes('@'))
  return [...new Set(ids)]
}

function firstMessageId(value: string | undefined): string | null {
  return messageIds(value)[0] ?? null
}

function fallbackFilename(contentType: string): string {
  const subtype = contentType.split('/')[1]?.split(/[;+]/)[0]
  return subtype ? `attachment.${subtype}` : 'attachment'
}

// ---- HTML to text ----------------------------------------------------------------------------

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  zwnj: '\u200c',
  zwj: '\u200d',
  lrm: '\u200e',
  rlm: '\u200f',
  shy: '',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  times: '×',
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity
  })
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const MAX_QUOTE_DEPTH = 20
const BLOCK_TAGS = 'p|div|li|tr|h[1-6]|table|ul|ol|section|article|header|footer|pre|address|dl|dt|dd'

/**
 * Readable text from a mail's HTML: scripts and styles dropped, block ends and <br> as line breaks, tags
 * stripped, entities decoded, runs of blank lines collapsed. <blockquote> content comes out '> '-prefixed,
 * like a plain-text client would quote it, so stripQuotedReply removes it too.
 */
export function htmlToText(html: string): string {
  let source = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(head|script|style|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
  // Innermost blockquotes first; their text goes back in escaped, with <br>, so the outer pass keeps it as is.
  const innermost = /<blockquote\b[^>]*>((?:(?!<blockquote\b)[\s\S])*?)<\/blockquote\s*>/gi
  for (let depth = 0; depth < MAX_QUOTE_DEPTH; depth++) {
    const next = source.replace(innermost, (_, inner: string) => {
      const quoted = inlineToText(inner)
        .split('\n')
        .map((line) => escapeHtml(line ? `> ${line}` : '>'))
      return `<div>${quoted.join('<br>')}</div>`
    })
    // Each pass removes one level; an unclosed <blockquote>, or one nested deeper than the cap, is left to the
    // final pass as an ordinary tag (the cap keeps a hostile mail from costing a pass per level).
    if (next === source) break
    source = next
  }
  return inlineToText(source)
}

function inlineToText(html: string): string {
  const text = html
    .replace(/\s+/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(new RegExp(`<\\/?(?:${BLOCK_TAGS})\\b[^>]*>`, 'gi'), '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

// ---- quoted replies --------------------------------------------------------------------------

// An attribution line opens the quoted previous message; it may wrap, so up to three lines are joined.
const ATTRIBUTIONS: RegExp[] = [
  /^On\b.{0,300}\bwrote:$/is, // Gmail, Apple Mail, Thunderbird: "On Mon, 1 Jan 2024 at 10:00, Sara <sara@x> wrote:"
  /^در تاریخ.{0,300}نوشت\s*:$/s, // Gmail in Persian: "در تاریخ دوشنبه … Sara <sara@x> نوشت:"
  /^Le\b.{0,300}\ba écrit\s*:$/is, // French clients, common enough to cost one line
  /^Am\b.{0,300}\bschrieb.{0,80}:$/is, // German clients
]
// A separator line that on its own starts the quoted message.
const SEPARATORS: RegExp[] = [
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|پیام اصلی)\s*-{2,}$/i, // Outlook, older clients
  /^-{2,}\s*Reply above this line\s*-{2,}$/i, // our own reply marker, should a template add one
]
// Outlook's header block: "From: …" then "Sent: …" within the next lines (with or without its ____ rule). A
// "Date:" line counts only after a From line with an address, so "From: Tehran / Date: …" in a booking stays.
const OUTLOOK_FROM = /^\*?(From|از|Von|De)\s*:\*?\s*\S/i
const OUTLOOK_SENT = /^\*?(Sent|ارسال شده|Gesendet|Envoyé)\s*:\*?\s*\S/i
const OUTLOOK_DATE = /^\*?(Date|تاریخ|Datum)\s*:\*?\s*\S/i
const OUTLOOK_RULE = /^_{10,}$/
// Invisible direction marks Persian clients put around lines.
const MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

function quoteStart(lines: string[]): number {
  const clean = lines.map((line) => line.replace(MARKS, '').trim())
  for (let i = 0; i < clean.length; i++) {
    const line = clean[i]
    if (SEPARATORS.some((re) => re.test(line))) return i
    if (OUTLOOK_RULE.test(line) && OUTLOOK_FROM.test(clean[i + 1] ?? '')) return i
    if (OUTLOOK_FROM.test(line)) {
      const sentLine = line.includes('@')
        ? (next: string) => OUTLOOK_SENT.test(next) || OUTLOOK_DATE.test(next)
        : (next: string) => OUTLOOK_SENT.test(next)
      if (clean.slice(i + 1, i + 4).some(sentLine)) return i
    }
    for (let span = 1; span <= 3 && i + span <= clean.length; span++) {
      const joined = clean.slice(i, i + span).join(' ')
      if (ATTRIBUTIONS.some((re) => re.test(joined))) return i
    }
  }
  return -1
}

/**
 * The new text of a reply: everything from an attribution line ('On … wrote:', 'در تاریخ … نوشت:') or a
 * separator ('-----Original Message-----', Outlook's From:/Sent: block) on is dropped, and so is every line
 * that starts with '>'. Whitespace-trimmed; line ends become '\n'. When nothing would be left (a mail that is
 * all quote), the whole text is kept rather than losing what was sent.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const start = quoteStart(lines)
  const kept = (start === -1 ? lines : lines.slice(0, start)).filter((line) => !/^\s*>/.test(line))
  const result = kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return result || text.replace(/\r\n?/g, '\n').trim()
}
