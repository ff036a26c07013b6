// A loopback fake of Kavenegar's REST API v1 (sms/send, sms/status and account/info): the API key in the path,
// required parameters, receptor/sender/message checks and account state (inactive, credit,
// test-only), answered with Kavenegar's envelope {return: {status, message}, entries}. As the
// official SDKs expect, an error uses its return.status as the HTTP status too.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { smsSegments } from '../../src/modules/notifications/sms-segments'
import { readBody } from './read-body'

export interface FakeKavenegarOptions {
  apiKey: string
  /** The account's lines; the first is the default sender. */
  lines?: string[]
  /** Every request waits this long before it is handled (a send in flight, as a real one is). */
  latencyMs?: number
}

export interface FakeKavenegarMessage {
  messageid: number
  receptor: string
  sender: string
  message: string
  status: number
  cost: number
  date: number
}

export interface FakeKavenegar {
  url: string
  messages: FakeKavenegarMessage[]
  /** Paths of every request received (key included: the tests check the provider put it there). */
  paths: string[]
  /** The account: inactive ⇒ 401; credit in Rials ⇒ 418 when short; ownerNumber set ⇒ test account, 501 for any other receptor; expires (Unix seconds) for account/info. */
  account: { active: boolean; credit: number; ownerNumber?: string; expires?: number }
  /** Receptors the operators reject (411), beyond malformed ones. */
  invalidReceptors: Set<string>
  setStatus(messageid: number | string, status: number): void
  /** The next `count` valid calls answer this return.status (409 overloaded, 451 rate-limited …) instead of running. */
  answerNext(count: number, returnStatus: number): void
  failNext(count: number, httpStatus?: number): void
  hangNext(count: number): void
  close(): Promise<void>
}

const RETURN_MESSAGES: Record<number, string> = {
  200: 'تایید شد',
  400: 'پارامترها ناقص هستند',
  401: 'حساب کاربری غیرفعال شده است',
  403: 'کد شناسائی API-Key معتبر نمی‌باشد',
  402: 'عملیات ناموفق بود',
  404: 'متد نامشخص است',
  409: 'سرور قادر به پاسخگوئی نیست بعدا تلاش کنید',
  411: 'دریافت کننده نامعتبر است',
  412: 'ارسال کننده نامعتبر است',
  413: 'پیام خالی است و یا طول پیام بیش از حد مجاز می‌باشد. حداکثر طول کل متن پیامک 900 کاراکتر می باشد',
  414: 'حجم درخواست بیشتر از حد مجاز است ،ارسال پیامک :هر فراخوانی حداکثر 200 رکورد و کنترل وضعیت :هر فراخوانی 500 رکورد',
  418: 'اعتبار حساب شما کافی نیست',
  422: 'داده ها به دلیل وجود کاراکتر نامناسب قابل پردازش نیست',
  429: 'امکان فراخوانی مجدد وجود ندارد',
  451: 'فراخوانی بیش از حد در یک بازه زمانی مشخص',
  501: 'فقط امکان ارسال پیام تست به شماره صاحب حساب کاربری وجود دارد',
  604: 'تعداد شماره‌ها بیش از حد مجاز است',
  607: 'نام تگ انتخابی اشتباه است',
}

const STATUS_TEXT: Record<number, string> = {
  1: 'در صف ارسال',
  2: 'زمان بندی شده',
  4: 'ارسال شده به مخابرات',
  5: 'ارسال شده به مخابرات',
  6: 'خطا در ارسال پیام',
  10: 'رسیده به گیرنده',
  11: 'نرسیده به گیرنده',
  13: 'ارسال پیام لغو شده و هزینه آن به حساب برگشت داده شد',
  14: 'بلاک شده است، عدم تمایل گیرنده به دریافت پیامک',
  100: 'شناسه پیامک نامعتبر است',
}

// Rials per part; the real tariff depends on the line and the operator.
const COST_PER_PART = 1_050
const RECEPTOR = /^(09\d{9}|00[1-9]\d{6,14})$/
// C0 control characters other than tab, newline and carriage return.
const hasControl = (text: string) => Array.from(text).some((ch) => ch < ' ' && !'\t\n\r'.includes(ch))

