// Uploaded images are decoded and encoded again before they are stored: turned upright by their
// EXIF orientation, then written without any metadata (EXIF, GPS position, camera serials, XMP,
// comments), in the same format; animated GIF and WebP keep every frame. Re-encoding also drops
// whatever a crafted file carried besides its pixels (a script appended after the image data).
// A thumbnail (at most 320 px, WebP, first frame) is made from the cleaned image.
import sharp from 'sharp'
import type { SniffedType } from './sniff'

export const THUMBNAIL_SIZE = 320
/** Images are refused above this many pixels (all frames together): a tiny file can claim 100,000 × 100,000. */
export const DEFAULT_MAX_PIXELS = 50_000_000

export class ImageError extends Error {
  constructor(
    readonly reason: 'too_many_pixels' | 'unreadable',
    message: string,
  ) {
    super(message)
  }
}

export interface ProcessedImage {
  data: Buffer
  width: number
  /** One frame's height for an animation. */
  height: number
  thumbnail: Buffer
}

function asImageError(e: unknown): ImageError {
  const message = (e as Error)?.message ?? String(e)
  return /pixel limit/i.test(message)
    ? new ImageError('too_many_pixels', 'the image has too many pixels')
    : new ImageError('unreadable', 'the image cannot be read')
}

export async function processImage(input: Buffer, type: SniffedType, options: { maxPixels?: number } = {}): Promise<ProcessedImage> {
  const limitInputPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  const animated = type.ext === 'gif' || type.ext === 'webp'
  try {
    // failOn 'error': phone cameras write files with harmless warnings; broken pixel data is refused.
    let image = sharp(input, { limitInputPixels, animated, failOn: 'error' }).autoOrient()
    if (type.ext === 'jpg') image = image.jpeg({ quality: 88, mozjpeg: true })
    else if (type.ext === 'png') image = image.png()
    else if (type.ext === 'webp') image = image.webp({ quality: 88 })
    else if (type.ext === 'gif') image = image.gif()
    else throw new ImageError('unreadable', `${type.mime} is not an image type`)
    // No keepMetadata/withMetadata: sharp writes none of the input's metadata.
    const { data, info } = await image.toBuffer({ resolveWithObject: true })
    const thumbnail = await sharp(data, { limitInputPixels, animated: false })
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer()
    return { data, width: info.width, height: info.pageHeight ?? info.height, thumbnail }
  } catch (e) {
    if (e instanceof ImageError) throw e
    throw asImageError(e)
  }
}
