// Real PostgreSQL and Redis for tests. Where one is needed and missing: in CI (CI=true) the test
// fails; elsewhere it is skipped with a message naming what to start.
import { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
export const IN_CI = process.env.CI === 'true'

export async function postgresReachable(url = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export async function redisReachable(url = REDIS_URL): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
    return true
  } catch {
    return false
  } finally {
    redis.disconnect()
  }
}

/**
 * Decides whether a test needing `what` runs: true = run, false = skip (with a printed reason).
 * In CI a missing service throws, so the run fails instead of silently skipping.
 */
export async function requireServices(what: { postgres?: boolean; redis?: boolean }): Promise<boolean> {
  const missing: string[] = []
  if (what.postgres && !(await postgresReachable())) missing.push(`PostgreSQL at ${POSTGRES_URL}`)
  if (what.redis && !(await redisReachable())) missing.push(`Redis at ${REDIS_URL}`)
  if (missing.length === 0) return true
  const message = `needs ${missing.join(' and ')} (start it: see README "Services")`
  if (IN_CI) throw new Error(`CI=true but this test ${message}`)
  console.warn(`SKIPPED: this test ${message}`)
  return false
}

/** A fresh database on the PostgreSQL server, dropped by the returned function. */
export async function createPostgresDatabase(baseUrl = POSTGRES_URL): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `caravan_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(baseUrl)
  url.pathname = '/' + name
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export function uniquePrefix(): string {
  return `caravan-test:${randomBytes(4).toString('hex')}:`
}
