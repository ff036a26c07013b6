import { describe, expect, it } from 'vitest'
import { mayHoldUnstorableText, unstorableText } from './storable'

describe('unstorableText', () => {
  it('finds the NUL character and lone surrogates in strings and keys at any depth', () => {
    expect(unstorableText('a\u0000b')).toBe('the NUL character (\\u0000)')
    expect(unstorableText({ a: [{ b: 'x\ud800' }] })).toBe('a lone UTF-16 surrogate (\\ud800 to \\udfff)')
    expect(unstorableText({ ['\udc00']: 1 })).toMatch(/surrogate/)
    expect(unstorableText(['\ud83d\ud83d\ude00'])).toMatch(/surrogate/)
    expect(unstorableText('\ude00\ud83d')).toMatch(/surrogate/)
  })

  it('passes ordinary text, paired surrogates, numbers and nulls', () => {
    expect(unstorableText({ name: 'سارا 😀', tags: ['\\u0000', 'ok'], n: 0, none: null, yes: true })).toBeUndefined()
    expect(unstorableText(undefined)).toBeUndefined()
  })
})

describe('mayHoldUnstorableText', () => {
  it('is true only when JSON text has a NUL or surrogate escape', () => {
    expect(mayHoldUnstorableText(String.raw`{"a":"\u0000"}`)).toBe(true)
    expect(mayHoldUnstorableText(String.raw`{"a":"\uD83D\uDE00"}`)).toBe(true)
    expect(mayHoldUnstorableText(String.raw`{"a":"\u00e9 ok"}`)).toBe(false)
    expect(mayHoldUnstorableText('{"a":"😀"}')).toBe(false)
  })
})
