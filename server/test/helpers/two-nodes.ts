// Two Caravan nodes on one fresh PostgreSQL database and one Redis, sharing their secrets, as a
// deployment of several nodes would. Undefined (the test skips) when the services are missing
// outside CI; in CI a missing service fails the run.
import { startTestCaravan, type TestCaravan } from './caravan'
import { createPostgresDatabase, POSTGRES_URL, REDIS_URL, requireServices } from './services'

export interface TwoNodes {
  a: TestCaravan
  b: TestCaravan
  close(): Promise<void>
}

export async function startTwoNodes(name: string): Promise<TwoNodes | undefined> {
  if (!(await requireServices({ postgres: true, redis: true }))) return undefined
  const db = await createPostgresDatabase(POSTGRES_URL)
  const shared = {
    database: { url: db.url },
    redisUrl: REDIS_URL,
    listen: true,
    env: {
      REDIS_KEY_PREFIX: `caravan-test-${name}-${Date.now()}:`,
      JWT_SECRET: 'two-nodes-share-this-secret-0123456789',
      SECRETS_KEY: 'two-nodes-share-this-secrets-key-0123456789',
    },
  }
  const a = await startTestCaravan(shared)
  const b = await startTestCaravan(shared)
  return {
    a,
    b,
    async close() {
      await a.close()
      await b.close()
      await db.drop()
    },
  }
}
