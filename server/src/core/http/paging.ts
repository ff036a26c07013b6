// Cursor paging, the one way every list in the API pages: newest first by UUIDv7 id, the cursor
// being the last id seen, base64url-encoded so clients treat it as opaque.
import { AppError } from './errors'

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined
  const id = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!/^[0-9a-f-]{36}$/.test(id)) {
    throw new AppError('validation', 'The cursor is not valid', {
      errors: [{ field: 'querystring.cursor', message: 'is not a cursor this API returned' }],
    })
  }
  return id
}

export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url')

/** For lists ordered by a bigserial (ledger postings) instead of an id: the cursor is the last seq. */
export function decodeSeqCursor(cursor: string | undefined): bigint | undefined {
  if (!cursor) return undefined
  const seq = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!/^[1-9][0-9]{0,18}$/.test(seq)) {
    throw new AppError('validation', 'The cursor is not valid', {
      errors: [{ field: 'querystring.cursor', message: 'is not a cursor this API returned' }],
    })
  }
  return BigInt(seq)
}

/**
 * Turns `limit + 1` rows (fetched newest first) into a page: the first `limit` items, mapped, and
 * the cursor of the next page when there is one.
 */
export function pageOf<R extends { id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null }
}
