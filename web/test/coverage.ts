// The web app's coverage, seen from Chromium: every page a browser test opens records V8's block
// coverage of the built scripts (web/dist/assets/*.js) until its context closes. Each test file
// writes what it saw to web/coverage/.v8/; coverage-report.ts maps it back to web/src through the
// build's source maps once every file has run.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'

/**
 * On with COVERAGE=1 only (the same switch as vite.config.ts's source maps): unlike the server's and
 * the SDK's, CI=true does not turn it on. It costs the browser tests about a seventh of their CPU
 * (278 against 240 CPU-seconds for two files), and CI's two cores have no seventh to spare.
 */
export const coverageEnabled = process.env.COVERAGE === '1'

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url))
export const RAW_COVERAGE_DIR = join(WEB_DIR, 'coverage', '.v8')

/** One script's V8 coverage, named by its path on the server (`/assets/index-….js`). */
export interface ScriptCoverage {
  path: string
  functions: Awaited<ReturnType<Page['coverage']['stopJSCoverage']>>[number]['functions']
}

let written = 0

function save(entries: Awaited<ReturnType<Page['coverage']['stopJSCoverage']>>) {
  const scripts: ScriptCoverage[] = []
  for (const entry of entries) {
    const path = new URL(entry.url, 'http://invalid').pathname
    if (path.startsWith('/assets/') && path.endsWith('.js')) scripts.push({ path, functions: entry.functions })
  }
  if (scripts.length === 0) return
  mkdirSync(RAW_COVERAGE_DIR, { recursive: true })
  writeFileSync(join(RAW_COVERAGE_DIR, `${process.pid}-${Date.now()}-${++written}.json`), JSON.stringify(scripts))
}

/**
 * Makes every page of `browser` record coverage from its creation (before its first navigation)
 * to its context's close, without the test files doing anything: newContext, newPage and close
 * are wrapped. Coverage survives navigations (resetOnNavigation: false): tests use page.goto.
 */
export function collectCoverage(browser: Browser) {
  const started = new Map<Page, Promise<void>>()
  async function stop(page: Page) {
    const start = started.get(page)
    if (!start || page.isClosed()) return
    started.delete(page)
    await start
    save(await page.coverage.stopJSCoverage())
  }
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context: BrowserContext = await newContext(options)
    context.on('page', (page) => {
      started.set(page, page.coverage.startJSCoverage({ resetOnNavigation: false }))
      const closePage = page.close.bind(page)
      page.close = async (closeOptions) => {
        await stop(page)
        return closePage(closeOptions)
      }
    })
    const newPage = context.newPage.bind(context)
    context.newPage = async () => {
      const page = await newPage()
      await started.get(page)
      return page
    }
    const close = context.close.bind(context)
    context.close = async (closeOptions) => {
      for (const page of context.pages()) await stop(page)
      return close(closeOptions)
    }
    return context
  }
  const closeBrowser = browser.close.bind(browser)
  browser.close = async (options) => {
    for (const context of browser.contexts()) await context.close()
    return closeBrowser(options)
  }
}
