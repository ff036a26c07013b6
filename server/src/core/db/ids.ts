import { createHash } from 'node:crypto'
import { poolRandomBytes } from '../util/random'

/** UUIDv7 (RFC 9562): time-ordered, so ids double as stable cursors for pagination. */
export function newId(now = Date.now()): string {
  const bytes = poolRandomBytes(16)
  bytes.writeUIntBE(now, 0, 6)
  bytes[6] = (bytes[6] & 0x0f) | 0x70
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/**
 * A UUID derived from what caused a record (`derivedId('wallet-topup', paymentId)`): the same
 * cause always gives the same id, so a record keyed by it is written once however often the cause
 * is handled. Version 8 (RFC 9562, custom) from SHA-256.
 */
export function derivedId(namespace: string, key: string): string {
  const bytes = createHash('sha256').update(namespace).update('\n').update(key).digest().subarray(0, 16)
  bytes[6] = (bytes[6] & 0x0f) | 0x80
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
