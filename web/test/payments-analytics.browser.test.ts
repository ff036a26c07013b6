// The payment analytics page: payments paid and failed at the test gateway (through its own page,
// from the test), a refund to the wallet and a wallet top-up; an admin finds the page in the
// console, reads the figures per currency (IRR in toman), the failure reason and what wallets hold,
// switches the currency of the charts and table, groups by gateway, downloads the CSV; the same in
// Persian (Persian digits, Solar Hijri days, right to left). Axe and no sideways scrolling on each
// screen, shot at 1366, 1280, 390 and 360 px. A customer is refused the page.
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkScreen, settled, shot } from './screens'
import { api, choose, chromiumAvailable, dayName, iso, launchBrowser, pageOpener, startServer, unique, type RunningServer } from './harness'

const ADMIN_EMAIL = 'analytics@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const PASSWORD = 'correct-horse-42'

describe.runIf(chromiumAvailable())('payment analytics', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  let customer: { token: string; email: string }
  let paidAt: Date

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name })
  // The admin's profile says English: in fa-IR the language is chosen in this browser, as a person's switch would.
  const signIn = (locale: 'en-GB' | 'fa-IR', email: string, password: string) =>
    pages.signedIn(locale, email, password, locale === 'fa-IR' ? 'fa' : undefined)
  /** A payment by the customer, then Pay or Fail on the test gateway's page and back through the return page. */
  async function pay(amount: string, currency: 'IRR' | 'USD', choice: 'pay' | 'fail', type: 'order' | 'wallet_topup' = 'order') {
    const purpose = type === 'order' ? { type, ref: `o-${unique()}` } : { type }
    const created = await fetch(`${server.url}/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.token}`, 'idempotency-key': `k-${unique()}` },
      body: JSON.stringify({ amount, currency, purpose, returnUrl: 'https://shop.example.com/done' }),
    })
    expect(created.status).toBe(201)
    const payment = (await created.json()) as { id: string; nextAction: { url: string } }
    const chosen = await fetch(server.url + new URL(payment.nextAction.url).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `choice=${choice}`,
      redirect: 'manual',
    })
    expect(chosen.status).toBe(303)
    const back = new URL(chosen.headers.get('location')!)
    const returned = await fetch(server.url + back.pathname + back.search, { redirect: 'manual' })
    expect(new URL(returned.headers.get('location')!).searchParams.get('status')).toBe(choice === 'pay' ? 'succeeded' : 'failed')
    return payment.id
  }

  /*
   IRR: 1,250,000 and 500,000 rial paid, 300,000 failed, a 200,000 top-up paid: 4 payments, 3 succeeded of 4 settled (75%),
   volume 1,950,000 rial = 195,000 toman, average 650,000 rial = 65,000 toman; 250,000 rial refunded to the wallet
   (25,000 toman, 1 of 3 succeeded: 33.3%). USD: 19.99 paid. Wallets hold 200,000 + 250,000 rial = 45,000 toman.
  */
  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
    const email = `payer-${unique()}@example.com`
    const registered = await api(server.url, 'POST', '/v1/auth/register', { email, password: PASSWORD, name: 'Payer', locale: 'en' })
    expect(registered.status).toBe(201)
    customer = { token: registered.body.accessToken, email }

    paidAt = new Date()
    const first = await pay('1250000', 'IRR', 'pay')
    await pay('500000', 'IRR', 'pay')
    await pay('300000', 'IRR', 'fail')
    await pay('200000', 'IRR', 'pay', 'wallet_topup')
    await pay('1999', 'USD', 'pay')
    const refund = await fetch(`${server.url}/v1/payments/${first}/refunds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}`, 'idempotency-key': `r-${unique()}` },
      body: JSON.stringify({ amount: '250000', reason: 'requested_by_customer', destination: 'wallet' }),
    })
    expect(refund.status).toBe(201)
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  /** The top-up and the refund reach the wallet through jobs (expect.poll only runs inside a test). */
  const walletsCredited = () =>
    expect
      .poll(async () => (await api(server.url, 'GET', '/v1/me/wallet', undefined, customer.token)).body.balances[0]?.balance, {
        timeout: 20_000,
      })
      .toBe('450000')

  /** checkScreen's 1366 and 360 px, and the shots at 1280 and 390 px too. */
  async function screens(page: Page, name: string) {
    await checkScreen(page, name)
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height })
      await settled(page)
      // Nothing wider than the screen at this width either (polled: the charts follow the new width
      // through a ResizeObserver, a frame or more later on a busy machine).
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      await shot(page, `${name}-${width}`)
    }
    await page.setViewportSize({ width: 1366, height: 900 })
  }

  const kpi = (page: Page, currency: string, id: string) => page.locator(`[data-currency="${currency}"] [data-kpi="${id}"] .dash-kpi-value`)

  it('in English: the figures per currency, the failure reason, what wallets hold, the CSV', async () => {
    await walletsCredited()
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console')
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Payment analytics' }).click()
    await h1(page, 'Payment analytics').waitFor()
    await expect.poll(() => kpi(page, 'IRR', 'volume').textContent()).toBe('195,000 Toman')
    expect(await kpi(page, 'IRR', 'payments').textContent()).toBe('4')
    expect(await kpi(page, 'IRR', 'successRate').textContent()).toBe('75%')
    expect(await kpi(page, 'IRR', 'averageTicket').textContent()).toBe('65,000 Toman')
    expect(await kpi(page, 'IRR', 'refunded').textContent()).toBe('25,000 Toman')
    expect(await kpi(page, 'IRR', 'refundRate').textContent()).toBe('33.3%')
    await page
      .locator('[data-currency="IRR"] [data-kpi="payments"]')
      .getByText(`${iso('3')} succeeded, ${iso('1')} failed, ${iso('0')} canceled or expired, ${iso('0')} open`)
      .waitFor()
    expect(await kpi(page, 'USD', 'volume').textContent()).toBe('$19.99')
    expect(await kpi(page, 'USD', 'successRate').textContent()).toBe('100%')
    expect(await kpi(page, 'USD', 'refundRate').textContent()).toBe('0%')
    expect(await page.locator('[data-liability="IRR"] .dash-kpi-value').textContent()).toBe('45,000 Toman')
    await page.getByRole('row', { name: /^The payer chose Fail on the test gateway Test gateway 1$/ }).waitFor()

    // The charts say it in words (every day of the last 30); the table lists the days with payments: the one they were made on.
    await page
      .getByRole('img', { name: new RegExp(`^Payments ${iso('per day')} from .*: ${iso('3')} succeeded, ${iso('1')} failed\\.$`) })
      .waitFor()
    const table = page.getByRole('region', { name: `Figures ${iso('per day')}, ${iso('Iranian rial (IRR)')}` }).first()
    await expect.poll(() => table.getByRole('row').count()).toBe(2)
    await page.getByText('Days without payments are left out of the table; the charts show every day.').waitFor()
    const last = table.getByRole('row').last()
    expect(await last.getByRole('rowheader').textContent()).toBe(dayName('en-GB', paidAt))
    expect(await last.getByRole('cell').nth(0).textContent()).toBe('4')
    expect(await last.getByRole('cell').nth(3).textContent()).toBe('195,000 Toman')
    await screens(page, 'payment-analytics-en')

    // The charts and table in dollars.
    await choose(page, 'Currency of the charts and table', 'US dollar (USD)')
    await page.waitForURL(/currency=USD/)
    const usd = page.getByRole('region', { name: `Figures ${iso('per day')}, ${iso('US dollar (USD)')}` }).first()
    await expect.poll(() => usd.getByRole('row').last().getByRole('cell').nth(3).textContent()).toBe('$19.99')

    // By gateway: everything went through the test gateway.
    await choose(page, 'Group by', 'Gateway')
    await page.waitForURL(/groupBy=gateway/)
    await page
      .getByRole('region', { name: `Figures ${iso('per gateway')}, ${iso('US dollar (USD)')}` })
      .first()
      .getByRole('row', { name: /^Test gateway 1 1 100% \$19\.99/ })
      .waitFor()
    // The volume chart keeps the cents of small amounts.
    await page
      .getByRole('img', { name: new RegExp(`^Volume in ${iso('\\$')} ${iso('per gateway')} from .*: ${iso('Test gateway 19\\.99')}\\.$`) })
      .waitFor()
    await screens(page, 'payment-analytics-gateway-en')

    // The CSV of what is shown: the header, a row per gateway and currency, a total row per currency.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^payments-gateway-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/)
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n')
    // A byte-order mark first: Excel reads it as UTF-8 then.
    expect(csv).toEqual([
      '\uFEFFkey,currency,payments,succeeded,failed,canceled,expired,open,volume,success_rate,average_ticket,refunds,refunded_amount,refund_rate,wallet_liabilities',
      'test,IRR,4,3,1,0,0,0,1950000,0.75,650000,1,250000,0.3333,',
      'test,USD,1,1,0,0,0,0,1999,1,1999,0,0,0,',
      'total,IRR,4,3,1,0,0,0,1950000,0.75,650000,1,250000,0.3333,450000',
      'total,USD,1,1,0,0,0,0,1999,1,1999,0,0,0,0',
      '',
    ])
    await page
      .getByRole('status')
      .filter({ hasText: /payments-gateway-.*\.csv\u2069 downloaded\./ })
      .waitFor()

    // More than a year is refused before asking.
    await page.goto('/console/payments/analytics?from=2020-01-01&to=2022-01-01')
    await page.getByText(`Choose at most ${iso('366')} days.`).waitFor()
    expect(await page.getByRole('button', { name: 'Download CSV' }).isDisabled()).toBe(true)
    // Days without payments: the cards say so.
    await page.goto('/console/payments/analytics?from=2021-01-01&to=2021-01-31')
    await page.getByText('No payments were created in these days.').waitFor()
    await page.getByText('No payment failed in these days.').waitFor()
    expect(await page.locator('[data-liability="IRR"] .dash-kpi-value').textContent()).toBe('45,000 Toman')
  })

  it('in Persian: Persian digits, toman, Solar Hijri days, right to left', async () => {
    await walletsCredited()
    const page = await signIn('fa-IR', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/payments/analytics')
    await h1(page, 'گزارش پرداخت‌ها').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await expect.poll(() => kpi(page, 'IRR', 'volume').textContent()).toBe('۱۹۵٬۰۰۰ تومان')
    expect(await kpi(page, 'IRR', 'successRate').textContent()).toBe('۷۵٪')
    expect(await kpi(page, 'IRR', 'averageTicket').textContent()).toBe('۶۵٬۰۰۰ تومان')
    expect(await kpi(page, 'USD', 'volume').textContent()).toBe('۱۹٫۹۹ دلار')
    expect(await page.locator('[data-liability="IRR"] .dash-kpi-value').textContent()).toBe('۴۵٬۰۰۰ تومان')
    expect(await page.locator('main .dash-kpis').allTextContents()).not.toContainEqual(expect.stringMatching(/[0-9]/))
    const table = page.getByRole('region', { name: `آمار ${iso('به تفکیک روز')}، ${iso('ریال ایران (IRR)')}` }).first()
    // Days in the admin's own zone (UTC, the profile's), in the Solar Hijri calendar.
    await expect.poll(() => table.getByRole('row').last().getByRole('rowheader').textContent()).toBe(dayName('fa-IR', paidAt))
    expect(await table.getByRole('row').last().getByRole('cell').nth(0).textContent()).toBe('۴')
    await page.getByRole('row', { name: /^The payer chose Fail on the test gateway درگاه آزمایشی ۱$/ }).waitFor()
    await screens(page, 'payment-analytics-fa')
    await choose(page, 'دسته‌بندی بر پایهٔ', 'ارز')
    await page.waitForURL(/groupBy=currency/)
    await page.getByRole('row', { name: /^ریال ایران \(IRR\) ۴ ۳ ۷۵٪ ۱۹۵٬۰۰۰ تومان/ }).waitFor()
    await screens(page, 'payment-analytics-currency-fa')
  })

  it('is not for customers', async () => {
    const page = await signIn('en-GB', customer.email, PASSWORD)
    await page.goto('/console/payments/analytics')
    await h1(page, 'Access denied').waitFor()
  })
})
