// The fraud rules as pure functions: hand-made facts in, score, decision and reasons out. No
// database: velocity counts are given as facts, as service.ts would read them.
import { describe, expect, it } from 'vitest'
import {
  buildBlocklist,
  checkRules,
  DEFAULT_RULES,
  emailDomain,
  evaluate,
  normalizeDomain,
  normalizeEntry,
  normalizeIp,
  parseIpEntry,
  velocityQueries,
  type Facts,
} from '../../src/modules/fraud/rules'
import type { FraudRules } from '../../src/modules/fraud/schemas'

const none = buildBlocklist([])
const facts = (over: Partial<Facts> = {}): Facts => ({
  operation: 'wallet_payment',
  amount: 1000n,
  currency: 'IRR',
  accountAgeDays: 400,
  emailDomain: 'example.com',
  ip: '203.0.113.7',
  deviceId: 'device-0001',
  cardFingerprints: [],
  paymentCountry: null,
  userCountry: null,
  ipCountry: null,
  velocity: {},
  ...over,
})
const rules = (over: Partial<FraudRules> = {}): FraudRules => ({
  ...DEFAULT_RULES,
  velocity: [],
  accountAge: [],
  ...over,
})

describe('the default rules', () => {
  it('allow an ordinary operation of a new account and stay quiet for one rule alone', () => {
    expect(evaluate(DEFAULT_RULES, facts({ accountAgeDays: 0 }), none)).toEqual({ score: 0, decision: 'allow', reasons: [] })
    // A new account paying a lot: one rule, under the review threshold.
    const big = evaluate(DEFAULT_RULES, facts({ accountAgeDays: 0, amount: 1_000_000_001n }), none)
    expect(big).toMatchObject({ score: 40, decision: 'allow', reasons: [{ rule: 'account_age', id: 'new-account' }] })
    // A burst on a new account: two rules together are reviewed.
    const burst = evaluate(
      DEFAULT_RULES,
      facts({ accountAgeDays: 0, amount: 1_000_000_001n, velocity: { 'user-burst': { count: 60, amount: 0n } } }),
      none,
    )
    expect(burst).toMatchObject({ score: 80, decision: 'review' })
    expect(checkRules(DEFAULT_RULES)).toEqual([])
  })
})

describe('velocity', () => {
  const r = rules({
    thresholds: { review: 50, block: 90 },
    velocity: [
      { id: 'count', subject: 'user', windowSeconds: 60, maxCount: 3, score: 50 },
      { id: 'hard', subject: 'user', windowSeconds: 60, maxCount: 5, score: 0, action: 'block' },
      { id: 'sum', subject: 'ip', windowSeconds: 3600, maxAmount: { IRR: '10000' }, score: 20 },
    ],
  })

  it('counts this operation with those before it: the fourth reviews, the sixth blocks', () => {
    const at = (count: number) => evaluate(r, facts({ velocity: { count: { count, amount: 0n }, hard: { count, amount: 0n } } }), none)
    expect(at(2).decision).toBe('allow')
    expect(at(3)).toMatchObject({
      decision: 'review',
      score: 50,
      reasons: [{ rule: 'velocity', id: 'count', values: { subject: 'user', measure: 'count', observed: '4', limit: '3' } }],
    })
    expect(at(4).decision).toBe('review')
    expect(at(5)).toMatchObject({ decision: 'block', reasons: [{ id: 'count' }, { id: 'hard', action: 'block' }] })
  })

  it('sums amounts in the operation’s currency only, and a currency without a limit has none', () => {
    const sum = (amount: bigint, before: bigint, currency: 'IRR' | 'USD' = 'IRR') =>
      evaluate(r, facts({ amount, currency, velocity: { sum: { count: 1, amount: before } } }), none).reasons.map((x) => x.id)
    expect(sum(4000n, 6000n)).toEqual([])
    expect(sum(4001n, 6000n)).toEqual(['sum'])
    expect(sum(10n ** 30n, 0n, 'USD')).toEqual([])
    // Amounts far past 2^53 stay exact.
    expect(sum(10n ** 40n, 0n)).toEqual(['sum'])
  })

  it('asks only for rules whose subject is known and whose operations include this one', () => {
    const scoped = rules({
      velocity: [
        { id: 'u', subject: 'user', windowSeconds: 60, maxCount: 1, score: 10 },
        { id: 'i', subject: 'ip', windowSeconds: 60, maxCount: 1, score: 10 },
        { id: 'd', subject: 'device', windowSeconds: 60, maxCount: 1, score: 10 },
        { id: 'w', subject: 'user', windowSeconds: 60, maxCount: 1, score: 10, operations: ['withdrawal'] },
      ],
    })
    const ids = (op: Facts['operation'], ip: string | null, device: string | null) =>
      velocityQueries(scoped, op, { user: 'u1', ip, device }).map((q) => `${q.rule.id}=${q.value}`)
    expect(ids('transfer', '10.0.0.1', null)).toEqual(['u=u1', 'i=10.0.0.1'])
    expect(ids('withdrawal', null, 'dev-12345')).toEqual(['u=u1', 'd=dev-12345', 'w=u1'])
    // A capture is not counted by velocity rules.
    expect(ids('payment_capture', null, null)).toEqual([])
  })
})

