// Writes the OpenAPI document the server generates from its route schemas to sdk/openapi.json,
// from which the SDK's types are generated (npm run generate --workspace sdk).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCaravan } from '../src/app'
import { loadConfig } from '../src/config'
import { openDatabase } from '../src/core/db/client'

export async function generateOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caravan-openapi-'))
  const database = await openDatabase({ pgliteDir: 'memory://' })
  const caravan = await buildCaravan(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000' }), {
    database,
  })
  await caravan.app.ready()
  const spec = JSON.stringify(caravan.app.swagger(), null, 2) + '\n'
  await caravan.stop()
  await database.close()
  rmSync(dataDir, { recursive: true, force: true })
  return spec
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = new URL('../../sdk/openapi.json', import.meta.url)
  writeFileSync(out, await generateOpenApi())
  console.log(`wrote ${out.pathname}`)
}