function answer(res: ServerResponse, status: number, entries: unknown = null) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify({ return: { status, message: RETURN_MESSAGES[status] ?? '' }, entries }))
}

export async function startFakeKavenegar(options: FakeKavenegarOptions): Promise<FakeKavenegar> {
  const lines = options.lines ?? ['10004346']
  const messages: FakeKavenegarMessage[] = []
  const paths: string[] = []
  const account = { active: true, credit: 1_000_000 } as FakeKavenegar['account']
  const invalidReceptors = new Set<string>()
  const failures: number[] = []
  const answers: number[] = []
  let hangs = 0
  let nextId = 8_792_343

  function send(res: ServerResponse, params: URLSearchParams) {
    const receptorParam = params.get('receptor')
    const text = params.get('message')
    if (receptorParam === null || text === null) return answer(res, 400)
    const sender = params.get('sender') || lines[0]
    if (!lines.includes(sender)) return answer(res, 412)
    const receptors = receptorParam.split(',').map((r) => r.trim())
    if (receptors.length > 200) return answer(res, 414)
    if (receptors.some((r) => !RECEPTOR.test(r) || invalidReceptors.has(r))) return answer(res, 411)
    if (text.length === 0 || text.length > 900) return answer(res, 413)
    if (hasControl(text)) return answer(res, 422)
    if (account.ownerNumber && receptors.some((r) => r !== account.ownerNumber)) return answer(res, 501)
    const cost = smsSegments(text).segments * COST_PER_PART
    if (account.credit < cost * receptors.length) return answer(res, 418)
    const date = Math.floor(Date.now() / 1000)
    const entries = receptors.map((receptor) => {
      account.credit -= cost
      const entry = { messageid: nextId++, message: text, status: 1, statustext: STATUS_TEXT[1], sender, receptor, date, cost }
      messages.push({ messageid: entry.messageid, receptor, sender, message: text, status: 1, cost, date })
      return entry
    })
    answer(res, 200, entries)
  }

  function status(res: ServerResponse, params: URLSearchParams) {
    const ids = params.get('messageid')
    if (!ids) return answer(res, 400)
    const list = ids.split(',').map((id) => id.trim())
    if (list.length > 500) return answer(res, 414)
    answer(
      res,
      200,
      list.map((id) => {
        const found = messages.find((m) => String(m.messageid) === id)
        const state = found?.status ?? 100
        return { messageid: Number(id) || id, status: state, statustext: STATUS_TEXT[state] ?? '' }
      }),
    )
  }

  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    const url = new URL(req.url ?? '/', 'http://fake')
    paths.push(url.pathname)
    if (hangs > 0) {
      hangs--
      return
    }
    const failure = failures.shift()
    if (failure) {
      res.writeHead(failure, { 'content-type': 'text/html' })
      return res.end(`<html><body><h1>${failure} Internal Server Error</h1></body></html>`)
    }
    // /v1/{API-KEY}/{scope}/{method}.json; GET query and POST form are both accepted.
    const match = /^\/v1\/([^/]+)\/([a-z]+\/[a-z]+)\.json$/.exec(url.pathname)
    if (!match) return answer(res, 404)
    if (decodeURIComponent(match[1]) !== options.apiKey) return answer(res, 403)
    if (!account.active) return answer(res, 401)
    const forced = answers.shift()
    if (forced) return answer(res, forced)
    const params = new URLSearchParams(url.search)
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(body)) params.set(k, v)
    if (match[2] === 'sms/send') return send(res, params)
    if (match[2] === 'sms/status') return status(res, params)
    if (match[2] === 'account/info') {
      return answer(res, 200, { remaincredit: account.credit, expiredate: account.expires ?? 0, type: 'master' })
    }
    return answer(res, 404)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    paths,
    account,
    invalidReceptors,
    setStatus(messageid, state) {
      const message = messages.find((m) => String(m.messageid) === String(messageid))
      if (!message) throw new Error(`fake kavenegar: no message ${messageid}`)
      message.status = state
    },
    answerNext(count, returnStatus) {
      for (let i = 0; i < count; i++) answers.push(returnStatus)
    },
    failNext(count, httpStatus = 500) {
      for (let i = 0; i < count; i++) failures.push(httpStatus)
    },
    hangNext(count) {
      hangs += count
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
