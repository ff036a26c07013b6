// `caravan start`: build the node, serve, and stop cleanly on SIGINT/SIGTERM.
import { buildCaravan } from '../app'
import type { Config } from '../config'

export async function startCommand(config: Config) {
  const caravan = await buildCaravan(config)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    caravan.logger.info({ signal }, 'shutting down')
    await caravan.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  await caravan.start()
  await caravan.listen()
  if (config.role === 'worker' && !config.redisUrl) {
    caravan.logger.warn('worker role without REDIS_URL: events raised by jobs cannot reach sockets on API nodes')
  }
  caravan.logger.info(
    `Caravan ${config.role} node ready on ${config.publicUrl} (database: ${caravan.database.kind}${config.redisUrl ? ', redis' : ''})`,
  )
}
