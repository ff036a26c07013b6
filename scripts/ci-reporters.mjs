// The reporters of every vitest run (server, SDK, web components, browser). In CI
// (VITEST_JSON_DIR set) each run also leaves, for scripts/test-summary.mjs:
// - <dir>/<name>.json, vitest's JSON report (the tests, passed or failed);
// - <dir>/runs/<name>.json, how the run ended and the errors no test owns (an unhandled rejection,
//   an error thrown after its test finished). Vitest fails such a run with every test passed and
//   its JSON report has no place for them: without this file the summary would say "0 failed".
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

class RunReporter {
  constructor(outputFile) {
    this.outputFile = outputFile
  }

  onTestRunEnd(_testModules, unhandledErrors, reason) {
    const errors = unhandledErrors.map((e) => ({
      message: `${e.name ?? 'Error'}: ${e.message ?? String(e)}`,
      // The first frames are enough to find it; the whole trace is in the run's log.
      stack: (e.stack ?? '').split('\n').slice(1, 6).join('\n'),
      test: e.VITEST_TEST_NAME,
      file: e.VITEST_TEST_PATH,
    }))
    mkdirSync(dirname(this.outputFile), { recursive: true })
    writeFileSync(this.outputFile, JSON.stringify({ reason, unhandledErrors: errors }, null, 2))
  }
}

export function ciReporters(name) {
  const dir = process.env.VITEST_JSON_DIR
  if (!dir) return ['default']
  return ['default', ['json', { outputFile: join(dir, `${name}.json`) }], new RunReporter(join(dir, 'runs', `${name}.json`))]
}
