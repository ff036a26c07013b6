// A node on the embedded PGlite keeps answering (timers, HTTP) while its workers deliver a large
// notification. PGlite does no real I/O, so a busy worker is one long chain of promise
// continuations: without the yield in the job runner (core/jobs/queue.ts, runOne) the event loop
// would get no turn until the whole queue was drained (seconds).
//
// Measured in event-loop turns, not milliseconds, so the figure does not depend on the machine's
// load: a setImmediate callback runs once per turn, and the test counts how many deliveries were
// completed between two turns. With the yield every job of a batch waits for a turn, so at most a
// batch per worker completes in one (20 × 2 today); without it, the whole queue does. A wall-clock
// figure (GET /healthz while 2,000 deliveries run) is in bench/notifications.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'

const RECIPIENTS = 600

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan()
})
afterAll(async () => {
  await t?.close()
})

describe('a busy worker', () => {
  it('leaves the event loop a turn between deliveries, and HTTP answers in the middle of them', async () => {
    const n = t.caravan.services.notifications
    await n.catalog.createType('system', { key: 'bulk.ping', name: 'Ping', category: 'transactional', channels: ['in_app'] })
    for (const locale of ['en', 'fa'] as const)
      await n.catalog.saveTemplate('system', 'bulk.ping', 'in_app', locale, { title: 't', body: '{{ n }}' })
    const ids = Array.from({ length: RECIPIENTS }, () => randomUUID())
    await t.database.query(`insert into users (id, email, password_hash) select id, id || '@example.com', 'x' from unnest($1::uuid[]) id`, [
      ids,
    ])

    // Every in-app delivery publishes notification:new in process, synchronously countable.
    let delivered = 0
    const unsubscribe = t.caravan.events.subscribe('notification:new', () => {
      delivered++
    })
    let turns = 0
    let mostInOneTurn = 0
    let seenAtLastTurn = 0
    let probe: Promise<number> | undefined
    let stop = false
    const onTurn = () => {
      turns++
      mostInOneTurn = Math.max(mostInOneTurn, delivered - seenAtLastTurn)
      seenAtLastTurn = delivered
      // Once deliveries are under way, ask the HTTP layer something; note how far they got when it answers.
      if (!probe && delivered > 0 && delivered < RECIPIENTS / 5)
        probe = t.caravan.app.inject({ method: 'GET', url: '/healthz' }).then((res) => (res.statusCode === 200 ? delivered : -1))
      if (!stop) setImmediate(onTurn)
    }
    setImmediate(onTurn)
    try {
      await n.pipeline.accept('system', { type: 'bulk.ping', to: ids, data: { n: 1 } })
      await until(() => delivered >= RECIPIENTS, 60_000, 'all delivered')
    } finally {
      stop = true
      unsubscribe()
    }
    // At most a batch per worker between two turns; far from the whole queue.
    expect(mostInOneTurn, `most deliveries completed in one event-loop turn (${turns} turns)`).toBeLessThanOrEqual(RECIPIENTS / 4)
    expect(probe, 'an HTTP request was sent while deliveries ran').toBeDefined()
    const deliveredWhenAnswered = await probe!
    expect(deliveredWhenAnswered, 'HTTP answered before the queue was drained').toBeGreaterThan(0)
    expect(deliveredWhenAnswered).toBeLessThan(RECIPIENTS)
  })
})
