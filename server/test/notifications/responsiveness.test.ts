// A node on the embedded PGlite keeps answering (timers, HTTP) while its workers deliver a large
// notification: PGlite does no real I/O, so without the worker's yield the event loop would wait
// until the whole queue was drained (seconds).
import { randomUUID } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan()
})
afterAll(async () => {
  await t?.close()
})

describe('a busy worker', () => {
  it('leaves the event loop free while delivering 500 emails', async () => {
    const n = t.caravan.services.notifications
    await n.settings.write({ rateLimits: { '*': { in_app: 1e6, email: 1e6, sms: 1e6, push: 1e6 } } })
    await n.catalog.createType('system', { key: 'bulk.ping', name: 'Ping', category: 'transactional', channels: ['email'] })
    for (const locale of ['en', 'fa'] as const)
      await n.catalog.saveTemplate('system', 'bulk.ping', 'email', locale, { subject: 's', html: '<p>{{ n }}</p>', text: '{{ n }}' })
    const ids = Array.from({ length: 500 }, () => randomUUID())
    await t.database.query(`insert into users (id, email, password_hash) select id, id || '@example.com', 'x' from unnest($1::uuid[]) id`, [
      ids,
    ])
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    const { id } = await n.pipeline.accept('system', { type: 'bulk.ping', to: ids, data: { n: 1 } })
    await until(
      async () => {
        const { rows } = await t.database.query(
          `select count(*)::int as c from deliveries where notification_id = $1 and status = 'delivered'`,
          [id],
        )
        return rows[0].c === ids.length
      },
      60_000,
      'all delivered',
    )
    delay.disable()
    expect(Math.round(delay.max / 1e6)).toBeLessThan(1500)
  })
})
