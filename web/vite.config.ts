import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// In development the API runs on :3000 (npm start); everything it serves is proxied so the app
// talks to one origin, exactly as in production where the server serves web/dist itself.
const api = process.env.CARAVAN_API ?? 'http://localhost:3000'

export default defineConfig({
  plugins: [react()],
  // @caravan/sdk from its TypeScript source, so the app needs no SDK build first. An alias, not the
  // "source" export condition: other packages (@internationalized/date) publish a "source" too.
  resolve: { alias: { '@caravan/sdk': fileURLToPath(new URL('../sdk/src/index.ts', import.meta.url)) } },
  server: {
    proxy: {
      '/v1': api,
      '/docs': api,
      '/realtime': { target: api, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server's CSP allows data: for images and fonts, but serving files keeps pages cacheable.
    assetsInlineLimit: 0,
    // dist/.vite/manifest.json: which chunks the entry imports, for the first-page size budget
    // (scripts/build.mjs). The server does not serve it (dot folders are not routed).
    manifest: true,
    rolldownOptions: {
      // The kit's modules only declare components. Saying so lets the bundler keep the form and
      // table code out of the first page's chunk: without it, anything the barrel (ui/index.ts)
      // re-exports is placed with the entry, since the entry imports the barrel.
      treeshake: { moduleSideEffects: [{ test: /\/web\/src\/ui\/.*\.tsx?$/, sideEffects: false }] },
    },
    // The browser tests map Chromium's coverage back to web/src through these (web/test/coverage-report.ts):
    // on with COVERAGE=1 (web/test/coverage.ts). Hidden: no sourceMappingURL comment in the served scripts.
    sourcemap: process.env.COVERAGE === '1' ? 'hidden' : false,
  },
})
