// The ledger explorer through its API (admins only): accounts with their counters and filters,
// an account's postings with the running balance, a transfer with both postings; exact figures
// after adjustments, transfers, a payment and a withdrawal (held, then approved); paging that
// neither skips nor repeats; bad ids, cursors and queries answered with 4xx problems.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'

let t: TestCaravan
let admin: string
let alice: { token: string; id: string }
let bob: { token: string; id: string }

interface Account {
  id: string
  kind: string
  userId: string | null
  code: string | null
  currency: string
  balance: string
  held: string
  available: string
  debitsPosted: string
  creditsPosted: string
  debitsPending: string
  creditsPending: string
}
interface Posting {
  transferId: string
  kind: string
  amount: string
  balanceAfter: string
  counterAccountId: string
  memo: string | null
  ref: string | null
}

const key = () => `k-${Math.random().toString(36).slice(2)}`
const get = (url: string, token = admin) => api(t, 'GET', url, token)

async function adjust(userId: string, amount: string, currency = 'IRR') {
  const res = await api(
    t,
    'POST',
    '/v1/admin/wallet/adjustments',
    admin,
    { userId, currency, amount, reason: 'explorer test' },
    { 'idempotency-key': key() },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.transferId as string
}

async function send(from: { token: string }, to: string, amount: string, note?: string) {
  const res = await api(
    t,
    'POST',
    '/v1/wallet/transfers',
    from.token,
    { to, amount, currency: 'IRR', ...(note ? { note } : {}) },
    { 'idempotency-key': key() },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.transferId as string
}

/** Every page of a paged list, following nextCursor. */
async function all<T>(url: string, limit: number): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 1000; pages++) {
    const sep = url.includes('?') ? '&' : '?'
    const res = await get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    items.push(...res.body.items)
    cursor = res.body.nextCursor
    if (!cursor) return items
  }
  throw new Error('paging did not end')
}

const walletOf = async (userId: string, currency = 'IRR') =>
  (await get(`/v1/admin/wallet/accounts?kind=wallet&userId=${userId}&currency=${currency}`)).body.items as Account[]

beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  const a = await registerUser(t, { name: 'Alice' })
  const b = await registerUser(t, { name: 'Bob' })
  alice = { token: a.accessToken, id: a.user.id }
  bob = { token: b.accessToken, id: b.user.id }
})
afterAll(async () => {
  await t?.close()
})

