// `npm test`: the server, SDK, web component and browser tests in turn. Every part runs even when an earlier one
// failed (a server failure must not hide the state of the others); the exit code is non-zero if any failed.
import { spawnSync } from 'node:child_process'

const parts = ['test:server', 'test:sdk', 'test:components', 'test:browser']
const failed = parts.filter((part) => spawnSync('npm', ['run', part, '--silent'], { stdio: 'inherit' }).status !== 0)
if (failed.length) console.error(`\nnpm test: ${failed.join(', ')} failed`)
process.exit(failed.length ? 1 : 0)
