// Idempotency-Key support, switched on per route by route()'s `idempotency` option, which takes the
// one store app.ts builds with createIdempotency(db) and hands to the modules' routes. The first
// request with a key runs and its response is stored; a retry gets that response again; the same
// key with another body is refused (422); a second request while the first still runs gets 409.
// A key whose request died half-way (process killed) is taken over after STALE_AFTER_SECONDS.
import { createHash } from 'node:crypto'
import { and, eq, lt, sql } from 'drizzle-orm'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/client'
import { createBatchedWrites, createGroupCommit } from '../db/group-commit'
import { compiled } from '../db/prepared'
import { unnestColumns } from '../db/unnest'
import { principalKey } from './auth'
import { AppError } from './errors'
import { idempotencyKeys } from './tables'
import { canonicalJson } from '../util/canonical-json'

const STALE_AFTER_SECONDS = 60
export const IDEMPOTENCY_TTL_HOURS = 24
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

// The two statements of every idempotent request, built once (core/db/prepared.ts).
const claimColumns = unnestColumns('', {
  principal: ['text', (c: Claim) => c.principal],
  key: ['text', (c) => c.key],
  route: ['text', (c) => c.route],
  request_hash: ['text', (c) => c.requestHash],
  state: ['text', () => 'running'],
})
const insertClaims = compiled(
  () =>
    sql`insert into idempotency_keys (${claimColumns.names}) select * from ${claimColumns.rows} on conflict do nothing returning principal, key`,
)
type Answer = { principal: string; key: string; statusCode: number; body: unknown }
const answerColumns = unnestColumns('', {
  principal: ['text', (a: Answer) => a.principal],
  key: ['text', (a) => a.key],
  status_code: ['int', (a) => a.statusCode],
  response_body: ['jsonb', (a) => (a.body === null ? null : JSON.stringify(a.body))],
})
const updateAnswers = compiled(
  () =>
    sql`update idempotency_keys k set state = 'done', status_code = v.status_code, response_body = v.response_body from ${answerColumns.rows} where k.principal = v.principal and k.key = v.key`,
)

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { principal: string; key: string }
  }
}

/** The request's Idempotency-Key, checked (400 when malformed); undefined when none was sent. */
export function readIdempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key']
  if (raw === undefined) return undefined
  const key = Array.isArray(raw) ? raw[0] : raw
  if (!KEY_PATTERN.test(key)) {
    throw new AppError('validation', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      errors: [{ field: 'headers.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }],
    })
  }
  return key
}

/**
 * For a route whose service keeps the key on its own row (payments: the row is the record, one
 * write instead of three): the key is read and checked here and handed over as
 * request.idempotency; the service answers retries, mismatches and requests still running.
 */
export const idempotencyInService = {
  async begin(request: FastifyRequest): Promise<boolean> {
    const key = readIdempotencyKey(request)
    if (key) request.idempotency = { principal: principalKey(request.principal), key }
    return false
  },
  async finish(): Promise<void> {},
}

interface Claim {
  principal: string
  key: string
  route: string
  requestHash: string
}

const sameKey = (a: { principal: string; key: string }, b: { principal: string; key: string }) =>
  a.principal === b.principal && a.key === b.key

export function createIdempotency(db: Db) {
  // Keys claimed at the same time share one insert, and responses stored at the same time one
  // update (core/db/group-commit): a busy idempotent route pays two statements per batch, not per
  // request. A key sent twice in one batch is claimed by the first only.
  const claims = createGroupCommit<Claim, boolean>({
    write: async (items) => {
      const { rows } = await insertClaims(db, claimColumns.values(items))
      const claimed = rows as { principal: string; key: string }[]
      return items.map((item, i) => ({
        ok: true as const,
        value: claimed.some((c) => sameKey(c, item)) && items.findIndex((other) => sameKey(other, item)) === i,
      }))
    },
  })
  const storeAnswers = createBatchedWrites(async (answers: Answer[]) => {
    await updateAnswers(db, answerColumns.values(answers))
  })

  /** preHandler: claims the key or answers from the stored response. Returns true if it replied. */
  async function begin(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const key = readIdempotencyKey(request)
    if (key === undefined) return false
    const principal = principalKey(request.principal)
    const route = `${request.method} ${request.routeOptions.url}`
    const requestHash = createHash('sha256')
      .update(route)
      .update('\n')
      .update(canonicalJson(request.params))
      .update('\n')
      .update(canonicalJson(request.body ?? null))
      .digest('hex')

    if (!(await claims.submit({ principal, key, route, requestHash }))) {
      const [existing] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)))
      if (!existing) throw new AppError('idempotency_in_progress') // deleted between our two reads
      if (existing.requestHash !== requestHash) throw new AppError('idempotency_mismatch')
      if (existing.state === 'done') {
        reply.header('idempotent-replayed', 'true')
        const body = existing.responseBody
        reply.code(existing.statusCode ?? 200)
        if (existing.statusCode && existing.statusCode >= 400) reply.type('application/problem+json')
        await reply.serializer(JSON.stringify).send(body ?? undefined)
        return true
      }
      const takenOver = await db
        .update(idempotencyKeys)
        .set({ createdAt: sql`now()` })
        .where(
          and(
            eq(idempotencyKeys.principal, principal),
            eq(idempotencyKeys.key, key),
            eq(idempotencyKeys.state, 'running'),
            lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${STALE_AFTER_SECONDS})`),
          ),
        )
        .returning({ key: idempotencyKeys.key })
      if (takenOver.length === 0) throw new AppError('idempotency_in_progress', undefined, { retryAfterSeconds: 1 })
    }
    request.idempotency = { principal, key }
    return false
  }

  /** onSend: stores the response of a claimed key; a 5xx frees the key so a retry can run. */
  async function finish(request: FastifyRequest, statusCode: number, payload: unknown) {
    const claim = request.idempotency
    if (!claim) return
    request.idempotency = undefined
    if (statusCode >= 500) {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.principal, claim.principal), eq(idempotencyKeys.key, claim.key)))
      return
    }
    let body: unknown = null
    if (typeof payload === 'string' && payload.length > 0) {
      try {
        body = JSON.parse(payload)
      } catch {
        body = payload
      }
    }
    await storeAnswers({ ...claim, statusCode, body })
  }

  /** Cron: forget keys older than the retention window. */
  async function purgeExpired(): Promise<number> {
    const removed = await db
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`))
      .returning({ key: idempotencyKeys.key })
    return removed.length
  }

  return { begin, finish, purgeExpired }
}

export type Idempotency = Pick<ReturnType<typeof createIdempotency>, 'begin' | 'finish'>
