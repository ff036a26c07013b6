// A loopback fake of Twilio's Messages API (2010-04-01): checks what the real service checks
// (Basic auth, form fields, E.164 'To') and answers with its JSON shapes, including errors.
// GET /2010-04-01/Accounts/{Sid}.json answers the Account resource (which, as Twilio's does,
// carries the auth token: a client must not echo it).
// It can also play Twilio's side of status callbacks, signed like Twilio signs them.
import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { smsSegments } from '../../src/modules/notifications/sms-segments'
import { readBody } from './read-body'

export interface FakeTwilioOptions {
  accountSid: string
  authToken: string
}

export interface FakeTwilioMessage {
  sid: string
  to: string
  from?: string
  messagingServiceSid?: string
  body: string
  statusCallback?: string
}

export interface SignedCallback {
  url: string
  headers: Record<string, string>
  rawBody: Buffer
}

export interface FakeTwilio {
  /** Base URL to give the provider as baseUrl. */
  url: string
  /** Messages Twilio accepted, in order. */
  messages: FakeTwilioMessage[]
  /** Numbers Twilio refuses, with the error code it answers (21211 invalid, 21610 unsubscribed, 21614 not mobile …). */
  rejectNumbers: Map<string, number>
  /** The account as the Account resource shows it; tests suspend it. */
  account: { status: 'active' | 'suspended' | 'closed'; type: 'Trial' | 'Full' }
  /** The next `count` requests fail with this HTTP status (429 → code 20429, 5xx → 20500), optionally with Retry-After. */
  failNext(count: number, status: 429 | 500 | 503, retryAfter?: string): void
  /** The next `count` requests are read and never answered. */
  hangNext(count: number): void
  /** POSTs a status callback for an accepted message to its StatusCallback URL, as Twilio does. */
  sendStatusCallback(
    sid: string,
    status: 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed',
    errorCode?: string,
  ): Promise<{ status: number }>
  close(): Promise<void>
}

/** X-Twilio-Signature for a request to `url` with these form parameters. */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url)
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64')
}

/** A status callback exactly as Twilio would send it to `url`, without sending it. */
export function buildSignedCallback(authToken: string, url: string, params: Record<string, string>): SignedCallback {
  return {
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(authToken, url, params),
      'user-agent': 'TwilioProxy/1.1',
    },
    rawBody: Buffer.from(new URLSearchParams(params).toString()),
  }
}

function twilioError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }))
}

const E164 = /^\+[1-9]\d{6,14}$/

export async function startFakeTwilio(options: FakeTwilioOptions): Promise<FakeTwilio> {
  const messages: FakeTwilioMessage[] = []
  const rejectNumbers = new Map<string, number>()
  const failures: { status: number; retryAfter?: string }[] = []
  let hangs = 0
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`
  const messagesPath = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`
  const accountPath = `/2010-04-01/Accounts/${options.accountSid}.json`
  const account: FakeTwilio['account'] = { status: 'active', type: 'Full' }

  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    if (hangs > 0) {
      hangs--
      return // never answered; the client's timeout decides
    }
    const failure = failures.shift()
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter ? { 'retry-after': failure.retryAfter } : {}
      if (failure.status === 429) return twilioError(res, 429, 20429, 'Too Many Requests', headers)
      return twilioError(res, failure.status, 20500, 'Internal Server Error', headers)
    }
    if (req.headers.authorization !== expectedAuth) {
      return twilioError(res, 401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' })
    }
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    if (req.method === 'GET' && path === accountPath) {
      const created = new Date(Date.now() - 86_400_000).toUTCString().replace('GMT', '+0000')
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(
        JSON.stringify({
          auth_token: options.authToken,
          date_created: created,
          date_updated: created,
          friendly_name: 'Caravan test account',
          owner_account_sid: options.accountSid,
          sid: options.accountSid,
          status: account.status,
          subresource_uris: { messages: `/2010-04-01/Accounts/${options.accountSid}/Messages.json` },
          type: account.type,
          uri: `/2010-04-01/Accounts/${options.accountSid}.json`,
        }),
      )
    }
    if (req.method !== 'POST' || path !== messagesPath) {
      return twilioError(res, 404, 20404, `The requested resource ${path} was not found`)
    }
    // Twilio reads form fields only; a JSON body leaves every field missing.
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(body)
      : new URLSearchParams()
    const to = form.get('To')
    const from = form.get('From') ?? undefined
    const messagingServiceSid = form.get('MessagingServiceSid') ?? undefined
    const text = form.get('Body')
    const statusCallback = form.get('StatusCallback') ?? undefined
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.")
    if (!from && !messagingServiceSid)
      return twilioError(res, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.")
    if (!text) return twilioError(res, 400, 21602, 'Message body is required.')
    if (!E164.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`)
    const rejection = rejectNumbers.get(to)
    if (rejection === 21211) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`)
    if (rejection === 21610) return twilioError(res, 400, 21610, 'Attempt to send to unsubscribed recipient')
    if (rejection === 21614) return twilioError(res, 400, 21614, `'To' number ${to} is not a valid mobile number`)
    if (rejection !== undefined) return twilioError(res, 400, rejection, `Message refused for ${to}`)
    if (text.length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.')
    if (statusCallback !== undefined) {
      try {
        new URL(statusCallback)
      } catch {
        return twilioError(res, 400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`)
      }
    }
    const sid = `SM${randomBytes(16).toString('hex')}`
    messages.push({ sid, to, from, messagingServiceSid, body: text, statusCallback })
    const now = new Date().toUTCString().replace('GMT', '+0000')
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        account_sid: options.accountSid,
        api_version: '2010-04-01',
        body: text,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: messagingServiceSid ?? null,
        num_media: '0',
        // With a Messaging Service the sender (and so the segmentation) is chosen later.
        num_segments: messagingServiceSid && !from ? '0' : String(smsSegments(text).segments),
        price: null,
        price_unit: 'USD',
        sid,
        status: messagingServiceSid && !from ? 'accepted' : 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}.json`,
      }),
    )
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    rejectNumbers,
    account,
    failNext(count, status, retryAfter) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter })
    },
    hangNext(count) {
      hangs += count
    },
    async sendStatusCallback(sid, status, errorCode) {
      const message = messages.find((m) => m.sid === sid)
      if (!message?.statusCallback) throw new Error(`fake twilio: no message ${sid} with a StatusCallback`)
      const params: Record<string, string> = {
        AccountSid: options.accountSid,
        ApiVersion: '2010-04-01',
        From: message.from ?? '+15005550006',
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: message.to,
        ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
        ...(errorCode ? { ErrorCode: errorCode } : {}),
      }
      const signed = buildSignedCallback(options.authToken, message.statusCallback, params)
      const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.rawBody })
      await response.arrayBuffer()
      return { status: response.status }
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