describe('the ledger explorer', () => {
  it('shows accounts, postings and transfers with exact figures', async () => {
    const credit = await adjust(alice.id, '100000')
    const sent = await send(alice, bob.id, '30000', 'rent — اجاره')
    const paid = await api(
      t,
      'POST',
      '/v1/wallet/payments',
      alice.token,
      { amount: '5000', currency: 'IRR', purpose: { type: 'order', ref: 'o-77' } },
      { 'idempotency-key': key() },
    )
    expect(paid.status).toBe(201)
    const withdrawal = await api(
      t,
      'POST',
      '/v1/wallet/withdrawals',
      alice.token,
      { amount: '20000', currency: 'IRR', destination: 'IR06 2960 0000 0010 0324 2000 01' },
      { 'idempotency-key': key() },
    )
    expect(withdrawal.status).toBe(201)

    // Alice: 100000 in, 30000 and 5000 out, 20000 held.
    const [aliceWallet, ...more] = await walletOf(alice.id)
    expect(more).toEqual([])
    expect(aliceWallet).toMatchObject({
      kind: 'wallet',
      userId: alice.id,
      code: null,
      currency: 'IRR',
      noOverdraft: true,
      balance: '65000',
      held: '20000',
      available: '45000',
      debitsPosted: '35000',
      creditsPosted: '100000',
      debitsPending: '20000',
      creditsPending: '0',
    })
    const [bobWallet] = await walletOf(bob.id)
    expect(bobWallet).toMatchObject({ balance: '30000', held: '0', available: '30000', creditsPosted: '30000', debitsPosted: '0' })
    expect((await get(`/v1/admin/wallet/accounts/${bobWallet.id}`)).body).toEqual(bobWallet)

    // The platform's side: adjustments gave 100000 (below zero), revenue took 5000, 20000 is pending toward withdrawals.
    const platform = (await get('/v1/admin/wallet/accounts?kind=platform&currency=IRR')).body.items as Account[]
    const byCode = Object.fromEntries(platform.map((a) => [a.code, a]))
    expect(Object.keys(byCode).sort()).toEqual(['adjustments', 'revenue', 'withdrawals_payable'])
    expect(platform.every((a) => a.kind === 'platform' && a.userId === null)).toBe(true)
    expect(byCode.adjustments).toMatchObject({ balance: '-100000', available: '-100000', debitsPosted: '100000', noOverdraft: false })
    expect(byCode.revenue).toMatchObject({ balance: '5000', creditsPosted: '5000' })
    expect(byCode.withdrawals_payable).toMatchObject({ balance: '0', creditsPending: '20000', debitsPending: '0' })

    // Alice's postings, newest first, with the balance after each; the hold has none yet.
    const postings = (await get(`/v1/admin/wallet/accounts/${aliceWallet.id}/postings`)).body
    expect(postings.nextCursor).toBeNull()
    expect(postings.items.map((p: Posting) => [p.kind, p.amount, p.balanceAfter])).toEqual([
      ['payment', '-5000', '65000'],
      ['transfer', '-30000', '70000'],
      ['adjustment', '100000', '100000'],
    ])
    expect(postings.items[1]).toMatchObject({ transferId: sent, counterAccountId: bobWallet.id, memo: 'rent — اجاره' })
    expect(postings.items[2]).toMatchObject({ transferId: credit, counterAccountId: byCode.adjustments.id })
    expect(postings.items[0]).toMatchObject({ counterAccountId: byCode.revenue.id, ref: 'o-77' })

    // A transfer with both postings, the debit side first, summing to zero.
    const transfer = (await get(`/v1/admin/wallet/transfers/${sent}`)).body
    expect(transfer).toMatchObject({
      id: sent,
      kind: 'transfer',
      status: 'posted',
      amount: '30000',
      postedAmount: '30000',
      currency: 'IRR',
      debitAccountId: aliceWallet.id,
      creditAccountId: bobWallet.id,
      createdBy: `user:${alice.id}`,
      expiresAt: null,
    })
    expect(
      transfer.postings.map((p: { accountId: string; amount: string; balanceAfter: string }) => [p.accountId, p.amount, p.balanceAfter]),
    ).toEqual([
      [aliceWallet.id, '-30000', '70000'],
      [bobWallet.id, '30000', '30000'],
    ])

    // The withdrawal's hold: pending, no postings; approved, it posts and Alice's balance drops.
    const hold = (await get('/v1/admin/wallet/accounts/' + byCode.withdrawals_payable.id)).body
    expect(hold.creditsPending).toBe('20000')
    const { rows } = await t.database.query(`select hold_id from wallet_withdrawals where id = $1`, [withdrawal.body.id])
    const holdId = rows[0].hold_id as string
    expect((await get(`/v1/admin/wallet/transfers/${holdId}`)).body).toMatchObject({ status: 'pending', postedAmount: null, postings: [] })
    expect((await api(t, 'POST', `/v1/admin/wallet/withdrawals/${withdrawal.body.id}/approve`, admin, {})).status).toBe(200)
    const posted = (await get(`/v1/admin/wallet/transfers/${holdId}`)).body
    expect(posted).toMatchObject({ status: 'posted', kind: 'withdrawal', postedAmount: '20000' })
    expect(posted.postings.map((p: { amount: string; balanceAfter: string }) => [p.amount, p.balanceAfter])).toEqual([
      ['-20000', '45000'],
      ['20000', '20000'],
    ])
    expect((await walletOf(alice.id))[0]).toMatchObject({ balance: '45000', held: '0', available: '45000' })
    expect((await get('/v1/admin/wallet/check')).body).toMatchObject({ ok: true, violations: [] })
  })

  it('pages without skipping or repeating, and the running balance chains', async () => {
    const carol = await registerUser(t)
    await adjust(carol.user.id, '1000000')
    await adjust(carol.user.id, '250', 'USD')
    const carolSession = { token: carol.accessToken }
    // Ugly but valid: amounts from 1 up, notes in Persian and emoji.
    for (let i = 1; i <= 11; i++)
      await send(carolSession, i % 2 ? alice.id : bob.id, String(i * 7 + (i % 3)), i % 4 ? undefined : `یادداشت ${i} 🚚`)
    const [wallet] = await walletOf(carol.user.id)
    const postings = await all<Posting>(`/v1/admin/wallet/accounts/${wallet.id}/postings`, 3)
    expect(postings).toHaveLength(12)
    expect(new Set(postings.map((p) => p.transferId)).size).toBe(12)
    // Newest first: each balance is the one after it plus this posting; the oldest starts from zero.
    for (let i = 0; i < postings.length; i++) {
      const before = i + 1 < postings.length ? BigInt(postings[i + 1].balanceAfter) : 0n
      expect(BigInt(postings[i].balanceAfter)).toBe(before + BigInt(postings[i].amount))
    }
    expect(postings[0].balanceAfter).toBe(wallet.balance)
    expect(postings.reduce((sum, p) => sum + BigInt(p.amount), 0n).toString()).toBe(wallet.balance)

    // Accounts: every page together is the whole list, newest first, and the filters agree with it.
    const accounts = await all<Account>('/v1/admin/wallet/accounts', 2)
    expect(new Set(accounts.map((a) => a.id)).size).toBe(accounts.length)
    expect(accounts.map((a) => a.id)).toEqual([...accounts.map((a) => a.id)].sort().reverse())
    const wallets = await all<Account>('/v1/admin/wallet/accounts?kind=wallet', 100)
    const platform = await all<Account>('/v1/admin/wallet/accounts?kind=platform', 100)
    expect(wallets.length + platform.length).toBe(accounts.length)
    expect(wallets.every((a) => a.kind === 'wallet' && a.userId && !a.code)).toBe(true)
    const usd = await all<Account>('/v1/admin/wallet/accounts?currency=USD', 100)
    expect(usd.map((a) => [a.userId ?? a.code, a.balance]).sort()).toEqual(
      [
        ['adjustments', '-250'],
        [carol.user.id, '250'],
      ].sort(),
    )
    // Per currency the balances of all accounts sum to zero.
    for (const currency of ['IRR', 'USD']) {
      const sum = accounts.filter((a) => a.currency === currency).reduce((s, a) => s + BigInt(a.balance), 0n)
      expect([currency, sum]).toEqual([currency, 0n])
    }
    // A user who never used the wallet has no account.
    expect(await walletOf((await registerUser(t)).user.id)).toEqual([])
  })

  it('answers bad ids, cursors and queries with 4xx problems, and only admins may look', async () => {
    const [wallet] = await walletOf(alice.id)
    const unknown = '01900000-0000-7000-8000-000000000000'
    const seqCursor = Buffer.from('1').toString('base64url')
    const idCursor = Buffer.from(wallet.id).toString('base64url')
    const cases: [string, number][] = [
      ['/v1/admin/wallet/accounts/not-an-id', 400],
      ['/v1/admin/wallet/accounts/%F0%9F%98%80', 400],
      [`/v1/admin/wallet/accounts/${unknown}`, 404],
      [`/v1/admin/wallet/accounts/${unknown}/postings`, 404],
      [`/v1/admin/wallet/accounts/${unknown}/postings?cursor=${seqCursor}`, 404],
      ['/v1/admin/wallet/accounts/123/postings', 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?cursor=bm9wZQ`, 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?cursor=${idCursor}`, 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?cursor=${Buffer.from('9'.repeat(30)).toString('base64url')}`, 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?cursor=%F0%9F%98%80`, 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?limit=0`, 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?limit=101`, 400],
      [`/v1/admin/wallet/accounts/${wallet.id}/postings?limit=abc`, 400],
      ['/v1/admin/wallet/accounts?cursor=bm9wZQ', 400],
      [`/v1/admin/wallet/accounts?cursor=${seqCursor}`, 400],
      [`/v1/admin/wallet/accounts?cursor=${'x'.repeat(201)}`, 400],
      ['/v1/admin/wallet/accounts?kind=bank', 400],
      ['/v1/admin/wallet/accounts?currency=XYZ', 400],
      ['/v1/admin/wallet/accounts?currency=irr', 400],
      ['/v1/admin/wallet/accounts?userId=alice', 400],
      ['/v1/admin/wallet/accounts?limit=99999999999999999999', 400],
      ['/v1/admin/wallet/accounts?limit=-1', 400],
      ['/v1/admin/wallet/transfers/nope', 400],
      [`/v1/admin/wallet/transfers/${unknown}`, 404],
      // An account's id is not a transfer's.
      [`/v1/admin/wallet/transfers/${wallet.id}`, 404],
    ]
    for (const [url, status] of cases) {
      const res = await get(url)
      expect([url, res.status]).toEqual([url, status])
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
    // A filter nobody matches is an empty page, not an error.
    expect((await get(`/v1/admin/wallet/accounts?userId=${unknown}`)).body).toEqual({ items: [], nextCursor: null })

    const transferId = (await get(`/v1/admin/wallet/accounts/${wallet.id}/postings?limit=1`)).body.items[0].transferId
    for (const url of [
      '/v1/admin/wallet/accounts',
      `/v1/admin/wallet/accounts?userId=${alice.id}`,
      `/v1/admin/wallet/accounts/${wallet.id}`,
      `/v1/admin/wallet/accounts/${wallet.id}/postings`,
      `/v1/admin/wallet/transfers/${transferId}`,
    ]) {
      // Not even the owner of the wallet: the explorer is the admins'.
      const res = await get(url, alice.token)
      expect([url, res.status]).toEqual([url, 403])
      expect(res.body.items).toBeUndefined()
    }
  })
})
