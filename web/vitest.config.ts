import react from '@vitejs/plugin-react'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// CI collects one JSON report per run in VITEST_JSON_DIR (see scripts/test-summary.mjs).
const reportDir = process.env.VITEST_JSON_DIR

// Component tests: one component (the table, a form, a picker) rendered in happy-dom, driven with
// Testing Library. Fast and in-process; whole pages in Chromium are the browser tests'
// (vitest.browser.config.ts).
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@caravan/sdk': fileURLToPath(new URL('../sdk/src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/components/**/*.test.tsx'],
    environment: 'happy-dom',
    setupFiles: ['test/components/setup.ts'],
    testTimeout: 15_000,
    reporters: reportDir ? ['default', ['json', { outputFile: join(reportDir, 'web-components.json') }]] : ['default'],
  },
})
