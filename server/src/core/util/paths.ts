// Files the server ships with (package.json, drizzle/ migrations, the built web app next door) are
// found from the server package's folder, not from this file: this code runs from src/ under tsx
// and bundled into dist/main.js, at different depths.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findServerRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@caravan/server') return dir
    if (dirname(dir) === dir) throw new Error(`server/package.json not found in a folder above ${from}`)
  }
}

/** The server package's folder (the one holding server/package.json). */
export const serverRoot = findServerRoot(dirname(fileURLToPath(import.meta.url)))

/** A path inside the server package, e.g. serverPath('drizzle'). */
export const serverPath = (...segments: string[]): string => join(serverRoot, ...segments)
