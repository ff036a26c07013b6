// Notifications end to end: the welcome item in the bell and the inbox, a notification sent
// through the API arriving live, read/archive/load more, Persian dates and digits, preferences,
// and the console (types, template editor with live fa/en preview, providers, activity, dev
// outbox, rules) in both languages.
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessTokenOf,
  api,
  choose,
  chromiumAvailable,
  iso,
  launchBrowser,
  orderOfWrites,
  screenshot as fullScreenshot,
  startServer,
  unique,
  type RunningServer,
  pageOpener,
} from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

/**
 * The harness's full-page screenshot, with the email previews painted: Chromium captures a
 * sandboxed (out-of-process) frame only while it is inside the viewport, so for pages that have
 * one the viewport is made as tall as the page for the shot.
 */
async function screenshot(page: Page, name: string) {
  const frames = page.locator('iframe')
  const count = await frames.count()
  if (!count) return fullScreenshot(page, name)
  for (let i = 0; i < count; i++) await page.frameLocator('iframe').nth(i).locator('body').waitFor({ state: 'attached' })
  const viewport = page.viewportSize()!
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  await page.setViewportSize({ width: viewport.width, height })
  await page.waitForTimeout(500)
  try {
    await fullScreenshot(page, name)
  } finally {
    await page.setViewportSize(viewport)
  }
}

