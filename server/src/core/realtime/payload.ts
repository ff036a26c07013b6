// Socket events carry JSON the client chose, like request bodies: each handler reads its payload
// through its TypeBox schema, so a wrong type or a missing field is a 400-like error in the ack,
// in the same shape as problem+json field errors.
import type { Static, TSchema } from 'typebox'
import { Default, Errors } from 'typebox/value'
import { AppError } from '../http/errors'

export function readPayload<T extends TSchema>(schema: T, payload: unknown): Static<T> {
  const value = payload && typeof payload === 'object' ? Default(schema, structuredClone(payload)) : payload
  const errors = [...Errors(schema, value)].slice(0, 10)
  if (errors.length)
    throw new AppError('validation', 'The event payload is not valid', {
      errors: errors.map((e: { instancePath?: string; message?: string }) => ({
        field: `payload${(e.instancePath ?? '').replace(/\//g, '.')}`,
        message: e.message ?? 'is not valid',
      })),
    })
  return value as Static<T>
}
