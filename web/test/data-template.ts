// Global setup of the browser tests: one embedded data folder, made by starting Caravan once and
// stopping it, that every test file's server starts from (harness.ts copies it into the file's own
// data folder). Migrating a fresh PGlite folder and seeding the system notification types (their
// templates checked and audited one by one) were most of a server's start: 11.6 s to ready from an
// empty folder, 10 s from a migrated one, 6.5 s from a started one, here with nothing else running.
// With DATABASE_URL set, the servers use PostgreSQL and no template is made.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { spawnCaravan } from './caravan-process'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A started data folder to copy, or '' (PostgreSQL, or no template). */
    dataTemplate: string
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('dataTemplate', '')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'caravan-browser-template-'))
  try {
    const server = await spawnCaravan(dir, { LOG_LEVEL: 'warn' })
    await server.stop()
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`could not make the browser tests' data template: ${error instanceof Error ? error.message : error}`, { cause: error })
  }
  project.provide('dataTemplate', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
