// The fraud console end to end. Through the API: the rules send an operation whose e-mail domain
// is on the blocklist to review (the blocklist match forces a review), a customer of that domain
// makes a real wallet transfer and a payment, so two reviews wait. In English, as the admin: the
// queue (reached from the console's navigation) shows the transfer with its reason in words, the
// detail sheet its facts; it is approved by keyboard with a note and leaves the open list; the
// payment is approved twice through the API meanwhile (the second is a 409) and the page says
// plainly that another admin decided it; the decided ones are listed under Approved. The rules page:
// a threshold changed and saved ("version 2"), kept after a reload; another admin's save in between
// is a 409 with Reload; a name used twice is a 400 marked at its field; a blocklist entry added
// (refused when listed already or not an address) and removed. In Persian: the queue and the rules
// page right to left with Persian digits, a review rejected with a reason. Then every kind of
// reason in words: rules edited in the page (the server's three refusals each marked at its field,
// rules added and removed) hold a young customer's second withdrawal for three reasons, rejected
// with its e-mail domain blocked, and a host product's payment naming another country. Each screen
// is checked with axe and for sideways scroll at 1366 px and 360 px, and shot.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, chromiumAvailable, fundWallet, iso, launchBrowser, pageOpener, startServer, unique, type RunningServer } from './harness'
import { checkScreen, settled, shot } from './screens'

const ADMIN_EMAIL = 'fraud@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const DOMAIN = 'review-me.test'
const SOON = { timeout: 20_000, interval: 250 }

