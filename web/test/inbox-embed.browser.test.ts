// The embeddable inbox end to end, as a host product would use it: a plain HTML shop page on
// another port (another origin, allowed by CORS_ORIGINS), with hostile CSS of its own, loads
// /inbox.js and places <caravan-inbox> with its user's signed identity (no Caravan sign-in). A
// notification sent through the API appears live in the badge and the list; mark read drops the
// badge; mark all read, archive, Escape. Then the same in Persian (right to left, Persian digits,
// Solar Hijri dates) at phone width. Screenshots of each.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible, PHONE } from './a11y'
import { api, chromiumAvailable, launchBrowser, pageOpener, screenshot, startServer, unique, type RunningServer } from './harness'

const ADMIN_EMAIL = 'inbox-embed-admin@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const TYPE = 'shop.order_shipped'

/** The host's page: the script, the element in its header, and CSS that would wreck anything it reached. */
function shopPage(caravanUrl: string, locale: 'en' | 'fa', externalId: string, signature: string) {
  return `<!doctype html>
<html lang="${locale}" dir="${locale === 'fa' ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${locale === 'fa' ? 'فروشگاه' : 'Plain shop'}</title>
<style>
  body { font-family: serif; background: #fffbe6; margin: 0; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 8px 16px; background: #fff; }
  button { background: #ff00ff !important; font-size: 40px !important; border-radius: 0 !important; }
  li { list-style: square !important; color: #005a00 !important; }
  caravan-inbox { --caravan-inbox-accent: #7c2d12; }
</style></head>
<body>
<header><strong>${locale === 'fa' ? 'فروشگاه ساده' : 'A plain shop'}</strong>
<caravan-inbox external-id="${externalId}" signature="${signature}" preferences-url="/settings"></caravan-inbox></header>
<main><p>${locale === 'fa' ? 'کالاهای ما' : 'Our goods'}</p></main>
<script>window.unreadCounts = []; document.addEventListener('caravan-inbox:unread', (e) => window.unreadCounts.push(e.detail.count))</script>
<script src="${caravanUrl}/inbox.js" async></script>
</body></html>`
}

