// The wallet's forms and the console's wallet pages end to end, as people would use them. In
// English: a new customer tops up 50,000 toman through the test gateway, tries to send money to
// nobody, to themselves, more than they have and more than the limit (each refusal said at its
// field), sends 10,000 toman to another customer and sees the balance drop, asks for a withdrawal;
// an admin approves it in the console queue by keyboard, sees another admin's decision (409) said
// plainly and rejects a third with a reason the customer then reads; the ledger explorer says the
// books balance and walks from the customer's wallet to its postings (running balance) and a
// transfer. In Persian: amounts typed in Persian digits, a Sheba in Persian digits, the queue and
// the explorer right to left. Axe and no sideways scroll at 1280 and 390 px, with screenshots.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from './a11y'
import {
  accessTokenOf,
  api,
  chromiumAvailable,
  fundWallet,
  iso,
  launchBrowser,
  pageOpener,
  startServer,
  unique,
  type RunningServer,
} from './harness'
import { settled, shot } from './screens'

const ADMIN_EMAIL = 'ledger@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const IBAN = 'IR06 2960 0000 0010 0324 2000 01'
/** Jobs (a top-up's credit) and sockets (wallet.changed) take a moment: this long at most. */
const SOON = { timeout: 20_000, interval: 250 }
const SIZES = [
  { suffix: '', viewport: { width: 1280, height: 800 } },
  { suffix: '-390', viewport: { width: 390, height: 844 } },
]

