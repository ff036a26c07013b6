/** A refused call of an embedded script: its HTTP status (0: no answer) and problem type (the last part of its URI). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
  ) {
    super(`${status} ${type}`)
  }
}
