// Shared by the browser tests: a real Caravan server (child process, fresh data folder, free
// port) serving the built web app, and Debian's Chromium driven by playwright-core.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Request } from 'playwright-core'
import { expect, inject } from 'vitest'
import { spawnCaravan } from './caravan-process'
import { collectCoverage, coverageEnabled } from './coverage'

import { ROOT } from './paths'

export { ROOT }
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots')

/** False (skip) when Chromium is missing on a developer's machine; in CI a missing browser fails. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  const message = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`
  if (process.env.CI === 'true') throw new Error(message)
  console.warn(`browser tests skipped: ${message}`)
  return false
}

export interface RunningServer {
  url: string
  stop: () => Promise<void>
}

/** Starts `caravan start` on a fresh data folder (a copy of the started template) and waits until /readyz answers 200. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` first (`npm run test:browser` at the root does both)')
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'caravan-browser-'))
  // The embedded database migrated and seeded once for every file (data-template.ts).
  const template = inject('dataTemplate')
  if (template && !process.env.DATABASE_URL) cpSync(template, dataDir, { recursive: true })
  const removeData = () => rmSync(dataDir, { recursive: true, force: true })
  const server = await spawnCaravan(dataDir, {
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    // Sign-up signs in at once unless a test asks for e-mail verification (whose default
    // depends on the database: on with PostgreSQL, off with PGlite).
    EMAIL_VERIFICATION: 'false',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...extraEnv,
  }).catch((error: unknown) => {
    removeData()
    throw error
  })
  // Fail here, with the server's words, rather than as a browser timeout later.
  const page = await fetch(server.url, { headers: { accept: 'text/html' } })
  if (page.status !== 200 || !(await page.text()).includes('<div id="root">')) {
    await server.stop()
    removeData()
    throw new Error(`the server does not serve the web app: GET / answered ${page.status}\n${server.output()}`)
  }
  return {
    url: server.url,
    async stop() {
      await server.stop()
      removeData()
    },
  }
}

/** Chromium; with coverage on (CI), every page it opens records the app's coverage (coverage.ts). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // Coverage: with RenderDocument each full navigation gets a new document host and Chromium
      // drops the coverage of the one before; without it every document's scripts are reported.
      ...(coverageEnabled ? ['--disable-features=RenderDocument'] : []),
    ],
  })
  if (coverageEnabled) collectCoverage(browser)
  return browser
}

/**
 * Opens fresh pages on `baseURL`: each in its own context (no session, no language choice) whose
 * browser languages start with `locale`, in that locale's time zone, without the app's service
 * worker unless `serviceWorkers: 'allow'`. `closeAll` ends them all.
 */
export function pageOpener(browser: Browser, baseURL: string, options: { serviceWorkers?: 'allow' | 'block' } = {}) {
  const contexts: BrowserContext[] = []
  return {
    async newPage(locale: 'en-GB' | 'fa-IR' = 'en-GB'): Promise<Page> {
      const context = await browser.newContext({
        baseURL,
        locale,
        timezoneId: locale === 'fa-IR' ? 'Asia/Tehran' : 'Europe/London',
        viewport: { width: 1280, height: 800 },
        // The app's service worker answers asset requests itself, out of page.route's sight: only
        // the tests of the installed app (pwa.browser.test.ts) let it run.
        serviceWorkers: options.serviceWorkers ?? 'block',
      })
      contexts.push(context)
      const page = await context.newPage()
      page.setDefaultTimeout(10_000)
      return page
    },
    /**
     * A new page in `locale` signed in as `email` through the sign-in form, on the home page. The
     * language the app then shows is the person's profile's, unless `language` is chosen in this
     * browser (as the language switch would).
     */
    async signedIn(locale: 'en-GB' | 'fa-IR', email: string, password: string, language?: 'fa' | 'en'): Promise<Page> {
      const page = await this.newPage(locale)
      await page.goto('/sign-in')
      await page.locator('input[name="email"]').fill(email)
      await page.locator('input[name="password"]').fill(password)
      await page.locator('form button[type="submit"]').click()
      await page.waitForURL((url) => url.pathname === '/')
      if (language) await page.evaluate((l) => localStorage.setItem('caravan.locale', l), language)
      return page
    },
    async closeAll() {
      for (const context of contexts.splice(0)) await context.close()
    },
  }
}

