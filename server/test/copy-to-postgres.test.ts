// Moving from the embedded database to PostgreSQL: `caravan copy-to-postgres URL` copies every row
// (queued jobs included) into an empty database, and a node on PostgreSQL carries on from there.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/core/db/client'
import { startTestCaravan, type TestCaravan } from './helpers/caravan'
import { createPostgresDatabase, requireServices } from './helpers/services'
import { until } from './helpers/wait'
import { embeddedEnv, runCaravan, startEmbeddedNode, type EmbeddedNode } from './helpers/worker'

const ADMIN = { email: 'owner@move.example.com', password: 'move owner password' }
const USER = { email: 'kept@move.example.com', password: 'kept password 1' }

let run = false
let dataDir: string
let node: EmbeddedNode | undefined
let target: { url: string; drop: () => Promise<void> } | undefined
let moved: TestCaravan | undefined

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

beforeAll(async () => {
  run = await requireServices({ postgres: true })
  if (!run) return
  dataDir = mkdtempSync(join(tmpdir(), 'caravan-move-'))
  target = await createPostgresDatabase()
}, 120_000)

afterAll(async () => {
  await node?.stop()
  await moved?.close()
  await target?.drop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('caravan copy-to-postgres', () => {
  it('copies every row and the queued jobs into an empty PostgreSQL database, where a node carries on', async (ctx) => {
    if (!run) return ctx.skip()
    node = await startEmbeddedNode(dataDir, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password })
    const admin = (await call(node.url, 'POST', '/v1/auth/login', ADMIN)).body.accessToken
    const user = (await call(node.url, 'POST', '/v1/auth/register', USER)).body.user
    expect(
      (
        await call(
          node.url,
          'POST',
          '/v1/admin/notification-types',
          { key: 'move.later', name: 'Later', category: 'transactional', channels: ['in_app'] },
          admin,
        )
      ).status,
    ).toBe(201)
    for (const locale of ['en', 'fa']) {
      const content = { title: 'Moved', body: 'Hello after the move' }
      expect(
        (await call(node.url, 'PUT', `/v1/admin/notification-types/move.later/templates/in_app/${locale}`, { content }, admin)).status,
      ).toBe(201)
    }
    // Sent for an hour from now: its fan-out job is waiting in the queue when the data moves.
    const sendAt = new Date(Date.now() + 3600_000).toISOString()
    const later = await call(node.url, 'POST', '/v1/notifications', { type: 'move.later', to: user.id, sendAt }, admin)
    expect(later.status).toBe(202)

    const whileRunning = await runCaravan(['copy-to-postgres', target!.url], embeddedEnv(dataDir))
    expect(whileRunning.status).toBe(1)
    expect(whileRunning.stderr.trim()).toBe(
      `caravan: cannot copy while a Caravan node runs on DATA_DIR ${dataDir} (pid ${node.child.pid}, ${node.url}): stop it first, so that nothing is written meanwhile`,
    )
    expect(await node.stop()).toBe(0)

    const copy = await runCaravan(['copy-to-postgres', target!.url], embeddedEnv(dataDir))
    expect(copy.status, copy.stderr).toBe(0)
    expect(copy.stdout).toMatch(/^Copied \d+ rows in \d+ tables from /)

    // Every table holds the same rows on both sides.
    const source = await openDatabase({ pgliteDir: join(dataDir, 'pglite') })
    const copied = await openDatabase({ databaseUrl: target!.url, poolSize: 1 })
    try {
      const { rows: tables } = await source.query(
        `select schemaname || '.' || tablename as name from pg_tables where schemaname = 'public' or (schemaname = 'pgboss' and tablename in ('job', 'archive', 'schedule'))`,
      )
      const digest = (db: typeof source, table: string) =>
        db.query(`select count(*)::int as n, coalesce(md5(string_agg(t::text, ',' order by t::text)), '') as sum from ${table} t`)
      for (const { name } of tables) {
        if (name === 'pgboss.job') continue // its partitions differ in name only; compared below
        expect((await digest(copied, name)).rows[0], name).toEqual((await digest(source, name)).rows[0])
      }
      const waiting = `select id, state, start_after from pgboss.job where name = 'notify-fanout' and data->>'notificationId' = $1`
      const before = (await source.query(waiting, [later.body.id])).rows
      expect(before).toHaveLength(1)
      expect((await copied.query(waiting, [later.body.id])).rows).toEqual(before)
    } finally {
      await source.close()
      await copied.close()
    }

    const again = await runCaravan(['copy-to-postgres', target!.url], embeddedEnv(dataDir))
    expect(again.status).toBe(1)
    expect(again.stderr.trim()).toMatch(/^caravan: .+ already holds Caravan data \(table \w+\): copy into an empty database$/)

    // A node on PostgreSQL: the same people sign in, the audit chain holds, the waiting job runs there.
    moved = await startTestCaravan({ database: { url: target!.url }, listen: true })
    const signIn = await call(moved.url, 'POST', '/v1/auth/login', USER)
    expect(signIn.status).toBe(200)
    const adminAfter = (await call(moved.url, 'POST', '/v1/auth/login', ADMIN)).body.accessToken
    expect((await call(moved.url, 'GET', '/v1/admin/audit/verify', undefined, adminAfter)).body.valid).toBe(true)
    await moved.database.query(`update pgboss.job set start_after = now() where name = 'notify-fanout' and data->>'notificationId' = $1`, [
      later.body.id,
    ])
    await until(
      async () => (await call(moved!.url, 'GET', '/v1/me/notifications', undefined, signIn.body.accessToken)).body.items?.length === 1,
      30_000,
      'the moved notification in the inbox',
    )
    // Two processes (the CLI, then a node) and every table: 47 s on a quiet CI machine, over 60 s when
    // the machine is busy. The time it takes is not what this test checks.
  }, 180_000)
})
