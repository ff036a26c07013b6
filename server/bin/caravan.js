#!/usr/bin/env node
// The `caravan` command. Runs the build (dist/main.js, `npm run build`) with plain node when it is
// newer than src/; otherwise the TypeScript source through tsx, so it works straight from a clone
// and while editing (tests spawn this file).
import { existsSync } from 'node:fs'
import { isCurrent, PARTS } from '../../scripts/build.mjs'

const current = isCurrent('server')
const tsx = current ? undefined : await import('tsx/esm/api').catch(() => undefined)
if (tsx) {
  tsx.register()
  await import('../src/main.ts')
} else if (existsSync(PARTS.server.output)) {
  if (!current) console.error('caravan: server/dist/main.js is older than server/src and tsx is not installed; running the old build')
  // Stack traces point into src/ through the bundle's source map.
  process.setSourceMapsEnabled(true)
  await import('../dist/main.js')
} else {
  console.error('caravan: server/dist/main.js is missing and tsx is not installed; run npm install, then npm run build')
  process.exit(1)
}
