import { describe, expect, it } from 'vitest'
import { createSecretBox, SecretBoxError } from './crypto'

describe('secret box', () => {
  const box = createSecretBox('k'.repeat(40))
  it('round-trips, with a fresh nonce each time', () => {
    const a = box.seal('sk_live_کلید 🔑', 'provider:stripe')
    expect(a).not.toContain('sk_live')
    expect(box.seal('same', 'x')).not.toBe(box.seal('same', 'x'))
    expect(box.open(a, 'provider:stripe')).toBe('sk_live_کلید 🔑')
  })
  it('refuses tampering, another context and another key', () => {
    const sealed = box.seal('secret', 'provider:a')
    const parts = sealed.split('.')
    const flipped = [parts[0], parts[1], (parts[2][0] === 'A' ? 'B' : 'A') + parts[2].slice(1), parts[3]].join('.')
    expect(() => box.open(flipped, 'provider:a')).toThrow(SecretBoxError)
    expect(() => box.open(sealed, 'provider:b')).toThrow(SecretBoxError)
    expect(() => createSecretBox('z'.repeat(40)).open(sealed, 'provider:a')).toThrow(SecretBoxError)
    expect(() => box.open('garbage', '')).toThrow(SecretBoxError)
  })
})
