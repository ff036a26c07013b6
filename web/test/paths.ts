// The repository's root, for the browser tests' harness and their global setup (which must not load
// the harness: it brings Playwright and vitest's expect).
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
