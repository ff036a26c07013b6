import { describe, expect, it } from 'vitest'
import { securityHeaders } from './security-headers'

describe('security headers', () => {
  it("are Helmet's, worked out once from the options", () => {
    const headers = new Map(
      securityHeaders({
        contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null } },
        crossOriginResourcePolicy: { policy: 'cross-origin' },
      }),
    )
    expect(headers.get('content-security-policy')).toContain("default-src 'self';")
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests')
    expect(headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect([...headers.keys()].every((name) => name === name.toLowerCase())).toBe(true)
  })

  it('refuse options Helmet refuses, when the server starts rather than on a request', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ['self'] } } })).toThrow()
  })
})
