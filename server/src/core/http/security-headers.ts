// Helmet's security headers (CSP, HSTS, frame and sniffing rules…), worked out once. They are the
// same for every response; @fastify/helmet built Helmet's middleware anew on every request (its
// CSP directives parsed each time), a few percent of a busy route's CPU.
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The headers Helmet would set with these options, as name → value. */
export function securityHeaders(options: Readonly<HelmetOptions>): [string, string][] {
  const headers = new Map<string, string>()
  const response = {
    setHeader: (name: string, value: string | number) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  }
  let failure: unknown
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    failure = err
  })
  if (failure) throw failure
  return [...headers]
}