describe.runIf(chromiumAvailable())('embeddable inbox', () => {
  let server: RunningServer
  let host: Server
  let hostUrl: string
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  let secret: string
  const sign = (externalId: string) => createHmac('sha256', secret).update(externalId).digest('hex')

  beforeAll(async () => {
    // The shop first: its origin goes into Caravan's CORS_ORIGINS.
    host = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://shop')
      const user = url.searchParams.get('user') ?? ''
      const locale = url.searchParams.get('lang') === 'fa' ? 'fa' : 'en'
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(shopPage(server.url, locale, user, url.searchParams.get('sig') ?? sign(user)))
    })
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD, CORS_ORIGINS: hostUrl })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    adminToken = (await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).body.accessToken
    secret = (await api(server.url, 'POST', '/v1/identity-secrets', {}, adminToken)).body.secret
    const type = await api(
      server.url,
      'POST',
      '/v1/admin/notification-types',
      { key: TYPE, name: 'Order shipped', category: 'transactional', channels: ['in_app'] },
      adminToken,
    )
    expect(type.status).toBe(201)
    const content = {
      en: { title: 'Order {{ orderId }} shipped', body: 'It arrives {{ when }}.', actionUrl: `${hostUrl}/orders/{{ orderId }}` },
      fa: { title: 'سفارش {{ orderId }} فرستاده شد', body: 'به‌زودی می‌رسد.', actionUrl: `${hostUrl}/orders/{{ orderId }}` },
    }
    for (const locale of ['en', 'fa'] as const) {
      const saved = await api(
        server.url,
        'PUT',
        `/v1/admin/notification-types/${TYPE}/templates/in_app/${locale}`,
        { content: content[locale] },
        adminToken,
      )
      expect(saved.status).toBe(201)
    }
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await new Promise((resolve) => host?.close(resolve))
    await server?.stop()
  })

  async function hostUser(locale: 'en' | 'fa') {
    const externalId = `shop-${locale}-${unique()}`
    const made = await api(server.url, 'PUT', `/v1/users/external/${externalId}`, { name: 'Sara', locale }, adminToken)
    expect(made.status).toBe(201)
    return externalId
  }
  async function notify(externalId: string, orderId: string) {
    const sent = await api(
      server.url,
      'POST',
      '/v1/notifications',
      { type: TYPE, to: { externalId }, data: { orderId, when: 'tomorrow' } },
      adminToken,
    )
    expect(sent.status).toBe(202)
  }
  const counts = (page: Page) => page.evaluate(() => (window as unknown as { unreadCounts: number[] }).unreadCounts)

  it('in English: a notification appears live, mark read drops the badge, mark all read, archive, Escape', async () => {
    const user = await hostUser('en')
    const page = await pages.newPage('en-GB')
    await page.goto(`${hostUrl}/?lang=en&user=${user}`)
    const bell = page.getByRole('button', { name: 'Notifications', exact: true })
    await bell.waitFor()
    // The host's `button { background: #ff00ff !important }` does not reach into the shadow root.
    expect(await bell.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgb(255, 0, 255)')
    // Signed in and subscribed: the count was read (0), so the socket is up before the send.
    await expect.poll(() => counts(page)).toEqual([])
    await notify(user, 'A-1001')
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click()
    const panel = page.getByRole('dialog', { name: 'Notifications' })
    const item = panel.getByRole('listitem').filter({ hasText: 'Order A-1001 shipped' })
    await item.waitFor()
    await item.getByText('It arrives tomorrow.').waitFor()
    expect(await item.getByRole('link', { name: /Order A-1001 shipped/ }).getAttribute('href')).toBe(`${hostUrl}/orders/A-1001`)
    expect(await panel.getByRole('link', { name: 'Notification settings' }).getAttribute('href')).toBe(`${hostUrl}/settings`)
    await screenshot(page, 'inbox-embed-open-en')
    await expectAccessible(page)

    await item.getByRole('button', { name: 'Mark as read: Order A-1001 shipped' }).click()
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor()
    // The count may come over the socket before the answer that redraws the item.
    await expect.poll(() => item.getByRole('button', { name: /^Mark as read/ }).count()).toBe(0)
    await expect.poll(() => counts(page)).toEqual([1, 0])

    // Two more, live while the list is open: they come in at the top (in either order: sent at once).
    await notify(user, 'A-1002')
    await notify(user, 'A-1003')
    await page.getByRole('button', { name: 'Notifications, 2 unread' }).waitFor()
    await expect
      .poll(async () => (await panel.getByRole('listitem').allInnerTexts()).map((text) => /A-\d+/.exec(text)?.[0]))
      .toEqual([expect.stringMatching(/^A-100[23]$/), expect.stringMatching(/^A-100[23]$/), 'A-1001'])
    await panel.getByRole('button', { name: 'Mark all as read' }).click()
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor()
    const order = (await panel.getByRole('listitem').allInnerTexts()).map((text) => /A-\d+/.exec(text)![0])
    const following = order[order.indexOf('A-1002') + 1]
    await panel.getByRole('button', { name: 'Archive: Order A-1002 shipped' }).click()
    await expect.poll(() => panel.getByRole('listitem').count()).toBe(2)
    // Focus moved on to the item that followed, so the keyboard continues there.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('caravan-inbox')?.shadowRoot?.activeElement?.textContent))
      .toContain(following)

    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'hidden' })
    await expect
      .poll(() => bell.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el))
      .toBe(true)
    // Read again from the server: what was archived stays archived.
    await page.reload()
    await page.getByRole('button', { name: 'Notifications', exact: true }).click()
    await expect.poll(() => page.getByRole('dialog', { name: 'Notifications' }).getByRole('listitem').count()).toBe(2)
  })

  it('in Persian at phone width: right to left, Persian digits; a wrong signature shows nothing of the user', async () => {
    const user = await hostUser('fa')
    await notify(user, '۲۰۵')
    const page = await pages.newPage('fa-IR')
    await page.setViewportSize(PHONE)
    await page.goto(`${hostUrl}/?lang=fa&user=${user}`)
    await page.getByRole('button', { name: 'اعلان‌ها، ۱ خوانده‌نشده' }).click()
    const panel = page.getByRole('dialog', { name: 'اعلان‌ها' })
    const item = panel.getByRole('listitem').filter({ hasText: 'سفارش ۲۰۵ فرستاده شد' })
    await item.waitFor()
    expect(await panel.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
    // Today's items show the time only, in Persian digits.
    expect(await item.locator('time').textContent()).toMatch(/^[۰-۹]{2}:[۰-۹]{2}$/)
    await screenshot(page, 'inbox-embed-open-fa-phone')
    await expectAccessible(page)
    await item.getByRole('button', { name: 'خوانده شد: سفارش ۲۰۵ فرستاده شد' }).click()
    await page.getByRole('button', { name: 'اعلان‌ها', exact: true }).waitFor()

    // A signature for another user: the exchange is refused and the list says so.
    const stranger = await pages.newPage('fa-IR')
    await stranger.goto(`${hostUrl}/?lang=fa&user=${user}&sig=${sign('someone-else')}`)
    await stranger.getByRole('button', { name: 'اعلان‌ها', exact: true }).click()
    await stranger.getByRole('status').filter({ hasText: 'هویت شما تأیید نشد' }).waitFor()
    expect(await stranger.getByRole('listitem').count()).toBe(0)
  })
})