describe.runIf(chromiumAvailable())('the fraud console: review queue, rules and blocklist', () => {
  let server: RunningServer
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  const password = 'correct-horse-42'

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })

  const signIn = (locale: 'en-GB' | 'fa-IR') => pages.signedIn(locale, ADMIN_EMAIL, ADMIN_PASSWORD, locale === 'fa-IR' ? 'fa' : 'en')

  async function register(locale: 'en' | 'fa', name: string, domain = 'example.com') {
    const email = `fc-${locale}-${unique()}@${domain}`
    const made = await api(server.url, 'POST', '/v1/auth/register', { email, password, name, locale })
    expect(made.status).toBe(201)
    return { email, id: made.body.user.id as string, token: made.body.accessToken as string }
  }

  /** A customer of the listed domain with money in the wallet sends some to another: a transfer that waits in the queue. */
  async function reviewedTransfer(locale: 'en' | 'fa', name: string, amount: string) {
    const sender = await register(locale, name, DOMAIN)
    const receiver = await register(locale, `${name} 2`)
    await fundWallet(server.url, adminToken, sender.id, '1000000')
    const sent = await api(server.url, 'POST', '/v1/wallet/transfers', { to: receiver.id, amount, currency: 'IRR' }, sender.token)
    expect(sent.status).toBe(201)
    return sender
  }

  const openReviews = async () =>
    (await api(server.url, 'GET', '/v1/admin/fraud/reviews?status=open', undefined, adminToken)).body.items as {
      id: string
      operation: string
      userId: string
    }[]

  /** Presses Tab until the focused element is the one `selector` finds inside `scope` (at most 15 times). */
  async function tabTo(page: Page, scope: string, selector: string) {
    for (let i = 0; i < 15; i++) {
      const there = await page.evaluate(
        ([scope, selector]) => {
          const target = document.querySelector(scope)?.querySelector(selector)
          return Boolean(target) && document.activeElement === target
        },
        [scope, selector] as const,
      )
      if (there) return
      await page.keyboard.press('Tab')
    }
    throw new Error(`Tab never reached ${selector}`)
  }

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken

    // A match on the e-mail domain blocklist forces a review (the default blocks), and the domain is listed.
    const current = await api(server.url, 'GET', '/v1/admin/fraud/rules', undefined, adminToken)
    expect(current.body.version).toBe(0)
    const rules = { ...current.body.rules, blocklists: { ...current.body.rules.blocklists, emailDomain: { score: 50, action: 'review' } } }
    const saved = await api(server.url, 'PUT', '/v1/admin/fraud/rules', { version: 0, rules }, adminToken)
    expect(saved.status).toBe(200)
    expect(saved.body.version).toBe(1)
    const listed = await api(server.url, 'POST', '/v1/admin/fraud/blocklist', { kind: 'email_domain', value: DOMAIN }, adminToken)
    expect(listed.status).toBe(201)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('in English: the queue, a keyboard approval, another admin first; the rules and the blocklist', { timeout: 300_000 }, async () => {
    const rita = await reviewedTransfer('en', 'Rita Review', '120000')
    // A payment by the same customer: created (a review lets it through) and queued too.
    const payment = await api(
      server.url,
      'POST',
      '/v1/payments',
      {
        amount: '990',
        currency: 'USD',
        purpose: { type: 'order', ref: 'F-1' },
        returnUrl: `${server.url.replace('127.0.0.1', 'localhost')}/pay/result`,
      },
      rita.token,
    )
    expect(payment.status).toBe(201)
    const queued = await openReviews()
    expect(queued.map((r) => r.operation).sort()).toEqual(['payment', 'transfer'])

    // The queue, reached from the console's navigation: the reason in words, not JSON.
    const desk = await signIn('en-GB')
    await desk.goto('/console')
    await desk.getByRole('link', { name: 'Fraud reviews' }).first().click()
    await h1(desk, 'Fraud reviews').waitFor()
    const transfer = desk.getByRole('row').filter({ hasText: 'Transfer between wallets' })
    await transfer.getByText('Rita Review').waitFor()
    await transfer.getByText('12,000 Toman').waitFor()
    await transfer.getByText(`The e-mail domain ${iso(DOMAIN)} is on the blocklist.`).waitFor()
    await transfer.getByText('+50 points, forces a review').waitFor()
    await transfer.getByText(`${iso('50')} of ${iso('100')}`).waitFor()
    expect(await transfer.innerText()).not.toMatch(/[{}]/)
    await checkScreen(desk, 'fraud-queue-en')

    // The detail sheet: the facts the rules saw.
    await transfer.getByRole('button', { name: /^Details: / }).click()
    const sheet = desk.getByRole('dialog', { name: `${iso('Transfer between wallets')} of ${iso('12,000 Toman')}` })
    await sheet.getByText(DOMAIN, { exact: true }).waitFor()
    await sheet.getByText('127.0.0.1', { exact: true }).waitFor()
    await sheet.getByText('The customer', { exact: true }).waitFor()
    await sheet.getByRole('link', { name: 'Open the transfer' }).waitFor()
    await checkScreen(desk, 'fraud-detail-en')
    await desk.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })

    // Approve by keyboard: the row's button, then the note and the dialog's Approve.
    await transfer.getByRole('button', { name: /^Approve: / }).focus()
    await desk.keyboard.press('Enter')
    const approve = desk.getByRole('dialog', { name: `Approve: ${iso('Transfer between wallets')} of ${iso('12,000 Toman')}?` })
    await approve.getByText('The operation has gone through already. Approving closes the review.').waitFor()
    await tabTo(desk, '.fraud-dialog', 'textarea')
    await desk.keyboard.type('Known customer, paying a friend.')
    await tabTo(desk, '.fraud-dialog', 'button[type="submit"]')
    await desk.keyboard.press('Enter')
    await desk
      .getByRole('status')
      .filter({ hasText: `Review approved: ${iso('Transfer between wallets')} of ${iso('12,000 Toman')}.` })
      .waitFor()
    await expect.poll(() => desk.getByRole('row').filter({ hasText: 'Transfer between wallets' }).count(), SOON).toBe(0)
    expect((await openReviews()).map((r) => r.operation)).toEqual(['payment'])

    // Another admin approves the payment meanwhile (a second approval is a 409): the page says so.
    const paid = desk.getByRole('row').filter({ hasText: '$9.90' })
    await paid.getByRole('button', { name: /^Approve: / }).click()
    const raced = desk.getByRole('dialog', { name: `Approve: ${iso('Payment')} of ${iso('$9.90')}?` })
    await raced.getByLabel('Note').waitFor()
    const reviewId = queued.find((r) => r.operation === 'payment')!.id
    const first = await api(server.url, 'POST', `/v1/admin/fraud/reviews/${reviewId}/approve`, { note: 'checked by phone' }, adminToken)
    expect(first.status).toBe(200)
    const second = await api(server.url, 'POST', `/v1/admin/fraud/reviews/${reviewId}/approve`, {}, adminToken)
    expect(second.status).toBe(409)
    expect(second.body.type).toMatch(/fraud_review_decided$/)
    await raced.getByRole('button', { name: 'Approve', exact: true }).click()
    await raced.getByText('Another administrator has already approved this review. The list now shows their decision.').waitFor()
    await checkScreen(desk, 'fraud-queue-conflict-en')
    await raced.getByRole('button', { name: 'Close' }).click()
    await desk.getByText('No operations are waiting for a review.').waitFor()

    // Both are listed under Approved, with their notes.
    await desk.getByRole('button', { name: /\sReviews$/ }).click()
    await desk.getByRole('option', { name: 'Approved', exact: true }).click()
    await desk.waitForURL(/status=approved/)
    await desk.getByRole('row').filter({ hasText: 'Known customer, paying a friend.' }).getByText('Approved').waitFor()
    await desk.getByRole('row').filter({ hasText: 'checked by phone' }).getByText('Approved').waitFor()

    // The rules: a threshold changed and saved, kept after a reload.
    await desk.getByRole('link', { name: 'Fraud rules' }).first().click()
    await h1(desk, 'Fraud rules').waitFor()
    await desk.getByText(`Version ${iso('1')}, saved`, { exact: false }).waitFor()
    const review = desk.getByRole('textbox', { name: 'Review from a score of', exact: true })
    expect(await review.inputValue()).toBe('60')
    await review.fill('55')
    await review.press('Tab')
    await desk.getByRole('button', { name: 'Save rules' }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `Rules saved, version ${iso('2')}. They apply at once.` })
      .waitFor()
    await desk.reload()
    await h1(desk, 'Fraud rules').waitFor()
    await expect.poll(() => desk.getByRole('textbox', { name: 'Review from a score of', exact: true }).inputValue(), SOON).toBe('55')
    await desk.getByText(`Version ${iso('2')}, saved`, { exact: false }).waitFor()
    const stored = await api(server.url, 'GET', '/v1/admin/fraud/rules', undefined, adminToken)
    expect(stored.body.rules.thresholds.review).toBe(55)
    // The rest of the document came back as it was (the e-mail domain still forces a review).
    expect(stored.body.rules.blocklists.emailDomain).toEqual({ score: 50, action: 'review' })
    expect(stored.body.rules.velocity.map((r: { id: string }) => r.id)).toEqual([
      'user-burst',
      'device-burst',
      'ip-burst',
      'user-daily-amount',
    ])
    expect(stored.body.rules.velocity[3].maxAmount).toEqual({ IRR: '20000000000', USD: '2000000', EUR: '2000000' })
    // Typed in each currency's display unit: 2,000,000,000 toman is 20,000,000,000 rial.
    const daily = desk.getByRole('group', { name: `Velocity rule ${iso('4')}`, exact: true })
    expect(await daily.getByLabel(`Limit in ${iso('Toman')}`).inputValue()).toBe('2,000,000,000')
    expect(await daily.getByLabel(`Limit in ${iso('$')}`).inputValue()).toBe('20,000.00')
    await checkScreen(desk, 'fraud-rules-en')

    // Another admin saves in between: a 409, said with a way to reload.
    const theirs = { ...stored.body.rules, thresholds: { review: 55, block: 90 } }
    expect((await api(server.url, 'PUT', '/v1/admin/fraud/rules', { version: 2, rules: theirs }, adminToken)).status).toBe(200)
    const block = desk.getByRole('textbox', { name: 'Block from a score of', exact: true })
    await block.fill('95')
    await block.press('Tab')
    await desk.getByRole('button', { name: 'Save rules' }).click()
    const conflict = desk
      .getByRole('alert')
      .filter({ hasText: 'Another administrator saved the rules while you were editing them, so yours were not saved.' })
    await conflict.waitFor()
    await conflict.getByRole('button', { name: 'Reload the rules' }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `The current rules are shown: version ${iso('3')}.` })
      .waitFor()
    await expect.poll(() => desk.getByRole('textbox', { name: 'Block from a score of', exact: true }).inputValue()).toBe('90')

    // A name used twice: the server's 400 marked at the field, and listed above Save.
    const secondRule = desk.getByRole('group', { name: `Velocity rule ${iso('2')}`, exact: true })
    await secondRule.getByLabel('Name').fill('user-burst')
    await desk.getByRole('button', { name: 'Save rules' }).click()
    await secondRule.getByText('Another rule has this name already.').waitFor()
    expect(await secondRule.getByLabel('Name').getAttribute('aria-invalid')).toBe('true')
    await expect.poll(() => desk.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('user-burst')
    const invalid = desk.getByRole('alert').filter({ hasText: 'The rules were not saved. Correct these fields:' })
    await invalid.getByText('Another rule has this name already.', { exact: false }).waitFor()
    expect(await invalid.innerText()).toContain('Velocity rule')
    await shot(desk, 'fraud-rules-invalid-en')
    await secondRule.getByLabel('Name').fill('device-burst')
    await desk.getByRole('button', { name: 'Save rules' }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `Rules saved, version ${iso('4')}.` })
      .waitFor()

    // The blocklist: add an address range, refused twice over, then removed.
    const add = desk.getByRole('form', { name: 'Add to the blocklist' })
    await add.getByRole('button', { name: /\sKind$/ }).click()
    await desk.getByRole('option', { name: 'IP address or range', exact: true }).click()
    await add.getByText('An IPv4 or IPv6 address, or a range such as 203.0.113.0/24.').waitFor()
    await add.getByLabel('Value').fill('203.0.113.0/24')
    await add.getByLabel('Note').fill('Card testing from this network')
    await add.getByRole('button', { name: 'Add to the blocklist' }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `${iso('203.0.113.0/24')} is now on the blocklist (${iso('IP address or range')}).` })
      .waitFor()
    const entry = desk.getByRole('row').filter({ hasText: '203.0.113.0/24' })
    await entry.getByText('Card testing from this network').waitFor()
    await desk.getByRole('row').filter({ hasText: DOMAIN }).getByText('E-mail domain').waitFor()
    await add.getByLabel('Value').fill('203.0.113.0/24')
    await add.getByRole('button', { name: 'Add to the blocklist' }).click()
    await add.getByText('This is on the blocklist already.').waitFor()
    await add.getByLabel('Value').fill('999.1.2.3')
    await add.getByRole('button', { name: 'Add to the blocklist' }).click()
    await add.getByText('This is not an IP address or range.').waitFor()
    await checkScreen(desk, 'fraud-blocklist-en')
    await entry.getByRole('button', { name: `Remove ${iso('203.0.113.0/24')} from the blocklist` }).click()
    const removing = desk.getByRole('alertdialog', { name: `Remove ${iso('203.0.113.0/24')} from the blocklist?` })
    await removing.getByRole('button', { name: 'Remove', exact: true }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `${iso('203.0.113.0/24')} was removed from the blocklist.` })
      .waitFor()
    await expect.poll(() => desk.getByRole('row').filter({ hasText: '203.0.113.0/24' }).count(), SOON).toBe(0)
    const list = await api(server.url, 'GET', '/v1/admin/fraud/blocklist', undefined, adminToken)
    expect(list.body.items.map((e: { value: string }) => e.value)).toEqual([DOMAIN])
  })

  it('in Persian: the queue and the rules right to left with Persian digits; a rejection with a reason', { timeout: 300_000 }, async () => {
    await reviewedTransfer('fa', 'نیلوفر', '50000')
    const desk = await signIn('fa-IR')
    await desk.goto('/console/fraud/reviews')
    await h1(desk, 'بررسی‌های تقلب').waitFor()
    expect(await desk.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    const row = desk.getByRole('row').filter({ hasText: '۵٬۰۰۰ تومان' })
    await row.getByText('نیلوفر', { exact: true }).waitFor()
    await row.getByText('انتقال بین کیف پول‌ها').waitFor()
    await row.getByText(`دامنهٔ ایمیل ${iso(DOMAIN)} در فهرست سیاه است.`).waitFor()
    await row.getByText(`${iso('۵۰')} از ${iso('۱۰۰')}`).waitFor()
    // The date in the Solar Hijri calendar, Tehran time, Persian digits only.
    const date = await row.locator('time').first().innerText()
    expect(date).toMatch(/[۰-۹]/)
    expect(date).not.toMatch(/[0-9]/)
    await checkScreen(desk, 'fraud-queue-fa')

    await row.getByRole('button', { name: /^رد: / }).click()
    const reject = desk.getByRole('dialog', { name: `رد: ${iso('انتقال بین کیف پول‌ها')} به مبلغ ${iso('۵٬۰۰۰ تومان')}؟` })
    await reject.getByRole('button', { name: 'رد', exact: true }).click()
    await reject.getByText('پر کردن این بخش لازم است.').waitFor()
    await reject.getByLabel('دلیل').fill('حساب گیرنده ناشناس است.')
    await checkScreen(desk, 'fraud-reject-fa')
    await reject.getByRole('button', { name: 'رد', exact: true }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `بررسی رد شد: ${iso('انتقال بین کیف پول‌ها')} به مبلغ ${iso('۵٬۰۰۰ تومان')}.` })
      .waitFor()
    await desk.getByText('هیچ عملیاتی در انتظار بررسی نیست.').waitFor()

    await desk.goto('/console/fraud/rules')
    await h1(desk, 'قاعده‌های تقلب').waitFor()
    expect(await desk.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await expect.poll(() => desk.getByRole('textbox', { name: 'بررسی از امتیاز', exact: true }).inputValue(), SOON).toBe('۵۵')
    expect(await desk.getByRole('textbox', { name: 'مسدودسازی از امتیاز', exact: true }).inputValue()).toBe('۹۰')
    await desk.getByText(`نسخهٔ ${iso('۴')}، ذخیره‌شده در`, { exact: false }).waitFor()
    // An amount limit in toman, in Persian digits: 2,000,000,000 toman a day for the user-daily-amount rule.
    const daily = desk.getByRole('group', { name: `قاعدهٔ سرعت ${iso('۴')}`, exact: true })
    expect(await daily.getByLabel(`سقف به ${iso('تومان')}`).inputValue()).toBe('۲٬۰۰۰٬۰۰۰٬۰۰۰')
    await desk.getByRole('row').filter({ hasText: DOMAIN }).getByText('دامنهٔ ایمیل').waitFor()
    await settled(desk)
    await checkScreen(desk, 'fraud-rules-fa')
  })

  it(
    'every kind of reason in words; a withdrawal held, then rejected with its domain blocked; rule lists edited',
    { timeout: 300_000 },
    async () => {
      const plain = (text: string) => text.replace(/[\u2068\u2069]/g, '')
      const desk = await signIn('en-GB')

      // The rules page: three mistakes the server finds, each marked at its field.
      await desk.goto('/console/fraud/rules')
      await h1(desk, 'Fraud rules').waitFor()
      await settled(desk)
      const block = desk.getByRole('textbox', { name: 'Block from a score of', exact: true })
      const review = desk.getByRole('textbox', { name: 'Review from a score of', exact: true })
      await block.fill('50')
      await review.fill('95')
      await review.press('Tab')
      await desk.getByRole('button', { name: 'Add a velocity rule' }).click()
      const hourly = desk.getByRole('group', { name: `Velocity rule ${iso('5')}`, exact: true })
      await expect.poll(() => desk.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('rules.velocity.4.id')
      await hourly.getByLabel('Name').fill('withdrawals-burst')
      await desk.getByRole('button', { name: 'Add a new-account rule' }).click()
      const young = desk.getByRole('group', { name: `New-account rule ${iso('2')}`, exact: true })
      await young.getByLabel('Name').fill('young-withdrawals')
      // A third, removed again: focus goes back to Add.
      await desk.getByRole('button', { name: 'Add a new-account rule' }).click()
      await desk.getByRole('button', { name: `Remove: new-account rule ${iso('3')}` }).click()
      await expect.poll(() => desk.getByRole('group', { name: `New-account rule ${iso('3')}`, exact: true }).count()).toBe(0)
      await expect.poll(() => desk.evaluate(() => document.activeElement?.textContent)).toBe('Add a new-account rule')
      await desk.getByRole('button', { name: 'Save rules' }).click()
      const invalid = desk.getByRole('alert').filter({ hasText: 'The rules were not saved. Correct these fields:' })
      await invalid.waitFor()
      const listed = plain(await invalid.innerText())
      expect(listed).toContain('Review from a score of')
      expect(listed).toContain('The review threshold must not be above the block threshold.')
      expect(listed).toContain('Velocity rule 5, At most this many operations')
      expect(listed).toContain('Give a maximum count or an amount limit.')
      expect(listed).toContain('New-account rule 2, Limit in Toman')
      expect(listed).toContain('Give a limit in at least one currency.')
      expect(await review.getAttribute('aria-invalid')).toBe('true')
      await hourly.getByText('Give a maximum count or an amount limit.').waitFor()
      await young.getByText('Give a limit in at least one currency.').waitFor()
      await checkScreen(desk, 'fraud-rules-invalid-lists-en')

      // Corrected: at most one withdrawal in 10 minutes, 1,000 toman a withdrawal for young accounts,
      // 3,000 toman a day per customer, and a country mismatch forces a review.
      await review.fill('30')
      await block.fill('100')
      await hourly.getByRole('textbox', { name: /^At most this many operations/ }).fill('1')
      await hourly.getByRole('button', { name: /Decision it forces$/ }).click()
      await desk.getByRole('option', { name: 'At least a review', exact: true }).click()
      await hourly.getByText('Withdrawal', { exact: true }).click()
      await young.getByLabel(`Limit in ${iso('Toman')}`).fill('1,000')
      await young.getByText('Withdrawal', { exact: true }).click()
      const daily = desk.getByRole('group', { name: `Velocity rule ${iso('4')}`, exact: true })
      await daily.getByLabel(`Limit in ${iso('Toman')}`).fill('3,000')
      const country = desk.getByRole('group', { name: 'Country mismatch', exact: true })
      await country.getByRole('button', { name: /Decision it forces$/ }).click()
      await desk.getByRole('option', { name: 'At least a review', exact: true }).click()
      await desk.getByRole('button', { name: 'Save rules' }).click()
      await desk.getByRole('status').filter({ hasText: 'Rules saved, version' }).waitFor()
      const saved = (await api(server.url, 'GET', '/v1/admin/fraud/rules', undefined, adminToken)).body.rules
      expect(saved.thresholds).toEqual({ review: 30, block: 100 })
      expect(saved.velocity[4]).toMatchObject({ id: 'withdrawals-burst', maxCount: 1, action: 'review', operations: ['withdrawal'] })
      expect(saved.velocity[3].maxAmount.IRR).toBe('30000')
      expect(saved.accountAge[1]).toMatchObject({ id: 'young-withdrawals', maxAmount: { IRR: '10000' }, operations: ['withdrawal'] })
      expect(saved.countryMismatch).toEqual({ score: 20, action: 'review' })

      // A new customer withdraws twice: the second is held with three reasons.
      const wanda = await register('en', 'Wanda Withdraw', 'withdraw-me.test')
      await fundWallet(server.url, adminToken, wanda.id, '1000000')
      for (const destination of ['Bank Melli 0101', 'Bank Melli 0102']) {
        const made = await api(server.url, 'POST', '/v1/wallet/withdrawals', { amount: '20000', currency: 'IRR', destination }, wanda.token)
        expect(made.status).toBe(201)
      }
      // A host product's customer, known in Iran, pays naming Germany, through its server's API key.
      const key = await api(
        server.url,
        'POST',
        '/v1/api-keys',
        { name: `shop-${unique()}`, scopes: ['payments:write', 'users:write'] },
        adminToken,
      )
      expect(key.status).toBe(201)
      const hosted = await api(
        server.url,
        'POST',
        '/v1/payments',
        {
          amount: '4500',
          currency: 'USD',
          country: 'DE',
          customerId: { externalId: `kian-${unique()}`, name: 'Kian Host', attributes: { country: 'IR' } },
          purpose: { type: 'order', ref: 'F-2' },
          returnUrl: `${server.url.replace('127.0.0.1', 'localhost')}/pay/result`,
        },
        key.body.key,
      )
      expect(hosted.status).toBe(201)
      const queued = await openReviews()
      expect(queued.filter((r) => r.userId === wanda.id).map((r) => r.operation)).toEqual(['withdrawal'])

      await desk.goto('/console/fraud/reviews')
      await h1(desk, 'Fraud reviews').waitFor()
      const held = desk.getByRole('row').filter({ hasText: 'Wanda Withdraw' })
      await held.getByRole('button', { name: /^Details: / }).click()
      const sheet = desk.getByRole('dialog')
      await sheet.getByRole('link', { name: 'Open the withdrawals' }).waitFor()
      const why = plain(await sheet.innerText())
      expect(why).toContain('This customer made 2 operations within 10 minutes, over the limit of 1.')
      expect(why).toContain('This customer moved 4,000 Toman within 1 day, over the limit of 3,000 Toman.')
      expect(why).toContain(
        'A new account (opened today; the rule covers accounts under 1 day) took 2,000 Toman at once, over the limit of 1,000 Toman.',
      )
      expect(why).toContain('+20 points, forces a review')
      expect(why).toContain('+30 points')
      expect(why).toContain('withdraw-me.test')
      await checkScreen(desk, 'fraud-detail-reasons-en')
      await desk.keyboard.press('Escape')
      await sheet.waitFor({ state: 'detached' })

      // Approving a withdrawal's review says what follows; cancelled. Rejected instead, its domain blocked.
      await held.getByRole('button', { name: /^Approve: / }).click()
      const approving = desk.getByRole('dialog', { name: /^Approve: / })
      await approving
        .getByText('The withdrawal stays pending until it is approved in Withdrawal approvals; after this review it can be.')
        .waitFor()
      await approving.getByRole('button', { name: 'Cancel' }).click()
      await approving.waitFor({ state: 'detached' })
      await held.getByRole('button', { name: /^Reject: / }).click()
      const rejecting = desk.getByRole('dialog', { name: /^Reject: / })
      await rejecting.getByText('The withdrawal is rejected and its held amount goes back to the customer’s wallet.').waitFor()
      await rejecting.getByLabel('Reason').fill('Two withdrawals minutes after opening the account.')
      await rejecting.getByText('withdraw-me.test', { exact: true }).click()
      await rejecting.getByRole('button', { name: 'Reject', exact: true }).click()
      await desk.getByRole('status').filter({ hasText: 'Review rejected:' }).waitFor()
      const blocked = await api(server.url, 'GET', '/v1/admin/fraud/blocklist?kind=email_domain', undefined, adminToken)
      expect(blocked.body.items.map((e: { value: string }) => e.value)).toContain('withdraw-me.test')
      const withdrawals = await api(server.url, 'GET', '/v1/me/wallet/withdrawals', undefined, wanda.token)
      expect(withdrawals.body.items.map((w: { status: string }) => w.status).sort()).toEqual(['pending', 'rejected'])

      // The host's payment: asked by the product's server, the countries named.
      const foreign = desk.getByRole('row').filter({ hasText: 'Kian Host' })
      await foreign.getByRole('button', { name: /^Details: / }).click()
      const paid = desk.getByRole('dialog')
      await paid.getByText('Your product’s server (API key)').waitFor()
      expect(plain(await paid.innerText())).toContain('The payment names Germany (DE), but the customer’s country is Iran (IR).')
      await paid.getByRole('button', { name: /^Approve: / }).click()
      await desk
        .getByRole('dialog', { name: /^Approve: / })
        .getByRole('button', { name: 'Approve', exact: true })
        .click()
      await desk.getByRole('status').filter({ hasText: 'Review approved:' }).waitFor()

      // All reviews: the rejected one's sheet shows who decided, when, and why.
      await desk.getByRole('button', { name: /\sReviews$/ }).click()
      await desk.getByRole('option', { name: 'All reviews', exact: true }).click()
      await desk.waitForURL(/status=all/)
      const decided = desk.getByRole('row').filter({ hasText: 'Wanda Withdraw' })
      await decided.getByText('Rejected').waitFor()
      await decided.getByRole('button', { name: /^Details: / }).click()
      const record = desk.getByRole('dialog')
      await record.getByText('Decided by').waitFor()
      await record.getByText('Two withdrawals minutes after opening the account.').waitFor()
      await desk.keyboard.press('Escape')

      // The blocklist filtered by kind.
      await desk.goto('/console/fraud/rules')
      const filter = desk.getByRole('search', { name: 'Filter the blocklist' })
      await filter.getByRole('button', { name: /Kind$/ }).click()
      await desk.getByRole('option', { name: 'Device', exact: true }).click()
      await desk.waitForURL(/kind=device/)
      await desk.getByText('No entries of this kind.').waitFor()
      await filter.getByRole('button', { name: /Kind$/ }).click()
      await desk.getByRole('option', { name: 'E-mail domain', exact: true }).click()
      await desk.getByRole('row').filter({ hasText: 'withdraw-me.test' }).waitFor()
    },
  )
})