describe.runIf(chromiumAvailable())('wallet forms and the console’s wallet pages', () => {
  let server: RunningServer
  let browser: Awaited<ReturnType<typeof launchBrowser>>
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  const password = 'correct-horse-42'

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })
  const card = (page: Page, currency: string) => page.getByRole('listitem', { name: currency, exact: true })
  const amounts = (page: Page, currency: string) => card(page, currency).locator('dl > div > dd').allInnerTexts()
  const form = (page: Page, name: string) => page.getByRole('form', { name, exact: true })

  /** Both checks of a11y.ts at desktop and phone widths, each shot to test-artifacts/screenshots. */
  async function look(page: Page, name: string) {
    for (const { suffix, viewport } of SIZES) {
      await page.setViewportSize(viewport)
      await settled(page)
      await expectAccessible(page)
      await shot(page, `${name}${suffix}`)
    }
    await page.setViewportSize(SIZES[0].viewport)
  }

  const signIn = (locale: 'en-GB' | 'fa-IR', email: string, pass: string) => pages.signedIn(locale, email, pass)

  async function register(locale: 'en' | 'fa', name: string) {
    const email = `wc-${locale}-${unique()}@example.com`
    const made = await api(server.url, 'POST', '/v1/auth/register', { email, password, name, locale })
    expect(made.status).toBe(201)
    return { email, id: made.body.user.id as string, token: made.body.accessToken as string }
  }

  async function admin(locale: 'en' | 'fa'): Promise<Page> {
    const page = await signIn(locale === 'fa' ? 'fa-IR' : 'en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.evaluate((l) => localStorage.setItem('caravan.locale', l), locale)
    return page
  }

  const irrOf = async (token: string) =>
    ((await api(server.url, 'GET', '/v1/me/wallet', undefined, token)).body.balances as { currency: string; balance: string }[]).find(
      (b) => b.currency === 'IRR',
    )?.balance

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    // At PUBLIC_URL's origin (localhost), where the gateway's page sends the browser back.
    pages = pageOpener(browser, server.url.replace('127.0.0.1', 'localhost'))
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it(
    'in English: top up, send, withdraw; the admin approves, loses a race, rejects; the ledger balances',
    { timeout: 300_000 },
    async () => {
      const bob = await register('en', 'Bob Receiver')
      const me = await register('en', 'Alice Sender')
      const page = await signIn('en-GB', me.email, password)
      const myToken = await accessTokenOf(page)

      // Top up 50,000 toman through the checkout and the test gateway.
      await page.goto('/pay')
      await h1(page, 'Pay').waitFor()
      await page.getByLabel(`Amount in ${iso('Toman')}`).fill('50,000')
      await page.getByRole('button', { name: 'Pay', exact: true }).click()
      await page.waitForURL(/\/v1\/payments\/test-gateway\/tg_/)
      await page.getByRole('button', { name: 'Pay' }).click()
      await page.waitForURL((url) => url.pathname === '/pay/result')
      await h1(page, 'Payment successful').waitFor()
      await page.getByRole('link', { name: 'Your wallet', exact: true }).click()
      await h1(page, 'Your wallet').waitFor()
      await expect.poll(() => amounts(page, 'Iranian rial (IRR)'), SOON).toEqual(['50,000 Toman', '50,000 Toman', '0 Toman'])

      // Every refusal is said at the field it concerns.
      const send = form(page, 'Send money')
      const recipient = send.getByLabel('Recipient')
      const sendAmount = send.getByLabel(`Amount in ${iso('Toman')}`)
      await send.getByText(`Available now: ${iso('50,000 Toman')}.`).waitFor()
      await recipient.fill(`nobody-${unique()}@example.com`)
      await sendAmount.fill('1,000')
      await send.getByRole('button', { name: 'Send', exact: true }).click()
      await send.getByText('No one has this e-mail address or ID. Check it and try again.').waitFor()
      expect(await recipient.getAttribute('aria-invalid')).toBe('true')
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('to')

      await recipient.fill(me.email)
      await send.getByRole('button', { name: 'Send', exact: true }).click()
      await send.getByText('This is you. Choose someone else.').waitFor()

      await recipient.fill(bob.email)
      await sendAmount.fill('60,000')
      await send.getByRole('button', { name: 'Send', exact: true }).click()
      await send.getByText(`Your wallet does not hold enough for this: ${iso('50,000 Toman')} is available.`).waitFor()
      expect(await sendAmount.getAttribute('aria-invalid')).toBe('true')

      // A limit an admin set: at most 15,000 toman (150,000 rials) in one transfer.
      const limits = await api(
        server.url,
        'PATCH',
        '/v1/admin/wallet/settings',
        { transferLimits: { IRR: { perTransfer: '150000' } } },
        adminToken,
      )
      expect(limits.status).toBe(200)
      await sendAmount.fill('20,000')
      await send.getByRole('button', { name: 'Send', exact: true }).click()
      // Said with its figure, read again after the refusal (the page had read the limits before the admin's change).
      await send.getByText(`This is over the limit of one transfer: at most ${iso('15,000 Toman')}. Send less, or in parts.`).waitFor()
      expect(await irrOf(myToken)).toBe('500000')

      await sendAmount.fill('10,000')
      await send.getByLabel('Note').fill('Dinner — شام')
      await send.getByRole('button', { name: 'Send', exact: true }).click()
      await send
        .getByRole('status')
        .filter({ hasText: `You sent ${iso('10,000 Toman')} to ${iso('Bob Receiver')}. Available now: ${iso('40,000 Toman')}.` })
        .waitFor()
      await expect.poll(() => amounts(page, 'Iranian rial (IRR)'), SOON).toEqual(['40,000 Toman', '40,000 Toman', '0 Toman'])
      expect(await recipient.inputValue()).toBe('')
      expect(await irrOf(bob.token)).toBe('100000')
      // Back to the default limits for what follows.
      const defaults = { transferLimits: { IRR: { perTransfer: '1000000000', perDay: '2000000000' } } }
      expect((await api(server.url, 'PATCH', '/v1/admin/wallet/settings', defaults, adminToken)).status).toBe(200)
      const sent = page.getByRole('row', { name: /Transfer/ })
      await sent.waitFor()
      expect(await sent.getByRole('cell').allInnerTexts()).toEqual(['Transfer', '\u221210,000 Toman\nOut', '40,000 Toman', 'Dinner — شام'])

      // Ask for a withdrawal: held at once, listed as awaiting approval.
      const withdraw = form(page, 'Withdraw')
      await withdraw.getByLabel(`Amount in ${iso('Toman')}`).fill('15000')
      await withdraw.getByLabel('Pay to').fill(IBAN)
      await withdraw.getByRole('button', { name: 'Request withdrawal' }).click()
      await withdraw
        .getByRole('status')
        .filter({ hasText: `Your request to withdraw ${iso('15,000 Toman')} was sent.` })
        .waitFor()
      await expect
        .poll(() => amounts(page, 'Iranian rial (IRR)'), SOON)
        .toEqual(['40,000 Toman', '25,000 Toman', expect.stringMatching(/^15,000 Toman\nWithdrawal: 15,000 Toman\n/)])
      // The section (the list inside it is a region of the same name).
      const requests = page.getByRole('region', { name: 'Your withdrawal requests', exact: true }).first()
      const request = requests.getByRole('row').filter({ hasText: '15,000 Toman' })
      await request.getByText('Awaiting approval').waitFor()
      await look(page, 'wallet-forms-en')

      // The admin's queue, reached from the console's navigation.
      const desk = await admin('en')
      await desk.goto('/console')
      await desk.getByRole('link', { name: 'Withdrawal approvals' }).first().click()
      await h1(desk, 'Withdrawal approvals').waitFor()
      const queued = desk.getByRole('row').filter({ hasText: '15,000 Toman' })
      await queued.getByText('Alice Sender').waitFor()
      await queued.getByText(IBAN).waitFor()
      await look(desk, 'wallet-queue-en')

      // Approve by keyboard: the row's button, then the dialog (Cancel has the focus; the action is one step back).
      await queued.getByRole('button', { name: /^Approve the withdrawal of .*15,000 Toman/ }).focus()
      await desk.keyboard.press('Enter')
      const dialog = desk.getByRole('alertdialog', { name: `Approve the withdrawal of ${iso('15,000 Toman')}?` })
      await dialog.getByText(IBAN).waitFor()
      await expect.poll(() => desk.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
      await desk.keyboard.press('Shift+Tab')
      await desk.keyboard.press('Enter')
      await desk
        .getByRole('status')
        .filter({ hasText: `The withdrawal of ${iso('15,000 Toman')} was approved.` })
        .waitFor()
      await desk.getByText('No withdrawals are waiting for approval.').waitFor()
      // The customer's page follows without a reload.
      await request.getByText('Approved').waitFor()
      await expect.poll(() => amounts(page, 'Iranian rial (IRR)'), SOON).toEqual(['25,000 Toman', '25,000 Toman', '0 Toman'])

      // Another admin decides first: the second is told so, and the queue shows what happened.
      const raced = await api(
        server.url,
        'POST',
        '/v1/wallet/withdrawals',
        { amount: '20000', currency: 'IRR', destination: 'Bank Melli 0101' },
        myToken,
      )
      expect(raced.status).toBe(201)
      await desk.reload()
      const racedRow = desk.getByRole('row').filter({ hasText: '2,000 Toman' })
      await racedRow.getByRole('button', { name: /^Approve/ }).click()
      const racedDialog = desk.getByRole('alertdialog')
      expect(
        (await api(server.url, 'POST', `/v1/admin/wallet/withdrawals/${raced.body.id}/reject`, { note: 'duplicate' }, adminToken)).status,
      ).toBe(200)
      await racedDialog.getByRole('button', { name: 'Approve' }).click()
      await racedDialog
        .getByText('This withdrawal was already decided by another administrator, or it expired. The list now shows what happened.')
        .waitFor()
      await look(desk, 'wallet-queue-conflict-en')
      await racedDialog.getByRole('button', { name: 'Cancel' }).click()
      await desk.getByText('No withdrawals are waiting for approval.').waitFor()

      // Reject with a reason the customer reads.
      const rejected = await api(
        server.url,
        'POST',
        '/v1/wallet/withdrawals',
        { amount: '30000', currency: 'IRR', destination: 'Bank Mellat 77' },
        myToken,
      )
      expect(rejected.status).toBe(201)
      await desk.reload()
      await desk
        .getByRole('row')
        .filter({ hasText: '3,000 Toman' })
        .getByRole('button', { name: /^Reject/ })
        .click()
      const rejectDialog = desk.getByRole('dialog', { name: `Reject the withdrawal of ${iso('3,000 Toman')}?` })
      await rejectDialog.getByRole('button', { name: 'Reject' }).click()
      await rejectDialog.getByText('This field is required.').waitFor()
      await rejectDialog.getByLabel('Reason').fill('The account is not in your name.')
      await rejectDialog.getByRole('button', { name: 'Reject' }).click()
      await desk
        .getByRole('status')
        .filter({ hasText: `The withdrawal of ${iso('3,000 Toman')} was rejected and its hold released.` })
        .waitFor()
      const rejectedRow = requests.getByRole('row').filter({ hasText: '3,000 Toman' })
      await rejectedRow.getByText('The account is not in your name.').waitFor()
      await rejectedRow.getByText('Rejected').waitFor()

      // The ledger explorer: the check on top, the accounts, one wallet's postings, a transfer.
      await desk.getByRole('link', { name: 'Ledger explorer' }).first().click()
      await h1(desk, 'Ledger explorer').waitFor()
      const check = desk.getByRole('region', { name: 'Ledger check' })
      await check.getByText('Balanced').waitFor()
      await check.getByText(/IRR.*accounts?, .*transfers?/).waitFor()
      await desk.getByRole('row').filter({ hasText: 'Withdrawals payable' }).first().waitFor()
      await desk
        .getByRole('row')
        .filter({ hasText: /Clearing: .?Test gateway/ })
        .first()
        .waitFor()
      await look(desk, 'wallet-ledger-en')
      await desk.getByLabel('Owner’s user ID').fill(me.id.slice(0, 10))
      await desk.getByText('A user ID has 36 characters', { exact: false }).waitFor()
      await desk.getByLabel('Owner’s user ID').fill(me.id)
      await desk.waitForURL(new RegExp(`userId=${me.id}`))
      await expect.poll(() => desk.getByRole('rowheader').count(), SOON).toBe(1)
      const mine = desk.getByRole('row').filter({ hasText: 'Alice Sender' })
      // The owner's name is read after the row (one request for every row naming them).
      await mine.waitFor()
      expect(await mine.getByRole('cell').allInnerTexts()).toEqual([
        expect.stringContaining('Alice Sender'),
        '25,000 Toman',
        '0 Toman',
        '25,000 Toman',
      ])
      await mine.getByRole('link', { name: `${iso('Wallet')} · ${iso('IRR')}` }).click()
      await h1(desk, `Ledger account: ${iso(`${iso('Wallet')} · ${iso('IRR')}`)}`).waitFor()
      const postings = desk.getByRole('region', { name: `Postings of ${iso(`${iso('Wallet')} · ${iso('IRR')}`)}` })
      // Newest first, each with the balance after it.
      await expect
        .poll(async () => (await postings.locator('tbody tr').allInnerTexts()).map((row) => row.split('\t').slice(1, 4)), SOON)
        .toEqual([
          ['Withdrawal', '\u221215,000 Toman', '25,000 Toman'],
          ['Transfer', '\u221210,000 Toman', '40,000 Toman'],
          ['Top-up', '+50,000 Toman', '50,000 Toman'],
        ])
      await look(desk, 'wallet-ledger-account-en')
      await postings.getByRole('link', { name: /^Open the transfer: .*Transfer/ }).click()
      await h1(desk, `${iso('Transfer')} of ${iso('10,000 Toman')}`).waitFor()
      await desk.getByRole('heading', { name: 'Debit' }).waitFor()
      await desk.getByRole('heading', { name: 'Credit' }).waitFor()
      await desk.getByText('Dinner — شام').waitFor()
      await look(desk, 'wallet-ledger-transfer-en')
    },
  )

  it('in Persian: Persian digits typed, right to left, the queue and the explorer', { timeout: 300_000 }, async () => {
    const friend = await register('fa', 'سارا')
    const me = await register('fa', 'نیما')
    // 20,000 toman to start with.
    await fundWallet(server.url, adminToken, me.id, '200000', 'IRR', 'شارژ آزمایشی')
    const page = await signIn('fa-IR', me.email, password)
    await page.goto('/wallet')
    await h1(page, 'کیف پول شما').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await expect.poll(() => amounts(page, 'ریال ایران (IRR)'), SOON).toEqual(['۲۰٬۰۰۰ تومان', '۲۰٬۰۰۰ تومان', '۰ تومان'])

    const send = form(page, 'انتقال وجه')
    await send.getByLabel('گیرنده').fill(friend.email)
    await send.getByLabel(`مبلغ به ${iso('تومان')}`).fill('۲۵٬۰۰۰')
    await send.getByRole('button', { name: 'بفرست', exact: true }).click()
    await send.getByText(`موجودی کیف پول برای این کار کافی نیست: ${iso('۲۰٬۰۰۰ تومان')} قابل استفاده است.`).waitFor()
    await send.getByLabel(`مبلغ به ${iso('تومان')}`).fill('۲٬۵۰۰')
    await send.getByText(`${iso('۲٬۵۰۰ تومان')} می‌فرستید.`).waitFor()
    await send.getByRole('button', { name: 'بفرست', exact: true }).click()
    await send
      .getByRole('status')
      .filter({ hasText: `${iso('۲٬۵۰۰ تومان')} برای ${iso('سارا')} فرستاده شد. قابل استفادهٔ کنونی: ${iso('۱۷٬۵۰۰ تومان')}.` })
      .waitFor()
    expect(await irrOf(friend.token)).toBe('25000')

    const withdraw = form(page, 'تسویه به حساب بانکی')
    await withdraw.getByLabel(`مبلغ به ${iso('تومان')}`).fill('۵۰۰۰')
    await withdraw.getByLabel('واریز به').fill('IR۰۶ ۲۹۶۰ ۰۰۰۰ ۰۰۱۰ ۰۳۲۴ ۲۰۰۰ ۰۱')
    await withdraw.getByRole('button', { name: 'درخواست تسویه' }).click()
    await withdraw
      .getByRole('status')
      .filter({ hasText: `درخواست تسویهٔ ${iso('۵٬۰۰۰ تومان')} فرستاده شد.` })
      .waitFor()
    const requests = page.getByRole('region', { name: 'درخواست‌های تسویهٔ شما', exact: true }).first()
    // The Sheba is kept in Latin digits, as banks read it (and stays in the field for the next request).
    await requests.getByText(IBAN).waitFor()
    expect(await withdraw.getByLabel('واریز به').inputValue()).toBe(IBAN)
    await requests.getByText('در انتظار تأیید').waitFor()
    await expect
      .poll(() => amounts(page, 'ریال ایران (IRR)'), SOON)
      .toEqual(['۱۷٬۵۰۰ تومان', '۱۲٬۵۰۰ تومان', expect.stringMatching(/^۵٬۰۰۰ تومان\n/)])
    await look(page, 'wallet-forms-fa')

    const desk = await admin('fa')
    await desk.goto('/console/wallet/withdrawals')
    await h1(desk, 'تأیید تسویه‌ها').waitFor()
    expect(await desk.evaluate(() => document.documentElement.dir)).toBe('rtl')
    const queued = desk.getByRole('row').filter({ hasText: '۵٬۰۰۰ تومان' })
    await queued.getByText('نیما').waitFor()
    await look(desk, 'wallet-queue-fa')
    await queued.getByRole('button', { name: /^تأیید تسویهٔ/ }).click()
    const dialog = desk.getByRole('alertdialog', { name: `تسویهٔ ${iso('۵٬۰۰۰ تومان')} تأیید شود؟` })
    await dialog.getByRole('button', { name: 'تأیید', exact: true }).click()
    await desk
      .getByRole('status')
      .filter({ hasText: `تسویهٔ ${iso('۵٬۰۰۰ تومان')} تأیید شد.` })
      .waitFor()
    await requests.getByText('تأییدشده').waitFor()

    await desk.goto(`/console/wallet/ledger?userId=${me.id}`)
    await h1(desk, 'دفتر کل').waitFor()
    await desk.getByRole('region', { name: 'بررسی دفتر کل' }).getByText('تراز است').waitFor()
    const mine = desk.getByRole('row').filter({ hasText: 'نیما' })
    // The owner's name is read after the row (one request for every row naming them).
    await mine.waitFor()
    expect(await mine.getByRole('cell').allInnerTexts()).toEqual([
      expect.stringContaining('نیما'),
      '۱۲٬۵۰۰ تومان',
      '۰ تومان',
      '۱۲٬۵۰۰ تومان',
    ])
    await look(desk, 'wallet-ledger-fa')
    await mine.getByRole('link').first().click()
    await h1(desk, `حساب دفتر کل: ${iso(`${iso('کیف پول')} · ${iso('IRR')}`)}`).waitFor()
    await expect
      .poll(async () => (await desk.locator('tbody tr').allInnerTexts()).map((row) => row.split('\t').slice(1, 4)), SOON)
      .toEqual([
        ['تسویه به حساب بانکی', '\u200e\u2212۵٬۰۰۰ تومان', '۱۲٬۵۰۰ تومان'],
        ['انتقال', '\u200e\u2212۲٬۵۰۰ تومان', '۱۷٬۵۰۰ تومان'],
        ['اصلاح موجودی', '\u200e+۲۰٬۰۰۰ تومان', '۲۰٬۰۰۰ تومان'],
      ])
    // Dates in the Solar Hijri calendar, Persian digits only.
    expect(await desk.locator('tbody th').first().innerText()).not.toMatch(/[0-9]/)
    await look(desk, 'wallet-ledger-account-fa')
    // A platform account is named in words, its negative balance with the sign on the left of the digits.
    await desk.goto('/console/wallet/ledger?kind=platform&currency=IRR')
    const adjustments = desk.getByRole('row').filter({ hasText: 'اصلاحات' })
    await adjustments.waitFor()
    expect((await adjustments.getByRole('cell').allInnerTexts())[1]).toMatch(/^\u200e\u2212[۰-۹٬]+ تومان$/)
  })
})
