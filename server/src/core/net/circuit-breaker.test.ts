import { describe, expect, it } from 'vitest'
import { createBreaker, createBreakerSet, type Breaker } from './circuit-breaker'

/** One call under the breaker, ended with `outcome`; false when the breaker refused it. */
const call = (b: Breaker, outcome: 'up' | 'down' | 'unused') => {
  const permit = b.tryAcquire()
  permit?.end(outcome)
  return permit !== null
}

describe('circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the pause, closes on success', () => {
    let now = 0
    const b = createBreaker({ threshold: 3, openMs: 1000, now: () => now })
    call(b, 'down')
    call(b, 'down')
    expect(b.state).toBe('closed')
    call(b, 'down')
    expect(b.state).toBe('open')
    expect(b.retryAt).toBe(1000)
    expect(b.tryAcquire()).toBeNull()
    now = 1000
    const trial = b.tryAcquire()
    expect(trial).not.toBeNull()
    expect(b.tryAcquire()).toBeNull() // only one trial at a time
    trial!.end('down')
    expect(b.state).toBe('open')
    expect(b.retryAt).toBe(2000)
    now = 2000
    expect(call(b, 'up')).toBe(true)
    expect(b.state).toBe('closed')
    expect(b.idle).toBe(true)
  })

  it('a success resets the count', () => {
    const b = createBreaker({ threshold: 2 })
    call(b, 'down')
    call(b, 'up')
    call(b, 'down')
    expect(b.state).toBe('closed')
  })

  it('a trial the provider answered, even to refuse the message, closes the circuit', () => {
    let now = 0
    const b = createBreaker({ threshold: 1, openMs: 1000, now: () => now })
    call(b, 'down')
    now = 1000
    // e.g. invalid_recipient or a permanent per-message error: the provider is up.
    expect(call(b, 'up')).toBe(true)
    expect(b.state).toBe('closed')
    expect(call(b, 'up')).toBe(true)
  })

  it('a trial not used after all (throttled) is given back for the next caller', () => {
    let now = 0
    const b = createBreaker({ threshold: 1, openMs: 1000, now: () => now })
    call(b, 'down')
    now = 1000
    expect(call(b, 'unused')).toBe(true)
    expect(b.state).toBe('half_open')
    const next = b.tryAcquire()
    expect(next).not.toBeNull()
    next!.end('up')
    expect(b.state).toBe('closed')
  })

  it('only the first end of a permit counts', () => {
    const b = createBreaker({ threshold: 2 })
    const permit = b.tryAcquire()!
    permit.end('down')
    permit.end('down')
    expect(b.state).toBe('closed')
  })

  it('a trial lost with its worker is replaced after the trial timeout', () => {
    let now = 0
    const b = createBreaker({ threshold: 1, openMs: 1000, trialTimeoutMs: 5000, now: () => now })
    call(b, 'down')
    now = 1000
    expect(b.tryAcquire()).not.toBeNull() // never ended
    now = 5999
    expect(b.tryAcquire()).toBeNull()
    now = 6000
    expect(b.tryAcquire()).not.toBeNull()
  })
})

describe('breaker set', () => {
  it('keeps a breaker per provider and per scope of it', () => {
    const set = createBreakerSet({ threshold: 1 })
    call(set.get('fcm'), 'down')
    expect(set.stateOf('fcm')).toBe('open')
    expect(set.get('webpush', 'fcm.googleapis.com').state).toBe('closed')
    call(set.get('webpush', 'updates.push.services.mozilla.com'), 'down')
    expect(set.get('webpush', 'updates.push.services.mozilla.com').state).toBe('open')
    expect(set.get('webpush', 'fcm.googleapis.com').state).toBe('closed')
    expect(set.stateOf('webpush')).toBe('closed')
    expect(set.get('webpush', 'fcm.googleapis.com')).toBe(set.get('webpush', 'fcm.googleapis.com'))
  })

  it('forgets idle breakers rather than grow without bound', () => {
    const set = createBreakerSet({ threshold: 1 })
    call(set.get('webpush', 'dead.example'), 'down')
    for (let i = 0; i < 1500; i++) set.get('webpush', `host-${i}.example`)
    // The open one is remembered; idle ones came and went.
    expect(set.get('webpush', 'dead.example').state).toBe('open')
  })
})
