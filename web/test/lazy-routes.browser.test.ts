// Pages load lazily, each as its own chunk: the first page downloads the shell and itself only,
// compressed; while a page's code downloads the header stays and the page area says it is
// loading; a chunk that cannot be downloaded (a dropped connection, or a deploy that replaced the
// file names) shows what failed and a Reload that recovers: never a blank page.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, launchBrowser, pageOpener, ROOT, startServer, type RunningServer } from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

interface Chunk {
  file: string
  isEntry?: boolean
  imports?: string[]
}

describe.runIf(chromiumAvailable())('lazy routes', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let manifest: Record<string, Chunk>
  /** The built file of a source module, e.g. "/assets/ApiKeys-3fa9c1.js". */
  const chunkOf = (source: string) => `/${manifest[source].file}`

  async function signIn(page: Page) {
    await page.goto('/sign-in')
    await page.getByLabel('Email').fill(ADMIN_EMAIL)
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-in')
  }

  beforeAll(async () => {
    manifest = JSON.parse(readFileSync(join(ROOT, 'web', 'dist', '.vite', 'manifest.json'), 'utf8'))
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('loads the shell and the sign-in page only, compressed', async () => {
    const page = await pages.newPage()
    const scripts = new Map<string, string | undefined>()
    page.on('response', (response) => {
      const { pathname } = new URL(response.url())
      if (pathname.endsWith('.js')) scripts.set(pathname, response.headers()['content-encoding'])
    })
    await page.goto('/sign-in')
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()

    const entry = Object.values(manifest).find((chunk) => chunk.isEntry)!
    expect([...scripts.keys()]).toContain(`/${entry.file}`)
    expect([...scripts.keys()]).toContain(chunkOf('src/features/auth/SignIn.tsx'))
    for (const page of ['src/features/admin/ApiKeys.tsx', 'src/features/admin/Users.tsx', 'src/features/account/Profile.tsx'])
      expect([...scripts.keys()]).not.toContain(chunkOf(page))
    // Chromium asks for gzip and deflate over plain HTTP (brotli too over HTTPS): a precompressed
    // copy either way, for every file the build compressed (those under 1 kB it leaves as they are).
    const compressed = [...scripts].filter(([path]) => existsSync(join(ROOT, 'web', 'dist', `${path}.gz`)))
    expect(compressed.map(([path]) => path)).toContain(`/${entry.file}`)
    for (const [path, encoding] of compressed) expect(['br', 'gzip'], path).toContain(encoding)
  })

  it('keeps the header and says the page is loading while its code downloads', async () => {
    const page = await pages.newPage()
    await signIn(page)
    await page.getByRole('heading', { level: 1 }).waitFor()
    // Hold the page's chunk until the loading state has been seen.
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const held = `**${chunkOf('src/features/admin/ApiKeys.tsx')}`
    await page.route(held, async (route: Route) => {
      await released
      await route.continue()
    })
    await page.goto('/console')
    await page.getByRole('link', { name: 'API keys' }).first().click()
    const loading = page.getByRole('main').getByRole('status').filter({ hasText: 'Loading the page…' })
    await expect.poll(() => loading.count()).toBe(1)
    await expect.poll(() => page.locator('.shell-header').isVisible()).toBe(true)
    release()
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor()
    await expect.poll(() => loading.count()).toBe(0)
    await page.unroute(held)
  })

  it('says a page could not be downloaded and reloads it on request', async () => {
    const page = await pages.newPage()
    await signIn(page)
    await page.goto('/console')
    await page.getByRole('heading', { level: 1 }).waitFor()
    const broken = `**${chunkOf('src/features/admin/DeadJobs.tsx')}`
    await page.route(broken, (route: Route) => route.abort('connectionreset'))
    await page.getByRole('link', { name: 'Failed jobs' }).first().click()

    await page.getByRole('heading', { level: 1, name: 'This page could not be loaded' }).waitFor()
    expect(await page.getByRole('alert').textContent()).toContain('Reloading fetches the current version')
    expect(await page.locator('.shell-header').isVisible()).toBe(true)
    expect(new URL(page.url()).pathname).toBe('/console/jobs')

    // The connection is back: Reload fetches the page's code again and shows it.
    await page.unroute(broken)
    await page.getByRole('button', { name: 'Reload the page' }).click()
    await page.getByRole('heading', { level: 1, name: 'Failed jobs' }).waitFor()
  })
})
