// Builds one Caravan node: database, jobs, events, realtime, HTTP, then the modules, in a fixed
// order. main.ts starts it; tests build as many as they need (each on its own database).
import fastifyStatic from '@fastify/static'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { createHmac, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from './config'
import { createAudit } from './core/audit/service'
import { createInvalidationBus } from './core/cache/invalidation'
import { openDatabase, pgliteDirFor, type Database } from './core/db/client'
import { migrate } from './core/db/migrate'
import { createLogger } from './core/logging/logger'
import { createEventBus } from './core/events/bus'
import { createAuth } from './core/http/auth'
import { createIdempotency } from './core/http/idempotency'
import { lazySerializers } from './core/http/lazy-serializers'
import { controlRoutes } from './core/http/control-routes'
import { opsRoutes } from './core/http/ops-routes'
import { corsOriginCheck, createHttpServer, installHttpPlumbing, installNotFound } from './core/http/plugins'
import { memoryCounterStore, redisCounterStore } from './core/http/rate-limit-store'
import type { App } from './core/http/route'
import { createJobs } from './core/jobs/queue'
import { createMetrics } from './core/metrics/registry'
import { createRealtime } from './core/realtime/server'
import { createPrivacyRegistry } from './core/privacy/registry'
import { createSecretBox } from './core/secrets/crypto'
import { serverPath } from './core/util/paths'
import { accountsRoutes, accountsSchemas, accountsTags, createAccountsService } from './modules/accounts'
import { createPresence } from './core/realtime/presence'
import { createKeyRing, openText, sealText } from './core/secrets/keyring'
import { createKeyRotation } from './core/secrets/reencrypt'
import { createBlindIndex } from './core/search/blind-index'
import { createContentFilter } from './core/text/content-filter'
import { chatRoutes, chatSchemas, chatTags, createChatService } from './modules/chat'
import { createPaymentsService, gatewayFactories, paymentSchemas, paymentsRoutes, paymentTags } from './modules/payments'
import { buildFiles } from './modules/files'
import { createSupportService, supportRoutes, supportSchemas, supportTags } from './modules/support'
import { createWalletService, walletRoutes, walletSchemas, walletTags } from './modules/wallet'
import { createFraudService, fraudRoutes, fraudSchemas, fraudTags } from './modules/fraud'
import {
  createNotificationsService,
  notificationSchemas,
  notificationsRoutes,
  notificationTags,
  providerFactories,
} from './modules/notifications'

export const VERSION: string = JSON.parse(readFileSync(serverPath('package.json'), 'utf8')).version

export interface BuildOptions {
  /** Use this database instead of opening one from the config (tests). */
  database?: Database
  logger?: Logger
  /** Workflow time (delays, digest windows, throttles): tests move it forward instead of waiting. */
  clock?: () => Date
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

export async function buildCaravan(config: Config, options: BuildOptions = {}) {
  const logger = options.logger ?? createLogger(config.logLevel, { format: config.logFormat })
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) }))
  await migrate(database)

  const redis = config.redisUrl
    ? {
        // Commands issued in the same tick go out in one write (chat sends count floods and
        // publish to the other nodes one message at a time).
        main: new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false, enableAutoPipelining: true }),
        pub: new Redis(config.redisUrl, { enableAutoPipelining: true }),
        sub: new Redis(config.redisUrl),
        // Cache invalidation messages; a subscribing connection can do nothing else.
        invalidations: new Redis(config.redisUrl),
      }
    : undefined
  for (const client of Object.values(redis ?? {})) client.on('error', (err) => logger.warn({ err: err.message }, 'redis error'))

  const metrics = createMetrics()
  const events = createEventBus(logger)
  const audit = createAudit(database.db, logger)
  const counters = redis ? redisCounterStore(redis.main, config.redisKeyPrefix + 'counter:') : memoryCounterStore()
  const jobs = createJobs({
    database,
    logger,
    metrics,
    maintenanceIntervalSeconds: config.jobsMaintenanceSeconds,
    expireCheckSeconds: config.jobsExpireCheckSeconds,
    deadLetterRetentionDays: config.deadLetterRetentionDays,
  })
  events.useJobs(jobs)
  const idempotency = createIdempotency(database.db)
  const secrets = createSecretBox(config.secretsKey)

  // Hot configuration is cached in memory; a change on any node drops the copies on every node.
  const bus = createInvalidationBus({
    logger,
    redis: redis && { pub: redis.main, sub: redis.invalidations, prefix: config.redisKeyPrefix },
    postgresUrl: database.kind === 'postgres' ? database.url : undefined,
  })

  // Auth resolves API keys and sessions through the accounts service, which itself signs tokens with auth.
  const auth = createAuth({
    jwtSecret: config.jwtSecret,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    resolveApiKey: (k) => accounts.resolveApiKey(k),
    resolveSession: (userId) => accounts.sessionState(userId),
  })
  // Each module registers how to export and erase what it holds about a user.
  const privacy = createPrivacyRegistry()
  const accounts = createAccountsService({ database, auth, audit, events, counters, bus, secrets, privacy, settings: config })
  const notifications = createNotificationsService({
    database,
    bus,
    jobs,
    events,
    audit,
    counters,
    secrets,
    accounts,
    privacy,
    logger,
    clock: options.clock,
    factories: providerFactories,
    settings: {
      publicUrl: config.publicUrl,
      brandName: config.brandName,
      fanoutExpireSeconds: config.notifyFanoutExpireSeconds,
      deliverExpireSeconds: config.notifyDeliverExpireSeconds,
      breaker: config.notifyBreaker,
      deferral: config.notifyDeferral,
      envProviders: config.notifyProviders,
      network: { allowLoopback: config.allowLoopbackUrls, webPushAllowedHosts: config.webPushAllowedHosts },
      webPush: config.webPush,
      // Click acknowledgements are HMACs under a key of their own, derived from SECRETS_KEY.
      pushAckKey: createHmac('sha256', config.secretsKey).update('push open acks').digest('base64url'),
    },
  })

  // Content encrypted at rest (chat text, stored files) under data keys; `caravan keys rotate`.
  const keyRing = createKeyRing({ db: database.db, secrets, bus })
  const keyRotation = createKeyRotation({ ring: keyRing, jobs })
  const files = buildFiles({
    database,
    jobs,
    privacy,
    logger,
    keys: keyRing,
    auth,
    config: { dataDir: config.dataDir, publicUrl: config.publicUrl, secretsKey: config.secretsKey, clamdUrl: config.clamdUrl },
    settings: { uploadsPerMinute: config.uploadRateLimitPerMinute },
  })
  const presence = createPresence({ redis: redis?.main, prefix: config.redisKeyPrefix, nodeId: randomUUID() })
  const chat = createChatService({
    database,
    bus,
    jobs,
    events,
    audit,
    counters,
    accounts,
    notifications,
    files: files.service,
    sealer: {
      seal: (text, messageId) => sealText(keyRing, text, messageId),
      open: (sealed, messageId) => openText(keyRing, sealed, messageId),
      activeKeyId: async () => (await keyRing.active()).id,
    },
    indexer: createBlindIndex(config.secretsKey),
    presence,
    privacy,
    policy: async () => createContentFilter((await notifications.settings.read()).contentRules),
  })
  // Fraud checks come before the modules that call them; the card fingerprint a gateway reported is
  // asked of payments, built next (this runs in a job, long after).
  const fraud = createFraudService({
    database,
    bus,
    events,
    jobs,
    audit,
    accounts,
    privacy,
    logger,
    cardFingerprint: (paymentId) => payments.cardFingerprint(paymentId),
  })
  const payments = createPaymentsService({
    database,
    bus,
    jobs,
    events,
    audit,
    secrets,
    accounts,
    logger,
    factories: gatewayFactories,
    irrDisplay: async () => (await notifications.settings.read()).formats.irr,
    fraud,
    // The wallet is built next (it needs payments' refund guard); this runs per request, long after.
    walletLiabilities: () => wallet.liabilities(),
    settings: { publicUrl: config.publicUrl },
  })
  const wallet = createWalletService({
    database,
    bus,
    events,
    jobs,
    audit,
    accounts,
    logger,
    refundGuard: payments.refunds.guard,
    fraud,
    attemptAt: payments.attemptAt,
    publicUrl: config.publicUrl,
  })
  payments.gateways.attach(wallet.checkout.gateway)
  const support = createSupportService({
    database,
    bus,
    jobs,
    events,
    audit,
    accounts,
    notifications,
    presence,
    privacy,
    logger,
    files: files.service,
    chat,
    auth,
    secrets,
    publicUrl: config.publicUrl,
    mail: {
      // Reply tokens are HMACs under a key of their own, derived from SECRETS_KEY.
      secret: createHmac('sha256', config.secretsKey).update('support reply tokens').digest('base64url'),
      domain: new URL(config.publicUrl).hostname,
    },
    smtp: config.supportSmtp,
  })
  keyRotation.register({ name: 'chat messages', run: (limit) => chat.reseal(limit), remaining: () => chat.remainingUnderOldKeys() })
  keyRotation.register({
    name: 'files',
    run: async (limit) => files.service.reencrypt(limit, await keyRing.active(), (id) => keyRing.key(id)),
    remaining: () => files.service.remainingUnderOldKeys(),
  })

  jobs.define({
    name: 'idempotency-purge',
    retryLimit: 2,
    // One DELETE of expired keys: minutes would mean it is stuck, and the next hour's run takes over.
    expireInSeconds: 5 * 60,
    handler: async () => {
      await idempotency.purgeExpired()
    },
  })
  jobs.schedule('idempotency-purge', '17 * * * *')

  const serializers = lazySerializers()
  const app = Fastify({
    loggerInstance: logger as any,
    schemaController: { compilersFactory: { buildSerializer: serializers.buildSerializer } },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Slow clients (a byte every few seconds) are cut off once the request is not complete in time.
    serverFactory: (handler) => createHttpServer(config.requestTimeoutMs, handler),
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // Path parameters up to 128 characters, percent-encoded (an externalId with ':' or '@'): 3 bytes each.
    routerOptions: { maxParamLength: 400 },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App

  // Pages of the widget's sites call the API and the socket from their own origins.
  const corsOrigin = corsOriginCheck(config.corsOrigins, support.originAllowed)
  const realtime = createRealtime({
    httpServer: app.server,
    auth,
    logger,
    metrics,
    corsOrigin,
    redis: redis && { pub: redis.pub, sub: redis.sub },
    redisKeyPrefix: config.redisKeyPrefix,
  })
  // A session that ended or changed (logout, role) is re-checked on this node's sockets at once.
  accounts.onSessionChange((userId) => void realtime.recheckUser(userId))
  chat.useRealtime(realtime)
  support.useRealtime(realtime)

  // Events that name an audience reach those users' sockets, on whichever node they are.
  events.subscribeAll((event) => {
    if (event.audience?.userIds?.length) realtime.emitToUsers(event.audience.userIds, event.name, event.payload)
    if (event.audience?.rooms?.length) realtime.emitToRooms(event.audience.rooms, event.name, event.payload)
  })

  await installHttpPlumbing(app, {
    corsOrigins: config.corsOrigins,
    extraCorsOrigin: support.originAllowed,
    rateLimitPerMinute: config.rateLimitPerMinute,
    redis: redis?.main,
    redisKeyPrefix: config.redisKeyPrefix,
    metrics,
    publicUrl: config.publicUrl,
    version: VERSION,
    tags: [...accountsTags, ...notificationTags, ...chatTags, ...files.tags, ...paymentTags, ...supportTags, ...walletTags, ...fraudTags],
  })
  for (const schema of [
    ...accountsSchemas,
    ...notificationSchemas,
    ...files.schemas,
    ...chatSchemas,
    ...paymentSchemas,
    ...supportSchemas,
    ...walletSchemas,
    ...fraudSchemas,
  ])
    app.addSchema(schema)

  opsRoutes(app, {
    auth,
    metricsToken: config.metricsToken,
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
  // The `caravan` command's channel to the node that owns the embedded database (demo, backup).
  if (database.lock)
    controlRoutes(app, {
      lock: database.lock,
      database,
      publicUrl: config.publicUrl,
      seedDemo: accounts.seedDemo,
      keys: keyRotation,
      ledgerCheck: () => wallet.check(),
    })
  if (config.role !== 'worker') {
    accountsRoutes(app, { accounts, auth, authRateLimitPerMinute: config.authRateLimitPerMinute })
    notificationsRoutes(app, { notifications, auth, idempotency, publicUrl: config.publicUrl })
    files.routes(app)
    chatRoutes(app, { chat, auth })
    paymentsRoutes(app, { payments, auth, idempotency })
    supportRoutes(app, { support, auth })
    walletRoutes(app, { wallet, auth, idempotency })
    fraudRoutes(app, { fraud, auth, idempotency })
  }

  const indexFile = join(config.webDistDir, 'index.html')
  const hasWeb = config.role !== 'worker' && existsSync(indexFile)
  if (hasWeb) {
    // The build writes file.br and file.gz beside each text file (scripts/build.mjs precompress):
    // sent as they are when Accept-Encoding allows, with content-encoding and vary. The SPA
    // fallback's sendFile('index.html') takes the same path. The compressed copies are not served
    // by their own names; dot folders (.vite, the build manifest) are not served (serveDotFiles is
    // off). @fastify/static 10 hands setHeaders the Fastify reply, not the raw response.
    const sent = (cacheControl: string) => ({
      index: false as const,
      cacheControl: false,
      preCompressed: true,
      setHeaders: (reply: any) => reply.header('cache-control', cacheControl),
    })
    // The top-level files (index.html, icons, the embeds' scripts): a route each, made at start;
    // their names stay the same from one build to the next.
    await app.register(fastifyStatic, {
      ...sent('no-cache'),
      root: config.webDistDir,
      prefix: '/',
      wildcard: false,
      globIgnore: ['**/*.br', '**/*.gz', 'assets/**'],
    })
    // The hashed files, cached for good: looked up when asked for, as a build made while the node
    // runs (a second `npm start`, `npm run build`) writes new names that its new index.html asks for
    // (routes made at start answered 404 for them: a blank page until a restart).
    await app.register(fastifyStatic, {
      ...sent('public, max-age=31536000, immutable'),
      root: join(config.webDistDir, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      decorateReply: false,
      allowedPath: (path: string) => !path.endsWith('.br') && !path.endsWith('.gz'),
    })
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'))
  }
  installNotFound(app, hasWeb ? (reply) => reply.header('cache-control', 'no-cache').sendFile('index.html') : undefined)

  let started = false
  async function start() {
    await app.ready()
    await jobs.start({ work: config.role !== 'api' })
    await notifications.seed()
    await support.start()
    if (config.adminEmail && config.adminPassword) {
      const outcome = await accounts.ensureAdmin(config.adminEmail, config.adminPassword)
      if (outcome !== 'exists') logger.info({ email: config.adminEmail }, `first admin ${outcome}`)
    }
    audit.start()
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
    // No send is in flight once the workers stopped: close provider connections (APNs HTTP/2 sessions).
    await notifications.stop().catch((err) => logger.error({ err }, 'closing notification providers failed'))
    await payments.stop().catch((err) => logger.error({ err }, 'closing payment gateways failed'))
    await support.stop().catch((err) => logger.error({ err }, 'closing the support mail listener failed'))
    await audit.stop()
    await presence.close()
    await bus.close()
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
    keyRing,
    privacy,
    serializers,
    services: { accounts, notifications, chat, files: files.service, payments, support, wallet, fraud, keyRotation },
    start,
    listen,
    stop,
  }
}

export type Caravan = Awaited<ReturnType<typeof buildCaravan>>
