// `caravan start`: build the node, serve, and stop on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_SECONDS:
// stop taking requests, let the work in flight finish (jobs past their share are released to other
// workers), exit 0. When the deadline passes, or a second signal comes, it logs what was still
// running and exits 1: an orchestrator never has to SIGKILL a node that is stuck stopping. An
// uncaught exception stops it the same way with exit code 1; an unhandled rejection is logged
// (core/process/guards.ts).
import type { IncomingMessage } from 'node:http'
import { buildCaravan, type Caravan } from '../app'
import type { Config } from '../config'
import { createLogger } from '../core/logging/logger'
import { guardProcess } from '../core/process/guards'

/** Requests the HTTP server has received and not yet answered (or dropped). */
function trackRequests(caravan: Caravan): Set<IncomingMessage> {
  const open = new Set<IncomingMessage>()
  caravan.app.server.on('request', (req: IncomingMessage, res) => {
    open.add(req)
    res.once('close', () => open.delete(req))
  })
  return open
}

export async function startCommand(config: Config) {
  const logger = createLogger(config.logLevel, { format: config.logFormat })
  const caravan = await buildCaravan(config, { logger })
  const requests = trackRequests(caravan)

  const stillRunning = () => ({
    requests: [...requests].slice(0, 20).map((r) => `${r.method} ${r.url}`),
    requestCount: requests.size,
    // Node's own list (sockets, timers, file operations): what keeps the stop from finishing.
    resources: process.getActiveResourcesInfo().reduce<Record<string, number>>((n, kind) => ({ ...n, [kind]: (n[kind] ?? 0) + 1 }), {}),
  })
  const giveUp = (reason: string) => {
    logger.error({ reason, stillRunning: stillRunning() }, `shutdown did not finish (${reason}): exiting with work still running`)
    process.exit(1)
  }

  let stopping = false
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return giveUp(`second ${signal}`)
    stopping = true
    const seconds = config.shutdownDeadlineMs / 1000
    logger.info({ signal }, `shutting down (deadline ${seconds} s)`)
    // Not unref'd: a stop waiting on a promise with nothing else alive must still end here, with code 1.
    setTimeout(() => giveUp(`deadline of ${seconds} s passed`), config.shutdownDeadlineMs)
    caravan.stop().then(
      () => {
        logger.info('stopped')
        process.exit(exitCode)
      },
      (err) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  guardProcess(process, { logger, rejected: caravan.metrics.unhandledRejections, stop: shutdown })

  await caravan.start()
  await caravan.listen()
  if (config.role === 'worker' && !config.redisUrl) {
    caravan.logger.warn('worker role without REDIS_URL: events raised by jobs cannot reach sockets on API nodes')
  }
  caravan.logger.info(
    `Caravan ${config.role} node ready on ${config.publicUrl} (database: ${caravan.database.kind}${config.redisUrl ? ', redis' : ''})`,
  )
}
