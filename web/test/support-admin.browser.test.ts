// The support desk's setup pages and its dashboard, end to end against a real server: an admin
// creates a team with business hours (a bad interval comes back from the server as an error on
// that very time field; the fixed week saves), sets an agent's capacity, SLA targets, a canned
// response (a taken shortcut and a broken placeholder said on their fields) and a macro; tickets
// created by a customer and solved by the admin through the API show on the dashboard (cards,
// charts, the groups table) and in its CSV. Persian: Saturday first, Solar Hijri, Persian digits,
// right to left. An agent reaches the dashboard and canned responses only. Axe and no sideways
// scrolling on every screen, at 1366 px and at 360 px.
import { readFileSync } from 'node:fs'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from './a11y'
import { checkScreen, settled, shot } from './screens'
import { api, choose, chromiumAvailable, dayName, iso, launchBrowser, pageOpener, startServer, unique, type RunningServer } from './harness'

const ADMIN_EMAIL = 'support-admin@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const PASSWORD = 'correct-horse-42'
const TICKETS = 3
const SOLVED = 2

describe.runIf(chromiumAvailable())('support desk setup and analytics', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  const agent = { id: '', email: `agent-${unique()}@example.com`, name: 'Sara Agent' }

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name })
  /** The per-day table's row for a day, by its header. */
  const dayRow = (table: Locator, day: string) =>
    table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name: day, exact: true }) })
  /** When the dashboard test made its tickets; the Persian test reads them too. */
  let ticketsMadeAt: Date
  // The kit's switches and boxes draw over their inputs: a person clicks the label.
  const press = (control: Locator) => control.locator('xpath=ancestor::label[1]').click()

  /** Types `digits` into a time or date field, from its first segment (React Aria moves on by itself). */
  async function typeInto(page: Page, field: Locator, digits: string) {
    await field.getByRole('spinbutton').first().click()
    await page.keyboard.type(digits)
  }

  const signIn = (locale: 'en-GB' | 'fa-IR', email: string, password: string) =>
    pages.signedIn(locale, email, password, locale === 'fa-IR' ? 'fa' : undefined)

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
    // An agent to put in a team (a role change ends their sessions: they sign in afterwards).
    const made = await api(server.url, 'POST', '/v1/auth/register', {
      email: agent.email,
      password: PASSWORD,
      name: agent.name,
      locale: 'en',
    })
    expect(made.status).toBe(201)
    agent.id = made.body.user.id
    expect((await api(server.url, 'PUT', `/v1/admin/users/${agent.id}/role`, { role: 'agent' }, adminToken)).status).toBe(200)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('an admin creates a team with business hours: the server refuses a bad interval on its field, the fixed week saves', async () => {
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console')
    const nav = page.getByRole('navigation', { name: 'Console sections' })
    await nav.getByText('Support desk setup').waitFor()
    await nav.getByRole('link', { name: 'Teams and agents' }).click()
    await h1(page, 'Teams and agents').waitFor()
    // The default team is there from the first start.
    await page
      .getByRole('row', { name: /Support/ })
      .getByText('Default')
      .waitFor()

    await page.getByRole('button', { name: 'New team' }).click()
    const editor = page.getByRole('form', { name: 'New team' })
    await editor.waitFor()
    // Focus moves into the editor: its heading.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('New team')
    const team = `Billing ${unique()}`
    await editor.getByLabel('Team name').fill(team)
    await editor.getByLabel('Support email address').fill('not an address')
    await press(editor.getByRole('checkbox', { name: new RegExp(agent.name) }))
    // The week starts on Monday in British English.
    const days = editor.getByRole('list', { name: 'Working week' })
    const switches = days.locator('.sadmin-day-switch')
    expect(await switches.first().textContent()).toBe('Monday')
    expect(await switches.last().textContent()).toContain('Sunday')

    // Monday from 18:00 until 17:00: the client lets it go, the server names the field.
    const monday = editor.getByRole('group', { name: `${iso('Monday')}, hours ${iso('1')}` })
    await typeInto(page, monday.getByRole('group', { name: 'From', exact: true }), '1800')
    await editor.getByRole('button', { name: 'Create team' }).click()
    // The address is checked here first.
    await editor.getByText('Enter a valid email address.').waitFor()
    await editor.getByLabel('Support email address').fill(`billing-${unique()}@example.com`)
    const sent = page.waitForResponse((r) => r.url().endsWith('/v1/support/teams') && r.request().method() === 'POST')
    await editor.getByRole('button', { name: 'Create team' }).click()
    const refused = await sent
    expect(refused.status()).toBe(400)
    expect((await refused.json()).errors[0].field).toBe('body.schedule.week.1.0.end')
    await monday.getByText('End after the start (00:00 means midnight).').waitFor()
    expect(await monday.getByRole('group', { name: 'Until', exact: true }).locator('[aria-invalid="true"]').count()).toBeGreaterThan(0)
    // Focus went to the field in error: the end's first segment.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('[role="group"][aria-label^="\u2068Monday"]') !== null))
      .toBe(true)
    await checkScreen(page, 'support-team-error-en')

    // Fixed: Monday 08:00–17:00; Thursday gets afternoon hours; Friday opens until midnight;
    // Sunday closes; a holiday on 1 January 2030.
    await typeInto(page, monday.getByRole('group', { name: 'From', exact: true }), '0800')
    await editor.getByRole('button', { name: `Add hours: ${iso('Thursday')}` }).click()
    await editor.getByRole('group', { name: `${iso('Thursday')}, hours ${iso('2')}` }).waitFor()
    await press(days.getByRole('switch', { name: 'Friday' }))
    await typeInto(
      page,
      editor.getByRole('group', { name: `${iso('Friday')}, hours ${iso('1')}` }).getByRole('group', { name: 'Until', exact: true }),
      '0000',
    )
    await press(days.getByRole('switch', { name: 'Sunday' }))
    await editor.getByRole('button', { name: `Add hours: ${iso('Wednesday')}` }).click()
    await editor.getByRole('button', { name: `Remove: ${iso('Wednesday')}, hours ${iso('2')}` }).click()
    await typeInto(page, editor.getByRole('group', { name: 'Holiday to add' }), '01012030')
    await editor.getByRole('button', { name: 'Add holiday' }).click()
    await editor.getByRole('button', { name: `Remove: ${iso('1 Jan 2030')}` }).waitFor()
    await editor.getByRole('button', { name: 'Create team' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Team ${iso(team)} created.` })
      .waitFor()
    await page.getByRole('row', { name: new RegExp(`^${team}`) }).waitFor()

    const teams = await api(server.url, 'GET', '/v1/support/teams', undefined, adminToken)
    const saved = teams.body.items.find((x: { name: string }) => x.name === team)
    expect(saved.memberIds).toEqual([agent.id])
    expect(saved.schedule.week[1]).toEqual([{ start: '08:00', end: '17:00' }])
    expect(saved.schedule.week[4]).toEqual([
      { start: '09:00', end: '13:00' },
      { start: '14:00', end: '17:00' },
    ])
    expect(saved.schedule.week[5]).toEqual([{ start: '09:00', end: '24:00' }])
    expect(saved.schedule.week[0]).toEqual([])
    expect(saved.schedule.holidays).toEqual(['2030-01-01'])

    // Editing shows what was saved; a name another team has is refused on the name.
    await page.getByRole('button', { name: `Edit: ${iso(team)}` }).click()
    const edit = page.getByRole('form', { name: `Edit ${iso(team)}` })
    await edit.getByRole('group', { name: `${iso('Thursday')}, hours ${iso('2')}` }).waitFor()
    await edit.getByLabel('Team name').fill('Support')
    await edit.getByRole('button', { name: 'Save team' }).click()
    await edit.getByText('Another team has this name or email address.').waitFor()
    await edit.getByRole('button', { name: 'Cancel' }).click()
    await edit.waitFor({ state: 'detached' })

    // The agent's capacity.
    const agents = page.getByRole('region', { name: 'Agents’ capacity' }).first()
    const row = agents.getByRole('row', { name: new RegExp(agent.name) })
    await row.getByText(`${iso('0')} of ${iso('10')}`).waitFor()
    await row.getByRole('textbox', { name: `Capacity of ${iso(agent.name)}` }).fill('4')
    await row.getByRole('button', { name: `Save capacity: ${iso(agent.name)}` }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `${iso(agent.name)} now takes at most 4 active tickets.` })
      .waitFor()
    await row.getByText(`${iso('0')} of ${iso('4')}`).waitFor()
    await checkScreen(page, 'support-teams-en')
  })

  it('SLA targets are typed as hours:minutes, empty for none, and saved', async () => {
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/support/settings')
    await h1(page, 'Support settings').waitFor()
    const urgent = page.getByRole('group', { name: 'Urgent' })
    const low = page.getByRole('group', { name: 'Low' })
    expect(await urgent.getByLabel('First response').inputValue()).toBe('1:00')
    await urgent.getByLabel('First response').fill('half an hour')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await urgent.getByText('Write hours and minutes, such as 8 or 8:30.').waitFor()
    await urgent.getByLabel('First response').fill('0:30')
    await low.getByLabel('Next response').fill('')
    await page.getByRole('textbox', { name: 'Warn before a breach, in minutes' }).fill('45')
    await press(page.getByRole('switch', { name: 'Away when the console is closed' }))
    await page.getByRole('button', { name: 'Save settings' }).click()
    await page.getByRole('status').filter({ hasText: 'Support settings saved.' }).waitFor()
    const stored = await api(server.url, 'GET', '/v1/admin/support/settings', undefined, adminToken)
    expect(stored.body.sla.urgent.firstResponse).toBe(30)
    expect(stored.body.sla.low.nextResponse).toBeNull()
    expect(stored.body.slaWarnMinutes).toBe(45)
    expect(stored.body.autoOffline).toBe(false)
    await checkScreen(page, 'support-settings-en')
  })

  it('canned responses: a broken placeholder and a taken shortcut are said on their fields; search, edit, delete', async () => {
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/support/canned')
    await h1(page, 'Canned responses').waitFor()
    await page.getByText('No canned responses yet.').waitFor()

    await page.getByRole('button', { name: 'New canned response' }).click()
    let dialog = page.getByRole('dialog', { name: 'New canned response' })
    await dialog.getByText('{{ customer.name }}').waitFor()
    await dialog.getByLabel('Shortcut').fill('/thanks')
    await dialog.getByLabel('Title').fill('Thank you')
    await dialog.getByLabel('Text').fill('Thanks {{ customer.name, we are on it.')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await dialog.getByText(/^A placeholder is not written correctly\. The template engine says: /).waitFor()
    await dialog.getByLabel('Text').fill('Thanks {{ customer.name }}, ticket #{{ ticket.number }} is with {{ agent.name }}.')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Canned response ${iso('/thanks')} created.` })
      .waitFor()

    await page.getByRole('button', { name: 'New canned response' }).click()
    dialog = page.getByRole('dialog', { name: 'New canned response' })
    await dialog.getByLabel('Shortcut').fill('thanks')
    await dialog.getByLabel('Title').fill('Again')
    await dialog.getByLabel('Text').fill('Hello')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await dialog.getByText(`The shortcut ${iso('/thanks')} is taken. Choose another.`).waitFor()
    await dialog.getByLabel('Shortcut').fill('refund-policy')
    await dialog.getByLabel('Title').fill('Refunds')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('row', { name: /refund-policy/ }).waitFor()

    await page.getByLabel('Search by shortcut or title').fill('thank')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.waitForURL(/q=thank/)
    await expect.poll(() => page.getByRole('row', { name: /refund-policy/ }).count()).toBe(0)
    await page.getByRole('row', { name: /thanks/ }).waitFor()
    await checkScreen(page, 'support-canned-en')

    await page.getByRole('button', { name: `Edit: ${iso('/thanks')}` }).click()
    dialog = page.getByRole('dialog', { name: `Edit ${iso('/thanks')}` })
    await dialog.getByLabel('Title').fill('Thank you kindly')
    await shot(page, 'support-canned-dialog-en')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('row', { name: /Thank you kindly/ }).waitFor()
    await page.getByRole('button', { name: `Delete: ${iso('/thanks')}` }).click()
    const confirm = page.getByRole('alertdialog', { name: `Delete ${iso('/thanks')}?` })
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Canned response ${iso('/thanks')} deleted.` })
      .waitFor()
    await page.getByText('No canned response matches.').waitFor()
  })

  it('macros: one must change something; status and tags saved, edited, deleted', async () => {
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/support/macros')
    await h1(page, 'Macros').waitFor()
    await page.getByRole('button', { name: 'New macro' }).click()
    const dialog = page.getByRole('dialog', { name: 'New macro' })
    await dialog.getByLabel('Name').fill('Close as billing')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await dialog.getByText('A macro must change something: choose a status, a priority or tags.').waitFor()
    await choose(dialog, 'Set the status', 'Solved')
    await dialog.getByLabel('Add tags').fill('Billing, vip!')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await dialog.getByText('Tags are words of letters, digits, - _ or : (at most 50 characters each).').waitFor()
    await dialog.getByLabel('Add tags').fill('Billing, vip')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Macro ${iso('Close as billing')} created.` })
      .waitFor()
    const row = page.getByRole('row', { name: /Close as billing/ })
    await row.getByText(`Status: ${iso('Solved')}`).waitFor()
    await row.getByText(`Add tags: ${iso('billing, vip')}`).waitFor()
    const macros = await api(server.url, 'GET', '/v1/support/macros', undefined, adminToken)
    expect(macros.body.items[0].actions).toEqual({ status: 'solved', addTags: ['billing', 'vip'] })

    await page.getByRole('button', { name: `Edit: ${iso('Close as billing')}` }).click()
    const edit = page.getByRole('dialog', { name: `Edit ${iso('Close as billing')}` })
    await choose(edit, 'Set the priority', 'High')
    await edit.getByLabel('Remove tags').fill('urgent')
    await edit.getByRole('button', { name: 'Save' }).click()
    await row.getByText(`Priority: ${iso('High')}`).waitFor()
    await row.getByText(`Remove tags: ${iso('urgent')}`).waitFor()
    await checkScreen(page, 'support-macros-en')

    // A second one, deleted again.
    await page.getByRole('button', { name: 'New macro' }).click()
    const second = page.getByRole('dialog', { name: 'New macro' })
    await second.getByLabel('Name').fill('Close as billing')
    await choose(second, 'Set the priority', 'Low')
    await second.getByRole('button', { name: 'Create' }).click()
    await second.getByText('Another macro has this name.').waitFor()
    await second.getByLabel('Name').fill('Lower')
    await second.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: `Delete: ${iso('Lower')}` }).click()
    await page
      .getByRole('alertdialog', { name: `Delete the macro ${iso('Lower')}?` })
      .getByRole('button', { name: 'Delete' })
      .click()
    await page
      .getByRole('status')
      .filter({ hasText: `Macro ${iso('Lower')} deleted.` })
      .waitFor()
  })

  it('the dashboard counts the tickets a customer opened and the admin solved, by day and by group, and downloads them as CSV', async () => {
    const email = `customer-${unique()}@example.com`
    const customer = await api(server.url, 'POST', '/v1/auth/register', { email, password: PASSWORD, name: 'Cyrus', locale: 'en' })
    expect(customer.status).toBe(201)
    const ids: string[] = []
    ticketsMadeAt = new Date()
    for (let i = 0; i < TICKETS; i++) {
      const made = await api(
        server.url,
        'POST',
        '/v1/tickets',
        { subject: `Help ${i}`, body: 'It does not work.' },
        customer.body.accessToken,
      )
      expect(made.status).toBe(201)
      ids.push(made.body.ticket.id)
    }
    // An answer to the last one: a first response to chart.
    expect((await api(server.url, 'POST', `/v1/tickets/${ids[TICKETS - 1]}/replies`, { body: 'On it.' }, adminToken)).status).toBe(201)
    for (const id of ids.slice(0, SOLVED))
      expect((await api(server.url, 'PATCH', `/v1/tickets/${id}`, { status: 'solved' }, adminToken)).status).toBe(200)

    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console')
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Support analytics' }).click()
    await h1(page, 'Support analytics').waitFor()
    const kpi = (id: string) => page.locator(`[data-kpi="${id}"] .dash-kpi-value`)
    await expect.poll(() => kpi('created').textContent()).toBe(String(TICKETS))
    expect(await kpi('solved').textContent()).toBe(String(SOLVED))
    expect(await kpi('active').textContent()).toBe(String(TICKETS - SOLVED))
    // The chart says it in words.
    const summary = `Tickets ${iso('per day')} from .*: ${iso(String(TICKETS))} created, ${iso(String(SOLVED))} solved\\. Most created: `
    await page.getByRole('img', { name: new RegExp(`^${summary}`) }).waitFor()
    // The last 30 days (in the admin's zone, UTC), today last: a row per day, the tickets' day with the tickets.
    const table = page.getByRole('region', { name: `Figures ${iso('per day')}` }).first()
    await expect.poll(() => table.getByRole('row').count()).toBe(31)
    expect(await table.getByRole('row').last().getByRole('rowheader').textContent()).toBe(dayName('en-GB', new Date()))
    expect(await dayRow(table, dayName('en-GB', ticketsMadeAt)).getByRole('cell').nth(0).textContent()).toBe(String(TICKETS))
    await checkScreen(page, 'support-analytics-en')

    // Grouped by agent: nobody was online, so the tickets wait unassigned.
    await choose(page, 'Group by', 'Agent')
    await page.waitForURL(/groupBy=agent/)
    const unassigned = page.getByRole('row', { name: /^Unassigned/ })
    await unassigned.waitFor()
    await page.getByRole('img', { name: new RegExp(`^Resolution median, ${iso('per agent')}, .*: Unassigned `) }).waitFor()
    await checkScreen(page, 'support-analytics-agent-en')
    // Dark: the charts and cards take the dark theme's tokens (axe checks their contrast).
    // Loaded again in dark, so no colour is caught halfway through a transition.
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.reload()
    await page.getByRole('row', { name: /^Unassigned/ }).waitFor()
    await settled(page)
    await expectAccessible(page)
    await shot(page, 'support-analytics-agent-dark-en')
    await page.emulateMedia({ colorScheme: 'light' })
    await choose(page, 'Group by', 'Team')
    await page.getByRole('row', { name: /^Support/ }).waitFor()
    await choose(page, 'Group by', 'Channel')
    await page.waitForURL(/groupBy=channel/)
    await page
      .getByRole('region', { name: `Figures ${iso('per channel')}` })
      .first()
      .getByRole('row')
      .nth(1)
      .waitFor()

    // The CSV of what is shown: the header row, then a row per group and the total. The stored
    // token has gone stale meanwhile: the download refreshes it once, as the SDK would.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('caravan.session')!)
      localStorage.setItem('caravan.session', JSON.stringify({ ...session, accessToken: 'stale' }))
    })
    const exports: number[] = []
    page.on('response', (r) => r.url().includes('/v1/support/analytics/export') && exports.push(r.status()))
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^support-channel-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/)
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n')
    expect(csv[0]).toBe(
      '\uFEFFkey,label,tickets_created,tickets_solved,conversations_created,conversations_closed,first_response_median_minutes,first_response_p90_minutes,resolution_median_minutes,resolution_p90_minutes,sla_breach_rate,csat_average,csat_responses,csat_requested,csat_response_rate,active_tickets',
    )
    expect(
      csv
        .find((line) => line.startsWith('total,'))
        ?.split(',')
        .slice(2, 4),
    ).toEqual([String(TICKETS), String(SOLVED)])
    await page
      .getByRole('status')
      .filter({ hasText: /support-channel-.*\.csv\u2069 downloaded\./ })
      .waitFor()
    expect(exports).toEqual([401, 200])

    // More than a year is refused before asking.
    await page.goto('/console/support/analytics?from=2020-01-01&to=2022-01-01')
    await page.getByText(`Choose at most ${iso('366')} days.`).waitFor()
    expect(await page.getByRole('button', { name: 'Download CSV' }).isDisabled()).toBe(true)
  })

  // Five pages, each looked at on a desktop and a phone: more than a minute when CI's two cores are busy.
  it('in Persian: Saturday first, Persian digits and Solar Hijri days, right to left, on a phone too', { timeout: 150_000 }, async () => {
    const page = await signIn('fa-IR', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/support/teams')
    await h1(page, 'تیم‌ها و کارشناسان').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await page.getByRole('button', { name: 'تیم تازه' }).click()
    const editor = page.getByRole('form', { name: 'تیم تازه' })
    const switches = editor.getByRole('list', { name: 'هفتهٔ کاری' }).locator('.sadmin-day-switch')
    expect(await switches.first().textContent()).toBe('شنبه')
    expect(await switches.last().textContent()).toContain('جمعه')
    // Saturday 14:00 until 10:00: the server's refusal in Persian.
    await editor.getByLabel('نام تیم').fill(`فروش ${unique()}`)
    const saturday = editor.getByRole('group', { name: `${iso('شنبه')}، بازهٔ ${iso('۱')}` })
    await typeInto(page, saturday.getByRole('group', { name: 'تا', exact: true }), '1000')
    await typeInto(page, saturday.getByRole('group', { name: 'از', exact: true }), '1400')
    await editor.getByRole('button', { name: 'ساختن تیم' }).click()
    await saturday.getByText('پایان باید پس از شروع باشد (۰۰:۰۰ یعنی نیمه‌شب).').waitFor()
    expect(await saturday.textContent()).not.toMatch(/[0-9]/)
    // A holiday picked in the Solar Hijri calendar: 1409/01/01 is 21 March 2030.
    await typeInto(page, editor.getByRole('group', { name: 'روز تعطیل برای افزودن' }), '14090101')
    await editor.getByRole('button', { name: 'افزودن تعطیلی' }).click()
    await editor.getByText('۱ فروردین ۱۴۰۹').waitFor()
    await checkScreen(page, 'support-team-error-fa')
    await typeInto(page, saturday.getByRole('group', { name: 'از', exact: true }), '0800')
    await editor.getByRole('button', { name: 'ساختن تیم' }).click()
    await page.getByRole('status').filter({ hasText: 'ساخته شد.' }).waitFor()
    const teams = await api(server.url, 'GET', '/v1/support/teams', undefined, adminToken)
    const saved = teams.body.items.find((x: { name: string }) => x.name.startsWith('فروش'))
    expect(saved.schedule.week[6]).toEqual([{ start: '08:00', end: '10:00' }])
    expect(saved.schedule.holidays).toEqual(['2030-03-21'])
    await checkScreen(page, 'support-teams-fa')

    await page.goto('/console/support/settings')
    await h1(page, 'تنظیمات پشتیبانی').waitFor()
    expect(await page.getByRole('group', { name: 'عادی' }).getByLabel('نخستین پاسخ').inputValue()).toBe('۸:۰۰')
    await page.getByRole('group', { name: 'بالا' }).getByLabel('حل شدن').fill('۱۲:۴۵')
    await page.getByRole('button', { name: 'ذخیرهٔ تنظیمات' }).click()
    await page.getByRole('status').filter({ hasText: 'تنظیمات پشتیبانی ذخیره شد.' }).waitFor()
    expect((await api(server.url, 'GET', '/v1/admin/support/settings', undefined, adminToken)).body.sla.high.resolution).toBe(765)
    await checkScreen(page, 'support-settings-fa')

    await page.goto('/console/support/canned')
    await h1(page, 'پاسخ‌های آماده').waitFor()
    await page.getByRole('row', { name: /refund-policy/ }).waitFor()
    await checkScreen(page, 'support-canned-fa')
    await page.goto('/console/support/macros')
    await h1(page, 'ماکروها').waitFor()
    await page
      .getByRole('row', { name: /Close as billing/ })
      .getByText(`وضعیت: ${iso('حل‌شده')}`)
      .waitFor()
    await checkScreen(page, 'support-macros-fa')

    await page.goto('/console/support/analytics')
    await h1(page, 'گزارش پشتیبانی').waitFor()
    await expect.poll(() => page.locator('[data-kpi="created"] .dash-kpi-value').textContent()).toBe('۳')
    const table = page.getByRole('region', { name: `آمار ${iso('به تفکیک روز')}` }).first()
    await expect.poll(() => table.getByRole('row').last().getByRole('rowheader').textContent()).toBe(dayName('fa-IR', new Date()))
    expect(await dayRow(table, dayName('fa-IR', ticketsMadeAt)).getByRole('cell').nth(0).textContent()).toBe('۳')
    expect(await page.locator('main .dash-kpis').textContent()).not.toMatch(/[0-9]/)
    await checkScreen(page, 'support-analytics-fa')
    await choose(page, 'دسته‌بندی بر پایهٔ', 'کارشناس')
    await page.getByRole('row', { name: /^بی‌کارشناس/ }).waitFor()
    await checkScreen(page, 'support-analytics-agent-fa')
  })

  it('an agent has the dashboard and canned responses, not the admin pages', async () => {
    const page = await signIn('en-GB', agent.email, PASSWORD)
    await page.goto('/console')
    const nav = page.getByRole('navigation', { name: 'Console sections' })
    await nav.getByRole('link', { name: 'Support analytics' }).waitFor()
    await nav.getByRole('link', { name: 'Canned responses' }).waitFor()
    expect(await nav.getByRole('link', { name: 'Teams and agents' }).count()).toBe(0)
    expect(await nav.getByRole('link', { name: 'Macros' }).count()).toBe(0)
    await page.goto('/console/support/analytics')
    await expect.poll(() => page.locator('[data-kpi="created"] .dash-kpi-value').textContent()).toBe(String(TICKETS))
    await page.goto('/console/support/teams')
    await h1(page, 'Access denied').waitFor()
  })
})
