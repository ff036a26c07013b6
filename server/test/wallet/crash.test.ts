// A top-up is two steps: the payment settles (and its `payment.succeeded` job is committed with it),
// then the job credits the wallet. Here the process is killed between them, for certain: the first
// node runs with `--role api` (it answers requests but runs no jobs), so every top-up it settles is
// paid and not yet credited when it dies with SIGKILL — mid-burst, with more top-ups in flight and
// some payers not yet back from the gateway. Restarted on the same folder as a whole node, the
// ledger balances and every succeeded top-up is credited exactly once, including those whose payer
// comes back only after the restart.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { until } from '../helpers/wait'
import { startEmbeddedNode, type EmbeddedNode } from '../helpers/worker'

const ADMIN = { email: 'owner@wallet-crash.example.com', password: 'wallet crash owner password' }
const ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, JOBS_EXPIRE_CHECK_SECONDS: '1' }

let dataDir: string
let first: EmbeddedNode | undefined
let restarted: EmbeddedNode | undefined

async function call(base: string, method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    redirect: 'manual',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, location: res.headers.get('location'), body: (await res.json().catch(() => undefined)) as any }
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const res = await call(base, 'POST', '/v1/auth/login', { email, password })
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status}`)
  return res.body.accessToken
}

/** The payer presses Pay on the test gateway's page; answers the return page it is sent to (not visited yet). */
async function payAtGateway(base: string, nextActionUrl: string): Promise<string> {
  const res = await fetch(base + new URL(nextActionUrl).pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'choice=pay',
  })
  if (res.status !== 303) throw new Error(`test gateway answered ${res.status}`)
  const back = new URL(res.headers.get('location')!)
  return back.pathname + back.search
}

const irrBalance = async (base: string, token: string) =>
  ((await call(base, 'GET', '/v1/me/wallet', undefined, token)).body.balances as { currency: string; balance: string }[]).find(
    (b) => b.currency === 'IRR',
  )?.balance ?? '0'

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'caravan-wallet-crash-'))
})
afterAll(async () => {
  await first?.stop()
  await restarted?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a node killed between a top-up’s settlement and its credit', () => {
  it('credits every succeeded top-up exactly once after the restart, and the ledger balances', async () => {
    first = await startEmbeddedNode(dataDir, { ...ENV, CARAVAN_ROLE: 'api' })
    const base = first.url
    const email = 'payer@wallet-crash.example.com'
    const password = 'payer password 1'
    expect((await call(base, 'POST', '/v1/auth/register', { email, password })).status).toBe(201)
    const token = await signIn(base, email, password)

    let n = 0
    const topUp = async (visitReturn: boolean) => {
      const i = n++
      const created = await call(
        base,
        'POST',
        '/v1/payments',
        { amount: String(1000 + i), currency: 'IRR', purpose: { type: 'wallet_topup' }, returnUrl: 'https://shop.example.com/wallet' },
        token,
        { 'idempotency-key': `crash-topup-${i}` },
      )
      if (created.status !== 201) throw new Error(`create answered ${created.status}`)
      const returnPath = await payAtGateway(base, created.body.nextAction.url)
      if (!visitReturn) return { id: created.body.id as string, returnPath }
      const back = await call(base, 'GET', returnPath)
      if (back.status !== 303) throw new Error(`return page answered ${back.status}`)
      expect(new URL(back.location!).searchParams.get('status')).toBe('succeeded')
      return { id: created.body.id as string, returnPath }
    }

    // Settled, not credited: this node runs no jobs.
    const settled = []
    for (let i = 0; i < 5; i++) settled.push(await topUp(true))
    // Paid at the gateway, the payer not back yet.
    const notBack = []
    for (let i = 0; i < 3; i++) notBack.push(await topUp(false))
    const payments = (await call(base, 'GET', '/v1/payments?status=succeeded&limit=50', undefined, token)).body.items
    expect(payments).toHaveLength(5)
    expect(await irrBalance(base, token)).toBe('0')

    // More top-ups in flight when it dies.
    let stop = false
    let cut = 0
    const burst = Array.from({ length: 4 }, async () => {
      while (!stop) await topUp(true).catch(() => cut++)
    })
    await until(() => n >= 16, 30_000, 'top-ups in flight')
    first.child.kill('SIGKILL')
    await first.stop()
    stop = true
    await Promise.all(burst)
    expect(cut).toBeGreaterThan(0)

    restarted = await startEmbeddedNode(dataDir, ENV)
    const after = restarted.url
    const again = await signIn(after, email, password)
    // The payers who had not come back do now; the return page asks the gateway and settles them.
    for (const p of notBack) expect((await call(after, 'GET', p.returnPath)).status).toBe(303)

    const succeeded = async () =>
      (await call(after, 'GET', '/v1/payments?status=succeeded&limit=100', undefined, again)).body.items as {
        id: string
        capturedAmount: string
      }[]
    let expected = 0n
    await until(
      async () => {
        const list = await succeeded()
        expected = list.reduce((sum, p) => sum + BigInt(p.capturedAmount), 0n)
        return (await irrBalance(after, again)) === expected.toString()
      },
      60_000,
      'every succeeded top-up credited',
    )
    const list = await succeeded()
    expect(list.length).toBeGreaterThanOrEqual(8)
    for (const p of [...settled, ...notBack]) expect(list.map((x) => x.id)).toContain(p.id)

    // Exactly once: one top-up transaction per succeeded payment, none twice.
    const history = (await call(after, 'GET', '/v1/me/wallet/transactions?currency=IRR&limit=100', undefined, again)).body.items as {
      kind: string
      ref: string
    }[]
    const topUps = history.filter((h) => h.kind === 'topup').map((h) => h.ref)
    expect(new Set(topUps).size).toBe(topUps.length)
    expect(topUps.sort()).toEqual(list.map((p) => p.id).sort())

    const admin = await signIn(after, ADMIN.email, ADMIN.password)
    const check = await call(after, 'GET', '/v1/admin/wallet/check', undefined, admin)
    expect(check.body).toMatchObject({ ok: true, violations: [] })
  }, 300_000) // two node starts, each every migration on the embedded database
})
