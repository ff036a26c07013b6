// Byte ranges of a download (RFC 9110 §14): one range is served as 206 with Content-Range; several
// ranges, or a header this does not understand, get the whole file (a server may ignore Range);
// a range that starts past the end is 416. Players seeking in a video and download managers
// resuming a transfer send these.
import { Transform } from 'node:stream'

export interface ByteRange {
  start: number
  /** Inclusive. */
  end: number
}

/** The one range `header` asks of a body of `size` bytes; undefined: serve it whole; null: unsatisfiable. */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined | null {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/i)
  if (!match || (!match[1] && !match[2])) return undefined
  const [first, last] = [match[1], match[2]].map((d) => (d ? Number(d) : undefined))
  if ((first !== undefined && !Number.isSafeInteger(first)) || (last !== undefined && !Number.isSafeInteger(last))) return undefined
  if (first === undefined) {
    // bytes=-N: the last N bytes.
    if (!last || !size) return null
    return { start: Math.max(0, size - last), end: size - 1 }
  }
  if (last !== undefined && last < first) return undefined
  if (first >= size) return null
  return { start: first, end: Math.min(last ?? size - 1, size - 1) }
}

/** Passes on only bytes start..end (inclusive) of what flows through it. */
export function sliceBytes({ start, end }: ByteRange): Transform {
  let at = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(start - at, 0)
      const to = Math.min(end + 1 - at, chunk.length)
      at += chunk.length
      done(null, from < to ? chunk.subarray(from, to) : undefined)
    },
  })
}
