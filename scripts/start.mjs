// `npm start`: runs the built server (server/dist/main.js) with plain node, first building what is
// missing or older than its sources, so `npm install && npm start` works on a fresh clone. On a
// built release installed with `npm ci --omit=dev` (no build tools) nothing needs building.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, isCurrent, PARTS, ROOT, SERVER_ENTRY } from './build.mjs'

const stale = ['server', 'web'].filter((part) => !isCurrent(part))
if (stale.length > 0) {
  try {
    await build(stale)
  } catch (err) {
    if (!existsSync(PARTS.server.output)) {
      console.error(`caravan: ${SERVER_ENTRY} is missing and could not be built (${err.message}); run npm install, then npm run build`)
      process.exit(1)
    }
    // A release without dev dependencies: run the build it has.
    console.error(`caravan: could not rebuild ${stale.join(' and ')} (${err.message}); starting the existing build`)
  }
}
// Stack traces point into server/src through the bundle's source map.
process.setSourceMapsEnabled(true)
await import(pathToFileURL(join(ROOT, SERVER_ENTRY)).href)
