// Socket events carry JSON the client chose, like request bodies: each handler reads its payload
// through its TypeBox schema, so a wrong type or a missing field is a 400-like error in the ack,
// in the same shape as problem+json field errors; text no column holds is refused the same way
// (core/text/storable.ts).
import type { Static, TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { AppError } from '../http/errors'
import { unstorableText } from '../text/storable'

// One compiled validator per schema: events like message:send are read thousands of times a second.
const compiled = new WeakMap<TSchema, Validator>()
const validatorOf = (schema: TSchema) => {
  let validator = compiled.get(schema)
  if (!validator) compiled.set(schema, (validator = Compile(schema)))
  return validator
}

export function readPayload<T extends TSchema>(schema: T, payload: unknown): Static<T> {
  const validator = validatorOf(schema)
  // The payload was just parsed from the socket's frame: no one else holds it, so defaults go in place.
  const value = payload && typeof payload === 'object' ? validator.Default(payload) : payload
  if (validator.Check(value)) {
    const unstorable = unstorableText(value)
    if (unstorable) throw new AppError('validation', `Text may not contain ${unstorable}`)
    return value as Static<T>
  }
  const errors = validator.Errors(value).slice(0, 10)
  throw new AppError('validation', 'The event payload is not valid', {
    errors: errors.map((e: { instancePath?: string; message?: string }) => ({
      field: `payload${(e.instancePath ?? '').replace(/\//g, '.')}`,
      message: e.message ?? 'is not valid',
    })),
  })
}
