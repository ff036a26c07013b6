// Persian-aware text normalization, the one definition the content filter and chat search share:
// spelling variants (Arabic vs Persian letters, ZWNJ, digits of either script, diacritics, hidden
// zero-width characters) fold into one canonical form, so a rule or a search cannot miss a word.
// Changing what folds changes chat's blind-index tokens: messages indexed before no longer match
// the new spelling until they are re-indexed.

const LETTER_MAP: Record<string, string> = {
  ي: 'ی', // Arabic yeh → Persian yeh
  ى: 'ی', // alef maksura → Persian yeh
  ك: 'ک', // Arabic kaf → Persian keheh
  ة: 'ه', // teh marbuta → heh
  ۃ: 'ه', // teh marbuta goal
  ۀ: 'ه', // heh with yeh above (ezafe: «خانۀ» = «خانهٔ» = «خانه»)
  ۂ: 'ه', // heh goal with hamza above
  ہ: 'ه', // heh goal
  ھ: 'ه', // heh doachashmee (what some Arabic keyboards type for heh)
  ە: 'ه', // ae
  أ: 'ا', // alef with hamza above («تأثیر» = «تاثیر»)
  إ: 'ا', // alef with hamza below
  ٱ: 'ا', // alef wasla
  // آ stays: in Persian it is a letter of its own («آب» is not «اب»).
}
const LETTERS = new RegExp(`[${Object.keys(LETTER_MAP).join('')}]`, 'g')

// ZWNJ/ZWJ/ZWSP, bidi marks, embeddings and isolates, the Arabic letter mark, word joiners, BOM,
// soft hyphen, Arabic tatweel: invisible (or purely decorative) in the rendered text, so they only
// serve to hide a word.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF\u00AD\u0640]/g
// Arabic harakat (fathatan … sukun, maddah and hamza above/below), the superscript alef and the
// Quranic annotation marks.
const DIACRITICS = /[\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED]/g
const NON_ASCII_DIGIT = /[\u06F0-\u06F9\u0660-\u0669]/g
// What toLowerCase leaves that full Unicode case folding joins (Greek final sigma, German sharp s).
const CASE_FOLD: Record<string, string> = { ς: 'σ', ß: 'ss' }

/**
 * The canonical form rules are matched on. NFKC first, so Arabic presentation forms
 * (e.g. U+FEDB) and full-width Latin fold into their base letters before the mappings below.
 */
export function normalizePersian(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(DIACRITICS, '')
    .replace(LETTERS, (ch) => LETTER_MAP[ch])
    .replace(NON_ASCII_DIGIT, (ch) => String(ch.codePointAt(0)! - (ch >= '\u06F0' ? 0x06f0 : 0x0660)))
    .toLowerCase()
    .replace(/[ςß]/g, (ch) => CASE_FOLD[ch])
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
