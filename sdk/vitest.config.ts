import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// CI collects one JSON report per run in VITEST_JSON_DIR (see scripts/test-summary.mjs).
const reportDir = process.env.VITEST_JSON_DIR

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 10_000,
    reporters: reportDir ? ['default', ['json', { outputFile: join(reportDir, 'sdk.json') }]] : ['default'],
  },
})
