// The payments baseline: the least a Node service can do to record a payment request — bare
// Fastify 5 and one INSERT … RETURNING of a comparable row per request (a uuid, a numeric amount,
// currency, status, and the Idempotency-Key unique per caller), no schemas, auth, logging or
// transaction. On PostgreSQL (BASELINE_DATABASE_URL) through a `pg` pool of 10, Caravan's own pool
// size; on embedded PGlite (BASELINE_PGLITE_DIR) in this process, as Caravan runs it. run.ts forks
// this file and reports Caravan as a ratio of it, measured in the same run on the same machine.
import { PGlite } from '@electric-sql/pglite'
import Fastify from 'fastify'
import pg from 'pg'
import { randomUUID } from 'node:crypto'

const databaseUrl = process.env.BASELINE_DATABASE_URL
const pgliteDir = process.env.BASELINE_PGLITE_DIR
if (!databaseUrl && !pgliteDir) throw new Error('set BASELINE_DATABASE_URL or BASELINE_PGLITE_DIR')

const DDL = `
  CREATE TABLE bench_payments (
    id uuid PRIMARY KEY,
    amount numeric(78, 0) NOT NULL CHECK (amount > 0),
    currency text NOT NULL,
    status text NOT NULL,
    purpose_ref text,
    created_by text NOT NULL,
    idempotency_key text,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE UNIQUE INDEX bench_payments_idempotency ON bench_payments (created_by, idempotency_key);
`

type Query = (text: string, values: unknown[]) => Promise<{ rows: any[] }>
let query: Query
let close: () => Promise<void>
if (databaseUrl) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
  await pool.query(DDL)
  query = (text, values) => pool.query(text, values)
  close = () => pool.end()
} else {
  const lite = await PGlite.create(pgliteDir!)
  await lite.exec(DDL)
  query = (text, values) => lite.query(text, values)
  close = () => lite.close()
}

const app = Fastify({ logger: false })

interface Body {
  amount: string
  currency: string
  purpose?: { type: string; ref?: string }
}

// One row per request; a second request with the same key is refused by the unique index (409).
app.post<{ Body: Body }>('/baseline/payments', async (request, reply) => {
  const key = request.headers['idempotency-key']
  try {
    const { rows } = await query(
      `INSERT INTO bench_payments (id, amount, currency, status, purpose_ref, created_by, idempotency_key)
       VALUES ($1, $2, $3, 'requires_action', $4, 'bench', $5) RETURNING id, amount, currency, status, created_at`,
      [randomUUID(), request.body.amount, request.body.currency, request.body.purpose?.ref ?? null, typeof key === 'string' ? key : null],
    )
    return reply.code(201).send(rows[0])
  } catch (e) {
    if ((e as { code?: string }).code === '23505') return reply.code(409).send({ error: 'duplicate Idempotency-Key' })
    throw e
  }
})

await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })

const stop = async () => {
  await app.close()
  await close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
