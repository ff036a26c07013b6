// `npm run bench`: every benchmark, one after the other (two at once would measure each other).
// Each runs in its own process and cleans up after itself. Exit code: 1 if any could not run,
// else 2 if any was flagged (errors or unexpected answers), else 0.
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Not from lib/processes: importing lib/cleanup would install its signal handlers here too.
const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(benchDir, '..')

const benches = [
  join(benchDir, 'http', 'run.ts'),
  join(benchDir, 'notifications', 'run.ts'),
  join(benchDir, 'chat', 'run.ts'),
  join(benchDir, 'payments', 'run.ts'),
  join(benchDir, 'wallet', 'run.ts'),
]

let current: ChildProcess | undefined
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // A terminal's Ctrl-C reaches the child as well; a SIGTERM sent to this process alone is passed on.
  process.on(signal, () => {
    stopping = true
    if (signal === 'SIGTERM') current?.kill('SIGTERM')
  })
}

const codes: number[] = []
for (const file of benches) {
  if (stopping) break
  console.log(`\n=== ${file.slice(repoRoot.length + 1)} ===`)
  current = spawn(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, stdio: 'inherit' })
  codes.push(await new Promise<number>((resolve) => current!.once('exit', (code) => resolve(code ?? 1))))
}
process.exit(stopping ? 130 : codes.includes(1) || codes.some((c) => c !== 0 && c !== 2) ? 1 : codes.includes(2) ? 2 : 0)
