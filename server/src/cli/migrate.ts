// `caravan migrate`: applies the database migrations and exits. A node running on the embedded
// database applied them when it started (it owns the folder), so there is nothing to do then.
import type { Config } from '../config'
import { openDatabase, pgliteDirFor } from '../core/db/client'
import { migrate } from '../core/db/migrate'
import { aloneOrThroughNode } from './control-client'

export async function migrateCommand(config: Config) {
  const message = await aloneOrThroughNode(
    config,
    async () => {
      const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) })
      try {
        await migrate(database)
      } finally {
        await database.close()
      }
      return 'Migrations applied.'
    },
    async (node) => `The running node (pid ${node.pid}) applied every migration when it started; nothing to do.`,
  )
  console.log(message)
}
