// The wallet baseline: the least a Node service can do to move a balance — bare Fastify 5 and one
// single-row UPDATE per request (`balance = balance + amount`, a CHECK keeping it ≥ 0), no schemas,
// auth, logging, ledger or transaction of its own, through a `pg` pool of 10 (Caravan's size).
// run.ts forks this file and reports Caravan's transfers as a ratio of it, in the same run.
import Fastify from 'fastify'
import pg from 'pg'

const databaseUrl = process.env.BASELINE_DATABASE_URL
const wallets = Number(process.env.BASELINE_WALLETS ?? 200)
if (!databaseUrl) throw new Error('set BASELINE_DATABASE_URL')

const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
await pool.query(`
  CREATE TABLE bench_wallets (id integer PRIMARY KEY, balance numeric(78, 0) NOT NULL CHECK (balance >= 0));
  INSERT INTO bench_wallets SELECT i, 1000000000 FROM generate_series(0, ${wallets - 1}) AS i;
`)

const app = Fastify({ logger: false })

app.post<{ Body: { wallet: number; amount: string } }>('/baseline/wallets', async (request, reply) => {
  const { rows } = await pool.query('UPDATE bench_wallets SET balance = balance + $2 WHERE id = $1 RETURNING balance', [
    request.body.wallet,
    request.body.amount,
  ])
  return reply.code(rows.length ? 201 : 404).send(rows[0] ?? {})
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
