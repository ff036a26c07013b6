// The inbox's HTTP calls, as the host's signed-in user: the page's signed identity is traded for a
// Caravan session (POST /v1/auth/identity) kept in memory only, so nothing outlives the page; a
// token the server refuses (expired) is traded again once.
import type { InboxItem, InboxPage } from '@caravan/sdk'
import { ApiError } from '../embed-kit/api-error'

export { ApiError, type InboxItem }

export interface Identity {
  externalId: string
  signature: string
}

const PAGE_SIZE = 20

export type Api = ReturnType<typeof createApi>

export function createApi(base: string, identity: Identity) {
  let session: Promise<string> | undefined

  async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {}
    // A POST without a body sends no content type: an empty JSON body would be refused.
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    let res: Response
    try {
      res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch {
      throw new ApiError(0, 'network')
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => null)) as { type?: unknown } | null
      throw new ApiError(
        res.status,
        String(problem?.type ?? 'error')
          .split('/')
          .pop() || 'error',
      )
    }
    return res.json() as Promise<T>
  }

  /** The session's access token, traded for once and shared by every call until refused. */
  function token(): Promise<string> {
    session ??= call<{ accessToken: string }>('POST', '/v1/auth/identity', identity).then(
      (s) => s.accessToken,
      (error) => {
        session = undefined
        throw error
      },
    )
    return session
  }

  function renew(): Promise<string> {
    session = undefined
    return token()
  }

  async function authed<T>(method: string, path: string): Promise<T> {
    const used = token()
    try {
      return await call<T>(method, path, undefined, await used)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      // Trade again, unless another call has done so since.
      if (session === used) session = undefined
      return call<T>(method, path, undefined, await token())
    }
  }

  const item = (id: string, action: 'read' | 'archive') => `/v1/me/notifications/${encodeURIComponent(id)}/${action}`
  return {
    token,
    renew,
    list: (cursor?: string | null) =>
      authed<InboxPage>('GET', `/v1/me/notifications?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    unread: () => authed<{ count: number; seq: number }>('GET', '/v1/me/notifications/unread-count'),
    markRead: (id: string) => authed<InboxItem>('POST', item(id, 'read')),
    readAll: () => authed<{ updated: number }>('POST', '/v1/me/notifications/read-all'),
    archive: (id: string) => authed<InboxItem>('POST', item(id, 'archive')),
  }
}
