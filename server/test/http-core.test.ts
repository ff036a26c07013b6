import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { route } from '../src/core/http/route'
import { adminSession, bearer, registerUser, startTestCaravan, type TestCaravan } from './helpers/caravan'

let t: TestCaravan
let runs = 0
// A test holds requests inside the handler with slowGate and learns that one got there from entered.
let slowGate: Promise<void> = Promise.resolve()
let entered: () => void = () => {}

beforeAll(async () => {
  t = await startTestCaravan({
    deferStart: true,
    env: { BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://shop.example.com', RATE_LIMIT_PER_MINUTE: '100000' },
  })
  const { app, auth, idempotency } = t.caravan
  // A test-only idempotent route that counts how often its body really runs.
  route(app, {
    method: 'POST',
    url: '/v1/test/charges',
    operationId: 'testCharge',
    summary: 'test',
    tags: ['test'],
    access: auth.require(),
    idempotency,
    schema: {
      body: Type.Object({ amount: Type.String({ pattern: '^[0-9]+$' }) }),
      response: { 201: Type.Object({ run: Type.Integer(), amount: Type.String() }) },
    },
    handler: async (request, reply) => {
      entered()
      await slowGate
      runs++
      if (request.body.amount === '500') throw new Error('boom')
      return reply.code(201).send({ run: runs, amount: request.body.amount })
    },
  })
  await t.caravan.start()
})
afterAll(async () => {
  await t?.close()
})

describe('errors', () => {
  it('unknown API routes are problem+json 404s', async () => {
    const res = await t.caravan.app.inject({ method: 'GET', url: '/v1/nope' })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json()).toMatchObject({ status: 404, type: expect.stringMatching(/not_found$/), instance: '/v1/nope' })
  })

  it('a body over the limit is 413', async () => {
    const res = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: 'a@example.com', password: 'x'.repeat(5000) },
    })
    expect(res.statusCode).toBe(413)
    expect(res.json().type).toMatch(/payload_too_large$/)
  })

  it('a 5xx hides the internals but keeps the request id', async () => {
    const s = await registerUser(t)
    const res = await t.caravan.app.inject({
      method: 'POST',
      url: '/v1/test/charges',
      headers: { ...bearer(s.accessToken), 'x-request-id': 'trace-123' },
      payload: { amount: '500' },
    })
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('boom')
    expect(res.json()).toMatchObject({ status: 500, requestId: 'trace-123' })
    expect(res.headers['x-request-id']).toBe('trace-123')
  })

  it('invents a request id when the given one is unsafe', async () => {
    const res = await t.caravan.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } })
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('headers', () => {
  it('sets security headers', async () => {
    const res = await t.caravan.app.inject({ method: 'GET', url: '/healthz' })
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['strict-transport-security']).toBeDefined()
    expect(res.headers['x-frame-options']).toBeDefined()
  })

  it('allows CORS only for listed origins', async () => {
    const ok = await t.caravan.app.inject({
      method: 'OPTIONS',
      url: '/v1/me',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'GET' },
    })
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example.com')
    const no = await t.caravan.app.inject({
      method: 'OPTIONS',
      url: '/v1/me',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    })
    expect(no.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('idempotency', () => {
  const charge = (token: string, key: string | undefined, amount: string) =>
    t.caravan.app.inject({
      method: 'POST',
      url: '/v1/test/charges',
      payload: { amount },
      headers: { ...bearer(token), ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    })

  it('a retry returns the first response without running again', async () => {
    const s = await registerUser(t)
    const first = await charge(s.accessToken, 'key-1', '100')
    const again = await charge(s.accessToken, 'key-1', '100')
    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(201)
    expect(again.json()).toEqual(first.json())
    expect(again.headers['idempotent-replayed']).toBe('true')
  })

  it('the same key with another body is 422; other callers have their own keys', async () => {
    const s = await registerUser(t)
    const other = await registerUser(t)
    await charge(s.accessToken, 'key-2', '100')
    const mismatch = await charge(s.accessToken, 'key-2', '999')
    expect(mismatch.statusCode).toBe(422)
    expect(mismatch.json().type).toMatch(/idempotency_mismatch$/)
    expect((await charge(other.accessToken, 'key-2', '999')).statusCode).toBe(201)
  })

  it('two concurrent requests with one key: one runs, the other is told to retry', async () => {
    const s = await registerUser(t)
    let open!: () => void
    slowGate = new Promise((resolve) => {
      open = resolve
    })
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve
    })
    try {
      const before = runs
      const a = charge(s.accessToken, 'key-3', '100')
      await inHandler // the first request has claimed the key and waits at the gate
      const b = await charge(s.accessToken, 'key-3', '100')
      open()
      const first = await a
      expect(first.statusCode).toBe(201)
      expect(b.statusCode).toBe(409)
      expect(b.headers['retry-after']).toBeDefined()
      expect(runs - before).toBe(1)
      // Once the first finished, the retry replays it.
      expect((await charge(s.accessToken, 'key-3', '100')).json()).toEqual(first.json())
    } finally {
      open()
      slowGate = Promise.resolve()
      entered = () => {}
    }
  })

  it('a 5xx frees the key so the retry can run; 4xx answers are replayed', async () => {
    const s = await registerUser(t)
    expect((await charge(s.accessToken, 'key-4', '500')).statusCode).toBe(500)
    expect((await charge(s.accessToken, 'key-4', '500')).headers['idempotent-replayed']).toBeUndefined()
    const invalid = await charge(s.accessToken, 'key-5', 'abc')
    expect(invalid.statusCode).toBe(400)
  })

  it('a key left running by a process killed half-way is taken over once stale', async () => {
    const s = await registerUser(t)
    await t.database.query(
      `insert into idempotency_keys (principal, key, route, request_hash, state, created_at) values ($1, 'key-6', 'POST /v1/test/charges', 'x', 'running', now() - interval '5 minutes')`,
      [`user:${s.user.id}`],
    )
    // The stored fingerprint differs (it was another body) → 422; same fingerprint → takeover.
    expect((await charge(s.accessToken, 'key-6', '100')).statusCode).toBe(422)
    await t.database.query(`delete from idempotency_keys where key = 'key-6'`)
    const fresh = await charge(s.accessToken, 'key-7', '100')
    await t.database.query(
      `update idempotency_keys set state = 'running', status_code = null, created_at = now() - interval '5 minutes' where key = 'key-7'`,
    )
    const retried = await charge(s.accessToken, 'key-7', '100')
    expect(retried.statusCode).toBe(201)
    expect(retried.json().run).toBeGreaterThan(fresh.json().run)
  })

  it('keys sent at once are claimed and answered each on its own; one key sent many times at once runs once', async () => {
    const s = await registerUser(t)
    const send = (key: string, amount: string) => charge(s.accessToken, key, amount)
    const before = runs
    // Claimed together and stored together (one statement each): no answer may land on another key.
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`together-${i}`, String(i))))
    expect(first.map((r) => [r.statusCode, r.json().amount])).toEqual(Array.from({ length: 20 }, (_, i) => [201, String(i)]))
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`together-${i}`, String(i))))
    expect(again.map((r) => r.json())).toEqual(first.map((r) => r.json()))
    expect(again.map((r) => r.headers['idempotent-replayed'])).toEqual(Array(20).fill('true'))
    // One key in one batch twenty times: the first claims it, the rest are told to retry or replayed.
    const same = await Promise.all(Array.from({ length: 20 }, () => send('together-same', '7')))
    expect(runs - before).toBe(21)
    expect(same.filter((r) => r.statusCode !== 201 && r.statusCode !== 409)).toEqual([])
    expect(new Set(same.filter((r) => r.statusCode === 201).map((r) => r.json().run)).size).toBe(1)
  })

  it('refuses a malformed key', async () => {
    const s = await registerUser(t)
    expect((await charge(s.accessToken, 'x'.repeat(300), '1')).statusCode).toBe(400)
    expect((await charge(s.accessToken, 'has space', '1')).statusCode).toBe(400)
  })

  it('purges keys older than the retention window', async () => {
    await t.database.query(`update idempotency_keys set created_at = now() - interval '25 hours'`)
    expect(await t.caravan.idempotency.purgeExpired()).toBeGreaterThan(0)
  })
})

