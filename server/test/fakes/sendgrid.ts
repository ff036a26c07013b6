// A fake SendGrid v3 Mail Send API on loopback (node:http, random port). It checks what the real
// one checks (Bearer key, JSON content type, required fields, verified sender, payload size) and
// answers with SendGrid's status codes and {errors:[{message, field, help}]} bodies. GET
// /v3/scopes lists the key's permissions, as SendGrid answers any valid key. It also holds
// an ECDSA P-256 key pair to sign Event Webhook requests exactly as SendGrid's Signed Event
// Webhook does, so tests can post events that a real verifier accepts.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface SendGridError {
  message: string
  field: string | null
  help: null
}

export interface AcceptedMail {
  messageId: string
  body: MailSendBody
  headers: IncomingMessage['headers']
}

/** The parts of the v3 mail/send body the fake reads. */
export interface MailSendBody {
  personalizations: { to: { email: string; name?: string }[]; subject?: string; custom_args?: Record<string, string> }[]
  from: { email: string; name?: string }
  subject?: string
  content: { type: string; value: string }[]
  headers?: Record<string, string>
  custom_args?: Record<string, string>
  template_id?: string
}

export interface FakeSendGridOptions {
  apiKey: string
  /** When set, a from address outside this list gets SendGrid's 403 "verified Sender Identity". */
  verifiedSenders?: string[]
  /** Request body limit; the real one is 30 MB. */
  maxBodyBytes?: number
  /** Think time before answering: the message is accepted even if the caller is gone by then. */
  latencyMs?: number
  /** What GET /v3/scopes answers for the key; a full-access key by default. */
  scopes?: string[]
}

export type Failure = { status: 429; resetInSeconds?: number; retryAfter?: string } | { status: 500 | 502 | 503 } | { hang: true }

export interface FakeSendGrid {
  baseUrl: string
  /** Messages answered 202, in order. */
  accepted: AcceptedMail[]
  /** Every request that reached the server, answered or not. */
  requestCount(): number
  /** The API key (Bearer value) of every request, in order, right or wrong. */
  keysSeen: string[]
  /** The next `count` requests get this failure instead of normal handling. */
  failNext(count: number, failure: Failure): void
  /** The Signed Event Webhook verification key, as SendGrid's settings page shows it: base64 DER SPKI. */
  publicKey: string
  /** Event Webhook objects for an accepted message, with its custom_args echoed as SendGrid does. */
  eventsFor(mail: AcceptedMail, kinds: EventKind[], extra?: Record<string, unknown>): Record<string, unknown>[]
  /** Headers and raw body of a signed Event Webhook POST (lower-case header names). */
  signedWebhook(events: unknown[], options?: { timestamp?: number }): { headers: Record<string, string>; rawBody: Buffer }
  /** POSTs signed events to a Caravan webhook URL, as SendGrid's delivery agent would. */
  postSignedEvents(url: string, events: unknown[], options?: { timestamp?: number }): Promise<Response>
  close(): Promise<void>
}

export type EventKind = 'processed' | 'deferred' | 'delivered' | 'open' | 'click' | 'bounce' | 'dropped' | 'spamreport' | 'unsubscribe'

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/
// A few of the scopes a full-access key lists (the real list has hundreds).
const FULL_ACCESS_SCOPES = ['alerts.read', 'api_keys.read', 'mail.batch.read', 'mail.send', 'stats.read', 'user.profile.read']

