// The console: an admin (created by ADMIN_EMAIL/ADMIN_PASSWORD at start) in both languages,
// changing a customer's role while that customer watches, API keys, audit log, dead jobs.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accessTokenOf,
  api,
  chromiumAvailable,
  iso,
  launchBrowser,
  screenshot,
  startServer,
  unique,
  type RunningServer,
  pageOpener,
} from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'

describe.runIf(chromiumAvailable())('console', () => {
  let server: RunningServer
  let browser: Browser
  let pages: ReturnType<typeof pageOpener>
  /** A fresh page (no session, no language choice) in `locale`. */
  const newPage = (locale?: 'en-GB' | 'fa-IR') => pages.newPage(locale)
  let admin: Page
  let customer: Page
  // Unique names: with DATABASE_URL the server may share a database with earlier runs.
  const customerTag = `reza-${unique()}`
  const customerEmail = `${customerTag}@example.com`
  const customerPassword = 'customer-pass-1'

  async function signIn(page: Page, email: string, password: string) {
    await page.goto('/sign-in')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-in')
  }

  const h1 = (page: Page, name: string) => page.getByRole('heading', { level: 1, name })

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    pages = pageOpener(browser, server.url)
    const registered = await api(server.url, 'POST', '/v1/auth/register', {
      email: customerEmail,
      password: customerPassword,
      name: 'Reza',
      locale: 'fa',
    })
    expect(registered.status).toBe(201)
    admin = await newPage()
    customer = await newPage()
  })

  afterAll(async () => {
    await pages?.closeAll()
    await browser?.close()
    await server?.stop()
  })

  it('signs the admin in and shows the console in English', async () => {
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    await admin.getByRole('link', { name: 'Console' }).click()
    await h1(admin, 'Console').waitFor()
    for (const name of ['Users', 'API keys', 'Audit log', 'Failed jobs']) {
      await admin.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name }).waitFor()
    }
    await screenshot(admin, 'console-en')
  })

  it('lists users in English and Persian', async () => {
    await admin.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Users' }).click()
    await h1(admin, 'Users').waitFor()
    await admin.getByRole('rowheader', { name: customerEmail }).waitFor()
    await admin.getByRole('rowheader', { name: ADMIN_EMAIL }).waitFor()
    await screenshot(admin, 'users-en')

    await admin.getByLabel('Language').selectOption('fa')
    await h1(admin, 'کاربران').waitFor()
    expect(await admin.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await admin.getByRole('cell', { name: 'مدیر', exact: true }).waitFor()
    await screenshot(admin, 'users-fa')
    await admin.getByRole('navigation', { name: 'بخش‌های کنسول' }).getByRole('link', { name: 'نمای کلی' }).click()
    await h1(admin, 'کنسول').waitFor()
    await screenshot(admin, 'console-fa')
    await admin.getByLabel('زبان').selectOption('en')
  })

  it('searches users', async () => {
    await admin.goto('/console/users')
    await admin.getByLabel('Search by email, name or external ID').fill(customerTag)
    await admin.getByRole('button', { name: 'Search', exact: true }).click()
    await admin.getByText(`${iso('1')} shown`).waitFor()
    await admin.getByRole('rowheader', { name: customerEmail }).waitFor()
  })

  it('changes a customer into an agent; the customer sees it live and gets the console after signing in again', async () => {
    await signIn(customer, customerEmail, customerPassword)
    // The account's locale is Persian and no language was chosen on this browser yet.
    await h1(customer, `${iso('Reza')}، خوش آمدید`).waitFor()
    await customer.getByLabel('زبان').selectOption('en')
    await h1(customer, `Welcome, ${iso('Reza')}`).waitFor()

    await admin.getByLabel(`New role for ${iso(customerEmail)}`).selectOption('agent')
    await admin.getByRole('button', { name: `Change role ${customerEmail}` }).click()
    // A role change ends the user's sessions, so it is asked for first.
    await admin.getByRole('alertdialog', { name: `Change the role of ${iso(customerEmail)} to ${iso('Agent')}?` }).waitFor()
    await admin.getByRole('button', { name: 'Yes, change the role' }).click()
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso(customerEmail)} is now: ${iso('Agent')}.` })
      .waitFor()
    await screenshot(admin, 'users-role-changed-en')

    await customer.getByText('Your role has changed. Sign in again to use your new access.').waitFor()
    await screenshot(customer, 'role-changed-banner-en')
    await customer.getByRole('button', { name: 'Sign in again' }).click()
    await h1(customer, 'Sign in').waitFor()
    await signIn(customer, customerEmail, customerPassword)
    await customer.getByRole('link', { name: 'Console' }).click()
    await h1(customer, 'Console').waitFor()
    // An agent has the console (and the support desk's pages) but not the admin sections.
    const sections = customer.getByRole('navigation', { name: 'Console sections' })
    await sections.getByRole('link').first().waitFor()
    for (const adminOnly of ['Users', 'API keys', 'Audit log']) {
      expect(await sections.getByRole('link', { name: adminOnly }).count()).toBe(0)
    }
    await screenshot(customer, 'console-agent-en')
    await customer.getByLabel('Language').selectOption('fa')
    await h1(customer, 'کنسول').waitFor()
    await screenshot(customer, 'console-agent-fa')
    await customer.getByLabel('زبان').selectOption('en')
    await customer.goto('/console/users')
    await h1(customer, 'Access denied').waitFor()
  })

  it('refuses to demote the last admin, in words', async (test) => {
    const token = await accessTokenOf(admin)
    const admins = await api(server.url, 'GET', '/v1/admin/users?role=admin&limit=2', undefined, token)
    if (admins.body.items.length > 1) test.skip(true, 'another admin exists in this database')
    await admin.goto('/console/users')
    await admin.getByLabel(`New role for ${iso(ADMIN_EMAIL)}`).selectOption('customer')
    await admin.getByRole('button', { name: `Change role ${ADMIN_EMAIL}` }).click()
    const dialog = admin.getByRole('alertdialog')
    await dialog.getByRole('button', { name: 'Yes, change the role' }).click()
    await dialog.getByRole('alert').filter({ hasText: 'This is the last administrator.' }).waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('creates an API key, shows it once, and revokes it', async () => {
    const keyName = `Shop backend ${unique()}`
    await admin.goto('/console/api-keys')
    await h1(admin, 'API keys').waitFor()
    await admin.getByLabel('Name').fill(keyName)
    await admin.getByRole('button', { name: 'Create key' }).click()
    const key = await admin.getByTestId('new-api-key').textContent()
    expect(key).toMatch(/^ck_/)
    expect((await api(server.url, 'GET', '/v1/admin/users?limit=1', undefined, key!)).status).toBe(200)
    await admin.getByRole('rowheader', { name: keyName }).waitFor()
    await screenshot(admin, 'api-keys-en')

    // A security change: asked for first, in a dialog that names the key.
    await admin.getByRole('button', { name: `Revoke ${iso(keyName)}` }).click()
    const dialog = admin.getByRole('alertdialog', { name: `Revoke “${iso(keyName)}”?` })
    await dialog.getByText('Requests with this key will fail at once.', { exact: false }).waitFor()
    await dialog.getByRole('button', { name: 'Yes, revoke' }).click()
    await dialog.waitFor({ state: 'detached' })
    await admin
      .getByRole('status')
      .filter({ hasText: `The key “${iso(keyName)}” was revoked.` })
      .waitFor()
    await admin
      .getByRole('row', { name: keyName })
      .getByText(/^Revoked /)
      .waitFor()
    expect((await api(server.url, 'GET', '/v1/admin/users?limit=1', undefined, key!)).status).toBe(401)

    await admin.getByLabel('Language').selectOption('fa')
    await h1(admin, 'کلیدهای API').waitFor()
    await screenshot(admin, 'api-keys-fa')
    await admin.getByLabel('زبان').selectOption('en')
  })

  it('lists the audit log and verifies the chain', async () => {
    await admin.goto('/console/audit')
    await h1(admin, 'Audit log').waitFor()
    // Newest first: this run's role change and key revocation are on the first page.
    // Actions in words, people by name.
    await admin.getByRole('rowheader', { name: 'Role changed' }).first().waitFor()
    await admin.getByRole('rowheader', { name: 'API key revoked' }).first().waitFor()
    await admin
      .getByRole('row', { name: /Role changed/ })
      .first()
      .getByText('Reza', { exact: true })
      .waitFor()
    await admin.getByRole('button', { name: 'Verify chain' }).click()
    await admin.getByText(/^The chain is intact: .+ entries checked\.$/).waitFor()
    await screenshot(admin, 'audit-en')

    await admin.getByLabel('Language').selectOption('fa')
    await admin.getByRole('button', { name: 'بررسی زنجیره' }).click()
    await admin.getByText(/^زنجیره سالم است/).waitFor()
    await screenshot(admin, 'audit-fa')
    await admin.getByLabel('زبان').selectOption('en')

    // A link with filters opens the log filtered; on a phone the entries are cards, no wider than the screen.
    await admin.goto('/console/audit?action=api_key.revoked')
    await admin.getByRole('rowheader', { name: 'API key revoked' }).first().waitFor()
    expect(await admin.getByRole('rowheader', { name: 'Role changed' }).count()).toBe(0)
    await admin.setViewportSize({ width: 390, height: 800 })
    try {
      await admin.getByRole('list', { name: 'Audit log entries' }).getByRole('listitem').first().waitFor()
      expect(await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
      await screenshot(admin, 'audit-filtered-390')
    } finally {
      await admin.setViewportSize({ width: 1280, height: 800 })
    }
  })

  it('lists failed jobs', async () => {
    await admin.goto('/console/jobs')
    await h1(admin, 'Failed jobs').waitFor()
    // A fresh database has none; a shared one may list some.
    await admin.locator('main .empty, main table').first().waitFor()
    await screenshot(admin, 'jobs-en')
    await admin.getByLabel('Language').selectOption('fa')
    await h1(admin, 'کارهای ناموفق').waitFor()
    await screenshot(admin, 'jobs-fa')
  })
})