describe('OpenAPI', () => {
  it('is served at /docs/json and every operation has an operationId, a summary, security and error responses', async () => {
    const spec = (await t.caravan.app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(spec.openapi).toMatch(/^3\./)
    const ids = new Set<string>()
    for (const [path, methods] of Object.entries<any>(spec.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        const where = `${method.toUpperCase()} ${path}`
        expect(op.operationId, where).toBeTruthy()
        expect(ids.has(op.operationId), `${where} duplicate operationId`).toBe(false)
        ids.add(op.operationId)
        expect(op.summary, where).toBeTruthy()
        expect(Array.isArray(op.security), `${where} security`).toBe(true)
        const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400)
        expect(errors.length, `${where} error responses`).toBeGreaterThan(0)
        if (op.security.length > 0) expect(errors).toEqual(expect.arrayContaining(['401', '403']))
      }
    }
    expect(ids.has('register')).toBe(true)
    const ui = await t.caravan.app.inject({ method: 'GET', url: '/docs/' })
    expect(ui.statusCode).toBe(200)
  })

  it('every response schema compiles (serializers are compiled on first use, so a bad one would fail only then)', () => {
    // Hundreds: every route's every status; a compile error throws here.
    expect(t.caravan.serializers.compileAll()).toBeGreaterThan(500)
    expect(t.caravan.serializers.compileAll()).toBe(0)
  })
})

