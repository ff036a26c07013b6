// Paying a payment from the wallet, as a customer does it: a payment made with gateway "wallet"
// sends them to /wallet/pay/<attempt>; they see the amount beside what their wallet holds, pay,
// and land on the return address with the payment succeeded and the wallet debited once. In
// Persian a wallet that cannot cover the payment says so (with a way to top up) and "back" cancels
// the payment. A payment the shop routed to a gateway can be paid from the wallet instead, from its
// page in the customer area. Axe and no sideways scrolling at desktop width and on a 360 px phone.
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

const ADMIN_EMAIL = 'wallet-pay@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

describe.runIf(chromiumAvailable())('paying from the wallet', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  let adminToken: string
  let origin: string
  const password = 'correct-horse-42'

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true })

  async function customer(locale: 'en' | 'fa'): Promise<{ page: Page; userId: string; token: string }> {
    const email = `wallet-pay-${locale}-${unique()}@example.com`
    const registered = await api(server.url, 'POST', '/v1/auth/register', { email, password, name: 'Payer', locale })
    expect(registered.status).toBe(201)
    const page = await pages.signedIn(locale === 'fa' ? 'fa-IR' : 'en-GB', email, password)
    return { page, userId: registered.body.user.id, token: await accessTokenOf(page) }
  }

  const fund = (userId: string, amount: string) => fundWallet(server.url, adminToken, userId, amount)

  /** A payment the shop made for the customer, to be paid from the wallet; answers its pay page. */
  async function walletPayment(token: string, amount: string, description: string) {
    const created = await api(
      server.url,
      'POST',
      '/v1/payments',
      {
        amount,
        currency: 'IRR',
        purpose: { type: 'order', ref: `o-${unique()}` },
        description,
        returnUrl: `${origin}/pay/result`,
        gateway: 'wallet',
      },
      token,
    )
    expect(created.status).toBe(201)
    return { id: created.body.id as string, url: created.body.nextAction.url as string }
  }

  const irr = async (token: string) =>
    (await api(server.url, 'GET', '/v1/me/wallet', undefined, token)).body.balances.find((b: { currency: string }) => b.currency === 'IRR')

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    // At PUBLIC_URL's origin (localhost), where the pay page and the return page send the browser.
    origin = server.url.replace('127.0.0.1', 'localhost')
    pages = pageOpener(browser, origin)
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
    'in English: sees the amount beside the balance, pays once, and comes back with the payment succeeded',
    { timeout: 120_000 },
    async () => {
      const { page, userId, token } = await customer('en')
      await fund(userId, '100000')
      const payment = await walletPayment(token, '30000', 'Order of two books')
      await page.goto(payment.url)
      await h1(page, 'Pay from your wallet').waitFor()
      // The heading is there while the payment still loads (over a skeleton): wait for its facts.
      await expect
        .poll(async () => (await page.locator('dl.facts > div').allInnerTexts()).slice(0, 3))
        .toEqual(['For\nOrder of two books', 'Your wallet has\n10,000 Toman', 'Left after paying\n7,000 Toman'])
      await checkScreen(page, 'wallet-pay-en')

      await page.getByRole('button', { name: `Pay ${iso('3,000 Toman')}`, exact: true }).click()
      await page.waitForURL((url) => url.pathname === '/pay/result')
      await h1(page, 'Payment successful').waitFor()
      expect(new URL(page.url()).searchParams.get('payment_id')).toBe(payment.id)
      expect(await irr(token)).toMatchObject({ balance: '70000', available: '70000' })
      const detail = await api(server.url, 'GET', `/v1/payments/${payment.id}`, undefined, token)
      expect(detail.body.payment).toMatchObject({ status: 'succeeded', gateway: 'wallet' })

      // Back on the pay page (the browser's Back button): paid, nothing taken twice.
      await page.goto(payment.url)
      await page.getByRole('link', { name: 'Continue' }).waitFor()
      expect(await page.getByRole('button', { name: /^Pay / }).count()).toBe(0)
      expect((await irr(token)).balance).toBe('70000')
    },
  )

  it(
    'a payment the shop routed to a gateway, paid from the wallet instead (en); too little in it says so (fa)',
    { timeout: 120_000 },
    async () => {
      /** The shop's payment for the customer, routed by the server (to the test gateway here). */
      const routed = async (userId: string, amount: string) => {
        const created = await api(
          server.url,
          'POST',
          '/v1/payments',
          {
            amount,
            currency: 'IRR',
            purpose: { type: 'order', ref: `o-${unique()}` },
            returnUrl: `${origin}/pay/result`,
            customerId: userId,
          },
          adminToken,
        )
        expect(created.status).toBe(201)
        expect(created.body.gateway).toBe('test')
        return created.body.id as string
      }
      const { page, userId, token } = await customer('en')
      await fund(userId, '100000')
      const id = await routed(userId, '25000')
      await page.goto(`${origin}/pay?paymentId=${id}`)
      await page.getByRole('heading', { level: 3, name: 'Or pay from your wallet' }).waitFor()
      await page.getByText(`Your wallet has ${iso('10,000 Toman')} available.`).waitFor()
      await checkScreen(page, 'pay-existing-wallet-en')
      await page.getByRole('button', { name: 'Pay from my wallet' }).click()
      await page.waitForURL((url) => url.pathname.startsWith('/wallet/pay/'))
      await page.getByRole('button', { name: `Pay ${iso('2,500 Toman')}`, exact: true }).click()
      await page.waitForURL((url) => url.pathname === '/pay/result')
      await h1(page, 'Payment successful').waitFor()
      expect(await irr(token)).toMatchObject({ balance: '75000' })
      const detail = await api(server.url, 'GET', `/v1/payments/${id}`, undefined, token)
      expect(detail.body.attempts.map((a: { gateway: string; status: string }) => [a.gateway, a.status])).toEqual([
        ['test', 'canceled'],
        ['wallet', 'succeeded'],
      ])

      const fa = await customer('fa')
      await fund(fa.userId, '1000')
      const short = await routed(fa.userId, '25000')
      await fa.page.goto(`${origin}/pay?paymentId=${short}`)
      await fa.page.getByRole('heading', { level: 3, name: 'یا از کیف پول خود بپردازید' }).waitFor()
      await fa.page.getByText(`موجودی قابل استفاده کیف پول شما ${iso('۱۰۰ تومان')} است و برای این پرداخت کافی نیست.`).waitFor()
      expect(await fa.page.getByRole('button', { name: 'پرداخت از کیف پول من' }).count()).toBe(0)
      await fa.page.locator('.pay-wallet').getByRole('link', { name: 'افزایش موجودی' }).waitFor()
      await checkScreen(fa.page, 'pay-existing-wallet-short-fa')
    },
  )

  it('in Persian: a wallet short of the amount says so, and "back" cancels the payment', { timeout: 120_000 }, async () => {
    const { page, userId, token } = await customer('fa')
    await fund(userId, '50000')
    const payment = await walletPayment(token, '80000', 'سفارش ۱۲')
    await page.goto(payment.url)
    await h1(page, 'پرداخت از کیف پول').waitFor()
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['fa', 'rtl'])
    await page.getByText('موجودی کیف پول شما برای این پرداخت کافی نیست.', { exact: false }).waitFor()
    expect(await page.getByRole('button', { name: `پرداخت ${iso('۸٬۰۰۰ تومان')}`, exact: true }).isDisabled()).toBe(true)
    expect(await page.locator('dl.facts').innerText()).not.toMatch(/[0-9]/)
    await page.getByRole('link', { name: 'شارژ کیف پول' }).waitFor()
    await checkScreen(page, 'wallet-pay-short-fa')

    await page.getByRole('link', { name: 'بازگشت بدون پرداخت' }).click()
    await page.waitForURL((url) => url.pathname === '/pay/result')
    expect(new URL(page.url()).searchParams.get('status')).toBe('canceled')
    expect((await irr(token)).balance).toBe('50000')
  })
})
