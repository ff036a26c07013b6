import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DomainEvent } from '../src/core/events/bus'
import { registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan()
})
afterAll(async () => {
  await t?.close()
})

describe('domain events', () => {
  it('are published to subscribers after the commit, never after a rollback', async () => {
    const { events, database } = t.caravan
    const got: DomainEvent<'user.updated'>[] = []
    const off = events.subscribe('user.updated', (e) => {
      got.push(e)
    })
    let seenInsideTx = -1
    await events.inTransaction(database.db, async (_tx, raise) => {
      raise(events.event('user.updated', { userId: 'committed' }))
      seenInsideTx = got.length
    })
    await events
      .inTransaction(database.db, async (tx, raise) => {
        raise(events.event('user.updated', { userId: 'rolled-back' }))
        tx.rollback()
      })
      .catch(() => {})
    off()
    expect(seenInsideTx).toBe(0)
    expect(got.map((e) => e.payload.userId)).toEqual(['committed'])
  })

  it('a failing subscriber does not stop the others nor the request', async () => {
    const { events } = t.caravan
    const got: string[] = []
    const offs = [
      events.subscribe('user.registered', () => {
        throw new Error('subscriber bug')
      }),
      events.subscribe('user.registered', (e) => {
        got.push(e.payload.userId)
      }),
    ]
    const s = await registerUser(t, { email: 'events@example.com' })
    offs.forEach((off) => off())
    expect(s.user.email).toBe('events@example.com')
    expect(got).toEqual([s.user.id])
  })

  it("durable subscribers' job payloads carry ids, never the user's email or name", async () => {
    const s = await registerUser(t, { email: 'payload-check@example.com', name: 'Payload Person' })
    const { rows } = await t.database.query(
      `select data from pgboss.job where name = 'notify-user-registered' and data #>> '{event,payload,userId}' = $1`,
      [s.user.id],
    )
    expect(rows.length).toBe(1)
    const stored = JSON.stringify(rows[0].data)
    expect(stored).not.toContain('payload-check')
    expect(stored).not.toContain('Payload Person')
    expect(rows[0].data.event.payload).toEqual({ userId: s.user.id })
  })
})
