// What an uploaded file really is, decided by its first bytes and never by its name or the
// Content-Type the client sent: a file named cat.png that holds a shell script is text, and a
// type not on this list is refused. Shared by chat attachments and (later) the support desk.
import { Transform } from 'node:stream'

export type FileKind = 'image' | 'document' | 'archive' | 'text'

export interface SniffedType {
  mime: string
  /** The extension the stored name is forced to. */
  ext: string
  kind: FileKind
  /** The largest upload of this type, in bytes. */
  maxBytes: number
}

const MiB = 1024 * 1024

/** How many leading bytes sniffFileType wants: enough to see the entry names of an Office file. */
export const SNIFF_BYTES = 64 * 1024

export const FILE_TYPES = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg', kind: 'image', maxBytes: 10 * MiB },
  png: { mime: 'image/png', ext: 'png', kind: 'image', maxBytes: 10 * MiB },
  webp: { mime: 'image/webp', ext: 'webp', kind: 'image', maxBytes: 10 * MiB },
  gif: { mime: 'image/gif', ext: 'gif', kind: 'image', maxBytes: 10 * MiB },
  pdf: { mime: 'application/pdf', ext: 'pdf', kind: 'document', maxBytes: 25 * MiB },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: 'docx',
    kind: 'document',
    maxBytes: 25 * MiB,
  },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', kind: 'document', maxBytes: 25 * MiB },
  zip: { mime: 'application/zip', ext: 'zip', kind: 'archive', maxBytes: 50 * MiB },
  txt: { mime: 'text/plain', ext: 'txt', kind: 'text', maxBytes: 5 * MiB },
} as const satisfies Record<string, SniffedType>

/** The largest upload of any type: the multipart parser's own hard limit sits just above it. */
export const MAX_FILE_BYTES = Math.max(...Object.values(FILE_TYPES).map((t) => t.maxBytes))

/** "JPEG, PNG, …" for messages that name what is allowed. */
export const ALLOWED_TYPE_NAMES = Object.keys(FILE_TYPES).map((k) => k.toUpperCase())

const startsWith = (head: Buffer, bytes: number[] | string, at = 0) => {
  const want = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)
  return head.length >= at + want.length && head.subarray(at, at + want.length).equals(want)
}

export function sniffFileType(head: Buffer): SniffedType | null {
  if (head.length === 0) return null
  if (startsWith(head, [0xff, 0xd8, 0xff])) return FILE_TYPES.jpeg
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return FILE_TYPES.png
  if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return FILE_TYPES.gif
  if (startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8)) return FILE_TYPES.webp
  if (startsWith(head, '%PDF-')) return FILE_TYPES.pdf
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return zipFlavour(head)
  if (isPlainText(head, head.length >= SNIFF_BYTES)) return FILE_TYPES.txt
  return null
}

/**
 * DOCX and XLSX are ZIP files whose entries live under word/ and xl/. The local file headers'
 * names are read where they lie in the head (sizes in a header may be 0 when the writer streamed
 * the entry, so the walk looks for each signature rather than trusting the sizes).
 */
function zipFlavour(head: Buffer): SniffedType {
  let word = false
  let xl = false
  for (let at = head.indexOf(LOCAL_HEADER); at >= 0 && at + 30 <= head.length; at = head.indexOf(LOCAL_HEADER, at + 4)) {
    const nameLength = head.readUInt16LE(at + 26)
    if (nameLength === 0 || at + 30 + nameLength > head.length) continue
    const name = head.subarray(at + 30, at + 30 + nameLength).toString('latin1')
    if (name.startsWith('word/')) word = true
    else if (name.startsWith('xl/')) xl = true
  }
  if (word && !xl) return FILE_TYPES.docx
  if (xl && !word) return FILE_TYPES.xlsx
  return FILE_TYPES.zip
}
const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04])

/** Control characters other than tab, LF and CR (and DEL) make a file binary, not text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** Valid UTF-8 with no NUL or control characters; `partial`: the head may end inside a character. */
function isPlainText(bytes: Buffer, partial: boolean): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial })
    return !CONTROL.test(text)
  } catch {
    return false
  }
}

/**
 * Checks the whole of a text upload as it streams through (the sniff saw only its head): a text
 * file with binary after the first 64 KiB fails with `onBad`'s error.
 */
export function textValidator(onBad: () => Error): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const check = (chunk: Buffer | undefined) => {
    try {
      return !CONTROL.test(chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode())
    } catch {
      return false
    }
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!check(chunk)) return done(onBad())
      done(null, chunk)
    },
    flush(done) {
      done(check(undefined) ? null : onBad())
    },
  })
}
