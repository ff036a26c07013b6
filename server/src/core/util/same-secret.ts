import { timingSafeEqual } from 'node:crypto'

/**
 * Whether a given token (signature, HMAC) equals the expected one, in time that does not depend on
 * where they differ; different lengths are simply unequal (timingSafeEqual would throw).
 */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}
