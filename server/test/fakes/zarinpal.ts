// A loopback fake of Zarinpal: the REST Payment Gateway API v4 (request.json, verify.json,
// inquiry.json and the StartPay page) and the two calls of its GraphQL API v4 that refunds use
// (query Session, mutation AddRefund). It checks what the real service checks — the merchant id
// (malformed: -9 validation; unknown or inactive: -11), required fields and their formats, the
// verify amount against the session's (-50), unpaid sessions (-51), unknown authorities (-54), the
// GraphQL Bearer token and terminal, the 20,000 IRR refund minimum and the refundable rest — and
// answers with Zarinpal's shapes: {data, errors: []} / {data: [], errors: {code, message, validations}}
// and GraphQL's {data, errors: [{message, extensions: {category}}]}.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readBody } from './read-body'

export interface FakeZarinpalOptions {
  merchantId: string
  /** The panel access token GraphQL calls must carry. */
  accessToken?: string
  /** The terminal every session of this merchant belongs to. */
  terminalId?: string
}

/** Inquiry's states: IN_BANK until the payer pays (PAID) or gives up (FAILED); verify makes PAID VERIFIED. */
export type FakeZarinpalStatus = 'IN_BANK' | 'PAID' | 'VERIFIED' | 'FAILED' | 'REVERSED'

export interface FakeZarinpalPayment {
  authority: string
  /** The numeric session id refunds are made against. */
  sessionId: string
  /** In Rials (IRT requests are stored converted). */
  amount: number
  callbackUrl: string
  description: string
  metadata: Record<string, unknown>
  status: FakeZarinpalStatus
  refId?: number
  cardPan?: string
  cardHash?: string
  fee: number
  refunded: number
}

export interface FakeZarinpalRefund {
  sessionId: string
  amount: number
  description: string
  method: string
  reason: string
  time: string
  /** Its timeline.refund_status: the fake's refundStatus when made, then what settleRefund sets. */
  status: string
}

export interface FakeZarinpal {
  url: string
  payments: Map<string, FakeZarinpalPayment>
  refunds: FakeZarinpalRefund[]
  /** Every request: its path, parsed body and Authorization header. */
  requests: Array<{ path: string; body: unknown; authorization?: string }>
  /** An inactive terminal answers -11 like an unknown merchant id. */
  terminal: { active: boolean }
  /** What AddRefund reports as timeline.refund_status (Zarinpal documents PENDING). */
  refundStatus: string
  /** verify's card_hash for the one card payers use at this fake (a SHA-256 in hex, as Zarinpal's). */
  cardHash: string
  /** Zarinpal pays a session's latest refund out (DONE) or gives up (FAILED): what query Session then reports. */
  settleRefund(sessionId: string, status: string): void
  /** The payer pays at the StartPay page: IN_BANK → PAID. Returns where Zarinpal sends the payer back. */
  pay(authority: string): string
  /** The payer cancels (or the bank refuses): IN_BANK → FAILED. Returns where Zarinpal sends the payer back. */
  cancel(authority: string): string
  /** Makes the session hold another amount than the request's: verify then answers -50. */
  tamper(authority: string, amount: number): void
  /** The next `count` REST calls with a valid merchant id answer this Zarinpal error code instead of running. */
  answerNext(count: number, code: number): void
  failNext(count: number, httpStatus?: number): void
  hangNext(count: number): void
  reset(): void
  close(): Promise<void>
}

