// docs/integration.md stays true: its marked shell blocks run in order in one bash against a live
// node, then its TypeScript block runs with tsx, and what they did is checked in the database.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCaravan, type TestCaravan } from './helpers/caravan'

const run = promisify(execFile)
const doc = readFileSync(fileURLToPath(new URL('../../docs/integration.md', import.meta.url)), 'utf8')
const serverDir = fileURLToPath(new URL('..', import.meta.url))

/** The code blocks marked `<!-- doc-test: <lang> -->`, in order. */
function snippets(lang: 'sh' | 'ts'): string[] {
  const marked = new RegExp(`<!-- doc-test: ${lang} -->\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``, 'g')
  return [...doc.matchAll(marked)].map((m) => m[1])
}

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan({ listen: true })
  await t.caravan.services.accounts.seedDemo()
})
afterAll(async () => {
  await t?.close()
})

describe('docs/integration.md', () => {
  it('its shell and TypeScript snippets work against a live node', async () => {
    const shell = snippets('sh')
    expect(shell.length).toBeGreaterThanOrEqual(8)
    const script = [
      'set -euo pipefail',
      ...shell,
      'echo "IDENTITY_SECRET=$CARAVAN_IDENTITY_SECRET"',
      'echo "API_KEY=$CARAVAN_API_KEY"',
    ].join('\n')
    const env = { ...process.env, CARAVAN_URL: t.url }
    const sh = await run('bash', ['-c', script], { env, timeout: 60_000 })
    const out = sh.stdout
    expect(out).toContain('"externalId": "shop-user-42"')
    expect(out).toMatch(/"created": 2,\s*"updated": 0/)
    expect(out).toContain('"duplicate": false')
    expect(out).toMatch(/"hasRefreshToken": true/)
    expect(out.trim().split('\n')).toContain('204')

    const db = (text: string, values: unknown[] = []) => t.database.query(text, values).then((r) => r.rows)
    const [sara] = await db(`select name, locale, attributes from users where external_id = 'shop-user-42'`)
    expect(sara).toEqual({ name: 'سارا', locale: 'fa', attributes: { plan: 'pro' } })
    expect(await db(`select 1 from users where external_id = 'shop-user-45' and email = 'reza@example.com'`)).toHaveLength(1)
    expect(await db(`select 1 from users where external_id = 'shop-user-44'`)).toHaveLength(0)

    const [code] = snippets('ts')
    expect(code).toContain("from '@caravan/sdk'")
    const printed = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(out)![1]
    // Inside the workspace, so '@caravan/sdk' resolves (to its source: the "source" export condition, no build needed).
    const file = `${serverDir}/.doc-snippet-${randomUUID()}.mts`
    writeFileSync(file, code)
    try {
      const ts = await run(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
        cwd: serverDir,
        env: { ...env, CARAVAN_API_KEY: printed('API_KEY'), CARAVAN_IDENTITY_SECRET: printed('IDENTITY_SECRET') },
        timeout: 60_000,
      })
      const result = JSON.parse(ts.stdout.trim().split('\n').at(-1)!)
      expect(result).toMatchObject({ sessionUser: 'shop-user-46', signature: 64 })
      expect(await db(`select 1 from users where external_id in ('shop-user-46', 'shop-user-47')`)).toHaveLength(2)
      expect(await db(`select 1 from notifications where id = $1`, [result.notificationId])).toHaveLength(1)
    } finally {
      rmSync(file, { force: true })
    }
  })
})