/**
 * Writes to `pattern` seen by the page, in the order sent and answered (`sent <name>`, `answered
 * <name>`; `name` picks and names them, undefined lets a request through untouched). The first one
 * is held until `release()`: a test presses the next control meanwhile and checks the order the
 * server got them. `done()` removes the route.
 */
export async function orderOfWrites(page: Page, pattern: string, name: (request: Request) => string | undefined) {
  const log: string[] = []
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let first = true
  await page.route(pattern, async (route) => {
    const which = name(route.request())
    if (which === undefined) return route.fallback()
    log.push(`sent ${which}`)
    if (first) {
      first = false
      await held
    }
    const response = await route.fetch()
    log.push(`answered ${which}`)
    await route.fulfill({ response })
  })
  return { log, release, done: () => page.unroute(pattern) }
}

/** A full-page screenshot in test-artifacts/screenshots/<name>.png, after fonts have loaded. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Calls the API from the test itself (to arrange data the app has no screen for). */
export async function api(url: string, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** Money for a test: an admin's adjustment of the user's wallet (IRR unless told), through the API. */
export async function fundWallet(url: string, adminToken: string, userId: string, amount: string, currency = 'IRR', reason = 'test funds') {
  const made = await api(url, 'POST', '/v1/admin/wallet/adjustments', { userId, currency, amount, reason }, adminToken)
  expect(made.status, JSON.stringify(made.body)).toBe(201)
}

/**
 * The newest link to `pagePath` (e.g. "/reset-password") the dev outbox e-mailed to `email`, as a
 * path of this server, once at least `count` such e-mails were sent. `adminToken` reads the outbox.
 */
export async function emailedLink(url: string, adminToken: string, email: string, pagePath: string, count = 1): Promise<string> {
  const pattern = new RegExp(`href="([^"]*${pagePath.replace(/[/.]/g, (c) => '\\' + c)}\\?token=[^"]+)"`)
  let links: string[] = []
  await expect
    .poll(
      async () => {
        const box = await api(url, 'GET', '/v1/dev/outbox?channel=email&limit=100', undefined, adminToken)
        links = box.body.items
          .filter((m: { recipient: string }) => m.recipient === email)
          .map((m: { payload: { html: string } }) => pattern.exec(m.payload.html)?.[1])
          .filter((link: string | undefined): link is string => Boolean(link))
        return links.length
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBeGreaterThanOrEqual(count)
  const link = new URL(links[0].replace(/&amp;/g, '&'))
  return link.pathname + link.search
}

/** The access token the app keeps in localStorage. */
export async function accessTokenOf(page: Page): Promise<string> {
  const raw = await page.evaluate(() => localStorage.getItem('caravan.session'))
  if (!raw) throw new Error('no session in localStorage')
  return JSON.parse(raw).accessToken
}

export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/**
 * How the analytics tables name the day `at` falls on in UTC (the test admins' zone), e.g. "Tue, 8 Dec".
 * Tests name the day their records were made, not the day they look: a run that crosses midnight
 * finds them in yesterday's row.
 */
export const dayName = (locale: 'en-GB' | 'fa-IR', at: Date) =>
  new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(at)

/** A value as the app's t() inserts it: inside Unicode isolates (FSI…PDI). */
export const iso = (value: string) => `\u2068${value}\u2069`

/**
 * Chooses `option` in the kit's select inside `scope` whose label ends its name (the trigger is
 * named by its value, then its label; `label` is a RegExp source) and waits for its list box to
 * close. A click that lands while the popover is still placing itself can miss the option (the
 * list stays open), so the option is clicked again, up to three times.
 */
export async function choose(scope: Page | Locator, label: string, option: string | RegExp) {
  const page = 'page' in scope ? scope.page() : scope
  const listbox = page.getByRole('listbox')
  const item =
    typeof option === 'string'
      ? listbox.getByRole('option', { name: option, exact: true })
      : listbox.getByRole('option').filter({ hasText: option })
  await scope.getByRole('button', { name: new RegExp(`\\s${label}$`) }).click()
  for (let attempt = 1; ; attempt++) {
    await item.click()
    try {
      await listbox.waitFor({ state: 'detached', timeout: 3_000 })
      return
    } catch (error) {
      if (attempt === 3) throw error
    }
  }
}
