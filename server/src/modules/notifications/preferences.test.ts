import { describe, expect, it } from 'vitest'
import { decide, DEFAULT_PREFERENCES, quietHoursEnd } from './preferences'

describe('decide', () => {
  const prefs = {
    ...DEFAULT_PREFERENCES,
    channels: { ...DEFAULT_PREFERENCES.channels, sms: false },
    categories: { marketing: { email: false } },
  }
  it('respects the channel switch and category opt-outs', () => {
    expect(decide({ channel: 'sms', category: 'transactional', critical: false, prefs })).toEqual({
      send: false,
      reason: 'user turned sms off',
    })
    expect(decide({ channel: 'email', category: 'marketing', critical: false, prefs })).toMatchObject({ send: false })
    expect(decide({ channel: 'email', category: 'transactional', critical: false, prefs })).toEqual({ send: true })
    expect(decide({ channel: 'push', category: 'marketing', critical: false, prefs })).toEqual({ send: true })
  })
  it('critical types ignore opt-outs', () => {
    expect(decide({ channel: 'sms', category: 'security', critical: true, prefs })).toEqual({ send: true })
  })
})

describe('quietHoursEnd', () => {
  // 2026-11-25T20:00:00Z is 23:30 in Tehran (UTC+3:30, no DST since 2022).
  const at = (iso: string) => new Date(iso)
  it("spans midnight in the user's time zone", () => {
    const end = quietHoursEnd(at('2026-11-25T20:00:00Z'), 'Asia/Tehran', { start: '22:00', end: '08:00' })
    expect(end?.toISOString()).toBe('2026-11-26T04:30:00.000Z') // 08:00 Tehran
    expect(quietHoursEnd(at('2026-11-25T10:00:00Z'), 'Asia/Tehran', { start: '22:00', end: '08:00' })).toBeNull() // 13:30
  })
  it('works within one day and at the edges', () => {
    expect(quietHoursEnd(at('2026-11-25T13:00:00Z'), 'UTC', { start: '12:00', end: '14:00' })?.toISOString()).toBe(
      '2026-11-25T14:00:00.000Z',
    )
    expect(quietHoursEnd(at('2026-11-25T14:00:00Z'), 'UTC', { start: '12:00', end: '14:00' })).toBeNull()
    expect(quietHoursEnd(at('2026-11-25T12:00:00Z'), 'UTC', { start: '12:00', end: '14:00' })).not.toBeNull()
    expect(quietHoursEnd(at('2026-11-25T12:00:00Z'), 'UTC', null)).toBeNull()
    expect(quietHoursEnd(at('2026-11-25T12:00:00Z'), 'UTC', { start: '09:00', end: '09:00' })).toBeNull()
  })
})
