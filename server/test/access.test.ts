// Every operation in the OpenAPI document refuses anonymous callers and the roles below its own,
// so a new route cannot forget its check. Access runs before the body is read, so no valid body
// is needed to be refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
const tokens: Record<string, string> = {}
beforeAll(async () => {
  t = await startTestCaravan()
  for (const role of ['customer', 'agent', 'admin']) {
    const s = await registerUser(t)
    await t.database.query(`update users set role = $1 where id = $2`, [role, s.user.id])
    const login = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: s.user.email, password: 'correct horse battery' },
    })
    tokens[role] = login.json().accessToken
  }
})
afterAll(async () => {
  await t?.close()
})

const SAMPLE_PARAMS: Record<string, string> = { channel: 'email', locale: 'en', key: 'sample.key' }
const fill = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? '00000000-0000-7000-8000-000000000000')

describe('access of every operation', () => {
  it('anonymous callers get 401 and roles below the operation’s own get 403', async () => {
    const doc = (await t.caravan.app.inject({ method: 'GET', url: '/docs/json' })).json()
    let checked = 0
    for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        if (!op.security?.length) continue
        const url = fill(path)
        const as = (headers: Record<string, string>) => t.caravan.app.inject({ method: method.toUpperCase() as any, url, headers })
        const anonymous = await as({})
        expect(anonymous.statusCode, `${method.toUpperCase()} ${path} anonymous`).toBe(401)
        const userAccess = op.security.some((s: object) => 'bearerAuth' in s)
        if (!userAccess) continue
        const roles: string[] = op['x-caravan-roles']
        expect(roles, `${op.operationId} declares its roles`).toBeDefined()
        for (const role of ['customer', 'agent', 'admin'].filter((r) => !roles.includes(r))) {
          const res = await as(bearer(tokens[role]))
          expect(res.statusCode, `${method.toUpperCase()} ${path} as ${role}`).toBe(403)
        }
        checked++
      }
    }
    expect(checked).toBeGreaterThan(40)
  })
})
