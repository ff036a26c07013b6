// Recognising PostgreSQL errors through the layers that wrap them (Drizzle puts the driver's error in `cause`).
type PgError = { code?: string; constraint?: string; cause?: PgError }

/** A unique violation (23505), optionally of one named constraint or index. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (let error = e as PgError | undefined, depth = 0; error && depth < 4; error = error.cause, depth++) {
    if (error.code === '23505') return constraint === undefined || error.constraint === constraint
  }
  return false
}
