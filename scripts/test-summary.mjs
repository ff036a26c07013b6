// Adds up the vitest JSON reports of one CI run (server on PGlite, server on PostgreSQL + Redis,
// SDK, browser) into the one closing line CI reads: "tests: N passed, N failed, N skipped".
// Before it, a short coverage table from the istanbul summaries the runs left in <dir>/coverage/
// (server-pglite.json, server-postgres.json, sdk.json, web.json); each run checks its own floor.
// A step that failed with no failed test (.ci/run's <dir>/steps.txt) is named above that line with
// the errors no test owned (<dir>/runs/, scripts/ci-reporters.mjs), and counts as one failure, so
// the closing line never says "0 failed" over a failed run.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
const jsonFiles = (folder) =>
  existsSync(folder)
    ? readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : []

let passed = 0,
  failed = 0,
  skipped = 0,
  files = 0
for (const name of jsonFiles(dir)) {
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'))
  files++
  passed += report.numPassedTests
  // A file that failed with no failed test of its own (it did not load, or a hook threw) counts once.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
  )
  failed += report.numFailedTests + brokenFiles.length
  skipped += report.numPendingTests + report.numTodoTests
  console.log(
    `  ${name.replace(/\.json$/, '').padEnd(20)} ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  )
}

const coverageDir = join(dir, 'coverage')
const order = ['server-pglite', 'server-postgres', 'sdk', 'web']
const summaries = jsonFiles(coverageDir)
  .map((f) => f.replace(/\.json$/, ''))
  .sort((a, b) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1))
if (summaries.length) {
  const cell = ({ covered, total, pct }) => `${pct.toFixed(1).padStart(5)} % ${`(${covered}/${total})`.padEnd(13)}`
  console.log(`  ${'coverage'.padEnd(20)} ${'lines'.padEnd(21)} branches`)
  for (const name of summaries) {
    const { total } = JSON.parse(readFileSync(join(coverageDir, `${name}.json`), 'utf8'))
    console.log(`  ${name.padEnd(20)} ${cell(total.lines)}   ${cell(total.branches)}`.trimEnd())
  }
}

// Steps that failed without a failed test to show for it: each error no test owned is one failure,
// a step with none (a type error, a coverage floor) is one.
const reportFailures = (name) => {
  const file = join(dir, `${name}.json`)
  return name && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).numFailedTests : 0
}
const stepsFile = join(dir, 'steps.txt')
const steps = existsSync(stepsFile)
  ? readFileSync(stepsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
  : []
for (const [step, status, report] of steps) {
  if (status === '0') continue
  const runFile = join(dir, 'runs', `${report}.json`)
  const errors = report && existsSync(runFile) ? JSON.parse(readFileSync(runFile, 'utf8')).unhandledErrors : []
  // Failed tests already count (and say why) for their step; its unowned errors are still shown.
  const testsFailed = reportFailures(report) > 0
  if (testsFailed && !errors.length) continue
  const owned = errors.length ? `${errors.length} error(s) no test owned` : ''
  console.log(
    `  ${step} exited ${status} ${testsFailed ? `with failed tests and ${owned}` : `with no failed test${owned ? `: ${owned}` : ''}`}`,
  )
  for (const e of errors) {
    console.log(`    ${e.message}${e.file ? ` (${e.file}${e.test ? ` › ${e.test}` : ''})` : ''}`)
    if (e.stack) console.log(e.stack.replace(/^\s*/gm, '      '))
  }
  if (!testsFailed) failed += Math.max(1, errors.length)
}

if (files === 0) {
  console.log('tests: 0 passed, 1 failed (no test report was written)')
  process.exit(1)
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
