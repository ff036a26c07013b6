// The fraud rules as pure functions: facts about one operation (gathered by service.ts) and the
// rules document in, {score, decision, reasons} out. No database, no clock, no I/O: the unit tests
// (test/fraud/rules.test.ts) run every rule on hand-made facts.
import { BlockList, isIP } from 'node:net'
import { domainToASCII } from 'node:url'
import type { FieldError } from '../../core/http/errors'
import type { Currency } from '../../core/money/currency'
import type { FraudRules, VelocityRule } from './schemas'
import { OPERATIONS, type AssessedOperation, type BlocklistKind, type Decision, type Operation, type Reason } from './tables'

/**
 * On from the first start, and never in the way of ordinary use: one rule alone stays under the
 * review threshold (a new account paying a lot, a burst of operations, a country that differs);
 * two together are reviewed; a blocklisted fact blocks. The blocklists start empty.
 */
export const DEFAULT_RULES: FraudRules = {
  enabled: true,
  thresholds: { review: 60, block: 100 },
  velocity: [
    { id: 'user-burst', subject: 'user', windowSeconds: 600, maxCount: 60, score: 40 },
    { id: 'device-burst', subject: 'device', windowSeconds: 600, maxCount: 60, score: 40 },
    // An address is shared (an office, a carrier's NAT): a much higher count, a lower score.
    { id: 'ip-burst', subject: 'ip', windowSeconds: 600, maxCount: 300, score: 30 },
    {
      id: 'user-daily-amount',
      subject: 'user',
      windowSeconds: 86_400,
      maxAmount: { IRR: '20000000000', USD: '2000000', EUR: '2000000' },
      score: 30,
    },
  ],
  accountAge: [{ id: 'new-account', maxAgeDays: 1, maxAmount: { IRR: '1000000000', USD: '100000', EUR: '100000' }, score: 40 }],
  blocklists: {
    emailDomain: { score: 100, action: 'block' },
    ip: { score: 100, action: 'block' },
    device: { score: 100, action: 'block' },
    cardFingerprint: { score: 100, action: 'block' },
  },
  countryMismatch: { score: 20 },
}

/** What is known about one operation when it is assessed. */
export interface Facts {
  operation: AssessedOperation
  amount: bigint
  currency: Currency
  /** Whole days since the account was opened; null when unknown. */
  accountAgeDays: number | null
  /** The user's e-mail domain, normalized (normalizeDomain). */
  emailDomain: string | null
  /** Normalized (normalizeIp); null when the user did not call themselves. */
  ip: string | null
  deviceId: string | null
  /** The fingerprint the gateway reported now, and those the user paid with before. */
  cardFingerprints: string[]
  /** The country the payment names (upper case). */
  paymentCountry: string | null
  /** The user's `country` attribute, set by the host (upper case). */
  userCountry: string | null
  /** The caller address's country: null until a GeoIP source is configured (none is, offline). */
  ipCountry: string | null
  /** Per velocity rule id: what its subject did before this operation, within the rule's window (`atLeast`: the count stopped past the rule's limit). */
  velocity: Record<string, { count: number; amount: bigint; atLeast?: boolean }>
}

export interface Outcome {
  score: number
  decision: Decision
  reasons: Reason[]
}

export interface BlocklistIndex {
  emailDomains: Set<string>
  ips: BlockList
  devices: Set<string>
  cards: Set<string>
}

export const appliesTo = (rule: { operations?: Operation[] }, operation: AssessedOperation): boolean =>
  (rule.operations ?? OPERATIONS).includes(operation as Operation)

/** The velocity rules that apply to this operation, each with the subject value it counts (rules whose subject is unknown are left out). */
export function velocityQueries(
  rules: FraudRules,
  operation: AssessedOperation,
  subjects: { user: string; ip: string | null; device: string | null },
): { rule: VelocityRule; value: string }[] {
  const out: { rule: VelocityRule; value: string }[] = []
  for (const rule of rules.velocity) {
    const value = subjects[rule.subject]
    if (value && appliesTo(rule, operation)) out.push({ rule, value })
  }
  return out
}

