// A widget site's allowed origins as its form holds them: one per line in a text box. The server
// takes exact origins (scheme://host[:port], nothing after) and names a refused one by its place
// in the list; the lines are checked here first, so a mistake is named by its line instead.

/** What the server takes (widget-schemas.ts): 1 to 50 origins of at most 300 characters. */
export const MAX_ORIGINS = 50
const MAX_LENGTH = 300
/** A scheme, a host with an optional port, at most a trailing slash: no path, query, fragment or user. */
const SHAPE = /^https?:\/\/[^/?#@\s]+\/?$/i

/**
 * The origin a browser sends for pages at `value` ("https://shop.example.com"), or null when it is
 * not an http(s) origin alone. Written the way browsers write it (lower case, punycode, no default
 * port, no trailing slash), which is the only form the server's exact match accepts.
 */
export function normalizeOrigin(value: string): string | null {
  const text = value.trim()
  if (!SHAPE.test(text) || text.length > MAX_LENGTH) return null
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null
  } catch {
    return null
  }
}

export interface ParsedOrigins {
  /** The valid origins, normalized, each once, in the order given. */
  origins: string[]
  /** The line (1-based) each of `origins` came from: the server's `allowedOrigins.<i>` is `lines[i]`. */
  lines: number[]
  /** Lines that are not origins, as typed (trimmed). */
  invalid: { line: number; text: string }[]
}

/** One origin per line; blank lines are skipped and every line is trimmed. */
export function parseOrigins(text: string): ParsedOrigins {
  const parsed: ParsedOrigins = { origins: [], lines: [], invalid: [] }
  text.split(/\r?\n/).forEach((raw, index) => {
    const value = raw.trim()
    if (!value) return
    const origin = normalizeOrigin(value)
    if (!origin) parsed.invalid.push({ line: index + 1, text: value })
    else if (!parsed.origins.includes(origin)) {
      parsed.origins.push(origin)
      parsed.lines.push(index + 1)
    }
  })
  return parsed
}

/** Why the text cannot be saved, or null: the first wrong line, none given, or too many. */
export type OriginsProblem = { kind: 'invalid'; line: number; text: string } | { kind: 'empty' } | { kind: 'tooMany' }

export function originsProblem(parsed: ParsedOrigins): OriginsProblem | null {
  const [first] = parsed.invalid
  if (first) return { kind: 'invalid', ...first }
  if (parsed.origins.length === 0) return { kind: 'empty' }
  if (parsed.origins.length > MAX_ORIGINS) return { kind: 'tooMany' }
  return null
}

/** The line a server error on `allowedOrigins.<i>` is about, when it names one we sent. */
export function lineOfServerError(field: string, parsed: ParsedOrigins): number | undefined {
  const index = /allowedOrigins\.(\d+)$/.exec(field)?.[1]
  return index === undefined ? undefined : parsed.lines[Number(index)]
}
