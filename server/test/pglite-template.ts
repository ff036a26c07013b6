// Global setup of the server tests: one embedded database, migrated once, that every test node
// on PGlite starts from (helpers/caravan.ts loads it) instead of applying every migration itself,
// which is most of a node's start. With DATABASE_URL set, nodes use PostgreSQL and no template is made.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../src/core/db/client'
import { migrate } from '../src/core/db/migrate'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data folder (dumpDataDir's gzipped tarball) to start from, or '' (PostgreSQL). */
    pgliteTemplate: string
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('pgliteTemplate', '')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'caravan-server-template-'))
  const database = await openDatabase({ pgliteDir: 'memory://' })
  try {
    await migrate(database)
    const file = join(dir, 'migrated.tar.gz')
    writeFileSync(file, Buffer.from(await (await database.dump!()).arrayBuffer()))
    project.provide('pgliteTemplate', file)
  } finally {
    await database.close()
  }
  return () => rmSync(dir, { recursive: true, force: true })
}
