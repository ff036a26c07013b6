// In Persian, with the keyboard only: sign in, find a user with "/" on the console's users page,
// and filter the audit log by a Solar Hijri date range typed into the Jalali picker. The URL keeps
// the range as the instants of the viewer's (Tehran's) day boundaries, so the link reproduces it.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, chromiumAvailable, launchBrowser, pageOpener, screenshot, startServer, type RunningServer } from './harness'

const ADMIN_EMAIL = 'keys@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

/** The day `at` falls on in Tehran, as Solar Hijri [year, month, day] and as the UTC instant it starts. */
function tehranDay(at: Date) {
  const part = (locale: string, type: string) =>
    Number(
      new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Tehran', year: 'numeric', month: 'numeric', day: 'numeric' })
        .formatToParts(at)
        .find((p) => p.type === type)!.value,
    )
  const persian = 'en-u-ca-persian-nu-latn'
  const gregorian = 'en-u-ca-gregory-nu-latn'
  // Iran has kept UTC+03:30 all year since 2022.
  const start = Date.UTC(part(gregorian, 'year'), part(gregorian, 'month') - 1, part(gregorian, 'day')) - 3.5 * 3600_000
  return { jalali: [part(persian, 'year'), part(persian, 'month'), part(persian, 'day')], start }
}

/** Tabs until the focused element matches `selector` (at most 30 presses). */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${selector}`)
}

describe.runIf(chromiumAvailable())('keyboard only, in Persian', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let page: Page
  /** Just before the server made its admin (an audit entry). */
  let adminMadeAt: Date

  beforeAll(async () => {
    adminMadeAt = new Date()
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    page = await pages.newPage('fa-IR')
    // Day boundaries are the viewer's: this admin lives in Tehran.
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect((await api(server.url, 'PATCH', '/v1/me', { timezone: 'Asia/Tehran' }, login.body.accessToken)).status).toBe(200)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('signs in with Tab, typing and Enter', async () => {
    await page.goto('/sign-in')
    // The admin's account is in English: the language chosen here (kept in localStorage) wins.
    await page.evaluate(() => localStorage.setItem('caravan.locale', 'fa'))
    await page.reload()
    await page.locator('main h1').waitFor()
    await tabTo(page, 'input[type=email]')
    await page.keyboard.type(ADMIN_EMAIL)
    await tabTo(page, 'input[type=password]')
    await page.keyboard.type(ADMIN_PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/')
  })

  it('finds a user with "/" on the users page', async () => {
    await page.goto('/console/users')
    await page.locator('main h1').waitFor()
    await page.locator('main').click({ position: { x: 1, y: 1 } })
    await page.keyboard.press('/')
    await expect.poll(() => page.evaluate(() => document.activeElement?.matches('input[type=search]'))).toBe(true)
    await page.keyboard.type('keys@')
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.searchParams.get('q') === 'keys@')
    await expect.poll(() => page.locator('main').getByText(ADMIN_EMAIL).count()).toBeGreaterThan(0)
  })

  it('filters the audit log by a Jalali date range typed into the picker', async () => {
    // The day the admin was made, not the day the test runs: a run that crosses Tehran's midnight
    // would find that day's entries under yesterday.
    const day = tehranDay(adminMadeAt)
    await page.goto('/console/audit')
    await page.locator('main h1').waitFor()
    const when = page.locator('main .date-filter')
    // Start and end: year, month, day each (React Aria moves on when a part is complete).
    await when.getByRole('spinbutton').first().waitFor()
    await when.getByRole('spinbutton').first().focus()
    const [y, m, d] = day.jalali
    for (const value of [y, m, d, y, m, d]) await page.keyboard.type(String(value).padStart(2, '0'))
    await page.waitForURL((url) => url.searchParams.has('to'))
    const url = new URL(page.url())
    expect(url.searchParams.get('from')).toBe(new Date(day.start).toISOString())
    expect(url.searchParams.get('to')).toBe(new Date(day.start + 86_400_000 - 1).toISOString())
    // That day's entries (this admin's creation, at least) are listed; the picker shows Persian digits.
    await expect
      .poll(() => page.locator('main [data-row-id], main tbody tr, main .table-card').count(), { timeout: 15_000 })
      .toBeGreaterThan(0)
    expect(await when.textContent()).toMatch(/[۰-۹]/)
    expect(await when.textContent()).not.toMatch(/[0-9]/)
    await screenshot(page, 'audit-jalali-filter-fa')

    // A link with the range reproduces the view; a year back nothing was logged.
    const lastYear = new URL(page.url())
    lastYear.searchParams.set('from', new Date(day.start - 366 * 86_400_000).toISOString())
    lastYear.searchParams.set('to', new Date(day.start - 365 * 86_400_000).toISOString())
    await page.goto(lastYear.pathname + lastYear.search)
    // The page loads anew and reads the log: on busy CI cores more than expect.poll's default second.
    await expect
      .poll(() => page.locator('main').getByText('هنوز ردیفی ثبت نشده است.').or(page.locator('main .empty')).count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0)
  })
})
