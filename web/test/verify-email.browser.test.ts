// E-mail verification through the app, in English and Persian, on a server with
// EMAIL_VERIFICATION=true: sign-up shows "check your inbox", sign-in waits for the link (and can
// ask for a new one), the e-mailed link (read from the dev outbox) signs in and lands home with a
// notice, and a bad link offers a new one.
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
const PHONE = { width: 390, height: 844 }

describe.runIf(chromiumAvailable())('e-mail verification', () => {
  let server: RunningServer
  let browser: Browser
  let adminToken: string
  let pages: ReturnType<typeof pageOpener>
  /** A fresh page (no session, no language choice) in `locale`. */
  const newPage = (locale?: 'en-GB' | 'fa-IR') => pages.newPage(locale)

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD, EMAIL_VERIFICATION: 'true' })
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

  /** Screenshots at desktop width and at a phone's 390 px. */
  async function screenshots(page: Page, name: string) {
    await screenshot(page, name)
    const desktop = page.viewportSize()!
    await page.setViewportSize(PHONE)
    try {
      await screenshot(page, `${name}-390`)
    } finally {
      await page.setViewportSize(desktop)
    }
  }

  /** The newest link to /verify-email e-mailed to `email`, once at least `count` were sent. */
  const linkSentTo = (email: string, count = 1) => emailedLink(server.url, adminToken, email, '/verify-email', count)

  const headingFocused = (page: Page) => page.waitForFunction(() => document.activeElement?.matches('main h1') ?? false)

  it('English: check your inbox, sign-in waits for the link, the link signs in', async () => {
    const page = await newPage('en-GB')
    const email = `sara-${unique()}@example.com`
    const password = 'correct horse 42'

    await page.goto('/sign-up')
    await h1(page, 'Create your account').waitFor()
    await page.getByLabel('Name').fill('Sara')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Create account' }).click()

    await h1(page, 'Check your inbox').waitFor()
    await headingFocused(page)
    await page.getByText(`We sent a link to ${email}.`).waitFor()
    // The address is one left-to-right piece inside the sentence.
    expect(
      await page
        .locator('main bdi.address')
        .first()
        .evaluate((e) => [e.textContent, e.getAttribute('dir')]),
    ).toEqual([email, 'ltr'])
    // A link was just sent: the resend button rests, and says for how long.
    const resend = page.getByRole('button', { name: 'Send a new link' })
    expect(await resend.getAttribute('aria-disabled')).toBe('true')
    const waitId = await resend.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${waitId}"]`).textContent()).toMatch(/^You can ask for another link in \u2068\d+\u2069 seconds\.$/)
    expect(await page.evaluate(() => localStorage.getItem('caravan.session'))).toBeNull()
    await screenshots(page, 'verify-check-inbox-en')

    await page.getByRole('link', { name: 'Back to sign in' }).click()
    await h1(page, 'Sign in').waitFor()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: `Your email address is not confirmed yet. Open the link we sent to ${email}, or ask for a new one.` })
      .waitFor()
    await page.getByRole('button', { name: 'Send a new link' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `A new link is on its way to ${email}.` })
      .waitFor()
    expect(await page.getByRole('button', { name: 'Send a new link' }).getAttribute('aria-disabled')).toBe('true')
    await screenshots(page, 'verify-sign-in-unverified-en')

    // The sign-up e-mail and the one asked for from the sign-in page.
    const link = await linkSentTo(email, 2)
    await page.goto(link)
    await h1(page, `Welcome, ${iso('Sara')}`).waitFor()
    await page.getByRole('status').filter({ hasText: 'Your email address is confirmed. Welcome to Caravan!' }).waitFor()
    // The link is replaced in the history: Back does not spend it again.
    expect(new URL(page.url()).pathname).toBe('/')
    const session = JSON.parse((await page.evaluate(() => localStorage.getItem('caravan.session')))!)
    expect(session.user.email).toBe(email)
    await screenshots(page, 'verify-done-en')

    // The notice belongs to that arrival only.
    await page.getByRole('button', { name: 'Account:' }).click()
    await page.getByRole('menuitem', { name: 'Profile' }).click()
    await h1(page, 'Profile').waitFor()
    await page.getByRole('link', { name: 'Home' }).click()
    await h1(page, `Welcome, ${iso('Sara')}`).waitFor()
    expect(await page.getByText('Your email address is confirmed.').count()).toBe(0)

    // Now signing in works.
    expect((await api(server.url, 'POST', '/v1/auth/login', { email, password })).status).toBe(200)
  })

  it('English: a bad link explains and sends a new one', async () => {
    const page = await newPage('en-GB')
    const email = `reza-${unique()}@example.com`
    expect((await api(server.url, 'POST', '/v1/auth/register', { email, password: 'correct horse 42', locale: 'en' })).status).toBe(201)

    await page.goto('/verify-email?token=not-a-real-token')
    await h1(page, 'This link does not work').waitFor()
    await headingFocused(page)
    await page.getByRole('button', { name: 'Send a new link' }).click()
    await page.getByText('Enter a valid email address.').waitFor()
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Send a new link' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `If ${email} belongs to an account waiting for confirmation, a new link is on its way.` })
      .waitFor()
    await screenshots(page, 'verify-link-failed-en')

    // The link asked for from this page works (the sign-up e-mail was the first).
    await page.goto(await linkSentTo(email, 2))
    await h1(page, 'Welcome').waitFor()
    await page.getByRole('status').filter({ hasText: 'Your email address is confirmed.' }).waitFor()
  })

  it('Persian: right to left, Persian digits, the same steps', async () => {
    const page = await newPage('fa-IR')
    const email = `nika-${unique()}@example.com`
    const password = 'correct horse 42'

    await page.goto('/sign-up')
    await h1(page, 'ساخت حساب').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await page.getByLabel('نام').fill('نیکا')
    await page.getByLabel('ایمیل').fill(email)
    await page.getByLabel('گذرواژه', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'ساخت حساب' }).click()

    await h1(page, 'صندوق ایمیل خود را ببینید').waitFor()
    await headingFocused(page)
    await page.getByText(`پیوندی به ${email} فرستادیم.`).waitFor()
    const resend = page.getByRole('button', { name: 'فرستادن پیوند تازه' })
    const waitId = await resend.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${waitId}"]`).textContent()).toMatch(
      /^تا \u2068[۰-۹]+\u2069 ثانیهٔ دیگر می‌توانید پیوند دیگری بخواهید\.$/,
    )
    await screenshots(page, 'verify-check-inbox-fa')

    await page.getByRole('link', { name: 'بازگشت به صفحهٔ ورود' }).click()
    await h1(page, 'ورود').waitFor()
    await page.getByLabel('ایمیل').fill(email)
    await page.getByLabel('گذرواژه', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'ورود', exact: true }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: `نشانی ایمیل شما هنوز تأیید نشده است. پیوندی را که به ${email} فرستادیم باز کنید` })
      .waitFor()
    await screenshots(page, 'verify-sign-in-unverified-fa')

    await page.goto('/verify-email?token=expired')
    await h1(page, 'این پیوند کار نمی‌کند').waitFor()
    await page.getByLabel('ایمیل').fill(email)
    await page.getByRole('button', { name: 'فرستادن پیوند تازه' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `اگر ${email} از آنِ حسابی در انتظار تأیید باشد` })
      .waitFor()
    await screenshots(page, 'verify-link-failed-fa')

    await page.goto(await linkSentTo(email, 2))
    await h1(page, `${iso('نیکا')}، خوش آمدید`).waitFor()
    await page.getByRole('status').filter({ hasText: 'نشانی ایمیل شما تأیید شد. به کاروان خوش آمدید!' }).waitFor()
    await screenshots(page, 'verify-done-fa')
  })
})
