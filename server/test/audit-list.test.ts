// GET /v1/admin/audit: filters (action, actor, date range) with paging, and people by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditRepo } from '../src/core/audit/repo'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
let admin: Awaited<ReturnType<typeof adminSession>>
let alice: Awaited<ReturnType<typeof registerUser>>
let bob: Awaited<ReturnType<typeof registerUser>>

beforeAll(async () => {
  t = await startTestCaravan()
  admin = await adminSession(t)
  alice = await registerUser(t, { name: 'Alice Example' })
  bob = await registerUser(t, { email: 'bob@example.com' })
  // Three rows by Alice and one by Bob on fixed days, far from the rows the setup wrote today. Written
  // with their times (the chainer chains them like any row) rather than under a faked clock: the
  // node's workers run meanwhile, and a fake Date leaks into their timers.
  const { database } = t.caravan
  const days: [string, typeof alice][] = [
    ['2030-01-01T10:00:00.000Z', alice],
    ['2030-01-02T10:00:00.000Z', alice],
    ['2030-01-02T12:00:00.000Z', bob],
    ['2030-01-03T10:00:00.000Z', alice],
  ]
  await database.db.execute(
    auditRepo.insertSql(
      days.map(([at, user]) => ({
        at,
        actorType: 'user',
        actorId: user.user.id,
        action: 'test.dated',
        targetType: 'user',
        targetId: bob.user.id,
        data: {},
      })),
    ),
  )
})
afterAll(async () => {
  await t?.close()
})

const list = async (query: string) => {
  const res = await t.caravan.app.inject({ method: 'GET', url: `/v1/admin/audit?${query}`, headers: bearer(admin.accessToken) })
  return { status: res.statusCode, type: res.headers['content-type'], body: res.json() }
}
const times = (items: { at: string }[]) => items.map((e) => e.at)

describe('audit list', () => {
  it('names the actor and the target user', async () => {
    const changed = await t.caravan.app.inject({
      method: 'PUT',
      url: `/v1/admin/users/${alice.user.id}/role`,
      headers: bearer(admin.accessToken),
      payload: { role: 'agent' },
    })
    expect(changed.statusCode).toBe(200)
    const { body } = await list('action=user.role_changed')
    expect(body.items[0]).toMatchObject({
      actorId: admin.user.id,
      actor: { id: admin.user.id, email: admin.user.email, externalId: null },
      targetId: alice.user.id,
      target: { label: 'Alice Example' },
    })
    // A user without a name is labelled by the email.
    expect((await list('action=test.dated&limit=1')).body.items[0].target).toEqual({ label: 'bob@example.com' })
  })

  it('names an API key that acted, and leaves the system unnamed', async () => {
    const created = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(admin.accessToken),
      payload: { name: 'Billing server', scopes: ['notifications:send'] },
    })
    expect(created.statusCode).toBe(201)
    const keyId = created.json().apiKey.id
    const { audit, database } = t.caravan
    await audit.append(database.db, { actor: { kind: 'apiKey', keyId, scopes: [] }, action: 'test.by_key' })
    await audit.append(database.db, { actor: 'system', action: 'test.by_system', targetType: 'thing', targetId: 'not-a-uuid' })
    expect((await list('action=test.by_key')).body.items[0].actor).toEqual({
      id: keyId,
      name: 'Billing server',
      email: null,
      externalId: null,
    })
    const system = (await list('action=test.by_system')).body.items[0]
    expect(system).toMatchObject({ actor: null, target: null, targetId: 'not-a-uuid' })
    // The key's own creation is labelled by its name.
    expect((await list('action=api_key.created')).body.items[0].target).toEqual({ label: 'Billing server' })
  })

  it('filters by actor', async () => {
    const { body } = await list(`actorId=${bob.user.id}`)
    expect(body.items).toHaveLength(1)
    expect(body.items[0]).toMatchObject({ actorId: bob.user.id, action: 'test.dated', at: '2030-01-02T12:00:00.000Z' })
  })

  it('filters by date range: from inclusive, to exclusive', async () => {
    const { body } = await list('from=2030-01-02T10:00:00.000Z&to=2030-01-03T10:00:00.000Z')
    expect(times(body.items)).toEqual(['2030-01-02T12:00:00.000Z', '2030-01-02T10:00:00.000Z'])
    expect(times((await list('from=2030-01-03T00:00:00Z')).body.items)).toEqual(['2030-01-03T10:00:00.000Z'])
    // Offsets other than Z are understood.
    expect(times((await list('to=2030-01-01T14:00:00%2B03:30&action=test.dated')).body.items)).toEqual(['2030-01-01T10:00:00.000Z'])
  })

  it('combines filters and pages through them', async () => {
    const query = `action=test.dated&actorId=${alice.user.id}&from=2030-01-01T00:00:00Z&to=2030-01-03T00:00:00Z&limit=1`
    const first = await list(query)
    expect(times(first.body.items)).toEqual(['2030-01-02T10:00:00.000Z'])
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const second = await list(`${query}&cursor=${first.body.nextCursor}`)
    expect(times(second.body.items)).toEqual(['2030-01-01T10:00:00.000Z'])
    expect(second.body.nextCursor).toBeNull()
  })

  it('refuses bad filters with a 400 problem', async () => {
    for (const query of [
      'actorId=not-a-uuid',
      'from=yesterday',
      'to=2030-01-01',
      'from=2030-01-03T00:00:00Z&to=2030-01-02T00:00:00Z',
      'cursor=abc',
      'colour=blue',
    ]) {
      const res = await list(query)
      expect(res.status, query).toBe(400)
      expect(res.type, query).toContain('application/problem+json')
    }
  })

  it('leaves the chain whole', async () => {
    expect((await list('limit=1')).status).toBe(200)
    const verified = await t.caravan.app.inject({ method: 'GET', url: '/v1/admin/audit/verify', headers: bearer(admin.accessToken) })
    expect(verified.json().valid).toBe(true)
  })
})