describe.runIf(chromiumAvailable())('notifications', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  /** A fresh page (no session, no language choice) in `locale`. */
  const newPage = (locale?: 'en-GB' | 'fa-IR') => pages.newPage(locale)
  let customer: Page
  let admin: Page
  let adminToken: string
  let customerId: string
  const email = `nika-${unique()}@example.com`
  const password = 'correct-horse-42'
  const shippedType = `order.shipped_${unique()}`

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name })
  /** The header's bell, by its whole accessible name (the main navigation has a "Notifications" link too). */
  const bell = (page: Page, name: string) => page.locator('header .bar-end').getByRole('link', { name, exact: true })
  /** Switches the UI language with the header's switcher (labelled in the current language). */
  async function language(page: Page, to: 'fa' | 'en') {
    await page.getByLabel(to === 'fa' ? 'Language' : 'زبان', { exact: true }).selectOption(to)
    await page.waitForFunction((lang) => document.documentElement.lang === lang, to)
  }
  /** The kit's number field (its − and + buttons carry the label too). */
  const numberField = (page: Page | Locator, name: string) => page.getByRole('textbox', { name, exact: true })
  /** Sends `type` to the customer as the admin, through the REST API. */
  async function send(type: string, data: Record<string, unknown>) {
    const sent = await api(server.url, 'POST', '/v1/notifications', { type, to: customerId, data }, adminToken)
    expect(sent.status).toBe(202)
  }

  beforeAll(async () => {
    // An SMS provider given in the environment: listed, read-only. Nobody here has a phone, so it sends nothing.
    const NOTIFY_PROVIDERS = JSON.stringify([{ provider: 'kavenegar', config: { apiKey: 'env-key', baseUrl: 'http://127.0.0.1:9' } }])
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD, NOTIFY_PROVIDERS })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    customer = await newPage()
    admin = await newPage()
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('a new customer sees the welcome notification in the bell (1 unread) and the inbox', async () => {
    await customer.goto('/sign-up')
    await customer.getByLabel('Name').fill('Nika')
    await customer.getByLabel('Email').fill(email)
    await customer.getByLabel('Password', { exact: true }).fill(password)
    await customer.getByRole('button', { name: 'Create account' }).click()
    await h1(customer, `Welcome, ${iso('Nika')}`).waitFor()
    customerId = await customer.evaluate(() => JSON.parse(localStorage.getItem('caravan.session')!).user.id)

    await bell(customer, `Notifications, ${iso('1')} unread`).waitFor()
    expect(await customer.locator('.bell .badge').textContent()).toBe('1')
    // The module is no longer "coming soon".
    await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click()
    await h1(customer, 'Notifications').waitFor()
    await customer.getByRole('heading', { level: 3, name: 'Unread: Welcome to Caravan' }).waitFor()
    await customer.getByText('Your account is ready, Nika.', { exact: false }).waitFor()
    await screenshot(customer, 'notifications-inbox-welcome-en')
  })

  it('a notification sent through the API shows up in the badge and the inbox without a reload', async () => {
    const created = await api(
      server.url,
      'POST',
      '/v1/admin/notification-types',
      { key: shippedType, name: 'Order shipped', category: 'transactional', channels: ['in_app'] },
      adminToken,
    )
    expect(created.status).toBe(201)
    for (const [locale, content] of Object.entries({
      en: { title: 'Order {{ orderId }} shipped', body: 'Your order is on its way.', actionUrl: '/notifications' },
      fa: { title: 'سفارش {{ orderId }} فرستاده شد', body: 'سفارش شما در راه است.', actionUrl: '/notifications' },
    })) {
      expect(
        (await api(server.url, 'PUT', `/v1/admin/notification-types/${shippedType}/templates/in_app/${locale}`, { content }, adminToken))
          .status,
      ).toBe(201)
    }

    // A mark on the window: it would be gone after a reload.
    await customer.evaluate(() => {
      ;(window as any).__noReload = true
    })
    await send(shippedType, { orderId: 'A-1001' })
    await bell(customer, `Notifications, ${iso('2')} unread`).waitFor()
    await customer.getByRole('heading', { level: 3, name: 'Unread: Order A-1001 shipped' }).waitFor()
    // Newest first, and announced to screen readers.
    expect(await customer.locator('.inbox-title').first().textContent()).toContain('Order A-1001 shipped')
    await customer
      .getByRole('status')
      .filter({ hasText: `New notification: ${iso('Order A-1001 shipped')}` })
      .waitFor({ state: 'attached' })
    expect(await customer.evaluate(() => (window as any).__noReload)).toBe(true)
    await screenshot(customer, 'notifications-inbox-live-en')
  })

  it('marks read (the badge drops), opens a link, marks all read, archives', async () => {
    await customer.getByRole('button', { name: `Mark as read: “${iso('Order A-1001 shipped')}”` }).click()
    await bell(customer, `Notifications, ${iso('1')} unread`).waitFor()
    // The button is gone; focus stays on the item.
    await customer.waitForFunction(() => document.activeElement?.getAttribute('aria-label')?.startsWith('Archive'))
    await customer.getByRole('heading', { level: 3, name: 'Order A-1001 shipped', exact: true }).waitFor()

    // The welcome item links to the notification settings: opening it marks it read.
    await customer.getByRole('link', { name: 'Welcome to Caravan' }).click()
    await h1(customer, 'Notification settings').waitFor()
    await bell(customer, 'Notifications').waitFor()
    expect(await customer.locator('.bell .badge').count()).toBe(0)

    await send(shippedType, { orderId: 'A-1002' })
    await bell(customer, `Notifications, ${iso('1')} unread`).waitFor()
    await bell(customer, `Notifications, ${iso('1')} unread`).click()
    await h1(customer, 'Notifications').waitFor()
    await customer.getByRole('button', { name: 'Mark all as read' }).click()
    await customer
      .getByRole('status')
      .filter({ hasText: `${iso('1')} marked as read.` })
      .waitFor()
    await bell(customer, 'Notifications').waitFor()

    await customer.getByRole('button', { name: `Archive “${iso('Welcome to Caravan')}”` }).click()
    await customer
      .getByRole('status')
      .filter({ hasText: `“${iso('Welcome to Caravan')}” was archived.` })
      .waitFor()
    // The message is said on the press; the row goes once the pending reads are cancelled (a tick later).
    await expect.poll(() => customer.getByRole('heading', { level: 3, name: 'Welcome to Caravan' }).count()).toBe(0)
    await customer.getByRole('link', { name: 'Archived' }).click()
    await customer.getByRole('heading', { level: 3, name: 'Welcome to Caravan' }).waitFor()
    await screenshot(customer, 'notifications-archived-en')
    await customer.getByRole('link', { name: 'Inbox' }).click()
    await customer.getByRole('heading', { level: 3, name: 'Order A-1002 shipped' }).waitFor()

    // Undo pressed while the archive is still on its way: the server gets the two in that order,
    // so the item stays in the inbox (sent together, the restore could arrive first).
    const itemWrites = '**/v1/me/notifications/*/*'
    const writes = await orderOfWrites(customer, itemWrites, (request) => {
      const action = new URL(request.url()).pathname.split('/').at(-1)!
      return request.method() === 'POST' && ['archive', 'restore'].includes(action) ? action : undefined
    })
    await customer.getByRole('button', { name: `Archive “${iso('Order A-1002 shipped')}”` }).click()
    await customer.getByRole('button', { name: 'Undo', exact: true }).click()
    await customer
      .getByRole('status')
      .filter({ hasText: `“${iso('Order A-1002 shipped')}” is back in the inbox.` })
      .waitFor()
    writes.release()
    await expect.poll(() => writes.log.length).toBe(4)
    await writes.done()
    expect(writes.log).toEqual(['sent archive', 'answered archive', 'sent restore', 'answered restore'])
    await customer.reload()
    await customer.getByRole('heading', { level: 3, name: 'Order A-1002 shipped' }).waitFor()
  })

  it('pages with "Load more" and shows Persian digits and Solar Hijri dates in Persian', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(shippedType, { orderId: `B-${100 + i}` })))
    await bell(customer, `Notifications, ${iso('20')} unread`).waitFor({ timeout: 30_000 })
    await customer.reload()
    await h1(customer, 'Notifications').waitFor()
    // 22 in the inbox (20 + A-1001 + A-1002): the first page has 20.
    await customer.getByText(`${iso('20')} shown`).waitFor()
    await customer.getByRole('button', { name: 'Load more' }).click()
    await customer
      .getByText(`${iso('22')} shown`)
      .waitFor()
      .catch(async (e) => {
        await screenshot(customer, 'debug-load-more')
        throw e
      })
    expect(await customer.getByRole('button', { name: 'Load more' }).count()).toBe(0)

    await language(customer, 'fa')
    await h1(customer, 'اعلان‌ها').waitFor()
    await bell(customer, `اعلان‌ها، ${iso('۲۰')} خوانده‌نشده`).waitFor()
    expect(await customer.locator('.bell .badge').textContent()).toBe('۲۰')
    // An item keeps the language it was rendered in (the account's, English), whatever the UI's.
    await customer.getByRole('heading', { level: 3, name: 'Order B-119 shipped' }).waitFor()
    // A relative time ("اکنون", "۵ دقیقه پیش"), the full date on hover:
    // Solar Hijri (this is 1404 or 1405 in it) with Persian digits, no Latin digit.
    expect(await customer.locator('.inbox-item time').first().textContent()).not.toMatch(/[0-9]/)
    const date = await customer.locator('.inbox-item time').first().getAttribute('title')
    expect(date).toMatch(/۱۴۰[۴-۶]/)
    expect(date).not.toMatch(/[0-9]/)
    await screenshot(customer, 'notifications-inbox-fa')
    await customer.getByRole('link', { name: 'بایگانی' }).click()
    await customer
      .getByRole('heading', { level: 3, name: 'به کاروان خوش آمدید' })
      .waitFor({ state: 'attached' })
      .catch(() => {})
    await screenshot(customer, 'notifications-archived-fa')
    await language(customer, 'en')
  })

  it('saves the preferences, which come back after a reload', async () => {
    await customer.goto('/settings/notifications')
    await h1(customer, 'Notification settings').waitFor()
    // Security is always on: its boxes are ticked and cannot be changed.
    const security = customer.getByRole('checkbox', { name: `${iso('Security')} by ${iso('Email')}` })
    expect(await security.isChecked()).toBe(true)
    expect(await security.isDisabled()).toBe(true)
    await customer
      .getByRole('row', { name: /Security/ })
      .getByText('Always on')
      .waitFor()
    await customer.getByText(`Times are in your time zone, ${iso('Europe/London')}.`).waitFor()

    // Each switch saves at once; quiet hours have their own form and button.
    // The kit's switches and boxes draw over their inputs: a person clicks the label.
    const press = (control: Locator) => control.locator('xpath=ancestor::label[1]').click()
    await press(customer.getByRole('switch', { name: 'SMS' }))
    await customer.getByRole('status').filter({ hasText: 'Your notification settings have been saved.' }).waitFor()
    expect(await customer.getByRole('checkbox', { name: `${iso('Offers and news')} by ${iso('SMS')}` }).isDisabled()).toBe(true)
    await press(customer.getByRole('checkbox', { name: `${iso('Offers and news')} by ${iso('Email')}` }))
    const quiet = customer.getByRole('form', { name: 'Quiet hours' })
    await press(quiet.getByRole('checkbox', { name: 'Hold SMS and push during quiet hours' }))
    for (const [label, time] of [
      ['From', '2230'],
      ['Until', '0715'],
    ]) {
      await quiet.getByRole('group', { name: label, exact: true }).getByRole('spinbutton').first().click()
      await customer.keyboard.type(time)
    }
    await quiet.getByRole('button', { name: 'Save quiet hours' }).click()
    await quiet.getByRole('status').filter({ hasText: 'Your notification settings have been saved.' }).waitFor()
    await screenshot(customer, 'notifications-preferences-en')

    await customer.reload()
    await h1(customer, 'Notification settings').waitFor()
    await customer.getByRole('switch', { name: 'Push' }).waitFor()
    expect(await customer.getByRole('switch', { name: 'SMS' }).isChecked()).toBe(false)
    expect(await customer.getByRole('switch', { name: 'Email' }).isChecked()).toBe(true)
    expect(await customer.getByRole('checkbox', { name: `${iso('Offers and news')} by ${iso('Email')}` }).isChecked()).toBe(false)
    expect(await customer.getByRole('checkbox', { name: `${iso('Offers and news')} by ${iso('Push')}` }).isChecked()).toBe(true)
    expect(await quiet.getByRole('checkbox', { name: 'Hold SMS and push during quiet hours' }).isChecked()).toBe(true)
    expect(await quiet.getByRole('group', { name: 'From', exact: true }).textContent()).toContain('22')
    const stored = await api(
      server.url,
      'GET',
      '/v1/me/notification-preferences',
      undefined,
      await customer.evaluate(() => JSON.parse(localStorage.getItem('caravan.session')!).accessToken),
    )
    expect(stored.body.preferences).toEqual({
      channels: { in_app: true, email: true, sms: false, push: true },
      categories: { marketing: { email: false } },
      quietHours: { start: '22:30', end: '07:15' },
    })

    await language(customer, 'fa')
    await h1(customer, 'تنظیمات اعلان').waitFor()
    await screenshot(customer, 'notifications-preferences-fa')
    await language(customer, 'en')
  })

  it('admin: creates a type and edits its templates with a live fa/en preview and syntax errors next to the field', async () => {
    await admin.goto('/sign-in')
    await admin.getByLabel('Email').fill(ADMIN_EMAIL)
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD)
    await admin.getByRole('button', { name: 'Sign in' }).click()
    await admin.waitForURL((url) => url.pathname !== '/sign-in')
    await admin.goto('/console/notifications')
    await h1(admin, 'Notification types').waitFor()
    await admin.getByRole('link', { name: `Edit templates of ${iso('account.welcome')}` }).waitFor()
    await screenshot(admin, 'console-notification-types-en')

    const key = `promo.spring_${unique()}`
    await admin.getByLabel('Key').fill(key)
    await admin.getByLabel('Name').fill('Spring sale')
    await choose(admin, 'Category', 'Offers and news')
    // The kit's box is drawn over its (visually hidden) input.
    await admin.getByRole('checkbox', { name: 'Email' }).check({ force: true })
    await admin.getByRole('button', { name: 'Create type' }).click()
    await h1(admin, `Templates: ${iso('Spring sale')}`).waitFor()
    expect(new URL(admin.url()).pathname).toBe(`/console/notifications/types/${key}`)

    // A language tab's name says when its draft has unsaved changes: "English (unsaved changes)".
    const tab = (name: string) => admin.getByRole('tab', { name: new RegExp(name) })
    expect(await tab('In-app').getAttribute('aria-selected')).toBe('true')
    expect(await tab('English').getAttribute('aria-selected')).toBe('true')
    const panes = { en: admin.locator('.preview-pane[data-locale="en"]'), fa: admin.locator('.preview-pane[data-locale="fa"]') }
    await admin.getByLabel('Sample data (JSON)').fill('{"percent": 20}')
    await admin.getByLabel('Title').fill('Hello {{ user.name }}')
    await admin.getByLabel('Body', { exact: true }).fill('{{ percent }}% off everything.')
    await panes.en.getByText('Hello Sara').waitFor()
    await panes.en.getByText('20% off everything.').waitFor()
    await panes.fa.getByText(`No ${iso('فارسی')} template yet.`).waitFor()

    // Keyboard: the arrow key moves to the other language tab.
    await tab('English').focus()
    await admin.keyboard.press('ArrowLeft')
    expect(await tab('فارسی').getAttribute('aria-selected')).toBe('true')
    await admin.getByLabel('Title').fill('سلام {{ user.name }}')
    await admin.getByLabel('Body', { exact: true }).fill('{{ percent }}٪ تخفیف روی همه چیز.')
    await panes.fa.getByText('سلام سارا').waitFor()
    // Both languages side by side, each in its own direction.
    expect(await panes.fa.locator('.rendered').getAttribute('dir')).toBe('rtl')
    expect(await panes.en.locator('.rendered').getAttribute('dir')).toBe('ltr')
    await panes.en.getByText('Hello Sara').waitFor()

    // A Liquid syntax error shows next to its field, with its line, while typing.
    const title = admin.getByLabel('Title')
    await title.fill('سلام {% iff %}')
    await admin
      .locator('.field-error')
      .filter({ hasText: /^Syntax error on line .1., column .+\./ })
      .waitFor()
    const describedBy = (await title.getAttribute('aria-describedby'))!
    expect(await title.getAttribute('aria-invalid')).toBe('true')
    expect(await admin.locator(`[id="${describedBy.split(' ').at(-1)}"]`).textContent()).toMatch(/^Syntax error on line .*1.*, column/)
    await panes.fa.getByText('This template has errors:').waitFor()
    await screenshot(admin, 'console-template-error-en')
    // Saved anyway, the server refuses it (422 naming content.title): the error is on the field and focus goes there.
    await admin.getByRole('button', { name: `Save ${iso('فارسی')} version` }).click()
    await admin.waitForFunction(() => document.activeElement?.getAttribute('name') === 'content.title')
    expect(await title.getAttribute('aria-invalid')).toBe('true')
    expect(await admin.getByRole('alert').filter({ hasText: 'Please correct' }).count()).toBe(0)

    await title.fill('سلام {{ user.name }}')
    await admin.getByRole('button', { name: `Save ${iso('فارسی')} version` }).click()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('In-app')} template in ${iso('فارسی')} saved as version ${iso('1')}.` })
      .waitFor()
    await admin
      .getByRole('region', { name: /^Versions/ })
      .getByRole('rowheader', { name: /1/ })
      .waitFor()

    // The email channel: subject, an HTML preview in a sandboxed iframe, and the text version.
    await tab('Email').click()
    // The language chosen stays chosen across channels: back to English.
    expect(await tab('فارسی').getAttribute('aria-selected')).toBe('true')
    await tab('English').click()
    await admin.getByLabel('Subject').fill('Spring sale: {{ percent }}% off')
    await admin.getByLabel('HTML body').fill('<h1>Hi {{ user.name }}</h1><p>Everything is {{ percent }}% off.</p>')
    await admin.getByLabel('Plain-text version').fill('Hi {{ user.name }}, everything is {{ percent }}% off.')
    const frame = panes.en.locator(`iframe[title="Email preview in ${iso('English')}"]`)
    await frame.waitFor()
    expect(await frame.getAttribute('sandbox')).toBe('')
    await panes.en.frameLocator('iframe').getByText('Everything is 20% off.').waitFor()
    await panes.en.getByText('Spring sale: 20% off').waitFor()
    await admin.getByRole('button', { name: `Save ${iso('English')} version` }).click()
    await admin.getByRole('status').filter({ hasText: 'saved as version' }).waitFor()
    await screenshot(admin, 'console-template-editor-en')

    await language(admin, 'fa')
    await h1(admin, `قالب‌ها: ${iso('Spring sale')}`).waitFor()
    await screenshot(admin, 'console-template-editor-fa')
    await language(admin, 'en')

    // The English in-app draft was never saved: leaving through the console's menu asks first; Cancel stays.
    await admin.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Notification types' }).click()
    const ask = admin.getByRole('alertdialog', { name: 'Leave without saving?' })
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await ask.waitFor({ state: 'detached' })
    expect(new URL(admin.url()).pathname).toBe(`/console/notifications/types/${key}`)
    await h1(admin, `Templates: ${iso('Spring sale')}`).waitFor()
    // Reloading gets the browser's own question.
    const asked = new Promise<string>((resolve) =>
      admin.once('dialog', (dialog) => {
        resolve(dialog.type())
        void dialog.accept()
      }),
    )
    await admin.reload()
    expect(await asked).toBe('beforeunload')
    await h1(admin, `Templates: ${iso('Spring sale')}`).waitFor()

    // What a crash does to a send: asked for the channels the type uses (e-mail here, not SMS).
    const settings = admin.getByRole('region', { name: 'Type settings' })
    expect(await settings.getByRole('button', { name: /An SMS cut off by a crash/ }).count()).toBe(0)
    await settings
      .getByRole('button', { name: /^Send again \(same Message-ID: mail apps show it once\)\s+An e-mail cut off by a crash$/ })
      .waitFor()
    await choose(admin, 'An e-mail cut off by a crash', 'Do not send again (it may be lost)')
    await admin.getByRole('listbox').waitFor({ state: 'detached' })
    await settings.getByRole('button', { name: 'Save type' }).click()
    await settings.getByRole('status').filter({ hasText: 'saved' }).waitFor()
    await admin.reload()
    await admin
      .getByRole('region', { name: 'Type settings' })
      .getByRole('button', { name: /^Do not send again \(it may be lost\)\s+An e-mail cut off by a crash$/ })
      .waitFor()

    await language(admin, 'fa')
    await admin.goto('/console/notifications')
    await h1(admin, 'انواع اعلان').waitFor()
    await screenshot(admin, 'console-notification-types-fa')
    await language(admin, 'en')
  })

  it('admin: adds, switches off, reorders, edits and removes a provider', async () => {
    await admin.goto('/console/notifications/providers')
    await h1(admin, 'Providers').waitFor()
    await admin.getByText('No providers: messages on this channel go to the dev outbox.').first().waitFor()
    const envRow = admin.getByRole('region', { name: 'SMS' }).getByRole('row', { name: /Kavenegar/ })
    await envRow.getByText('Server setting').waitFor()
    await envRow.getByText('Set in NOTIFY_PROVIDERS; change it there.').waitFor()
    // Read-only: its connection can be tested, nothing else (nothing listens at its address here).
    expect(await envRow.getByRole('button').count()).toBe(1)
    await envRow.getByRole('button', { name: `Test connection: ${iso('Kavenegar')}` }).click()
    await envRow
      .getByRole('status')
      .filter({ hasText: `${iso('Kavenegar')}: the check failed.` })
      .waitFor()
    await choose(admin, 'Provider', /SMTP server/)
    await admin.getByLabel('Host').fill('smtp.example.com')
    await numberField(admin, 'Port').fill('2525')
    await admin.getByLabel('User name').fill('mailer')
    const pass = admin.getByLabel(/^Password/)
    expect(await pass.getAttribute('type')).toBe('password')
    await pass.fill('s3cret-pass')
    await admin.getByLabel('Sender').fill('Shop <no-reply@example.com>')
    await admin.getByLabel('Turned on').uncheck({ force: true })
    await admin.getByRole('button', { name: 'Add provider' }).click()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('SMTP server')} was added.` })
      .waitFor()
    const row = admin.getByRole('row', { name: /SMTP server/ })
    await row.getByRole('cell', { name: 'Off', exact: true }).waitFor()
    const stored = async () =>
      (await api(server.url, 'GET', '/v1/admin/notification-providers', undefined, adminToken)).body.items.filter(
        (p: { source: string }) => p.source === 'admin',
      )
    expect((await stored())[0].config.pass).toBe('••••••')

    // On, then off at once while the first is still on its way: both show at once, and the server
    // gets them in that order (sent together they could arrive the other way round and leave it on).
    const writes = await orderOfWrites(admin, '**/v1/admin/notification-providers/*', (request) =>
      request.method() === 'PATCH' ? String((request.postDataJSON() as { enabled: boolean }).enabled) : undefined,
    )
    await admin.getByRole('button', { name: `Turn on ${iso('SMTP server')}` }).click()
    await row.getByRole('cell', { name: 'On', exact: true }).waitFor()
    await admin.getByRole('button', { name: `Turn off ${iso('SMTP server')}` }).click()
    await row.getByRole('cell', { name: 'Off', exact: true }).waitFor()
    writes.release()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('SMTP server')} is off.` })
      .waitFor()
    await writes.done()
    expect(writes.log).toEqual(['sent true', 'answered true', 'sent false', 'answered false'])
    expect((await stored())[0].enabled).toBe(false)
    await row.getByRole('cell', { name: 'Off', exact: true }).waitFor()
    await numberField(admin, `Priority of ${iso('SMTP server')}`).fill('5')
    await admin.getByRole('button', { name: `Set Priority of ${iso('SMTP server')}` }).click()
    await admin
      .getByRole('status')
      .filter({ hasText: `Priority of ${iso('SMTP server')} set to ${iso('5')}.` })
      .waitFor()

    // Editing keeps the secret when it is left masked; moving the provider to another host asks for it again.
    await admin.getByRole('button', { name: `Edit ${iso('SMTP server')}` }).click()
    const editForm = admin.getByRole('form', { name: `Edit ${iso('SMTP server')}` })
    expect(await editForm.getByLabel(/^Password/).inputValue()).toBe('••••••')
    await editForm.getByLabel('Host').fill('mail.example.com')
    await editForm.getByRole('button', { name: 'Save changes' }).click()
    await editForm.getByText('Enter this again: the provider now connects to another place.').waitFor()
    await editForm.getByLabel(/^Password/).fill('s3cret-pass')
    await editForm.getByRole('button', { name: 'Save changes' }).click()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('SMTP server')} was saved.` })
      .waitFor()
    const edited = (await stored())[0]
    expect(edited.config).toMatchObject({ host: 'mail.example.com', pass: '••••••', port: 2525 })
    expect(edited.priority).toBe(5)
    await screenshot(admin, 'console-providers-en')
    await language(admin, 'fa')
    await h1(admin, 'سرویس‌دهنده‌ها').waitFor()
    await screenshot(admin, 'console-providers-fa')
    await language(admin, 'en')

    await admin.getByRole('button', { name: `Remove ${iso('SMTP server')}` }).click()
    // Asked first, in a dialog.
    await admin
      .getByRole('alertdialog', { name: `Remove ${iso('SMTP server')}` })
      .getByRole('button', { name: 'Yes, remove' })
      .click()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('SMTP server')} was removed.` })
      .waitFor()
    expect(await stored()).toEqual([])
  })

  it('admin: the activity feed filters deliveries (kept in the URL) and shows their details', async () => {
    await admin.goto('/console/notifications/activity')
    await h1(admin, 'Delivery activity').waitFor()
    await admin.getByRole('status').filter({ hasText: /shown/ }).waitFor()
    // The first admin got a welcome too: the user filter picks the customer's, found by email.
    await admin.getByRole('combobox', { name: 'User' }).fill(email)
    await admin.getByRole('option', { name: new RegExp(email.replace(/[.]/g, '\\.')) }).click()
    await choose(admin, 'Type', 'account.welcome')
    await choose(admin, 'Channel', 'Email')
    const url = new URL(admin.url())
    expect([url.searchParams.get('user'), url.searchParams.get('type'), url.searchParams.get('channel')]).toEqual([
      customerId,
      'account.welcome',
      'email',
    ])
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('1')} shown` })
      .waitFor()
    const row = admin.getByRole('row').filter({ hasText: 'account.welcome' })
    await row.getByText('Delivered').waitFor()
    // The recipient by name, the id on hover.
    await row.getByText('Nika', { exact: true }).waitFor()
    expect(await row.locator(`[title="${customerId}"]`).count()).toBe(1)
    await row.getByRole('button', { name: /^Details of/ }).click()
    const details = admin.getByRole('dialog', { name: /^Details of/ })
    await details.getByText('dev-outbox').first().waitFor()
    await details.getByRole('cell', { name: 'Sent', exact: true }).waitFor()
    await screenshot(admin, 'console-activity-en')
    await admin.keyboard.press('Escape')
    await details.waitFor({ state: 'detached' })

    // A link keeps the view: reloading shows the same filtered list.
    await admin.reload()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso('1')} shown` })
      .waitFor()
    await choose(admin, 'Status', 'Failed')
    await admin.getByText('No deliveries match.').waitFor()
    await admin.getByRole('button', { name: 'Clear filters' }).click()
    await admin.getByRole('status').filter({ hasText: /shown/ }).waitFor()
    expect(new URL(admin.url()).search).toBe('')
    await language(admin, 'fa')
    await h1(admin, 'گزارش تحویل').waitFor()
    await screenshot(admin, 'console-activity-fa')
    await language(admin, 'en')
  })

  it('admin: the dev outbox shows the welcome email', async () => {
    await admin.goto('/console/notifications/outbox')
    await h1(admin, 'Dev outbox').waitFor()
    await admin
      .getByRole('row')
      .filter({ hasText: email })
      .getByRole('button', { name: `Show “${iso('Welcome to Caravan')}”` })
      .click()
    const item = admin.getByRole('dialog', { name: 'Welcome to Caravan' })
    await item.getByRole('heading', { name: 'Welcome to Caravan' }).waitFor()
    await admin
      .frameLocator(`iframe[title="Email: ${iso('Welcome to Caravan')}"]`)
      .first()
      .getByText('Welcome, Nika!')
      .waitFor()
    await item.getByText('Plain-text version').click()
    await item.getByText('Welcome, Nika! Your Caravan account is ready', { exact: false }).waitFor()
    await screenshot(admin, 'console-outbox-en')
    await admin.keyboard.press('Escape')
    await language(admin, 'fa')
    await h1(admin, 'صندوق خروجی آزمایشی').waitFor()
    await screenshot(admin, 'console-outbox-fa')
    await language(admin, 'en')
  })

  it('admin: saves the rate limits and the content filter', async () => {
    await admin.goto('/console/notifications/settings')
    await h1(admin, 'Notification rules').waitFor()
    await numberField(admin, `Per hour: ${iso('Offers and news')} by ${iso('SMS')}`).fill('1')
    await admin.getByLabel('Blocked words').fill('casino\nlottery')
    await admin.getByLabel('Allow links to these domains only').check()
    await admin.getByLabel('Allowed domains').fill('example.com')
    await choose(admin, 'Iranian rial amounts', /In rial/)
    await admin.getByRole('button', { name: 'Save rules' }).click()
    await admin.getByRole('status').filter({ hasText: 'The notification rules have been saved.' }).waitFor()
    await admin.reload()
    await h1(admin, 'Notification rules').waitFor()
    expect(await numberField(admin, `Per hour: ${iso('Offers and news')} by ${iso('SMS')}`).inputValue()).toBe('1')
    expect(await admin.getByLabel('Blocked words').inputValue()).toBe('casino\nlottery')
    expect(await admin.getByLabel('Allowed domains').inputValue()).toBe('example.com')
    const saved = await api(server.url, 'GET', '/v1/admin/notification-settings', undefined, await accessTokenOf(admin))
    expect(saved.body.formats).toEqual({ irr: 'rial' })
    await screenshot(admin, 'console-notification-rules-en')
    await language(admin, 'fa')
    await h1(admin, 'قواعد اعلان').waitFor()
    await screenshot(admin, 'console-notification-rules-fa')
  })
})
