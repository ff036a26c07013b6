// The REST client: one request function that adds the access token, refreshes it when needed
// and turns failures into CaravanError; the API methods below are one line each on top of it.
import { CaravanError, errorFromResponse, networkError } from './errors'
import { connectRealtime, type CaravanRealtime, type RealtimeOptions } from './realtime'
import { memorySessionStorage, sessionFromResponse, type Session, type SessionStorage } from './session'
import type {
  AuditQuery, CreateApiKeyInput, ListUsersQuery, LoginInput, QueryOf, RegisterDeviceInput, RegisterInput, ResponseOf, Role,
  SessionResponse, UpdateMeInput, User,
} from './types'

export interface CaravanClientOptions {
  /** Where the API is, e.g. https://caravan.example.com; '' (the default) means this page's origin. */
  baseUrl?: string
  /** Where the session is kept; memory by default, localStorageSessionStorage() in a browser app. */
  storage?: SessionStorage
  /** Called with the new session after sign-in, refresh or a profile change, and with null after sign-out or a failed refresh. */
  onSessionChange?: (session: Session | null) => void
  /** The fetch to use (tests pass a fake one). */
  fetch?: typeof fetch
  /** Refresh before sending when the access token expires within this many seconds. */
  refreshLeewaySeconds?: number
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number
}

export interface RequestOptions {
  body?: unknown
  query?: Record<string, string | number | boolean | undefined>
  /** Send the access token (default true). */
  auth?: boolean
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export function createCaravanClient(options: CaravanClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '')
  const storage = options.storage ?? memorySessionStorage()
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const leewayMs = (options.refreshLeewaySeconds ?? 30) * 1000
  const now = options.now ?? Date.now

  function setSession(session: Session | null) {
    storage.save(session)
    options.onSessionChange?.(session)
  }
  storage.subscribe?.((session) => options.onSessionChange?.(session))

  const expiresSoon = (session: Session) => session.accessTokenExpiresAt - now() <= leewayMs

  async function send(method: Method, path: string, body: unknown, query: RequestOptions['query'], token: string | undefined) {
    let url = baseUrl + path
    const params = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== '')
    if (params.length) url += '?' + new URLSearchParams(params.map(([k, v]) => [k, String(v)])).toString()
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    try {
      return await fetchFn(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    } catch (e) {
      throw networkError(e)
    }
  }

  let refreshing: Promise<Session> | null = null

