// The ledger's guarantees, on the database the suite runs on (PGlite, and PostgreSQL in CI where
// the concurrency below is real): transfers idempotent by id, no wallet below zero, two-phase
// holds, invariants after random sequences of operations (fast-check), and a ledger tampered with
// behind its back caught by the check.
import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/core/db/ids'
import type { Db } from '../../src/core/db/client'
import type { Currency } from '../../src/core/money/currency'
import { ledger, type TransferSpec } from '../../src/modules/wallet/ledger'
import { auditRepo } from '../../src/core/audit/repo'
import { accountsRepo, transfersRepo } from '../../src/modules/wallet/repo'
import type { WalletService } from '../../src/modules/wallet'
import { startTestCaravan, type TestCaravan } from '../helpers/caravan'

let t: TestCaravan
let db: Db
let wallet: WalletService

beforeAll(async () => {
  t = await startTestCaravan()
  db = t.database.db
  wallet = t.caravan.services.wallet
})
afterAll(async () => {
  await t?.close()
})

const IRR: Currency = 'IRR'
const walletOf = (userId: string, currency: Currency = IRR) => accountsRepo.wallet(db, userId, currency)
const platform = (code: 'adjustments' | 'revenue', currency: Currency = IRR) => accountsRepo.platform(db, code, currency)
const transfer = (spec: Omit<TransferSpec, 'id' | 'currency' | 'kind' | 'createdBy'> & Partial<TransferSpec>) =>
  db.transaction((tx) => ledger.transfer(tx, { id: newId(), currency: IRR, kind: 'transfer', createdBy: 'system:test', ...spec }))
async function balances(userId: string, currency: Currency = IRR) {
  const a = (await accountsRepo.byId(db, (await walletOf(userId, currency)).id))!
  return { balance: a.creditsPosted - a.debitsPosted, held: a.debitsPending }
}
async function fund(userId: string, amount: bigint) {
  const [from, to] = await Promise.all([platform('adjustments'), walletOf(userId)])
  await transfer({ debitAccountId: from.id, creditAccountId: to.id, amount, kind: 'adjustment' })
}
const rejection = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    return e as { type?: string; message?: string; cause?: { message?: string } }
  }
  throw new Error('expected a rejection')
}

