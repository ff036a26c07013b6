// Password reset through the app, in English and Persian: "Forgot your password?" on the sign-in
// page, the same answer for any address, the e-mailed link (read from the dev outbox) choosing a
// new password and signing in, a used or broken link pointing to a new one, and a 429 in words.
// Every page is also checked at a phone's 360 px: no sideways scrolling.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  api,
  chromiumAvailable,
  iso,
  launchBrowser,
  screenshot,
  startServer,
  unique,
  type RunningServer,
  pageOpener,
  emailedLink,
} from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
// Low enough for the last test to reach it from here, high enough for the steps before (it counts per route).
const AUTH_LIMIT = 15
const PHONE = { width: 360, height: 740 }

describe.runIf(chromiumAvailable())('password reset', () => {
  let server: RunningServer
  let browser: Browser
  let adminToken: string
  let pages: ReturnType<typeof pageOpener>
  /** A fresh page (no session, no language choice) in `locale`. */
  const newPage = (locale?: 'en-GB' | 'fa-IR') => pages.newPage(locale)

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD, AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_LIMIT) })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name })
  const headingFocused = (page: Page) => page.waitForFunction(() => document.activeElement?.matches('main h1') ?? false)

  /** Screenshots at desktop width and at 360 px, where the page must not scroll sideways. */
  async function screenshots(page: Page, name: string) {
    await screenshot(page, name)
    const desktop = page.viewportSize()!
    await page.setViewportSize(PHONE)
    try {
      await screenshot(page, `${name}-360`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
    } finally {
      await page.setViewportSize(desktop)
    }
  }

  async function register(email: string, password: string, name: string, locale: 'en' | 'fa') {
    expect((await api(server.url, 'POST', '/v1/auth/register', { email, password, name, locale })).status).toBe(201)
  }

  /** The newest link to /reset-password e-mailed to `email`, once at least `count` were sent. */
  const linkSentTo = (email: string, count = 1) => emailedLink(server.url, adminToken, email, '/reset-password', count)

  const loginStatus = async (email: string, password: string) =>
    (await api(server.url, 'POST', '/v1/auth/login', { email, password })).status

  it('English: from sign-in to a new password, signed in at home', async () => {
    const email = `mina-${unique()}@example.com`
    await register(email, 'old password 1', 'Mina', 'en')
    const page = await newPage('en-GB')

    await page.goto('/sign-in')
    await h1(page, 'Sign in').waitFor()
    await screenshots(page, 'sign-in-forgot-en')
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await h1(page, 'Reset your password').waitFor()
    await headingFocused(page)
    await screenshots(page, 'forgot-password-en')

    // An address without an account gets the same answer (and no e-mail).
    const stranger = `nobody-${unique()}@example.com`
    await page.getByLabel('Email').fill(stranger)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `If an account uses ${stranger}, we have sent it a link to choose a new password.` })
      .waitFor()

    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `If an account uses ${email}, we have sent it a link to choose a new password. The link works for one hour.` })
      .waitFor()
    await screenshots(page, 'forgot-password-sent-en')

    const link = await linkSentTo(email)
    expect(link).toMatch(/^\/reset-password\?token=/)
    await page.goto(link)
    await h1(page, 'Choose a new password').waitFor()
    await screenshots(page, 'reset-password-en')

    // Two different passwords: said under the second field, which takes focus.
    await page.getByLabel('New password', { exact: true }).fill('new password 2')
    await page.getByLabel('Repeat the new password').fill('new password 3')
    await page.getByRole('button', { name: 'Set password and sign in' }).click()
    const repeat = page.getByLabel('Repeat the new password')
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.name === 'repeat')
    expect(await repeat.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator(`[id="${await repeat.getAttribute('aria-describedby')}"]`).textContent()).toBe(
      'The two passwords are not the same.',
    )

    // Too short: the server's answer, under the password field, which takes focus.
    await page.getByLabel('New password', { exact: true }).fill('short')
    await repeat.fill('short')
    await page.getByRole('button', { name: 'Set password and sign in' }).click()
    await page.getByText('Use at least 8 characters, not counting spaces.').waitFor()
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.name === 'password')
    expect(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    await screenshots(page, 'reset-password-errors-en')

    await page.getByLabel('New password', { exact: true }).fill('new password 2')
    await repeat.fill('new password 2')
    await page.getByRole('button', { name: 'Set password and sign in' }).click()
    await h1(page, `Welcome, ${iso('Mina')}`).waitFor()
    await page.getByRole('status').filter({ hasText: 'Your new password is set, and you are signed in.' }).waitFor()
    // The link is replaced in the history: Back does not show a spent link.
    expect(new URL(page.url()).pathname).toBe('/')
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('caravan.session')))!).user.email).toBe(email)
    await screenshots(page, 'reset-password-done-en')

    expect(await loginStatus(email, 'new password 2')).toBe(200)
    expect(await loginStatus(email, 'old password 1')).toBe(401)

    // The link worked once: opened again (even signed in), it says so and offers a new one.
    await page.goto(link)
    await h1(page, 'Choose a new password').waitFor()
    await page.getByLabel('New password', { exact: true }).fill('another password 4')
    await page.getByLabel('Repeat the new password').fill('another password 4')
    await page.getByRole('button', { name: 'Set password and sign in' }).click()
    await h1(page, 'This link does not work').waitFor()
    await headingFocused(page)
    await page.getByText('It is not valid, it has expired, or it was already used').waitFor()
    await screenshots(page, 'reset-password-used-en')
    await page.getByRole('link', { name: 'Ask for a new link' }).click()
    await h1(page, 'Reset your password').waitFor()
    expect(await loginStatus(email, 'new password 2')).toBe(200)
  })

  it('a link without a token, or a cut one, says at once that it does not work', async () => {
    const page = await newPage('en-GB')
    await page.goto('/reset-password')
    await h1(page, 'This link does not work').waitFor()
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor()
  })

  it('Persian: right to left, the same steps', async () => {
    const email = `nika-${unique()}@example.com`
    await register(email, 'old password 1', 'نیکا', 'fa')
    const page = await newPage('fa-IR')

    await page.goto('/sign-in')
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await h1(page, 'ورود').waitFor()
    await screenshots(page, 'sign-in-forgot-fa')
    await page.getByRole('link', { name: 'گذرواژه را فراموش کرده‌اید؟' }).click()
    await h1(page, 'بازنشانی گذرواژه').waitFor()
    await screenshots(page, 'forgot-password-fa')
    await page.getByLabel('ایمیل').fill(email)
    await page.getByRole('button', { name: 'فرستادن پیوند بازنشانی' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `اگر حسابی از نشانی ${email} استفاده کند، پیوندی برای انتخاب گذرواژهٔ تازه به آن فرستادیم.` })
      .waitFor()
    // The address is one left-to-right piece inside the Persian sentence.
    expect(
      await page
        .locator('main bdi.address')
        .first()
        .evaluate((e) => [e.textContent, e.getAttribute('dir')]),
    ).toEqual([email, 'ltr'])
    await screenshots(page, 'forgot-password-sent-fa')

    await page.goto(await linkSentTo(email))
    await h1(page, 'انتخاب گذرواژهٔ تازه').waitFor()
    await page.getByLabel('گذرواژهٔ تازه', { exact: true }).fill('new password 2')
    await page.getByLabel('تکرار گذرواژهٔ تازه').fill('new password 9')
    await page.getByRole('button', { name: 'ثبت گذرواژه و ورود' }).click()
    await page.getByText('دو گذرواژه یکسان نیستند.').waitFor()
    await screenshots(page, 'reset-password-fa')
    await page.getByLabel('تکرار گذرواژهٔ تازه').fill('new password 2')
    await page.getByRole('button', { name: 'ثبت گذرواژه و ورود' }).click()
    await h1(page, `${iso('نیکا')}، خوش آمدید`).waitFor()
    await page.getByRole('status').filter({ hasText: 'گذرواژهٔ تازهٔ شما ثبت شد و وارد حساب خود شده‌اید.' }).waitFor()
    await screenshots(page, 'reset-password-done-fa')
    expect(await loginStatus(email, 'new password 2')).toBe(200)

    await page.goto('/reset-password?token=expired')
    await page.getByLabel('گذرواژهٔ تازه', { exact: true }).fill('new password 5')
    await page.getByLabel('تکرار گذرواژهٔ تازه').fill('new password 5')
    await page.getByRole('button', { name: 'ثبت گذرواژه و ورود' }).click()
    await h1(page, 'این پیوند کار نمی‌کند').waitFor()
    await page.getByRole('link', { name: 'درخواست پیوند تازه' }).waitFor()
    await screenshots(page, 'reset-password-used-fa')
  })

  it('too many requests: says to wait, in both languages', { timeout: 120_000 }, async () => {
    // Spend this minute's requests for links from this address (the browser's too: both are
    // 127.0.0.1), until a 429 leaves time enough for the steps below; one near the end of its
    // window (begun by the tests before) is waited out.
    const page = await newPage('en-GB')
    await expect
      .poll(
        async () => {
          const response = await fetch(`${server.url}/v1/auth/password-reset`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: `nobody-${unique()}@example.com` }),
          })
          return response.status === 429 && Number(response.headers.get('retry-after')) >= 30
        },
        { timeout: 90_000, interval: 200 },
      )
      .toBe(true)
    await page.goto('/forgot-password')
    await page.getByLabel('Email').fill(`late-${unique()}@example.com`)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page.getByRole('alert').filter({ hasText: 'Too many attempts. Please wait a minute and try again.' }).waitFor()
    expect(await page.getByRole('status').filter({ hasText: 'If an account uses' }).count()).toBe(0)
    await screenshots(page, 'forgot-password-429-en')

    await page.getByLabel('Language').selectOption('fa')
    await page.getByRole('alert').filter({ hasText: 'تلاش‌ها بیش از حد بوده است.' }).waitFor()
    await screenshots(page, 'forgot-password-429-fa')
  })
})