export function evaluate(rules: FraudRules, facts: Facts, blocklist: BlocklistIndex): Outcome {
  const reasons: Reason[] = []
  const { amount, currency, operation } = facts

  for (const rule of rules.velocity) {
    const seen = facts.velocity[rule.id]
    if (!seen || !appliesTo(rule, operation)) continue
    const count = seen.count + 1
    const limit = rule.maxAmount?.[currency]
    const total = seen.amount + amount
    const base = { rule: 'velocity' as const, id: rule.id, score: rule.score, ...(rule.action ? { action: rule.action } : {}) }
    const window = `${rule.windowSeconds} s`
    if (rule.maxCount !== undefined && count > rule.maxCount)
      reasons.push({
        ...base,
        detail: `${rule.subject}: ${seen.atLeast ? 'more than ' : ''}${seen.atLeast ? rule.maxCount : count} operations in ${window} (at most ${rule.maxCount})`,
        values: {
          subject: rule.subject,
          measure: 'count',
          observed: String(count),
          limit: String(rule.maxCount),
          windowSeconds: String(rule.windowSeconds),
          // The window was counted only up to past its limit: `observed` is a lower bound.
          ...(seen.atLeast ? { atLeast: 'true' } : {}),
        },
      })
    else if (limit !== undefined && total > BigInt(limit))
      reasons.push({
        ...base,
        detail: `${rule.subject}: ${total} ${currency} in ${window} (at most ${limit})`,
        values: {
          subject: rule.subject,
          measure: 'amount',
          observed: total.toString(),
          limit,
          currency,
          windowSeconds: String(rule.windowSeconds),
        },
      })
  }

  if (facts.accountAgeDays !== null)
    for (const rule of rules.accountAge) {
      const limit = rule.maxAmount[currency]
      if (!appliesTo(rule, operation) || facts.accountAgeDays >= rule.maxAgeDays || limit === undefined || amount <= BigInt(limit)) continue
      reasons.push({
        rule: 'account_age',
        id: rule.id,
        score: rule.score,
        ...(rule.action ? { action: rule.action } : {}),
        detail: `account ${facts.accountAgeDays} days old (under ${rule.maxAgeDays}): ${amount} ${currency} is above ${limit}`,
        values: {
          ageDays: String(facts.accountAgeDays),
          maxAgeDays: String(rule.maxAgeDays),
          observed: amount.toString(),
          limit,
          currency,
        },
      })
    }

  const listed = (kind: BlocklistKind, key: keyof FraudRules['blocklists'], value: string) => {
    const { score, action } = rules.blocklists[key]
    reasons.push({
      rule: 'blocklist',
      id: kind,
      score,
      ...(action ? { action } : {}),
      detail: `${kind} ${value} is on the blocklist`,
      values: { kind, value },
    })
  }
  if (facts.emailDomain && domainListed(blocklist.emailDomains, facts.emailDomain)) listed('email_domain', 'emailDomain', facts.emailDomain)
  if (facts.ip && ipListed(blocklist.ips, facts.ip)) listed('ip', 'ip', facts.ip)
  if (facts.deviceId && blocklist.devices.has(facts.deviceId)) listed('device', 'device', facts.deviceId)
  const card = facts.cardFingerprints.find((c) => blocklist.cards.has(c))
  if (card) listed('card_fingerprint', 'cardFingerprint', card)

  const mismatch = rules.countryMismatch
  if (mismatch && appliesTo({}, operation) && facts.paymentCountry) {
    const other = [facts.userCountry, facts.ipCountry].find((c) => c && c !== facts.paymentCountry)
    if (other)
      reasons.push({
        rule: 'country_mismatch',
        id: 'country',
        score: mismatch.score,
        ...(mismatch.action ? { action: mismatch.action } : {}),
        detail: `the payment names ${facts.paymentCountry}, the user is known in ${other}`,
        values: { payment: facts.paymentCountry, known: other },
      })
  }

  const score = Math.min(
    100,
    reasons.reduce((sum, r) => sum + r.score, 0),
  )
  const forced = (action: 'review' | 'block') => reasons.some((r) => r.action === action)
  const decision: Decision =
    forced('block') || score >= rules.thresholds.block ? 'block' : forced('review') || score >= rules.thresholds.review ? 'review' : 'allow'
  return { score, decision, reasons }
}

