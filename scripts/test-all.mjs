// `npm test`: the server, SDK, web component and browser tests in turn. Every part runs even when an earlier one
// failed (a server failure must not hide the state of the others); the exit code is non-zero if any failed.
// In CI (VITEST_JSON_DIR set) each part's exit code goes to <dir>/steps.txt for scripts/test-summary.mjs.
import { spawnSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'

// Each part and the name its reports take (scripts/ci-reporters.mjs).
const parts = { 'test:server': 'server-pglite', 'test:sdk': 'sdk', 'test:components': 'web-components', 'test:browser': 'browser' }
const failed = Object.entries(parts)
  .filter(([part, report]) => {
    const { status } = spawnSync('npm', ['run', part, '--silent'], { stdio: 'inherit' })
    if (process.env.VITEST_JSON_DIR)
      appendFileSync(join(process.env.VITEST_JSON_DIR, 'steps.txt'), `npm run ${part}\t${status}\t${report}\n`)
    return status !== 0
  })
  .map(([part]) => part)
if (failed.length) console.error(`\nnpm test: ${failed.join(', ')} failed`)
process.exit(failed.length ? 1 : 0)
