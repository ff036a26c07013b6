import { describe, expect, it } from 'vitest'
import { nonFiniteInput } from './plugins'

describe('nonFiniteInput', () => {
  it('names where a query, path or body holds a number that is not finite', () => {
    expect(nonFiniteInput({ query: { limit: Infinity }, params: {}, body: undefined })).toBe('querystring/limit')
    expect(nonFiniteInput({ query: {}, params: { n: -Infinity }, body: undefined })).toBe('params/n')
    expect(nonFiniteInput({ query: {}, params: {}, body: { a: [1, { b: NaN }] } })).toBe('body/a/1/b')
    expect(nonFiniteInput({ query: { limit: 20 }, params: {}, body: { a: [1e308, 'Infinity'] } })).toBeUndefined()
  })

  it('does not walk a raw body (a webhook’s Buffer, any typed array) element by element', () => {
    expect(nonFiniteInput({ query: {}, params: {}, body: Buffer.alloc(5_000_000, 1) })).toBeUndefined()
    // Walked, this one would be named (body/0): it is not.
    expect(nonFiniteInput({ query: {}, params: {}, body: new Float64Array([Infinity]) })).toBeUndefined()
  })
})
