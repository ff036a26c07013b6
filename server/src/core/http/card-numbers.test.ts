import { describe, expect, it } from 'vitest'
import { findCardNumber, holdsCardNumber, luhnValid } from './card-numbers'

describe('card numbers in request bodies', () => {
  it('finds Luhn-valid 13–19 digit numbers, plain, grouped or in Persian digits', () => {
    expect(luhnValid('4111111111111111')).toBe(true)
    expect(luhnValid('4111111111111112')).toBe(false)
    for (const text of [
      '4111111111111111',
      'card 4111 1111 1111 1111 please',
      '4111-1111-1111-1111',
      '۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱',
      '6037991234567893', // 16-digit Shetab-style number passing Luhn
      '378282246310005', // Amex, 15 digits grouped 4-6-5 below
      '3782 822463 10005',
      'order 12 4111 1111 1111 1111',
      '4222222222222', // 13 digits
    ]) {
      expect(holdsCardNumber(text), text).toBe(true)
    }
  })
  it('lets through what is not a card', () => {
    for (const text of [
      '4111111111111112', // fails Luhn
      '411111111111', // 12 digits
      '41111111111111111111111111', // 26 digits: an id, not a card
      'phone +98 912 123 4567',
      'invoice 2026-12-04',
      '4111  1111  1111  1111', // two spaces break the grouping
    ]) {
      expect(holdsCardNumber(text), text).toBe(false)
    }
  })
  it('names the field, looks into nested values and keys, and skips amounts', () => {
    expect(findCardNumber({ amount: '4111111111111111', metadata: { note: 'x' } })).toBeUndefined()
    expect(findCardNumber({ metadata: { note: 'my card 4111 1111 1111 1111' } })).toBe('body.metadata.note')
    expect(findCardNumber({ list: ['a', 4111111111111111] })).toBe('body.list.1') // a JSON number too
    expect(findCardNumber({ list: ['a', '4111111111111111'] })).toBe('body.list.1')
    expect(findCardNumber({ metadata: { '4111111111111111': 'x' } })).toBe('body.metadata.4111111111111111')
  })
  it('takes a UUID for the id it is, even when its digit groups pass Luhn', () => {
    // 41111111-1111-1111 inside a UUID: as text it would be a card; as the whole value it is an id.
    const id = '41111111-1111-1111-1111-000000000000'
    expect(holdsCardNumber(id)).toBe(true)
    expect(findCardNumber({ userId: id, to: id })).toBeUndefined()
    expect(findCardNumber({ note: `for ${id}` })).toBe('body.note')
  })
})
