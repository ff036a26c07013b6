// Small real files of every type uploads accept (and a few they must refuse), made on the spot:
// images with sharp, Office files and ZIPs with a minimal ZIP writer (stored entries).
import { crc32 } from 'node:zlib'
import sharp from 'sharp'

/** A ZIP archive holding `entries` uncompressed (method 0), as any unzip reads it. */
export function zipOf(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
    const nameBytes = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // names in UTF-8
    local.writeUInt16LE(0, 8)
    local.writeUInt16LE(0, 10)
    local.writeUInt16LE(0x21, 12) // 1980-01-01
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(0, 10)
    central.writeUInt16LE(0, 12)
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += local.length + nameBytes.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(entries).length, 8)
  end.writeUInt16LE(Object.keys(entries).length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const frames = () =>
  Promise.all(
    ['#f00', '#0f0', '#00f'].map((background) =>
      sharp({ create: { width: 20, height: 10, channels: 3, background } })
        .png()
        .toBuffer(),
    ),
  )

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'

export const samples = {
  jpeg: (width = 64, height = 48) =>
    sharp({ create: { width, height, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer(),
  png: (width = 64, height = 48) =>
    sharp({ create: { width, height, channels: 4, background: '#3c3c' } })
      .png()
      .toBuffer(),
  webp: () =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: '#33c' } })
      .webp()
      .toBuffer(),
  /** Three 20 × 10 frames. */
  gif: async () =>
    sharp(await frames(), { join: { animated: true } })
      .gif({ delay: [100, 100, 100], loop: 0 })
      .toBuffer(),
  /** Animated too: three 20 × 10 frames. */
  animatedWebp: async () =>
    sharp(await frames(), { join: { animated: true } })
      .webp({ delay: [100, 100, 100], loop: 0 })
      .toBuffer(),
  pdf: () =>
    Promise.resolve(
      Buffer.from(
        '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      ),
    ),
  docx: () =>
    Promise.resolve(
      zipOf({ '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' }),
    ),
  xlsx: () =>
    Promise.resolve(zipOf({ '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': '<Relationships/>', 'xl/workbook.xml': '<workbook/>' })),
  zip: () => Promise.resolve(zipOf({ 'notes/a.txt': 'first', 'notes/b.txt': 'second' })),
  txt: () => Promise.resolve(Buffer.from('سلام دنیا\nHello, world\tand tabs\r\n', 'utf8')),
}

export type SampleType = keyof typeof samples

/** A small Windows executable's opening bytes: not on the allow-list. */
export const EXE_HEAD = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120, 0)])

/** The EICAR test string every antivirus reports as a virus. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
