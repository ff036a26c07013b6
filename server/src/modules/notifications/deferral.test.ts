import { describe, expect, it } from 'vitest'
import { planDeferral } from './deferral'

const policy = { limit: 4, maxSeconds: 3600 }
const noJitter = () => 0

describe('waiting for open circuits', () => {
  it('waits until the earliest circuit half-opens, at least a pause that doubles per wait', () => {
    const base = { now: 0, since: 0, policy, random: noJitter }
    expect(planDeferral({ ...base, deferral: 1, openUntil: 30_000 })).toEqual({ waitSeconds: 30 })
    expect(planDeferral({ ...base, deferral: 1, openUntil: 1_000 })).toEqual({ waitSeconds: 10 })
    expect(planDeferral({ ...base, deferral: 2, openUntil: 1_000 })).toEqual({ waitSeconds: 20 })
    expect(planDeferral({ ...base, deferral: 4, openUntil: undefined })).toEqual({ waitSeconds: 80 })
  })

  it('adds up to a quarter at random, so held-back deliveries do not wake together', () => {
    const plan = planDeferral({ now: 0, since: 0, policy, deferral: 1, openUntil: 40_000, random: () => 1 })
    expect(plan).toEqual({ waitSeconds: 50 })
  })

  it('gives up after the limit of waits', () => {
    const plan = planDeferral({ now: 0, since: 0, policy, deferral: 5, openUntil: 1_000 })
    expect(plan).toEqual({ giveUp: 'held back 4 times by open circuits' })
  })

  it('gives up after the longest wait, and never waits past it', () => {
    const late = { policy: { limit: 100, maxSeconds: 60 }, since: 0, openUntil: 3_600_000, random: noJitter }
    expect(planDeferral({ ...late, now: 50_000, deferral: 3 })).toEqual({ waitSeconds: 10 })
    expect(planDeferral({ ...late, now: 60_000, deferral: 4 })).toEqual({ giveUp: 'held back by open circuits for 60 s' })
  })
})