const MESSAGES: Record<number, string> = {
  [-9]: 'The input params invalid, validation error.',
  [-10]: 'Terminal is not valid, please check merchant_id or ip address.',
  [-11]: 'Terminal is not active, please contact our support team.',
  [-12]: 'Too many attempts, please try again later.',
  [-50]: 'Session is not valid, amounts values is not the same.',
  [-51]: 'Session is not valid, session is not active paid try.',
  [-52]: 'Oops!!, please contact our support team',
  [-53]: 'Session is not this merchant_id session',
  [-54]: 'Invalid authority.',
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const AUTHORITY = /^[AS][0-9A-Za-z]{35}$/
const MIN_AMOUNT = 1_000
const MIN_REFUND = 20_000

type Validations = Array<Record<string, string>>

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

function refuse(res: ServerResponse, code: number, validations: Validations = []) {
  // Validation errors come as 422, throttling as 429, the other refusals as 400.
  const status = code === -9 ? 422 : code === -12 ? 429 : 400
  json(res, status, { data: [], errors: { code, message: MESSAGES[code] ?? 'Error', validations } })
}

function graphqlError(res: ServerResponse, message: string, category: string, extra: Record<string, unknown> = {}, data: unknown = null) {
  json(res, 200, { errors: [{ message, extensions: { category, ...extra } }], data })
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

/** Now in Tehran time, as Zarinpal writes it: 2024-08-25T15:00:00+03:30. */
function tehranTime(): string {
  return `${new Date(Date.now() + 3.5 * 3_600_000).toISOString().slice(0, 19)}+03:30`
}

export async function startFakeZarinpal(options: FakeZarinpalOptions): Promise<FakeZarinpal> {
  const payments = new Map<string, FakeZarinpalPayment>()
  const refunds: FakeZarinpalRefund[] = []
  const cardHash = randomBytes(32).toString('hex').toUpperCase()
  const requests: FakeZarinpal['requests'] = []
  const terminal = { active: true }
  const failures: number[] = []
  const answers: number[] = []
  let hangs = 0
  let nextSession = 580_868_147
  let nextRefId = 51_729_728_161

  function newAuthority(): string {
    for (;;) {
      const tail = BigInt(`0x${randomBytes(6).toString('hex')}`).toString(36)
      const authority = `A${tail.padStart(35, '0')}`
      if (!payments.has(authority)) return authority
    }
  }

  function paymentOr54(res: ServerResponse, body: Record<string, unknown>): FakeZarinpalPayment | undefined {
    const authority = body.authority
    if (typeof authority !== 'string' || !AUTHORITY.test(authority)) {
      refuse(res, -9, [{ authority: 'The authority format is invalid.' }])
      return undefined
    }
    const payment = payments.get(authority)
    if (!payment) refuse(res, -54)
    return payment
  }

  function request(res: ServerResponse, body: Record<string, unknown>) {
    const validations: Validations = []
    const { amount, currency, callback_url, description } = body
    const metadata = isRecord(body.metadata) ? body.metadata : {}
    if (!isInteger(amount)) validations.push({ amount: 'The amount must be an integer.' })
    else if (amount < MIN_AMOUNT) validations.push({ amount: `The amount must be at least ${MIN_AMOUNT}.` })
    if (currency !== undefined && currency !== 'IRR' && currency !== 'IRT')
      validations.push({ currency: 'The selected currency is invalid.' })
    if (typeof callback_url !== 'string' || !/^https?:\/\//.test(callback_url)) {
      validations.push({ callback_url: 'The callback url format is invalid.' })
    }
    if (typeof description !== 'string' || description.trim() === '')
      validations.push({ description: 'The description field is required.' })
    if (metadata.mobile !== undefined && !/^09\d{9}$/.test(String(metadata.mobile))) {
      validations.push({ mobile: 'The mobile format is invalid.' })
    }
    if (metadata.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(metadata.email))) {
      validations.push({ email: 'The email must be a valid email address.' })
    }
    if (validations.length) return refuse(res, -9, validations)
    const rials = (amount as number) * (currency === 'IRT' ? 10 : 1)
    const authority = newAuthority()
    const fee = Math.min(Math.ceil(rials / 100), 40_000)
    payments.set(authority, {
      authority,
      sessionId: String(nextSession++),
      amount: rials,
      callbackUrl: callback_url as string,
      description: description as string,
      metadata,
      status: 'IN_BANK',
      fee,
      refunded: 0,
    })
    json(res, 200, { data: { code: 100, message: 'Success', authority, fee_type: 'Merchant', fee }, errors: [] })
  }

  function verify(res: ServerResponse, body: Record<string, unknown>) {
    if (!isInteger(body.amount)) return refuse(res, -9, [{ amount: 'The amount field is required.' }])
    const payment = paymentOr54(res, body)
    if (!payment) return
    if (payment.status !== 'PAID' && payment.status !== 'VERIFIED') return refuse(res, -51)
    if (body.amount !== payment.amount) return refuse(res, -50)
    const code = payment.status === 'VERIFIED' ? 101 : 100
    payment.status = 'VERIFIED'
    json(res, 200, {
      data: {
        code,
        message: 'Verified',
        card_hash: payment.cardHash,
        card_pan: payment.cardPan,
        ref_id: payment.refId,
        fee_type: 'Merchant',
        fee: payment.fee,
      },
      errors: [],
    })
  }

  function inquiry(res: ServerResponse, body: Record<string, unknown>) {
    const payment = paymentOr54(res, body)
    if (payment) json(res, 200, { data: { code: 100, message: 'Success', status: payment.status }, errors: [] })
  }

  function graphql(req: IncomingMessage, res: ServerResponse, body: unknown) {
    if (!options.accessToken || req.headers.authorization !== `Bearer ${options.accessToken}`) {
      return graphqlError(res, 'Unauthenticated.', 'authentication', { guards: ['api'] })
    }
    if (!isRecord(body) || typeof body.query !== 'string') return graphqlError(res, 'Syntax Error: Unexpected <EOF>', 'graphql')
    const variables = isRecord(body.variables) ? body.variables : {}
    if (/\bAddRefund\s*\(/.test(body.query)) return addRefund(res, variables)
    if (/\bSession\s*\(/.test(body.query)) return sessions(res, variables, body.query)
    return graphqlError(res, 'Cannot query field on type "Query".', 'graphql')
  }

  function sessions(res: ServerResponse, variables: Record<string, unknown>, query: string) {
    if (variables.terminal_id === undefined)
      return graphqlError(res, 'Variable "$terminal_id" of required type "ID!" was not provided.', 'graphql')
    if (String(variables.terminal_id) !== options.terminalId) {
      return graphqlError(res, 'This action is unauthorized.', 'authorization', {}, { Session: null })
    }
    const found = [...payments.values()].filter(
      (p) =>
        (variables.reference_id == null || String(p.refId) === String(variables.reference_id)) &&
        (variables.id == null || p.sessionId === String(variables.id)),
    )
    // Like GraphQL, the timeline only when asked for: the session's latest refund, as AddRefund answers it.
    const withTimeline = /\btimeline\b/.test(query)
    json(res, 200, {
      data: {
        Session: found.map((p) => ({
          id: p.sessionId,
          status: p.status,
          amount: p.amount,
          description: p.description,
          ...(withTimeline ? { timeline: timelineOf(refunds.filter((r) => r.sessionId === p.sessionId).at(-1)) } : {}),
        })),
      },
    })
  }

  const timelineOf = (refund: FakeZarinpalRefund | undefined) =>
    refund ? { refund_amount: refund.amount, refund_time: refund.time, refund_status: refund.status } : null

  function addRefund(res: ServerResponse, variables: Record<string, unknown>) {
    const { session_id, amount, description, method, reason } = variables
    if (method !== undefined && method !== 'PAYA' && method !== 'CARD') {
      return graphqlError(res, `Variable "$method" got invalid value ${JSON.stringify(method)}.`, 'graphql')
    }
    const reasons = ['CUSTOMER_REQUEST', 'DUPLICATE_TRANSACTION', 'SUSPICIOUS_TRANSACTION', 'OTHER']
    if (reason !== undefined && !reasons.includes(String(reason))) {
      return graphqlError(res, `Variable "$reason" got invalid value ${JSON.stringify(reason)}.`, 'graphql')
    }
    const validation: Record<string, string[]> = {}
    if (session_id === undefined) validation.session_id = ['The session id field is required.']
    if (!isInteger(amount)) validation.amount = ['The amount must be an integer.']
    else if (amount < MIN_REFUND) validation.amount = [`The amount must be at least ${MIN_REFUND}.`]
    if (Object.keys(validation).length) {
      return graphqlError(res, 'Validation failed for the field [AddRefund].', 'validation', { validation }, { resource: null })
    }
    const payment = [...payments.values()].find((p) => p.sessionId === String(session_id))
    // Only a verified session holds money the merchant can give back.
    if (!payment || payment.status !== 'VERIFIED') {
      return graphqlError(res, 'Session not found or not verified.', 'validation', {}, { resource: null })
    }
    if ((amount as number) > payment.amount - payment.refunded) {
      return graphqlError(res, 'The refund amount is more than the refundable amount of the session.', 'validation', {}, { resource: null })
    }
    const time = tehranTime()
    payment.refunded += amount as number
    refunds.push({
      sessionId: payment.sessionId,
      amount: amount as number,
      description: String(description ?? ''),
      method: String(method ?? 'PAYA'),
      reason: String(reason ?? 'CUSTOMER_REQUEST'),
      time,
      status: fake.refundStatus,
    })
    json(res, 200, {
      data: {
        resource: {
          terminal_id: options.terminalId,
          id: payment.sessionId,
          amount: payment.amount,
          timeline: timelineOf(refunds.at(-1)),
        },
      },
    })
  }

  const server = createServer(async (req, res) => {
    const text = await readBody(req)
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    const body = parse(text)
    requests.push({ path, body, authorization: req.headers.authorization })
    if (hangs > 0) {
      hangs--
      return
    }
    const failure = failures.shift()
    if (failure) {
      res.writeHead(failure, { 'content-type': 'text/html' })
      return res.end(`<html><body><h1>${failure} Server Error</h1></body></html>`)
    }
    const startPay = /^\/pg\/StartPay\/([^/]+)$/.exec(path)
    if (req.method === 'GET' && startPay) {
      const known = payments.has(startPay[1])
      res.writeHead(known ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
      return res.end(known ? '<html><body>درگاه پرداخت زرین‌پال</body></html>' : '<html><body>Not Found</body></html>')
    }
    if (req.method === 'POST' && /^\/api\/v4\/graphql\/?$/.test(path)) return graphql(req, res, body)
    const method = /^\/pg\/v4\/payment\/(request|verify|inquiry)\.json$/.exec(path)?.[1]
    if (req.method !== 'POST' || !method) return json(res, 404, { message: 'Not Found' })
    if (!isRecord(body)) return refuse(res, -9, [{ body: 'The request body must be JSON.' }])
    const merchantId = body.merchant_id
    if (typeof merchantId !== 'string' || !UUID.test(merchantId)) {
      return refuse(res, -9, [{ merchant_id: 'The merchant id must be 36 characters.' }])
    }
    if (merchantId !== options.merchantId || !terminal.active) return refuse(res, -11)
    const forced = answers.shift()
    if (forced !== undefined) return refuse(res, forced)
    if (method === 'request') return request(res, body)
    if (method === 'verify') return verify(res, body)
    return inquiry(res, body)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  function payerAt(authority: string): FakeZarinpalPayment {
    const payment = payments.get(authority)
    if (!payment) throw new Error(`fake zarinpal: no payment ${authority}`)
    if (payment.status !== 'IN_BANK') throw new Error(`fake zarinpal: payment ${authority} is ${payment.status}, not IN_BANK`)
    return payment
  }

  function backTo(payment: FakeZarinpalPayment, status: 'OK' | 'NOK'): string {
    const callback = new URL(payment.callbackUrl)
    callback.searchParams.set('Authority', payment.authority)
    callback.searchParams.set('Status', status)
    return callback.toString()
  }

  const fake: FakeZarinpal = {
    url,
    payments,
    refunds,
    requests,
    terminal,
    refundStatus: 'PENDING',
    cardHash,
    pay(authority) {
      const payment = payerAt(authority)
      payment.status = 'PAID'
      payment.refId = nextRefId++
      payment.cardPan = '502229******5995'
      payment.cardHash = cardHash
      return backTo(payment, 'OK')
    },
    settleRefund(sessionId, status) {
      const refund = refunds.filter((r) => r.sessionId === sessionId).at(-1)
      if (!refund) throw new Error(`fake zarinpal: no refund on session ${sessionId}`)
      refund.status = status
    },
    cancel(authority) {
      const payment = payerAt(authority)
      payment.status = 'FAILED'
      return backTo(payment, 'NOK')
    },
    tamper(authority, amount) {
      const payment = payments.get(authority)
      if (!payment) throw new Error(`fake zarinpal: no payment ${authority}`)
      payment.amount = amount
    },
    answerNext(count, code) {
      for (let i = 0; i < count; i++) answers.push(code)
    },
    failNext(count, httpStatus = 500) {
      for (let i = 0; i < count; i++) failures.push(httpStatus)
    },
    hangNext(count) {
      hangs += count
    },
    reset() {
      payments.clear()
      refunds.length = 0
      requests.length = 0
      terminal.active = true
      fake.refundStatus = 'PENDING'
      failures.length = 0
      answers.length = 0
      hangs = 0
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return fake
}
