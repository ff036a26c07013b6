// The `caravan` command: reads the settings and hands over to one command in cli/.
import { backupCommand } from './cli/backup'
import { CommandError } from './cli/control-client'
import { copyToPostgresCommand } from './cli/copy-to-postgres'
import { demoCommand } from './cli/demo'
import { keysCommand } from './cli/keys'
import { ledgerCommand } from './cli/ledger'
import { migrateCommand } from './cli/migrate'
import { restoreCommand } from './cli/restore'
import { startCommand } from './cli/start'
import { ConfigError, loadConfig, type Config } from './config'
import { DataDirInUseError } from './core/db/data-dir-lock'
import { AdminSetupError } from './modules/accounts'

const HELP = `Usage: caravan [command] [--role all|api|worker]
  start           serve the API, WebSocket, web app and workers (default)
  migrate         apply database migrations and exit
  demo            create demo admin, agent and customer accounts and print their logins
  backup FILE     write the embedded database to FILE (.tar.gz), while a node runs or not
  restore FILE    replace the embedded database with a backup (the node must be stopped)
  keys rotate     make a new data key active; content encrypted at rest moves onto it in the background
  keys status     the data keys and how much is still under older ones
  ledger check    check the wallet ledger's invariants (exit 1 when one is broken)
  copy-to-postgres URL
                  copy the embedded database into an empty PostgreSQL database (the node must be stopped)
Settings come from the environment; see docs/configuration.md and docs/embedded-database.md.`

const COMMANDS: Record<string, (config: Config, args: string[]) => Promise<void>> = {
  start: (config) => startCommand(config),
  migrate: (config) => migrateCommand(config),
  demo: (config) => demoCommand(config),
  backup: backupCommand,
  restore: restoreCommand,
  'copy-to-postgres': copyToPostgresCommand,
  keys: keysCommand,
  ledger: ledgerCommand,
}

/** The words that are not options (`--role worker` is one option). */
function positionals(argv: string[]): string[] {
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--role') i++
    else if (!argv[i].startsWith('-')) words.push(argv[i])
  }
  return words
}

async function main(argv: string[]) {
  if (argv.includes('--help') || argv.includes('-h')) return console.log(HELP)
  const [command = 'start', ...args] = positionals(argv)
  const run = COMMANDS[command]
  if (!run) throw new ConfigError('command', `unknown command "${command}"\n${HELP}`)
  await run(loadConfig(process.env, argv), args)
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError || err instanceof AdminSetupError || err instanceof DataDirInUseError || err instanceof CommandError) {
    console.error(`caravan: ${err.message}`)
  } else {
    console.error('caravan: failed:', err?.message ?? err)
    if (process.env.LOG_LEVEL === 'debug') console.error(err)
  }
  process.exit(1)
})
