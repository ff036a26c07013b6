// SLA clocks in business hours, with hand-computed answers on Iran's usual week (Saturday–Wednesday
// 09:00–17:00, Thursday 09:00–13:00, Friday off, Asia/Tehran = UTC+03:30). 2026-12-02 is a Wednesday.
import { describe, expect, it } from 'vitest'
import { DEFAULT_SCHEDULE, type BusinessSchedule } from './business-hours'
import type { TicketRow } from './repo'
import { agentReplied, customerReplied, deadlines, slaState, solved } from './sla'

const tehran = (local: string) => new Date(`${local}+03:30`)
const targets = { firstResponse: 120, nextResponse: 240, resolution: 480 }

function ticket(fields: Partial<TicketRow>): TicketRow {
  return {
    status: 'open',
    createdAt: tehran('2026-12-02T16:00:00'),
    firstRespondedAt: null,
    awaitingSince: null,
    firstResponseDueAt: null,
    nextResponseDueAt: null,
    resolutionDueAt: null,
    slaBreaches: [],
    slaWarnings: [],
    ...fields,
  } as TicketRow
}

describe('deadlines', () => {
  it('count only working time: Wednesday 16:00 + 2 h is Thursday 10:00; + 8 h crosses the half Thursday and Friday off', () => {
    const d = deadlines(DEFAULT_SCHEDULE, targets, {
      createdAt: tehran('2026-12-02T16:00:00'),
      firstRespondedAt: null,
      awaitingSince: null,
    })
    expect(d.firstResponseDueAt).toEqual(tehran('2026-12-03T10:00:00'))
    // Wed 16–17 (1 h) + Thu 9–13 (4 h) + Sat 9–12 (3 h) = 8 h.
    expect(d.resolutionDueAt).toEqual(tehran('2026-12-05T12:00:00'))
    expect(d.nextResponseDueAt).toBeNull()
  })

  it('skip holidays, and start at opening time for a ticket that came in at night', () => {
    const withHoliday: BusinessSchedule = { ...DEFAULT_SCHEDULE, holidays: ['2026-12-05'] }
    const d = deadlines(withHoliday, targets, { createdAt: tehran('2026-12-03T22:00:00'), firstRespondedAt: null, awaitingSince: null })
    // Thursday night → Friday off → Saturday a holiday → Sunday 09:00 + 2 h.
    expect(d.firstResponseDueAt).toEqual(tehran('2026-12-06T11:00:00'))
    expect(d.resolutionDueAt).toEqual(tehran('2026-12-06T17:00:00'))
  })

  it('leave out a clock without a target, and the first response once given', () => {
    const d = deadlines(
      DEFAULT_SCHEDULE,
      { firstResponse: null, nextResponse: 60, resolution: null },
      {
        createdAt: tehran('2026-12-02T10:00:00'),
        firstRespondedAt: tehran('2026-12-02T10:30:00'),
        awaitingSince: tehran('2026-12-02T16:30:00'),
      },
    )
    expect(d.firstResponseDueAt).toBeUndefined()
    expect(d.resolutionDueAt).toBeNull()
    // Next response: 16:30 + 30 min today, 30 min Thursday morning.
    expect(d.nextResponseDueAt).toEqual(tehran('2026-12-03T09:30:00'))
  })
})

describe('clock stops', () => {
  it('an agent’s first reply records business minutes and flags a late one as breached', () => {
    const t = ticket({ firstResponseDueAt: tehran('2026-12-03T10:00:00') })
    const p = agentReplied(DEFAULT_SCHEDULE, t, tehran('2026-12-05T09:30:00'))
    // Wed 16–17 (60) + Thu 9–13 (240) + Sat 9–9:30 (30).
    expect(p.firstResponseMinutes).toBe(330)
    expect(p.slaBreaches).toEqual(['first_response'])
    const onTime = agentReplied(DEFAULT_SCHEDULE, t, tehran('2026-12-03T09:15:00'))
    expect(onTime.firstResponseMinutes).toBe(75)
    expect(onTime.slaBreaches).toBeUndefined()
  })

  it('a customer’s reply starts the next-response clock only after the first response', () => {
    const before = customerReplied(DEFAULT_SCHEDULE, targets, ticket({ awaitingSince: null }), tehran('2026-12-02T16:10:00'))
    expect(before.nextResponseDueAt).toBeNull()
    const answered = ticket({ firstRespondedAt: tehran('2026-12-02T16:05:00') })
    const after = customerReplied(DEFAULT_SCHEDULE, targets, answered, tehran('2026-12-02T16:10:00'))
    // 50 min today, 3 h 10 min Thursday.
    expect(after.nextResponseDueAt).toEqual(tehran('2026-12-03T12:10:00'))
    // Already waiting: a second message does not push the deadline out.
    expect(
      customerReplied(
        DEFAULT_SCHEDULE,
        targets,
        { ...answered, awaitingSince: tehran('2026-12-02T16:10:00') },
        tehran('2026-12-02T16:20:00'),
      ),
    ).toEqual({})
  })

  it('solving records the resolution time and a late solution as breached', () => {
    const t = ticket({ resolutionDueAt: tehran('2026-12-05T12:00:00') })
    const p = solved(DEFAULT_SCHEDULE, t, tehran('2026-12-05T13:00:00'))
    expect(p.resolutionMinutes).toBe(60 + 240 + 240)
    expect(p.slaBreaches).toEqual(['resolution'])
  })
})

describe('slaState', () => {
  const now = tehran('2026-12-03T09:50:00')
  it('tells running, at risk, breached and met apart', () => {
    const t = ticket({ firstResponseDueAt: tehran('2026-12-03T10:00:00'), resolutionDueAt: tehran('2026-12-05T12:00:00') })
    expect(slaState(t, now, 30).map((c) => c.status)).toEqual(['at_risk', 'none', 'running'])
    expect(slaState(t, now, 5).map((c) => c.status)).toEqual(['running', 'none', 'running'])
    expect(slaState(t, tehran('2026-12-03T10:01:00'), 5)[0]!.status).toBe('breached')
    const answered = { ...t, firstRespondedAt: now, status: 'solved' as const }
    expect(slaState(answered, now, 30).map((c) => c.status)).toEqual(['met', 'none', 'met'])
    expect(slaState({ ...answered, slaBreaches: ['first_response'] }, now, 30)[0]!.status).toBe('breached')
  })
})
