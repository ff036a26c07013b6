// How the payments, support and wallet browser tests look at a screen: wait until it is
// settled, run both checks of a11y.ts and take a full-page shot, at desktop width and on a 360 px
// phone. One copy, so a change to what "settled" means reaches them all.
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { expectAccessible } from './a11y'
import { screenshot } from './harness'

export const PHONE = { width: 360, height: 800 }
export const DESKTOP = { width: 1366, height: 900 }

/**
 * Nothing on the page is loading any more, no dialog is fading in, and React Aria's announcement
 * of a button that was busy (a node naming the button by id, kept 7 s) is gone: after a navigation
 * it names a button that is no longer there, which axe reports as an image without a name. Calm
 * for a quarter of a second on end: a button's "busy" announcement may land just after a change shows.
 */
export async function settled(page: Page) {
  const calm = () =>
    page.evaluate(() => !document.querySelector('[aria-busy="true"], .skeleton, [data-live-announcer] [role="img"], [data-entering]'))
  let calmSince = 0
  await expect
    .poll(
      async () => {
        if (!(await calm())) calmSince = 0
        else calmSince ||= Date.now()
        return calmSince > 0 && Date.now() - calmSince >= 250
      },
      { timeout: 15_000 },
    )
    .toBe(true)
}

/** A full-page shot from the top (scrolled, the sticky header would be painted mid-page). */
export async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0))
  await screenshot(page, name)
}

/** Both checks of a11y.ts, and the same at 360 px; the screen is shot at both widths. */
export async function checkScreen(page: Page, name: string) {
  await page.setViewportSize(DESKTOP)
  await settled(page)
  await expectAccessible(page)
  await shot(page, name)
  await page.setViewportSize(PHONE)
  await settled(page)
  await expectAccessible(page)
  await shot(page, `${name}-360`)
  await page.setViewportSize(DESKTOP)
}