/** What the schema cannot say about a rules document; an empty list means it is fine. */
export function checkRules(rules: FraudRules): FieldError[] {
  const errors: FieldError[] = []
  if (rules.thresholds.review > rules.thresholds.block)
    errors.push({ field: 'body.rules.thresholds.review', message: 'must not be above the block threshold' })
  const ids = new Set<string>()
  const unique = (id: string, field: string) => {
    if (ids.has(id)) errors.push({ field, message: `the id "${id}" is used twice` })
    ids.add(id)
  }
  rules.velocity.forEach((rule, i) => {
    unique(rule.id, `body.rules.velocity.${i}.id`)
    if (rule.maxCount === undefined && (!rule.maxAmount || Object.keys(rule.maxAmount).length === 0))
      errors.push({ field: `body.rules.velocity.${i}`, message: 'needs maxCount or maxAmount' })
  })
  rules.accountAge.forEach((rule, i) => {
    unique(rule.id, `body.rules.accountAge.${i}.id`)
    if (Object.keys(rule.maxAmount).length === 0)
      errors.push({ field: `body.rules.accountAge.${i}.maxAmount`, message: 'needs at least one currency' })
  })
  return errors
}

// ---- normalization, shared by the service (facts) and the blocklist (entries) ----

/** An address as the velocity rules and the blocklist compare it: IPv4-mapped IPv6 as IPv4, IPv6 lower case; null when not an IP. */
export function normalizeIp(address: string | null | undefined): string | null {
  if (!address) return null
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  const ip = mapped ? mapped[1] : address.toLowerCase()
  return isIP(ip) ? ip : null
}

/** A domain in lower-case ASCII (IDNs as punycode), without a trailing dot; null when it is not one. */
export function normalizeDomain(domain: string | null | undefined): string | null {
  const trimmed = domain?.trim().replace(/\.$/, '')
  if (!trimmed) return null
  const ascii = domainToASCII(trimmed.toLowerCase())
  return ascii && /^[a-z0-9.-]+$/.test(ascii) && !ascii.startsWith('.') && !ascii.includes('..') ? ascii : null
}

export const emailDomain = (email: string | null | undefined): string | null =>
  email && email.includes('@') ? normalizeDomain(email.slice(email.lastIndexOf('@') + 1)) : null

/** An IP or CIDR entry: "203.0.113.7", "203.0.113.0/24", "2001:db8::/32"; null when not valid. */
export function parseIpEntry(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6'; text: string } | null {
  const [raw, prefixText, extra] = value.trim().split('/')
  if (extra !== undefined) return null
  const address = normalizeIp(raw)
  if (!address) return null
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6'
  const max = family === 'ipv4' ? 32 : 128
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (prefix > max) return null
  return { address, prefix, family, text: prefix === max ? address : `${address}/${prefix}` }
}

/** A device id as the `x-device-id` header carries it. */
export const DEVICE_ID = /^[A-Za-z0-9._:-]{8,128}$/
/** A gateway's card fingerprint: visible ASCII. */
export const CARD_FINGERPRINT = /^[\x21-\x7e]{1,200}$/

/** The entry's value as stored and compared, or null when it is not a valid value of its kind. */
export function normalizeEntry(kind: BlocklistKind, value: string): string | null {
  switch (kind) {
    case 'email_domain':
      return normalizeDomain(value.includes('@') ? value.slice(value.lastIndexOf('@') + 1) : value)
    case 'ip':
      return parseIpEntry(value)?.text ?? null
    case 'device':
      return DEVICE_ID.test(value) ? value : null
    case 'card_fingerprint':
      return CARD_FINGERPRINT.test(value) ? value : null
  }
}

export function buildBlocklist(entries: { kind: BlocklistKind; value: string }[]): BlocklistIndex {
  const index: BlocklistIndex = { emailDomains: new Set(), ips: new BlockList(), devices: new Set(), cards: new Set() }
  for (const { kind, value } of entries) {
    if (kind === 'email_domain') index.emailDomains.add(value)
    if (kind === 'device') index.devices.add(value)
    if (kind === 'card_fingerprint') index.cards.add(value)
    if (kind === 'ip') {
      const ip = parseIpEntry(value)
      if (ip) index.ips.addSubnet(ip.address, ip.prefix, ip.family)
    }
  }
  return index
}

/** The domain or any domain it is under ("mail.example.com" is listed by "example.com"). */
function domainListed(listed: Set<string>, domain: string): boolean {
  const labels = domain.split('.')
  return labels.some((_, i) => listed.has(labels.slice(i).join('.')))
}

function ipListed(list: BlockList, ip: string): boolean {
  return list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6')
}
