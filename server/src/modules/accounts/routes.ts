import { Type } from 'typebox'
import { currentUser, type Auth } from '../../core/http/auth'
import { route, type App } from '../../core/http/route'
import { RefTo } from '../../core/http/schemas'
import { hostUserRoutes, hostUserTags } from './host-routes'
import * as S from './schemas'
import type { AccountsService } from './service'
import { userView } from './service'

export function accountsRoutes(app: App, deps: { accounts: AccountsService; auth: Auth; authRateLimitPerMinute: number }) {
  const { accounts, auth } = deps
  hostUserRoutes(app, deps)
  const signedIn = auth.require()
  const admin = auth.require({ roles: ['admin'] })
  // A tighter limit where each request costs an Argon2 hash.
  const passwordRateLimit = { max: deps.authRateLimitPerMinute, timeWindow: '1 minute' }

  route(app, {
    method: 'POST',
    url: '/v1/auth/register',
    operationId: 'register',
    tags: ['auth'],
    access: auth.public,
    summary: 'Create a customer account (and sign in, unless the e-mail address must be verified first)',
    description:
      'With e-mail verification on (EMAIL_VERIFICATION), the answer carries no tokens: a link is e-mailed, and POST /v1/auth/verify-email redeems it.',
    errors: [409],
    rateLimit: passwordRateLimit,
    schema: { body: S.RegisterBody, response: { 201: S.Registration } },
    handler: async (request, reply) => reply.code(201).send(await accounts.register(request.body)),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/login',
    operationId: 'login',
    tags: ['auth'],
    access: auth.public,
    summary: 'Sign in with email and password',
    description:
      'Repeated failures from one address for one account are refused with 429 and Retry-After; other addresses are slowed down, never locked out. An unverified address answers 403 email_not_verified.',
    errors: [401, 403],
    rateLimit: passwordRateLimit,
    schema: { body: S.LoginBody, response: { 200: RefTo(S.Session) } },
    handler: async (request) => accounts.login(request.body, request.ip),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/verify-email',
    operationId: 'verifyEmail',
    tags: ['auth'],
    access: auth.public,
    summary: 'Redeem an e-mail verification link and sign in',
    errors: [401],
    rateLimit: passwordRateLimit,
    schema: { body: S.VerifyEmailBody, response: { 200: RefTo(S.Session) } },
    handler: async (request) => accounts.verifyEmail(request.body.token),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/verify-email/resend',
    operationId: 'resendVerificationEmail',
    tags: ['auth'],
    access: auth.public,
    summary: 'E-mail a new verification link (answers 202 whether or not the address has an account)',
    rateLimit: passwordRateLimit,
    schema: { body: S.ResendVerificationBody, response: { 202: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.resendVerification(request.body.email)
      return reply.code(202).send(null)
    },
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/password-reset',
    operationId: 'requestPasswordReset',
    tags: ['auth'],
    access: auth.public,
    summary: 'E-mail a password reset link (answers 202 whether or not the address has an account)',
    description: "The link works for an hour and once. It also sets a first password for a host product's user.",
    rateLimit: passwordRateLimit,
    schema: { body: S.PasswordResetBody, response: { 202: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.requestPasswordReset(request.body.email)
      return reply.code(202).send(null)
    },
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/password-reset/confirm',
    operationId: 'confirmPasswordReset',
    tags: ['auth'],
    access: auth.public,
    summary: "Set a new password with a reset link's token and sign in (every other session ends)",
    errors: [401],
    rateLimit: passwordRateLimit,
    schema: { body: S.PasswordResetConfirmBody, response: { 200: RefTo(S.Session) } },
    handler: async (request) => accounts.resetPassword(request.body.token, request.body.password),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/refresh',
    operationId: 'refreshSession',
    tags: ['auth'],
    access: auth.public,
    summary: 'Trade a refresh token for a new token pair',
    description:
      'Refresh tokens are single use. Presenting a spent one revokes every token of its family (a stolen token is useless once either party uses it).',
    errors: [401],
    schema: { body: S.RefreshBody, response: { 200: RefTo(S.Session) } },
    handler: async (request) => accounts.refresh(request.body.refreshToken),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/logout',
    operationId: 'logout',
    tags: ['auth'],
    access: auth.public,
    summary: 'End a session (revokes its refresh token family)',
    schema: { body: S.RefreshBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.logout(request.body.refreshToken)
      return reply.code(204).send(null)
    },
  })

  route(app, {
    method: 'GET',
    url: '/v1/me',
    operationId: 'getMe',
    tags: ['me'],
    access: signedIn,
    summary: 'The signed-in user',
    errors: [404],
    schema: { response: { 200: RefTo(S.User) } },
    handler: async (request) => await accounts.me(currentUser(request).userId),
  })

  route(app, {
    method: 'PATCH',
    url: '/v1/me',
    operationId: 'updateMe',
    tags: ['me'],
    access: signedIn,
    summary: 'Change name, language, time zone or phone',
    errors: [404],
    schema: { body: S.UpdateMeBody, response: { 200: RefTo(S.User) } },
    handler: async (request) => userView(await accounts.updateMe(currentUser(request).userId, request.body)),
  })

  route(app, {
    method: 'POST',
    url: '/v1/me/password',
    operationId: 'changePassword',
    tags: ['me'],
    access: signedIn,
    summary: 'Change my password with the current one (every other session ends; this one goes on)',
    errors: [400, 409],
    rateLimit: passwordRateLimit,
    schema: { body: S.ChangePasswordBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.changePassword(currentUser(request), request.body.currentPassword, request.body.newPassword)
      return reply.code(204).send(null)
    },
  })

  route(app, {
    method: 'POST',
    url: '/v1/me/sessions/end-others',
    operationId: 'endOtherSessions',
    tags: ['me'],
    access: signedIn,
    summary: 'Sign out everywhere else: every session but this one ends at once',
    schema: { response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.endOtherSessions(currentUser(request))
      return reply.code(204).send(null)
    },
  })

  route(app, {
    method: 'POST',
    url: '/v1/me/devices',
    operationId: 'registerDevice',
    tags: ['me'],
    access: signedIn,
    summary: 'Register a push target (FCM or APNS token, or a Web Push subscription)',
    errors: [422],
    schema: { body: S.RegisterDeviceBody, response: { 201: RefTo(S.Device) } },
    handler: async (request, reply) => reply.code(201).send(await accounts.registerDevice(currentUser(request).userId, request.body)),
  })

  route(app, {
    method: 'GET',
    url: '/v1/me/devices',
    operationId: 'listDevices',
    tags: ['me'],
    access: signedIn,
    summary: 'My push targets',
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(S.Device)) }) } },
    handler: async (request) => ({ items: await accounts.listDevices(currentUser(request).userId) }),
  })

  route(app, {
    method: 'DELETE',
    url: '/v1/me/devices/:id',
    operationId: 'deleteDevice',
    tags: ['me'],
    access: signedIn,
    summary: 'Remove a push target',
    errors: [404],
    schema: { params: S.IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.deleteDevice(currentUser(request).userId, request.params.id)
      return reply.code(204).send(null)
    },
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/users',
    operationId: 'listUsers',
    tags: ['admin'],
    access: auth.require({ roles: ['admin'], apiKeyScope: 'users:read' }),
    summary: 'List users, newest first, by role or by part of the email, name or externalId',
    schema: { querystring: S.ListUsersQuery, response: { 200: S.UserPage } },
    handler: async (request) => accounts.listUsers({ ...request.query, limit: request.query.limit ?? 20 }),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/users/:id',
    operationId: 'getUser',
    tags: ['admin'],
    access: auth.require({ roles: ['admin', 'agent'], apiKeyScope: 'users:read' }),
    summary: 'One user',
    errors: [404],
    schema: { params: S.IdParams, response: { 200: RefTo(S.User) } },
    handler: async (request) => userView(await accounts.getUser(request.params.id)),
  })

  route(app, {
    method: 'PUT',
    url: '/v1/admin/users/:id/role',
    operationId: 'setUserRole',
    tags: ['admin'],
    access: admin,
    summary: "Change a user's role (audited; ends that user's sessions)",
    errors: [404, 409],
    schema: { params: S.IdParams, body: S.SetRoleBody, response: { 200: RefTo(S.User) } },
    handler: async (request) => userView(await accounts.setRole(request.principal!, request.params.id, request.body.role)),
  })

  route(app, {
    method: 'POST',
    url: '/v1/api-keys',
    operationId: 'createApiKey',
    tags: ['api-keys'],
    access: admin,
    summary: "Create an API key for the host product's server (the key is shown only in this answer)",
    schema: { body: S.CreateApiKeyBody, response: { 201: S.CreatedApiKey } },
    handler: async (request, reply) => reply.code(201).send(await accounts.createApiKey(request.principal!, request.body)),
  })

  route(app, {
    method: 'GET',
    url: '/v1/api-keys',
    operationId: 'listApiKeys',
    tags: ['api-keys'],
    access: admin,
    summary: 'List API keys (never the keys themselves)',
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(S.ApiKey)) }) } },
    handler: async () => ({ items: await accounts.listApiKeys() }),
  })

  route(app, {
    method: 'DELETE',
    url: '/v1/api-keys/:id',
    operationId: 'revokeApiKey',
    tags: ['api-keys'],
    access: admin,
    summary: 'Revoke an API key at once',
    errors: [404],
    schema: { params: S.IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await accounts.revokeApiKey(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })
}

export const accountsTags = [
  { name: 'auth', description: 'Sign-up, sign-in, sessions' },
  { name: 'me', description: 'The signed-in user' },
  { name: 'api-keys', description: "Keys and the identity secret for the host product's server" },
  ...hostUserTags,
]

export const accountsSchemas = [S.User, S.Session, S.ApiKey, S.Device, S.ExternalUser, S.IdentitySecret]
