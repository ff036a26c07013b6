// Adds up the vitest JSON reports of one CI run (server on PGlite, server on PostgreSQL + Redis,
// SDK, browser) into the one closing line CI reads: "tests: N passed, N failed, N skipped".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
let passed = 0,
  failed = 0,
  skipped = 0,
  files = 0
for (const name of existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []) {
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'))
  files++
  passed += report.numPassedTests
  failed += report.numFailedTests + (report.numFailedTestSuites ?? 0)
  skipped += report.numPendingTests + report.numTodoTests
  console.log(
    `  ${name.replace(/\.json$/, '').padEnd(20)} ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  )
}
if (files === 0) {
  console.log('tests: 0 passed, 1 failed (no test report was written)')
  process.exit(1)
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 ? 1 : 0)
