// Every operation in the OpenAPI document, sent garbage: a plausible body made from its schema,
// then each of its fields (to two levels) replaced by a wrong value — wrong types, huge numbers,
// numbers as strings past Infinity, empty and huge strings, the NUL character, a lone surrogate —
// and each query field likewise. No answer may be a 5xx: bad input is a 4xx problem (the sweep
// first found a NUL in a body, `limit=1e309`, a cleared setting and a huge ticket number failing
// as 500s). Operations that would end the caller's own session are left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from './helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ env: { RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' } })
})
afterAll(async () => {
  await t?.close()
})

type Schema = Record<string, any>
const GARBAGE: unknown[] = [null, -1, 1e308, '1e309', '', 'x'.repeat(20_000), 'a\u0000b', 'half \ud83d', [], {}]
const QUERY_GARBAGE = ['-1', '1e309', 'Infinity', 'x'.repeat(3000), '\u0000', '\u0661\u0662', '2026-02-30T25:61:00Z']
/** Would end the sweep's own sessions or accounts (each is tested on its own elsewhere). */
const LEFT_OUT = /\/v1\/auth\/|\/v1\/me\/password|\/v1\/me\/sessions|\/v1\/me$|erase|\/role$/

describe('garbage to every operation', () => {
  it('never answers 5xx', { timeout: 300_000 }, async () => {
    const admin = await adminSession(t)
    const customer = await registerUser(t)
    const doc = (await t.caravan.app.inject({ method: 'GET', url: '/docs/json' })).json()
    const resolve = (s: Schema | undefined): Schema => (s?.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : (s ?? {}))
    /** A value the schema would take, as far as a schema says (formats, enums, minimums). */
    function sample(schema: Schema | undefined, depth = 0): unknown {
      const s = resolve(schema)
      if (depth > 6) return null
      if ('const' in s) return s.const
      if (s.enum) return s.enum[0]
      const options: Schema[] | undefined = s.anyOf ?? s.oneOf
      if (options) return sample(options.map(resolve).find((o) => o.type !== 'null') ?? options[0], depth + 1)
      const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type
      if (type === 'object' || s.properties)
        return Object.fromEntries(Object.entries<Schema>(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]))
      if (type === 'array') return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => sample(s.items, depth + 1))
      if (type === 'integer' || type === 'number') return s.minimum ?? 1
      if (type === 'boolean') return true
      if (s.format === 'date-time') return new Date().toISOString()
      if (s.format === 'email') return 'someone@example.com'
      if (s.format === 'uri') return 'https://example.com/x'
      if (s.pattern?.includes('[0-9a-f]{8}')) return customer.user.id
      return 'a'.repeat(Math.max(1, s.minLength ?? 1))
    }
    /** Paths to the value's fields, two levels deep at most. */
    const fields = (value: unknown, at: string[] = []): string[][] =>
      value && typeof value === 'object' && at.length < 2
        ? Object.entries(value).flatMap(([k, v]) => [[...at, k], ...fields(v, [...at, k])])
        : []
    const replaced = (value: unknown, path: string[], by: unknown) => {
      const copy = structuredClone(value) as Record<string, any>
      let inner = copy
      for (const k of path.slice(0, -1)) inner = inner[k]
      inner[path.at(-1)!] = by
      return copy
    }

    const failures: string[] = []
    let sent = 0
    const send = async (method: string, url: string, token: string, body?: unknown) => {
      sent++
      const res = await api(t, method, url, token, body, { 'idempotency-key': `sweep-${sent}` })
      if (res.status >= 500) failures.push(`${res.status} ${method} ${url.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 160)}`)
    }

    for (const [path, methods] of Object.entries<Record<string, Schema>>(doc.paths)) {
      if (LEFT_OUT.test(path)) continue
      for (const [lower, op] of Object.entries(methods)) {
        const method = lower.toUpperCase()
        if (!op.security?.some((s: object) => 'bearerAuth' in s)) continue
        for (const filled of [customer.user.id, 'x']) {
          const url = path.replace(/\{[^}]+\}/g, filled)
          await send(method, url, customer.accessToken)
          for (const q of (op.parameters ?? []).filter((p: Schema) => p.in === 'query'))
            for (const value of QUERY_GARBAGE) await send(method, `${url}?${q.name}=${encodeURIComponent(value)}`, admin.accessToken)
          const schema = op.requestBody?.content?.['application/json']?.schema
          if (!schema) {
            await send(method, url, admin.accessToken)
            continue
          }
          const body = sample(schema)
          await send(method, url, admin.accessToken, body)
          for (const field of fields(body).slice(0, 12))
            for (const value of GARBAGE) await send(method, url, admin.accessToken, replaced(body, field, value))
        }
      }
    }
    expect(failures).toEqual([])
    expect(sent).toBeGreaterThan(5000)
  })
})
