// Every page of the app, as a new user would see it: at 1366×900 and 390×844, in Persian and
// English, and in dark mode on the phone: axe finds no serious or critical violation and nothing
// is wider than the screen. A screenshot of each lands in test-artifacts/screenshots/pages-*.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, PHONE, axeFindings, horizontalOverflow } from './a11y'
import { api, chromiumAvailable, launchBrowser, pageOpener, screenshot, startServer, type RunningServer } from './harness'

const ADMIN_EMAIL = 'pages@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

/** Pages for anyone signed out, then the signed-in admin's pages (customer pages and console). */
const GUEST_PAGES = ['/sign-in', '/sign-up', '/forgot-password', '/reset-password?token=x', '/no-such-page']
const SIGNED_IN_PAGES = [
  '/',
  '/profile',
  '/devices',
  '/notifications',
  '/notifications?view=archived',
  '/settings/notifications',
  '/chat',
  '/payments',
  '/pay',
  '/pay/result',
  '/wallet',
  '/console',
  '/console/users',
  '/console/api-keys',
  '/console/identity',
  '/console/audit',
  '/console/jobs',
  '/console/notifications',
  '/console/notifications/types/account.password_reset',
  '/console/notifications/providers',
  '/console/notifications/activity',
  '/console/notifications/outbox',
  '/console/notifications/settings',
  '/console/payments',
  '/console/payments/refunds',
  '/console/payments/gateways',
  '/console/payments/settings',
  '/support',
  '/support?new=1',
  '/console/support',
  '/console/support/teams',
  '/console/support/settings',
  '/console/support/canned',
  '/console/support/macros',
  '/console/support/analytics',
  '/console/support/conversations',
  '/console/support/sites',
]

/** PAGES=/profile,/devices checks only those (while working on them); all of them by default. */
const only = process.env.PAGES?.split(',')
const wanted = (path: string) => !only || only.includes(path)

type Locale = 'en-GB' | 'fa-IR'
const VIEWS: { name: string; locale: Locale; viewport: { width: number; height: number }; dark?: boolean }[] = [
  { name: 'en-desktop', locale: 'en-GB', viewport: DESKTOP },
  { name: 'fa-desktop', locale: 'fa-IR', viewport: DESKTOP },
  { name: 'en-phone', locale: 'en-GB', viewport: PHONE },
  { name: 'fa-phone-dark', locale: 'fa-IR', viewport: PHONE, dark: true },
]

/** The page has its heading, nothing is loading any more, and it is the page (not its error). */
async function settled(page: Page) {
  await page.locator('main h1').first().waitFor()
  expect(await page.locator('[data-page-error]').count()).toBe(0)
  await expect
    .poll(() =>
      page.evaluate(
        () => !document.querySelector('[aria-busy="true"], .skeleton') && !/Loading…|در حال بارگذاری/.test(document.body.innerText),
      ),
    )
    .toBe(true)
}

describe.runIf(chromiumAvailable())('every page, both languages, desktop and phone', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    // Something in the inbox and the activity feed, so lists are not only empty states.
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    const sent = await api(
      server.url,
      'POST',
      '/v1/notifications',
      { type: 'account.welcome', to: login.body.user.id, channels: ['in_app'] },
      login.body.accessToken,
    )
    expect(sent.status).toBe(202)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  for (const view of VIEWS) {
    it(`${view.name}: no serious axe finding, no horizontal scroll`, async () => {
      const page = await pages.newPage(view.locale)
      await page.setViewportSize(view.viewport)
      // The admin's account is in English: the language chosen in the switcher (kept in
      // localStorage) is what a Persian-speaking admin would have, and it wins.
      await page.goto('/sign-in')
      await page.evaluate((lang) => localStorage.setItem('caravan.locale', lang), view.locale.slice(0, 2))
      if (view.dark) await page.emulateMedia({ colorScheme: 'dark' })
      const findings: string[] = []
      const check = async (path: string) => {
        if (!wanted(path)) return
        await page.goto(path)
        await settled(page)
        for (const finding of await axeFindings(page)) findings.push(`${path}: ${finding}`)
        const overflow = await horizontalOverflow(page)
        if (overflow > 0) findings.push(`${path}: ${overflow}px wider than the screen`)
        await screenshot(page, `pages-${view.name}-${path.replace(/[/?=.]+/g, '_').replace(/^_|_$/g, '') || 'home'}`)
      }
      for (const path of GUEST_PAGES) await check(path)
      await page.goto('/sign-in')
      await page.locator('input[type=email]').fill(ADMIN_EMAIL)
      await page.locator('input[type=password]').fill(ADMIN_PASSWORD)
      await page.locator('form button[type=submit]').click()
      await page.waitForURL((url) => url.pathname === '/')
      for (const path of SIGNED_IN_PAGES) await check(path)
      expect(findings).toEqual([])
    }, 240_000)
  }
})
