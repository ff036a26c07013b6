// The baseline: the least a Node service can do for the same two requests — bare Fastify 5 and a
// `pg` pool of 10 (Caravan's own pool size), no schemas, auth, logging or transactions. run.ts
// forks this file and reports Caravan as a ratio of it, measured in the same run on the same
// machine, so the ratio says what Caravan's extra work costs rather than how fast the box is.
import Fastify from 'fastify'
import pg from 'pg'

const databaseUrl = process.env.BASELINE_DATABASE_URL
if (!databaseUrl) throw new Error('BASELINE_DATABASE_URL is not set')

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
await pool.query(`
  CREATE TABLE bench_users (id integer PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL);
  INSERT INTO bench_users SELECT i, 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, 1000) AS i;
  CREATE TABLE bench_signups (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
  ANALYZE bench_users;
`)

const app = Fastify({ logger: false })

// One-row read by primary key, like Caravan's GET /v1/me reading the signed-in user.
app.get('/baseline/read', async (_request, reply) => {
  const id = 1 + Math.floor(Math.random() * 1000)
  const { rows } = await pool.query('SELECT id, email, name FROM bench_users WHERE id = $1', [id])
  return reply.send(rows[0])
})

// One-row INSERT … RETURNING on a unique column, like the user row Caravan's register writes.
app.post<{ Body: { email: string } }>('/baseline/insert', async (request, reply) => {
  const { rows } = await pool.query('INSERT INTO bench_signups (email) VALUES ($1) RETURNING id, email, created_at', [request.body.email])
  return reply.code(201).send(rows[0])
})

await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })

const stop = async () => {
  await app.close()
  await pool.end()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
