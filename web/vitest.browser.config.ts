import { defineConfig } from 'vitest/config'

// Browser tests drive the built app (web/dist) served by a real Caravan server in Chromium.
// They run in Node (playwright-core), one file at a time: each file starts its own server.
export default defineConfig({
  test: {
    include: ['test/**/*.browser.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
})
