// A gateway's settings as a form: read from its schema, so the console draws the fields the server
// checks (and nothing drifts when an adapter gains a setting).
import type { TSchema } from 'typebox'

export interface GatewayField {
  name: string
  kind: 'text' | 'secret' | 'number' | 'select'
  required: boolean
  options?: string[]
  description?: string
}

interface JsonSchema {
  type?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  anyOf?: JsonSchema[]
  const?: unknown
  description?: string
}

export function fieldsOf(schema: TSchema, secretFields: readonly string[]): GatewayField[] {
  const object = schema as unknown as JsonSchema
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const options = property.anyOf?.map((option) => option.const).filter((value): value is string => typeof value === 'string')
    const kind: GatewayField['kind'] = secretFields.includes(name)
      ? 'secret'
      : options?.length
        ? 'select'
        : property.type === 'integer' || property.type === 'number'
          ? 'number'
          : 'text'
    return {
      name,
      kind,
      required: object.required?.includes(name) ?? false,
      ...(kind === 'select' ? { options } : {}),
      ...(property.description ? { description: property.description } : {}),
    }
  })
}