describe('account age', () => {
  const r = rules({
    accountAge: [
      { id: 'day-one', maxAgeDays: 1, maxAmount: { USD: '5000' }, score: 70 },
      { id: 'first-week', maxAgeDays: 7, maxAmount: { USD: '50000' }, score: 30, operations: ['withdrawal'] },
    ],
  })
  it('limits young accounts per operation, per currency and per operation kind', () => {
    const at = (age: number | null, amount: bigint, operation: Facts['operation'] = 'payment', currency: 'USD' | 'IRR' = 'USD') =>
      evaluate(r, facts({ accountAgeDays: age, amount, operation, currency }), none)
    expect(at(0, 5000n).decision).toBe('allow')
    expect(at(0, 5001n)).toMatchObject({ decision: 'review', score: 70, reasons: [{ id: 'day-one', values: { ageDays: '0' } }] })
    expect(at(1, 5001n).decision).toBe('allow')
    expect(at(3, 60000n, 'withdrawal').reasons.map((x) => x.id)).toEqual(['first-week'])
    expect(at(3, 60000n, 'transfer').reasons).toEqual([])
    expect(at(0, 10n ** 20n, 'payment', 'IRR').reasons).toEqual([])
    // Unknown age: the rule cannot judge.
    expect(at(null, 10n ** 20n).reasons).toEqual([])
  })
})

describe('blocklists', () => {
  const list = buildBlocklist([
    { kind: 'email_domain', value: 'mailinator.com' },
    { kind: 'email_domain', value: normalizeDomain('مثال.ایران')! },
    { kind: 'ip', value: '198.51.100.0/24' },
    { kind: 'ip', value: '2001:db8::/32' },
    { kind: 'ip', value: '192.0.2.9' },
    { kind: 'device', value: 'bad-device-1' },
    { kind: 'card_fingerprint', value: 'FP-STOLEN' },
  ])
  const listed = (over: Partial<Facts>) => evaluate(DEFAULT_RULES, facts(over), list)

  it('block a listed domain and its subdomains, whatever the case or script', () => {
    expect(listed({ emailDomain: emailDomain('Someone@MAILINATOR.com') })).toMatchObject({
      decision: 'block',
      score: 100,
      reasons: [{ rule: 'blocklist', id: 'email_domain', action: 'block' }],
    })
    expect(listed({ emailDomain: emailDomain('x@eu.mailinator.com') }).decision).toBe('block')
    expect(listed({ emailDomain: emailDomain('x@notmailinator.com') }).decision).toBe('allow')
    expect(listed({ emailDomain: emailDomain('کاربر@مثال.ایران') }).decision).toBe('block')
  })

  it('block addresses in a range, v4 and v6, and IPv4 seen through IPv6', () => {
    expect(listed({ ip: normalizeIp('198.51.100.200') }).decision).toBe('block')
    expect(listed({ ip: normalizeIp('::ffff:198.51.100.1') }).decision).toBe('block')
    expect(listed({ ip: normalizeIp('2001:DB8:0:1::5') }).decision).toBe('block')
    expect(listed({ ip: normalizeIp('192.0.2.9') }).decision).toBe('block')
    expect(listed({ ip: normalizeIp('192.0.2.10') }).decision).toBe('allow')
    expect(listed({ ip: normalizeIp('198.51.101.1') }).decision).toBe('allow')
  })

  it('block a listed device and a card the user paid with', () => {
    expect(listed({ deviceId: 'bad-device-1' }).decision).toBe('block')
    expect(listed({ cardFingerprints: ['FP-OK', 'FP-STOLEN'] })).toMatchObject({
      decision: 'block',
      reasons: [{ id: 'card_fingerprint', values: { value: 'FP-STOLEN' } }],
    })
  })

  it('score instead of block when the rules say so', () => {
    const soft = rules({ blocklists: { ...DEFAULT_RULES.blocklists, ip: { score: 30 } } })
    expect(evaluate(soft, facts({ ip: '192.0.2.9' }), list)).toMatchObject({ decision: 'allow', score: 30 })
  })
})

