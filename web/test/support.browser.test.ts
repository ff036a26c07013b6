// The support desk end to end, two browsers at once: an agent goes online in the console's inbox;
// a customer opens a request in English (with a file) and it appears in the agent's inbox live,
// assigned to them. The agent opens it with the keyboard (j, Enter), adds an internal note, tags
// and a macro, and replies with a canned response inserted by typing "/": the customer sees the
// reply live and never the note. A second request is merged into the first (asked first), and
// its page says replies are closed. The agent solves the ticket with a reply; the customer rates
// it from the notification's link (?rate=1). Then the customer's pages in Persian: right to left,
// Persian digits, Solar Hijri dates. Axe and no sideways scrolling on every screen, at 1366 px and
// at 360 px.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  api,
  choose,
  accessTokenOf,
  chromiumAvailable,
  iso,
  launchBrowser,
  pageOpener,
  startServer,
  unique,
  type RunningServer,
} from './harness'
import { checkScreen } from './screens'

const ADMIN_EMAIL = 'support-desk@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const PASSWORD = 'correct-horse-42'
const NOTE = 'Internal: she is on the old plan, check billing first.'

describe.runIf(chromiumAvailable())('support desk', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  const agent = { id: '', email: `agent-${unique()}@example.com`, name: 'Sara Agent' }
  let agentPage: Page
  let customerPage: Page
  /** The English customer's first ticket. */
  const first = { id: '', number: 0 }

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name })

  const signIn = (locale: 'en-GB' | 'fa-IR', email: string, password: string) => pages.signedIn(locale, email, password)

  async function customer(locale: 'en' | 'fa', name: string): Promise<Page> {
    const email = `customer-${locale}-${unique()}@example.com`
    expect((await api(server.url, 'POST', '/v1/auth/register', { email, password: PASSWORD, name, locale })).status).toBe(201)
    return signIn(locale === 'fa' ? 'fa-IR' : 'en-GB', email, PASSWORD)
  }

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
    // An agent (a role change ends their sessions: they sign in afterwards).
    const made = await api(server.url, 'POST', '/v1/auth/register', {
      email: agent.email,
      password: PASSWORD,
      name: agent.name,
      locale: 'en',
    })
    expect(made.status).toBe(201)
    agent.id = made.body.user.id
    expect((await api(server.url, 'PUT', `/v1/admin/users/${agent.id}/role`, { role: 'agent' }, adminToken)).status).toBe(200)
    // What the admin pages would set up: a canned response with a placeholder, and a macro.
    const canned = { shortcut: 'thanks', title: 'Thank the customer', body: 'Thanks for writing, {{ customer.name }}! We are on it.' }
    expect((await api(server.url, 'POST', '/v1/support/canned-responses', canned, adminToken)).status).toBe(201)
    const macro = { name: 'Escalate', actions: { priority: 'urgent', addTags: ['escalated'] } }
    expect((await api(server.url, 'POST', '/v1/support/macros', macro, adminToken)).status).toBe(201)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('an agent goes online in the inbox; a customer’s new request appears there live, assigned to them', async () => {
    agentPage = await signIn('en-GB', agent.email, PASSWORD)
    await agentPage.goto('/console')
    await agentPage.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Support inbox' }).click()
    await h1(agentPage, 'Support inbox').waitFor()
    expect(await agentPage.getByRole('tab', { name: 'Mine' }).getAttribute('aria-selected')).toBe('true')
    await agentPage.getByText('No tickets here.').waitFor()
    const saved = agentPage.waitForResponse((r) => r.url().endsWith('/v1/support/presence') && r.request().method() === 'PUT')
    await choose(agentPage, 'My status', 'Online')
    expect((await saved).status()).toBe(200)
    await agentPage.getByRole('button', { name: 'Online My status' }).waitFor()

    customerPage = await customer('en', 'Mina Customer')
    // She has an order waiting for payment: the agent's sidebar will show it.
    const order = { amount: '990', currency: 'USD', purpose: { type: 'order', ref: 'A-17' }, returnUrl: `${server.url}/pay/result` }
    expect((await api(server.url, 'POST', '/v1/payments', order, await accessTokenOf(customerPage))).status).toBe(201)
    await customerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click()
    await h1(customerPage, 'Support').waitFor()
    await customerPage.getByText('Support is online.').waitFor()
    await customerPage.getByText('You have not asked for help yet.').waitFor()
    await checkScreen(customerPage, 'support-mine-empty-en')

    await customerPage.getByRole('button', { name: 'New request' }).click()
    const form = customerPage.getByRole('form', { name: 'New request' })
    await form.waitFor()
    // Checked here first: both are required.
    await form.getByRole('button', { name: 'Send request' }).click()
    expect(await form.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true')
    await form.getByLabel('Subject').fill('Cannot log in')
    // Enter starts a new line in the message; it never sends.
    await form.getByLabel('Message').fill('It says my password is wrong.')
    await form.getByLabel('Message').press('Enter')
    await form.getByLabel('Message').pressSequentially('I reset it twice.')
    await choose(form, 'Priority \\(optional\\)', 'High')
    await customerPage.locator('[data-testid="support-files"]').setInputFiles({
      name: 'steps.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('1. open the app\n2. sign in\n'),
    })
    await form.getByText('steps.txt').waitFor()
    await expect.poll(() => form.locator('progress').count()).toBe(0)
    await checkScreen(customerPage, 'support-new-request-en')

    const created = customerPage.waitForResponse((r) => r.url().endsWith('/v1/tickets') && r.request().method() === 'POST')
    await form.getByRole('button', { name: 'Send request' }).click()
    const body = await (await created).json()
    expect(JSON.parse((await created).request().postData()!)).toMatchObject({
      subject: 'Cannot log in',
      body: 'It says my password is wrong.\nI reset it twice.',
      priority: 'high',
      attachmentIds: [expect.any(String)],
    })
    first.id = body.ticket.id
    first.number = body.ticket.number
    await customerPage.waitForURL((url) => url.pathname === `/support/tickets/${first.id}`)
    await h1(customerPage, `${iso(`#${first.number}`)} ${iso('Cannot log in')}`).waitFor()
    await customerPage
      .getByRole('status')
      .filter({ hasText: `Request ${iso(`#${first.number}`)} received.` })
      .waitFor()
    const timeline = customerPage.getByRole('list', { name: 'Timeline' })
    await timeline.getByText('I reset it twice.', { exact: false }).waitFor()
    await timeline.getByRole('button', { name: /steps\.txt/ }).waitFor()
    await checkScreen(customerPage, 'support-ticket-new-en')

    // In the agent's inbox without a reload: theirs, since they are the one online.
    const row = agentPage.getByRole('row', { name: /Cannot log in/ })
    await row.waitFor()
    await row.getByText('Mina Customer').waitFor()
    await row.getByText('High').waitFor()
    await row.getByText(agent.name).waitFor()
    await row.getByText(/First response.*due/).waitFor()
    await checkScreen(agentPage, 'support-inbox-en')
  })

  it('the inbox filters by view, status and tag, and answers the keyboard (?, j, Enter)', async () => {
    const tab = (name: string) => agentPage.getByRole('tab', { name, exact: true })
    await tab('Unassigned').click()
    await agentPage.waitForURL(/view=unassigned/)
    await agentPage.getByText('No tickets here.').waitFor()
    // Arrow keys move between the views.
    await tab('Unassigned').press('ArrowRight')
    await agentPage.waitForURL(/view=all/)
    await agentPage.getByRole('row', { name: /Cannot log in/ }).waitFor()
    await choose(agentPage, 'Status', 'Solved')
    await agentPage.waitForURL(/status=solved/)
    await agentPage.getByText('No tickets match these filters.').waitFor()
    await agentPage.getByRole('button', { name: 'Clear filters' }).click()
    await agentPage.getByRole('row', { name: /Cannot log in/ }).waitFor()
    await agentPage.getByLabel('Tag').fill('nothing-here')
    await agentPage.getByLabel('Tag').press('Enter')
    await agentPage.waitForURL(/tag=nothing-here/)
    await agentPage.getByText('No tickets match these filters.').waitFor()
    await agentPage.getByRole('button', { name: 'Clear filters' }).click()
    await tab('SLA at risk').click()
    await agentPage.getByText('No tickets here.').waitFor()
    await tab('Mine').click()
    await agentPage.getByRole('row', { name: /Cannot log in/ }).waitFor()

    // Shortcuts wait while typing: "j" in the tag field is a letter.
    await agentPage.getByLabel('Tag').press('j')
    expect(await agentPage.getByLabel('Tag').inputValue()).toBe('j')
    await agentPage.getByLabel('Tag').fill('')
    await agentPage.getByRole('heading', { level: 1 }).click()
    // Shift+/ as a person types it (a bare "/" focuses the page's search field).
    await agentPage.keyboard.press('Shift+Slash')
    const help = agentPage.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.getByText('Next ticket in the list').waitFor()
    await checkScreen(agentPage, 'support-shortcuts-en')
    await agentPage.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
    // g then i: to the inbox's list, its first ticket.
    await agentPage.keyboard.press('g')
    await agentPage.keyboard.press('i')
    await expect.poll(() => agentPage.evaluate(() => document.activeElement?.textContent)).toBe('Cannot log in')
    await agentPage.getByRole('heading', { level: 1 }).click()
    await agentPage.keyboard.press('j')
    await expect.poll(() => agentPage.evaluate(() => document.activeElement?.textContent)).toBe('Cannot log in')
    await agentPage.keyboard.press('k')
    await agentPage.keyboard.press('Enter')
    await agentPage.waitForURL((url) => url.pathname === `/console/support/tickets/${first.id}`)
    await h1(agentPage, `${iso(`#${first.number}`)} ${iso('Cannot log in')}`).waitFor()
  })

  it('the agent adds a note, a tag and a macro, and replies with a canned response; the customer sees the reply live, never the note', async () => {
    const page = agentPage
    const timeline = page.getByRole('list', { name: 'Timeline' })
    await timeline.getByText(`Assigned to ${iso('you')} automatically.`).waitFor()
    await timeline.getByRole('button', { name: /steps\.txt/ }).waitFor()
    const details = page.getByRole('complementary', { name: 'Ticket details' })
    await details.getByText('Mina Customer').waitFor()
    await details.getByText('No other tickets.').waitFor()
    const payments = details.getByRole('list').filter({ hasText: '$9.90' })
    await payments.getByText('Awaiting payment').waitFor()
    await details.getByText(/First response.*due/).waitFor()

    // An internal note: the composer and the entry are yellow and say so.
    await page.getByRole('radio', { name: 'Internal note' }).click()
    const box = page.getByLabel('Internal note (agents only)')
    await page.getByRole('button', { name: 'Add note' }).click()
    await page.getByText('Write something first.').waitFor()
    await box.fill(NOTE)
    await page.getByRole('button', { name: 'Add note' }).click()
    const note = timeline.getByRole('listitem').filter({ hasText: NOTE })
    await note.getByText('Internal note', { exact: true }).waitFor()
    expect(await note.evaluate((el) => el.classList.contains('sup-note'))).toBe(true)

    // A tag, then a macro (priority urgent, tag escalated), each a sentence in the timeline.
    await details.getByLabel('Add a tag').fill('Billing')
    await details.getByRole('button', { name: 'Add', exact: true }).click()
    await timeline.getByText(`${iso('You')} added the tag ${iso('billing')}.`).waitFor()
    await details.getByLabel('Add a tag').fill('not a tag')
    await details.getByRole('button', { name: 'Add', exact: true }).click()
    await details.getByText('A tag is one word: letters, digits, - _ or :.').waitFor()
    await details.getByRole('button', { name: 'Apply a macro' }).click()
    await page.getByRole('menuitem', { name: 'Escalate' }).click()
    await timeline.getByText(`${iso('You')} changed the priority from ${iso('High')} to ${iso('Urgent')}.`).waitFor()
    await details.getByRole('button', { name: `Remove the tag ${iso('escalated')}` }).waitFor()
    await choose(details, 'Assignee', 'Unassigned')
    await timeline.getByText(`${iso('You')} left the ticket unassigned.`).waitFor()
    await choose(details, 'Assignee', agent.name)
    await timeline.getByText(`${iso('You')} took the ticket.`).waitFor()

    // A reply: "/tha" opens the canned responses; Enter inserts the one chosen, filled in.
    await page.getByRole('radio', { name: 'Reply' }).click()
    const reply = page.getByLabel('Reply to the customer')
    await reply.fill('Hello! ')
    await reply.press('End')
    await reply.pressSequentially('/tha')
    const menu = page.getByRole('listbox', { name: 'Canned responses' })
    await menu.getByRole('option', { name: /thanks/ }).waitFor()
    expect(await reply.getAttribute('aria-activedescendant')).toBe(await menu.getByRole('option').first().getAttribute('id'))
    await checkScreen(page, 'support-canned-menu-en')
    await reply.press('Escape')
    await menu.waitFor({ state: 'detached' })
    await reply.press('Backspace')
    await reply.pressSequentially('a')
    await menu.waitFor()
    await reply.press('Enter')
    await menu.waitFor({ state: 'detached' })
    await expect.poll(() => reply.inputValue()).toBe('Hello! Thanks for writing, Mina Customer! We are on it.')
    await page.getByRole('button', { name: 'Send reply' }).click()
    await timeline.getByText('Hello! Thanks for writing, Mina Customer! We are on it.').waitFor()
    await expect.poll(() => reply.inputValue()).toBe('')
    await checkScreen(page, 'support-agent-ticket-en')
    // Dark: the note's yellow and the badges keep their contrast.
    await page.emulateMedia({ colorScheme: 'dark' })
    await checkScreen(page, 'support-agent-ticket-dark-en')
    await page.emulateMedia({ colorScheme: 'light' })

    // The customer: the reply live, the note never (not on the page, not in what the API gave it).
    const customerTimeline = customerPage.getByRole('list', { name: 'Timeline' })
    await customerTimeline.getByText('Hello! Thanks for writing, Mina Customer! We are on it.').waitFor()
    expect(await customerPage.getByText(NOTE).count()).toBe(0)
    expect(await customerPage.getByText('Internal note').count()).toBe(0)
    const seen = await api(server.url, 'GET', `/v1/tickets/${first.id}`, undefined, await accessTokenOf(customerPage))
    expect(JSON.stringify(seen.body)).not.toContain(NOTE)

    // The customer answers; the agent hears it live.
    await customerPage.getByRole('button', { name: 'Send reply' }).click()
    await customerPage.getByText('Write your reply first.').waitFor()
    await customerPage.getByLabel('Your reply').fill('Thanks, waiting.')
    await customerPage.getByRole('button', { name: 'Send reply' }).click()
    await customerPage.getByRole('status').filter({ hasText: 'Reply sent.' }).waitFor()
    await timeline.getByText('Thanks, waiting.').waitFor()
    await checkScreen(customerPage, 'support-ticket-reply-en')
  })

  it('merges a second request into the first after asking; the merged one takes no more replies', async () => {
    const token = await accessTokenOf(customerPage)
    const second = await api(server.url, 'POST', '/v1/tickets', { subject: 'Also the app crashes', body: 'On start.' }, token)
    expect(second.status).toBe(201)
    const { id, number } = second.body.ticket

    const page = agentPage
    const details = page.getByRole('complementary', { name: 'Ticket details' })
    // The customer's other ticket shows in the sidebar (the list is read again after the change).
    await details.getByRole('link', { name: 'Also the app crashes' }).waitFor()
    await details.getByLabel('Ticket number').fill(String(first.number))
    await details.getByRole('button', { name: 'Merge…' }).click()
    await details.getByText('Enter the number of another ticket, such as 42.').waitFor()
    // Another customer's ticket, and a number no ticket has: the server refuses, said in the dialog.
    const other = await api(
      server.url,
      'POST',
      '/v1/tickets',
      { subject: 'Someone else', body: 'Hi', requester: { externalId: `crm-${unique()}`, name: 'Reza' } },
      adminToken,
    )
    expect(other.status).toBe(201)
    for (const [n, said] of [
      [other.body.ticket.number, 'These tickets cannot be merged: both must belong to the same customer and still be open.'],
      [99999, `There is no ticket ${iso('#99999')}.`],
    ] as const) {
      await details.getByLabel('Ticket number').fill(String(n))
      await details.getByRole('button', { name: 'Merge…' }).click()
      const refused = page.getByRole('alertdialog')
      await refused.getByRole('button', { name: 'Merge', exact: true }).click()
      await refused.getByRole('alert').filter({ hasText: said }).waitFor()
      await refused.getByRole('button', { name: 'Cancel' }).click()
      await refused.waitFor({ state: 'detached' })
    }
    await details.getByLabel('Ticket number').fill(`#${number}`)
    await details.getByRole('button', { name: 'Merge…' }).click()
    const ask = page.getByRole('alertdialog', { name: `Merge ${iso(`#${number}`)} into ${iso(`#${first.number}`)}?` })
    await ask.waitFor()
    await checkScreen(page, 'support-merge-confirm-en')
    await ask.getByRole('button', { name: 'Merge', exact: true }).click()
    await ask.waitFor({ state: 'detached' })
    const timeline = page.getByRole('list', { name: 'Timeline' })
    await timeline.getByText(`${iso(`#${number}`)} was merged into this ticket.`).waitFor()
    // Its entries moved here.
    await timeline.getByText('On start.').waitFor()

    await customerPage.goto(`/support/tickets/${id}`)
    await h1(customerPage, `${iso(`#${number}`)} ${iso('Also the app crashes')}`).waitFor()
    await customerPage.getByRole('heading', { level: 2, name: 'Replies are closed' }).waitFor()
    await customerPage.getByText(`This request was merged into ${iso(`#${first.number}`)}`, { exact: false }).waitFor()
    expect(await customerPage.getByLabel('Your reply').count()).toBe(0)
    await customerPage.getByRole('link', { name: 'New request' }).waitFor()
    await checkScreen(customerPage, 'support-ticket-merged-en')
    await customerPage.getByRole('link', { name: 'Go to that request' }).click()
    await h1(customerPage, `${iso(`#${first.number}`)} ${iso('Cannot log in')}`).waitFor()
  })

  it('the agent solves it with a reply; the customer rates it from the notification’s link', async () => {
    const reply = agentPage.getByLabel('Reply to the customer')
    await reply.fill('Fixed: your account is on the new plan.')
    await agentPage.getByRole('button', { name: 'Send and solve' }).click()
    await agentPage.getByRole('status').filter({ hasText: 'Reply sent; the ticket is solved.' }).waitFor()
    await agentPage
      .getByRole('list', { name: 'Timeline' })
      .getByText(`${iso('You')} changed the status to ${iso('Solved')}.`)
      .waitFor()

    // Live on the customer's page: solved, and asked for a rating.
    await customerPage.getByText('Fixed: your account is on the new plan.').waitFor()
    await customerPage.getByRole('heading', { level: 2, name: 'How did we do?' }).waitFor()
    await customerPage.getByText('This request is solved: replying opens it again.').waitFor()

    // The notification's link focuses the rating.
    await customerPage.goto(`/support/tickets/${first.id}?rate=1`)
    const choices = customerPage.getByRole('group', { name: 'Your rating' })
    await choices.waitFor()
    await expect.poll(() => customerPage.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('radio')
    await customerPage.getByRole('button', { name: 'Send rating' }).click()
    await customerPage.getByText('Choose a rating first.').waitFor()
    await checkScreen(customerPage, 'support-rate-en')
    await choices.getByRole('radio', { name: `4 · Good` }).check()
    await customerPage.getByLabel('Comment').fill('Quick and kind.')
    await customerPage.getByRole('button', { name: 'Send rating' }).click()
    await customerPage.getByText(`You rated this ${iso('4')} of 5: ${iso('Good')}.`).waitFor()
    await customerPage.getByText('Quick and kind.').waitFor()
    // The form's button had focus and is gone: the rating's heading takes it.
    await expect.poll(() => customerPage.evaluate(() => document.activeElement?.textContent)).toBe('Your rating')
    await checkScreen(customerPage, 'support-rated-en')
    await customerPage.emulateMedia({ colorScheme: 'dark' })
    await checkScreen(customerPage, 'support-rated-dark-en')
    await customerPage.emulateMedia({ colorScheme: 'light' })

    // Their list: solved, updated just now.
    await customerPage.getByRole('link', { name: 'All your requests' }).click()
    await h1(customerPage, 'Support').waitFor()
    const row = customerPage.getByRole('row', { name: /Cannot log in/ })
    await row.getByText('Solved', { exact: true }).waitFor()
    await customerPage
      .getByRole('row', { name: /Also the app crashes/ })
      .getByText('Closed', { exact: true })
      .waitFor()
    await checkScreen(customerPage, 'support-mine-en')

    // r starts a reply; g then i goes back to the inbox.
    await agentPage.getByRole('heading', { level: 1 }).click()
    await agentPage.keyboard.press('r')
    await expect.poll(() => agentPage.evaluate(() => document.activeElement?.id)).toBe(await reply.getAttribute('id'))
    await agentPage.getByRole('heading', { level: 1 }).click()
    await agentPage.keyboard.press('g')
    await agentPage.keyboard.press('i')
    await h1(agentPage, 'Support inbox').waitFor()
    // Mine holds the active ones: the other customer's ticket, not the solved one (it was read again).
    await agentPage.getByRole('row', { name: /Someone else/ }).waitFor()
    await expect.poll(() => agentPage.getByRole('row', { name: /Cannot log in/ }).count()).toBe(0)
  })

  it('the customer’s pages in Persian: right to left, Persian digits, Solar Hijri dates', async () => {
    const page = await customer('fa', 'مینا')
    await page.goto('/support')
    await h1(page, 'پشتیبانی').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await page.getByText('پشتیبانی آنلاین است.').waitFor()
    await page.getByRole('button', { name: 'درخواست جدید' }).click()
    const form = page.getByRole('form', { name: 'درخواست جدید' })
    await form.getByLabel('موضوع').fill('پرداخت انجام نشد')
    await form.getByLabel('پیام').fill('پول از حسابم کم شد ولی سفارش ثبت نشد.')
    await checkScreen(page, 'support-new-request-fa')
    await form.getByRole('button', { name: 'ارسال درخواست' }).click()
    await page.waitForURL(/\/support\/tickets\//)
    const heading = page.getByRole('heading', { level: 1 })
    await expect.poll(() => heading.textContent()).toMatch(/^\u2068#[۰-۹]+\u2069 \u2068پرداخت انجام نشد\u2069$/)
    const year = new Intl.DateTimeFormat('fa-IR', { year: 'numeric', timeZone: 'Asia/Tehran' }).format(new Date())
    const facts = await page.locator('.sup-facts').textContent()
    expect(facts).toContain(year)
    expect(facts).not.toMatch(/[0-9]/)
    await checkScreen(page, 'support-ticket-fa')

    await page.getByRole('link', { name: 'همهٔ درخواست‌های شما' }).click()
    await h1(page, 'پشتیبانی').waitFor()
    const row = page.getByRole('row', { name: /پرداخت انجام نشد/ })
    await row.getByText('باز', { exact: true }).waitFor()
    expect(await row.textContent()).not.toMatch(/[0-9]/)
    await checkScreen(page, 'support-mine-fa')

    // The agent's console in Persian too: the inbox and the ticket, right to left.
    await agentPage.getByLabel('Language').selectOption('fa')
    await h1(agentPage, 'صندوق پشتیبانی').waitFor()
    await agentPage.getByRole('tab', { name: 'همه' }).click()
    await agentPage.getByRole('row', { name: /پرداخت انجام نشد/ }).waitFor()
    await checkScreen(agentPage, 'support-inbox-fa')
    await agentPage.goto(`/console/support/tickets/${first.id}`)
    await agentPage.getByRole('list', { name: 'روند تیکت' }).getByText('یادداشت داخلی', { exact: true }).waitFor()
    await checkScreen(agentPage, 'support-agent-ticket-fa')
  })
})
