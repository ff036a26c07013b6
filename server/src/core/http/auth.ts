// Who is calling: a user with a JWT access token, or the host product's server with an API key
// (`Bearer ck_...`). Every route states its access (public, roles, API key scope) once; the same
// statement drives the check and the route's OpenAPI `security`.
//
// An access token is only a claim about a session: on every request the session is checked against
// the user's current state (role, session version, revoked sessions), served from a hot cache that
// every node drops when it changes. So a demotion, a logout or a revoked key applies on the next
// request, not when the token expires.
import type { FastifyRequest } from 'fastify'
import { createHash, timingSafeEqual } from 'node:crypto'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { AppError } from './errors'

export type UserRole = 'customer' | 'agent' | 'admin'
export const USER_ROLES: UserRole[] = ['customer', 'agent', 'admin']

export type Principal =
  | {
      kind: 'user'
      userId: string
      role: UserRole
      sessionId: string
      /** Set for a live chat widget visitor: the site whose widget made the call. */
      widgetSiteId?: string
    }
  | { kind: 'apiKey'; keyId: string; scopes: string[] }

export type UserPrincipal = Principal & { kind: 'user' }

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
}

export interface Access {
  /** OpenAPI security requirement for this route ([] = public). */
  security: Record<string, string[]>[]
  /** The roles the route admits (undefined = any signed-in user); for OpenAPI and the route × role test. */
  roles?: UserRole[]
  /** Runs before the body is read: callers without access never reach parsing or validation. */
  check?: (request: FastifyRequest) => Promise<void>
}

export interface AccessRule {
  /** User roles allowed; omitted = any signed-in user. */
  roles?: UserRole[]
  /** API keys with this scope (or '*') are accepted too; omitted = users only. */
  apiKeyScope?: string
  /** Live chat widget visitors (`Authorization: Widget <token>`) are accepted too (with roles: [], only they); omitted = refused with 403. */
  widget?: boolean
}

/** What a widget call presents; all of it is checked on every request and every socket event. */
export interface WidgetCredentials {
  /** The visitor token (`Authorization: Widget <token>`). */
  token: string
  /** The site token (`X-Caravan-Site`). */
  site: string | undefined
  /** `<externalId>:<signature>` (`X-Caravan-Identity`), for identified visitors. */
  identity: string | undefined
  /** The browser's Origin header. */
  origin: string | undefined
}

/** Turns widget credentials into the visitor's principal, or throws the AppError that refuses them. */
export type WidgetResolver = (credentials: WidgetCredentials) => Promise<UserPrincipal>

/** The header a widget call names its site with. */
export const WIDGET_SITE_HEADER = 'x-caravan-site'
/** The header an identified visitor's widget call carries the host's signature in. */
export const WIDGET_IDENTITY_HEADER = 'x-caravan-identity'

/** A request header's single value (a repeated header counts as missing). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return typeof value === 'string' ? value : undefined
}

/** A user's live session state, as the accounts module knows it; null when the user is gone. */
export interface SessionState {
  role: UserRole
  sessionVersion: number
  /** Sessions (refresh token families) ended recently enough that their access tokens may still be alive. */
  revokedSessions: ReadonlySet<string>
}

export type ApiKeyResolver = (key: string) => Promise<{ keyId: string; scopes: string[] } | null>
export type SessionResolver = (userId: string) => Promise<SessionState | null>

export const API_KEY_PREFIX = 'ck_'

