// The composer's "/shortcut": typing "/" at the start of a word opens the canned responses menu
// and what follows filters it; choosing one replaces the "/word" with the response's text.

export interface SlashToken {
  /** Where the "/" is. */
  start: number
  /** Where the word ends (the caret). */
  end: number
  /** The word after "/", maybe empty. */
  query: string
}

// A "/" at the start of the text or after white space, then a shortcut's letters (Persian too),
// digits, "_" or "-", up to the caret. "a/b" and "https://x" are not shortcuts.
const SLASH_WORD = /(^|\s)\/([\p{L}\p{N}_-]{0,40})$/u

/** The "/word" the caret is at the end of, or null. */
export function slashTokenAt(text: string, caret: number): SlashToken | null {
  const match = SLASH_WORD.exec(text.slice(0, caret))
  if (!match) return null
  const query = match[2]
  return { start: caret - query.length - 1, end: caret, query }
}

/** `text` with the token replaced by `insert`, and where the caret goes (after the insert). */
export function replaceToken(text: string, token: SlashToken, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, token.start) + insert + text.slice(token.end), caret: token.start + insert.length }
}
