// One error type for the whole server, mapped to RFC 9457 problem+json in exactly one place
// (installErrorHandling). Modules throw AppError; anything else is a 5xx with internals hidden.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { Type, type Static } from 'typebox'

/** The problem types core itself raises. Modules add theirs with defineProblemTypes. */
const CORE_PROBLEM_TYPES = {
  validation: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'The request could not be read' },
  card_number_refused: { status: 400, title: 'Card numbers are never accepted: pay on the gateway page' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  invalid_token: { status: 401, title: 'The token is invalid or expired' },
  forbidden: { status: 403, title: 'You are not allowed to do this' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  idempotency_mismatch: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  unprocessable: { status: 422, title: 'The request cannot be processed' },
  // Signed callbacks from outside (payment gateways, inbound mail): one type for every module.
  webhook_signature_invalid: { status: 400, title: 'The webhook signature is not valid' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const

/**
 * Every problem type by name. A module declares its own types by merging into this interface
 * (`declare module '.../core/http/errors' { interface ProblemTypes { email_taken: true } }`) and
 * registering their status and title with defineProblemTypes at load time.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ProblemTypes extends Record<keyof typeof CORE_PROBLEM_TYPES, true> {}

export type ProblemType = keyof ProblemTypes & string

// Filled in by defineProblemTypes for the module-declared types before any request is served.
export const PROBLEM_TYPES = { ...CORE_PROBLEM_TYPES } as Record<ProblemType, { status: number; title: string }>

export function defineProblemTypes(types: Partial<Record<ProblemType, { status: number; title: string }>>) {
  // One meaning per name: a second module defining a type again would silently change the first one's answers.
  for (const [name, type] of Object.entries(types)) {
    const known = (PROBLEM_TYPES as Record<string, { status: number; title: string } | undefined>)[name]
    if (known && (known.status !== type!.status || known.title !== type!.title))
      throw new Error(`problem type "${name}" is defined twice (${known.status} "${known.title}", ${type!.status} "${type!.title}")`)
  }
  Object.assign(PROBLEM_TYPES, types)
}

const TYPE_BASE = 'https://caravan.dev/problems/'

export interface FieldError {
  field: string
  message: string
  /** The rule broken, stable and machine-readable (the message is for people and may change), where a module names it. */
  code?: string
}

export class AppError extends Error {
  constructor(
    readonly type: ProblemType,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? PROBLEM_TYPES[type].title)
  }
  get status(): number {
    return PROBLEM_TYPES[this.type].status
  }
}

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'Stable URI naming the kind of error' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          message: Type.String(),
          code: Type.Optional(Type.String({ description: 'The rule broken, stable (the message may change); where the module names one' })),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem (RFC 9457)' },
)
export type Problem = Static<typeof Problem>

/** Response schemas for the error statuses a route can return, for OpenAPI. */
export function errorResponses(...statuses: number[]) {
  const out: Record<number, unknown> = {}
  for (const status of statuses) {
    const titles = Object.values(PROBLEM_TYPES)
      .filter((p) => p.status === status)
      .map((p) => p.title)
    out[status] = { ...Type.Ref('Problem'), description: titles.join('; ') || 'Error' }
  }
  return out
}

export function sendProblem(reply: FastifyReply, type: ProblemType, detail?: string, extra: AppError['extra'] = {}) {
  const { status, title } = PROBLEM_TYPES[type]
  if (extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(extra.retryAfterSeconds))))
  // A problem's own headers (416's Content-Range); set before the body, never replacing the type.
  for (const [name, value] of Object.entries(extra.headers ?? {})) reply.header(name, value)
  const body: Problem = { type: TYPE_BASE + type, title, status, requestId: String(reply.request.id) }
  if (detail) body.detail = detail
  body.instance = reply.request.url.split('?')[0]
  if (extra.errors) body.errors = extra.errors
  return reply.code(status).type('application/problem+json').serializer(JSON.stringify).send(body)
}

function validationErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v: any) => {
    const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.')
    const missing = v.params?.missingProperty ?? v.params?.requiredProperties?.[0]
    const field = [error.validationContext, path, missing].filter(Boolean).join('.')
    return { field: field || String(error.validationContext ?? 'body'), message: v.message ?? 'is not valid' }
  })
}

/** Maps Fastify's own error codes to problem types; everything unknown is a hidden 5xx. */
function classify(error: FastifyError): { type: ProblemType; detail?: string; errors?: FieldError[] } {
  if (error instanceof AppError) return { type: error.type, detail: error.detail, errors: error.extra.errors }
  if (error.validation) return { type: 'validation', detail: error.message, errors: validationErrors(error) }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { type: 'payload_too_large' }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { type: 'unsupported_media_type', detail: error.message }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { type: 'bad_request', detail: error.message }
  }
  if (error.statusCode === 429) return { type: 'rate_limited', detail: error.message }
  if (error instanceof SyntaxError) return { type: 'bad_request', detail: 'The body is not valid JSON' }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const match = (Object.keys(PROBLEM_TYPES) as ProblemType[]).find((t) => PROBLEM_TYPES[t].status === error.statusCode)
    return { type: match ?? 'bad_request', detail: error.message }
  }
  return { type: 'internal' }
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { type, detail, errors } = classify(error)
    const status = PROBLEM_TYPES[type].status
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ problem: type, detail }, 'request refused')
    const retryAfterSeconds =
      error instanceof AppError ? error.extra.retryAfterSeconds : status === 429 ? Number(reply.getHeader('retry-after')) || 60 : undefined
    const headers = error instanceof AppError ? error.extra.headers : undefined
    return sendProblem(reply, type, status >= 500 ? undefined : detail, { errors, retryAfterSeconds, headers })
  })
}
