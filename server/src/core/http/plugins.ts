// The HTTP plumbing every route shares: request ids, security headers, CORS, rate limits,
// metrics, problem+json errors, rate-limited 404s and the generated OpenAPI document.
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { Redis } from 'ioredis'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { AppError, Problem, installErrorHandling, sendProblem } from './errors'
import { WIDGET_IDENTITY_HEADER, WIDGET_SITE_HEADER } from './auth'
import { DEVICE_ID_HEADER } from './client-context'
import type { App } from './route'
import type { Metrics } from '../metrics/registry'
import { securityHeaders } from './security-headers'
import { mayHoldUnstorableText, unstorableText } from '../text/storable'

export const API_PREFIXES = ['/v1/', '/docs', '/realtime', '/healthz', '/readyz', '/metrics', '/internal/']

/** JSON bodies nested deeper than this are refused before parsing (deep nesting exhausts recursive code). */
export const MAX_JSON_DEPTH = 64

/**
 * The HTTP server behind Fastify, with a deadline for receiving each request (headers and body):
 * a client trickling a byte every few seconds is cut off instead of holding a connection for
 * minutes. Node checks the deadline every `connectionsCheckingInterval`, so that follows it.
 */
export function createHttpServer(requestTimeoutMs: number, handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
    },
    handler,
  )
}

/** How deeply `text` (JSON) nests arrays and objects, stopping early once past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \\ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return false
}

/**
 * Where validation left a number that is not finite, as `querystring/limit` or `body/a/0`.
 * Ajv (8.20) coerces the strings "Infinity" and "1e309" (in a query, a path or a body) to
 * Infinity, calls that an integer and skips its minimum and maximum. Bodies nest at most
 * MAX_JSON_DEPTH levels (the JSON parser's limit), so the walk is bounded.
 */
export function nonFiniteInput(request: { query: unknown; params: unknown; body: unknown }): string | undefined {
  const walk = (value: unknown, at: string): string | undefined => {
    if (typeof value === 'number') return Number.isFinite(value) ? undefined : at
    // A webhook's raw body is a Buffer: bytes, not fields (and walked by index, a slow walk).
    if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined
    for (const [key, inner] of Object.entries(value)) {
      const found = walk(inner, `${at}/${key}`)
      if (found) return found
    }
    return undefined
  }
  return walk(request.query, 'querystring') ?? walk(request.params, 'params') ?? walk(request.body, 'body')
}

/**
 * The CORS origin rule for HTTP and socket.io: CORS_ORIGINS ('*' = any), then `extra` (an origin a
 * widget site allows). Credentials are never sent cross-origin, so an allowed origin gains no cookie.
 */
export function corsOriginCheck(origins: string[], extra?: (origin: string) => Promise<boolean>) {
  const any = origins.includes('*')
  const listed = new Set(origins)
  return (origin: string | undefined, callback: (err: Error | null, allow: boolean) => void) => {
    if (!origin || any || listed.has(origin)) return callback(null, any || listed.has(origin ?? ''))
    if (!extra) return callback(null, false)
    extra(origin).then(
      (allow) => callback(null, allow),
      () => callback(null, false),
    )
  }
}

