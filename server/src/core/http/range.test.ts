import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { parseByteRange, sliceBytes } from './range'

describe('byte ranges', () => {
  it('reads one range of a body of known size', () => {
    expect(parseByteRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 })
    expect(parseByteRange('bytes=2-', 10)).toEqual({ start: 2, end: 9 })
    expect(parseByteRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 })
    expect(parseByteRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 })
    expect(parseByteRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 })
    expect(parseByteRange('BYTES=1-2', 10)).toEqual({ start: 1, end: 2 })
  })

  it('serves the whole body for what it does not take, and nothing past the end', () => {
    for (const header of [
      undefined,
      '',
      'bytes=',
      'bytes=-',
      'bytes=3-1',
      'bytes=0-1,4-5',
      'items=0-1',
      'bytes=1e3-',
      'bytes=99999999999999999999-',
    ])
      expect(parseByteRange(header, 10), String(header)).toBeUndefined()
    expect(parseByteRange('bytes=10-', 10)).toBeNull()
    expect(parseByteRange('bytes=-0', 10)).toBeNull()
    expect(parseByteRange('bytes=0-', 0)).toBeNull()
  })

  it('slices a stream whatever its chunks', async () => {
    const chunks = ['abc', 'defg', 'h', '', 'ijklmnop'].map((c) => Buffer.from(c))
    for (const [start, end] of [
      [0, 15],
      [2, 5],
      [7, 7],
      [8, 15],
      [3, 3],
    ])
      expect((await buffer(Readable.from(chunks).pipe(sliceBytes({ start, end })))).toString()).toBe(
        'abcdefghijklmnop'.slice(start, end + 1),
      )
  })
})