export function createAuth(options: {
  jwtSecret: string
  accessTokenTtlSeconds: number
  resolveApiKey: ApiKeyResolver
  resolveSession: SessionResolver
}) {
  const key = new TextEncoder().encode(options.jwtSecret)
  const issuer = 'caravan'
  // Every scope a route accepts; API keys may only be given these (or '*').
  const scopes = new Set<string>()
  // Verified token claims by token, until the token expires: a client sends the same token for
  // minutes, and the signature check is the costliest step of a request. The session behind it is
  // still checked every time.
  const verified = new Map<string, { sub: string; sv: number; sid: string; exp: number }>()
  const MAX_VERIFIED = 20_000

  async function signAccessToken(user: { id: string; role: UserRole; sessionVersion: number }, sessionId: string): Promise<string> {
    return new SignJWT({ role: user.role, sv: user.sessionVersion, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(`${options.accessTokenTtlSeconds}s`)
      .sign(key)
  }

  /** A signed, short-lived token for one purpose (an e-mail verification link…); never an access token. */
  async function signPurposeToken(purpose: string, subject: string, claims: Record<string, string>, ttlSeconds: number) {
    return new SignJWT({ ...claims, purpose })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key)
  }

  /** The subject and claims of a purpose token, or null when it is not valid for that purpose. */
  async function verifyPurposeToken(purpose: string, token: string): Promise<{ subject: string; claims: Record<string, unknown> } | null> {
    try {
      const { payload } = await jwtVerify(token, key, { issuer, algorithms: ['HS256'] })
      if (payload.purpose !== purpose || !payload.sub) return null
      return { subject: payload.sub, claims: payload }
    } catch {
      return null
    }
  }

  /** The session's current principal, or AppError('invalid_token') when it ended or changed. */
  async function checkSession(claims: { userId: string; sessionId: string; sessionVersion: number }): Promise<UserPrincipal> {
    const state = await options.resolveSession(claims.userId)
    if (!state) throw new AppError('invalid_token', 'The account no longer exists')
    if (claims.sessionVersion < state.sessionVersion || state.revokedSessions.has(claims.sessionId)) {
      throw new AppError('invalid_token', 'This session has ended; sign in again')
    }
    return { kind: 'user', userId: claims.userId, role: state.role, sessionId: claims.sessionId }
  }

  async function verifyToken(token: string) {
    const known = verified.get(token)
    if (known && known.exp * 1000 > Date.now()) return known
    let payload
    try {
      ;({ payload } = await jwtVerify(token, key, { issuer, algorithms: ['HS256'] }))
    } catch (e) {
      const expired = e instanceof joseErrors.JWTExpired
      throw new AppError('invalid_token', expired ? 'The access token has expired' : 'The access token is not valid')
    }
    const { sub, sv, sid, exp, purpose } = payload
    if (!sub || typeof sv !== 'number' || typeof sid !== 'string' || !exp || purpose !== undefined) {
      throw new AppError('invalid_token', 'The access token is not valid')
    }
    if (verified.size >= MAX_VERIFIED) verified.clear()
    const claims = { sub, sv, sid, exp }
    verified.set(token, claims)
    return claims
  }

  /** Verifies an access token and its session; throws AppError('invalid_token') when either is not good. */
  async function authenticate(token: string): Promise<{ principal: UserPrincipal; sessionVersion: number; expiresAt: number }> {
    const { sub, sv, sid, exp } = await verifyToken(token)
    const principal = await checkSession({ userId: sub, sessionId: sid, sessionVersion: sv })
    return { principal, sessionVersion: sv, expiresAt: exp }
  }

  // Set by the support module at start-up; core knows widget calls only as a kind of credential.
  let widgetResolver: WidgetResolver | undefined

  /** Verifies a widget visitor's credentials (site, origin, visitor token, identity); throws an AppError when refused. */
  async function authenticateWidget(credentials: WidgetCredentials): Promise<UserPrincipal> {
    if (!widgetResolver) throw new AppError('unauthorized', 'This server has no live chat widget')
    return widgetResolver(credentials)
  }

  async function principalOf(request: FastifyRequest, rule: AccessRule): Promise<Principal | undefined> {
    const header = request.headers.authorization
    if (!header) return undefined
    const widget = /^Widget\s+(\S+)$/i.exec(header)
    if (widget) {
      if (!rule.widget) throw new AppError('forbidden', 'This endpoint does not accept widget credentials')
      return authenticateWidget({
        token: widget[1],
        site: headerValue(request, WIDGET_SITE_HEADER),
        identity: headerValue(request, WIDGET_IDENTITY_HEADER),
        origin: headerValue(request, 'origin'),
      })
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) throw new AppError('unauthorized', 'Authorization must be "Bearer <token>"')
    const token = match[1]
    if (token.startsWith(API_KEY_PREFIX)) {
      const resolved = await options.resolveApiKey(token)
      if (!resolved) throw new AppError('invalid_token', 'The API key is not valid or was revoked')
      return { kind: 'apiKey', ...resolved }
    }
    return (await authenticate(token)).principal
  }

  const publicAccess: Access = { security: [] }

  function require(rule: AccessRule = {}): Access {
    // roles: [] is an API-key-only route: no user token is offered in its OpenAPI security.
    const security: Access['security'] = rule.roles?.length === 0 ? [] : [{ bearerAuth: [] }]
    if (rule.apiKeyScope) {
      security.push({ apiKey: [rule.apiKeyScope] })
      scopes.add(rule.apiKeyScope)
    }
    if (rule.widget) security.push({ widgetAuth: [] })
    return {
      security,
      roles: rule.roles,
      async check(request) {
        const principal = await principalOf(request, rule)
        if (!principal) throw new AppError('unauthorized')
        if (principal.kind === 'apiKey') {
          if (!rule.apiKeyScope) throw new AppError('forbidden', 'This endpoint does not accept API keys')
          if (!principal.scopes.includes('*') && !principal.scopes.includes(rule.apiKeyScope)) {
            throw new AppError('forbidden', `The API key lacks the scope "${rule.apiKeyScope}"`)
          }
        } else if (principal.widgetSiteId) {
          // A widget visitor (principalOf admits one only where rule.widget is set): roles do not apply.
        } else if (rule.roles && !rule.roles.includes(principal.role)) {
          throw new AppError(
            'forbidden',
            rule.roles.length ? `Requires the role ${rule.roles.join(' or ')}` : 'This endpoint is not for signed-in users',
          )
        }
        request.principal = principal
      },
    }
  }

  return {
    signAccessToken,
    signPurposeToken,
    verifyPurposeToken,
    authenticate,
    checkSession,
    authenticateWidget,
    /** The support module's check of widget credentials. */
    useWidgetResolver: (resolver: WidgetResolver) => {
      widgetResolver = resolver
    },
    public: publicAccess,
    require,
    /** The API key scopes routes accept, sorted. */
    knownScopes: () => [...scopes].sort(),
  }
}

export type Auth = ReturnType<typeof createAuth>

/**
 * Access for a machine holding one shared secret (a Prometheus scraper with METRICS_TOKEN): the
 * `Bearer` token must equal it, compared in constant time. `scheme` names the OpenAPI security scheme.
 */
export function tokenAccess(secret: string, scheme: string): Access {
  const expected = createHash('sha256').update(secret).digest()
  return {
    security: [{ [scheme]: [] }],
    async check(request) {
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
      if (!given) throw new AppError('unauthorized')
      if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected))
        throw new AppError('invalid_token', 'The token is not valid')
    },
  }
}

/** The signed-in user of a route whose access requires a user. */
export function currentUser(request: FastifyRequest): UserPrincipal {
  const p = request.principal
  if (!p || p.kind !== 'user') throw new AppError('unauthorized')
  return p
}

/** Stable string naming the caller, for audit rows and idempotency scopes. */
export function principalKey(p: Principal | undefined): string {
  if (!p) return 'anonymous'
  return p.kind === 'user' ? `user:${p.userId}` : `apiKey:${p.keyId}`
}
