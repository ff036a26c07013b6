import { describe, expect, it } from 'vitest'
import { poolRandomBytes } from './random'

describe('pooled random bytes', () => {
  it('hands out fresh bytes of the size asked, never the same twice, across pool refills', () => {
    const seen = new Set<string>()
    // 2,000 × 16 bytes: the 4 kB pool is refilled several times on the way.
    for (let i = 0; i < 2000; i++) {
      const bytes = poolRandomBytes(16)
      expect(bytes.length).toBe(16)
      seen.add(bytes.toString('hex'))
    }
    expect(seen.size).toBe(2000)
  })
  it('gives the caller its own copy and refuses sizes meant for keys', () => {
    const a = poolRandomBytes(12)
    const copy = Buffer.from(a)
    poolRandomBytes(12)
    expect(a.equals(copy)).toBe(true)
    expect(() => poolRandomBytes(257)).toThrow(RangeError)
  })
})
