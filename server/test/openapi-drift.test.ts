import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generateOpenApi } from '../scripts/openapi'

describe('SDK types', () => {
  it('are generated from the current OpenAPI document (run `npm run generate -w sdk` after changing a route)', async () => {
    const committed = readFileSync(new URL('../../sdk/openapi.json', import.meta.url), 'utf8')
    expect(JSON.parse(await generateOpenApi())).toEqual(JSON.parse(committed))
  })
})
