import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'
import { ciReporters } from '../scripts/ci-reporters.mjs'

// CI's reports go to VITEST_JSON_DIR (scripts/ci-reporters.mjs, scripts/test-summary.mjs).
const reportDir = process.env.VITEST_JSON_DIR
const reportName = process.env.VITEST_REPORT_NAME ?? 'server-pglite'

// Coverage is on in CI (CI=true) or with COVERAGE=1, off with COVERAGE=0; `--coverage` turns it on too.
const coverage = process.env.COVERAGE ? process.env.COVERAGE !== '0' : process.env.CI === 'true'
const coverageDir = fileURLToPath(new URL(`coverage/${reportName}`, import.meta.url))

// CI's copy of the summary for scripts/test-summary.mjs; istanbul writes only below reportsDirectory.
const ciSummary: ['json-summary', { file: string }][] = reportDir
  ? [['json-summary', { file: relative(coverageDir, join(reportDir, 'coverage', `${reportName}.json`)) }]]
  : []

// These files choose their database themselves, whatever DATABASE_URL says: `caravan` processes on
// an embedded database of their own (the first-run path, the build, crashes of an embedded node),
// or workers killed on a PostgreSQL database of their own (the kill tests; their workers never use
// Redis). CI's second pass, on PostgreSQL, sets SKIP_EMBEDDED_ONLY=1: it would run them exactly as
// the first pass did, for minutes more.
const embeddedOnly = [
  'test/build.test.ts',
  'test/cli.test.ts',
  'test/copy-to-postgres.test.ts',
  'test/crash-safety.test.ts',
  'test/embedded-db.test.ts',
  'test/keys-cli.test.ts',
  'test/shutdown.test.ts',
  'test/wallet/crash.test.ts',
  'test/notifications/crash-recovery.test.ts',
  'test/notifications/kill-worker.test.ts',
  'test/notifications/workflow-kill.test.ts',
]

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: process.env.SKIP_EMBEDDED_ONLY === '1' ? [...configDefaults.exclude, ...embeddedOnly] : configDefaults.exclude,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every node on PGlite starts from one migrated copy of the database.
    globalSetup: ['test/pglite-template.ts'],
    pool: 'forks',
    // Test files in a worker share its loaded modules: each file builds its own app on its own
    // database, and reloading the server's modules for every file cost a large part of the suite
    // (figures in docs/architecture.md). So a test leaves no module state behind: a spy is
    // restored, fake timers put back, process.env not written.
    isolate: false,
    // Two cores: two test files at a time, each with its own database.
    maxWorkers: 2,
    reporters: ciReporters(reportName),
    coverage: {
      enabled: coverage,
      provider: 'v8',
      // server/src only: drizzle/ (generated SQL), scripts/ and test/ lie outside it. main.ts and cli/
      // (the command line) run only in the child processes the CLI tests spawn, which v8 coverage does not see.
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/main.ts', 'src/cli/**'],
      reportsDirectory: coverageDir,
      // A failing run still shows what it covered.
      reportOnFailure: true,
      reporter: ['text-summary', 'html', 'json-summary', ...ciSummary],
      thresholds: { lines: 90, branches: 80 },
    },
  },
})
