import { describe, expect, it } from 'vitest'
import { canMove, isFinal } from './state'
import { PAYMENT_STATUSES } from './tables'

describe('payment states', () => {
  it('move forward only', () => {
    expect(canMove('requires_action', 'processing')).toBe(true)
    expect(canMove('requires_action', 'succeeded')).toBe(true)
    expect(canMove('processing', 'succeeded')).toBe(true)
    expect(canMove('processing', 'failed')).toBe(true)
    expect(canMove('processing', 'requires_action')).toBe(false)
    expect(canMove('processing', 'processing')).toBe(false)
  })
  it('never leave a final state', () => {
    for (const from of PAYMENT_STATUSES.filter(isFinal))
      for (const to of PAYMENT_STATUSES) expect(canMove(from, to), `${from} → ${to}`).toBe(false)
  })
  it('expire only while the payer has not acted', () => {
    expect(canMove('requires_action', 'expired')).toBe(true)
    expect(canMove('processing', 'expired')).toBe(false)
  })
})
