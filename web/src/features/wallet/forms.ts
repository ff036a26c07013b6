// What the wallet's forms share: whether the server gave its answer (so the next submit is a new
// request with a new Idempotency-Key), the recipient a person typed, and digits made Latin.
import type { WalletTransferInput } from '@caravan/sdk'
import { asCaravanError } from '../../ui/messages'

/**
 * The server answered for good: a 4xx is stored under the key like a success, so sending the same
 * key again would replay it (a "not enough money" after a top-up). A network failure, a 5xx or
 * "still running" keeps the key: the retry must find the first request.
 */
export function answered(error: unknown): boolean {
  const problem = asCaravanError(error)
  return problem.status >= 400 && problem.status < 500 && problem.code !== 'idempotency_in_progress'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Persian and Arabic digits to Latin ones (a Sheba or an id typed on a Persian keyboard). */
export function latinDigits(text: string): string {
  return text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
}

/** The recipient as the API takes it: an e-mail address, a Caravan id, or else the host product's user id (externalId). */
export function recipientOf(text: string): WalletTransferInput['to'] {
  const value = latinDigits(text.trim())
  if (value.includes('@')) return { email: value }
  if (UUID.test(value)) return value.toLowerCase()
  return { externalId: value }
}
