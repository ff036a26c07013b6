// Idempotency-Key for the money writes (creating a payment, a refund). One key per intended
// request: submitting the same body again — a retry after a timeout or a 5xx — sends the same key,
// so the server answers with the first result instead of charging or refunding twice; another body
// gets a new key (the server refuses a key reused with another body), and so does the next request
// once the server has answered.
import { useRef } from 'react'

/** 128 random bits in hex (crypto.randomUUID exists only on https pages; this works on any). */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

export function useIdempotencyKey() {
  const last = useRef<{ body: string; key: string } | null>(null)
  return {
    /** The key for this body: the previous one when the body is the same. */
    keyFor(body: unknown): string {
      const text = JSON.stringify(body)
      if (last.current?.body !== text) last.current = { body: text, key: newIdempotencyKey() }
      return last.current.key
    },
    /** The server answered: the next submit is a new request. */
    done() {
      last.current = null
    },
  }
}
