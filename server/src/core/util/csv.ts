// CSV (RFC 4180) for exports: CRLF line ends, quoted where needed, and text that a spreadsheet
// would run as a formula defused.

/** A text cell: a leading = + - @ (or tab, CR) would run as a formula, so it gets an apostrophe first. */
export function csvText(value: string | null): string {
  if (value === null) return ''
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Rows of cells already made (csvText, or plain numbers) into the document. */
export function csvDocument(rows: string[][]): string {
  return rows.map((cells) => cells.join(',') + '\r\n').join('')
}
