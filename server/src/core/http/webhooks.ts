// Signed callbacks from outside (gateways, providers, inbound mail) are verified over the exact bytes
// that arrived, so their routes get the body raw: one scope per module where every content type is
// read as a Buffer, and the headers as one lower-cased record.
import type { FastifyRequest } from 'fastify'
import type { App } from './route'

/** Registers `routes` in a scope whose bodies are raw Buffers of at most `bodyLimit` bytes. */
export function rawBodyRoutes(app: App, bodyLimit: number, routes: (scope: App) => void) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body))
    routes(scope as App)
  })
}

/** What a webhook handler verifies: the headers (names lower-cased, repeated ones joined) and the raw body. */
export function signedRequest(request: FastifyRequest): { headers: Record<string, string | undefined>; rawBody: Buffer } {
  return {
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v])),
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  }
}
