// SendGrid Inbound Parse: SendGrid receives the mail on its MX and POSTs it to us as multipart/form-data.
// - With "POST the raw, full MIME message" (send_raw) the form has `email` (the raw MIME), `envelope`
//   (JSON: {"to":[…],"from":"…"}), `to`, `from`, `subject`, `charsets`, `dkim`, `SPF`, `sender_ip`, spam fields.
// - Without it: `headers` (the raw header block), `text`, `html`, `from`, `to`, `cc`, `subject`, `envelope`,
//   `charsets` (JSON: the charset of each field), `attachments` (a count), `attachment-info` (JSON), and one
//   file part per attachment, attachment1…attachmentN.
// Signed requests: a webhook security policy with signature verification attached to the Parse setting makes
// SendGrid sign like its Event Webhook: ECDSA P-256 / SHA-256 over the timestamp followed by the raw request
// body, base64 DER signature in X-Twilio-Email-Event-Webhook-Signature, Unix seconds in
// X-Twilio-Email-Event-Webhook-Timestamp; the policy's public key is a base64 DER (SPKI) string.
// https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/securing-your-parse-webhooks
import { Busboy } from '@fastify/busboy'
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { parseAddressHeader } from 'mailparser'
import { AppError } from '../../../core/http/errors'
import {
  firstMailbox,
  htmlToText,
  parseInboundMail,
  readInboundMail,
  uniqueAddresses,
  type InboundAttachment,
  type InboundMail,
} from './inbound-mail'

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature'
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp'

let cachedKey: { text: string; key: KeyObject } | undefined

/**
 * The verification key from the security policy's `public_key` (bare base64 DER, as the API returns it)
 * or from a PEM. Throws on something that is not an EC public key: call it at startup to fail early.
 */
export function sendgridPublicKey(text: string): KeyObject {
  if (cachedKey?.text === text) return cachedKey.key
  const trimmed = text.trim()
  const key = trimmed.includes('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' })
  if (key.asymmetricKeyType !== 'ec') throw new Error(`SendGrid verification key must be an EC key, not ${key.asymmetricKeyType}`)
  cachedKey = { text, key }
  return key
}

/**
 * True when `signature` is SendGrid's signature of timestamp + rawBody and the timestamp is within
 * toleranceSeconds of `now` (either way: a replayed old request is refused). False for missing headers.
 * A key that cannot be read throws (a configuration error, not a bad request).
 */
export function verifySendgridSignature(
  publicKeyPem: string,
  rawBody: Buffer,
  signature: string | undefined,
  timestamp: string | undefined,
  now: Date = new Date(),
  toleranceSeconds = 300,
): boolean {
  const key = sendgridPublicKey(publicKeyPem)
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false
  try {
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody])
    return verify('sha256', signed, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'))
  } catch {
    return false
  }
}

export interface MultipartForm {
  /** Text fields, each decoded with its charset from SendGrid's `charsets` field (UTF-8 otherwise). */
  fields: Record<string, string>
  /** File parts (attachments); parts without a filename are fields. */
  files: InboundAttachment[]
  /** The `email` field's exact bytes: raw MIME may be 8-bit in any charset, which no string decoding keeps. */
  email?: Buffer
}

/**
 * Reads a multipart/form-data (or urlencoded) body with @fastify/busboy. The webhook needs the raw body for
 * the signature anyway, so this parses that same buffer rather than the request stream.
 */
