import { Type } from 'typebox'
import { tokenAccess, type Auth } from './auth'
import { route, type App } from './route'
import type { Audit } from '../audit/service'
import type { Db } from '../db/client'
import type { Jobs } from '../jobs/queue'
import type { Metrics } from '../metrics/registry'
import { sendProblem } from './errors'
import { Id, Nullable, Timestamp } from './schemas'

/** Who acted: a user, or an API key (name only). Null for the system. */
const AuditActor = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
})

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) })

/** Health, readiness, metrics, and the admin views of core parts (audit log, dead letters). */
export function opsRoutes(
  app: App,
  deps: {
    auth: Auth
    metrics: Metrics
    audit: Audit
    jobs: Jobs
    db: Db
    checks: Record<string, () => Promise<unknown>>
    /** METRICS_TOKEN: when set, /metrics answers only to it. */
    metricsToken?: string
  },
) {
  const { auth, metrics, audit, jobs } = deps
  const admin = auth.require({ roles: ['admin'] })

  route(app, {
    method: 'GET',
    url: '/healthz',
    operationId: 'healthz',
    tags: ['ops'],
    access: auth.public,
    summary: 'Liveness: the process answers',
    schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  })

  route(app, {
    method: 'GET',
    url: '/readyz',
    operationId: 'readyz',
    tags: ['ops'],
    access: auth.public,
    summary: 'Readiness: database, Redis (when set) and the job queue answer',
    errors: [503],
    schema: { response: { 200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }) } },
    handler: async (_request, reply) => {
      const checks: Record<string, { ok: boolean; error?: string }> = {}
      await Promise.all(
        Object.entries(deps.checks).map(async ([name, check]) => {
          try {
            const result = await Promise.race([
              check(),
              new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000)),
            ])
            checks[name] = result === false ? { ok: false, error: 'not started' } : { ok: true }
          } catch (e) {
            checks[name] = { ok: false, error: (e as Error).message }
          }
        }),
      )
      const ok = Object.values(checks).every((c) => c.ok)
      if (!ok)
        return sendProblem(
          reply,
          'unavailable',
          Object.entries(checks)
            .filter(([, c]) => !c.ok)
            .map(([n, c]) => `${n}: ${c.error}`)
            .join('; '),
        )
      return { status: 'ready', checks }
    },
  })

  route(app, {
    method: 'GET',
    url: '/metrics',
    operationId: 'metrics',
    tags: ['ops'],
    access: deps.metricsToken ? tokenAccess(deps.metricsToken, 'metricsToken') : auth.public,
    summary: 'Prometheus metrics (with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`)',
    schema: { produces: ['text/plain'], response: { 200: Type.String() } } as any,
    handler: async (_request, reply) =>
      reply
        .type(metrics.registry.contentType)
        .serializer(String)
        .send(await metrics.registry.metrics()),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/audit',
    operationId: 'listAuditLog',
    tags: ['admin'],
    access: admin,
    summary: 'The audit log, newest first, with actors and targets by name; filter by action, actor and time',
    schema: {
      querystring: Type.Object(
        {
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          action: Type.Optional(Type.String({ maxLength: 100 })),
          actorId: Type.Optional(Type.String({ ...Id, description: 'Only what this user or API key did' })),
          from: Type.Optional(Type.String({ ...Timestamp, description: 'Only rows at or after this instant' })),
          to: Type.Optional(Type.String({ ...Timestamp, description: 'Only rows before this instant' })),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          items: Type.Array(
            Type.Object({
              seq: Type.String(),
              at: Type.String(),
              actorType: Type.String(),
              actorId: Type.Union([Type.String(), Type.Null()]),
              action: Type.String(),
              targetType: Type.Union([Type.String(), Type.Null()]),
              targetId: Type.Union([Type.String(), Type.Null()]),
              data: Type.Unknown(),
              // Null for a moment after the row's commit, until the chainer gives it its place in the chain.
              prevHash: Nullable(Type.String({ description: 'The previous row’s hash in the chain; null until the row is chained' })),
              hash: Nullable(Type.String({ description: 'This row’s hash; null until the row is chained (a moment after its commit)' })),
              actor: Nullable(AuditActor),
              target: Nullable(Type.Object({ label: Type.String() })),
            }),
          ),
          nextCursor: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    },
    handler: async (request) => {
      const { cursor, limit, ...filters } = request.query
      const page = await audit.list({ ...filters, limit: limit ?? 50, before: cursor ? BigInt(cursor) : undefined })
      return { ...page, items: page.items.map((r) => ({ ...r, seq: r.seq.toString(), at: new Date(r.at).toISOString() })) }
    },
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/audit/verify',
    operationId: 'verifyAuditLog',
    tags: ['admin'],
    access: admin,
    summary: 'Re-compute the hash chain and report the first broken row, if any',
    schema: {
      response: {
        200: Type.Object({
          valid: Type.Boolean(),
          checked: Type.Integer(),
          brokenAtSeq: Type.Union([Type.String(), Type.Null()]),
          reason: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    },
    handler: async () => audit.verify(),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/jobs/dead',
    operationId: 'listDeadJobs',
    tags: ['admin'],
    access: admin,
    summary: 'Jobs that failed all their retries (dead letters)',
    schema: {
      querystring: Type.Object(
        { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          items: Type.Array(
            Type.Object({ id: Type.String(), queue: Type.String(), data: Type.Unknown(), error: Type.Unknown(), createdOn: Type.String() }),
          ),
        }),
      },
    },
    handler: async (request) => ({ items: await jobs.listDead(request.query.limit ?? 50) }),
  })

  route(app, {
    method: 'POST',
    url: '/v1/admin/jobs/dead/:id/retry',
    operationId: 'retryDeadJob',
    tags: ['admin'],
    access: admin,
    summary: 'Send a dead job back to its queue with a fresh retry budget',
    errors: [404],
    schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 202: Type.Object({ requeued: Type.Boolean() }) } },
    handler: async (request, reply) => {
      if (!(await jobs.retryDead(request.params.id))) return sendProblem(reply, 'not_found', 'No such dead job')
      await audit.append(deps.db, { actor: request.principal!, action: 'job.retried', targetType: 'job', targetId: request.params.id })
      return reply.code(202).send({ requeued: true })
    },
  })
}
