// The live chat widget end to end, as a site owner would try it: a plain HTML shop page on another
// port (another origin), with hostile CSS of its own, embeds /widget.js with one <script> tag. The
// launcher paints (how long after the page asked for the script is logged, not asserted: two test
// files share two cores here, so a wall-clock budget would fail on the machine's load rather than
// the widget's); a visitor fills the pre-chat form and writes; an agent signed in to the console
// (another browser context) sees the conversation arrive live in the chat list, answers, and the
// visitor sees the answer. Then the page in Persian (right to left, Persian digits), and with no
// agent online the offline form becomes a ticket. Screenshots of every step.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from './a11y'
import { api, chromiumAvailable, launchBrowser, pageOpener, screenshot, startServer, unique, type RunningServer } from './harness'

const ADMIN_EMAIL = 'widget-admin@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const PASSWORD = 'correct-horse-42'

/** The host's page: nothing of Caravan's but the snippet, and CSS that would wreck any widget it reached. */
function shopPage(caravanUrl: string, siteToken: string, locale: 'en' | 'fa') {
  return `<!doctype html>
<html lang="${locale}" dir="${locale === 'fa' ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${locale === 'fa' ? 'فروشگاه' : 'Plain shop'}</title>
<style>
  body { font-family: serif; background: #fffbe6; }
  button { background: #ff00ff !important; font-size: 40px !important; border-radius: 0 !important; }
  * { color: #005a00 !important; }
  div, p, form { display: inline !important; }
</style></head>
<body><h1>${locale === 'fa' ? 'فروشگاه ساده' : 'A plain shop page'}</h1><p>${locale === 'fa' ? 'کالاهای ما' : 'Our goods'}</p>
<script src="${caravanUrl}/widget.js" data-site="${siteToken}" data-locale="${locale}" async></script>
</body></html>`
}