describe('country mismatch', () => {
  it('compares the payment’s country with the user’s when both are known', () => {
    const r = rules({ thresholds: { review: 20, block: 100 } })
    expect(evaluate(r, facts({ operation: 'payment', paymentCountry: 'DE', userCountry: 'IR' }), none)).toMatchObject({
      decision: 'review',
      reasons: [{ rule: 'country_mismatch', values: { payment: 'DE', known: 'IR' } }],
    })
    expect(evaluate(r, facts({ operation: 'payment', paymentCountry: 'IR', userCountry: 'IR' }), none).reasons).toEqual([])
    expect(evaluate(r, facts({ operation: 'payment', paymentCountry: 'DE', userCountry: null }), none).reasons).toEqual([])
    expect(evaluate(rules({ countryMismatch: null }), facts({ paymentCountry: 'DE', userCountry: 'IR' }), none).reasons).toEqual([])
  })
})

describe('scores and decisions', () => {
  it('add up, stop at 100, and a forced review holds under the threshold', () => {
    const r = rules({
      thresholds: { review: 90, block: 100 },
      velocity: [
        { id: 'a', subject: 'user', windowSeconds: 60, maxCount: 0, score: 70 },
        { id: 'b', subject: 'ip', windowSeconds: 60, maxCount: 0, score: 70 },
      ],
      accountAge: [{ id: 'c', maxAgeDays: 5, maxAmount: { IRR: '1' }, score: 1, action: 'review' }],
    })
    const seen = { count: 0, amount: 0n }
    expect(evaluate(r, facts({ velocity: { a: seen, b: seen } }), none)).toMatchObject({ score: 100, decision: 'block' })
    expect(evaluate(r, facts({ accountAgeDays: 0, amount: 2n }), none)).toMatchObject({ score: 1, decision: 'review' })
  })
})

describe('checking a rules document', () => {
  it('names what the schema cannot catch', () => {
    const bad = rules({
      thresholds: { review: 80, block: 50 },
      velocity: [
        { id: 'x', subject: 'user', windowSeconds: 60, score: 10 },
        { id: 'x', subject: 'ip', windowSeconds: 60, maxCount: 1, score: 10 },
      ],
      accountAge: [{ id: 'y', maxAgeDays: 1, maxAmount: {}, score: 1 }],
    })
    expect(checkRules(bad).map((e) => e.field)).toEqual([
      'body.rules.thresholds.review',
      'body.rules.velocity.0',
      'body.rules.velocity.1.id',
      'body.rules.accountAge.0.maxAmount',
    ])
  })
})

describe('normalizing facts and entries', () => {
  it('reads addresses, ranges and domains, and refuses what is not one', () => {
    expect(normalizeIp('::FFFF:10.1.2.3')).toBe('10.1.2.3')
    expect(normalizeIp('not an ip')).toBeNull()
    expect(normalizeIp(undefined)).toBeNull()
    expect(parseIpEntry('10.0.0.0/8')).toMatchObject({ prefix: 8, family: 'ipv4', text: '10.0.0.0/8' })
    expect(parseIpEntry('10.0.0.1/32')?.text).toBe('10.0.0.1')
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0/8', '::1/129', '', '10.0.0.0/'])
      expect([bad, parseIpEntry(bad)]).toEqual([bad, null])
    expect(normalizeEntry('email_domain', 'user@Example.COM.')).toBe('example.com')
    expect(normalizeEntry('email_domain', 'xn--mgbh0fb.xn--mgba3a4f16a')).toBe('xn--mgbh0fb.xn--mgba3a4f16a')
    for (const bad of ['', ' ', 'a..b', 'exa mple.com', '.com', '@'])
      expect([bad, normalizeEntry('email_domain', bad)]).toEqual([bad, null])
    expect(normalizeEntry('device', 'short')).toBeNull()
    expect(normalizeEntry('device', 'ok-device-42')).toBe('ok-device-42')
    expect(normalizeEntry('card_fingerprint', 'has space')).toBeNull()
    expect(normalizeEntry('card_fingerprint', 'x'.repeat(201))).toBeNull()
  })
})
