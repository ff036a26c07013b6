// Builds one Caravan node: database, jobs, events, realtime, HTTP, then the modules, in a fixed
// order. main.ts starts it; tests build as many as they need (each on its own database).
import fastifyStatic from '@fastify/static'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from './config'
import { createAudit } from './core/audit/service'
import { openDatabase, pgliteDirFor, type Database } from './core/db/client'
import { migrate } from './core/db/migrate'
import { createLogger } from './core/logging/logger'
import { createEventBus } from './core/events/bus'
import { createAuth } from './core/http/auth'
import { createIdempotency } from './core/http/idempotency'
import { opsRoutes } from './core/http/ops-routes'
import { installHttpPlumbing, installNotFound } from './core/http/plugins'
import { memoryCounterStore, redisCounterStore } from './core/http/rate-limit-store'
import type { App } from './core/http/route'
import { createJobs } from './core/jobs/queue'
import { createMetrics } from './core/metrics/registry'
import { createRealtime } from './core/realtime/server'
import { createSecretBox } from './core/secrets/crypto'
import { accountsRoutes, accountsSchemas, accountsTags, createAccountsService } from './modules/accounts'
import {
  createNotificationsService,
  notificationSchemas,
  notificationsRoutes,
  notificationTags,
  providerFactories,
} from './modules/notifications'

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version

export interface BuildOptions {
  /** Use this database instead of opening one from the config (tests). */
  database?: Database
  logger?: Logger
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

export async function buildCaravan(config: Config, options: BuildOptions = {}) {
  const logger = options.logger ?? createLogger(config.logLevel)
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) }))
  await migrate(database)

  const redis = config.redisUrl
    ? {
        main: new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }),
        pub: new Redis(config.redisUrl),
        sub: new Redis(config.redisUrl),
      }
    : undefined
  for (const client of Object.values(redis ?? {})) client.on('error', (err) => logger.warn({ err: err.message }, 'redis error'))

  const metrics = createMetrics()
  const events = createEventBus(logger)
  const audit = createAudit(database.db)
  const counters = redis ? redisCounterStore(redis.main, config.redisKeyPrefix + 'counter:') : memoryCounterStore()
  const jobs = createJobs({ database, logger, metrics, maintenanceIntervalSeconds: config.jobsMaintenanceSeconds })
  events.useJobs(jobs)
  const idempotency = createIdempotency(database.db)
  const secrets = createSecretBox(config.secretsKey)

  // Auth resolves API keys through the accounts service, which itself signs tokens with auth.
  let resolveApiKey: (key: string) => Promise<{ keyId: string; scopes: string[] } | null> = async () => null
  const auth = createAuth({
    jwtSecret: config.jwtSecret,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    resolveApiKey: (k) => resolveApiKey(k),
  })
  const accounts = createAccountsService({ database, auth, audit, events, counters, settings: config })
  resolveApiKey = accounts.resolveApiKey
  const notifications = createNotificationsService({
    database,
    jobs,
    events,
    audit,
    counters,
    secrets,
    accounts,
    logger,
    factories: providerFactories,
    settings: {
      publicUrl: config.publicUrl,
      brandName: config.brandName,
      jobExpireSeconds: config.notifyJobExpireSeconds,
      envProviders: config.notifyProviders,
    },
  })

  jobs.define({
    name: 'idempotency-purge',
    retryLimit: 2,
    handler: async () => {
      await idempotency.purgeExpired()
    },
  })
  jobs.schedule('idempotency-purge', '17 * * * *')

  const app = Fastify({
    loggerInstance: logger as any,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App

  const realtime = createRealtime({
    httpServer: app.server,
    auth,
    logger,
    metrics,
    corsOrigins: config.corsOrigins,
    redis: redis && { pub: redis.pub, sub: redis.sub },
    redisKeyPrefix: config.redisKeyPrefix,
  })
  // Events that name an audience reach those users' sockets, on whichever node they are.
  events.subscribeAll((event) => {
    if (event.audience?.userIds?.length) realtime.emitToUsers(event.audience.userIds, event.name, event.payload)
  })

  await installHttpPlumbing(app, {
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    redis: redis?.main,
    redisKeyPrefix: config.redisKeyPrefix,
    metrics,
    publicUrl: config.publicUrl,
    version: VERSION,
    tags: [...accountsTags, ...notificationTags],
  })
  for (const schema of [...accountsSchemas, ...notificationSchemas]) app.addSchema(schema)

  opsRoutes(app, {
    auth,
    metrics,
    audit,
    jobs,
    db: database.db,
    checks: {
      database: () => database.query('select 1'),
      ...(redis ? { redis: () => redis.main.ping() } : {}),
      jobs: () => jobs.healthy(),
    },
  })
  if (config.role !== 'worker') {
    accountsRoutes(app, { accounts, auth, authRateLimitPerMinute: config.authRateLimitPerMinute })
    notificationsRoutes(app, { notifications, accounts, auth, publicUrl: config.publicUrl })
  }

  const indexFile = join(config.webDistDir, 'index.html')
  const hasWeb = config.role !== 'worker' && existsSync(indexFile)
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: config.webDistDir,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      // @fastify/static 10 hands setHeaders the Fastify reply, not the raw response.
      setHeaders: (reply: any, path: string) =>
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    })
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'))
  }
  installNotFound(app, hasWeb ? (reply) => reply.header('cache-control', 'no-cache').sendFile('index.html') : undefined)

  let started = false
  async function start() {
    await app.ready()
    await jobs.start({ work: config.role !== 'api' })
    await notifications.seed()
    if (config.adminEmail && config.adminPassword) {
      const outcome = await accounts.ensureAdmin(config.adminEmail, config.adminPassword)
      if (outcome !== 'exists') logger.info({ email: config.adminEmail }, `first admin ${outcome}`)
    }
    started = true
  }

  async function listen() {
    return app.listen({ port: config.port, host: config.host })
  }

  /** Stops taking requests, lets jobs in flight finish (or releases them), then closes connections. */
  async function stop() {
    await realtime.close().catch(() => {})
    await app.close().catch(() => {})
    if (started) await jobs.stop(config.shutdownTimeoutMs).catch((err) => logger.error({ err }, 'job queue stop failed'))
    if (redis) await Promise.all(Object.values(redis).map((c) => c.quit().catch(() => c.disconnect())))
    if (!options.database) await database.close()
  }

  return {
    app,
    config,
    logger,
    database,
    jobs,
    events,
    realtime,
    audit,
    auth,
    metrics,
    idempotency,
    secrets,
    services: { accounts, notifications },
    start,
    listen,
    stop,
  }
}

export type Caravan = Awaited<ReturnType<typeof buildCaravan>>
