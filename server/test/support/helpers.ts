// People for support tests: agents are registered users promoted by an admin through the API (as in
// real life), then signed in again (a role change ends the old session).
import { api } from '../helpers/api'
import { registerUser, type TestCaravan } from '../helpers/caravan'

export interface Person {
  id: string
  token: string
}

export async function customer(t: TestCaravan, name = 'Sara'): Promise<Person> {
  const s = await registerUser(t, { name })
  return { id: s.user.id, token: s.accessToken }
}

export async function agent(t: TestCaravan, adminToken: string, name = 'Agent', role: 'agent' | 'admin' = 'agent'): Promise<Person> {
  const s = await registerUser(t, { name })
  const promoted = await api(t, 'PUT', `/v1/admin/users/${s.user.id}/role`, adminToken, { role })
  if (promoted.status !== 200) throw new Error(`promote failed: ${promoted.status} ${JSON.stringify(promoted.body)}`)
  const login = await t.caravan.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: s.user.email, password: 'correct horse battery' },
  })
  return { id: s.user.id, token: login.json().accessToken }
}

/** A team made of these agents, with round-the-clock hours unless told otherwise. */
export async function team(t: TestCaravan, adminToken: string, name: string, memberIds: string[], schedule?: unknown) {
  const res = await api(t, 'POST', '/v1/support/teams', adminToken, {
    name,
    memberIds,
    schedule: schedule ?? {
      timezone: 'Asia/Tehran',
      week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]),
      holidays: [],
    },
  })
  if (res.status !== 201) throw new Error(`team failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { id: string }
}

export async function online(t: TestCaravan, p: Person, capacity?: number) {
  const res = await api(t, 'PUT', '/v1/support/presence', p.token, { status: 'online', ...(capacity !== undefined ? { capacity } : {}) })
  if (res.status !== 200) throw new Error(`presence failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}
