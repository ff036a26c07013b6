// A blind index: encrypted text stays searchable without storing it readable. Each text gives
// keyed HMACs of its normalized words (core/text/persian.ts) and of their prefixes; a query is
// hashed the same way and matched with `tokens @> query` on a GIN index.
//
// What it leaks, knowingly: equal words give equal tokens, so whoever reads the database sees
// which rows share words and how often (frequency analysis), never the words without the key.
// No phrase, infix or fuzzy search. The key is derived from SECRETS_KEY and never rotates without
// re-indexing every row.
import { createHmac, hkdfSync } from 'node:crypto'
import { wordTokens } from '../text/persian'

const MAX_TOKENS = 2_000
/** Prefixes from this length on are indexed (shorter ones would match nearly everything). */
const MIN_PREFIX = 3
/**
 * Prefixes are indexed up to this length; a longer typed prefix is looked up by its first
 * MAX_PREFIX letters. A word of n letters costs n - 2 prefix tokens, so a link or a long number
 * would otherwise bring dozens of tokens (and GIN entries) of its own.
 */
const MAX_PREFIX = 16
/** Longer words are indexed by their first 64 characters. */
const MAX_WORD = 64
const MEMO_SIZE = 10_000

export interface BlindIndex {
  /** The tokens to store with a text. */
  tokensFor(text: string): string[]
  /** The tokens a row must all hold: every word whole, except the last, which may be a prefix. */
  queryTokens(query: string): string[]
}

export function createBlindIndex(secretsKey: string | Buffer): BlindIndex {
  const key = Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'caravan blind index v1', 32))
  // Words recur (and every word brings its prefixes), so tokens are remembered: an HMAC per token
  // was a tenth of a chat send's CPU. Two generations, the older dropped whole when the newer is
  // full: bounded, O(1) (deleting a Map's oldest key one at a time gets slower as holes pile up).
  // It holds only what this process has just handled in the clear anyway.
  let recent = new Map<string, string>()
  let older = new Map<string, string>()
  const token = (kind: 'w' | 'p', word: string) => {
    const input = `${kind}\0${word}`
    let hashed = recent.get(input)
    if (hashed === undefined) {
      hashed = older.get(input) ?? createHmac('sha256', key).update(input).digest().subarray(0, 12).toString('base64url')
      if (recent.size >= MEMO_SIZE) {
        older = recent
        recent = new Map()
      }
      recent.set(input, hashed)
    }
    return hashed
  }
  // A word's UTF-16 length bounds its letters: only a longer one needs splitting into code points.
  const words = (text: string) => wordTokens(text).map((w) => (w.length <= MAX_WORD ? w : [...w].slice(0, MAX_WORD).join('')))

  return {
    tokensFor(text) {
      const out = new Set<string>()
      for (const word of words(text)) {
        if (out.size >= MAX_TOKENS) break
        out.add(token('w', word))
        // Each prefix grows the last by one letter (a code point), from MIN_PREFIX to MAX_PREFIX letters.
        let prefix = ''
        let letters = 0
        for (const letter of word) {
          if (++letters > MAX_PREFIX || out.size >= MAX_TOKENS) break
          prefix += letter
          if (letters >= MIN_PREFIX) out.add(token('p', prefix))
        }
      }
      return [...out].slice(0, MAX_TOKENS)
    },
    queryTokens(query) {
      const list = words(query)
      return list.map((word, i) => {
        const letters = [...word]
        return i === list.length - 1 && letters.length >= MIN_PREFIX ? token('p', letters.slice(0, MAX_PREFIX).join('')) : token('w', word)
      })
    },
  }
}
