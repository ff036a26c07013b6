// Persian-aware text normalization, the one definition the content filter and chat search share:
// spelling variants (Arabic vs Persian letters, ZWNJ, digits of either script, diacritics, hidden
// zero-width characters) fold into one canonical form, so a rule or a search cannot miss a word.

const LETTER_MAP: Record<string, string> = {
  ي: 'ی', // Arabic yeh → Persian yeh
  ى: 'ی', // alef maksura → Persian yeh
  ك: 'ک', // Arabic kaf → Persian keheh
  ة: 'ه', // teh marbuta → heh
}

// ZWNJ/ZWJ/ZWSP, bidi marks and embeddings, word joiners, BOM, soft hyphen, Arabic tatweel:
// all invisible (or purely decorative) in the rendered text, so they only serve to hide a word.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\u00AD\u0640]/g
// Arabic harakat (fathatan … sukun and the extended marks) and the superscript alef.
const DIACRITICS = /[\u064B-\u065F\u0670]/g
const NON_ASCII_DIGIT = /[\u06F0-\u06F9\u0660-\u0669]/g

/**
 * The canonical form rules are matched on. NFKC first, so Arabic presentation forms
 * (e.g. U+FEDB) and full-width Latin fold into their base letters before the mappings below.
 */
export function normalizePersian(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(DIACRITICS, '')
    .replace(/[يىكة]/g, (ch) => LETTER_MAP[ch])
    .replace(NON_ASCII_DIGIT, (ch) => String(ch.codePointAt(0)! - (ch >= '\u06F0' ? 0x06f0 : 0x0660)))
    .toLowerCase()
}

// A "word" character in any script: letters, combining marks and digits.
// (JavaScript's \b only knows ASCII, so it would match inside Persian words.)
export const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]'
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/u

/**
 * The distinct normalized words of a text, in order. ZWNJ inside a word joins it («می‌روم» and
 * «میروم» give one token), since normalization removes it.
 */
export function wordTokens(text: string): string[] {
  return [
    ...new Set(
      normalizePersian(text)
        .split(NOT_WORD)
        .filter((w) => w.length > 0),
    ),
  ]
}
