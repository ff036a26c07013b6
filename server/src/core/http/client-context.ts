// Where a request comes from, for the checks that weigh it (fraud rules): the caller's address
// (request.ip, which honours TRUST_PROXY) and the device id a client may send in `X-Device-Id` (an
// id the app keeps per installation or browser). Routes that read it declare `deviceId: true` in
// route(), which documents and validates the header.
import type { FastifyRequest } from 'fastify'
import { AppError } from './errors'

export const DEVICE_ID_HEADER = 'x-device-id'
export const DEVICE_ID_PATTERN = '^[A-Za-z0-9._:-]{8,128}$'
const DEVICE_ID = new RegExp(DEVICE_ID_PATTERN)

export interface ClientContext {
  ip?: string
  deviceId?: string
}

/** The request's address and device id (400 when the header is malformed or repeated). */
export function clientContext(request: FastifyRequest): ClientContext {
  const raw = request.headers[DEVICE_ID_HEADER]
  if (raw !== undefined && (typeof raw !== 'string' || !DEVICE_ID.test(raw)))
    throw new AppError('validation', 'X-Device-Id must be 8 to 128 of A–Z a–z 0–9 . _ : -', {
      errors: [{ field: `headers.${DEVICE_ID_HEADER}`, message: 'must be 8 to 128 of A-Z a-z 0-9 . _ : -' }],
    })
  return { ip: request.ip, ...(raw ? { deviceId: raw } : {}) }
}
