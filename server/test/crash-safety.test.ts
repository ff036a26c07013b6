// A node on the embedded database killed with SIGKILL in the middle of a burst of sign-ups and
// notification sends, then started again on the same folder: it starts (taking over the lock the
// dead process left), every write that was answered 2xx is there, and nothing is half-written:
// each commit brought its jobs, deliveries and inbox items with it, and the audit chain holds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/core/db/client'
import { until } from './helpers/wait'
import { startEmbeddedNode, type EmbeddedNode } from './helpers/worker'

const ADMIN = { email: 'owner@crash.example.com', password: 'crash owner password' }
const ENV = {
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  // A fan-out chunk the kill interrupted runs again within seconds, not after a minute.
  NOTIFY_FANOUT_EXPIRE_SECONDS: '3',
  JOBS_EXPIRE_CHECK_SECONDS: '1',
}
const PASSWORD = 'burst password 1'

let dataDir: string
let node: EmbeddedNode | undefined
let restarted: EmbeddedNode | undefined
let recipients: string[]

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any }
}

async function signIn(base: string, email: string, password: string) {
  const res = await call(base, 'POST', '/v1/auth/login', { email, password })
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status}`)
  return res.body as { accessToken: string; user: { id: string } }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'caravan-crash-'))
  node = await startEmbeddedNode(dataDir, ENV)
  const admin = (await signIn(node.url, ADMIN.email, ADMIN.password)).accessToken
  const type = await call(
    node.url,
    'POST',
    '/v1/admin/notification-types',
    { key: 'crash.burst', name: 'Burst', category: 'transactional', channels: ['in_app'] },
    admin,
  )
  expect(type.status).toBe(201)
  for (const locale of ['en', 'fa']) {
    const content = { title: 'Order {{ orderId }}', body: 'Order {{ orderId }} is ready' }
    expect(
      (await call(node.url, 'PUT', `/v1/admin/notification-types/crash.burst/templates/in_app/${locale}`, { content }, admin)).status,
    ).toBe(201)
  }
  recipients = []
  for (let i = 0; i < 3; i++) {
    const res = await call(node.url, 'POST', '/v1/auth/register', { email: `recipient-${i}@crash.example.com`, password: PASSWORD })
    expect(res.status).toBe(201)
    recipients.push(res.body.user.id)
  }
}, 120_000)

afterAll(async () => {
  await node?.stop()
  await restarted?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a node on the embedded database killed mid-burst', () => {
  it('starts again on the same folder with every acknowledged write and nothing half-written', async () => {
    const first = node!
    const admin = (await signIn(first.url, ADMIN.email, ADMIN.password)).accessToken
    const registered: string[] = []
    const sent: { id: string; to: string[] }[] = []
    const unexpected: string[] = []
    let cut = 0
    let stop = false

    // Eight clients, each alternating a sign-up and a notification to some of the recipients.
    const client = async (c: number) => {
      for (let n = 0; !stop; n++) {
        try {
          if (n % 2 === 0) {
            const email = `burst-${c}-${n}@crash.example.com`
            const res = await call(first.url, 'POST', '/v1/auth/register', { email, password: PASSWORD })
            if (res.status === 201) registered.push(email)
            else unexpected.push(`register ${res.status}`)
          } else {
            const to = recipients.slice(0, 1 + ((c + n) % recipients.length))
            const res = await call(
              first.url,
              'POST',
              '/v1/notifications',
              { type: 'crash.burst', to, data: { orderId: `${c}-${n}` } },
              admin,
            )
            if (res.status === 202) sent.push({ id: res.body.id, to })
            else unexpected.push(`notify ${res.status}`)
          }
        } catch {
          cut++ // the connection died with the node: the outcome of this write is unknown
        }
      }
    }
    const clients = Array.from({ length: 8 }, (_, c) => client(c))
    await until(() => registered.length >= 15 && sent.length >= 25, 30_000, 'burst under way')
    first.child.kill('SIGKILL')
    await first.stop()
    stop = true
    await Promise.all(clients)
    expect(unexpected).toEqual([])
    expect(cut).toBeGreaterThan(0) // requests were in flight when it died

    restarted = await startEmbeddedNode(dataDir, ENV)
    expect(restarted.stderr()).toContain(
      `caravan: taking over the lock of DATA_DIR ${dataDir} from a Caravan process that is gone (pid ${first.child.pid}`,
    )
    const base = restarted.url
    const adminAfter = (await signIn(base, ADMIN.email, ADMIN.password)).accessToken

    // Every sign-up answered 201 signs in.
    for (let i = 0; i < registered.length; i += 4)
      await Promise.all(registered.slice(i, i + 4).map((email) => signIn(base, email, PASSWORD)))
    // Every send answered 202 is there, for the same people, and its fan-out (a job committed with it) completes.
    for (const { id, to } of sent) {
      const res = await call(base, 'GET', `/v1/notifications/${id}`, undefined, adminAfter)
      expect(res.status).toBe(200)
      expect(res.body.audience.userIds).toEqual(to)
    }
    await until(
      async () => {
        const states = await Promise.all(
          sent.map(async ({ id }) => (await call(base, 'GET', `/v1/notifications/${id}`, undefined, adminAfter)).body),
        )
        return states.every((n) => n.status === 'fanned_out' && n.recipientCount === n.audience.userIds.length)
      },
      30_000,
      'every acknowledged notification fanned out',
    )
    const audit = await call(base, 'GET', '/v1/admin/audit/verify', undefined, adminAfter)
    expect(audit.body.valid, JSON.stringify(audit.body)).toBe(true)
    expect(await restarted.stop()).toBe(0)

    // The rows themselves, with the node stopped: what one transaction wrote is there together.
    const database = await openDatabase({ pgliteDir: join(dataDir, 'pglite') })
    try {
      const count = async (sql: string) => Number((await database.query(`select count(*)::int as n from (${sql}) as broken`)).rows[0].n)
      const jobs = `(select name, data from pgboss.job union all select name, data from pgboss.archive) as j`
      // A sign-up commits the user with the job that welcomes them.
      expect(
        await count(
          `select u.id from users u where not exists (select 1 from ${jobs} where j.name = 'notify-user-registered' and j.data->'event'->'payload'->>'userId' = u.id::text)`,
        ),
      ).toBe(0)
      // A send commits the notification with its fan-out job.
      expect(
        await count(
          `select n.id from notifications n where n.status <> 'fanned_out' and not exists (select 1 from ${jobs} where j.name = 'notify-fanout' and j.data->>'notificationId' = n.id::text)`,
        ),
      ).toBe(0)
      // A fan-out commits every recipient's delivery with the notification's new status.
      expect(
        await count(
          `select n.id from notifications n where n.type_key = 'crash.burst' and n.status = 'fanned_out'
             and (n.recipient_count <> jsonb_array_length(n.audience->'userIds')
                  or n.recipient_count <> (select count(distinct d.user_id) from deliveries d where d.notification_id = n.id))`,
        ),
      ).toBe(0)
      // ... and each live delivery with its job.
      expect(
        await count(
          `select d.id from deliveries d where d.status <> 'suppressed' and not exists (select 1 from ${jobs} where j.name = 'notify-deliver' and (j.data->>'deliveryId' = d.id::text or j.data->'deliveryIds' ? d.id::text))`,
        ),
      ).toBe(0)
      // An in-app delivery is delivered exactly when its inbox item exists.
      expect(
        await count(
          `select d.id from deliveries d where d.channel = 'in_app' and (d.status = 'delivered') <> exists (select 1 from inbox_items i where i.delivery_id = d.id)`,
        ),
      ).toBe(0)
      expect(await count(`select i.id from inbox_items i where not exists (select 1 from deliveries d where d.id = i.delivery_id)`)).toBe(0)
      expect(await count(`select id from users where email like 'burst-%'`)).toBeGreaterThanOrEqual(registered.length)
    } finally {
      await database.close()
    }
  }, 60_000)
})
