// Global setup of the browser tests: one embedded database, migrated once, that every test file's
// server starts from (harness.ts copies it into the file's own data folder). Migrating a fresh
// PGlite folder is most of a server's start (about 4 of its 10 s here); the copy takes a moment.
// With DATABASE_URL set, the servers use PostgreSQL and no template is made.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ROOT } from './paths'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated data folder to copy, or '' (PostgreSQL, or no template). */
    dataTemplate: string
  }
}

export default function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('dataTemplate', '')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'caravan-browser-template-'))
  const { DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env
  const migrated = spawnSync(process.execPath, ['server/bin/caravan.js', 'migrate'], {
    cwd: ROOT,
    env: { ...env, DATA_DIR: dir, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  })
  if (migrated.status !== 0) throw new Error(`could not migrate the browser tests' data template:\n${migrated.stdout}${migrated.stderr}`)
  project.provide('dataTemplate', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
