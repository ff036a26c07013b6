import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// CI collects one JSON report per run in VITEST_JSON_DIR (see scripts/test-summary.mjs).
const reportDir = process.env.VITEST_JSON_DIR
const reportName = process.env.VITEST_REPORT_NAME ?? 'server-pglite'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: two test files at a time, each with its own database.
    maxWorkers: 2,
    reporters: reportDir ? ['default', ['json', { outputFile: join(reportDir, `${reportName}.json`) }]] : ['default'],
  },
})