describe('transfers', () => {
  it('move an amount once per id; the same id with other terms is refused', async () => {
    const user = newId()
    await fund(user, 1000n)
    const revenue = await platform('revenue')
    const w = await walletOf(user)
    const spec = { id: newId(), debitAccountId: w.id, creditAccountId: revenue.id, amount: 300n }
    const first = await transfer(spec)
    const again = await transfer(spec)
    expect([first.created, again.created]).toEqual([true, false])
    expect(again.transfer.id).toBe(first.transfer.id)
    expect(await balances(user)).toEqual({ balance: 700n, held: 0n })
    expect((await rejection(transfer({ ...spec, amount: 301n }))).type).toBe('ledger_transfer_conflict')
    expect(await balances(user)).toEqual({ balance: 700n, held: 0n })
  })

  it('never take a wallet below zero, and refuse other currencies, zero and one account on both sides', async () => {
    const user = newId()
    await fund(user, 100n)
    const w = await walletOf(user)
    const revenue = await platform('revenue')
    expect((await rejection(transfer({ debitAccountId: w.id, creditAccountId: revenue.id, amount: 101n }))).type).toBe('insufficient_funds')
    const usdRevenue = await platform('revenue', 'USD')
    expect((await rejection(transfer({ debitAccountId: w.id, creditAccountId: usdRevenue.id, amount: 1n }))).type).toBe('validation')
    expect((await rejection(transfer({ debitAccountId: w.id, creditAccountId: revenue.id, amount: 0n }))).type).toBe('validation')
    expect((await rejection(transfer({ debitAccountId: w.id, creditAccountId: w.id, amount: 1n }))).type).toBe('validation')
    // Nothing of the refused transfers stayed: not even their rows.
    expect(await balances(user)).toEqual({ balance: 100n, held: 0n })
    expect((await wallet.check()).ok).toBe(true)
  })

  it('hold an amount (available drops, balance not), then post part of it or release it', async () => {
    const user = newId()
    await fund(user, 1000n)
    const w = await walletOf(user)
    const revenue = await platform('revenue')
    const hold = await transfer({
      debitAccountId: w.id,
      creditAccountId: revenue.id,
      amount: 600n,
      pending: { expiresAt: new Date(Date.now() + 60_000) },
    })
    expect(await balances(user)).toEqual({ balance: 1000n, held: 600n })
    // 400 is left to spend: a second hold of 500 cannot be had.
    expect(
      (
        await rejection(
          transfer({
            debitAccountId: w.id,
            creditAccountId: revenue.id,
            amount: 500n,
            pending: { expiresAt: new Date(Date.now() + 60_000) },
          }),
        )
      ).type,
    ).toBe('insufficient_funds')
    const posted = await db.transaction((tx) => ledger.post(tx, hold.transfer.id, 250n))
    expect(posted.transfer).toMatchObject({ status: 'posted', postedAmount: 250n })
    expect(await balances(user)).toEqual({ balance: 750n, held: 0n })
    // Posting again answers the first; voiding a posted hold is refused.
    expect((await db.transaction((tx) => ledger.post(tx, hold.transfer.id, 250n))).created).toBe(false)
    expect((await rejection(db.transaction((tx) => ledger.void(tx, hold.transfer.id)))).type).toBe('hold_not_pending')

    const second = await transfer({
      debitAccountId: w.id,
      creditAccountId: revenue.id,
      amount: 700n,
      pending: { expiresAt: new Date(Date.now() + 60_000) },
    })
    await db.transaction((tx) => ledger.void(tx, second.transfer.id))
    expect(await balances(user)).toEqual({ balance: 750n, held: 0n })
    expect((await rejection(db.transaction((tx) => ledger.post(tx, second.transfer.id)))).type).toBe('hold_not_pending')
    expect((await wallet.check()).ok).toBe(true)
  })

  it('releases holds past their expiry (the job), and a late post finds it expired', async () => {
    const user = newId()
    await fund(user, 500n)
    const w = await walletOf(user)
    const revenue = await platform('revenue')
    const past = new Date(Date.now() - 1000)
    const a = await transfer({ debitAccountId: w.id, creditAccountId: revenue.id, amount: 200n, pending: { expiresAt: past } })
    const b = await transfer({ debitAccountId: w.id, creditAccountId: revenue.id, amount: 100n, pending: { expiresAt: past } })
    expect(await balances(user)).toEqual({ balance: 500n, held: 300n })
    expect((await rejection(db.transaction((tx) => ledger.post(tx, a.transfer.id)))).type).toBe('hold_expired')
    expect(await wallet.expireHolds()).toBeGreaterThanOrEqual(1)
    expect(await balances(user)).toEqual({ balance: 500n, held: 0n })
    const states = await db.execute(sql`select status from ledger_transfers where id in (${a.transfer.id}, ${b.transfer.id})`)
    expect(states.rows.map((r) => (r as { status: string }).status)).toEqual(['voided', 'voided'])
    expect((await wallet.check()).ok).toBe(true)
  })
})

