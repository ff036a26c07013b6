import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// CI collects one JSON report per run in VITEST_JSON_DIR (see scripts/test-summary.mjs).
const reportDir = process.env.VITEST_JSON_DIR

// Browser tests drive the built app (web/dist) served by a real Caravan server in Chromium.
// They run in Node (playwright-core), two files at a time: each file starts its own server (on a
// free port, with its own data folder) and browser, and most of a browser test's time is waiting
// on them, so two files at once take about 60 % of the time one after the other does (measured on
// this machine's two cores: 4 files in 138 s instead of 236 s, the same CPU time).
export default defineConfig({
  test: {
    include: ['test/**/*.browser.test.ts'],
    environment: 'node',
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // What a browser test polls for comes from a real server and Chromium sharing two cores with
    // another file's: expect.poll's default second is too short when CI is busy (a page's first
    // read took longer in one run). Polls that must be quicker say so.
    expect: { poll: { timeout: 10_000 } },
    // With coverage on (CI=true or COVERAGE=1), maps Chromium's coverage onto web/src after the last file.
    globalSetup: ['test/coverage-report.ts'],
    reporters: reportDir ? ['default', ['json', { outputFile: join(reportDir, 'browser.json') }]] : ['default'],
  },
})
