// From a problem+json `errors[]` to the form's fields. The server names a field by where it was
// in the request (`body.email`, `body.content.html`, `body.users.3.email`, `query.limit`); the
// form names it by its path in the form values (`email`, `content.html`, `users.3.email`, `limit`).
import type { CaravanError, Locale } from '@caravan/sdk'
import { isMessageKey, type Translate } from '../../i18n'

const REQUEST_PARTS = /^(body|query|params|headers)\./

/** A server field error, named as the form names it. */
export interface ServerFieldError {
  name: string
  message: string
}

/**
 * Splits a problem's field errors into those the form has a field for and the rest. `hasField`
 * says whether a path is one of the form's fields. A path under a field that holds a list
 * (`scopes.0` for a `scopes` field) goes to that field.
 */
export function matchServerErrors(
  problem: CaravanError,
  hasField: (name: string) => boolean,
): { matched: ServerFieldError[]; unmatched: ServerFieldError[] } {
  const matched: ServerFieldError[] = []
  const unmatched: ServerFieldError[] = []
  for (const { field, message } of problem.errors) {
    const path = field.replace(REQUEST_PARTS, '')
    const name = closestField(path, hasField)
    if (name === undefined) unmatched.push({ name: path, message })
    // One message per field: the first the server gave.
    else if (!matched.some((m) => m.name === name)) matched.push({ name, message })
  }
  return { matched, unmatched }
}

function closestField(path: string, hasField: (name: string) => boolean): string | undefined {
  const segments = path.split('.')
  for (let length = segments.length; length > 0; length--) {
    const name = segments.slice(0, length).join('.')
    if (hasField(name)) return name
  }
  return undefined
}

/**
 * The words for a field's error: `fieldError.<field>` when the dictionaries have it (the last
 * named segment: `users.3.email` → `fieldError.email`); else the server's own message, which is
 * English, so only on an English page; else a generic "not valid".
 */
export function fieldErrorMessage(t: Translate, locale: Locale, name: string, serverMessage: string): string {
  const field = name
    .split('.')
    .filter((segment) => !/^\d+$/.test(segment))
    .at(-1)
  const key = `fieldError.${field}`
  if (field && isMessageKey(key)) return t(key)
  if (locale === 'en' && serverMessage.trim()) return serverMessage
  return t('fieldError.generic')
}
