// Topics on the notification settings page: public topics as switches the user turns on and off,
// private subscriptions the host made listed apart (no switch), and a private topic never offered;
// in English and Persian. A refused change puts the switch back and offers to try again.
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, chromiumAvailable, iso, launchBrowser, screenshot, startServer, unique, type RunningServer } from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

describe.runIf(chromiumAvailable())('topics on the notification settings page', () => {
  let server: RunningServer
  let browser: Browser
  let page: Page
  let adminToken: string
  let userId: string
  let token: string
  const deals = `deals-${unique()}`
  const order = `order-${unique()}`
  const hidden = `hidden-${unique()}`

  const h1 = (name: string) => page.getByRole('heading', { level: 1, name })
  async function language(to: 'fa' | 'en') {
    await page.getByLabel(to === 'fa' ? 'Language' : 'زبان', { exact: true }).selectOption(to)
    await page.waitForFunction((lang) => document.documentElement.lang === lang, to)
  }
  /** Presses a switch where a user does: on its label (the input itself is visually hidden under it). */
  const press = (control: Locator) => control.locator('xpath=ancestor::label[1]').click()
  const following = async () =>
    (await api(server.url, 'GET', '/v1/me/topics', undefined, token)).body.items.map((t: { key: string }) => t.key).sort()

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    adminToken = (await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).body.accessToken
    const topic = (key: string, name: string, visibility?: 'public') =>
      api(server.url, 'POST', '/v1/topics', { key, name, ...(visibility ? { visibility } : {}) }, adminToken)
    expect((await topic(deals, 'Weekly deals', 'public')).status).toBe(201)
    expect((await topic(order, 'Order 42 updates')).status).toBe(201)
    expect((await topic(hidden, 'Internal list')).status).toBe(201)

    const context = await browser.newContext({ baseURL: server.url, locale: 'en-GB', timezoneId: 'Europe/London' })
    page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await page.goto('/sign-up')
    await page.getByLabel('Name').fill('Dara')
    await page.getByLabel('Email').fill(`dara-${unique()}@example.com`)
    await page.getByLabel('Password', { exact: true }).fill('correct-horse-42')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-up')
    ;({ userId, token } = await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('caravan.session')!)
      return { userId: session.user.id as string, token: session.accessToken as string }
    }))
    // The host puts the user in a private topic (an order's updates).
    expect((await api(server.url, 'POST', `/v1/topics/${order}/subscribers`, { users: [userId] }, adminToken)).status).toBe(204)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('follows and leaves a public topic with its switch; lists private subscriptions apart', async () => {
    await page.goto('/settings/notifications')
    await h1('Notification settings').waitFor()
    const topics = page.getByRole('region', { name: 'Topics' })
    const dealsSwitch = topics.getByRole('switch', { name: 'Weekly deals' })
    expect(await dealsSwitch.isChecked()).toBe(false)
    // Private topics are never offered as switches; the one the host put me in is listed.
    expect(await topics.getByRole('switch', { name: 'Internal list' }).count()).toBe(0)
    expect(await topics.getByRole('switch', { name: 'Order 42 updates' }).count()).toBe(0)
    await topics.getByRole('heading', { name: 'Subscribed for you' }).waitFor()
    await topics.getByText('Order 42 updates').waitFor()
    expect(await topics.getByText('Internal list').count()).toBe(0)

    await press(dealsSwitch)
    await expect.poll(() => dealsSwitch.isChecked()).toBe(true)
    await page
      .getByRole('status')
      .filter({ hasText: `You now follow ${iso('Weekly deals')}.` })
      .waitFor()
    expect(await following()).toEqual([deals, order].sort())
    await screenshot(page, 'notifications-topics-en')

    await language('fa')
    await h1('تنظیمات اعلان').waitFor()
    const faTopics = page.getByRole('region', { name: 'موضوع‌ها' })
    await faTopics.getByRole('heading', { name: 'عضویت‌هایی که برای شما ایجاد شده' }).waitFor()
    const faSwitch = faTopics.getByRole('switch', { name: 'Weekly deals' })
    expect(await faSwitch.isChecked()).toBe(true)
    await press(faSwitch)
    await expect.poll(() => faSwitch.isChecked()).toBe(false)
    await page
      .getByRole('status')
      .filter({ hasText: `دیگر ${iso('Weekly deals')} را دنبال نمی‌کنید.` })
      .waitFor()
    expect(await following()).toEqual([order])
    await screenshot(page, 'notifications-topics-fa')
    // The quiet hours' times are typed in Persian digits too (22:00 unless changed).
    const from = await page.getByRole('group', { name: 'از', exact: true }).textContent()
    expect(from).toContain('۲۲:۰۰')
    expect(from).not.toMatch(/[0-9]/)
    await language('en')
  })

  it('puts a switch back when the server refuses, and offers to try again', async () => {
    await page.goto('/settings/notifications')
    const topics = page.getByRole('region', { name: 'Topics' })
    const dealsSwitch = topics.getByRole('switch', { name: 'Weekly deals' })
    await dealsSwitch.waitFor({ state: 'attached' })
    expect(await dealsSwitch.isChecked()).toBe(false)

    const follows = '**/v1/me/topics/*'
    await page.route(follows, (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }),
          })
        : route.fallback(),
    )
    await press(dealsSwitch)
    const alert = topics.getByRole('alert').filter({ hasText: `Following ${iso('Weekly deals')} could not be changed` })
    await alert.waitFor()
    expect(await dealsSwitch.isChecked()).toBe(false)
    expect(await following()).toEqual([order])
    await screenshot(page, 'notifications-topics-failed-en')

    await page.unroute(follows)
    await alert.getByRole('button', { name: 'Try again' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `You now follow ${iso('Weekly deals')}.` })
      .waitFor()
    await alert.waitFor({ state: 'detached' })
    expect(await dealsSwitch.isChecked()).toBe(true)
    expect(await following()).toEqual([deals, order].sort())
  })

  it('saves a switch at once, and quiet hours with their own button after checking them', async () => {
    const stored = async () => (await api(server.url, 'GET', '/v1/me/notification-preferences', undefined, token)).body.preferences
    await page.goto('/settings/notifications')
    await h1('Notification settings').waitFor()
    await press(page.getByRole('switch', { name: 'SMS' }))
    await page.getByRole('status').filter({ hasText: 'Your notification settings have been saved.' }).waitFor()
    expect(await page.getByRole('checkbox', { name: `${iso('Offers and news')} by ${iso('SMS')}` }).isDisabled()).toBe(true)
    await press(page.getByRole('checkbox', { name: `${iso('Offers and news')} by ${iso('Email')}` }))
    await expect.poll(async () => (await stored()).categories).toEqual({ marketing: { email: false } })
    expect((await stored()).channels.sms).toBe(false)

    // The times are typed segment by segment; the same start and end is refused before sending.
    const quiet = page.getByRole('form', { name: 'Quiet hours' })
    await press(quiet.getByRole('checkbox', { name: 'Hold SMS and push during quiet hours' }))
    const type = async (label: string, time: string) => {
      await quiet.getByRole('group', { name: label, exact: true }).getByRole('spinbutton').first().click()
      await page.keyboard.type(time)
    }
    await type('From', '2230')
    await type('Until', '2230')
    await quiet.getByRole('button', { name: 'Save quiet hours' }).click()
    await quiet.getByText('The start and end times must differ.').waitFor()
    expect((await stored()).quietHours).toBeNull()

    await type('Until', '0715')
    await quiet.getByRole('button', { name: 'Save quiet hours' }).click()
    await quiet.getByRole('status').filter({ hasText: 'Your notification settings have been saved.' }).waitFor()
    expect(await stored()).toEqual({
      channels: { in_app: true, email: true, sms: false, push: true },
      categories: { marketing: { email: false } },
      quietHours: { start: '22:30', end: '07:15' },
    })
    await screenshot(page, 'notifications-preferences-saved-en')
  })
})
