// `caravan keys rotate` beside a running node on the embedded database: the node rotates, its
// workers re-encrypt chat messages in the background, and the chat keeps working throughout.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { embeddedEnv, runCaravan, startEmbeddedNode, type EmbeddedNode } from './helpers/worker'
import { until } from './helpers/wait'

let node: EmbeddedNode | undefined
const dataDir = mkdtempSync(join(tmpdir(), 'caravan-keys-'))
afterAll(async () => {
  await node?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(node!.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any }
}

describe('caravan keys', () => {
  // A node process and four commands, each a process of its own: starting the node alone takes
  // about 30 s on two cores (TypeScript through tsx, migrations on PGlite).
  it('rotates through the running node; old messages move to the new key and stay readable', { timeout: 180_000 }, async () => {
    node = await startEmbeddedNode(dataDir)
    const register = (email: string) => call('POST', '/v1/auth/register', undefined, { email, password: 'correct horse battery' })
    const a = (await register('keys-a@example.com')).body
    const b = (await register('keys-b@example.com')).body
    const conversation = (await call('POST', '/v1/conversations', a.accessToken, { type: 'direct', memberIds: [b.user.id] })).body
    for (let i = 0; i < 5; i++)
      expect(
        (
          await call('POST', `/v1/conversations/${conversation.id}/messages`, a.accessToken, {
            clientMessageId: `m${i}`,
            text: `پیام ${i}`,
          })
        ).status,
      ).toBe(201)

    const env = embeddedEnv(dataDir)
    const before = await runCaravan(['keys', 'status'], env)
    expect(before.status, before.stderr).toBe(0)
    expect(before.stdout).toContain('Data keys: k1 (active: k1)')
    const rotated = await runCaravan(['keys', 'rotate'], env)
    expect(rotated.status, rotated.stderr).toBe(0)
    expect(rotated.stdout).toContain('New active data key: k2')
    await until(
      async () => {
        const status = await runCaravan(['keys', 'status'], env)
        return status.stdout.includes('chat messages: 0 still under older keys') && status.stdout.includes('files: 0')
      },
      30_000,
      'everything re-encrypted',
    )
    const page = (await call('GET', `/v1/conversations/${conversation.id}/messages?after=0`, b.accessToken)).body
    expect(page.items.map((m: { text: string }) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `پیام ${i}`))
    const usage = await runCaravan(['keys', 'spin'], env)
    expect(usage.status).toBe(1)
    expect(usage.stderr.trim()).toBe('caravan: usage: caravan keys rotate | caravan keys status')
  })
})
