// Chat end to end between two people in two browsers: Sara (English) starts a direct conversation
// with Behnam (Persian) by his user ID, they write to each other live (typing, ticks up to "read",
// a reply with its quote, a reaction by keyboard, Shift+Enter, an edit, a deletion), Sara sends a
// PNG and Behnam sees its preview, a group's events read as sentences in each language and a rename
// shows live, a group's details (roles, rename, leave), a report, an edit's history and a block, and
// a search hit opens the conversation at its message. Both pages pass axe (nothing
// serious or critical) and have no sideways scroll at 1366×900 and 390×844; screenshots of each
// screen go to test-artifacts/screenshots/chat-*.
import { crc32, deflateSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { en } from '../src/i18n/en'
import { fa } from '../src/i18n/fa'
import { DESKTOP, PHONE, expectAccessible } from './a11y'
import {
  accessTokenOf,
  api,
  chromiumAvailable,
  iso,
  launchBrowser,
  pageOpener,
  screenshot,
  startServer,
  unique,
  type RunningServer,
} from './harness'

/** A real PNG (RGB, a colour gradient), written byte by byte: no image library in the web package. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits, RGB, deflate, no filter, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    for (let x = 0; x < width; x++) rows.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 160], row + 1 + x * 3)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

describe.runIf(chromiumAvailable())('chat between two people, live, in English and Persian', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let sara: Page
  let behnam: Page
  let behnamId: string
  let conversationPath: string
  let groupPath: string
  const password = 'correct-horse-42'
  const saraEmail = `sara-${unique()}@example.com`
  const behnamEmail = `behnam-${unique()}@example.com`

  const log = (page: Page) => page.getByRole('log')
  const composer = (page: Page, dictionary: typeof en | typeof fa) => page.getByLabel(dictionary['chat.messageLabel'], { exact: true })
  /** The message bubble holding `text` (the newest one, when several do). */
  const bubble = (page: Page, text: string) => log(page).locator('.chat-msg').filter({ hasText: text }).last()

  async function signIn(page: Page, email: string, dictionary: typeof en | typeof fa) {
    await page.goto('/sign-in')
    await page.getByLabel(dictionary['field.email'], { exact: true }).fill(email)
    await page.getByLabel(dictionary['field.password'], { exact: true }).fill(password)
    await page.getByRole('button', { name: dictionary['signIn.submit'], exact: true }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-in')
  }

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL: 'root@caravan.test', ADMIN_PASSWORD: 'admin-password-1' })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    expect((await api(server.url, 'POST', '/v1/auth/register', { email: saraEmail, password, name: 'Sara', locale: 'en' })).status).toBe(
      201,
    )
    const registered = await api(server.url, 'POST', '/v1/auth/register', { email: behnamEmail, password, name: 'بهنام', locale: 'fa' })
    expect(registered.status).toBe(201)
    behnamId = registered.body.user.id
    sara = await pages.newPage('en-GB')
    behnam = await pages.newPage('fa-IR')
    for (const page of [sara, behnam]) await page.setViewportSize(DESKTOP)
    await signIn(sara, saraEmail, en)
    await signIn(behnam, behnamEmail, fa)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('starts empty, in both languages, accessible', async () => {
    await sara.goto('/chat')
    await sara.getByRole('heading', { level: 1, name: en['chat.title'] }).waitFor()
    await sara.getByText(en['chat.noConversations']).waitFor()
    await expectAccessible(sara)
    await screenshot(sara, 'chat-en-desktop-empty')

    await behnam.goto('/chat')
    await behnam.getByRole('heading', { level: 1, name: fa['chat.title'] }).waitFor()
    expect(await behnam.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await behnam.getByText(fa['chat.noConversations']).waitFor()
    await expectAccessible(behnam)
  })

  it('Sara starts a direct conversation by user ID and writes; Behnam sees it arrive live', async () => {
    await sara.getByRole('button', { name: en['chat.new'], exact: true }).click()
    const dialog = sara.getByRole('dialog', { name: en['chat.new.title'] })
    await dialog.getByLabel(en['chat.new.person']).fill(behnamId)
    await dialog.getByRole('button', { name: en['chat.new.start'] }).click()
    await sara.getByRole('heading', { level: 1, name: 'بهنام' }).waitFor()
    conversationPath = new URL(sara.url()).pathname
    expect(conversationPath).toMatch(/^\/chat\/[0-9a-f-]{36}$/)
    await sara.getByText(en['chat.emptyThread']).waitFor()

    // A mark on Behnam's window: gone if the page reloaded.
    await behnam.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true))
    const box = composer(sara, en)
    await box.fill('Hello Behnam! Are we still on for Friday?')
    await box.press('Enter')
    // Shown at once, focus still in the box, and stored (a tick) once the server answers.
    await bubble(sara, 'Hello Behnam!').waitFor()
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await box.inputValue()).toBe('')
    await bubble(sara, 'Hello Behnam!').locator('.chat-tick.sent, .chat-tick.delivered').waitFor()

    // Behnam's list learns of the conversation from the message: unread, with its excerpt.
    const row = behnam.getByRole('navigation', { name: fa['chat.conversations'] }).getByRole('link').filter({ hasText: 'Sara' })
    await row.filter({ hasText: '۱ خوانده‌نشده' }).waitFor()
    await row.getByText('Hello Behnam! Are we still on for Friday?').waitFor()
    expect(await behnam.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true)
    // Delivered to his device: two ticks for Sara.
    await bubble(sara, 'Hello Behnam!').locator('.chat-tick.delivered').waitFor()
    await screenshot(behnam, 'chat-fa-desktop-unread')
  })

  it('Behnam opens it (read ticks for Sara), types (Sara sees it) and replies with a quote', async () => {
    await behnam.getByRole('navigation', { name: fa['chat.conversations'] }).getByRole('link').filter({ hasText: 'Sara' }).click()
    await behnam.getByRole('heading', { level: 1, name: 'Sara' }).waitFor()
    await bubble(behnam, 'Hello Behnam!').waitFor()
    // Reading it turns Sara's ticks to "read", said in words to screen readers.
    const tick = bubble(sara, 'Hello Behnam!').locator('.chat-tick.read')
    await tick.waitFor()
    expect(await tick.textContent()).toBe(en['chat.tick.read'])
    // The badge is gone from his list.
    await expect.poll(() => behnam.locator('.chat-unread').count()).toBe(0)

    // Reply to Sara's message: the action is a button named after the message.
    const message = bubble(behnam, 'Hello Behnam!')
    await message.hover()
    await message.getByRole('button', { name: `پاسخ به «${iso('Hello Behnam! Are we still on for Friday…')}»` }).click()
    const box = composer(behnam, fa)
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true)
    await behnam.getByText(fa['chat.replyingTo'].replace('{name}', iso('Sara'))).waitFor()
    await box.fill('سلام سارا! بله، جمعه ساعت ۵')
    await sara.getByText(`${iso('بهنام')} is typing…`).waitFor()
    await screenshot(sara, 'chat-en-desktop-typing')
    await box.press('Enter')
    // Sara: the reply, with the quote of her message; the typing line goes.
    const reply = bubble(sara, 'سلام سارا!')
    await reply.waitFor()
    await reply.locator('.chat-quote').getByText('Hello Behnam! Are we still on for Friday?').waitFor()
    await expect.poll(() => sara.getByText(`${iso('بهنام')} is typing…`).count()).toBe(0)
    await bubble(behnam, 'سلام سارا!').locator('.chat-tick.read').waitFor()
  })

  it('reactions, an edit and a deletion reach the other side', async () => {
    // Sara reacts to the reply with the keyboard: the action, then the emoji.
    const reply = bubble(sara, 'سلام سارا!')
    const react = reply.getByRole('button', { name: `React to “${iso('سلام سارا! بله، جمعه ساعت ۵')}”` })
    await react.focus()
    // Keyboard focus shows the message's toolbar.
    await expect.poll(() => reply.locator('.chat-actions').evaluate((el) => getComputedStyle(el).opacity)).toBe('1')
    await sara.keyboard.press('Enter')
    const picker = sara.getByRole('dialog', { name: `React to “${iso('سلام سارا! بله، جمعه ساعت ۵')}”` })
    await picker.waitFor()
    await picker.getByRole('button', { name: '👍' }).focus()
    await sara.keyboard.press('Enter')
    await picker.waitFor({ state: 'detached' })
    await bubble(behnam, 'سلام سارا!').getByRole('button', { name: '👍 ۱' }).waitFor()
    expect(await reply.getByRole('button', { name: '👍 1' }).getAttribute('aria-pressed')).toBe('true')

    // Shift+Enter is a new line, Enter sends.
    const box = composer(sara, en)
    await box.pressSequentially('Line one')
    await box.press('Shift+Enter')
    await box.pressSequentially('line two')
    expect(await box.inputValue()).toBe('Line one\nline two')
    await box.press('Enter')
    expect(await bubble(behnam, 'Line one').locator('.chat-text').textContent()).toBe('Line one\nline two')

    // Sara sends, edits, and deletes a message.
    await box.fill('See you at 4')
    await box.press('Enter')
    await bubble(behnam, 'See you at 4').waitFor()
    const mine = bubble(sara, 'See you at 4')
    await mine.hover()
    await mine.getByRole('button', { name: `Edit “${iso('See you at 4')}”` }).click()
    expect(await box.inputValue()).toBe('See you at 4')
    await box.fill('See you at 5')
    await box.press('Enter')
    await bubble(behnam, 'See you at 5').getByText(fa['chat.edited']).waitFor()

    const edited = bubble(sara, 'See you at 5')
    await edited.hover()
    await edited.getByRole('button', { name: `Delete “${iso('See you at 5')}”` }).click()
    const confirm = sara.getByRole('alertdialog', { name: en['chat.deleteTitle'] })
    await confirm.getByRole('button', { name: en['chat.deleteConfirm'] }).click()
    await log(sara).getByText(en['chat.deleted']).waitFor()
    await log(behnam).getByText(fa['chat.deleted']).waitFor()
    expect(await log(behnam).getByText('See you at 5').count()).toBe(0)
  })

  it('Sara sends a PNG with an upload bar; Behnam sees its preview', async () => {
    // A program is refused by its bytes, said on its chip, and removed.
    const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)])
    await sara
      .locator('.chat-composer input[type=file]')
      .setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: program })
    const refused = sara.locator('.chat-upload.failed').filter({ hasText: 'tool.exe' })
    await refused.getByText(en['chat.error.fileType']).waitFor()
    expect(await sara.getByRole('button', { name: en['chat.send'], exact: true }).isDisabled()).toBe(true)
    await refused.getByRole('button', { name: `Remove ${iso('tool.exe')}` }).click()
    await expect.poll(() => sara.locator('.chat-upload').count()).toBe(0)

    await sara.locator('.chat-composer input[type=file]').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: png(96, 64) })
    const upload = sara.locator('.chat-upload').filter({ hasText: 'sunset.png' })
    await upload.waitFor()
    // Uploaded: its size in place of the bar, and the send button on.
    await expect.poll(() => upload.locator('progress').count()).toBe(0)
    await sara.getByRole('button', { name: en['chat.send'], exact: true }).click()
    await expect.poll(() => sara.locator('.chat-upload').count()).toBe(0)

    const preview = behnam.getByRole('button', { name: `باز کردن تصویر ${iso('sunset.png')}` })
    await preview.waitFor()
    const loaded = () => preview.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)
    await expect.poll(loaded).toBeGreaterThan(0)
    await sara
      .getByRole('button', { name: `Open image ${iso('sunset.png')}` })
      .locator('img')
      .waitFor()
    await screenshot(behnam, 'chat-fa-desktop-conversation')
    await screenshot(sara, 'chat-en-desktop-conversation')

    // The original opens in a dialog; Escape closes it.
    await preview.click()
    const dialog = behnam.getByRole('dialog', { name: 'sunset.png' })
    await expect
      .poll(() => dialog.getByRole('img', { name: 'sunset.png' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(96)
    await behnam.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  })

  it('a group: made with someone already known, its events said as sentences, renamed live', async () => {
    await sara.getByRole('button', { name: en['chat.new'], exact: true }).click()
    const dialog = sara.getByRole('dialog', { name: en['chat.new.title'] })
    await dialog.getByRole('button', { name: new RegExp(`\\s${en['chat.new.kind']}$`) }).click()
    await sara.getByRole('option', { name: en['chat.new.group'] }).click()
    await dialog.getByLabel(en['chat.new.name']).fill('Friday trip')
    await dialog.getByRole('group', { name: en['chat.new.knownGroup'] }).getByText('بهنام').click()
    await dialog.getByRole('button', { name: en['chat.new.createGroup'] }).click()
    await sara.getByRole('heading', { level: 1, name: 'Friday trip' }).waitFor()
    groupPath = new URL(sara.url()).pathname
    await log(sara)
      .getByText(`You created the group “${iso('Friday trip')}”`)
      .waitFor()
    await sara.locator('.chat-thread-title').getByText('2 members').waitFor()

    // Behnam's list gets it live; in Persian the group's creation is his sentence.
    await composer(sara, en).fill('Who is coming?')
    await composer(sara, en).press('Enter')
    await behnam.getByRole('navigation', { name: fa['chat.conversations'] }).getByRole('link').filter({ hasText: 'Friday trip' }).click()
    await behnam.getByRole('heading', { level: 1, name: 'Friday trip' }).waitFor()
    await log(behnam)
      .getByText(`${iso('Sara')} گروه «${iso('Friday trip')}» را ساخت`)
      .waitFor()

    // Renamed (through the API): both headings and both logs follow without a reload.
    const renamed = await api(
      server.url,
      'PATCH',
      `/v1/conversations/${groupPath.split('/').pop()}`,
      { name: 'Saturday trip' },
      await accessTokenOf(sara),
    )
    expect(renamed.status).toBe(200)
    await sara.getByRole('heading', { level: 1, name: 'Saturday trip' }).waitFor()
    await log(sara)
      .getByText(`You renamed the group to “${iso('Saturday trip')}”`)
      .waitFor()
    await behnam.getByRole('heading', { level: 1, name: 'Saturday trip' }).waitFor()
    await log(behnam)
      .getByText(`${iso('Sara')} نام گروه را به «${iso('Saturday trip')}» تغییر داد`)
      .waitFor()
    await expectAccessible(behnam)
    await screenshot(behnam, 'chat-fa-desktop-group')
  })

  it("a group's details: the owner makes an admin, who renames it and adds nobody twice; a member leaves", async () => {
    await sara.goto(groupPath)
    await sara.getByRole('button', { name: en['chat.detailsOf'].replace('{name}', iso('Saturday trip')) }).click()
    const details = sara.getByRole('dialog', { name: en['chat.detailsOf'].replace('{name}', iso('Saturday trip')) })
    const members = details.getByRole('list')
    await members.getByText(`${iso('Sara')} (you)`).waitFor()
    await details.getByRole('button', { name: `Make admin: ${iso('بهنام')}` }).click()
    await details.getByRole('button', { name: `Remove as admin: ${iso('بهنام')}` }).waitFor()
    await expectAccessible(sara)
    await screenshot(sara, 'chat-en-desktop-details')
    await sara.keyboard.press('Escape')
    await details.waitFor({ state: 'detached' })

    // Behnam, now an admin, sees the name field in his (Persian) details and renames the group.
    await behnam.goto(groupPath)
    // (Its title follows the group's name, which changes below.)
    const behnamDetails = behnam.locator('.chat-details').getByRole('dialog')
    await behnam.getByRole('button', { name: fa['chat.detailsOf'].replace('{name}', iso('Saturday trip')) }).click()
    await behnamDetails.getByText(fa['chat.details.role.admin']).waitFor()
    await behnamDetails.getByLabel(fa['chat.new.name']).fill('سفر شنبه')
    await behnamDetails.getByRole('button', { name: fa['chat.details.saveName'] }).click()
    await behnam.getByRole('heading', { level: 1, name: 'سفر شنبه' }).waitFor()
    await sara.getByRole('heading', { level: 1, name: 'سفر شنبه' }).waitFor()
    // Someone who does not exist: the field says so, nothing changes.
    await behnamDetails.getByLabel(fa['chat.details.add']).fill('no-such-person-42')
    await behnamDetails.getByRole('button', { name: fa['chat.details.addButton'] }).click()
    await behnamDetails.getByText(fa['fieldError.memberIds']).waitFor()
    await expectAccessible(behnam)
    await screenshot(behnam, 'chat-fa-desktop-details')

    // He leaves: asked first, then the group is gone from his list and Sara reads it.
    await behnamDetails.getByRole('button', { name: fa['chat.details.leave'] }).click()
    const ask = behnam.getByRole('alertdialog', { name: fa['chat.leaveTitle'].replace('{name}', iso('سفر شنبه')) })
    await ask.getByRole('button', { name: fa['chat.leaveConfirm'] }).click()
    await behnam.waitForURL((url) => url.pathname === '/chat')
    const behnamList = behnam.getByRole('navigation', { name: fa['chat.conversations'] })
    await behnamList.getByRole('link').first().waitFor()
    expect(await behnamList.getByRole('link').filter({ hasText: 'سفر شنبه' }).count()).toBe(0)
    await log(sara)
      .getByText(`${iso('بهنام')} left the group`)
      .waitFor()
  })

  it('Behnam reports a message of Sara’s; an edited message shows its earlier version; Sara blocks and unblocks', async () => {
    await sara.goto(conversationPath)
    const box = composer(sara, en)
    await box.fill('Bring the map')
    await box.press('Enter')
    // By the keyboard: the message was sent while the history loaded, and the log scrolling to the
    // end when it arrives would move a hovering mouse off the message (its toolbar then hides).
    const mine = bubble(sara, 'Bring the map')
    await mine.getByRole('button', { name: `Edit “${iso('Bring the map')}”` }).focus()
    await sara.keyboard.press('Enter')
    await box.fill('Bring the big map')
    await box.press('Enter')

    await behnam.goto(conversationPath)
    const theirs = bubble(behnam, 'Bring the big map')
    await theirs.getByRole('button', { name: fa['chat.editedShow'].replace('{excerpt}', iso('Bring the big map')) }).click()
    const versions = behnam.getByRole('dialog', { name: fa['chat.editHistory'] })
    await versions.getByText('Bring the map', { exact: true }).waitFor()
    await behnam.keyboard.press('Escape')

    await theirs.hover()
    await theirs.getByRole('button', { name: fa['chat.action.report'].replace('{excerpt}', iso('Bring the big map')) }).click()
    const report = behnam.getByRole('dialog', { name: fa['chat.report.title'] })
    await report.getByLabel(fa['chat.report.reason']).fill('آزاردهنده است')
    await report.getByRole('button', { name: fa['chat.report.send'] }).click()
    await report.getByText(fa['chat.report.sent']).waitFor()
    await report.getByRole('button', { name: fa['ui.close'] }).click()
    const admin = await api(server.url, 'POST', '/v1/auth/login', { email: 'root@caravan.test', password: 'admin-password-1' })
    const reports = await api(server.url, 'GET', '/v1/admin/chat/reports', undefined, admin.body.accessToken)
    expect(reports.body.items.some((r: any) => r.reason === 'آزاردهنده است')).toBe(true)

    // Sara blocks Behnam from the details of their conversation: he cannot write to her.
    await sara.getByRole('button', { name: en['chat.detailsOf'].replace('{name}', iso('بهنام')) }).click()
    const details = sara.getByRole('dialog', { name: en['chat.detailsOf'].replace('{name}', iso('بهنام')) })
    await details.getByText(behnamId).waitFor()
    await details.getByRole('button', { name: `Block ${iso('بهنام')}` }).click()
    await details.getByText(`You have blocked ${iso('بهنام')}. They cannot message you.`).waitFor()
    await behnam.reload()
    await behnam.getByText(fa['chat.blockedNote']).waitFor()
    await details.getByRole('button', { name: `Unblock ${iso('بهنام')}` }).click()
    await details.getByRole('button', { name: `Block ${iso('بهنام')}` }).waitFor()
    await sara.keyboard.press('Escape')
  })

  it('a search hit opens the conversation at its message', async () => {
    await sara.goto('/chat')
    await sara.getByLabel(en['chat.search']).fill('friday')
    const hit = sara.getByRole('link').filter({ hasText: 'Hello Behnam! Are we still on for Friday?' })
    await hit.click()
    await sara.waitForURL((url) => url.pathname === conversationPath && url.searchParams.has('message'))
    // The hit is marked for a moment and takes focus (not the reply quoting it).
    const target = log(sara).locator('.chat-msg.highlighted')
    await target.waitFor()
    expect(await target.locator('.chat-text').textContent()).toBe('Hello Behnam! Are we still on for Friday?')
    await expect.poll(() => target.evaluate((el) => el === document.activeElement)).toBe(true)
  })

  it('both pages pass axe with no sideways scroll, on a desktop and on a phone', async () => {
    for (const [page, name, other] of [
      [sara, 'en', 'بهنام'],
      [behnam, 'fa', 'Sara'],
    ] as const) {
      await page.setViewportSize(DESKTOP)
      await page.goto(conversationPath)
      await bubble(page, 'سلام سارا!').waitFor()
      await expectAccessible(page)
      await page.goto('/chat')
      await page.locator('.chat-row').first().waitFor()
      await expectAccessible(page)
      await screenshot(page, `chat-${name}-desktop-list`)

      await page.setViewportSize(PHONE)
      await expectAccessible(page)
      await screenshot(page, `chat-${name}-phone-list`)
      // Tap a conversation: it alone is shown, with a way back.
      await page
        .locator('.chat-row')
        .filter({ has: page.locator('.chat-row-name', { hasText: other }) })
        .click()
      await bubble(page, 'سلام سارا!').waitFor()
      expect(await page.locator('.chat-list-pane').isVisible()).toBe(false)
      await expectAccessible(page)
      await screenshot(page, `chat-${name}-phone-conversation`)
      await page.getByRole('link', { name: name === 'en' ? en['chat.backToList'] : fa['chat.backToList'] }).click()
      await page.locator('.chat-row').first().waitFor()
    }
    // Persian on a phone in dark mode.
    await behnam.emulateMedia({ colorScheme: 'dark' })
    await behnam.goto(conversationPath)
    await bubble(behnam, 'سلام سارا!').waitFor()
    await expectAccessible(behnam)
    await screenshot(behnam, 'chat-fa-phone-dark-conversation')
    await behnam.emulateMedia({ colorScheme: 'light' })
  })

  it('history loads upward as the reader scrolls, once each, keeping what is on screen in place', async () => {
    const id = conversationPath.split('/').pop()
    const token = await accessTokenOf(behnam)
    for (let n = 1; n <= 80; n++) {
      const sent = await api(
        server.url,
        'POST',
        `/v1/conversations/${id}/messages`,
        { clientMessageId: `old-${n}`, text: `Old news ${n}` },
        token,
      )
      expect(sent.status).toBe(201)
    }
    await sara.setViewportSize(DESKTOP)
    await sara.goto(conversationPath)
    await bubble(sara, 'Old news 80').waitFor()
    // The newest page only, at the bottom.
    expect(await log(sara).getByText('Old news 30', { exact: true }).count()).toBe(0)
    const logBox = log(sara)
    for (let page = 0; page < 5 && !(await logBox.getByText(en['chat.beginning']).count()); page++) {
      const anchor = logBox.locator('.chat-msg').first()
      const anchorId = await anchor.getAttribute('id')
      await logBox.evaluate((el) => (el.scrollTop = 0))
      await expect.poll(async () => (await logBox.locator('.chat-msg').first().getAttribute('id')) !== anchorId).toBe(true)
      // What was at the top is still where it was on screen, not pushed away by the page above it.
      const top = await sara
        .locator(`#${anchorId}`)
        .evaluate((el) => el.getBoundingClientRect().top - el.closest('.chat-log')!.getBoundingClientRect().top)
      expect(Math.abs(top)).toBeLessThan(120)
    }
    await logBox.getByText(en['chat.beginning']).waitFor()
    const ids = await logBox.locator('.chat-msg[id]').evaluateAll((els) => els.map((el) => el.id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(
      await logBox
        .locator('.chat-text')
        .filter({ hasText: /^Old news 1$/ })
        .count(),
    ).toBe(1)
    expect(
      await logBox
        .locator('.chat-text')
        .filter({ hasText: /^Hello Behnam! Are we still on for Friday\?$/ })
        .count(),
    ).toBe(1)
  })
})
