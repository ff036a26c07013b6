// The widget's HTTP calls. Every call names the site (X-Caravan-Site; the first, its config, in the
// query, to need no CORS preflight) and, once there is a session, the visitor (Authorization:
// Widget <token>); an identified visitor's calls carry the host's signature too. The visitor token
// is kept in localStorage, per site and per identity, so an identified user's conversations never
// resume for whoever uses the browser next, anonymously.
import { ApiError } from '../embed-kit/api-error'
import type { Identity, Session } from './types'

export { ApiError }

/** Refusals a fresh session cannot cure: the site, origin or identity is wrong, not the token. */
const FINAL = ['origin_not_allowed', 'identity_required', 'invalid_signature', 'widget_site_unknown']

const storage = {
  get(key: string) {
    try {
      return localStorage.getItem(key) ?? undefined
    } catch {
      return undefined // storage blocked (privacy settings, sandboxed frames): a session per page
    }
  },
  set(key: string, value: string | undefined) {
    try {
      if (value) localStorage.setItem(key, value)
      else localStorage.removeItem(key)
    } catch {}
  },
}

export type Api = ReturnType<typeof createApi>

/** A response's JSON, or the ApiError its problem+json names. */
async function answer<T>(res: Response): Promise<T> {
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T
  const problem = (await res.json().catch(() => ({}))) as { type?: string }
  throw new ApiError(res.status, problem.type?.split('/').pop() ?? 'unknown')
}

export function createApi(base: string, site: string, identity: () => Identity | undefined) {
  const key = () => {
    const who = identity()
    return `caravan-widget:${site}${who ? `:${who.externalId}` : ''}`
  }
  let token = storage.get(key())

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const who = identity()
    const headers: Record<string, string> = { 'X-Caravan-Site': site }
    if (token) headers.Authorization = `Widget ${token}`
    if (who) headers['X-Caravan-Identity'] = `${who.externalId}:${who.signature}`
    // FormData sets its own multipart content type (with the boundary).
    if (body !== undefined && !(body instanceof FormData)) headers['Content-Type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(base + path, {
        method,
        headers,
        body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
      })
    } catch {
      throw new ApiError(0, 'network')
    }
    return answer<T>(res)
  }

  /** The stored token was refused (expired, signed with an old key): start over once with none. */
  const stale = (e: unknown) => e instanceof ApiError && e.status === 401 && !FINAL.includes(e.type)

  async function session(name?: string): Promise<Session> {
    const start = () => request<Session>('POST', '/v1/widget/sessions', { visitorToken: token, name })
    let answer: Session
    try {
      answer = await start()
    } catch (e) {
      if (!token || !stale(e)) throw e
      token = undefined
      answer = await start()
    }
    token = answer.visitorToken
    storage.set(key(), token)
    return answer
  }

  /** A visitor call; a stale token is replaced by a new session and the call made again. */
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await request<T>(method, path, body)
    } catch (e) {
      if (!stale(e) || path.startsWith('/v1/widget/sessions')) throw e
      token = undefined
      storage.set(key(), undefined)
      await session()
      return request<T>(method, path, body)
    }
  }

  return {
    /** The visitor has been here before: a session can resume without asking for one. */
    hasToken: () => Boolean(token),
    /** The identity changed: the token is the one kept for the new identity (if any). */
    reload() {
      token = storage.get(key())
    },
    token: () => token,
    session,
    /** A plain GET, no custom header: the first call needs no CORS preflight (the site goes in the query). */
    config: async <T>(): Promise<T> => {
      let res: Response
      try {
        res = await fetch(`${base}/v1/widget/config?site=${encodeURIComponent(site)}`, { credentials: 'omit' })
      } catch {
        throw new ApiError(0, 'network')
      }
      return answer<T>(res)
    },
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  }
}