export async function startFakeSendGrid(options: FakeSendGridOptions): Promise<FakeSendGrid> {
  const accepted: AcceptedMail[] = []
  const keysSeen: string[] = []
  const failures: Failure[] = []
  const sockets = new Set<Socket>()
  let requests = 0
  const maxBodyBytes = options.maxBodyBytes ?? 30 * 1024 * 1024
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })

  const server = createServer((request, response) => {
    requests++
    const bearer = /^Bearer (.*)$/.exec(request.headers.authorization ?? '')?.[1]
    if (bearer !== undefined) keysSeen.push(bearer)
    const failure = failures.shift()
    if (failure && 'hang' in failure) return // never answer: the client's timeout must fire
    readBody(request, maxBodyBytes).then(
      (body) => {
        if (failure) return answerFailure(response, failure)
        if (options.latencyMs) setTimeout(() => handleMailSend(request, body, response), options.latencyMs)
        else handleMailSend(request, body, response)
      },
      () => reply(response, 413, [{ message: 'Payload Too Large', field: null, help: null }]),
    )
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  function handleMailSend(request: IncomingMessage, raw: Buffer, response: ServerResponse) {
    const isScopes = request.method === 'GET' && request.url === '/v3/scopes'
    if (!isScopes && (request.method !== 'POST' || request.url !== '/v3/mail/send')) {
      return reply(response, 404, [{ message: 'resource not found', field: null, help: null }])
    }
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return reply(response, 401, [
        { message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null },
      ])
    }
    if (isScopes) {
      response.writeHead(200, { 'content-type': 'application/json', ...rateLimitHeaders(599) })
      return response.end(JSON.stringify({ scopes: options.scopes ?? FULL_ACCESS_SCOPES }))
    }
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      return reply(response, 415, [{ message: 'Content-Type should be application/json.', field: null, help: null }])
    }
    let body: unknown
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return reply(response, 400, [{ message: 'Bad Request', field: null, help: null }])
    }
    const errors = validate(body)
    if (errors.length) return reply(response, 400, errors)
    const mail = body as MailSendBody
    if (options.verifiedSenders && !options.verifiedSenders.includes(mail.from.email)) {
      return reply(response, 403, [
        {
          message:
            'The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements',
          field: 'from',
          help: null,
        },
      ])
    }
    const messageId = randomBytes(16).toString('base64url').slice(0, 22)
    accepted.push({ messageId, body: mail, headers: request.headers })
    response.writeHead(202, { 'x-message-id': messageId, ...rateLimitHeaders(599) })
    response.end()
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })

  function signedWebhook(events: unknown[], signOptions: { timestamp?: number } = {}) {
    const rawBody = Buffer.from(JSON.stringify(events), 'utf8')
    const timestamp = String(signOptions.timestamp ?? Math.floor(Date.now() / 1000))
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]), { key: keys.privateKey, dsaEncoding: 'der' })
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'SendGrid Event API',
        'x-twilio-email-event-webhook-signature': signature.toString('base64'),
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
    }
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accepted,
    requestCount: () => requests,
    keysSeen,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure)
    },
    publicKey: spkiBase64(keys.publicKey),
    eventsFor: (mail, kinds, extra = {}) => kinds.map((kind) => sendGridEvent(mail, kind, extra)),
    signedWebhook,
    postSignedEvents(url, events, signOptions) {
      const { headers, rawBody } = signedWebhook(events, signOptions)
      return fetch(url, { method: 'POST', headers, body: rawBody })
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function spkiBase64(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64')
}

// The required-field checks of POST /v3/mail/send, with SendGrid's messages and field paths.
// All failures are reported together, as SendGrid does.
function validate(input: unknown): SendGridError[] {
  const errors: SendGridError[] = []
  const add = (field: string, message: string) => errors.push({ message, field, help: null })
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    add('', 'Bad Request')
    return errors
  }
  const body = input as Record<string, any>
  const hasTemplate = typeof body.template_id === 'string' && body.template_id.length > 0

  if (!Array.isArray(body.personalizations) || body.personalizations.length === 0) {
    add('personalizations', 'The personalizations field is required and must have at least one personalization.')
  } else {
    body.personalizations.forEach((p: any, i: number) => {
      if (!p || !Array.isArray(p.to) || p.to.length === 0) {
        add(
          `personalizations.${i}.to`,
          'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        )
        return
      }
      p.to.forEach((to: any, j: number) => {
        if (!to || typeof to.email !== 'string' || !EMAIL.test(to.email))
          add(`personalizations.${i}.to.${j}.email`, 'Does not contain a valid address.')
      })
    })
  }

  if (!body.from || typeof body.from !== 'object' || typeof body.from.email !== 'string' || !body.from.email) {
    add(
      'from.email',
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
    )
  } else if (!EMAIL.test(body.from.email)) {
    add('from.email', 'The from email does not contain a valid address.')
  }

  const everyPersonalizationHasSubject =
    Array.isArray(body.personalizations) &&
    body.personalizations.length > 0 &&
    body.personalizations.every((p: any) => typeof p?.subject === 'string' && p.subject.length > 0)
  if (!(typeof body.subject === 'string' && body.subject.length > 0) && !everyPersonalizationHasSubject && !hasTemplate) {
    add(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
    )
  }

  if (!Array.isArray(body.content) || body.content.length === 0) {
    if (!hasTemplate) {
      add(
        'content',
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      )
    }
  } else {
    body.content.forEach((c: any, i: number) => {
      if (typeof c?.type !== 'string' || c.type.length === 0)
        add(`content.${i}.type`, 'The content type must be a string at least one character in length.')
      if (typeof c?.value !== 'string' || c.value.length === 0)
        add(`content.${i}.value`, 'The content value must be a string at least one character in length.')
    })
    const types = body.content.map((c: any) => c?.type)
    const plain = types.indexOf('text/plain')
    const html = types.indexOf('text/html')
    if (plain > 0 || (html >= 0 && html !== (plain === 0 ? 1 : 0))) {
      add('content', 'If present, text/plain must be first, followed by text/html, followed by any other content.')
    }
  }
  return errors
}

function answerFailure(response: ServerResponse, failure: Exclude<Failure, { hang: true }>) {
  if (failure.status === 429) {
    const headers: Record<string, string> = rateLimitHeaders(0, failure.resetInSeconds ?? 60)
    if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter
    return reply(response, 429, [{ message: 'too many requests', field: null, help: null }], headers)
  }
  reply(response, failure.status, [{ message: 'Internal server error', field: null, help: null }])
}

function rateLimitHeaders(remaining: number, resetInSeconds = 60): Record<string, string> {
  return {
    'x-ratelimit-limit': '600',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds),
  }
}

