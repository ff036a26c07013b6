// Notification workflows in the console, end to end: an admin builds the classic escalation (in-app
// now; e-mail after 15 minutes if unread; SMS after another 45 if critical and still unread) on a
// type's page with the keyboard and the mouse, moves and removes steps, saves it as version 1 and
// finds it again after a reload; previews it as a timeline with sample data and assumed facts;
// sees a step the server refuses marked on that step; then a notification sent with an API key
// shows its run waiting in the activity page's runs view. In English and Persian, desktop and phone.
// Then an older version loads back from the versions list and saves as the next, and a trigger's
// waiting run is called off by its cancel key from the runs view.
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, PHONE, expectAccessible } from './a11y'
import { settled } from './screens'
import {
  api,
  choose,
  chromiumAvailable,
  iso,
  launchBrowser,
  pageOpener,
  screenshot,
  startServer,
  unique,
  type RunningServer,
} from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

describe.runIf(chromiumAvailable())('notification workflows', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let admin: Page
  let adminToken: string
  let customerId: string
  const typeKey = `support.reply_${unique()}`
  const typePath = `/console/notifications/types/${typeKey}`

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name })
  const section = (page: Page, name = 'Workflow') => page.getByRole('region', { name, exact: true })
  /** A step's group, by its heading ("Step 2: Delay"). */
  const step = (scope: Page | Locator, n: number, what: string) =>
    scope.getByRole('group', { name: `Step ${iso(String(n))}: ${iso(what)}`, exact: true })
  const stepHeadings = (page: Page) => section(page).locator('.step-list h4').allTextContents()
  /** The element with focus is inside the step numbered `n` (from 1). */
  const focusInStep = (page: Page, n: number) =>
    page.waitForFunction((i) => document.activeElement?.closest('[data-step]')?.getAttribute('data-step') === String(i), n - 1)
  const headingsOf = (steps: string[]) => steps.map((what, i) => `Step ${iso(String(i + 1))}: ${iso(what)}`)

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
    const made = await api(
      server.url,
      'POST',
      '/v1/admin/notification-types',
      { key: typeKey, name: 'Support reply', category: 'support', channels: ['in_app', 'email', 'sms'] },
      adminToken,
    )
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const templates: [string, string, Record<string, string>][] = [
      ['in_app', 'en', { title: 'Ticket {{ ticketId }} has a reply', body: 'Open it to read the answer.' }],
      ['in_app', 'fa', { title: 'تیکت {{ ticketId }} پاسخ دارد', body: 'برای خواندن پاسخ بازش کنید.' }],
      [
        'email',
        'en',
        { subject: 'Reply waiting on {{ ticketId }}', html: '<p>Your ticket has a reply.</p>', text: 'Your ticket has a reply.' },
      ],
      ['email', 'fa', { subject: 'پاسخ تیکت {{ ticketId }} منتظر شماست', html: '<p>تیکت شما پاسخ دارد.</p>', text: 'تیکت شما پاسخ دارد.' }],
      ['sms', 'en', { text: 'Urgent: ticket {{ ticketId }} has a reply.' }],
      ['sms', 'fa', { text: 'فوری: تیکت {{ ticketId }} پاسخ دارد.' }],
    ]
    for (const [channel, locale, content] of templates) {
      const saved = await api(
        server.url,
        'PUT',
        `/v1/admin/notification-types/${typeKey}/templates/${channel}/${locale}`,
        { content },
        adminToken,
      )
      expect(saved.status, JSON.stringify(saved.body)).toBe(201)
    }
    const customer = await api(server.url, 'POST', '/v1/auth/register', {
      email: `wf-${unique()}@example.com`,
      password: 'correct-horse-42',
      name: 'Roya Customer',
      locale: 'en',
    })
    expect(customer.status).toBe(201)
    customerId = customer.body.user.id
    admin = await pages.signedIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD, 'en')
    await admin.setViewportSize(DESKTOP)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('builds the escalation with the keyboard and the mouse, moves and removes steps, saves version 1 and finds it after a reload', async () => {
    await admin.goto(typePath)
    await h1(admin, `Templates: ${iso('Support reply')}`).waitFor()
    const workflow = section(admin)
    await workflow.getByText('No workflow yet: each notification of this type is sent on all its channels at once.').waitFor()
    await workflow.getByText('No steps. Add the first one with the buttons below.').waitFor()
    const add = workflow.getByRole('group', { name: 'Add a step' })

    // 1: in-app (the mouse). A channel step starts on a channel the workflow does not use yet.
    await add.getByRole('button', { name: 'Send on a channel' }).click()
    await step(workflow, 1, 'In-app').waitFor()
    await focusInStep(admin, 1)

    // 2: a delay of 15 minutes (the keyboard): focus goes to the new step's first field.
    await add.getByRole('button', { name: 'Delay' }).focus()
    await admin.keyboard.press('Enter')
    await focusInStep(admin, 2)
    const delay15 = step(workflow, 2, 'Delay')
    await delay15.getByRole('textbox', { name: 'Wait for', exact: true }).focus()
    await admin.keyboard.press('ControlOrMeta+a')
    await admin.keyboard.type('15')
    await admin.keyboard.press('Tab')

    // 3: e-mail if the in-app notification is unread.
    await add.getByRole('button', { name: 'Send on a channel' }).click()
    const email = step(workflow, 3, 'Email')
    await email.getByRole('button', { name: `Add a condition to step ${iso('3')}` }).click()
    await email.getByRole('group', { name: `Condition ${iso('1')}` }).waitFor()
    expect(await email.getByRole('button', { name: /\sCheck$/ }).textContent()).toContain('The in-app notification is still unread')

    // 4: a delay of 45 minutes.
    await add.getByRole('button', { name: 'Delay' }).click()
    const delay45 = step(workflow, 4, 'Delay')
    await delay45.getByRole('textbox', { name: 'Wait for', exact: true }).fill('45')

    // 5: SMS if data.priority equals critical and the in-app notification is still unread.
    await add.getByRole('button', { name: 'Send on a channel' }).click()
    const sms = step(workflow, 5, 'SMS')
    await sms.getByRole('button', { name: `Add a condition to step ${iso('5')}` }).click()
    const first = sms.getByRole('group', { name: `Condition ${iso('1')}` })
    await choose(first, 'Check', 'A value in the data')
    await first.getByRole('textbox', { name: 'Data field' }).fill('data.priority')
    expect(await first.getByRole('button', { name: /\sComparison$/ }).textContent()).toContain('equals')
    await first.getByRole('textbox', { name: 'Value' }).fill('critical')
    await sms.getByRole('button', { name: `Add a condition to step ${iso('5')}` }).press('Enter')
    await sms.getByRole('group', { name: `Condition ${iso('2')}` }).waitFor()

    // A throttle at the end, moved up twice with the keyboard (focus follows it), then removed with the mouse.
    await add.getByRole('button', { name: 'Throttle' }).click()
    await step(workflow, 6, 'Throttle').waitFor()
    await workflow.getByRole('button', { name: `Move step ${iso('6')} up` }).focus()
    await admin.keyboard.press('Enter')
    await admin.waitForFunction(() => document.activeElement?.getAttribute('aria-label')?.includes('5'))
    await expect.poll(() => admin.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Move step ${iso('5')} up`)
    await workflow
      .getByRole('status')
      .filter({ hasText: `Step ${iso('6')} is now step ${iso('5')}.` })
      .waitFor()
    await admin.keyboard.press('Enter')
    await step(workflow, 4, 'Throttle').waitFor()
    expect(await stepHeadings(admin)).toEqual(headingsOf(['In-app', 'Delay', 'Email', 'Throttle', 'Delay', 'SMS']))
    // The mouse: e-mail down and back up.
    await workflow.getByRole('button', { name: `Move step ${iso('3')} down` }).click()
    expect(await stepHeadings(admin)).toEqual(headingsOf(['In-app', 'Delay', 'Throttle', 'Email', 'Delay', 'SMS']))
    // Its condition went with it.
    await step(workflow, 4, 'Email')
      .getByRole('group', { name: `Condition ${iso('1')}` })
      .waitFor()
    await workflow.getByRole('button', { name: `Move step ${iso('4')} up` }).click()
    await workflow.getByRole('button', { name: `Remove step ${iso('4')}` }).click()
    await workflow
      .getByRole('status')
      .filter({ hasText: `Step ${iso('4')} was removed.` })
      .waitFor()
    expect(await stepHeadings(admin)).toEqual(headingsOf(['In-app', 'Delay', 'Email', 'Delay', 'SMS']))
    await screenshot(admin, 'workflow-editor-draft-en')
    // Nothing saved yet: leaving through the console's menu asks first; Cancel stays.
    await admin.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Notification types' }).click()
    const ask = admin.getByRole('alertdialog', { name: 'Leave without saving?' })
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await ask.waitFor({ state: 'detached' })
    expect(new URL(admin.url()).pathname).toBe(typePath)

    await workflow.getByRole('button', { name: 'Save workflow' }).click()
    await workflow
      .getByRole('status')
      .filter({ hasText: `Saved as version ${iso('1')}.` })
      .waitFor()
    const saved = await api(server.url, 'GET', `/v1/admin/notification-types/${typeKey}/workflow`, undefined, adminToken)
    expect(saved.body).toMatchObject({
      version: 1,
      steps: [
        { kind: 'channel', channel: 'in_app' },
        { kind: 'delay', seconds: 900 },
        { kind: 'channel', channel: 'email', if: [{ check: 'in_app_unread' }] },
        { kind: 'delay', seconds: 2700 },
        {
          kind: 'channel',
          channel: 'sms',
          if: [{ check: 'data', path: 'data.priority', op: 'eq', value: 'critical' }, { check: 'in_app_unread' }],
        },
      ],
    })

    // Saved: a reload asks nothing and shows the steps again.
    await admin.reload()
    await h1(admin, `Templates: ${iso('Support reply')}`).waitFor()
    await section(admin)
      .getByText(`Current version: ${iso('1')}, saved`)
      .waitFor()
    await step(section(admin), 5, 'SMS').waitFor()
    expect(await stepHeadings(admin)).toEqual(headingsOf(['In-app', 'Delay', 'Email', 'Delay', 'SMS']))
    expect(await step(section(admin), 4, 'Delay').getByRole('textbox', { name: 'Wait for', exact: true }).inputValue()).toBe('45')
    expect(await step(section(admin), 5, 'SMS').getByRole('textbox', { name: 'Value' }).inputValue()).toBe('critical')
    await screenshot(admin, 'workflow-editor-en')
    await expectAccessible(admin)
  })

  it('previews the draft as a timeline with the sample data, and with the in-app notification read', async () => {
    const preview = section(admin, 'Preview')
    await preview.getByLabel('Sample data for the workflow (JSON)').fill('{"ticketId": "T-42", "priority": "critical"}')
    const timeline = preview.getByRole('list', { name: 'Timeline' })
    const item = (n: number) => timeline.getByRole('listitem').nth(n - 1)
    await item(1).getByText('Ticket T-42 has a reply').waitFor()
    expect(await item(1).innerText()).toMatch(/^At once\s+Step .1.: .In-app. — sent/)
    expect(await item(2).innerText()).toMatch(/^Until \+.15 min.\s+Step .2.: .Delay. — waits .15 min./)
    expect(await item(3).innerText()).toMatch(/^At \+.15 min.\s+Step .3.: .Email. — sent/)
    await item(3).getByText('Reply waiting on T-42').waitFor()
    expect(await item(5).innerText()).toMatch(/^At \+.1 h.\s+Step .5.: .SMS. — sent/)
    await item(5).getByText('Urgent: ticket T-42 has a reply.').waitFor()

    // Read in the app: the e-mail and the SMS are skipped, saying why.
    await preview.getByText('The in-app notification gets read').click()
    await item(3)
      .getByText(`skipped: ${iso('the in-app notification was read')}`, { exact: false })
      .waitFor()
    expect(await item(3).innerText()).toMatch(/Step .3.: .Email. — skipped: .the in-app notification was read./)
    await item(5)
      .getByText(/skipped/)
      .waitFor()
    // Not critical: the SMS is skipped for its data condition.
    await preview.getByText('The in-app notification gets read').click()
    await preview.getByLabel('Sample data for the workflow (JSON)').fill('{"ticketId": "T-42", "priority": "low"}')
    await item(5)
      .getByText(/data\.priority eq "critical"/)
      .waitFor()
    await item(3).getByText('Reply waiting on T-42').waitFor()
    // The preview can be in the other language.
    await choose(preview, 'Language of the preview', 'فارسی')
    await item(1).getByText('تیکت T-42 پاسخ دارد').waitFor()
    expect(await item(1).locator('blockquote').getAttribute('dir')).toBe('rtl')
    await screenshot(admin, 'workflow-preview-en')
  })

  it('shows the step the server refuses next to that step, with focus on it', async () => {
    const workflow = section(admin)
    // In-app unread on the in-app step itself: it needs an in-app step before it (422, steps[0].if[0]).
    await workflow.getByRole('button', { name: `Add a condition to step ${iso('1')}` }).click()
    await workflow.getByRole('button', { name: 'Save workflow' }).click()
    const inApp = step(workflow, 1, 'In-app')
    await inApp.getByText('This check needs an in-app step earlier in the workflow.').waitFor()
    await focusInStep(admin, 1)
    expect(await admin.locator('.workflow-step.invalid').count()).toBe(1)
    expect(await admin.locator('.workflow-step.invalid h4').textContent()).toBe(`Step ${iso('1')}: ${iso('In-app')}`)
    // The preview says so too, naming the step.
    await section(admin, 'Preview')
      .getByText(`Step ${iso('1')}: ${iso('This check needs an in-app step earlier in the workflow.')}`)
      .waitFor()
    await screenshot(admin, 'workflow-refused-en')
    // Nothing was saved.
    expect((await api(server.url, 'GET', `/v1/admin/notification-types/${typeKey}/workflow`, undefined, adminToken)).body.version).toBe(1)
    await workflow.getByRole('button', { name: `Remove condition ${iso('1')} of step ${iso('1')}` }).click()
    expect(await admin.locator('.workflow-step.invalid').count()).toBe(0)
  })

  it('a notification sent with an API key shows its run waiting in the activity runs view', async () => {
    const key = await api(server.url, 'POST', '/v1/api-keys', { name: `helpdesk-${unique()}`, scopes: ['notifications:send'] }, adminToken)
    expect(key.status).toBe(201)
    const sent = await api(
      server.url,
      'POST',
      '/v1/notifications',
      { type: typeKey, to: customerId, data: { ticketId: 'T-42', priority: 'critical' } },
      key.body.key,
    )
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    // The in-app step runs at once, then the run waits for the delay.
    await expect
      .poll(async () => {
        const runs = await api(server.url, 'GET', `/v1/admin/notifications/runs?type=${encodeURIComponent(typeKey)}`, undefined, adminToken)
        return runs.body.items?.[0]?.status
      })
      .toBe('waiting')

    await admin.goto('/console/notifications/activity')
    await h1(admin, 'Delivery activity').waitFor()
    await admin.getByRole('tab', { name: 'Workflow runs' }).click()
    expect(new URL(admin.url()).searchParams.get('view')).toBe('runs')
    await admin.getByRole('button', { name: /\sStatus$/ }).click()
    await admin.getByRole('listbox').getByRole('option', { name: 'Waiting', exact: true }).click()
    const row = admin.getByRole('row').filter({ hasText: typeKey })
    await row.getByText('Waiting', { exact: true }).waitFor()
    await row.getByText(`Step ${iso('3')}: ${iso('Send')}`).waitFor()
    await row.getByText('Roya Customer').waitFor()
    // When it wakes: in about 15 minutes, the full date on hover.
    await row.getByText(/^in 1[45] minutes$/).waitFor()
    await row.getByText(/^Log \(/).click()
    await row.getByText(`Step ${iso('1')}: ${iso('Send')}`).waitFor()
    await row.getByText(`Step ${iso('2')}: ${iso('Delay')}`).waitFor()
    await screenshot(admin, 'workflow-runs-en')
    await expectAccessible(admin)

    // A link keeps the view.
    await admin.reload()
    await admin.getByRole('row').filter({ hasText: typeKey }).getByText('Waiting', { exact: true }).waitFor()
    expect(await admin.getByRole('tab', { name: 'Workflow runs' }).getAttribute('aria-selected')).toBe('true')

    // On a phone the rows are cards and nothing is wider than the screen.
    await admin.setViewportSize(PHONE)
    const card = admin.locator('.data-card').filter({ hasText: typeKey })
    await card.getByText('Waiting', { exact: true }).waitFor()
    await card.getByText(/^Log \(/).click()
    await card.getByText(`Step ${iso('2')}: ${iso('Delay')}`).waitFor()
    await screenshot(admin, 'workflow-runs-phone-en')
    await expectAccessible(admin)
    await admin.setViewportSize(DESKTOP)
  })

  it('in Persian: right to left with Persian digits, on the desktop and on a phone', async () => {
    const fa = await pages.signedIn('fa-IR', ADMIN_EMAIL, ADMIN_PASSWORD, 'fa')
    await fa.setViewportSize(DESKTOP)
    await fa.goto(typePath)
    await h1(fa, `قالب‌ها: ${iso('Support reply')}`).waitFor()
    expect(await fa.evaluate(() => document.documentElement.dir)).toBe('rtl')
    const workflow = section(fa, 'گردش کار')
    await workflow.getByText(`نسخهٔ کنونی: ${iso('۱')}، ذخیره‌شده`).waitFor()
    await workflow
      .getByRole('group', { name: `گام ${iso('۲')}: ${iso('درنگ')}`, exact: true })
      .getByRole('textbox', { name: 'مدت درنگ', exact: true })
      .waitFor()
    expect(
      await workflow
        .getByRole('group', { name: `گام ${iso('۲')}: ${iso('درنگ')}`, exact: true })
        .getByRole('textbox', { name: 'مدت درنگ', exact: true })
        .inputValue(),
    ).toBe('۱۵')
    await workflow.getByRole('button', { name: `بردن گام ${iso('۲')} به بالا` }).waitFor()

    const preview = section(fa, 'پیش‌نمایش')
    await preview.getByLabel('دادهٔ نمونه برای گردش کار (JSON)').fill('{"ticketId": "T-42", "priority": "critical"}')
    const timeline = preview.getByRole('list', { name: 'خط زمانی' })
    await timeline.getByText('تیکت T-42 پاسخ دارد', { exact: true }).waitFor()
    const when = (n: number) =>
      timeline
        .getByRole('listitem')
        .nth(n - 1)
        .locator('.timeline-when')
        .innerText()
    expect(await when(3)).toMatch(/^در \+.۱۵ دقیقه.$/)
    expect(await when(4)).toMatch(/^تا \+.۱ ساعت.$/)
    expect(await when(5)).not.toMatch(/[0-9]/)
    await screenshot(fa, 'workflow-editor-fa')
    await expectAccessible(fa)

    await fa.setViewportSize(PHONE)
    await workflow.getByRole('button', { name: `بردن گام ${iso('۵')} به بالا` }).scrollIntoViewIfNeeded()
    await screenshot(fa, 'workflow-editor-phone-fa')
    await expectAccessible(fa)

    await fa.setViewportSize(DESKTOP)
    await fa.goto('/console/notifications/activity?view=runs')
    await h1(fa, 'گزارش تحویل').waitFor()
    const row = fa.getByRole('row').filter({ hasText: typeKey })
    await row.getByText('در انتظار', { exact: true }).waitFor()
    await row.getByText(`گام ${iso('۳')}: ${iso('ارسال')}`).waitFor()
    expect(await row.locator('time[title]').last().getAttribute('title')).toMatch(/۱۴۰[۴-۶]/)
    await screenshot(fa, 'workflow-runs-fa')
    await expectAccessible(fa)
    // The cancel-by-key form on a phone, right to left.
    await fa.setViewportSize(PHONE)
    const cancel = fa.getByRole('form', { name: 'لغو با کلید لغو' })
    await cancel.getByRole('textbox', { name: 'کلید لغو' }).scrollIntoViewIfNeeded()
    await cancel.getByRole('button', { name: 'لغو کن' }).click()
    await cancel.getByText('پر کردن این بخش لازم است.').waitFor()
    await screenshot(fa, 'workflow-cancel-phone-fa')
    await expectAccessible(fa)
  })
  it('lists the saved versions; an older one loads into the editor and saves as the next version', async () => {
    // Version 2, saved elsewhere: the escalation without its SMS.
    const first = await api(server.url, 'GET', `/v1/admin/notification-types/${typeKey}/workflow`, undefined, adminToken)
    const second = await api(
      server.url,
      'PUT',
      `/v1/admin/notification-types/${typeKey}/workflow`,
      { steps: first.body.steps.slice(0, 3) },
      adminToken,
    )
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    await admin.goto(typePath)
    const versions = admin.getByRole('region', { name: 'Saved versions' })
    const current = versions.getByRole('row').filter({ hasText: 'Current' })
    await current.getByText('Send (In-app) → Delay → Send (Email)', { exact: true }).waitFor()
    await versions.getByRole('row').filter({ hasText: 'Send (In-app) → Delay → Send (Email) → Delay → Send (SMS)' }).waitFor()
    expect(await stepHeadings(admin)).toEqual(headingsOf(['In-app', 'Delay', 'Email']))

    await versions.getByRole('button', { name: `Load into editor: version ${iso('1')}` }).click()
    const workflow = section(admin)
    await workflow
      .getByRole('status')
      .filter({ hasText: `Version ${iso('1')} is in the editor` })
      .waitFor()
    expect(await stepHeadings(admin)).toEqual(headingsOf(['In-app', 'Delay', 'Email', 'Delay', 'SMS']))
    // The preview follows the loaded steps (dimmed while it asks the server).
    await settled(admin)
    await expectAccessible(admin)
    await screenshot(admin, 'workflow-versions-en')
    await workflow.getByRole('button', { name: 'Save workflow' }).click()
    await workflow
      .getByRole('status')
      .filter({ hasText: `Saved as version ${iso('3')}.` })
      .waitFor()
    const third = await api(server.url, 'GET', `/v1/admin/notification-types/${typeKey}/workflow`, undefined, adminToken)
    expect(third.body).toMatchObject({ version: 3, steps: first.body.steps })
    await current.getByText('Send (In-app) → Delay → Send (Email) → Delay → Send (SMS)', { exact: true }).waitFor()
    expect(await versions.getByRole('row').count()).toBe(4) // the header and three versions
  })

  it('gives a step its own message: a second, firmer e-mail written in one language, refused on its field, previewed and saved', async () => {
    await admin.goto(typePath)
    const workflow = section(admin)
    const email = step(workflow, 3, 'Email')
    await email.getByText("Its own message, not the type's template").click()
    const english = email.getByRole('group', { name: 'Message in English' })
    await email.getByRole('group', { name: 'Message in Persian' }).waitFor()
    await english.getByRole('textbox', { name: 'Subject' }).fill('Still waiting: {{ ticketId }}')
    await english.getByRole('textbox', { name: 'HTML body' }).fill('<p>We are still waiting for your answer.</p>')
    await english.getByRole('textbox', { name: 'Plain-text version' }).fill('We are still waiting {{ ticketId ')
    await workflow.getByRole('button', { name: 'Save workflow' }).click()
    // The server's syntax error lands on that language's field, with focus there.
    const text = english.getByRole('textbox', { name: 'Plain-text version' })
    await english.getByText(/line .1., column/).waitFor()
    await expect.poll(() => text.evaluate((el) => el === document.activeElement)).toBe(true)
    expect((await api(server.url, 'GET', `/v1/admin/notification-types/${typeKey}/workflow`, undefined, adminToken)).body.version).toBe(3)

    await text.fill('We are still waiting for your answer on {{ ticketId }}.')
    const preview = section(admin, 'Preview')
    await preview.getByLabel('Sample data for the workflow (JSON)').fill('{"ticketId": "T-44", "priority": "low"}')
    const item = (n: number) =>
      preview
        .getByRole('list', { name: 'Timeline' })
        .getByRole('listitem')
        .nth(n - 1)
    await item(3).getByText('Still waiting: T-44').waitFor()
    // A Persian recipient gets the English message while the Persian one is left blank.
    await choose(preview, 'Language of the preview', 'فارسی')
    await item(1).getByText('تیکت T-44 پاسخ دارد').waitFor()
    await item(3).getByText('Still waiting: T-44').waitFor()
    await settled(admin)
    await expectAccessible(admin)
    await screenshot(admin, 'workflow-own-message-en')

    await workflow.getByRole('button', { name: 'Save workflow' }).click()
    await workflow
      .getByRole('status')
      .filter({ hasText: `Saved as version ${iso('4')}.` })
      .waitFor()
    const saved = await api(server.url, 'GET', `/v1/admin/notification-types/${typeKey}/workflow`, undefined, adminToken)
    expect(saved.body.steps[2]).toEqual({
      kind: 'channel',
      channel: 'email',
      if: [{ check: 'in_app_unread' }],
      content: {
        en: {
          subject: 'Still waiting: {{ ticketId }}',
          html: '<p>We are still waiting for your answer.</p>',
          text: 'We are still waiting for your answer on {{ ticketId }}.',
        },
      },
    })
    await admin
      .getByRole('region', { name: 'Saved versions' })
      .getByText('Send (In-app) → Delay → Send (Email, own message) → Delay → Send (SMS)', { exact: true })
      .first()
      .waitFor()
    // After a reload the step still has its message; unchecking it goes back to the type's template.
    await admin.reload()
    const again = step(section(admin), 3, 'Email')
    expect(await again.getByRole('checkbox', { name: "Its own message, not the type's template" }).isChecked()).toBe(true)
    expect(await again.getByRole('group', { name: 'Message in English' }).getByRole('textbox', { name: 'Subject' }).inputValue()).toBe(
      'Still waiting: {{ ticketId }}',
    )
    // In Persian on a phone: the step's message boxes right to left, the English fields left to right.
    const fa = await pages.signedIn('fa-IR', ADMIN_EMAIL, ADMIN_PASSWORD, 'fa')
    await fa.setViewportSize(PHONE)
    await fa.goto(typePath)
    const faStep = section(fa, 'گردش کار').getByRole('group', { name: `گام ${iso('۳')}: ${iso('ایمیل')}`, exact: true })
    const faEnglish = faStep.getByRole('group', { name: 'پیام به انگلیسی' })
    await faEnglish.getByRole('textbox', { name: 'موضوع' }).scrollIntoViewIfNeeded()
    expect(await faEnglish.getByRole('textbox', { name: 'موضوع' }).getAttribute('dir')).toBe('ltr')
    expect(await faStep.getByRole('group', { name: 'پیام به فارسی' }).getByRole('textbox', { name: 'موضوع' }).getAttribute('dir')).toBe(
      'rtl',
    )
    await screenshot(fa, 'workflow-own-message-phone-fa')
    await expectAccessible(fa)
  })

  it('calls off what a trigger started by its cancel key, from the runs view', async () => {
    const cancelKey = `ticket:${unique()}`
    const sent = await api(
      server.url,
      'POST',
      '/v1/notifications',
      { type: typeKey, to: customerId, data: { ticketId: 'T-43', priority: 'low' }, cancelKey },
      adminToken,
    )
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    const runStatus = async () =>
      (await api(server.url, 'GET', `/v1/notifications/${sent.body.id}`, undefined, adminToken)).body.runs?.[0]?.status
    await expect.poll(runStatus).toBe('waiting')

    await admin.goto('/console/notifications/activity?view=runs')
    const form = admin.getByRole('form', { name: 'Call off by cancel key' })
    await form.getByRole('textbox', { name: 'Cancel key' }).fill(cancelKey)
    await form.getByRole('button', { name: 'Call off' }).click()
    await form
      .getByRole('status')
      .filter({ hasText: /Called off for .+: 1 run, 0 notifications, 0 deliveries\./ })
      .waitFor()
    expect(await runStatus()).toBe('cancelled')
    // The runs list is read again: the run shows cancelled.
    await admin.getByRole('row').filter({ hasText: 'Cancelled' }).first().waitFor()
    await expectAccessible(admin)
    await screenshot(admin, 'workflow-cancel-en')
    // Again: nothing is left to call off, and that is not an error.
    await form.getByRole('textbox', { name: 'Cancel key' }).fill(cancelKey)
    await form.getByRole('button', { name: 'Call off' }).click()
    await form.getByRole('status').filter({ hasText: 'Nothing is left to call off' }).waitFor()
  })
})
