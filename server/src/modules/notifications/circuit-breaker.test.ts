import { describe, expect, it } from 'vitest'
import { createBreaker } from './circuit-breaker'

describe('circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the pause, closes on success', () => {
    let now = 0
    const b = createBreaker({ threshold: 3, openMs: 1000, now: () => now })
    b.failure()
    b.failure()
    expect(b.canTry()).toBe(true)
    b.failure()
    expect(b.state).toBe('open')
    expect(b.canTry()).toBe(false)
    now = 1000
    expect(b.canTry()).toBe(true)
    expect(b.canTry()).toBe(false) // only one trial at a time
    b.failure()
    expect(b.state).toBe('open')
    now = 2000
    expect(b.canTry()).toBe(true)
    b.success()
    expect(b.state).toBe('closed')
  })
  it('a success resets the count', () => {
    const b = createBreaker({ threshold: 2 })
    b.failure()
    b.success()
    b.failure()
    expect(b.state).toBe('closed')
  })
})