function reply(response: ServerResponse, status: number, errors: SendGridError[], headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify({ errors }))
}

// Reads the whole body even past the limit (and then refuses it), so the client is never cut off
// mid-upload and always gets to read the 413.
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    request.on('end', () => (size > limit ? reject(new Error('too large')) : resolve(Buffer.concat(chunks))))
    request.on('error', reject)
  })
}

// One Event Webhook object as SendGrid posts it: custom_args of the personalization appear as
// top-level keys, and sg_message_id is the X-Message-Id plus a filter suffix.
function sendGridEvent(mail: AcceptedMail, kind: EventKind, extra: Record<string, unknown>): Record<string, unknown> {
  const personalization = mail.body.personalizations[0]
  const event: Record<string, unknown> = {
    email: personalization.to[0].email,
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': `<${mail.messageId}@geopod-ismtpd-1>`,
    event: kind,
    sg_event_id: randomBytes(16).toString('base64url'),
    sg_message_id: `${mail.messageId}.recvd-5f54b5d587-pncr9-1-62F3F31B-1E.0`,
    ...mail.body.custom_args,
    ...personalization.custom_args,
  }
  if (kind === 'bounce')
    Object.assign(event, {
      type: 'bounce',
      status: '5.1.1',
      reason: '550 5.1.1 The email account that you tried to reach does not exist.',
      bounce_classification: 'Invalid Address',
    })
  if (kind === 'dropped') Object.assign(event, { reason: 'Bounced Address', status: '5.0.0' })
  if (kind === 'deferred') Object.assign(event, { response: '451 4.7.1 Greylisted, try again later', attempt: '1' })
  if (kind === 'delivered') Object.assign(event, { response: '250 2.0.0 OK', ip: '168.245.1.1', tls: 1 })
  if (kind === 'open') Object.assign(event, { useragent: 'Mozilla/5.0', ip: '203.0.113.7', sg_machine_open: false })
  return { ...event, ...extra }
}
