// Support analytics over a small hand-built desk: every expected figure below is worked out by hand
// from the rows (see the table), so a wrong filter, bucket or aggregate shows up as a wrong number.
// Runs on PGlite, or on a fresh PostgreSQL database when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/core/db/client'
import { newId } from '../../src/core/db/ids'
import { migrate } from '../../src/core/db/migrate'
import {
  analyticsCsv,
  supportAnalytics,
  type AnalyticsGroupBy,
  type AnalyticsResult,
  type Figures,
} from '../../src/modules/support/analytics'
import { supportConversations, supportCsat, supportTeams, supportTickets } from '../../src/modules/support/tables'
import { createPostgresDatabase } from '../helpers/services'

const TZ = 'Asia/Tehran'
/** A Tehran wall-clock time ('2025-01-10 09:00'); Tehran is UTC+03:30 all year (no DST since 2022, none in January before). */
const teh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+03:30`)

// Fixed ids so the order of groups with as many tickets (ticketsCreated desc, then key) is known.
const U1 = '10000000-0000-4000-8000-000000000001'
const U2 = '20000000-0000-4000-8000-000000000002'
const BILLING = 'b0000000-0000-4000-8000-000000000001'
const TECH = 'c0000000-0000-4000-8000-000000000002'
const EMPTY_TEAM = newId()
const schedule = { timezone: TZ, week: [[], [], [], [], [], [], []], holidays: [] }

let database: Database
let fresh: { url: string; drop: () => Promise<void> } | undefined

// The range: Tehran's 10, 11 and 12 January 2025, i.e. [2025-01-09T20:30Z, 2025-01-12T20:30Z).
const FROM = teh('2025-01-10 00:00')
const TO = teh('2025-01-13 00:00')

/*
 Tickets (Tehran times; due = has an SLA deadline; frm/res = first response / resolution minutes):
 T1  Billing U1  web     solved   created 10th 02:00 (UTC 9th 22:30)  responded 10th 02:30 frm 10  solved 10th 05:00 res 100
                                 due, no breach; csat asked 10th 05:00, rated 5 on 10th 06:00
 T2  Billing U1  email   closed   created 10th 10:00  responded 10th 11:00 frm 20  solved 11th 10:00 res 200
                                 due, breached; csat asked 11th 10:00, rated 2 on 11th 11:00
 T3  Tech    U2  widget  pending  created 10th 23:45 (UTC 10th 20:15)  responded 11th 00:15 (UTC 10th 20:45) frm 30; no deadline
 T4  Tech    -   web     open     created 11th 00:30 (UTC 10th 21:00: a UTC day earlier than the local one); due, no breach
 T5  Billing U2  web     solved   created 11th 09:00  responded 11th 09:10 frm 40  solved 12th 09:00 res 300
                                 due, breached; csat asked 12th 09:00, rated 4 on 12th 10:00
 T6  Tech    U1  email   on_hold  created 12th 08:00  responded 12th 08:30 frm 50; due, no breach
 T7  Billing U2  email   solved   created 9th 23:00 (before the range)  responded 9th 23:30 frm 1000 (before)  solved 10th 09:00 res 400
                                 due, breached (created before: not in the rate); csat asked 10th 09:00, rated 1 on 13th 01:00 (after)
 T8  Billing U1  web     closed, MERGED into T5: created 11th 12:00, frm 5, solved 11th 12:30 res 7, due, breached, csat asked, rated 1
 T9  Tech    U2  web     open     created 13th 00:10 (after the range)
 T10 Tech    U2  widget  solved   created 12th 15:00  responded 12th 15:20 frm 60  solved 12th 16:00 res 90; no deadline;
                                 csat asked 12th 16:00, never rated
 T11 Billing U1  web     open     created 5 January (long before); solved 11th 14:00 res 50 but reopened: not solved
 Live chats: C1 Billing U1 10th 12:00, closed 12:30; C2 Tech unassigned 11th 00:10 (UTC 10th 20:40), open;
 C3 Tech U2 13th 05:00 (after); C4 Billing U2 9th 23:00 (before), closed 10th 09:30.

 Totals over the range:
 created  T1 T2 T3 T4 T5 T6 T10 = 7          solved (by solved_at)  T1 T2 T5 T7 T10 = 5
 first response [10,20,30,40,50,60]: median 35, p90 at rank 0.9*5 = 4.5: 50 + 0.5*10 = 55
 resolution [90,100,200,300,400]: median 200, p90 at rank 0.9*4 = 3.6: 300 + 0.6*100 = 360
 breach rate: with a deadline T1 T2 T4 T5 T6, breached T2 T5: 2/5 = 0.4
 csat in range: 5, 2, 4 = 3.67 (3 responses); asked T1 T2 T5 T7 T10 = 5, rated T1 T2 T5 T7 = 4: 0.8
 active now: T3 T4 T6 T9 T11 = 5; live chats started C1 C2 = 2, closed C1 C4 = 2
*/
async function seed() {
  const db = database.db
  await db.insert(supportTeams).values([
    { id: BILLING, name: 'Billing', schedule, isDefault: true },
    { id: TECH, name: 'Tech', schedule },
    { id: EMPTY_TEAM, name: 'Empty', schedule },
  ])
  const requesterId = newId()
  const base = { subject: 'Help', requesterId, createdBy: 'test' }
  const due = teh('2025-02-01 00:00')
  const T5 = newId()
  const tickets: (typeof supportTickets.$inferInsert)[] = [
    {
      ...base,
      id: newId(),
      teamId: BILLING,
      assigneeId: U1,
      channel: 'web',
      status: 'solved',
      createdAt: teh('2025-01-10 02:00'),
      firstRespondedAt: teh('2025-01-10 02:30'),
      firstResponseMinutes: 10,
      solvedAt: teh('2025-01-10 05:00'),
      resolutionMinutes: 100,
      firstResponseDueAt: due,
      csatRequestedAt: teh('2025-01-10 05:00'),
    },
    {
      ...base,
      id: newId(),
      teamId: BILLING,
      assigneeId: U1,
      channel: 'email',
      status: 'closed',
      createdAt: teh('2025-01-10 10:00'),
      firstRespondedAt: teh('2025-01-10 11:00'),
      firstResponseMinutes: 20,
      solvedAt: teh('2025-01-11 10:00'),
      closedAt: teh('2025-01-12 10:00'),
      resolutionMinutes: 200,
      firstResponseDueAt: due,
      slaBreaches: ['first_response'],
      csatRequestedAt: teh('2025-01-11 10:00'),
    },
    {
      ...base,
      id: newId(),
      teamId: TECH,
      assigneeId: U2,
      channel: 'widget',
      status: 'pending',
      createdAt: teh('2025-01-10 23:45'),
      firstRespondedAt: teh('2025-01-11 00:15'),
      firstResponseMinutes: 30,
    },
    {
      ...base,
      id: newId(),
      teamId: TECH,
      channel: 'web',
      status: 'open',
      createdAt: teh('2025-01-11 00:30'),
      resolutionDueAt: due,
    },
    {
      ...base,
      id: T5,
      teamId: BILLING,
      assigneeId: U2,
      channel: 'web',
      status: 'solved',
      createdAt: teh('2025-01-11 09:00'),
      firstRespondedAt: teh('2025-01-11 09:10'),
      firstResponseMinutes: 40,
      solvedAt: teh('2025-01-12 09:00'),
      resolutionMinutes: 300,
      resolutionDueAt: due,
      slaBreaches: ['resolution'],
      csatRequestedAt: teh('2025-01-12 09:00'),
    },
    {
      ...base,
      id: newId(),
      teamId: TECH,
      assigneeId: U1,
      channel: 'email',
      status: 'on_hold',
      createdAt: teh('2025-01-12 08:00'),
      firstRespondedAt: teh('2025-01-12 08:30'),
      firstResponseMinutes: 50,
      firstResponseDueAt: due,
    },
    {
      ...base,
      id: newId(),
      teamId: BILLING,
      assigneeId: U2,
      channel: 'email',
      status: 'solved',
      createdAt: teh('2025-01-09 23:00'),
      firstRespondedAt: teh('2025-01-09 23:30'),
      firstResponseMinutes: 1000,
      solvedAt: teh('2025-01-10 09:00'),
      resolutionMinutes: 400,
      firstResponseDueAt: due,
      slaBreaches: ['first_response'],
      csatRequestedAt: teh('2025-01-10 09:00'),
    },
    {
      ...base,
      id: newId(),
      teamId: BILLING,
      assigneeId: U1,
      channel: 'web',
      status: 'closed',
      mergedIntoId: T5,
      createdAt: teh('2025-01-11 12:00'),
      firstRespondedAt: teh('2025-01-11 12:05'),
      firstResponseMinutes: 5,
      solvedAt: teh('2025-01-11 12:30'),
      closedAt: teh('2025-01-11 12:30'),
      resolutionMinutes: 7,
      firstResponseDueAt: due,
      slaBreaches: ['first_response'],
      csatRequestedAt: teh('2025-01-11 12:30'),
    },
    { ...base, id: newId(), teamId: TECH, assigneeId: U2, channel: 'web', status: 'open', createdAt: teh('2025-01-13 00:10') },
    {
      ...base,
      id: newId(),
      teamId: TECH,
      assigneeId: U2,
      channel: 'widget',
      status: 'solved',
      createdAt: teh('2025-01-12 15:00'),
      firstRespondedAt: teh('2025-01-12 15:20'),
      firstResponseMinutes: 60,
      solvedAt: teh('2025-01-12 16:00'),
      resolutionMinutes: 90,
      csatRequestedAt: teh('2025-01-12 16:00'),
    },
    {
      ...base,
      id: newId(),
      teamId: BILLING,
      assigneeId: U1,
      channel: 'web',
      status: 'open',
      createdAt: teh('2025-01-05 10:00'),
      solvedAt: teh('2025-01-11 14:00'),
      resolutionMinutes: 50,
    },
  ]
  await db.insert(supportTickets).values(tickets)
  const id = (i: number) => tickets[i - 1]!.id!
  await db.insert(supportCsat).values([
    { ticketId: id(1), rating: 5, createdAt: teh('2025-01-10 06:00') },
    { ticketId: id(2), rating: 2, createdAt: teh('2025-01-11 11:00') },
    { ticketId: id(5), rating: 4, createdAt: teh('2025-01-12 10:00') },
    { ticketId: id(7), rating: 1, createdAt: teh('2025-01-13 01:00') },
    { ticketId: id(8), rating: 1, createdAt: teh('2025-01-11 13:00') },
  ])
  const chat = { siteId: newId(), visitorId: newId() }
  await db.insert(supportConversations).values([
    {
      ...chat,
      conversationId: newId(),
      startKey: 'c1',
      teamId: BILLING,
      assigneeId: U1,
      createdAt: teh('2025-01-10 12:00'),
      status: 'closed',
      closedAt: teh('2025-01-10 12:30'),
    },
    { ...chat, conversationId: newId(), startKey: 'c2', teamId: TECH, createdAt: teh('2025-01-11 00:10') },
    { ...chat, conversationId: newId(), startKey: 'c3', teamId: TECH, assigneeId: U2, createdAt: teh('2025-01-13 05:00') },
    {
      ...chat,
      conversationId: newId(),
      startKey: 'c4',
      teamId: BILLING,
      assigneeId: U2,
      createdAt: teh('2025-01-09 23:00'),
      status: 'closed',
      closedAt: teh('2025-01-10 09:30'),
    },
  ])
}

beforeAll(async () => {
  const url = process.env.DATABASE_URL
  fresh = url ? await createPostgresDatabase(url) : undefined
  database = await openDatabase(fresh ? { databaseUrl: fresh.url, poolSize: 4 } : { pgliteDir: 'memory://' })
  await migrate(database)
  await seed()
})

afterAll(async () => {
  await database?.close()
  await fresh?.drop()
})

/** Figures with the given values over zeros and nulls. */
function figures(f: Partial<Figures> = {}): Figures {
  return {
    ticketsCreated: 0,
    ticketsSolved: 0,
    conversationsCreated: 0,
    conversationsClosed: 0,
    firstResponseMinutes: { median: null, p90: null },
    resolutionMinutes: { median: null, p90: null },
    slaBreachRate: null,
    csatAverage: null,
    csatResponses: 0,
    csatRequested: 0,
    csatResponseRate: null,
    activeTickets: 0,
    ...f,
  }
}
const pct = (median: number | null, p90: number | null) => ({ median, p90 })

const run = (groupBy: AnalyticsGroupBy, from = FROM, to = TO, timezone = TZ) =>
  supportAnalytics(database.db, { from, to, groupBy, timezone })

const TOTALS = figures({
  ticketsCreated: 7,
  ticketsSolved: 5,
  conversationsCreated: 2,
  conversationsClosed: 2,
  firstResponseMinutes: pct(35, 55),
  resolutionMinutes: pct(200, 360),
  slaBreachRate: 0.4,
  csatAverage: 3.67,
  csatResponses: 3,
  csatRequested: 5,
  csatResponseRate: 0.8,
  activeTickets: 5,
})

describe('support analytics', () => {
  it('totals are aggregates over the whole range, whatever the grouping', async () => {
    for (const groupBy of ['day', 'agent', 'team', 'channel'] as const) {
      const result = await run(groupBy)
      expect(result.totals, groupBy).toEqual(TOTALS)
      expect(result).toMatchObject({ from: '2025-01-09T20:30:00.000Z', to: '2025-01-12T20:30:00.000Z', groupBy, timezone: TZ })
    }
  })

  it('by day: each figure on the local day of its own event', async () => {
    const result = await run('day')
    expect(result.groups).toEqual([
      // Created T1 T2 T3 (T1 is still the 9th in UTC, T3 23:45 local); solved T1, T7 (created before the range);
      // first responses [10,20]: median 15, p90 10 + 0.9*10 = 19; resolutions [100,400]: 250, 100 + 0.9*300 = 370;
      // deadlines T1 T2, breached T2: 0.5; rated T1 (5); asked T1 T7, both rated (T7 after the range): 1;
      // live chat C1 started, C1 and C4 closed.
      {
        key: '2025-01-10',
        label: null,
        ...figures({
          ticketsCreated: 3,
          ticketsSolved: 2,
          conversationsCreated: 1,
          conversationsClosed: 2,
          firstResponseMinutes: pct(15, 19),
          resolutionMinutes: pct(250, 370),
          slaBreachRate: 0.5,
          csatAverage: 5,
          csatResponses: 1,
          csatRequested: 2,
          csatResponseRate: 1,
        }),
      },
      // Created T4 (UTC the 10th) T5; solved T2; first responses T3 (00:15 local), T5 [30,40]: 35, 39; resolution [200];
      // deadlines T4 T5, breached T5: 0.5; rated T2 (2); asked T2, rated: 1; the conversation of 00:10 local.
      {
        key: '2025-01-11',
        label: null,
        ...figures({
          ticketsCreated: 2,
          ticketsSolved: 1,
          conversationsCreated: 1,
          firstResponseMinutes: pct(35, 39),
          resolutionMinutes: pct(200, 200),
          slaBreachRate: 0.5,
          csatAverage: 2,
          csatResponses: 1,
          csatRequested: 1,
          csatResponseRate: 1,
        }),
      },
      // Created T6 T10; solved T5 T10; first responses [50,60]: 55, 59; resolutions [90,300]: 195, 90 + 0.9*210 = 279;
      // deadline T6 only, not breached: 0; rated T5 (4); asked T5 T10, T5 rated: 0.5.
      {
        key: '2025-01-12',
        label: null,
        ...figures({
          ticketsCreated: 2,
          ticketsSolved: 2,
          firstResponseMinutes: pct(55, 59),
          resolutionMinutes: pct(195, 279),
          slaBreachRate: 0,
          csatAverage: 4,
          csatResponses: 1,
          csatRequested: 2,
          csatResponseRate: 0.5,
        }),
      },
    ])
  })

  it('by day in another zone: the same instants fall on other days', async () => {
    // The whole of 10 January in UTC: T1 (22:30 on the 9th) is out, T3 (20:15) and T4 (21:00) are in.
    const result = await run('day', new Date('2025-01-10T00:00:00Z'), new Date('2025-01-11T00:00:00Z'), 'UTC')
    expect(result.groups.map((g) => [g.key, g.ticketsCreated, g.conversationsCreated])).toEqual([['2025-01-10', 3, 2]])
  })

  it('by agent: the current assignee, unassigned tickets and live chats together', async () => {
    const result = await run('agent')
    expect(result.groups).toEqual([
      // U1: created T1 T2 T6; solved T1 T2; first [10,20,50]: 20, rank 1.8: 20 + 0.8*30 = 44; resolution [100,200]: 150, 190;
      // deadlines T1 T2 T6, breached T2: 1/3; rated 5, 2: 3.5; asked T1 T2, both rated; active T6 T11.
      {
        key: U1,
        label: null,
        ...figures({
          ticketsCreated: 3,
          ticketsSolved: 2,
          conversationsCreated: 1,
          conversationsClosed: 1,
          firstResponseMinutes: pct(20, 44),
          resolutionMinutes: pct(150, 190),
          slaBreachRate: 0.3333,
          csatAverage: 3.5,
          csatResponses: 2,
          csatRequested: 2,
          csatResponseRate: 1,
          activeTickets: 2,
        }),
      },
      // U2: created T3 T5 T10; solved T5 T7 T10; first [30,40,60]: 40, 40 + 0.8*20 = 56; resolution [90,300,400]: 300, 380;
      // deadline T5 only, breached: 1; rated 4; asked T5 T7 T10, rated T5 T7: 2/3; active T3 T9.
      {
        key: U2,
        label: null,
        ...figures({
          ticketsCreated: 3,
          ticketsSolved: 3,
          conversationsClosed: 1,
          firstResponseMinutes: pct(40, 56),
          resolutionMinutes: pct(300, 380),
          slaBreachRate: 1,
          csatAverage: 4,
          csatResponses: 1,
          csatRequested: 3,
          csatResponseRate: 0.6667,
          activeTickets: 2,
        }),
      },
      // T4 alone: a deadline, not breached.
      { key: 'unassigned', label: null, ...figures({ ticketsCreated: 1, conversationsCreated: 1, slaBreachRate: 0, activeTickets: 1 }) },
    ])
  })

  it('by team: labelled with the team name, teams without data left out', async () => {
    const result = await run('team')
    expect(result.groups).toEqual([
      // Tech: created T3 T4 T6 T10; solved T10; first [30,50,60]: 50, 58; deadlines T4 T6, none breached: 0;
      // asked T10, not rated: 0; active T3 T4 T6 T9.
      {
        key: TECH,
        label: 'Tech',
        ...figures({
          ticketsCreated: 4,
          ticketsSolved: 1,
          conversationsCreated: 1,
          firstResponseMinutes: pct(50, 58),
          resolutionMinutes: pct(90, 90),
          slaBreachRate: 0,
          csatRequested: 1,
          csatResponseRate: 0,
          activeTickets: 4,
        }),
      },
      // Billing: created T1 T2 T5; solved T1 T2 T5 T7; first [10,20,40]: 20, 36; resolution [100,200,300,400]: 250,
      // rank 2.7: 300 + 0.7*100 = 370; breached T2 T5 of T1 T2 T5: 0.6667; rated 5 2 4: 3.67; asked 4, all rated; active T11.
      {
        key: BILLING,
        label: 'Billing',
        ...figures({
          ticketsCreated: 3,
          ticketsSolved: 4,
          conversationsCreated: 1,
          conversationsClosed: 2,
          firstResponseMinutes: pct(20, 36),
          resolutionMinutes: pct(250, 370),
          slaBreachRate: 0.6667,
          csatAverage: 3.67,
          csatResponses: 3,
          csatRequested: 4,
          csatResponseRate: 1,
          activeTickets: 1,
        }),
      },
    ])
  })

  it('by channel: live chats count under widget', async () => {
    const result = await run('channel')
    expect(result.groups).toEqual([
      // web: created T1 T4 T5; solved T1 T5; first [10,40]: 25, 37; resolution [100,300]: 200, 280; breached T5 of T1 T4 T5;
      // rated 5, 4: 4.5; asked T1 T5, both rated; active T4 T9 T11.
      {
        key: 'web',
        label: null,
        ...figures({
          ticketsCreated: 3,
          ticketsSolved: 2,
          firstResponseMinutes: pct(25, 37),
          resolutionMinutes: pct(200, 280),
          slaBreachRate: 0.3333,
          csatAverage: 4.5,
          csatResponses: 2,
          csatRequested: 2,
          csatResponseRate: 1,
          activeTickets: 3,
        }),
      },
      // email: created T2 T6; solved T2 T7; first [20,50]: 35, 47; resolution [200,400]: 300, 380; breached T2 of T2 T6;
      // rated 2; asked T2 T7, both rated; active T6.
      {
        key: 'email',
        label: null,
        ...figures({
          ticketsCreated: 2,
          ticketsSolved: 2,
          firstResponseMinutes: pct(35, 47),
          resolutionMinutes: pct(300, 380),
          slaBreachRate: 0.5,
          csatAverage: 2,
          csatResponses: 1,
          csatRequested: 2,
          csatResponseRate: 1,
          activeTickets: 1,
        }),
      },
      // widget (after email: same count, key order): created T3 T10; solved T10; first [30,60]: 45, 57; no deadlines: null;
      // asked T10, not rated: 0; active T3; and the two conversations.
      {
        key: 'widget',
        label: null,
        ...figures({
          ticketsCreated: 2,
          ticketsSolved: 1,
          conversationsCreated: 2,
          conversationsClosed: 2,
          firstResponseMinutes: pct(45, 57),
          resolutionMinutes: pct(90, 90),
          csatRequested: 1,
          csatResponseRate: 0,
          activeTickets: 1,
        }),
      },
    ])
  })

  it('medians and p90s are rounded to one decimal (percentile_cont interpolates in float8)', async () => {
    // Closed (not active) and in March 2023, away from the other ranges: p90 of [20,33] is 20 + 0.9*13, 31.700000000000003 in float8.
    const at = teh('2023-03-01 10:00')
    const row = {
      subject: 'Help',
      requesterId: newId(),
      createdBy: 'test',
      teamId: TECH,
      channel: 'api' as const,
      status: 'closed' as const,
    }
    await database.db.insert(supportTickets).values(
      [20, 33].map((minutes) => ({
        ...row,
        id: newId(),
        createdAt: at,
        firstRespondedAt: at,
        firstResponseMinutes: minutes,
        solvedAt: at,
        resolutionMinutes: minutes,
      })),
    )
    const result = await run('day', teh('2023-03-01 00:00'), teh('2023-03-02 00:00'))
    const expected = { ticketsCreated: 2, ticketsSolved: 2, firstResponseMinutes: pct(26.5, 31.7), resolutionMinutes: pct(26.5, 31.7) }
    expect(result.totals).toMatchObject(expected)
    expect(result.groups).toEqual([{ key: '2023-03-01', label: null, ...figures(expected) }])
  })

  it('a range without data: zeros and nulls, every day listed (active tickets are workload, not range-bound)', async () => {
    const result = await run('day', teh('2024-06-01 00:00'), teh('2024-06-03 00:00'))
    expect(result.totals).toEqual(figures({ activeTickets: 5 }))
    expect(result.groups).toEqual([
      { key: '2024-06-01', label: null, ...figures() },
      { key: '2024-06-02', label: null, ...figures() },
    ])
    const byTeam = await run('team', teh('2024-06-01 00:00'), teh('2024-06-03 00:00'))
    expect(byTeam.totals).toEqual(figures({ activeTickets: 5 }))
    // Only the workload is left: Billing holds T11, Tech T3 T4 T6 T9 (no tickets created: by key).
    expect(byTeam.groups.map((g) => [g.label, g.ticketsCreated, g.activeTickets])).toEqual([
      ['Billing', 0, 1],
      ['Tech', 0, 4],
    ])
  })

  it('by day lists the days without data between and after others', async () => {
    // 13 January: T9 created (00:10), a conversation (05:00), T7's late rating (1); 14 January: nothing.
    const result = await run('day', teh('2025-01-13 00:00'), teh('2025-01-15 00:00'))
    expect(result.groups).toEqual([
      { key: '2025-01-13', label: null, ...figures({ ticketsCreated: 1, conversationsCreated: 1, csatAverage: 1, csatResponses: 1 }) },
      { key: '2025-01-14', label: null, ...figures() },
    ])
    expect(result.totals).toEqual(
      figures({ ticketsCreated: 1, conversationsCreated: 1, csatAverage: 1, csatResponses: 1, activeTickets: 5 }),
    )
  })

  it('a range ending mid-day includes that day; an empty range has no days', async () => {
    const result = await run('day', teh('2025-01-11 09:30'), teh('2025-01-12 08:00'))
    // [11th 09:30, 12th 08:00): T5 (09:00) is before and T6 (08:00 sharp) at the end, so nothing is created; T2 solved at 10:00.
    expect(result.groups.map((g) => [g.key, g.ticketsCreated, g.ticketsSolved])).toEqual([
      ['2025-01-11', 0, 1],
      ['2025-01-12', 0, 0],
    ])
    expect((await run('day', FROM, FROM)).groups).toEqual([])
  })
})

describe('analyticsCsv', () => {
  const result: AnalyticsResult = {
    from: '2025-01-09T20:30:00.000Z',
    to: '2025-01-12T20:30:00.000Z',
    groupBy: 'team',
    timezone: TZ,
    totals: figures({
      ticketsCreated: 3,
      ticketsSolved: 1,
      conversationsCreated: 2,
      conversationsClosed: 1,
      firstResponseMinutes: pct(12.5, 37),
      resolutionMinutes: pct(90, 90),
      slaBreachRate: 0.6667,
      csatAverage: 3.67,
      csatResponses: 3,
      csatRequested: 4,
      csatResponseRate: 0.75,
      activeTickets: 2,
    }),
    groups: [
      { key: 't1', label: 'Sales, "EU"', ...figures({ ticketsCreated: 2, slaBreachRate: 0.5, activeTickets: 1 }) },
      { key: 't2', label: '=HYPERLINK("x")', ...figures({ ticketsCreated: 1, ticketsSolved: 1, csatAverage: 4.5 }) },
      { key: 't3', label: '-1+2', ...figures({ activeTickets: 1 }) },
      { key: '+t4', label: '@SUM(A1)', ...figures({ activeTickets: 1 }) },
    ],
  }

  it('writes RFC 4180 rows with quoting, defused formulas and a total row', () => {
    expect(analyticsCsv(result)).toBe(
      [
        'key,label,tickets_created,tickets_solved,conversations_created,conversations_closed,first_response_median_minutes,first_response_p90_minutes,' +
          'resolution_median_minutes,resolution_p90_minutes,sla_breach_rate,csat_average,csat_responses,csat_requested,csat_response_rate,active_tickets',
        't1,"Sales, ""EU""",2,0,0,0,,,,,0.5,,0,0,,1',
        `t2,"'=HYPERLINK(""x"")",1,1,0,0,,,,,,4.5,0,0,,0`,
        `t3,'-1+2,0,0,0,0,,,,,,,0,0,,1`,
        `'+t4,'@SUM(A1),0,0,0,0,,,,,,,0,0,,1`,
        'total,,3,1,2,1,12.5,37,90,90,0.6667,3.67,3,4,0.75,2',
        '',
      ].join('\r\n'),
    )
  })
})
