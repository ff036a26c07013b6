// Who is calling: a user with a JWT access token, or the host product's server with an API key
// (`Bearer ck_...`). Every route states its access (public, roles, API key scope) once; the same
// statement drives the check and the route's OpenAPI `security`.
import type { FastifyRequest } from 'fastify'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { AppError } from './errors'

export type UserRole = 'customer' | 'agent' | 'admin'
export const USER_ROLES: UserRole[] = ['customer', 'agent', 'admin']

export type Principal = { kind: 'user'; userId: string; role: UserRole } | { kind: 'apiKey'; keyId: string; scopes: string[] }

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
}

export interface Access {
  /** OpenAPI security requirement for this route ([] = public). */
  security: Record<string, string[]>[]
  preHandler?: (request: FastifyRequest) => Promise<void>
}

export interface AccessRule {
  /** User roles allowed; omitted = any signed-in user. */
  roles?: UserRole[]
  /** API keys with this scope (or '*') are accepted too; omitted = users only. */
  apiKeyScope?: string
}

export type ApiKeyResolver = (key: string) => Promise<{ keyId: string; scopes: string[] } | null>

export const API_KEY_PREFIX = 'ck_'

export function createAuth(options: { jwtSecret: string; accessTokenTtlSeconds: number; resolveApiKey: ApiKeyResolver }) {
  const key = new TextEncoder().encode(options.jwtSecret)
  const issuer = 'caravan'

  async function signAccessToken(user: { id: string; role: UserRole }): Promise<string> {
    return new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime(`${options.accessTokenTtlSeconds}s`)
      .sign(key)
  }

  /** Verifies an access token; throws AppError('invalid_token') when it is not good. */
  async function verifyAccessTokenWithExpiry(token: string): Promise<Principal & { kind: 'user'; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(token, key, { issuer, algorithms: ['HS256'] })
      const role = payload.role as UserRole
      if (!payload.sub || !USER_ROLES.includes(role) || !payload.exp) throw new AppError('invalid_token')
      return { kind: 'user', userId: payload.sub, role, expiresAt: payload.exp }
    } catch (e) {
      if (e instanceof AppError) throw e
      const expired = e instanceof joseErrors.JWTExpired
      throw new AppError('invalid_token', expired ? 'The access token has expired' : 'The access token is not valid')
    }
  }

  async function verifyAccessToken(token: string): Promise<Principal & { kind: 'user' }> {
    const { expiresAt: _, ...principal } = await verifyAccessTokenWithExpiry(token)
    return principal
  }

  async function principalOf(request: FastifyRequest): Promise<Principal | undefined> {
    const header = request.headers.authorization
    if (!header) return undefined
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) throw new AppError('unauthorized', 'Authorization must be "Bearer <token>"')
    const token = match[1]
    if (token.startsWith(API_KEY_PREFIX)) {
      const resolved = await options.resolveApiKey(token)
      if (!resolved) throw new AppError('invalid_token', 'The API key is not valid or was revoked')
      return { kind: 'apiKey', ...resolved }
    }
    return verifyAccessToken(token)
  }

  const publicAccess: Access = { security: [] }

  function require(rule: AccessRule = {}): Access {
    const security: Access['security'] = [{ bearerAuth: [] }]
    if (rule.apiKeyScope) security.push({ apiKey: [rule.apiKeyScope] })
    return {
      security,
      async preHandler(request) {
        const principal = await principalOf(request)
        if (!principal) throw new AppError('unauthorized')
        if (principal.kind === 'apiKey') {
          if (!rule.apiKeyScope) throw new AppError('forbidden', 'This endpoint does not accept API keys')
          if (!principal.scopes.includes('*') && !principal.scopes.includes(rule.apiKeyScope)) {
            throw new AppError('forbidden', `The API key lacks the scope "${rule.apiKeyScope}"`)
          }
        } else if (rule.roles && !rule.roles.includes(principal.role)) {
          throw new AppError('forbidden', `Requires the role ${rule.roles.join(' or ')}`)
        }
        request.principal = principal
      },
    }
  }

  return { signAccessToken, verifyAccessToken, verifyAccessTokenWithExpiry, public: publicAccess, require }
}

export type Auth = ReturnType<typeof createAuth>

/** The signed-in user of a route whose access requires a user. */
export function currentUser(request: FastifyRequest): { userId: string; role: UserRole } {
  const p = request.principal
  if (!p || p.kind !== 'user') throw new AppError('unauthorized')
  return p
}

/** Stable string naming the caller, for audit rows and idempotency scopes. */
export function principalKey(p: Principal | undefined): string {
  if (!p) return 'anonymous'
  return p.kind === 'user' ? `user:${p.userId}` : `apiKey:${p.keyId}`
}