  /**
   * Trades the refresh token for a new pair, once for all concurrent callers. `staleToken` is
   * the access token that was refused: if storage already holds a newer one (another tab or
   * caller refreshed meanwhile), that one is used instead of spending the refresh token again.
   */
  function refreshSession(staleToken?: string): Promise<Session> {
    refreshing ??= (async () => {
      const run = async () => {
        const current = storage.load()
        if (!current) throw new CaravanError({ type: 'unauthorized', title: 'Not signed in', status: 401 })
        if (staleToken && current.accessToken !== staleToken && !expiresSoon(current)) return current
        const response = await send('POST', '/v1/auth/refresh', { refreshToken: current.refreshToken }, undefined, undefined)
        if (!response.ok) {
          const error = await errorFromResponse(response)
          // A refused token ends the session; a busy or unreachable server does not.
          if (error.status >= 400 && error.status < 500 && error.status !== 429) setSession(null)
          throw error
        }
        const session = sessionFromResponse(await response.json() as SessionResponse, now())
        setSession(session)
        return session
      }
      try {
        return await (storage.lock ? storage.lock(run) : run())
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** A usable access token, refreshed first if it expires within the leeway; null when signed out. */
  async function accessToken(): Promise<string | null> {
    const session = storage.load()
    if (!session) return null
    return expiresSoon(session) ? (await refreshSession(session.accessToken)).accessToken : session.accessToken
  }

  /**
   * Sends one API request. A 401 invalid_token answer (the token expired or the server's
   * sessions were reset) triggers one refresh and one retry; the second answer is final.
   */
  async function request<T>(method: Method, path: string, init: RequestOptions = {}): Promise<T> {
    const auth = init.auth ?? true
    const token = auth ? await accessToken() ?? undefined : undefined
    let response = await send(method, path, init.body, init.query, token)
    if (response.status === 401 && token) {
      const error = await errorFromResponse(response.clone())
      if (!error.type.endsWith('invalid_token')) throw error
      const session = await refreshSession(token)
      response = await send(method, path, init.body, init.query, session.accessToken)
    }
    if (!response.ok) throw await errorFromResponse(response)
    if (response.status === 204) return undefined as T
    const text = await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  async function startSession(path: string, body: unknown): Promise<Session> {
    const session = sessionFromResponse(await request<ResponseOf<'login'>>('POST', path, { body, auth: false }), now())
    setSession(session)
    return session
  }

  /** Keeps the stored user in step with the server's answer. */
  function rememberUser(user: User): User {
    const session = storage.load()
    if (session && session.user.id === user.id && JSON.stringify(session.user) !== JSON.stringify(user)) setSession({ ...session, user })
    return user
  }

  const id = (value: string) => encodeURIComponent(value)

  const client = {
    baseUrl,
    /** The stored session, or null when signed out. */
    get session(): Session | null { return storage.load() },
    accessToken,
    request,

    register: (input: RegisterInput) => startSession('/v1/auth/register', input),
    login: (input: LoginInput) => startSession('/v1/auth/login', input),
    /** Forces a refresh now (normally automatic). */
    refresh: () => refreshSession(),
    /** Ends the session on the server (best effort) and always locally. */
    async logout(): Promise<void> {
      const session = storage.load()
      setSession(null)
      if (session) await request('POST', '/v1/auth/logout', { body: { refreshToken: session.refreshToken }, auth: false }).catch(() => {})
    },
    me: async () => rememberUser(await request<ResponseOf<'getMe'>>('GET', '/v1/me')),
    updateMe: async (input: UpdateMeInput) => rememberUser(await request<ResponseOf<'updateMe'>>('PATCH', '/v1/me', { body: input })),

    devices: {
      list: async () => (await request<ResponseOf<'listDevices'>>('GET', '/v1/me/devices')).items,
      register: (input: RegisterDeviceInput) => request<ResponseOf<'registerDevice'>>('POST', '/v1/me/devices', { body: input }),
      remove: (deviceId: string) => request<void>('DELETE', `/v1/me/devices/${id(deviceId)}`),
    },

    apiKeys: {
      /** The answer's `key` is shown only this once. */
      create: (input: CreateApiKeyInput) => request<ResponseOf<'createApiKey'>>('POST', '/v1/api-keys', { body: input }),
      list: async () => (await request<ResponseOf<'listApiKeys'>>('GET', '/v1/api-keys')).items,
      revoke: (keyId: string) => request<void>('DELETE', `/v1/api-keys/${id(keyId)}`),
    },

    admin: {
      listUsers: (query: ListUsersQuery = {}) => request<ResponseOf<'listUsers'>>('GET', '/v1/admin/users', { query }),
      getUser: (userId: string) => request<ResponseOf<'getUser'>>('GET', `/v1/admin/users/${id(userId)}`),
      setUserRole: (userId: string, role: Role) => request<ResponseOf<'setUserRole'>>('PUT', `/v1/admin/users/${id(userId)}/role`, { body: { role } }),
      listAudit: (query: AuditQuery = {}) => request<ResponseOf<'listAuditLog'>>('GET', '/v1/admin/audit', { query }),
      verifyAudit: () => request<ResponseOf<'verifyAuditLog'>>('GET', '/v1/admin/audit/verify'),
      listDeadJobs: async (query: QueryOf<'listDeadJobs'> = {}) => (await request<ResponseOf<'listDeadJobs'>>('GET', '/v1/admin/jobs/dead', { query })).items,
      retryDeadJob: (jobId: string) => request<ResponseOf<'retryDeadJob'>>('POST', `/v1/admin/jobs/dead/${id(jobId)}/retry`),
    },

    /** Opens the realtime socket (see realtime.ts). */
    realtime: (realtimeOptions?: RealtimeOptions): CaravanRealtime => connectRealtime(client, realtimeOptions),
  }
  return client
}

export type CaravanClient = ReturnType<typeof createCaravanClient>
