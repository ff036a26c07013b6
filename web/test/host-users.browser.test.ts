// The console's pages for the host product's users, as the first admin, in English and Persian:
// identity verification (the first secret, then rotations with and without a grace period, each
// secret shown once, signatures checked against the server), and the users page (external IDs,
// export as a file, erasure behind a confirmation, the last admin kept). Each page is also checked
// at a phone's 360 px: no sideways scrolling.
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accessTokenOf, api, chromiumAvailable, iso, launchBrowser, screenshot, startServer, unique, type RunningServer } from './harness'

const ADMIN_EMAIL = 'root@caravan.test'
const ADMIN_PASSWORD = 'admin-password-1'
const PHONE = { width: 360, height: 740 }

describe.runIf(chromiumAvailable())('host product users in the console', () => {
  let server: RunningServer
  let browser: Browser
  let context: BrowserContext
  let admin: Page
  // Unique names: with DATABASE_URL the server may share a database with earlier runs.
  const tag = unique()
  const hostUserId = `shop-${tag}-1`
  const secrets: string[] = []

  const h1 = (name: string) => admin.getByRole('heading', { level: 1, name })
  const sign = (secret: string, externalId: string) => createHmac('sha256', secret).update(externalId).digest('hex')
  const identify = async (secret: string) =>
    (await api(server.url, 'POST', '/v1/auth/identity', { externalId: hostUserId, signature: sign(secret, hostUserId) })).status

  /** Screenshots at desktop width and at 360 px, where the page must not scroll sideways. */
  async function screenshots(name: string) {
    await screenshot(admin, name)
    const desktop = admin.viewportSize()!
    await admin.setViewportSize(PHONE)
    try {
      await screenshot(admin, `${name}-360`)
      expect(await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
    } finally {
      await admin.setViewportSize(desktop)
    }
  }

  const focusedText = () => admin.evaluate(() => document.activeElement?.textContent ?? null)

  beforeAll(async () => {
    server = await startServer({ ADMIN_EMAIL, ADMIN_PASSWORD })
    browser = await launchBrowser()
    context = await browser.newContext({
      baseURL: server.url,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      viewport: { width: 1280, height: 800 },
    })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    admin = await context.newPage()
    admin.setDefaultTimeout(10_000)
    await admin.goto('/sign-in')
    await admin.getByLabel('Email').fill(ADMIN_EMAIL)
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD)
    await admin.getByRole('button', { name: 'Sign in', exact: true }).click()
    await admin.waitForURL((url) => url.pathname !== '/sign-in')
  })

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.stop()
  })

  it('identity verification: the first secret is made without asking and shown once, with how to use it', async () => {
    await admin.goto('/console')
    const sections = admin.getByRole('navigation', { name: 'Console sections' })
    // Beside the API keys, in the console's navigation (drawn with the lazily loaded page: wait for it).
    await sections.getByRole('link', { name: 'Identity verification' }).waitFor()
    expect(await sections.getByRole('link').allTextContents()).toEqual(expect.arrayContaining(['API keys', 'Identity verification']))
    await sections.getByRole('link', { name: 'Identity verification' }).click()
    await h1('Identity verification').waitFor()
    await admin.getByText('Your product’s server signs each user’s ID with this secret').waitFor()
    await admin.getByText('There is no secret yet.').waitFor()
    // Nothing to keep yet: no grace period to choose.
    expect(await admin.locator('main').getByRole('radio').count()).toBe(0)
    await screenshots('identity-empty-en')

    await admin.getByRole('button', { name: 'Create secret' }).click()
    const secret = (await admin.getByTestId('new-identity-secret').textContent())!
    expect(secret.length).toBeGreaterThanOrEqual(32)
    secrets.push(secret)
    await expect.poll(focusedText).toBe('Your new identity secret')
    expect(await identify(secret)).toBe(200)
    expect(await identify('not-the-secret')).toBe(401)

    const snippets = (await admin.locator('main pre').allTextContents()).join('\n')
    expect(snippets).toContain(`createHmac('sha256', secret).update(externalId).digest('hex')`)
    expect(snippets).toContain('caravan.identify(externalId, signature)')
    expect(snippets).toContain(`baseUrl: '${server.url}'`)

    await admin.getByRole('button', { name: 'Copy secret' }).click()
    await admin.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor()
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret)

    const rows = admin.locator('main tbody tr')
    expect(await rows.count()).toBe(1)
    expect(await rows.first().getByRole('rowheader').textContent()).toBe(`${secret.slice(0, 10)}…`)
    await rows.first().getByText('Current').waitFor()
    await screenshots('identity-created-en')

    // Shown once: gone after a reload, while the list keeps it.
    await admin.reload()
    await h1('Identity verification').waitFor()
    await rows.first().getByText('Current').waitFor()
    expect(await admin.getByTestId('new-identity-secret').count()).toBe(0)
  })

  it('identity verification: a rotation asks first; the old secret works for the grace period chosen', async () => {
    const grace = admin.getByRole('group', { name: 'Keep the current secret working' })
    expect(await grace.getByRole('radio', { name: 'For 1 day' }).isChecked()).toBe(true)
    await grace.getByRole('radio', { name: 'For 1 hour' }).check()

    // Escape cancels, focus goes back to the button, nothing changes.
    await admin.getByRole('button', { name: 'Rotate secret' }).click()
    const dialog = admin.getByRole('alertdialog', { name: 'Rotate the identity secret?' })
    await dialog.waitFor()
    await dialog.getByText(/^Signatures made with the current secret keep working until .+\. Put the new secret/).waitFor()
    await expect.poll(focusedText).toBe('Cancel')
    await screenshots('identity-confirm-en')
    await admin.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(focusedText).toBe('Rotate secret')
    expect(await admin.locator('main tbody tr').count()).toBe(1)
    expect(await identify(secrets[0])).toBe(200)

    await admin.getByRole('button', { name: 'Rotate secret' }).click()
    await dialog.getByRole('button', { name: 'Yes, rotate' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => admin.getByTestId('new-identity-secret').count()).toBe(1)
    const secret = (await admin.getByTestId('new-identity-secret').textContent())!
    expect(secret).not.toBe(secrets[0])
    secrets.push(secret)
    await expect.poll(focusedText).toBe('Your new identity secret')
    await expect.poll(() => admin.locator('main tbody tr').count()).toBe(2)
    await admin.locator('main tbody').getByText('Current').waitFor()
    await admin
      .locator('main tbody')
      .getByText(/^Works until /)
      .waitFor()
    // Both work: the new one, and the old one for its hour.
    expect(await identify(secrets[1])).toBe(200)
    expect(await identify(secrets[0])).toBe(200)
    await screenshots('identity-rotated-en')
  })

  it('identity verification in Persian: Persian dates, and a rotation that ends the old secrets at once', async () => {
    await admin.getByLabel('Language').selectOption('fa')
    await h1('تأیید هویت').waitFor()
    expect(await admin.evaluate(() => document.documentElement.dir)).toBe('rtl')
    expect(
      await admin
        .locator('main tbody')
        .getByText(/^کار می‌کند تا /)
        .textContent(),
    ).toMatch(/[۰-۹]/)
    await screenshots('identity-rotated-fa')

    const grace = admin.getByRole('group', { name: 'کلید کنونی تا کی کار کند؟' })
    await grace.getByRole('radio', { name: 'همین حالا از کار بیفتد' }).check()
    await admin.getByRole('button', { name: 'تعویض کلید' }).click()
    const dialog = admin.getByRole('alertdialog', { name: 'کلید تأیید هویت تعویض شود؟' })
    await dialog.getByText(/^امضاهای کلید کنونی و کلیدهای قدیمی‌تری .+ بی‌درنگ از کار می‌افتند/).waitFor()
    await screenshots('identity-confirm-fa')
    await dialog.getByRole('button', { name: 'بله، تعویض شود' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(async () => admin.getByTestId('new-identity-secret').textContent()).not.toBe(secrets[1])
    secrets.push((await admin.getByTestId('new-identity-secret').textContent())!)
    expect(await identify(secrets[2])).toBe(200)
    // No grace: every older secret ends at once, the one still in its hour too.
    expect(await identify(secrets[1])).toBe(401)
    expect(await identify(secrets[0])).toBe(401)
    await expect.poll(() => admin.locator('main tbody tr').count()).toBe(1)
    await screenshots('identity-rotated-now-fa')
    await admin.getByLabel('زبان').selectOption('en')
  })

  it('users: external IDs, export as a file, erasure after a confirmation', async () => {
    const token = await accessTokenOf(admin)
    const email = `hoda-${tag}@example.com`
    const withAddress = await api(server.url, 'PUT', `/v1/users/external/${hostUserId}`, { email, name: 'Hoda' }, token)
    expect([200, 201]).toContain(withAddress.status)
    const noAddressId = `shop-${tag}-2`
    expect((await api(server.url, 'PUT', `/v1/users/external/${noAddressId}`, { name: `Sam ${tag}` }, token)).status).toBe(201)

    await admin.goto('/console/users')
    await h1('Users').waitFor()
    await admin.getByLabel('Search by email, name or external ID').fill(tag)
    await admin.getByRole('button', { name: 'Search', exact: true }).click()
    await admin.getByText(`${iso('2')} shown`).waitFor()
    // The external ID under the address, or alone when there is no address.
    expect(await admin.getByRole('rowheader', { name: email }).textContent()).toBe(`${email}External ID: ${hostUserId}`)
    expect(await admin.getByRole('rowheader', { name: noAddressId }).textContent()).toBe(`External ID: ${noAddressId}`)
    await screenshots('users-host-en')

    // Export: a JSON file with everything Caravan holds about the user.
    const download = admin.waitForEvent('download')
    await admin.getByRole('button', { name: `Export data of ${iso(email)}` }).click()
    const file = await download
    const userId = withAddress.body.id
    expect(file.suggestedFilename()).toBe(`caravan-user-${userId}.json`)
    const exported = JSON.parse(readFileSync((await file.path())!, 'utf8'))
    expect(exported.userId).toBe(userId)
    expect(JSON.stringify(exported.account)).toContain(email)
    await admin
      .getByRole('status')
      .filter({ hasText: `The data of ${iso(email)} was saved as ${iso(`caravan-user-${userId}.json`)}.` })
      .waitFor()

    // Erase: the dialog names the user and says what it does; Cancel changes nothing.
    await admin.getByRole('button', { name: `Erase ${iso(email)}` }).click()
    const dialog = admin.getByRole('alertdialog', { name: `Erase ${iso(email)}?` })
    await dialog.getByText('signs them out everywhere').waitFor()
    await dialog.getByText('This cannot be undone.').waitFor()
    await expect.poll(focusedText).toBe('Cancel')
    await screenshots('users-erase-en')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(focusedText).toBe('Erase')

    await admin.getByRole('button', { name: `Erase ${iso(email)}` }).click()
    await dialog.getByRole('button', { name: 'Yes, erase' }).click()
    await dialog.waitFor({ state: 'detached' })
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso(email)} was erased.` })
      .waitFor()
    await admin.getByText(`${iso('1')} shown`).waitFor()
    expect(await admin.getByRole('rowheader', { name: email }).count()).toBe(0)
    expect((await api(server.url, 'GET', `/v1/users/external/${hostUserId}`, undefined, token)).status).toBe(404)
    expect(await identify(secrets[2])).toBe(200) // the externalId is free: a new user

    // Persian: the same dialog, named by the external ID (no address).
    await admin.getByLabel('Language').selectOption('fa')
    await h1('کاربران').waitFor()
    await admin.getByRole('button', { name: `پاک‌سازی ${iso(noAddressId)}` }).click()
    const faDialog = admin.getByRole('alertdialog', { name: `${iso(noAddressId)} پاک‌سازی شود؟` })
    await faDialog.getByText('این کار برگشت‌پذیر نیست.').waitFor()
    await screenshots('users-erase-fa')
    await faDialog.getByRole('button', { name: 'بله، پاک‌سازی شود' }).click()
    await faDialog.waitFor({ state: 'detached' })
    await admin
      .getByRole('status')
      .filter({ hasText: `${iso(noAddressId)} پاک‌سازی شد.` })
      .waitFor()
    await screenshots('users-erased-fa')
    await admin.getByLabel('زبان').selectOption('en')
  })

  it('users: the last admin cannot be erased, in words', async (test) => {
    const token = await accessTokenOf(admin)
    const admins = await api(server.url, 'GET', '/v1/admin/users?role=admin&limit=2', undefined, token)
    if (admins.body.items.length > 1) test.skip(true, 'another admin exists in this database')
    await admin.goto('/console/users')
    await admin.getByRole('button', { name: `Erase ${iso(ADMIN_EMAIL)}` }).click()
    const dialog = admin.getByRole('alertdialog', { name: `Erase ${iso(ADMIN_EMAIL)}?` })
    await dialog.getByRole('button', { name: 'Yes, erase' }).click()
    await dialog.getByRole('alert').filter({ hasText: 'This is the last administrator and cannot be erased.' }).waitFor()
    await screenshots('users-erase-last-admin-en')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await api(server.url, 'GET', '/v1/me', undefined, token)).status).toBe(200)
    // The whole list, as it looks after the erasures above.
    await screenshots('users-all-en')
  })
})
