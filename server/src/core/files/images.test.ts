import sharp from 'sharp'
import { deflateSync, crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { samples } from '../../../test/helpers/samples'
import { ImageError, processImage, THUMBNAIL_SIZE } from './images'
import { FILE_TYPES } from './sniff'

/** The tags of a JPEG's EXIF IFD0 (0x8825 points at the GPS IFD), or [] when it has no EXIF. */
async function exifTags(image: Buffer): Promise<number[]> {
  const exif = (await sharp(image).metadata()).exif
  if (!exif) return []
  const tiff = exif.subarray(6) // after "Exif\0\0"
  const le = tiff.subarray(0, 2).toString('latin1') === 'II'
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const ifd0 = le ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4)
  return Array.from({ length: u16(ifd0) }, (_, i) => u16(ifd0 + 2 + i * 12))
}

const GPS_IFD = 0x8825

/** A PNG that says it is width × height, with almost no pixel data: a decompression bomb's header. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

describe('processImage', () => {
  it('strips EXIF with the GPS position, and turns the picture upright first', async () => {
    const withGps = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#fff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'CaravanCam', Copyright: 'Someone' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '35/1 41/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '51/1 25/1 0/1' },
      } as any)
      .toBuffer()
    expect(await exifTags(withGps)).toContain(GPS_IFD)
    expect(withGps.includes('CaravanCam')).toBe(true)

    const out = await processImage(withGps, FILE_TYPES.jpeg)
    const meta = await sharp(out.data).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.exif).toBeUndefined()
    expect(meta.xmp).toBeUndefined()
    expect(meta.orientation ?? 1).toBe(1)
    expect(out.data.includes('CaravanCam')).toBe(false)
    expect(out.data.includes('Exif')).toBe(false)
    // Orientation 6 is a quarter turn: the 30 × 20 picture stands 20 × 30 now.
    expect([out.width, out.height, meta.width, meta.height]).toEqual([20, 30, 20, 30])
  })

  it('strips metadata from PNG and WebP too, keeping each format', async () => {
    for (const type of [FILE_TYPES.png, FILE_TYPES.webp]) {
      const input = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123' } })
        .toFormat(type.ext as 'png' | 'webp')
        .withExif({ IFD0: { Artist: 'Where I live' } })
        .toBuffer()
      expect((await sharp(input).metadata()).exif).toBeDefined()
      const out = await processImage(input, type)
      const meta = await sharp(out.data).metadata()
      expect(meta.format).toBe(type.ext)
      expect(meta.exif).toBeUndefined()
      expect(out.data.includes('Where I live')).toBe(false)
    }
  })

  it('keeps every frame of an animated GIF and WebP', async () => {
    for (const [input, type] of [
      [await samples.gif(), FILE_TYPES.gif],
      [await samples.animatedWebp(), FILE_TYPES.webp],
    ] as const) {
      const out = await processImage(input, type)
      const meta = await sharp(out.data, { animated: true }).metadata()
      expect(meta.format).toBe(type.ext)
      expect(meta.pages).toBe(3)
      expect([out.width, out.height]).toEqual([20, 10])
    }
  })

  it('drops bytes smuggled after the image data', async () => {
    const png = Buffer.concat([await samples.png(), Buffer.from('<script>alert(1)</script>')])
    const out = await processImage(png, FILE_TYPES.png)
    expect(out.data.includes('<script>')).toBe(false)
  })

  it('makes a WebP thumbnail of at most 320 px, never enlarged', async () => {
    const big = await processImage(await samples.jpeg(1600, 900), FILE_TYPES.jpeg)
    const thumb = await sharp(big.thumbnail).metadata()
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', THUMBNAIL_SIZE, 180])
    const small = await processImage(await samples.png(40, 30), FILE_TYPES.png)
    expect(await sharp(small.thumbnail).metadata()).toMatchObject({ format: 'webp', width: 40, height: 30 })
  })

  it('refuses a decompression bomb by its header, before decoding it', async () => {
    const bomb = pngClaiming(30_000, 30_000)
    expect(bomb.length).toBeLessThan(2000)
    const error = await processImage(bomb, FILE_TYPES.png).catch((e) => e)
    expect(error).toBeInstanceOf(ImageError)
    expect(error.reason).toBe('too_many_pixels')
    await expect(processImage(await samples.png(200, 200), FILE_TYPES.png, { maxPixels: 100 * 100 })).rejects.toMatchObject({
      reason: 'too_many_pixels',
    })
  })

  it('refuses broken images and non-image types', async () => {
    const jpeg = await samples.jpeg()
    await expect(processImage(jpeg.subarray(0, 40), FILE_TYPES.jpeg)).rejects.toMatchObject({ reason: 'unreadable' })
    await expect(processImage(Buffer.from('GIF89a nonsense'), FILE_TYPES.gif)).rejects.toMatchObject({ reason: 'unreadable' })
    await expect(processImage(jpeg, FILE_TYPES.pdf)).rejects.toMatchObject({ reason: 'unreadable' })
  })
})
