// TypeBox schemas every module shares (ids, locales, paging, timestamps), so no module imports
// another's internals for them.
import { Type, type Static, type TSchema } from 'typebox'
import { UUID_PATTERN } from '../db/ids'

export const Id = Type.String({ pattern: UUID_PATTERN })
export const IdParams = Type.Object({ id: Id })
export const Locale = Type.Union([Type.Literal('fa'), Type.Literal('en')])
export type Locale = 'fa' | 'en'
export const Timestamp = Type.String({ format: 'date-time' })
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

/** Query fields of every paged list; the handler pages with core/http/paging.ts. */
export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
}

/** The answer of every paged list. */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) })

/**
 * A $ref to a schema registered by its $id (one component in OpenAPI), typed as that schema:
 * TypeBox types a bare Ref as unknown, which would let any handler answer anything.
 */
export function RefTo<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: string }).$id
  if (!id) throw new Error('RefTo needs a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(id))
}
