// An upload, from the request's byte stream to an encrypted blob: the first 64 KiB decide the type
// (never the name or the client's Content-Type), a counter stops reading past the type's limit,
// images are re-encoded (EXIF and GPS gone), text is checked to the end, and everything is
// encrypted on its way into the store. Only the image path holds a whole file in memory.
import { Readable, Transform } from 'node:stream'
import { sanitizeFilename } from '../../core/files/filename'
import { DEFAULT_MAX_PIXELS, ImageError, processImage } from '../../core/files/images'
import { ALLOWED_TYPE_NAMES, SNIFF_BYTES, sniffFileType, textValidator, type SniffedType } from '../../core/files/sniff'
import { AppError } from '../../core/http/errors'
import { chain } from './blobs'
import './errors'

const MiB = 1024 * 1024

/**
 * The client's stream, yielding the same bytes; a failure of the request itself (cut off, bad
 * multipart) becomes a 400 rather than a 500, and a 4xx the parser raised keeps its status.
 */
async function* fromClient(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer
  } catch (e) {
    if (e instanceof AppError || ((e as { statusCode?: number }).statusCode ?? 500) < 500) throw e
    throw new AppError('bad_request', `The upload could not be read: ${(e as Error).message}`)
  }
}

/** The first `size` bytes (fewer when the file is shorter) and a stream of all the bytes, the head included. */
async function readHead(source: AsyncGenerator<Buffer>, size: number): Promise<{ head: Buffer; all: Readable }> {
  const chunks: Buffer[] = []
  let length = 0
  let ended = false
  while (length < size) {
    const next = await source.next()
    if (next.done) {
      ended = true
      break
    }
    chunks.push(next.value)
    length += next.value.length
  }
  const first = Buffer.concat(chunks)
  async function* all() {
    if (first.length) yield first
    if (!ended) yield* source
  }
  return { head: first.subarray(0, size), all: Readable.from(all(), { objectMode: false }) }
}

/** Passes bytes through until there are more than the type allows, then fails with 413. */
function byteLimit(type: SniffedType): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > type.maxBytes) {
        return done(new AppError('file_too_large', `${type.ext.toUpperCase()} files may be at most ${type.maxBytes / MiB} MiB`))
      }
      done(null, chunk)
    },
  })
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export interface PreparedUpload {
  type: SniffedType
  name: string
  /** The bytes to store (for an image: re-encoded), read once. */
  content: Readable
  width?: number
  height?: number
  thumbnail?: Buffer
}

/** Reads and checks an upload up to the point where it can be stored. */
export async function prepareUpload(
  input: { filename: string; stream: Readable },
  options: { maxPixels?: number },
): Promise<PreparedUpload> {
  const { head, all } = await readHead(fromClient(input.stream), SNIFF_BYTES)
  if (!head.length) throw new AppError('validation', 'The file is empty', { errors: [{ field: 'file', message: 'is empty' }] })
  const type = sniffFileType(head)
  if (!type) {
    all.destroy()
    throw new AppError(
      'file_type_not_allowed',
      `Allowed types: ${ALLOWED_TYPE_NAMES.join(', ')}. The type is recognised by the file's content, not its name.`,
    )
  }
  const name = sanitizeFilename(input.filename ?? '', type.ext)
  const limited = chain(all, byteLimit(type))

  if (type.kind === 'image') {
    // sharp works on a whole buffer; images are at most 10 MiB, so holding one is acceptable.
    const original = await collect(limited)
    try {
      const image = await processImage(original, type, options)
      return { type, name, content: Readable.from([image.data]), width: image.width, height: image.height, thumbnail: image.thumbnail }
    } catch (e) {
      if (!(e instanceof ImageError)) throw e
      if (e.reason === 'too_many_pixels')
        throw new AppError('image_too_large', `The image has more than ${options.maxPixels ?? DEFAULT_MAX_PIXELS} pixels`)
      throw new AppError('file_unreadable', `This is not a valid ${type.ext.toUpperCase()} image`)
    }
  }
  if (type.kind === 'text') {
    const check = textValidator(() => new AppError('file_unreadable', 'A text file must be UTF-8 with no control characters'))
    return { type, name, content: chain(limited, check) }
  }
  return { type, name, content: limited }
}
