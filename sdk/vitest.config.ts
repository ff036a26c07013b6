import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { ciReporters } from '../scripts/ci-reporters.mjs'

// CI's reports go to VITEST_JSON_DIR (scripts/ci-reporters.mjs, scripts/test-summary.mjs).
const reportDir = process.env.VITEST_JSON_DIR

// Coverage is on in CI (CI=true) or with COVERAGE=1, off with COVERAGE=0; `--coverage` turns it on too.
const coverage = process.env.COVERAGE ? process.env.COVERAGE !== '0' : process.env.CI === 'true'
const coverageDir = fileURLToPath(new URL('coverage', import.meta.url))

// CI's copy of the summary for scripts/test-summary.mjs; istanbul writes only below reportsDirectory.
const ciSummary: ['json-summary', { file: string }][] = reportDir
  ? [['json-summary', { file: relative(coverageDir, join(reportDir, 'coverage', 'sdk.json')) }]]
  : []

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 10_000,
    reporters: ciReporters('sdk'),
    coverage: {
      enabled: coverage,
      provider: 'v8',
      include: ['src/**/*.ts', 'src/**/*.tsx'],
      // schema.d.ts is generated from the OpenAPI document and holds types only.
      exclude: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/**/*.d.ts'],
      reportsDirectory: coverageDir,
      reportOnFailure: true,
      reporter: ['text', 'html', 'json-summary', ...ciSummary],
      // Just under what the SDK's tests reach today: a change that loses coverage fails.
      thresholds: { lines: 73, branches: 68 },
    },
  },
})