describe.runIf(chromiumAvailable())('live chat widget', () => {
  let server: RunningServer
  let host: Server
  let hostUrl: string
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  let agentToken: string
  let site: { id: string; token: string }
  const agent = { id: '', email: `widget-agent-${unique()}@example.com`, name: 'Sara Agent' }

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    adminToken = (await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).body.accessToken
    const made = await api(server.url, 'POST', '/v1/auth/register', {
      email: agent.email,
      password: PASSWORD,
      name: agent.name,
      locale: 'en',
    })
    agent.id = made.body.user.id
    expect((await api(server.url, 'PUT', `/v1/admin/users/${agent.id}/role`, { role: 'agent' }, adminToken)).status).toBe(200)
    agentToken = (await api(server.url, 'POST', '/v1/auth/login', { email: agent.email, password: PASSWORD })).body.accessToken
    const schedule = { timezone: 'Asia/Tehran', week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]), holidays: [] }
    const team = await api(server.url, 'POST', '/v1/support/teams', { name: 'Live chat', memberIds: [agent.id], schedule }, adminToken)
    expect(team.status).toBe(201)
    // Online by status alone: the agent's console page is opened later in the test.
    expect((await api(server.url, 'PATCH', '/v1/admin/support/settings', { autoOffline: false }, adminToken)).status).toBe(200)
    expect((await api(server.url, 'PUT', '/v1/support/presence', { status: 'online' }, agentToken)).status).toBe(200)

    // The shop: a plain HTTP server on a port of its own.
    let token = ''
    host = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(shopPage(server.url, token, req.url?.startsWith('/fa') ? 'fa' : 'en'))
    })
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
    const created = await api(
      server.url,
      'POST',
      '/v1/support/sites',
      { name: 'Plain shop', allowedOrigins: [hostUrl], teamId: team.body.id },
      adminToken,
    )
    expect(created.status).toBe(201)
    site = created.body.site
    token = site.token
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await new Promise((resolve) => host?.close(resolve))
    await server?.stop()
  })

  /**
   * Opens the shop page, waits for the launcher to paint and logs how long it took: from the moment
   * the page asked for widget.js (the host's own HTML, served here by this test process while it
   * drives the browser, is not the widget's time) and from navigation start.
   */
  async function visit(page: Page, path: string) {
    // A running server has served its script and config before: the measurement is the page's, not
    // a cold start's (a just-started server's first calls, or the first after a presence change,
    // load its caches).
    expect((await fetch(`${server.url}/widget.js`)).status).toBe(200)
    expect((await fetch(`${server.url}/v1/widget/config?site=${site.token}`, { headers: { origin: hostUrl } })).status).toBe(200)
    await page.addInitScript(() => {
      const look = () => {
        const root = document.querySelector('caravan-widget')?.shadowRoot
        const launcher = root?.querySelector('.launcher')
        if (launcher && launcher.getBoundingClientRect().width > 0)
          (window as unknown as { launcherAt: number }).launcherAt = performance.now()
        else requestAnimationFrame(look)
      }
      requestAnimationFrame(look)
    })
    await page.goto(hostUrl + path)
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { launcherAt?: number }).launcherAt), { timeout: 10_000 })
      .toBeDefined()
    const { launcherAt, scriptAt } = await page.evaluate(() => ({
      launcherAt: (window as unknown as { launcherAt: number }).launcherAt,
      scriptAt: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/widget.js'))?.startTime ?? 0,
    }))
    console.info(
      `widget (${path}): launcher painted ${Math.round(launcherAt - scriptAt)} ms after widget.js was asked for, ${Math.round(launcherAt)} ms after navigation started`,
    )
  }

  let visitor: Page
  let agentPage: Page

  it('paints its launcher untouched by the page’s CSS, and a visitor starts a conversation', async () => {
    visitor = await pages.newPage('en-GB')
    await visit(visitor, '/')
    const launcher = visitor.getByRole('button', { name: 'Chat with us' })
    // The host's `button { background: #ff00ff !important }` does not reach into the shadow root.
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgb(255, 0, 255)')
    await screenshot(visitor, 'widget-host-closed')

    await launcher.click()
    const panel = visitor.getByRole('dialog', { name: 'Plain shop' })
    await panel.getByLabel('Name (optional)').fill('Mina Visitor')
    await panel.getByLabel('Email (optional)').fill('mina@example.com')
    await panel.getByRole('button', { name: 'Start chat' }).click()
    const message = panel.getByLabel('Your message')
    await message.fill('Hello! Where is my order #1042?')
    await message.press('Enter')
    await panel.getByRole('log', { name: 'Messages' }).getByText('Hello! Where is my order #1042?').waitFor()
    await expect.poll(() => visitor.getByText(/Sending…|Not sent/).count()).toBe(0)
    await panel.getByRole('log', { name: 'Messages' }).getByText('Hello! Where is my order #1042?').waitFor()
    await expectAccessible(visitor)
    await screenshot(visitor, 'widget-visitor-sent')
    // On a phone the panel takes the whole screen, nothing sideways.
    await visitor.setViewportSize({ width: 390, height: 800 })
    await expectAccessible(visitor)
    await screenshot(visitor, 'widget-visitor-390')
    await visitor.setViewportSize({ width: 1280, height: 800 })
  })

  it('reaches the agent live in the console; the answer reaches the visitor live', async () => {
    agentPage = await pages.signedIn('en-GB', agent.email, PASSWORD)
    await agentPage.goto('/chat')
    // Already there, or arriving live: the support conversation is named for the site and the visitor.
    const row = agentPage.getByRole('link').filter({ hasText: 'Plain shop: Mina Visitor' })
    await row.first().click()
    await agentPage.getByText('Hello! Where is my order #1042?').waitFor()
    const composer = agentPage.getByLabel('Message', { exact: true })
    await composer.fill('Hi Mina, it left our warehouse this morning.')
    await composer.press('Enter')
    await agentPage.getByRole('log').getByText('Hi Mina, it left our warehouse this morning.').waitFor()
    // The visitor is named by the pre-chat form, never by an id.
    expect(await agentPage.getByText(/visitor:/).count()).toBe(0)
    await screenshot(agentPage, 'widget-agent-console')

    const panel = visitor.getByRole('dialog', { name: 'Plain shop' })
    await panel.getByText('Hi Mina, it left our warehouse this morning.').waitFor({ timeout: 15_000 })

    // A message lost on the way is marked, and sent again on request (once: the same clientMessageId).
    let dropNext = true
    const lossy = '**/v1/conversations/*/messages'
    await visitor.route(lossy, (route) => {
      if (dropNext && route.request().method() === 'POST') {
        dropNext = false
        return route.abort()
      }
      return route.continue()
    })
    await panel.getByLabel('Your message').fill('Are you there?')
    await panel.getByLabel('Your message').press('Enter')
    await panel.getByText('Not sent').waitFor()
    await panel.getByRole('button', { name: 'Send again' }).click()
    await agentPage.getByRole('log').getByText('Are you there?').waitFor()
    await expect.poll(() => panel.getByText('Not sent').count()).toBe(0)
    await visitor.unroute(lossy)

    // Typing shows on the visitor's side; a file from the visitor reaches the agent.
    await composer.fill('Let me check the tracking number')
    await panel.getByText('Support is typing…').waitFor()
    await panel
      .locator('input[type="file"]')
      .setInputFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Order 1042, paid.') })
    await panel.getByRole('button', { name: 'Remove receipt.txt' }).waitFor()
    await panel.getByLabel('Your message').fill('Here is my receipt')
    await panel.getByLabel('Your message').press('Enter')
    await agentPage.getByRole('log').getByText('Here is my receipt').waitFor()
    await agentPage.getByRole('log').getByText('receipt.txt').first().waitFor()

    // A long conversation: coming back, the visitor sees the newest 50 messages, and earlier ones on request.
    const desk = await api(server.url, 'GET', '/v1/support/conversations?status=open', undefined, agentToken)
    const conversationId = desk.body.items[0].id
    for (let i = 1; i <= 50; i++) {
      const sent = await api(
        server.url,
        'POST',
        `/v1/conversations/${conversationId}/messages`,
        { clientMessageId: `bulk-${i}`, text: `Update ${i}` },
        agentToken,
      )
      expect(sent.status).toBe(201)
    }
    await visitor.reload()
    await visitor.getByRole('button', { name: /^Chat with us/ }).click()
    await panel.getByRole('button', { name: /Update 50/ }).click()
    const log = panel.getByRole('log', { name: 'Messages' })
    await log.getByText('Update 50', { exact: true }).waitFor()
    expect(await log.getByText('Hello! Where is my order #1042?').count()).toBe(0)
    await log.getByRole('button', { name: 'Earlier messages' }).click()
    await log.getByText('Hello! Where is my order #1042?').waitFor()
    expect(await log.getByRole('button', { name: 'Earlier messages' }).isHidden()).toBe(true)
    await screenshot(visitor, 'widget-visitor-answered')
  })

  it('is escalated from the console’s live chats into a ticket that keeps every message', async () => {
    await agentPage.goto('/console/support/conversations')
    await agentPage.getByRole('heading', { level: 1, name: 'Live chats' }).waitFor()
    // The desk lists it with the pre-chat answers.
    const row = agentPage.getByRole('row').filter({ hasText: 'Mina Visitor' })
    await row.getByText('mina@example.com').waitFor()
    await expectAccessible(agentPage)
    await screenshot(agentPage, 'widget-console-live-chats')
    // Open joins the agent if need be and shows it in the chat view.
    await row.getByRole('button', { name: /^Open/ }).click()
    await agentPage.waitForURL((url) => url.pathname.startsWith('/chat/'))
    await agentPage.getByRole('log').getByText('Update 50', { exact: true }).waitFor()
    await agentPage.goBack()
    await row.getByRole('button', { name: /Escalate to ticket/ }).click()
    const dialog = agentPage.getByRole('dialog')
    await dialog.getByLabel('Subject').fill('Order #1042 tracking')
    await dialog.getByRole('button', { name: /Escalate/ }).click()
    await agentPage.waitForURL((url) => url.pathname.startsWith('/console/support/tickets/'))
    const timeline = agentPage.getByRole('list', { name: 'Timeline' })
    for (const text of ['Hello! Where is my order #1042?', 'Hi Mina, it left our warehouse this morning.', 'Here is my receipt'])
      await timeline.getByText(text).first().waitFor()
    await screenshot(agentPage, 'widget-escalated-ticket')

    // Closed now, with a link to its ticket.
    await agentPage.goto('/console/support/conversations')
    await agentPage.getByRole('tab', { name: 'Closed' }).click()
    await screenshot(agentPage, 'widget-console-closed-chats')
    await agentPage
      .getByRole('link', { name: /^Ticket/ })
      .first()
      .waitFor()

    // The admin finds the site and its embed code in the console.
    const adminPage = await pages.signedIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await adminPage.goto('/console/support/sites')
    await adminPage.getByRole('button', { name: /^Embed code/ }).click()
    await adminPage.getByRole('dialog').getByText(`data-site="${site.token}"`).waitFor()
    await expectAccessible(adminPage)
    await screenshot(adminPage, 'widget-console-sites-embed')
  })

  it('speaks Persian right to left, and with nobody online turns the offline form into a ticket', async () => {
    expect((await api(server.url, 'PUT', '/v1/support/presence', { status: 'offline' }, agentToken)).status).toBe(200)
    const page = await pages.newPage('fa-IR')
    await visit(page, '/fa')
    await page.getByRole('button', { name: 'گفتگو با ما' }).click()
    const panel = page.getByRole('dialog', { name: 'Plain shop' })
    expect(await panel.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
    await panel.getByLabel('ایمیل', { exact: true }).fill('reza@example.com')
    await panel.getByLabel('پیام', { exact: true }).fill('سلام، سفارشم هنوز نرسیده است.')
    await screenshot(page, 'widget-fa-offline-form')
    await panel.getByRole('button', { name: 'فرستادن پیام' }).click()
    const thanks = panel.getByText(/شمارهٔ درخواست شما/)
    await thanks.waitFor()
    // The ticket's number in Persian digits.
    expect(await thanks.textContent()).toMatch(/[۰-۹]+/)
    await expectAccessible(page)
    await screenshot(page, 'widget-fa-offline-thanks')
    const tickets = await api(server.url, 'GET', '/v1/tickets?limit=5', undefined, adminToken)
    expect(tickets.body.items.find((t: { channel: string; subject: string }) => t.channel === 'widget')).toMatchObject({
      subject: 'سلام، سفارشم هنوز نرسیده است.',
    })
  })
})
