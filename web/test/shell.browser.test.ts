// The app shell: the console sidebar on a wide screen, the one-row bar and the menu drawer on a
// phone, the keyboard (skip link, "/", Escape, focus back), the account menu and the guest card.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, launchBrowser, pageOpener, screenshot, startServer, type RunningServer } from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const DESKTOP = { width: 1366, height: 900 }
const PHONE = { width: 390, height: 844 }

describe.runIf(chromiumAvailable())('app shell', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let admin: Page

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name })
  const sidebar = (page: Page) => page.locator('.console-sidebar')
  const sections = (scope: Pick<Page, 'getByRole'>) => scope.getByRole('navigation', { name: 'Console sections' })
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement
      return el ? `${el.tagName.toLowerCase()}#${el.id}|${el.getAttribute('aria-label') ?? el.textContent?.trim()}` : null
    })
  async function setLocale(page: Page, locale: 'en' | 'fa') {
    await page.evaluate((l) => localStorage.setItem('caravan.locale', l), locale)
    await page.reload()
    await page.waitForFunction((l) => document.documentElement.lang === l, locale)
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.goto('/sign-in')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-in')
  }

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    admin = await pages.newPage()
    await admin.setViewportSize(DESKTOP)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('shows guest pages as a centred card, on a phone too', async () => {
    const guest = await pages.newPage()
    await guest.setViewportSize(DESKTOP)
    await guest.goto('/sign-in')
    await h1(guest, 'Sign in').waitFor()
    const card = await guest.locator('.shell-guest-card').boundingBox()
    expect(card).not.toBeNull()
    // Centred: as much room on either side (within a pixel).
    expect(Math.abs(card!.x - (DESKTOP.width - card!.x - card!.width))).toBeLessThanOrEqual(1)
    expect(card!.width).toBeLessThan(560)
    await guest.getByRole('link', { name: 'Caravan' }).waitFor()
    await screenshot(guest, 'shell-sign-in-desktop-en')
    await guest.setViewportSize(PHONE)
    for (const locale of ['en', 'fa'] as const) {
      await setLocale(guest, locale)
      for (const path of ['/sign-in', '/sign-up', '/forgot-password']) {
        await guest.goto(path)
        await guest.locator('main h1').waitFor()
        expect(await overflow(guest), `${path} in ${locale}`).toBeLessThanOrEqual(0)
      }
      await guest.goto('/sign-in')
      await guest.locator('main h1').waitFor()
      await screenshot(guest, `shell-sign-in-phone-${locale}`)
    }
  })

  it('marks the current console section on a sub-page, in the sidebar and the main navigation', async () => {
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    await admin.goto('/console/notifications/types/account.welcome')
    await h1(admin, /account\.welcome|Welcome/).waitFor()
    expect(await sections(admin).getByRole('link', { name: 'Notification types' }).getAttribute('aria-current')).toBe('page')
    expect(await sections(admin).locator('[aria-current="page"]').count()).toBe(1)
    expect(await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' }).getAttribute('aria-current')).toBe(
      'page',
    )
    // The sections come in their groups.
    await sections(admin).getByText('Platform').waitFor()
    await sections(admin).getByText('Notifications', { exact: true }).waitFor()
    await screenshot(admin, 'shell-console-desktop-en')
  })

  it('collapses the sidebar to icons and remembers it after a reload', async () => {
    await admin.goto('/console/users')
    await h1(admin, 'Users').waitFor()
    const toggle = admin.getByRole('button', { name: 'Sidebar' })
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const wide = (await sidebar(admin).boundingBox())!.width
    expect(wide).toBeGreaterThan(180)

    await toggle.click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await expect.poll(async () => (await sidebar(admin).boundingBox())!.width).toBeLessThan(80)
    // Icons only, still named for screen readers and still marking the page.
    expect(await sections(admin).getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page')
    await screenshot(admin, 'shell-console-collapsed-en')

    await admin.reload()
    await h1(admin, 'Users').waitFor()
    expect(await admin.getByRole('button', { name: 'Sidebar' }).getAttribute('aria-expanded')).toBe('false')
    expect((await sidebar(admin).boundingBox())!.width).toBeLessThan(80)

    await setLocale(admin, 'fa')
    await h1(admin, 'کاربران').waitFor()
    await screenshot(admin, 'shell-console-collapsed-fa')
    await admin.getByRole('button', { name: 'نوار کناری' }).click()
    await expect.poll(async () => (await sidebar(admin).boundingBox())!.width).toBeGreaterThan(180)
    // In Persian the sidebar is on the right.
    const box = (await sidebar(admin).boundingBox())!
    expect(box.x + box.width).toBeGreaterThan(DESKTOP.width / 2)
    await screenshot(admin, 'shell-console-desktop-fa')
    await setLocale(admin, 'en')
  })

  it('moves focus to the search with "/", and skips to the main content', async () => {
    await admin.goto('/console/users')
    await h1(admin, 'Users').waitFor()
    await admin.keyboard.press('/')
    await expect.poll(() => admin.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('search')
    // Typed in a field, "/" is a character.
    await admin.keyboard.type('a/b')
    await expect.poll(() => admin.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('a/b')

    await admin.goto('/console/users')
    await h1(admin, 'Users').waitFor()
    await admin.keyboard.press('Tab')
    await expect.poll(() => focused(admin)).toBe('a#|Skip to main content')
    await admin.keyboard.press('Enter')
    await expect.poll(() => focused(admin)).toMatch(/^main#main\|/)
    // The next Tab goes on inside the page, past the bar.
    await admin.keyboard.press('Tab')
    await expect.poll(() => admin.evaluate(() => Boolean(document.activeElement?.closest('main')))).toBe(true)
  })

  it('opens the account menu; Escape closes it and focus goes back to its button', async () => {
    await admin.goto('/')
    const button = admin.getByRole('button', { name: 'Account:' })
    await button.click()
    const menu = admin.getByRole('menu')
    for (const name of ['Profile', 'My devices', 'Notification settings', 'Sign out']) await menu.getByRole('menuitem', { name }).waitFor()
    await screenshot(admin, 'shell-account-menu-en')
    await admin.keyboard.press('Escape')
    await menu.waitFor({ state: 'detached' })
    await expect.poll(() => focused(admin)).toMatch(/\|Account:/)

    await button.click()
    await menu.getByRole('menuitem', { name: 'My devices' }).click()
    await h1(admin, 'My devices').waitFor()
  })

  it('between phone and desktop: one row, the menu button for the navigation, the sidebar beside the page', async () => {
    await admin.setViewportSize({ width: 900, height: 900 })
    for (const locale of ['en', 'fa'] as const) {
      await setLocale(admin, locale)
      await admin.goto('/console/users')
      await admin.locator('main h1').waitFor()
      expect((await admin.locator('header').boundingBox())!.height).toBeLessThan(72)
      expect(await overflow(admin)).toBeLessThanOrEqual(0)
      expect(await sidebar(admin).isVisible()).toBe(true)
      expect(await admin.locator('header .bar-nav').isVisible()).toBe(false)
      // The menu button's code comes after the first paint (TopBar): wait for it rather than look once.
      await admin.locator('header .menu-button').waitFor()
      await screenshot(admin, `shell-users-tablet-${locale}`)
    }
    await setLocale(admin, 'en')
  })

  it('just wide enough for the navigation in the bar, it still fits on one row', async () => {
    await admin.setViewportSize({ width: 1280, height: 900 })
    for (const locale of ['en', 'fa'] as const) {
      await setLocale(admin, locale)
      await admin.goto('/console')
      await admin.locator('main h1').waitFor()
      expect(await admin.locator('header .bar-nav').isVisible()).toBe(true)
      expect((await admin.locator('header').boundingBox())!.height).toBeLessThan(72)
      expect(await overflow(admin)).toBeLessThanOrEqual(0)
      await screenshot(admin, `shell-bar-1280-${locale}`)
      // Nothing in the bar is cut off or pushed out of it.
      const cut = await admin.evaluate(() =>
        [...document.querySelectorAll('.shell-bar > *')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className),
      )
      expect(cut).toEqual([])
    }
    await setLocale(admin, 'en')
  })

  it('on a phone: one row, nothing wider than the screen, in English and Persian', async () => {
    await admin.setViewportSize(PHONE)
    for (const locale of ['en', 'fa'] as const) {
      await setLocale(admin, locale)
      for (const path of ['/', '/console', '/console/users', '/console/notifications/types/account.welcome', '/notifications']) {
        await admin.goto(path)
        await admin.locator('main h1').waitFor()
        const header = (await admin.locator('header').boundingBox())!
        expect(header.height, `header height on ${path} in ${locale}`).toBeLessThan(72)
        expect(await overflow(admin), `${path} in ${locale}`).toBeLessThanOrEqual(0)
        // The bell stays in the bar; the sidebar gives way to the drawer.
        expect(await admin.locator('header .bell').isVisible()).toBe(true)
        expect(await sidebar(admin).isVisible()).toBe(false)
      }
      await admin.goto('/')
      await admin.locator('main h1').waitFor()
      await screenshot(admin, `shell-home-phone-${locale}`)
      await admin.goto('/console/users')
      await admin.locator('main h1').waitFor()
      await screenshot(admin, `shell-users-phone-${locale}`)
    }
    await setLocale(admin, 'en')
  })

  it('on a phone the menu button opens the drawer; Escape closes it and focus returns to the button', async () => {
    await admin.goto('/console/notifications/types/account.welcome')
    await admin.locator('main h1').waitFor()
    const menuButton = admin.getByRole('button', { name: 'Menu', exact: true })
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false')
    await menuButton.click()
    const drawer = admin.getByRole('dialog', { name: 'Menu' })
    await drawer.waitFor()
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true')
    expect(await menuButton.getAttribute('aria-controls')).toBe(await drawer.getAttribute('id'))
    // Everything of the bar's wide version is in the drawer, the current places marked.
    expect(await drawer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' }).getAttribute('aria-current')).toBe(
      'page',
    )
    expect(await sections(drawer).getByRole('link', { name: 'Notification types' }).getAttribute('aria-current')).toBe('page')
    for (const name of ['Profile', 'My devices', 'Notification settings']) await drawer.getByRole('link', { name }).waitFor()
    await drawer.getByRole('button', { name: 'Sign out' }).waitFor()
    await drawer.getByLabel('Language').waitFor()
    expect(await overflow(admin)).toBeLessThanOrEqual(0)
    await screenshot(admin, 'shell-drawer-phone-en')

    await admin.keyboard.press('Escape')
    await drawer.waitFor({ state: 'detached' })
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false')
    await expect.poll(() => focused(admin)).toBe('button#|Menu')

    // Following a link closes it, and the new page's heading gets the focus.
    await menuButton.click()
    await drawer.getByRole('link', { name: 'Users' }).click()
    await h1(admin, 'Users').waitFor()
    await drawer.waitFor({ state: 'detached' })
    await expect.poll(() => focused(admin)).toMatch(/^h1#\|Users/)

    // In Persian the drawer opens from the right.
    await setLocale(admin, 'fa')
    await admin.getByRole('button', { name: 'منو', exact: true }).click()
    const drawerFa = admin.getByRole('dialog', { name: 'منو' })
    await drawerFa.waitFor()
    // (Polled: it slides in.)
    await expect.poll(async () => Math.round(((b) => b.x + b.width)((await admin.locator('.drawer').boundingBox())!))).toBe(PHONE.width)
    await screenshot(admin, 'shell-drawer-phone-fa')
    await admin.keyboard.press('Escape')
    await drawerFa.waitFor({ state: 'detached' })
    await setLocale(admin, 'en')
  })
})
