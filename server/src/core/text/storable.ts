// Text PostgreSQL cannot store: the NUL character (text and jsonb both refuse it) and a UTF-16
// surrogate without its pair (jsonb refuses its escape; a text column would get U+FFFD instead).
// Request bodies (core/http/plugins.ts) and socket payloads (core/realtime/payload.ts) are checked
// for both, so such input is a 400 that changes nothing, not a 500 at the write.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** What in `value` (its strings and keys, at any depth) no text column can hold, in words; undefined when nothing. */
export function unstorableText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\0')) return 'the NUL character (\\u0000)'
    if (LONE_SURROGATE.test(value)) return 'a lone UTF-16 surrogate (\\ud800 to \\udfff)'
    return undefined
  }
  if (!value || typeof value !== 'object') return undefined
  for (const [key, inner] of Object.entries(value)) {
    const found = unstorableText(key) ?? unstorableText(inner)
    if (found) return found
  }
  return undefined
}

/**
 * Whether JSON text may hold such text: only through an escape (`\u0000`, `\ud800`), since a body
 * decoded from UTF-8 holds neither as a character. False for nearly every body, which is then not walked.
 */
export const mayHoldUnstorableText = (json: string) => /\\u(?:0000|[dD][89a-fA-F])/.test(json)
