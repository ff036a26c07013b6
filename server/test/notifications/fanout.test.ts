// Fan-out as chunk jobs: each chunk of 500 recipients is its own short job that enqueues the next in
// its commit, and a chunk that fails and runs again counts its recipients against their rate
// limits once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'
import { api, defineType, insertUsers, settled } from './helpers'

let t: TestCaravan
let admin: string
beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
})
afterAll(async () => {
  await t?.close()
})

describe('fan-out', () => {
  it('runs one job per chunk of 500 recipients, each enqueueing the next', async () => {
    await defineType(t, admin, 'chunk.sms', ['sms'])
    // No phone numbers: every delivery is suppressed at once, so the test measures the fan-out only.
    const users = await insertUsers(t, 1201)
    const res = await api(t, 'POST', '/v1/notifications', admin, { type: 'chunk.sms', to: users, data: { orderId: 'C' } })
    expect(res.status).toBe(202)
    const id = res.body.id
    const done = await until(
      async () => {
        const { rows } = await t.database.query(`select status, recipient_count from notifications where id = $1`, [id])
        return rows[0].status === 'fanned_out' ? rows[0] : undefined
      },
      60_000,
      'fanned out',
    )
    expect(done.recipient_count).toBe(1201)
    const { rows: deliveries } = await t.database.query(
      `select count(*)::int as n, count(distinct user_id)::int as users from deliveries where notification_id = $1 and reason = 'no phone number'`,
      [id],
    )
    expect(deliveries[0]).toEqual({ n: 1201, users: 1201 })
    const { rows: jobs } = await t.database.query(
      `select count(*)::int as n, max(extract(epoch from expire_in))::int as expire from pgboss.job where name = 'notify-fanout' and data->>'notificationId' = $1`,
      [id],
    )
    expect(jobs[0]).toEqual({ n: 3, expire: 60 })
  })

  it('counts a recipient against the rate limit once when a chunk fails after counting and runs again', async () => {
    await defineType(t, admin, 'receipt.once', ['in_app'], { category: 'payments' })
    const before = (await api(t, 'GET', '/v1/admin/notification-settings', admin)).body.rateLimits
    await api(t, 'PUT', '/v1/admin/notification-settings', admin, { rateLimits: { payments: { in_app: 1 } } })
    // The first insert of this type's deliveries fails (a sequence is not rolled back with the transaction).
    await t.database.query(`create sequence fanout_fail_once`)
    await t.database.query(`create function fanout_fail_once() returns trigger language plpgsql as $$
      begin
        if nextval('fanout_fail_once') = 1 then raise exception 'injected failure after counting'; end if;
        return new;
      end $$`)
    await t.database.query(
      `create trigger fanout_fail_once before insert on deliveries for each row when (new.type_key = 'receipt.once') execute function fanout_fail_once()`,
    )
    try {
      const [user] = await insertUsers(t, 1)
      const first = await api(t, 'POST', '/v1/notifications', admin, { type: 'receipt.once', to: user, data: { orderId: '1' } })
      const detail = await settled(t, admin, first.body.id, 40_000)
      const { rows } = await t.database.query(`select nextval('fanout_fail_once')::int as n`)
      expect(rows[0].n).toBeGreaterThan(2) // it did fail once, and ran again
      expect(detail.deliveries[0]).toMatchObject({ status: 'delivered' })

      // The count is one: a second receipt within the hour is over the limit of 1.
      const second = await api(t, 'POST', '/v1/notifications', admin, { type: 'receipt.once', to: user, data: { orderId: '2' } })
      const over = await settled(t, admin, second.body.id)
      expect(over.deliveries[0]).toMatchObject({ status: 'suppressed', reason: expect.stringMatching(/rate limit: 1 payments in_app/) })
    } finally {
      await t.database.query(`drop trigger if exists fanout_fail_once on deliveries`)
      await t.database.query(`drop function if exists fanout_fail_once()`)
      await t.database.query(`drop sequence if exists fanout_fail_once`)
      await api(t, 'PUT', '/v1/admin/notification-settings', admin, { rateLimits: before })
    }
  })
})
