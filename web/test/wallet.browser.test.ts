// The customer's wallet page end to end: a new customer finds it empty, tops up 50,000 toman
// through /pay and the test gateway, comes back and sees the balance and the top-up arrive (the
// top-up is credited by a job a moment after the payment); an admin's adjustment and a
// withdrawal's hold then arrive live (wallet.changed, no reload), and the statement downloads as
// CSV. In English, then in Persian (Persian digits, Solar Hijri dates) with a second currency and
// its tab. Axe and no sideways scrolling on each screen, at desktop width and on a 360 px phone.
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkScreen } from './screens'
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

const ADMIN_EMAIL = 'wallet@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const IBAN = 'IR06 2960 0000 0010 0324 2000 01'
/** The job that credits a top-up runs a moment after the payment: this long at most. */
const CREDITED = { timeout: 20_000, interval: 250 }

describe.runIf(chromiumAvailable())('wallet', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  const password = 'correct-horse-42'

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })
  /** A currency's card: its balance, available and held amounts, in that order. */
  const card = (page: Page, currency: string) => page.getByRole('listitem', { name: currency, exact: true })
  const amounts = (page: Page, currency: string) => card(page, currency).locator('dl > div > dd').allInnerTexts()

  /** A new customer in `locale`, registered through the API and signed in through the page. */
  async function customer(locale: 'en' | 'fa'): Promise<{ page: Page; userId: string; token: string }> {
    const email = `wallet-${locale}-${unique()}@example.com`
    const registered = await api(server.url, 'POST', '/v1/auth/register', { email, password, name: 'Wallet owner', locale })
    expect(registered.status).toBe(201)
    const page = await pages.signedIn(locale === 'fa' ? 'fa-IR' : 'en-GB', email, password)
    return { page, userId: registered.body.user.id, token: await accessTokenOf(page) }
  }

  /** On /pay: types the amount, pays on the test gateway's page, and returns the payment's id from /pay/result. */
  async function topUp(page: Page, words: { amountLabel: string; amount: string; pay: string; gateway: string; paid: string }) {
    await page.getByLabel(words.amountLabel).fill(words.amount)
    await page.getByRole('button', { name: words.pay, exact: true }).click()
    await page.waitForURL(/\/v1\/payments\/test-gateway\/tg_/)
    await page.getByRole('heading', { name: words.gateway }).waitFor()
    await page.getByRole('button', { name: words.pay }).click()
    await page.waitForURL((url) => url.pathname === '/pay/result')
    await h1(page, words.paid).waitFor()
    return new URL(page.url()).searchParams.get('payment_id')!
  }

  /** Clicks the statement button and returns the file's name and its text after the byte-order mark (Excel's sign of UTF-8). */
  async function downloadStatement(page: Page, button: string) {
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: button }).click()
    const file = await download
    const text = readFileSync((await file.path())!, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    return { name: file.suggestedFilename(), csv: text.slice(1) }
  }

  const adjust = (userId: string, currency: string, amount: string, reason: string) =>
    fundWallet(server.url, adminToken, userId, amount, currency, reason)

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

  it('in English: empty, topped up with 50,000 toman, changes arriving live, the statement as CSV', { timeout: 180_000 }, async () => {
    const { page, userId, token } = await customer('en')
    // From the main navigation through the payments page; the wallet belongs to that section.
    const main = page.getByRole('navigation', { name: 'Main' })
    await main.getByRole('link', { name: 'Payments & wallet' }).click()
    await h1(page, 'Your payments').waitFor()
    await page.getByRole('link', { name: 'Your wallet', exact: true }).click()
    await h1(page, 'Your wallet').waitFor()
    expect(await main.getByRole('link', { name: 'Payments & wallet' }).getAttribute('aria-current')).toBe('page')
    await page.getByText('You have no wallet yet.', { exact: false }).waitFor()
    await checkScreen(page, 'wallet-empty-en')

    await page.getByRole('link', { name: 'Top up', exact: true }).click()
    await h1(page, 'Pay').waitFor()
    const paymentId = await topUp(page, {
      amountLabel: `Amount in ${iso('Toman')}`,
      amount: '50,000',
      pay: 'Pay',
      gateway: 'Test gateway',
      paid: 'Payment successful',
    })
    await page.getByRole('link', { name: 'Your wallet', exact: true }).click()
    await h1(page, 'Your wallet').waitFor()

    // Balance, available, held.
    await expect.poll(() => amounts(page, 'Iranian rial (IRR)'), CREDITED).toEqual(['50,000 Toman', '50,000 Toman', '0 Toman'])
    const topUpRow = page.getByRole('row', { name: /Top-up/ })
    await topUpRow.waitFor()
    expect(await topUpRow.getByRole('cell').allInnerTexts()).toEqual(['Top-up', '+50,000 Toman\nIn', '50,000 Toman', paymentId])
    await topUpRow.getByRole('link', { name: paymentId }).waitFor()

    // Changes made elsewhere arrive without a reload: an admin's correction, a withdrawal's hold.
    await adjust(userId, 'IRR', '-50000', 'Correction of a duplicate credit')
    const withdrawal = await api(
      server.url,
      'POST',
      '/v1/wallet/withdrawals',
      { amount: '100000', currency: 'IRR', destination: IBAN },
      token,
    )
    expect(withdrawal.status).toBe(201)
    await expect
      .poll(() => amounts(page, 'Iranian rial (IRR)'), CREDITED)
      .toEqual(['45,000 Toman', '35,000 Toman', expect.stringMatching(/^10,000 Toman\nWithdrawal: 10,000 Toman\nuntil .+\n/)])
    const holds = page.getByRole('list', { name: `Holds on ${iso('Iranian rial (IRR)')}` })
    await holds.getByText(IBAN).waitFor()
    const correction = page.getByRole('row', { name: /Adjustment/ })
    await correction.waitFor()
    expect(await correction.getByRole('cell').allInnerTexts()).toEqual([
      'Adjustment',
      '\u22125,000 Toman\nOut',
      '45,000 Toman',
      'Correction of a duplicate credit',
    ])
    // Newest first.
    // (The withdrawal requests below have a table of their own.)
    const transactions = page.getByRole('table', { name: `Transactions in ${iso('Iranian rial (IRR)')}` })
    expect(await transactions.getByRole('rowheader').count()).toBe(2)
    expect(await transactions.locator('tbody tr').first().getByText('Adjustment').count()).toBe(1)

    const statement = await downloadStatement(page, 'Download statement (CSV)')
    expect(statement.name).toBe('wallet-IRR.csv')
    const lines = statement.csv.split('\r\n')
    expect(lines[0]).toBe('date,transaction,kind,amount,balance_after,currency,reference,memo')
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^,]+,[^,]+,topup,500000,500000,IRR,${paymentId},$`))
    expect(lines[2]).toMatch(/,adjustment,-50000,450000,IRR,,Correction of a duplicate credit$/)
    expect(lines.slice(3)).toEqual([''])
    await page
      .getByRole('status')
      .filter({ hasText: `The statement was saved as ${iso('wallet-IRR.csv')}.` })
      .waitFor()
    await checkScreen(page, 'wallet-en')
  })

  it('in Persian: Persian digits and dates, a second currency in its own tab, its statement', { timeout: 180_000 }, async () => {
    const { page, userId } = await customer('fa')
    await page.goto('/wallet')
    await h1(page, 'کیف پول شما').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await page.getByText('هنوز کیف پولی ندارید.', { exact: false }).waitFor()
    await checkScreen(page, 'wallet-empty-fa')

    await page.getByRole('link', { name: 'افزایش موجودی', exact: true }).click()
    await h1(page, 'پرداخت').waitFor()
    const paymentId = await topUp(page, {
      amountLabel: `مبلغ به ${iso('تومان')}`,
      amount: '۵۰٬۰۰۰',
      pay: 'پرداخت',
      gateway: 'درگاه آزمایشی',
      paid: 'پرداخت موفق بود',
    })
    await page.getByRole('link', { name: 'کیف پول شما', exact: true }).click()
    await h1(page, 'کیف پول شما').waitFor()

    await expect.poll(() => amounts(page, 'ریال ایران (IRR)'), CREDITED).toEqual(['۵۰٬۰۰۰ تومان', '۵۰٬۰۰۰ تومان', '۰ تومان'])
    const topUpRow = page.getByRole('row', { name: /افزایش موجودی/ })
    await topUpRow.waitFor()
    // The sign stays on the digits' left, as Intl writes it for fa-IR (a left-to-right mark first).
    expect(await topUpRow.getByRole('cell').allInnerTexts()).toEqual([
      'افزایش موجودی',
      '\u200e+۵۰٬۰۰۰ تومان\nواریز',
      '۵۰٬۰۰۰ تومان',
      paymentId,
    ])
    // Today in the Solar Hijri calendar, in Persian digits, in Tehran.
    const date = await topUpRow.getByRole('rowheader').innerText()
    expect(date).toContain(new Intl.DateTimeFormat('fa-IR', { year: 'numeric', timeZone: 'Asia/Tehran' }).format(new Date()))
    expect(date).not.toMatch(/[0-9]/)

    // A second currency arrives live, with a tab per currency; arrow keys follow the reading direction.
    await adjust(userId, 'USD', '1250', 'Welcome credit')
    await expect.poll(() => amounts(page, 'دلار آمریکا (USD)'), CREDITED).toEqual(['۱۲٫۵۰ دلار', '۱۲٫۵۰ دلار', '۰٫۰۰ دلار'])
    const tabs = page.getByRole('tablist', { name: 'ارز' })
    await tabs.getByRole('tab', { name: 'ریال ایران (IRR)', selected: true }).focus()
    await page.keyboard.press('ArrowLeft')
    await tabs.getByRole('tab', { name: 'دلار آمریکا (USD)', selected: true }).waitFor()
    await page.waitForURL(/currency=USD/)
    const credit = page.getByRole('tabpanel').getByRole('row', { name: /اصلاح موجودی/ })
    await credit.waitFor()
    expect(await credit.getByRole('cell').allInnerTexts()).toEqual([
      'اصلاح موجودی',
      '\u200e+۱۲٫۵۰ دلار\nواریز',
      '۱۲٫۵۰ دلار',
      'Welcome credit',
    ])
    expect(
      await page
        .getByRole('tabpanel')
        .getByRole('row', { name: /افزایش موجودی/ })
        .count(),
    ).toBe(0)

    const statement = await downloadStatement(page, 'دریافت صورت‌حساب (CSV)')
    expect(statement.name).toBe('wallet-USD.csv')
    const lines = statement.csv.split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatch(/,adjustment,1250,1250,USD,,Welcome credit$/)
    await page
      .getByRole('status')
      .filter({ hasText: `صورت‌حساب با نام ${iso('wallet-USD.csv')} ذخیره شد.` })
      .waitFor()
    await checkScreen(page, 'wallet-fa')

    // The rial tab from a link: the list and the statement follow the URL.
    await page.goto('/wallet?currency=IRR')
    await page
      .getByRole('tabpanel')
      .getByRole('row', { name: /افزایش موجودی/ })
      .waitFor()
    const rial = await downloadStatement(page, 'دریافت صورت‌حساب (CSV)')
    expect(rial.name).toBe('wallet-IRR.csv')
    expect(rial.csv).toContain(`,topup,500000,500000,IRR,${paymentId},`)
    await checkScreen(page, 'wallet-fa-irr')
  })
})
