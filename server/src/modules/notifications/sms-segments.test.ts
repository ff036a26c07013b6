import { describe, expect, it } from 'vitest'
import { smsSegments } from './sms-segments'

describe('smsSegments', () => {
  it('counts nothing for an empty text', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', characters: 0, segments: 0, perSegment: 160 })
  })

  it('keeps the whole GSM 03.38 basic alphabet in GSM-7 at one septet each (127 characters, ESC excluded)', () => {
    const alphabet =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
    expect(Array.from(alphabet)).toHaveLength(127)
    expect(smsSegments(alphabet)).toEqual({ encoding: 'GSM-7', characters: 127, segments: 1, perSegment: 160 })
  })

  it('switches to UCS-2 for characters outside the GSM alphabet, even Latin-looking ones', () => {
    expect(smsSegments('ç').encoding).toBe('UCS-2') // only capital Ç is in the basic set
    expect(smsSegments('á').encoding).toBe('UCS-2')
    expect(smsSegments('`').encoding).toBe('UCS-2')
    expect(smsSegments('\t').encoding).toBe('UCS-2')
  })

  it('fits 160 GSM characters in one part and needs two for 161 (153 per part)', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', characters: 160, segments: 1, perSegment: 160 })
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', characters: 161, segments: 2, perSegment: 153 })
    expect(smsSegments('a'.repeat(306)).segments).toBe(2)
    expect(smsSegments('a'.repeat(307)).segments).toBe(3)
  })

  it('counts each extension character as two septets', () => {
    for (const ch of ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f']) {
      expect(smsSegments(ch)).toMatchObject({ encoding: 'GSM-7', characters: 2, segments: 1 })
    }
  })

  it('puts an extension character at the 160 boundary into a second part', () => {
    expect(smsSegments('a'.repeat(158) + '€')).toMatchObject({ characters: 160, segments: 1 })
    expect(smsSegments('a'.repeat(159) + '€')).toMatchObject({ characters: 161, segments: 2, perSegment: 153 })
  })

  it('never cuts an escape sequence between parts, so a part can end one septet short', () => {
    // 152 + 2 + 152 = 306 septets, which would be exactly 2 × 153, but the € cannot straddle the cut.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152)
    expect(smsSegments(text)).toEqual({ encoding: 'GSM-7', characters: 306, segments: 3, perSegment: 153 })
    expect(smsSegments('a'.repeat(151) + '€' + 'a'.repeat(153)).segments).toBe(2)
  })

  it('sends Persian text as UCS-2: 70 in one part, 67 per part after that', () => {
    const hello = 'سلام، سفارش شما ارسال شد'
    expect(smsSegments(hello)).toEqual({ encoding: 'UCS-2', characters: hello.length, segments: 1, perSegment: 70 })
    expect(smsSegments('س'.repeat(70))).toEqual({ encoding: 'UCS-2', characters: 70, segments: 1, perSegment: 70 })
    expect(smsSegments('س'.repeat(71))).toEqual({ encoding: 'UCS-2', characters: 71, segments: 2, perSegment: 67 })
    expect(smsSegments('س'.repeat(134)).segments).toBe(2)
    expect(smsSegments('س'.repeat(135)).segments).toBe(3)
  })

  it('turns a whole GSM text into UCS-2 when one Persian letter or digit appears', () => {
    expect(smsSegments('a'.repeat(100) + '۱')).toMatchObject({ encoding: 'UCS-2', characters: 101, segments: 2 })
  })

  it('counts an emoji as two UTF-16 units and never cuts it between parts', () => {
    expect(smsSegments('😀')).toEqual({ encoding: 'UCS-2', characters: 2, segments: 1, perSegment: 70 })
    expect(smsSegments('a'.repeat(68) + '😀')).toMatchObject({ characters: 70, segments: 1 })
    expect(smsSegments('a'.repeat(69) + '😀')).toMatchObject({ characters: 71, segments: 2, perSegment: 67 })
    // 66 + 2 + 66 = 134 = 2 × 67, but the pair cannot straddle the cut.
    expect(smsSegments('a'.repeat(66) + '😀' + 'a'.repeat(66)).segments).toBe(3)
  })
})
