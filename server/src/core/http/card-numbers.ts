// Caravan never takes card numbers (PCI scope stays with the gateways' hosted pages). Payment and
// wallet routes refuse a body that holds one anywhere: a Luhn-valid run of 13 to 19 digits, also
// when grouped by spaces or dashes ("4111 1111 1111 1111") or written in Persian digits. The
// refusal names the field, never the number, and the body is not logged.
import { AppError } from './errors'

// Digits (ASCII, Persian, Arabic-Indic) with at most one space or dash between two of them.
const RUN = /[0-9۰-۹٠-٩](?:[ -]?[0-9۰-۹٠-٩])*/g

function ascii(text: string): string {
  return text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
}

export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** Whether the text holds a card number: a group-aligned window of 13–19 digits that passes Luhn. */
export function holdsCardNumber(text: string): boolean {
  for (const [run] of ascii(text).matchAll(RUN)) {
    const groups = run.split(/[ -]/)
    // An unbroken run is one number: 13–19 digits or not a card (a 25-digit id holds no card).
    if (groups.length === 1) {
      if (run.length >= 13 && run.length <= 19 && luhnValid(run)) return true
      continue
    }
    // Grouped digits: any whole groups in a row may be the card ("order 12 4111 1111 1111 1111").
    for (let start = 0; start < groups.length; start++) {
      let digits = ''
      for (let end = start; end < groups.length && digits.length < 19; end++) {
        digits += groups[end]
        if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true
      }
    }
  }
  return false
}

// A UUID's groups can line up as 13–19 Luhn-valid digits by chance (an all-digit uuid is a
// card number one time in ten): a value that is exactly a UUID is an id, never a card.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The path of the first value holding a card number; money `amount` fields are digits by design
 * and ids (UUIDs) are ids, so both are skipped.
 */
export function findCardNumber(value: unknown, path = 'body'): string | undefined {
  if (typeof value === 'string') return !UUID.test(value) && holdsCardNumber(value) ? path : undefined
  if (typeof value === 'number') return Number.isInteger(value) && holdsCardNumber(String(value)) ? path : undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findCardNumber(value[i], `${path}.${i}`)
      if (found) return found
    }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'amount' && typeof item === 'string') continue
      const found = findCardNumber(key, `${path}.${key}`) ?? findCardNumber(item, `${path}.${key}`)
      if (found) return found
    }
  }
  return undefined
}

/**
 * preValidation hook of money writes: a body with a card number is refused before anything reads,
 * stores or logs it; so is an `amount` sent as a JSON number (it may have lost digits already, and
 * validation would quietly turn it into a string).
 */
export async function guardMoneyBody(request: { body?: unknown }): Promise<void> {
  const body = request.body
  if (body && typeof body === 'object' && 'amount' in body && typeof body.amount !== 'string') {
    throw new AppError('validation', 'amount must be a string of digits (minor units), not a JSON number', {
      errors: [{ field: 'body.amount', message: 'must be a string of digits' }],
    })
  }
  const field = findCardNumber(body)
  if (field) {
    throw new AppError('card_number_refused', undefined, {
      errors: [{ field, message: 'looks like a card number; Caravan never takes card numbers, pay on the gateway page' }],
    })
  }
}
