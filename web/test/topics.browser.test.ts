// Topics on the notification settings page: public topics as switches the user turns on and off,
// private subscriptions the host made listed apart (no switch), and a private topic never offered;
// in English and Persian.
import type { Browser, Page } from 'playwright-core'
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
    await page.getByLabel('Password').fill('correct-horse-42')
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

    await dealsSwitch.check()
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
    await faSwitch.uncheck()
    await page
      .getByRole('status')
      .filter({ hasText: `دیگر ${iso('Weekly deals')} را دنبال نمی‌کنید.` })
      .waitFor()
    expect(await following()).toEqual([order])
    await screenshot(page, 'notifications-topics-fa')
    await language('en')
  })
})
