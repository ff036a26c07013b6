// A fetch-shaped function for calling URLs a user supplied, over node:http(s) agents whose lookup
// refuses non-public addresses (safe-url.ts). Node's built-in fetch cannot take such an agent, so
// requests go through http.request; the answer comes back as a standard Response, so callers use
// the same code (deadline, capped body read) as for fetch. IP-literal hosts never reach a lookup
// and are checked here before connecting. Redirects are not followed.
import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { Readable } from 'node:stream'
import { normalizeHost, refusedAddress, safeLookup, UnsafeUrlError, type AddressPolicy } from './safe-url'

export interface SafeFetch {
  fetch(url: string, init?: RequestInit): Promise<Response>
  /** Frees pooled connections once the requests in flight are done; later requests open new ones. */
  close(): void
}

const NO_BODY_STATUSES = new Set([101, 204, 205, 304])

export function createSafeFetch(policy: AddressPolicy & { tls?: { ca?: string | Buffer } } = {}): SafeFetch {
  const lookup = safeLookup(policy)
  // Keep-alive: one push service (fcm.googleapis.com) receives most messages.
  let agents = makeAgents()
  let inFlight = 0
  let closing = false

  function makeAgents() {
    return {
      'http:': new http.Agent({ keepAlive: true, lookup }),
      'https:': new https.Agent({ keepAlive: true, lookup, ...(policy.tls?.ca ? { ca: policy.tls.ca } : {}) }),
    }
  }

  function release() {
    inFlight--
    if (closing && inFlight === 0) destroy()
  }

  function destroy() {
    closing = false
    const old = agents
    agents = makeAgents()
    old['http:'].destroy()
    old['https:'].destroy()
  }

  async function safeFetch(input: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeUrlError('scheme', `cannot fetch ${url.protocol} URLs`)
    const host = normalizeHost(url.hostname)
    if (isIP(host)) {
      const refusal = refusedAddress(host, policy)
      if (refusal) throw new UnsafeUrlError('refused_address', `${host} is a ${refusal} address`)
    }
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((value, name) => (headers[name] = value))
    const body = init.body === undefined || init.body === null ? undefined : toBuffer(init.body)
    if (body) headers['content-length'] = String(body.length)
    inFlight++
    let released = false
    const done = () => {
      if (!released) {
        released = true
        release()
      }
    }
    return new Promise<Response>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[url.protocol as 'http:' | 'https:'],
        signal: init.signal ?? undefined,
      })
      request.on('error', (error) => {
        done()
        reject(error)
      })
      request.on('response', (response) => {
        response.on('close', done)
        response.on('error', done)
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) value.forEach((v) => responseHeaders.append(name, v))
          else if (value !== undefined) responseHeaders.set(name, value)
        }
        const status = response.statusCode ?? 0
        let stream: ReadableStream | null = null
        if (NO_BODY_STATUSES.has(status)) response.resume()
        else stream = Readable.toWeb(response) as unknown as ReadableStream
        resolve(new Response(stream, { status, statusText: response.statusMessage, headers: responseHeaders }))
      })
      request.end(body)
    })
  }

  return {
    fetch: safeFetch,
    close() {
      if (inFlight === 0) destroy()
      else closing = true
    },
  }
}

function toBuffer(body: NonNullable<RequestInit['body']>): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  throw new TypeError('safeFetch sends string or byte bodies only')
}
