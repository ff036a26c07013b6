import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { ciReporters } from '../scripts/ci-reporters.mjs'

// Browser tests drive the built app (web/dist) served by a real Caravan server in Chromium.
// They run in Node (playwright-core), two files at a time: each file starts its own server (on a
// free port, with its own data folder) and browser, and most of a browser test's time is waiting
// on them, so two files at once take about 60 % of the time one after the other does (measured on
// this machine's two cores: 4 files in 138 s instead of 236 s, the same CPU time).

// Files whose time is not their size go first. A fresh clone (CI) has no timings cached, so vitest
// starts the largest files first, and pages.browser.test.ts (short: every page, four views, axe on
// each; five minutes) ran last with the other worker idle for most of it.
const LONG = ['pages.browser.test.ts']
class LongFirst extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files)
    const long = (f: TestSpecification) => LONG.some((name) => f.moduleId.endsWith(`/${name}`))
    return [...sorted.filter(long), ...sorted.filter((f) => !long(f))]
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.browser.test.ts'],
    environment: 'node',
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: LongFirst },
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // What a browser test polls for comes from a real server and Chromium sharing two cores with
    // another file's: expect.poll's default second is too short when CI is busy (a page's first
    // read took longer in one run). Polls that must be quicker say so.
    expect: { poll: { timeout: 10_000 } },
    // The started data folder every file's server starts from; with coverage on (COVERAGE=1),
    // maps Chromium's coverage onto web/src after the last file.
    globalSetup: ['test/data-template.ts', 'test/coverage-report.ts'],
    reporters: ciReporters('browser'),
  },
})
