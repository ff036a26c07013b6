// Payments end to end through the built-in test gateway: a customer tops up from /pay in English
// and in Persian (the gateway's own page in the same language), lands on /pay/result, which reads
// the payment back from the API, and finds it in their history (Solar Hijri dates and Persian
// digits in Persian; IRR in toman). An admin finds it in the console list, opens it (the attempt
// timeline), refunds part of it and sees the refund succeed; a refund asked for through an API
// key waits in the approval queue until approved; the gateways and the payment rules pages. Axe
// and no sideways scrolling on each screen, at desktop width and on a 360 px phone.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkScreen, shot } from './screens'
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

const ADMIN_EMAIL = 'payments@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

describe.runIf(chromiumAvailable())('payments', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  let appUrl: string
  const password = 'correct-horse-42'
  /** The payment each customer made, by language. */
  const paid: Record<'en' | 'fa', { id: string; email: string }> = { en: { id: '', email: '' }, fa: { id: '', email: '' } }

  const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name })
  /** A payment's link in a list: named by its amount, then its date. */
  const listed = (amount: string, comma = ', ') => new RegExp(`^${(iso(amount) + comma).replace(/[$.]/g, '\\$&')}`)

  const signIn = (locale: 'en-GB' | 'fa-IR', email: string, pass: string) => pages.signedIn(locale, email, pass)

  /** A new customer in `locale`, signed in. */
  async function customer(locale: 'en' | 'fa'): Promise<{ page: Page; email: string }> {
    const email = `payer-${locale}-${unique()}@example.com`
    expect((await api(server.url, 'POST', '/v1/auth/register', { email, password, name: 'Payer', locale })).status).toBe(201)
    return { page: await signIn(locale === 'fa' ? 'fa-IR' : 'en-GB', email, password), email }
  }

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    // The app at PUBLIC_URL's origin (http://localhost:<port>, the server's default), where the
    // gateway's page and the return page are: the page's form may only lead back to its own origin.
    appUrl = server.url.replace('127.0.0.1', 'localhost')
    pages = pageOpener(browser, appUrl)
    const login = await api(server.url, 'POST', '/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    adminToken = login.body.accessToken
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('a customer pays 125,000 toman through the test gateway, in English', async () => {
    const { page, email } = await customer('en')
    paid.en.email = email
    // From the main navigation: the module is no longer "coming soon".
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments & wallet' }).click()
    await h1(page, 'Your payments').waitFor()
    await page.getByText('You have not made any payments yet.').waitFor()
    await page.getByRole('link', { name: 'Top up your wallet' }).click()
    await h1(page, 'Pay').waitFor()

    // IRR is typed and shown in toman (the notification rules' default), checked as it is typed.
    await page.getByLabel(`Amount in ${iso('Toman')}`).fill('12.34')
    await page.getByRole('button', { name: 'Pay', exact: true }).click()
    await page.getByText(`Amounts in ${iso('Toman')} have at most 1 decimal place.`).waitFor()
    expect(await page.getByLabel(`Amount in ${iso('Toman')}`).getAttribute('aria-invalid')).toBe('true')
    await page.getByLabel(`Amount in ${iso('Toman')}`).fill('125,000')
    await page.getByText(`You will pay ${iso('125,000 Toman')}.`).waitFor()
    await checkScreen(page, 'payments-checkout-en')

    const created = page.waitForResponse((r) => r.url().endsWith('/v1/payments') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Pay', exact: true }).click()
    const request = (await created).request()
    // One Idempotency-Key per payment meant; 1,250,000 rial in minor units.
    expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/)
    expect(JSON.parse(request.postData()!)).toMatchObject({
      amount: '1250000',
      currency: 'IRR',
      purpose: { type: 'wallet_topup' },
      returnUrl: `${appUrl}/pay/result`,
    })

    // The gateway's hosted page (the server's, not the app's), in English.
    await page.waitForURL(/\/v1\/payments\/test-gateway\/tg_/)
    await page.getByRole('heading', { name: 'Test gateway' }).waitFor()
    await page.getByText('1,250,000 IRR').waitFor()
    await screenshot(page, 'payments-gateway-en')
    await page.getByRole('button', { name: 'Pay' }).click()

    await page.waitForURL((url) => url.pathname === '/pay/result')
    const url = new URL(page.url())
    paid.en.id = url.searchParams.get('payment_id')!
    expect(url.searchParams.get('status')).toBe('succeeded')
    await h1(page, 'Payment successful').waitFor()
    await page
      .getByRole('status')
      .getByText(`Your payment of ${iso('125,000 Toman')} was successful.`)
      .waitFor()
    await page.getByRole('heading', { level: 2, name: '125,000 Toman' }).waitFor()
    await checkScreen(page, 'payments-result-en')

    await page.getByRole('link', { name: 'Your payments' }).click()
    await h1(page, 'Your payments').waitFor()
    const row = page.getByRole('row', { name: /125,000 Toman/ })
    await row.getByText('Paid', { exact: true }).waitFor()
    await row.getByText('Wallet top-up').waitFor()
    await checkScreen(page, 'payments-history-en')
  })

  it('the result page reads the payment, never the query: a forged status=succeeded shows what the API says', async () => {
    const { page } = await customer('en')
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('caravan.session')!).accessToken)
    const made = await api(
      server.url,
      'POST',
      '/v1/payments',
      { amount: '990', currency: 'USD', purpose: { type: 'order', ref: 'A-17' }, returnUrl: `${appUrl}/pay/result` },
      token,
    )
    expect(made.status).toBe(201)
    // The host product links to the checkout with its payment.
    await page.goto(`/pay?paymentId=${made.body.id}`)
    await page.getByRole('heading', { level: 2, name: `Payment of ${iso('$9.90')}` }).waitFor()
    await page.getByText('Awaiting payment').waitFor()

    await page.goto(`/pay/result?payment_id=${made.body.id}&status=succeeded`)
    await h1(page, 'Payment not finished').waitFor()
    await page.getByRole('link', { name: 'Continue paying' }).click()
    await page.waitForURL(/\/v1\/payments\/test-gateway\/tg_/)
    await page.getByRole('button', { name: 'Fail' }).click()
    await page.waitForURL((url) => url.pathname === '/pay/result')
    await h1(page, 'Payment failed').waitFor()
    await page
      .getByRole('status')
      .getByText(`Your payment of ${iso('$9.90')} did not go through.`)
      .waitFor()
    // An order's payment is the host's to make again: no "Try again" top-up here.
    expect(await page.getByRole('link', { name: 'Try again' }).count()).toBe(0)
    await checkScreen(page, 'payments-result-failed-en')
  })

  it('a customer pays ۵۰٬۰۰۰ تومان in Persian, typed in Persian digits, and sees it with a Solar Hijri date', async () => {
    const { page, email } = await customer('fa')
    paid.fa.email = email
    await page.goto('/pay')
    await h1(page, 'پرداخت').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await page.getByLabel(`مبلغ به ${iso('تومان')}`).fill('۵۰٬۰۰۰')
    await page.getByText(`مبلغ پرداختی: ${iso('۵۰٬۰۰۰ تومان')}`).waitFor()
    await checkScreen(page, 'payments-checkout-fa')
    await page.getByRole('button', { name: 'پرداخت', exact: true }).click()

    // The gateway's page follows the browser's language.
    await page.waitForURL(/\/v1\/payments\/test-gateway\/tg_/)
    await page.getByRole('heading', { name: 'درگاه آزمایشی' }).waitFor()
    await page.getByText('۵۰۰٬۰۰۰ ریال').waitFor()
    await screenshot(page, 'payments-gateway-fa')
    await page.getByRole('button', { name: 'پرداخت' }).click()

    await page.waitForURL((url) => url.pathname === '/pay/result')
    paid.fa.id = new URL(page.url()).searchParams.get('payment_id')!
    await h1(page, 'پرداخت موفق بود').waitFor()
    await page.getByRole('heading', { level: 2, name: '۵۰٬۰۰۰ تومان' }).waitFor()
    await checkScreen(page, 'payments-result-fa')

    await page.getByRole('link', { name: 'پرداخت‌های شما' }).click()
    await h1(page, 'پرداخت‌های شما').waitFor()
    const row = page.getByRole('row', { name: /۵۰٬۰۰۰ تومان/ })
    await row.getByText('پرداخت‌شده', { exact: true }).waitFor()
    // Today in the Solar Hijri calendar, in Persian digits, in Tehran.
    const year = new Intl.DateTimeFormat('fa-IR', { year: 'numeric', timeZone: 'Asia/Tehran' }).format(new Date())
    expect(await row.textContent()).toContain(year)
    expect(await row.textContent()).not.toMatch(/[0-9]/)
    await checkScreen(page, 'payments-history-fa')
  })

  it('an admin finds the payment, sees its route through the gateways, and refunds part of it', async () => {
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console')
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Payments', exact: true }).click()
    await h1(page, 'Payments').waitFor()
    await page.getByRole('link', { name: listed('125,000 Toman') }).waitFor()
    // Filtered by status (kept in the URL): the failed $9.90 drops out.
    await choose(page, 'Status', 'Paid')
    await page.waitForURL(/status=succeeded/)
    await expect.poll(() => page.getByRole('link', { name: listed('$9.90') }).count()).toBe(0)
    await page.getByRole('link', { name: listed('50,000 Toman') }).waitFor()
    await checkScreen(page, 'payments-console-list-en')

    await page.getByRole('link', { name: listed('125,000 Toman') }).click()
    await h1(page, `Payment of ${iso('125,000 Toman')}`).waitFor()
    await page.getByText(paid.en.email).first().waitFor()
    const timeline = page.getByRole('list', { name: 'Route through the gateways' })
    await timeline.getByRole('heading', { name: `${iso('1')}. ${iso('Test gateway')} Paid` }).waitFor()
    expect(await timeline.getByRole('listitem').count()).toBe(1)
    await page.getByText('No refunds.').waitFor()

    await page.getByRole('button', { name: 'Refund', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: `Refund the payment of ${iso('125,000 Toman')}` })
    await dialog.waitFor()
    await dialog.getByText(`Leave it empty to refund everything that is left: ${iso('125,000 Toman')}.`).waitFor()
    await dialog.getByLabel(`Amount to refund, in ${iso('Toman')}`).fill('200000')
    await dialog.getByRole('button', { name: /Reason$/ }).click()
    await page.getByRole('option', { name: 'Asked for by the customer' }).click()
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click()
    await dialog.getByText(`At most ${iso('125,000 Toman')} can still be refunded.`).waitFor()
    await shot(page, 'payments-console-refund-dialog-en')
    await expect
      .poll(() => page.evaluate(() => document.querySelector('[role="dialog"] input[name="amount"]') === document.activeElement))
      .toBe(true)

    const sent = page.waitForResponse((r) => /\/refunds$/.test(r.url()) && r.request().method() === 'POST')
    await dialog.getByLabel(`Amount to refund, in ${iso('Toman')}`).fill('25000')
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click()
    const refundRequest = (await sent).request()
    expect(refundRequest.headers()['idempotency-key']).toMatch(/^[0-9a-f]{32}$/)
    expect(JSON.parse(refundRequest.postData()!)).toEqual({ amount: '250000', reason: 'requested_by_customer' })
    await page.getByText(`The refund of ${iso('25,000 Toman')} has been sent to the gateway.`).waitFor()
    // Pending at first; the page reads the payment again until the gateway's answer is in.
    const refund = page.getByRole('heading', { level: 3, name: `Refund of ${iso('25,000 Toman')} Refunded` })
    await refund.waitFor({ timeout: 20_000 })
    await page.locator('.facts').getByText('25,000 Toman', { exact: true }).waitFor()
    await checkScreen(page, 'payments-console-detail-en')

    // The customer sees it on the payment's page.
    const payer = await signIn('en-GB', paid.en.email, password)
    await payer.goto(`/pay/result?payment_id=${paid.en.id}`)
    await payer.getByText('Refunded').waitFor()
    await payer.getByText('25,000 Toman', { exact: true }).waitFor()
  })

  it('the console in Persian: the list, the detail with its timeline, on a phone too', async () => {
    const page = await signIn('fa-IR', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.evaluate(() => localStorage.setItem('caravan.locale', 'fa'))
    await page.goto('/console/payments')
    await h1(page, 'پرداخت‌ها').waitFor()
    await page.getByRole('link', { name: listed('۵۰٬۰۰۰ تومان', '، ') }).waitFor()
    await checkScreen(page, 'payments-console-list-fa')
    await page.getByRole('link', { name: listed('۵۰٬۰۰۰ تومان', '، ') }).click()
    await h1(page, `پرداخت ${iso('۵۰٬۰۰۰ تومان')}`).waitFor()
    await page.getByRole('list', { name: 'مسیر در میان درگاه‌ها' }).getByText('پرداخت‌شده').waitFor()
    await checkScreen(page, 'payments-console-detail-fa')
  })

  it('a refund asked for through an API key waits in the approval queue until an admin approves it', async () => {
    const key = await api(server.url, 'POST', '/v1/api-keys', { name: `refunds-${unique()}`, scopes: ['payments:refund'] }, adminToken)
    expect(key.status).toBe(201)
    const queued = await api(
      server.url,
      'POST',
      `/v1/payments/${paid.fa.id}/refunds`,
      { amount: '100000', reason: 'duplicate' },
      key.body.key,
    )
    expect(queued.status).toBe(201)
    expect(queued.body.status).toBe('awaiting_approval')

    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/payments/refunds')
    await h1(page, 'Refund approvals').waitFor()
    const row = page.getByRole('row', { name: /10,000 Toman/ })
    await row.getByText('Paid twice').waitFor()
    await checkScreen(page, 'payments-refund-queue-en')
    await page.getByRole('button', { name: `Approve the refund of ${iso('10,000 Toman')}` }).click()
    const confirm = page.getByRole('alertdialog', { name: `Refund ${iso('10,000 Toman')}?` })
    await confirm.waitFor()
    await confirm.getByRole('button', { name: 'Approve' }).click()
    await page.getByText(`The refund of ${iso('10,000 Toman')} was approved and sent to the gateway.`).waitFor()
    await page.getByText('No refunds are waiting for approval.').waitFor()
    await expect
      .poll(async () => (await api(server.url, 'GET', `/v1/payments/${paid.fa.id}`, undefined, adminToken)).body.refunds[0].status, {
        timeout: 20_000,
      })
      .toBe('succeeded')
  })

  it('gateways and payment rules: the test gateway on by default, a routing rule saved', async () => {
    const page = await signIn('en-GB', ADMIN_EMAIL, ADMIN_PASSWORD)
    await page.goto('/console/payments/gateways')
    await h1(page, 'Payment gateways').waitFor()
    const test = page.getByRole('row', { name: /Test gateway/ })
    await test.getByText('On while no other gateway is on.').waitFor()
    await page.getByRole('button', { name: `Set up ${iso('Stripe')}` }).click()
    await page.getByRole('heading', { name: `${iso('Stripe')} settings` }).waitFor()
    expect(await page.getByLabel('Secret key').getAttribute('type')).toBe('password')
    await checkScreen(page, 'payments-gateways-en')
    await page.getByRole('button', { name: 'Cancel' }).click()

    await page.goto('/console/payments/settings')
    await h1(page, 'Payment rules').waitFor()
    await page.getByRole('group', { name: `Rule ${iso('1')}` }).waitFor()
    await page.getByRole('button', { name: 'Add a rule' }).click()
    const rule = page.getByRole('group', { name: `Rule ${iso('3')}` })
    await rule.getByText('Euro (EUR)').click()
    await rule.getByLabel(`Largest amount, in ${iso('€')}`).fill('500')
    await rule.getByRole('button', { name: /Add a gateway$/ }).click()
    await page.getByRole('option', { name: 'Test gateway' }).click()
    await rule.getByText('1. Test gateway').waitFor()
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.getByText('Payment rules saved.').waitFor()
    const settings = await api(server.url, 'GET', '/v1/admin/payment-settings', undefined, adminToken)
    expect(settings.body.routing.at(-1)).toEqual({ currencies: ['EUR'], maxAmount: '50000', gateways: ['test'] })
    await checkScreen(page, 'payments-settings-en')

    await page.evaluate(() => localStorage.setItem('caravan.locale', 'fa'))
    await page.reload()
    await h1(page, 'قاعده‌های پرداخت').waitFor()
    await checkScreen(page, 'payments-settings-fa')
    await page.goto('/console/payments/gateways')
    await h1(page, 'درگاه‌های پرداخت').waitFor()
    await checkScreen(page, 'payments-gateways-fa')
  })
})