describe('rate limits', () => {
  it('the global limit answers 429 with Retry-After', async () => {
    const limited = await startTestCaravan({ env: { RATE_LIMIT_PER_MINUTE: '3' } })
    try {
      const codes: number[] = []
      for (let i = 0; i < 5; i++) codes.push((await limited.caravan.app.inject({ method: 'GET', url: '/v1/me' })).statusCode)
      expect(codes.slice(0, 3)).toEqual([401, 401, 401])
      expect(codes[4]).toBe(429)
      const res = await limited.caravan.app.inject({ method: 'GET', url: '/v1/me' })
      expect(res.headers['retry-after']).toBeDefined()
      expect(res.headers['content-type']).toContain('application/problem+json')
      // Health checks are never limited.
      expect((await limited.caravan.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

describe('observability', () => {
  it('readyz checks the database and jobs; metrics exposes HTTP, job and socket figures', async () => {
    const ready = await t.caravan.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(Object.keys(ready.json().checks)).toEqual(expect.arrayContaining(['database', 'jobs']))
    const metrics = await t.caravan.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.headers['content-type']).toContain('text/plain')
    expect(metrics.body).toContain('caravan_http_request_duration_seconds_bucket')
    expect(metrics.body).toMatch(/caravan_http_request_duration_seconds_count\{method="GET",route="\/readyz",status_code="200"\}/)
    expect(metrics.body).toContain('caravan_realtime_sockets')
    expect(metrics.body).toContain('caravan_jobs_total')
  })

  it('audit and dead-letter admin views need an admin', async () => {
    const admin = await adminSession(t)
    const customer = await registerUser(t)
    expect(
      (await t.caravan.app.inject({ method: 'GET', url: '/v1/admin/audit/verify', headers: bearer(customer.accessToken) })).statusCode,
    ).toBe(403)
    expect(
      (await t.caravan.app.inject({ method: 'GET', url: '/v1/admin/audit/verify', headers: bearer(admin.accessToken) })).json().valid,
    ).toBe(true)
    expect((await t.caravan.app.inject({ method: 'GET', url: '/v1/admin/jobs/dead', headers: bearer(admin.accessToken) })).statusCode).toBe(
      200,
    )
  })
})
