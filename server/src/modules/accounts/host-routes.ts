// Routes for the host product's users: upsert by externalId, sessions for them (API key or signed
// identity), the identity secret, export and erasure.
import { Type } from 'typebox'
import type { Auth } from '../../core/http/auth'
import { route, type App } from '../../core/http/route'
import { IdParams, RefTo } from '../../core/http/schemas'
import * as S from './schemas'
import type { AccountsService } from './service'
import { externalUserView } from './views'

export function hostUserRoutes(app: App, deps: { accounts: AccountsService; auth: Auth; authRateLimitPerMinute: number }) {
  const { auth } = deps
  const host = deps.accounts.hostUsers
  const tags = ['users']
  const writer = auth.require({ roles: ['admin'], apiKeyScope: 'users:write' })
  const reader = auth.require({ roles: ['admin'], apiKeyScope: 'users:read' })

  route(app, {
    method: 'PUT',
    url: '/v1/users/external/:externalId',
    operationId: 'upsertExternalUser',
    tags,
    access: writer,
    summary: "Create or update a host product's user by its own id (201 created, 200 updated)",
    description:
      'Omitted fields stay as they are; null clears a field; attributes are replaced whole. The user has no password: password sign-in is refused until a password reset sets one.',
    errors: [409, 422],
    schema: {
      params: S.ExternalIdParams,
      body: S.UpsertExternalUserBody,
      response: { 200: RefTo(S.ExternalUser), 201: RefTo(S.ExternalUser) },
    },
    handler: async (request, reply) => {
      const { user, created } = await host.upsert(request.params.externalId, request.body)
      return reply.code(created ? 201 : 200).send(externalUserView(user))
    },
  })

  route(app, {
    method: 'GET',
    url: '/v1/users/external/:externalId',
    operationId: 'getExternalUser',
    tags,
    access: reader,
    summary: "A host product's user by its own id",
    errors: [404],
    schema: { params: S.ExternalIdParams, response: { 200: RefTo(S.ExternalUser) } },
    handler: async (request) => externalUserView(await host.byExternalId(request.params.externalId)),
  })

  route(app, {
    method: 'POST',
    // "::" is Fastify's literal colon: the path is /v1/users/external:batch.
    url: '/v1/users/external::batch',
    operationId: 'batchUpsertExternalUsers',
    tags,
    access: writer,
    summary: "Create or update up to 1,000 host product's users at once (all or nothing)",
    errors: [409, 422],
    schema: { body: S.BatchUpsertBody, response: { 200: S.BatchUpsertResult } },
    handler: async (request) => {
      const results = await host.upsertBatch(request.body.users)
      const created = results.filter((r) => r.created).length
      return { created, updated: results.length - created, items: results.map((r) => externalUserView(r.user)) }
    },
  })

  route(app, {
    method: 'DELETE',
    url: '/v1/users/external/:externalId',
    operationId: 'eraseExternalUser',
    tags,
    access: writer,
    summary: "Erase a host product's user: personal data wiped, sessions and devices ended (audited)",
    errors: [404, 409],
    schema: { params: S.ExternalIdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await host.eraseByExternalId(request.principal!, request.params.externalId)
      return reply.code(204).send(null)
    },
  })

  route(app, {
    method: 'DELETE',
    url: '/v1/users/:id',
    operationId: 'eraseUser',
    tags,
    access: writer,
    summary: 'Erase a user by Caravan id: personal data wiped, sessions and devices ended (audited)',
    errors: [404, 409],
    schema: { params: IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await host.eraseById(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })

  route(app, {
    method: 'GET',
    url: '/v1/users/:id/export',
    operationId: 'exportUser',
    tags,
    access: reader,
    summary: 'Everything Caravan holds about a user, as JSON (data portability)',
    errors: [404],
    schema: { params: IdParams, response: { 200: S.UserExport } },
    handler: async (request) => host.exportUser(request.params.id),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/sessions',
    operationId: 'createSessionForExternalUser',
    tags: ['auth'],
    access: auth.require({ roles: [], apiKeyScope: 'sessions:create' }),
    summary: "Tokens for a host product's user, server to server (the user is created or updated first)",
    description: "For the host's server only: never put an API key with sessions:create in a browser or an app.",
    errors: [409, 422],
    schema: { body: S.SessionForExternalBody, response: { 200: RefTo(S.Session) } },
    handler: async (request) => host.openSession(request.body),
  })

  route(app, {
    method: 'POST',
    url: '/v1/auth/identity',
    operationId: 'exchangeIdentity',
    tags: ['auth'],
    access: auth.public,
    summary: "Tokens for a host product's user in the browser, for the host's signature of the externalId",
    description:
      "signature = hex HMAC-SHA256(identity secret, externalId), computed on the host's server. Checked on every exchange; a bad or missing signature is refused with 401 invalid_signature.",
    errors: [401],
    rateLimit: { max: deps.authRateLimitPerMinute, timeWindow: '1 minute' },
    schema: { body: S.IdentityBody, response: { 200: RefTo(S.Session) } },
    handler: async (request) => host.identitySession(request.body.externalId, request.body.signature),
  })

  route(app, {
    method: 'GET',
    url: '/v1/identity-secrets',
    operationId: 'listIdentitySecrets',
    tags: ['api-keys'],
    access: auth.require({ roles: ['admin'] }),
    summary: 'Identity secrets in use (never their values): the current one and those in their grace period',
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(S.IdentitySecret)) }) } },
    handler: async () => ({ items: await deps.accounts.identity.list() }),
  })

  route(app, {
    method: 'POST',
    url: '/v1/identity-secrets',
    operationId: 'rotateIdentitySecret',
    tags: ['api-keys'],
    access: auth.require({ roles: ['admin'] }),
    summary: 'Make a new identity secret (shown only in this answer); the previous one keeps working for graceSeconds',
    schema: { body: S.RotateIdentitySecretBody, response: { 201: S.RotatedIdentitySecret } },
    handler: async (request, reply) =>
      reply.code(201).send(await deps.accounts.identity.rotate(request.principal!, request.body.graceSeconds ?? 86_400)),
  })
}

export const hostUserTags = [{ name: 'users', description: "The host product's users: upsert by externalId, export, erasure" }]
