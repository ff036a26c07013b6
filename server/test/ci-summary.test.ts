// scripts/test-summary.mjs, CI's closing line: a run that failed with every test passed (an error no
// test owned, a type error) must not end on "0 failed".
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT } from '../../scripts/build.mjs'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A CI report folder: one vitest JSON report with `passed` tests and `failed` failed ones. */
function reports(passed: number, failed: number) {
  dir = mkdtempSync(join(tmpdir(), 'ci-summary-'))
  const test = (status: string) => ({ status, title: status })
  const report = {
    numPassedTests: passed,
    numFailedTests: failed,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [
      {
        status: failed ? 'failed' : 'passed',
        assertionResults: [...Array(passed).fill(test('passed')), ...Array(failed).fill(test('failed'))],
      },
    ],
  }
  writeFileSync(join(dir, 'server-pglite.json'), JSON.stringify(report))
}
const steps = (...lines: string[]) => writeFileSync(join(dir, 'steps.txt'), lines.map((l) => `${l}\n`).join(''))
const summary = () => {
  const { status, stdout } = spawnSync(process.execPath, [join(ROOT, 'scripts/test-summary.mjs'), dir], { encoding: 'utf8' })
  return { status, stdout, last: stdout.trimEnd().split('\n').at(-1) }
}

describe('CI summary', () => {
  it('passes a run whose steps all exited 0', () => {
    reports(3, 0)
    steps('npm run typecheck\t0\t', 'npm run test:server\t0\tserver-pglite')
    expect(summary()).toMatchObject({ status: 0, last: 'tests: 3 passed, 0 failed, 0 skipped' })
  })

  it('counts each error no test owned, and names it with its file', () => {
    reports(3, 0)
    steps('npm run test:server\t1\tserver-pglite')
    mkdirSync(join(dir, 'runs'))
    const error = { message: 'Error: left behind', stack: '    at x (/src/a.ts:3:1)', file: '/test/a.test.ts', test: 'leaks' }
    writeFileSync(join(dir, 'runs', 'server-pglite.json'), JSON.stringify({ reason: 'passed', unhandledErrors: [error, error] }))
    const { status, stdout, last } = summary()
    expect(status).toBe(1)
    expect(stdout).toContain('npm run test:server exited 1 with no failed test: 2 error(s) no test owned')
    expect(stdout).toContain('Error: left behind (/test/a.test.ts › leaks)')
    expect(stdout).toContain('      at x (/src/a.ts:3:1)')
    expect(last).toBe('tests: 3 passed, 2 failed, 0 skipped')
  })

  it('counts a failed step with no test report (a type error) once', () => {
    reports(3, 0)
    steps('npm run typecheck\t2\t', 'npm run test:server\t0\tserver-pglite')
    const { status, stdout, last } = summary()
    expect(status).toBe(1)
    expect(stdout).toContain('npm run typecheck exited 2 with no failed test')
    expect(last).toBe('tests: 3 passed, 1 failed, 0 skipped')
  })

  it('does not count a step twice when its failed tests already say why it failed', () => {
    reports(3, 1)
    steps('npm run test:server\t1\tserver-pglite')
    const { status, stdout, last } = summary()
    expect(status).toBe(1)
    expect(stdout).not.toContain('with no failed test')
    expect(last).toBe('tests: 3 passed, 1 failed, 0 skipped')
  })

  it('still shows the errors no test owned beside failed tests, without counting them again', () => {
    reports(3, 1)
    steps('npm run test:server\t1\tserver-pglite')
    mkdirSync(join(dir, 'runs'))
    const error = { message: 'Error: left behind', stack: '', file: '/test/a.test.ts' }
    writeFileSync(join(dir, 'runs', 'server-pglite.json'), JSON.stringify({ reason: 'failed', unhandledErrors: [error] }))
    const { stdout, last } = summary()
    expect(stdout).toContain('npm run test:server exited 1 with failed tests and 1 error(s) no test owned')
    expect(stdout).toContain('Error: left behind (/test/a.test.ts)')
    expect(last).toBe('tests: 3 passed, 1 failed, 0 skipped')
  })
})
