// The name a stored file is shown and downloaded under. What the client sent is only a hint: paths
// are dropped, invisible and direction-changing characters removed (U+202E turns "invoice‮fdp.exe"
// into "invoiceexe.pdf" on screen), Windows' reserved names defused, and the extension forced to
// the type the bytes were sniffed as. Persian letters and the zero-width non-joiner stay.

/** The longest name kept, in characters (code points), extension included. */
export const MAX_FILENAME_LENGTH = 120

// C0 and C1 controls, DEL, bidi embeddings/overrides (U+202A–202E), isolates (U+2066–2069), the
// LRM/RLM/ALM marks, and BOM: none belongs in a file name.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/gu
// Characters Windows refuses in names.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i

/** Other extensions a sniffed type may keep (a .csv is text; a .jpeg is a JPEG). */
const SAME_TYPE: Record<string, string[]> = {
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  txt: ['txt', 'text', 'csv', 'tsv', 'md', 'log'],
}

export function sanitizeFilename(given: string, ext: string): string {
  const cleaned = given.normalize('NFC').replace(INVISIBLE, '')
  // The last path segment only, whichever separator the client's system uses.
  let base = cleaned.split(/[/\\]/).pop() ?? ''
  base = base
    .replace(WINDOWS_FORBIDDEN, '_')
    .replace(/\s+/gu, ' ')
    // Leading dots hide a file (or climb with ".."); trailing dots and spaces Windows drops.
    .replace(/^[\s.]+|[\s.]+$/gu, '')

  const dot = base.lastIndexOf('.')
  let stem = dot > 0 ? base.slice(0, dot) : base
  const givenExt = dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
  const keptExt = (SAME_TYPE[ext] ?? [ext]).includes(givenExt) ? givenExt : ext
  // "report.pdf" sniffed as text keeps "report" and becomes "report.txt".
  stem = stem.replace(/[\s.]+$/u, '')
  if (!stem) stem = 'file'
  // "con.txt" is as reserved as "con" on Windows: the part before the first dot counts.
  if (WINDOWS_RESERVED.test(stem.split('.')[0])) stem = `_${stem}`

  const room = MAX_FILENAME_LENGTH - keptExt.length - 1
  const chars = [...stem]
  if (chars.length > room)
    stem =
      chars
        .slice(0, room)
        .join('')
        .replace(/[\s.]+$/u, '') || 'file'
  return `${stem}.${keptExt}`
}

/**
 * A Content-Disposition header for `name`: an ASCII fallback for old clients and the exact name
 * as RFC 5987 `filename*` (UTF-8, percent-encoded) for everyone else.
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
