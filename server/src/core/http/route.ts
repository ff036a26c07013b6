// The one way to declare an HTTP route. It makes every operation carry an operationId, a
// summary, its security and its error responses in OpenAPI, and wires access checks,
// idempotency and per-route rate limits from the same declaration.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchema,
  HTTPMethods,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify'
import type { Access } from './auth'
import { DEVICE_ID_HEADER, DEVICE_ID_PATTERN } from './client-context'
import { errorResponses } from './errors'
import { guardMoneyBody } from './card-numbers'
import type { Idempotency } from './idempotency'

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface RouteDef<S extends FastifySchema> {
  method: HTTPMethods
  url: string
  operationId: string
  summary: string
  description?: string
  tags: string[]
  access: Access
  schema: S
  /** Error statuses this route can answer with (400, 401 and 403 are added from `access`). */
  errors?: number[]
  /** Accept an Idempotency-Key header (payments, wallet, coupons...). */
  idempotency?: Idempotency
  /** A money write (payments, wallet, refunds): refuse card numbers and numeric amounts before validation (core/http/card-numbers). */
  moneyWrite?: boolean
  /** Reads the optional X-Device-Id header (core/http/client-context): documented and validated. */
  deviceId?: boolean
  /** Per-route rate limit, e.g. { max: 10, timeWindow: '1 minute' }. */
  rateLimit?: { max: number; timeWindow: string | number }
  handler: RouteHandlerMethod<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    RouteGenericInterface,
    ContextConfigDefault,
    S,
    TypeBoxTypeProvider,
    FastifyBaseLogger
  >
}

export function route<const S extends FastifySchema>(app: App, def: RouteDef<S>) {
  const statuses = new Set(def.errors ?? [])
  statuses.add(429)
  if ((def.schema as any).body || (def.schema as any).querystring || (def.schema as any).params) statuses.add(400)
  if (def.access.security.length > 0) {
    statuses.add(401)
    statuses.add(403)
  }
  if (def.moneyWrite) statuses.add(400)
  if (def.idempotency) {
    statuses.add(409)
    statuses.add(422)
  }
  const schema = {
    ...def.schema,
    operationId: def.operationId,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    tags: def.tags,
    security: def.access.security,
    // Who may call it, for readers of the document and the route × role test.
    ...(def.access.security.length ? { 'x-caravan-roles': def.access.roles ?? ['customer', 'agent', 'admin'] } : {}),
    ...(def.idempotency || def.deviceId
      ? {
          headers: {
            type: 'object',
            properties: {
              ...(def.idempotency
                ? {
                    'idempotency-key': {
                      type: 'string',
                      maxLength: 255,
                      description: 'Retry-safe key: a retry with the same key and body returns the first response',
                    },
                  }
                : {}),
              ...(def.deviceId
                ? {
                    [DEVICE_ID_HEADER]: {
                      type: 'string',
                      pattern: DEVICE_ID_PATTERN,
                      description: 'The id the client keeps for this installation or browser; fraud rules count operations per device',
                    },
                  }
                : {}),
            },
          },
        }
      : {}),
    response: { ...(def.schema.response as object), ...errorResponses(...[...statuses].sort()) },
  }
  const preHandler: any[] = []
  const idempotency = def.idempotency
  if (idempotency) {
    preHandler.push(async (request: any, reply: any) => {
      if (await idempotency.begin(request, reply)) return reply
    })
  }
  app.route({
    method: def.method,
    url: def.url,
    schema,
    // Access is checked after the rate limit (onRequest) and before the body is read or validated.
    ...(def.access.check ? { preParsing: def.access.check } : {}),
    ...(def.moneyWrite ? { preValidation: guardMoneyBody } : {}),
    preHandler,
    ...(def.rateLimit ? { config: { rateLimit: def.rateLimit } } : {}),
    ...(idempotency
      ? {
          onSend: async (request: any, reply: any, payload: any) => {
            await idempotency.finish(request, reply.statusCode, payload)
            return payload
          },
        }
      : {}),
    handler: def.handler as any,
  })
}
