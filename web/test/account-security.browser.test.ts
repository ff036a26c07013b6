// The profile page's security part: changing the password (a wrong current one is shown on its
// field; success signs the other sessions out, not this one) and "sign out everywhere else".
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, chromiumAvailable, launchBrowser, pageOpener, screenshot, startServer, unique, type RunningServer } from './harness'

describe.runIf(chromiumAvailable())('account security', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  const password = 'correct-horse-42'

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
  })
  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  const signedIn = (locale: 'en-GB' | 'fa-IR', email: string, pass: string) => pages.signedIn(locale, email, pass)

  it('changes the password with the current one; other sessions end, this one goes on', async () => {
    const email = `pw-${unique()}@example.com`
    expect((await api(server.url, 'POST', '/v1/auth/register', { email, password })).status).toBe(201)
    const other = (await api(server.url, 'POST', '/v1/auth/login', { email, password })).body
    const page = await signedIn('en-GB', email, password)
    await page.goto('/profile')
    await page.getByRole('heading', { name: 'Password' }).waitFor()

    await page.getByLabel('Current password').fill('not my password')
    await page.getByLabel('New password').fill('a brand new password')
    await page.getByRole('button', { name: 'Change password' }).click()
    const current = page.getByLabel('Current password')
    await page.waitForFunction(() => document.querySelector('input[name="currentPassword"]')?.getAttribute('aria-invalid') === 'true')
    expect(await current.getAttribute('aria-invalid')).toBe('true')

    await current.fill(password)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Your password has been changed.').waitFor()
    await screenshot(page, 'profile-password-changed-en')
    expect((await api(server.url, 'GET', '/v1/me', undefined, other.accessToken)).status).toBe(401)
    // This session goes on.
    await page.reload()
    await page.getByRole('heading', { name: 'Password' }).waitFor()
    expect((await api(server.url, 'POST', '/v1/auth/login', { email, password: 'a brand new password' })).status).toBe(200)
  })

  it('signs out everywhere else after a confirmation, in Persian', async () => {
    const email = `so-${unique()}@example.com`
    expect((await api(server.url, 'POST', '/v1/auth/register', { email, password, locale: 'fa' })).status).toBe(201)
    const other = (await api(server.url, 'POST', '/v1/auth/login', { email, password })).body
    const page = await signedIn('fa-IR', email, password)
    await page.goto('/profile')
    await page.getByRole('button', { name: 'خروج از همهٔ جاهای دیگر' }).click()
    const dialog = page.getByRole('alertdialog', { name: 'از همهٔ جاهای دیگر خارج شوید؟' })
    await dialog.waitFor()
    await screenshot(page, 'profile-end-others-fa')
    await dialog.getByRole('button', { name: 'خروج از همهٔ جاهای دیگر' }).click()
    await page.getByText('از همهٔ جاهای دیگر خارج شدید.').waitFor()
    expect((await api(server.url, 'GET', '/v1/me', undefined, other.accessToken)).status).toBe(401)
    // No page wider than a phone.
    await page.setViewportSize({ width: 360, height: 800 })
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
  })
})
