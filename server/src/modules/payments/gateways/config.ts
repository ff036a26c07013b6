// The one check of a gateway's settings against its schema: every gateway factory runs it before
// building, so a bad setting is refused (400) naming the field, at configuration time.
import type { TSchema } from 'typebox'
import { Errors } from 'typebox/value'
import { AppError } from '../../../core/http/errors'

export function checkGatewayConfig(schema: TSchema, config: unknown, gateway: string): void {
  const errors = [...Errors(schema, config)].slice(0, 10)
  if (errors.length === 0) return
  throw new AppError('validation', `The ${gateway} settings are not valid`, {
    errors: errors.map((e) => ({ field: `config${e.instancePath.replace(/\//g, '.')}`, message: e.message })),
  })
}