export async function installHttpPlumbing(
  app: App,
  options: {
    corsOrigins: string[]
    /** Origins allowed beyond CORS_ORIGINS, decided per origin (the live chat widget's sites). */
    extraCorsOrigin?: (origin: string) => Promise<boolean>
    rateLimitPerMinute: number
    redis?: Redis
    redisKeyPrefix: string
    metrics: Metrics
    publicUrl: string
    version: string
    /** The modules' OpenAPI tags. */
    tags: { name: string; description: string }[]
  },
) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })

  const security = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // The chat widget and the SDK are used from other origins.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  })
  // On the raw response, as Helmet does: a route's own header (a download's sandbox CSP) still wins.
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of security) reply.raw.setHeader(name, value)
    done()
  })
  await app.register(cors, {
    origin: corsOriginCheck(options.corsOrigins, options.extraCorsOrigin),
    credentials: false,
    // Browsers may keep a preflight's answer this long (Chromium caps it at 2 hours): the widget's
    // and SDK's later calls from a page skip the extra round trip. Every real request is still
    // checked (origin, site, token), so a removed origin loses nothing but the cached OPTIONS.
    maxAge: 7200,
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'x-request-id',
      DEVICE_ID_HEADER,
      WIDGET_SITE_HEADER,
      WIDGET_IDENTITY_HEADER,
    ],
  })
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(options.redis ? { redis: options.redis, nameSpace: options.redisKeyPrefix + 'rl:' } : {}),
    // Probes, and the web app's hashed static files (cheap, precompressed, cached for a year): a
    // page load fetches a dozen chunks, and an office behind one address must not run out.
    allowList: (request) =>
      request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics' || request.url.startsWith('/assets/'),
  })

  // Fastify's own JSON parser (prototype-poisoning checks included), behind a nesting limit and
  // refusing text no column holds (core/text/storable.ts).
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body)
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      return done(new AppError('bad_request', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined)
    }
    if (!mayHoldUnstorableText(text)) return parseJson(request, text, done)
    return parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined)
      const unstorable = unstorableText(value)
      return unstorable ? done(new AppError('validation', `Text may not contain ${unstorable}`), undefined) : done(null, value)
    })
  })
  // The same in the path and the query string (a raw NUL never gets past Node's parser).
  app.addHook('onRequest', async (request) => {
    if (request.url.includes('%00')) throw new AppError('validation', 'The address may not contain the NUL character (%00)')
  })
  app.addHook('preHandler', async (request) => {
    const at = nonFiniteInput(request)
    if (at) throw new AppError('validation', `${at} must be a finite number`)
  })

  installErrorHandling(app)
  app.addSchema(Problem)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Caravan API',
        version: options.version,
        description:
          'Notifications, chat & support, payments & wallet, referrals & marketing. Errors are RFC 9457 application/problem+json.',
        license: { name: 'MIT' },
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /v1/auth/login' },
          widgetAuth: {
            type: 'http',
            scheme: 'widget',
            description:
              'A live chat widget visitor: `Authorization: Widget <visitorToken>` from POST /v1/widget/sessions, with `X-Caravan-Site: <site token>`, the page’s Origin and, for identified visitors, `X-Caravan-Identity: <externalId>:<signature>`; all checked on every call',
          },
          widgetSite: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Caravan-Site',
            description: 'A widget site’s public token; the call’s Origin must be one of the site’s allowed origins',
          },
          widgetSiteQuery: {
            type: 'apiKey',
            in: 'query',
            name: 'site',
            description:
              'A widget site’s public token in the query, for the widget’s first call: a GET without custom headers needs no CORS preflight, so the launcher paints one round trip sooner. The Origin is checked as with X-Caravan-Site',
          },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the operator set one' },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: "API key (ck_...) of the host product's server; scopes as listed per operation",
          },
        },
      },
      // Core's own tags, then each module's (modules export theirs beside their routes).
      tags: [{ name: 'admin', description: 'Administration' }, { name: 'ops', description: 'Health and metrics' }, ...options.tags],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
}

/** Not-found answers are rate limited (scanners) and problem+json; pages fall back to the web app. */
export function installNotFound(app: App, serveIndex: ((reply: any) => any) | undefined) {
  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 120, timeWindow: '1 minute' }) }, (request, reply) => {
    const path = request.url.split('?')[0]
    const wantsPage =
      request.method === 'GET' && !API_PREFIXES.some((p) => path.startsWith(p)) && (request.headers.accept ?? '').includes('text/html')
    if (wantsPage && serveIndex) return serveIndex(reply)
    return sendProblem(reply, 'not_found', `No route for ${request.method} ${path}`)
  })
}
