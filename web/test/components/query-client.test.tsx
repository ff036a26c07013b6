import { CaravanError } from '@caravan/sdk'
import { describe, expect, it } from 'vitest'
import { shouldRetry } from '../../src/data/queryClient'

const problem = (status: number) => new CaravanError({ type: 'x', title: 'x', status })

describe('query retries', () => {
  it('retries network failures, 5xx and 429 twice, never a 4xx refusal', () => {
    expect(shouldRetry(0, problem(0))).toBe(true)
    expect(shouldRetry(1, problem(503))).toBe(true)
    expect(shouldRetry(0, problem(429))).toBe(true)
    expect(shouldRetry(2, problem(503))).toBe(false)
    expect(shouldRetry(0, problem(404))).toBe(false)
    expect(shouldRetry(0, problem(422))).toBe(false)
    expect(shouldRetry(0, new Error('boom'))).toBe(true)
  })
})