describe('under concurrency', () => {
  it('200 debits of one wallet at once never overdraw it, and the balance is exact', async () => {
    const user = newId()
    await fund(user, 1500n)
    const w = await walletOf(user)
    const revenue = await platform('revenue')
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () => transfer({ debitAccountId: w.id, creditAccountId: revenue.id, amount: 10n })),
    )
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length
    const refused = outcomes.filter((o) => o.status === 'rejected' && (o.reason as { type?: string }).type === 'insufficient_funds').length
    expect([ok, refused]).toEqual([150, 50])
    expect(await balances(user)).toEqual({ balance: 0n, held: 0n })
    expect((await wallet.check()).ok).toBe(true)
  })

  it('one transfer id sent 50 times at once moves the money once', async () => {
    const user = newId()
    await fund(user, 1000n)
    const w = await walletOf(user)
    const revenue = await platform('revenue')
    const spec = { id: newId(), debitAccountId: w.id, creditAccountId: revenue.id, amount: 100n }
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => transfer(spec)))
    expect(outcomes.filter((o) => o.created)).toHaveLength(1)
    expect(new Set(outcomes.map((o) => o.transfer.id))).toEqual(new Set([spec.id]))
    expect(await balances(user)).toEqual({ balance: 900n, held: 0n })
  })

  it('transfers both ways between two wallets at once end exact, without deadlock', async () => {
    const [a, b] = [newId(), newId()]
    await fund(a, 1000n)
    await fund(b, 1000n)
    const [wa, wb] = [await walletOf(a), await walletOf(b)]
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2
          ? transfer({ debitAccountId: wa.id, creditAccountId: wb.id, amount: 7n })
          : transfer({ debitAccountId: wb.id, creditAccountId: wa.id, amount: 5n }),
      ),
    )
    expect(await balances(a)).toEqual({ balance: 1000n - 30n * 7n + 30n * 5n, held: 0n })
    expect(await balances(b)).toEqual({ balance: 1000n + 30n * 7n - 30n * 5n, held: 0n })
    expect((await wallet.check()).ok).toBe(true)
  })
})

