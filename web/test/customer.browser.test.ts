// A customer's path through the app, in English and Persian, against a real server.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accessTokenOf, api, chromiumAvailable, iso, launchBrowser, screenshot, startServer, unique, type RunningServer } from './harness'

describe.runIf(chromiumAvailable())('customer area', () => {
  let server: RunningServer
  let browser: Browser
  let context: BrowserContext
  let page: Page
  const email = `sara-${unique()}@example.com`
  const password = 'correct-horse-42'

  const h1 = (name: string | RegExp) => page.getByRole('heading', { level: 1, name })

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    context = await browser.newContext({
      baseURL: server.url,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      viewport: { width: 1280, height: 800 },
    })
    page = await context.newPage()
    page.setDefaultTimeout(10_000)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('sends signed-out visitors to sign in', async () => {
    await page.goto('/')
    await h1('Sign in').waitFor()
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['en', 'ltr'])
    await screenshot(page, 'sign-in-en')
  })

  it('signs up in English, showing field errors next to their inputs', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click()
    await h1('Create your account').waitFor()
    await page.getByLabel('Name').fill('Sara')
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Password', { exact: true }).fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()

    // The server's field errors land on their fields, and focus on the first of them.
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.name === 'email')
    const emailInput = page.getByLabel('Email')
    expect(await emailInput.getAttribute('aria-invalid')).toBe('true')
    const describedBy = await emailInput.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('Enter a valid email address.')
    await screenshot(page, 'sign-up-errors-en')

    await emailInput.fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await h1(`Welcome, ${iso('Sara')}`).waitFor()
    for (const name of ['Notifications', 'Chat', 'Support', 'Payments & wallet', 'Marketing']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).waitFor()
    }
    expect(await page.getByRole('link', { name: 'Console' }).count()).toBe(0)
    await screenshot(page, 'home-en')
  })

  it('edits the profile', async () => {
    await page.getByRole('button', { name: 'Account:' }).click()
    await page.getByRole('menuitem', { name: 'Profile' }).click()
    await h1('Profile').waitFor()
    await page.getByLabel('Name').fill('Sara Ahmadi')
    await page.getByLabel('Mobile phone').fill('0912')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByText('Use the international format, for example +989121234567.').waitFor()

    await page.getByLabel('Mobile phone').fill('+989121234567')
    const zone = page.getByRole('combobox', { name: 'Time zone' })
    await zone.fill('tehran')
    await page.getByRole('option', { name: /^Tehran \(UTC\+03:30\)/ }).click()
    expect(await zone.inputValue()).toBe('Tehran (UTC+03:30)')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').filter({ hasText: 'Your profile has been saved.' }).waitFor()
    await screenshot(page, 'profile-en')

    await page.getByRole('link', { name: 'Home' }).click()
    await h1(`Welcome, ${iso('Sara Ahmadi')}`).waitFor()
    await page.getByText('+989121234567').waitFor()
    await page.getByText('Asia/Tehran').waitFor()
  })

  it('shows changes made elsewhere live (user.updated over the socket)', async () => {
    const token = await accessTokenOf(page)
    expect((await api(server.url, 'PATCH', '/v1/me', { name: 'Sara A.' }, token)).status).toBe(200)
    await h1(`Welcome, ${iso('Sara A.')}`).waitFor()
  })

  it('lists and removes my devices', async () => {
    const token = await accessTokenOf(page)
    expect((await api(server.url, 'POST', '/v1/me/devices', { kind: 'fcm', token: 'fcm-token-1', label: 'Pixel 8' }, token)).status).toBe(
      201,
    )
    await page.getByRole('button', { name: 'Account:' }).click()
    await page.getByRole('menuitem', { name: 'My devices' }).click()
    await h1('My devices').waitFor()
    await page.getByRole('rowheader', { name: 'Pixel 8' }).waitFor()
    await screenshot(page, 'devices-en')
  })

  it('switches to Persian: right to left, Persian text and font, remembered', async () => {
    await page.getByLabel('Language').selectOption('fa')
    await h1('دستگاه‌های من').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Vazirmatn')
    // The bundled font file loaded from this origin (the CSP allows no other).
    await page.waitForFunction(() => [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Vazirmatn' && f.status === 'loaded'))
    await screenshot(page, 'devices-fa')

    await page.getByRole('button', { name: `حذف ${iso('Pixel 8')}` }).click()
    const confirm = page.getByRole('alertdialog', { name: `${iso('Pixel 8')} حذف شود؟` })
    await confirm.waitFor()
    await screenshot(page, 'devices-remove-fa')
    await confirm.getByRole('button', { name: 'حذف', exact: true }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `${iso('Pixel 8')} حذف شد.` })
      .waitFor()
    await page.getByText('هنوز دستگاهی ندارید.').waitFor()

    await page.reload()
    await h1('دستگاه‌های من').waitFor()
    await page.getByRole('link', { name: 'خانه' }).click()
    await h1(`${iso('Sara A.')}، خوش آمدید`).waitFor()
    await screenshot(page, 'home-fa')
    await page.getByRole('button', { name: 'حساب:' }).click()
    await page.getByRole('menuitem', { name: 'نمایه' }).click()
    await h1('نمایه').waitFor()
    await screenshot(page, 'profile-fa')
    await page.getByRole('navigation', { name: 'اصلی' }).getByRole('link', { name: 'بازاریابی' }).click()
    await h1(`${iso('بازاریابی')}: به‌زودی`).waitFor()
    await screenshot(page, 'coming-soon-fa')
  })

  it('refuses the console to a customer with a translated 403 page', async () => {
    await page.goto('/console/users')
    await h1('دسترسی ممکن نیست').waitFor()
    await screenshot(page, 'forbidden-fa')
    await page.getByLabel('زبان').selectOption('en')
    await h1('Access denied').waitFor()
    await screenshot(page, 'forbidden-en')
    await page.goto('/console')
    await h1('Access denied').waitFor()
    await page.goto('/no-such-page')
    await h1('Page not found').waitFor()
    await screenshot(page, 'not-found-en')
    await page.getByLabel('Language').selectOption('fa')
    await h1('صفحه پیدا نشد').waitFor()
    await screenshot(page, 'not-found-fa')
    await page.getByLabel('زبان').selectOption('en')
  })

  it('signs out and back in', async () => {
    await page.goto('/marketing')
    await h1(`${iso('Marketing')}: coming soon`).waitFor()
    await screenshot(page, 'coming-soon-en')
    await page.getByRole('button', { name: 'Account:' }).click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await h1('Sign in').waitFor()
    expect(await page.evaluate(() => localStorage.getItem('caravan.session'))).toBeNull()

    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password', { exact: true }).fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor()

    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await h1(`Welcome, ${iso('Sara A.')}`).waitFor()

    // Signed out, a protected address leads to sign-in and back to it afterwards.
    await page.getByRole('button', { name: 'Account:' }).click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await h1('Sign in').waitFor()
    await page.goto('/profile')
    await h1('Sign in').waitFor()
    expect(new URL(page.url()).search).toBe('?next=%2Fprofile')
    await page.getByLabel('Language').selectOption('fa')
    await h1('ورود').waitFor()
    await screenshot(page, 'sign-in-fa')
    await page.getByRole('link', { name: 'یک حساب بسازید' }).click()
    await h1('ساخت حساب').waitFor()
    await screenshot(page, 'sign-up-fa')
  })

  it('signs in by keyboard alone: Tab, typing, Space and Enter, no clicks', async () => {
    // Setup only: the language back to English, and the sign-in page a protected address leads to.
    await page.getByLabel('زبان').selectOption('en')
    await page.goto('/sign-in?next=%2Fprofile')
    await h1('Sign in').waitFor()
    const active = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLInputElement | null
        return {
          label: e?.labels?.[0]?.textContent ?? e?.getAttribute('aria-label') ?? e?.textContent ?? null,
          name: e?.getAttribute('name') ?? null,
          invalid: e?.getAttribute('aria-invalid') ?? null,
          focusVisible: e?.matches(':focus-visible') ?? false,
        }
      })

    await page.keyboard.press('Tab')
    expect((await active()).label).toBe('Skip to main content')
    for (let i = 0; i < 15 && (await active()).label !== 'Email'; i++) await page.keyboard.press('Tab')
    expect(await active()).toEqual({ label: 'Email', name: 'email', invalid: null, focusVisible: true })

    // Enter with nothing typed: the first field in error keeps focus and says what is wrong.
    await page.keyboard.press('Enter')
    await page.getByText('Enter a valid email address.').waitFor()
    expect(await active()).toMatchObject({ name: 'email', invalid: 'true' })

    await page.keyboard.type(email)
    await page.keyboard.press('Tab')
    expect(await active()).toMatchObject({ label: 'Password', name: 'password' })
    await page.keyboard.type('wrong-password')
    await page.keyboard.press('Enter')
    await page.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor()

    // Retyped, then shown with the toggle next to it (Space), to check it.
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type(password)
    await page.keyboard.press('Tab')
    expect(await active()).toMatchObject({ label: 'Show password', focusVisible: true })
    await page.keyboard.press('Space')
    const passwordInput = page.locator('input[name="password"]')
    await expect.poll(() => passwordInput.getAttribute('type')).toBe('text')
    expect(await page.getByRole('button', { name: 'Show password' }).getAttribute('aria-pressed')).toBe('true')
    expect(await passwordInput.inputValue()).toBe(password)

    await page.keyboard.press('Tab')
    expect(await active()).toMatchObject({ label: 'Sign in', focusVisible: true })
    await page.keyboard.press('Enter')
    await h1('Profile').waitFor()
  })
})