export async function parseMultipartForm(rawBody: Buffer, contentType: string): Promise<MultipartForm> {
  const bytes = new Map<string, Buffer>()
  const files: InboundAttachment[] = []
  await new Promise<void>((resolve, reject) => {
    let busboy: InstanceType<typeof Busboy>
    try {
      busboy = new Busboy({
        headers: { 'content-type': contentType },
        // Every multipart part as a stream, so field bytes arrive undecoded and `charsets` can decode them.
        isPartAFile: () => true,
        // latin1 is byte-for-byte: urlencoded field values come back as their bytes too.
        defCharset: 'latin1',
        limits: { fieldSize: rawBody.length + 1 },
      })
    } catch (error) {
      return reject(new AppError('unsupported_media_type', (error as Error).message))
    }
    busboy.on('field', (name, value) => bytes.set(name, Buffer.from(value, 'latin1')))
    busboy.on('file', (name, stream, filename, _encoding, mimeType) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const content = Buffer.concat(chunks)
        if (filename === undefined) bytes.set(name, content)
        else files.push({ filename: filename || name, contentType: mimeType || 'application/octet-stream', content, size: content.length })
      })
    })
    busboy.on('finish', () => resolve())
    busboy.on('error', (error) => reject(new AppError('bad_request', `Unreadable form: ${(error as Error).message}`)))
    busboy.end(rawBody)
  })

  const charsets = parseJson(bytes.get('charsets')?.toString('utf8'))
  // No prototype: a part named "__proto__" or "constructor" is just a field.
  const fields = Object.create(null) as Record<string, string>
  for (const [name, value] of bytes) {
    const charset = charsets && typeof charsets[name] === 'string' ? (charsets[name] as string) : 'utf-8'
    fields[name] = decode(value, charset)
  }
  return { fields, files, email: bytes.get('email') }
}

function decode(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes)
  } catch {
    // An unknown label: UTF-8 is what almost everything is now.
    return bytes.toString('utf8')
  }
}

function parseJson(text: string | undefined): Record<string, unknown> | null {
  if (!text) return null
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function parseEnvelope(text: string | undefined): { from?: string; to?: string[] } | undefined {
  const json = parseJson(text)
  if (!json) return undefined
  const to = Array.isArray(json.to)
    ? json.to.filter((a): a is string => typeof a === 'string')
    : typeof json.to === 'string'
      ? [json.to]
      : undefined
  return { from: typeof json.from === 'string' ? json.from : undefined, to }
}

/**
 * One InboundMail from an Inbound Parse form. The raw `email` (rawEmail: its exact bytes, from
 * parseMultipartForm; else the string field) goes through parseInboundMail. Without it the mail is put
 * together from the split fields: threading and loop headers from the `headers` block, From/To/Cc/Subject
 * from their fields (decoded by SendGrid) or else from the headers, the body from `text` (or `html`),
 * attachments from the file parts. The JSON `envelope` adds its recipients and its sender as Return-Path.
 */
export async function sendgridFormToMail(
  fields: Record<string, string>,
  files: InboundAttachment[],
  rawEmail?: Buffer,
): Promise<InboundMail> {
  const envelope = parseEnvelope(fields.envelope)
  const raw = rawEmail?.length ? rawEmail : fields.email ? Buffer.from(fields.email, 'utf8') : undefined
  if (raw) return parseInboundMail(raw, envelope)

  // The header block alone is a mail without a body: mailparser decodes it the same way.
  const block = (fields.headers ?? '').replace(/\r?\n/g, '\r\n').replace(/^(\r\n)+|(\r\n)+$/g, '')
  const head = await readInboundMail(Buffer.from(`${block}\r\n\r\n`, 'utf8'), envelope)

  const from = (fields.from && firstMailbox(parseAddressHeader(fields.from))) || head.from
  if (!from) throw new AppError('validation', 'Not a mail: it has no From address')
  const listed = [fields.to, fields.cc].filter((v): v is string => !!v).flatMap((v) => addresses(v))
  const text = fields.text?.trim() ? fields.text.trim() : fields.html ? htmlToText(fields.html) : ''

  return {
    ...head,
    from,
    to: uniqueAddresses([...listed, ...head.to]),
    subject: fields.subject ?? head.subject,
    text,
    attachments: files,
  }
}

function addresses(header: string): string[] {
  const flat = parseAddressHeader(header, { flatten: true })
  return flat.value.flatMap((m) => (m.address ? [m.address] : []))
}