describe('invariants', () => {
  type Op =
    | { op: 'credit'; user: number; amount: number }
    | { op: 'debit'; user: number; amount: number }
    | { op: 'hold'; user: number; amount: number }
    | { op: 'post'; hold: number; part: number }
    | { op: 'void'; hold: number }
    | { op: 'move'; from: number; to: number; amount: number }
    | { op: 'replay' }

  const amount = fc.integer({ min: 1, max: 500 })
  const user = fc.integer({ min: 0, max: 2 })
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('credit' as const), user, amount }),
    fc.record({ op: fc.constant('debit' as const), user, amount }),
    fc.record({ op: fc.constant('hold' as const), user, amount }),
    fc.record({ op: fc.constant('post' as const), hold: fc.nat(), part: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ op: fc.constant('void' as const), hold: fc.nat() }),
    fc.record({ op: fc.constant('move' as const), from: user, to: user, amount }),
    fc.record({ op: fc.constant('replay' as const) }),
  )

  it('hold after every step of random top-ups, payments, holds, posts, releases and transfers', async () => {
    const [adjustments, revenue] = [await platform('adjustments'), await platform('revenue')]
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const users = [newId(), newId(), newId()]
        const accounts = await Promise.all(users.map((u) => walletOf(u)))
        const model = users.map(() => ({ balance: 0n, held: 0n }))
        const holds: { id: string; user: number; amount: bigint; open: boolean }[] = []
        let last: Parameters<typeof transfer>[0] | undefined
        const attempt = async (spec: Parameters<typeof transfer>[0], allowed: boolean) => {
          if (allowed) {
            await transfer(spec)
            last = spec
          } else expect((await rejection(transfer(spec))).type).toBe('insufficient_funds')
        }
        for (const step of ops) {
          const available = (i: number) => model[i].balance - model[i].held
          switch (step.op) {
            case 'credit':
              await attempt(
                { id: newId(), debitAccountId: adjustments.id, creditAccountId: accounts[step.user].id, amount: BigInt(step.amount) },
                true,
              )
              model[step.user].balance += BigInt(step.amount)
              break
            case 'debit': {
              const ok = available(step.user) >= BigInt(step.amount)
              await attempt(
                { id: newId(), debitAccountId: accounts[step.user].id, creditAccountId: revenue.id, amount: BigInt(step.amount) },
                ok,
              )
              if (ok) model[step.user].balance -= BigInt(step.amount)
              break
            }
            case 'hold': {
              const ok = available(step.user) >= BigInt(step.amount)
              const id = newId()
              await attempt(
                {
                  id,
                  debitAccountId: accounts[step.user].id,
                  creditAccountId: revenue.id,
                  amount: BigInt(step.amount),
                  pending: { expiresAt: new Date(Date.now() + 3_600_000) },
                },
                ok,
              )
              if (ok) {
                model[step.user].held += BigInt(step.amount)
                holds.push({ id, user: step.user, amount: BigInt(step.amount), open: true })
              }
              break
            }
            case 'post':
            case 'void': {
              const h = holds.filter((x) => x.open)[step.hold % Math.max(1, holds.filter((x) => x.open).length)]
              if (!h) break
              if (step.op === 'post') {
                const posted = (h.amount * BigInt(step.part)) / 100n
                await db.transaction((tx) => ledger.post(tx, h.id, posted))
                model[h.user].balance -= posted
              } else await db.transaction((tx) => ledger.void(tx, h.id))
              model[h.user].held -= h.amount
              h.open = false
              break
            }
            case 'move': {
              if (step.from === step.to) break
              const ok = available(step.from) >= BigInt(step.amount)
              await attempt(
                { id: newId(), debitAccountId: accounts[step.from].id, creditAccountId: accounts[step.to].id, amount: BigInt(step.amount) },
                ok,
              )
              if (ok) {
                model[step.from].balance -= BigInt(step.amount)
                model[step.to].balance += BigInt(step.amount)
              }
              break
            }
            case 'replay':
              if (last) expect((await transfer(last)).created).toBe(false)
              break
          }
          const check = await wallet.check()
          expect(check.violations).toEqual([])
          for (const [i, u] of users.entries()) expect(await balances(u)).toEqual(model[i])
        }
      }),
      { numRuns: 12 },
    )
  })

  it('are checked: a balance changed behind the ledger’s back is reported, and postings cannot be rewritten', async () => {
    const user = newId()
    await fund(user, 100n)
    const w = await walletOf(user)
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`update ledger_accounts set credits_posted = credits_posted + 1 where id = ${w.id}`)
        const check = await wallet.check(tx)
        expect(check.ok).toBe(false)
        expect(check.violations.map((v) => v.rule)).toEqual(expect.arrayContaining(['balance_equals_postings', 'running_balance']))
        expect(check.violations.every((v) => v.subject === w.id)).toBe(true)
        tx.rollback()
      })
      .catch((e) => {
        if (!String(e?.message ?? e).includes('Rollback')) throw e
      })
    const refusal = (e: { cause?: { message?: string }; message?: string }) => e.cause?.message ?? e.message
    expect(refusal(await rejection(db.execute(sql`update ledger_postings set amount = amount + 1 where account_id = ${w.id}`)))).toMatch(
      /append-only/,
    )
    expect(refusal(await rejection(db.execute(sql`delete from ledger_postings where account_id = ${w.id}`)))).toMatch(/append-only/)
    expect((await wallet.check()).ok).toBe(true)
  })
})

describe('a batch with nothing to post', () => {
  it('still writes what rides along in its statement (the audit rows)', async () => {
    const target = newId()
    const along = auditRepo.insertSql([
      {
        at: new Date().toISOString(),
        actorType: 'system',
        actorId: null,
        action: 'test.along',
        targetType: 'user',
        targetId: target,
        data: {},
      },
    ])
    await db.transaction((tx) => transfersRepo.insertPosted(tx, { transfers: [], moves: [], postings: [] }, along))
    const { rows } = await t.database.query(`select action from audit_log where target_id = $1`, [target])
    expect(rows).toEqual([{ action: 'test.along' }])
  })
})
