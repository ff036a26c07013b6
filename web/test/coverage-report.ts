// Global setup of the browser tests when coverage is on (see coverage.ts): clears the last report
// before the first file, and after the last one maps what Chromium recorded onto web/src through
// the build's source maps, the way vitest's own v8 provider does for the server and the SDK
// (V8 counts merged per script, then ast-v8-to-istanbul). Writes web/coverage/ (text table,
// html, coverage-summary.json; CI's copy goes to $VITEST_JSON_DIR/coverage/web.json) and fails
// the run below the floor.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import convert from 'ast-v8-to-istanbul'
import libCoverage from 'istanbul-lib-coverage'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'
import { parseAstAsync } from 'vite'
import { coverageEnabled, RAW_COVERAGE_DIR, WEB_DIR, type ScriptCoverage } from './coverage'

/**
 * Under what the browser tests reach today (lines 89.6 %, branches 74.9–75.2 %): a change that loses
 * coverage fails CI. The same code moves by a few tenths between runs (which branches a page takes
 * depends on timing: loading states, live updates racing reads), so each floor sits a point or so below.
 */
const FLOOR = { lines: 88, branches: 74 }

const ASSETS = join(WEB_DIR, 'dist', 'assets')
const SOURCES = join(WEB_DIR, 'src') + sep
const REPORT_DIR = join(WEB_DIR, 'coverage')

type Functions = ScriptCoverage['functions']
// The library vitest merges V8 coverage with; it ships no types.
const { mergeProcessCovs } = createRequire(import.meta.url)('@bcoe/v8-coverage') as {
  mergeProcessCovs: (covs: { result: { scriptId: string; url: string; functions: Functions }[] }[]) => {
    result: { url: string; functions: Functions }[]
  }
}

export default function setup() {
  if (!coverageEnabled) return
  rmSync(REPORT_DIR, { recursive: true, force: true })
  // vitest only logs an error thrown by a teardown: set the exit code so a failed check fails the run.
  return async () => {
    try {
      await report()
    } catch (error) {
      console.error(error instanceof Error ? error.message : error)
      process.exitCode = 1
    }
  }
}

async function report() {
  const runs = new Map<string, Functions[]>()
  for (const name of existsSync(RAW_COVERAGE_DIR) ? readdirSync(RAW_COVERAGE_DIR) : []) {
    for (const script of JSON.parse(readFileSync(join(RAW_COVERAGE_DIR, name), 'utf8')) as ScriptCoverage[])
      runs.set(script.path, [...(runs.get(script.path) ?? []), script.functions])
  }
  if (runs.size === 0) {
    console.warn('web coverage: no page recorded any (were the browser tests skipped?)')
    return
  }

  const built = readdirSync(ASSETS).filter((f) => f.endsWith('.js'))
  const stale = [...runs.keys()].filter((path) => !built.includes(path.slice('/assets/'.length)))
  if (stale.length) throw new Error(`web coverage: web/dist was rebuilt during the run (${stale.join(', ')} no longer exist)`)

  const coverageMap = libCoverage.createCoverageMap({})
  // Every built script counts, loaded or not: a chunk no test loads shows as not covered.
  for (const name of built) {
    const file = join(ASSETS, name)
    if (!existsSync(`${file}.map`))
      throw new Error(`web coverage: ${file}.map is missing: build the app with coverage on (COVERAGE=1 npm run build:web)`)
    const code = readFileSync(file, 'utf8')
    const scriptRuns = runs.get(`/assets/${name}`) ?? []
    const functions = scriptRuns.length
      ? mergeProcessCovs(scriptRuns.map((fns) => ({ result: [{ scriptId: '0', url: name, functions: fns }] }))).result[0].functions
      : []
    coverageMap.merge(
      await convert({
        code,
        ast: parseAstAsync(code),
        sourceMap: JSON.parse(readFileSync(`${file}.map`, 'utf8')),
        coverage: { url: pathToFileURL(file).href, functions },
      }),
    )
  }
  // The app's own code only: not React, the SDK, Vite's helpers or assets bundled with it.
  coverageMap.filter((file) => file.startsWith(SOURCES) && /\.tsx?$/.test(file))

  const context = libReport.createContext({ dir: REPORT_DIR, coverageMap, defaultSummarizer: 'nested' })
  // skipEmpty: main.tsx's one top-level call maps to no statement of its own in the bundle.
  reports.create('text', { skipEmpty: true }).execute(context)
  for (const reporter of ['text-summary', 'html', 'json-summary'] as const) reports.create(reporter).execute(context)
  if (process.env.VITEST_JSON_DIR) {
    mkdirSync(join(process.env.VITEST_JSON_DIR, 'coverage'), { recursive: true })
    copyFileSync(join(REPORT_DIR, 'coverage-summary.json'), join(process.env.VITEST_JSON_DIR, 'coverage', 'web.json'))
  }

  const total = coverageMap.getCoverageSummary()
  const below = (['lines', 'branches'] as const).filter((metric) => total[metric].pct < FLOOR[metric])
  if (below.length)
    throw new Error(
      `web coverage below its floor: ${below.map((metric) => `${metric} ${total[metric].pct} % < ${FLOOR[metric]} %`).join(', ')}`,
    )
}
