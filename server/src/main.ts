// The `caravan` command: `caravan [start] [--role all|api|worker]`, `caravan migrate`, `caravan demo`.
import { buildCaravan } from './app'
import { startCommand } from './cli/start'
import { ConfigError, loadConfig } from './config'
import { openDatabase, pgliteDirFor } from './core/db/client'
import { migrate } from './core/db/migrate'
import { AdminSetupError } from './modules/accounts'

const HELP = `Usage: caravan [command] [--role all|api|worker]
  start      serve the API, WebSocket, web app and workers (default)
  migrate    apply database migrations and exit
  demo       create demo admin, agent and customer accounts and print their logins
Settings come from the environment; see docs/configuration.md.`

async function main(argv: string[]) {
  const command = argv.find((a) => !a.startsWith('-') && argv[argv.indexOf(a) - 1] !== '--role') ?? 'start'
  if (argv.includes('--help') || argv.includes('-h')) return console.log(HELP)
  const config = loadConfig(process.env, argv)

  if (command === 'migrate') {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirFor(config.dataDir) })
    await migrate(database)
    await database.close()
    console.log('Migrations applied.')
    return
  }
  if (command === 'demo') {
    const caravan = await buildCaravan({ ...config, role: 'api', logLevel: 'warn' })
    await caravan.start()
    const people = await caravan.services.accounts.seedDemo()
    await caravan.stop()
    console.log('Demo accounts (sign in at ' + config.publicUrl + '):')
    for (const p of people) console.log(`  ${p.role.padEnd(8)} ${p.email.padEnd(30)} ${p.password}`)
    return
  }
  if (command !== 'start') throw new ConfigError('command', `unknown command "${command}"\n${HELP}`)

  await startCommand(config)
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError || err instanceof AdminSetupError) {
    console.error(`caravan: ${err.message}`)
  } else {
    console.error('caravan: failed to start:', err?.message ?? err)
    if (process.env.LOG_LEVEL === 'debug') console.error(err)
  }
  process.exit(1)
})
