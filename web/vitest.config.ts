import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { ciReporters } from '../scripts/ci-reporters.mjs'

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
    reporters: ciReporters('web-components'),
  },
})
