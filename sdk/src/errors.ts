import type { Problem } from './types.js'

/**
 * Every failed call throws this: the server's RFC 9457 problem, as is. Failures that never
 * reached the server get the type `network_error` and status 0, calls their caller aborted the
 * type `aborted` and status 0, so callers handle one kind.
 */
export class CaravanError extends Error {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string | undefined
  /** Field errors; `code` names the rule broken where the server gives one (stable, good for a translation key). */
  readonly errors: { field: string; message: string; code?: string }[]
  readonly requestId: string | undefined

  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title)
    this.name = 'CaravanError'
    this.type = problem.type
    this.title = problem.title
    this.status = problem.status
    this.detail = problem.detail
    this.errors = problem.errors ?? []
    this.requestId = problem.requestId
  }

  /** The last segment of `type`, e.g. `invalid_credentials`: stable, good for a switch or a translation key. */
  get code(): string {
    return this.type.slice(this.type.lastIndexOf('/') + 1)
  }

  /** The message for one field, e.g. fieldError('body.email'). */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message
  }
}

export function networkError(cause: unknown): CaravanError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new CaravanError({ type: 'network_error', title: 'The server could not be reached', status: 0, detail })
}

/** The caller aborted the call (its AbortSignal): code `aborted`, status 0. */
export function abortedError(reason: unknown): CaravanError {
  const detail = reason instanceof Error ? reason.message : reason === undefined ? undefined : String(reason)
  return new CaravanError({ type: 'aborted', title: 'The request was aborted', status: 0, detail })
}

/** Reads a failed response into a CaravanError, whatever its content type. */
export async function errorFromResponse(response: Response): Promise<CaravanError> {
  const requestId = response.headers.get('x-request-id') ?? undefined
  const text = await response.text().catch(() => '')
  let body: Partial<Problem> | undefined
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (body && typeof body.type === 'string' && typeof body.title === 'string') {
    return new CaravanError({ ...body, status: body.status ?? response.status, requestId: body.requestId ?? requestId } as Problem)
  }
  return new CaravanError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.slice(0, 200) || undefined,
    requestId,
  })
}
