// Assessments decided in batches. decideIn decides a batch inside a transaction in a fixed
// handful of statements, whatever its size: every subject's lock; every velocity window, with
// which dedupe keys are taken; the retried requests' first assessments, only when one is; every
// row. The payments and wallet transfers that arrive together call it first in their own batch's
// transaction, so their check costs no transaction of its own; the other operations (wallet
// payments, withdrawals, captures) wait here and go together in one transaction of the fraud
// module (record).
// Within a batch the operations are decided in order, and each one's velocity counts the ones
// decided before it in the same batch, as if each had waited for the lock alone.
import type { Audit } from '../../core/audit/service'
import type { Db, Tx } from '../../core/db/client'
import { createGroupCommit } from '../../core/db/group-commit'
import { newId } from '../../core/db/ids'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import type { Currency } from '../../core/money/currency'
import { assessmentsRepo, type AssessmentRow, type NewAssessment, type RunningTotals, type SaturatedWindows } from './repo'
import { appliesTo, evaluate, type BlocklistIndex, type Facts } from './rules'
import type { FraudRules, VelocityRule } from './schemas'
import type { AssessedOperation } from './tables'
import { assessmentView } from './views'

/** One operation to decide, as the fraud service was given it. */
export interface AssessmentInput {
  operation: AssessedOperation
  userId: string
  amount: bigint
  currency: Currency
  ref: string | null
  country: string | null
  ip: string | null
  deviceId: string | null
  cardFingerprint: string | null
  actor: string
  dedupeKey: string | null
}

/** One operation ready to be decided: everything but its velocity was gathered before the transaction. */
export interface PendingAssessment extends AssessmentInput {
  rules: FraudRules
  version: number
  index: BlocklistIndex
  /** The facts known before the transaction (the user's, the cards); velocity is added in it. */
  facts: Omit<Facts, 'velocity'>
  queries: { rule: VelocityRule; value: string }[]
}

/** What deciding needs: the events and the audit to record blocks and reviews, and this node's memory of full windows. */
export interface AssessmentDeps {
  events: EventBus
  audit: Audit
  saturated: SaturatedWindows
}

type Decided = { item: PendingAssessment; row: NewAssessment; review: boolean; block: boolean }

const subjectOf = (item: PendingAssessment, subject: VelocityRule['subject']) =>
  subject === 'user' ? item.userId : subject === 'ip' ? item.ip : item.deviceId

/**
 * What the operations decided so far in a batch add to each subject's windows (as their stored rows
 * would): by subject and value, then by operation, the count and the amounts not blocked by
 * currency. A window sums the operations its rule counts, so a batch of n operations sharing an
 * address costs n lookups, not n² comparisons.
 */
class BatchWindows {
  private readonly bySubject = new Map<string, Map<AssessedOperation, { count: number; amounts: Map<Currency, bigint> }>>()

  add({ item, row }: Decided) {
    for (const subject of SUBJECTS) {
      const value = subjectOf(item, subject)
      if (value === null) continue
      const key = `${subject} ${value}`
      let operations = this.bySubject.get(key)
      if (!operations) this.bySubject.set(key, (operations = new Map()))
      let totals = operations.get(item.operation)
      if (!totals) operations.set(item.operation, (totals = { count: 0, amounts: new Map() }))
      totals.count++
      if (row.decision !== 'block') totals.amounts.set(item.currency, (totals.amounts.get(item.currency) ?? 0n) + item.amount)
    }
  }

  /** What the batch adds to the window of `rule` for the subject `value`, in `currency`. */
  of(rule: VelocityRule, value: string, currency: Currency) {
    let count = 0
    let amount = 0n
    for (const [operation, totals] of this.bySubject.get(`${rule.subject} ${value}`) ?? []) {
      if (!appliesTo(rule, operation)) continue
      count += totals.count
      amount += totals.amounts.get(currency) ?? 0n
    }
    return { count, amount }
  }
}
const SUBJECTS = ['user', 'ip', 'device'] as const

/**
 * Decides a batch in order, each operation's velocity counting what the database holds plus the
 * operations decided before it here; `decided` holds one entry per operation that adds a row (a
 * retried request's twin in the same batch adds none), `of` finds an operation's own entry.
 */
function decide(items: PendingAssessment[], counted: { count: number; amount: bigint; atLeast: boolean }[], running: RunningTotals) {
  const decided: Decided[] = []
  const of = new Map<PendingAssessment, Decided>()
  const keysSeen = new Set<string>()
  const batch = new BatchWindows()
  let next = 0
  for (const item of items) {
    const velocity: Facts['velocity'] = {}
    for (const { rule, value } of item.queries) {
      const stored = counted[next++]
      const added = batch.of(rule, value, item.currency)
      velocity[rule.id] = { count: stored.count + added.count, amount: stored.amount + added.amount, atLeast: stored.atLeast }
    }
    const outcome = evaluate(item.rules, { ...item.facts, velocity }, item.index)
    // A capture cannot be refused any more (the money moved): anything but allow goes to a person.
    const review = outcome.decision === 'review' || (item.operation === 'payment_capture' && outcome.decision === 'block')
    const row = {
      id: newId(),
      operation: item.operation,
      userId: item.userId,
      ref: item.ref,
      amount: item.amount,
      currency: item.currency,
      ip: item.ip,
      deviceId: item.deviceId,
      emailDomain: item.facts.emailDomain,
      country: item.country,
      cardFingerprint: item.cardFingerprint,
      score: outcome.score,
      decision: outcome.decision,
      reasons: outcome.reasons,
      rulesVersion: item.version,
      actor: item.actor,
      dedupeKey: item.dedupeKey,
      reviewStatus: review ? ('open' as const) : null,
      userCount: null as number | null,
      userAmount: null as bigint | null,
    }
    // A retried request's twin in the same batch is not a second operation: it adds to no window.
    if (item.dedupeKey !== null && keysSeen.has(item.dedupeKey)) continue
    if (item.dedupeKey) keysSeen.add(item.dedupeKey)
    // The user's running totals go on (captures count in no window: they carry none).
    if (item.operation !== 'payment_capture') {
      const key = `${item.userId} ${item.currency}`
      row.userCount = (running.count.get(item.userId) ?? 0) + 1
      row.userAmount = (running.amount.get(key) ?? 0n) + (outcome.decision === 'block' ? 0n : item.amount)
      running.count.set(item.userId, row.userCount)
      running.amount.set(key, row.userAmount)
    }
    const entry = { item, row, review, block: outcome.decision === 'block' && !review }
    decided.push(entry)
    batch.add(entry)
    of.set(item, entry)
  }
  return { decided, of }
}

/**
 * Each item's velocity queries in order, as stored before this batch, and which of `dedupeKeys`
 * are taken already; one statement. The same window asked by several (a burst from one address,
 * one user) is read once: the batch's own part is added in decide.
 */
async function storedVelocity(tx: Tx, items: PendingAssessment[], dedupeKeys: string[], saturated: SaturatedWindows) {
  const keys: string[] = []
  const unique = new Map<string, number>()
  const queries: { rule: VelocityRule; value: string; currency: Currency }[] = []
  for (const item of items)
    for (const { rule, value } of item.queries) {
      const key = JSON.stringify([rule, value, item.currency])
      if (!unique.has(key)) unique.set(key, queries.push({ rule, value, currency: item.currency }) - 1)
      keys.push(key)
    }
  const { windows, taken, running } = await assessmentsRepo.velocity(tx, queries, dedupeKeys, items, saturated)
  let next = 0
  const ofItem = new Map(items.map((item) => [item, item.queries.map(() => windows[unique.get(keys[next++])!])]))
  return { ofItem, taken, running }
}

/**
 * Decides `items` in order inside the caller's transaction and stores their rows: every subject's
 * lock, the velocity windows and the rows are one statement each, whatever the batch. Answers each
 * item's stored assessment (the first one for its dedupe key when that was taken). The fraud
 * module's own batches run it in a transaction of their own; a module that writes its operations
 * in batches runs it first in the batch's transaction, so the check costs no transaction of its
 * own (the advisory locks come before the caller's own locks, in every path, so none deadlocks).
 */
export async function decideIn(tx: Tx, raise: (event: DomainEvent) => void, deps: AssessmentDeps, items: PendingAssessment[]) {
  const { events, audit } = deps
  // The users' and the devices' assessments wait for each other, so a burst cannot all count
  // the same window. Addresses are not locked: one shared by many (a NAT, a proxy) would make
  // every operation behind it wait in line; their counts may lag by the operations in flight.
  const keys = new Set(items.flatMap((i) => [`user:${i.userId}`, ...(i.deviceId ? [`device:${i.deviceId}`] : [])]))
  await assessmentsRepo.lockSubjects(tx, [...keys])
  // A retried request whose first assessment an earlier batch stored is answered by it and
  // counts for nothing here (counted, it would push the user's other operations over a limit).
  // Which keys are taken comes with the windows; the first assessments are read only when any is.
  const dedupeKeys = [...new Set(items.flatMap((i) => (i.dedupeKey ? [i.dedupeKey] : [])))]
  const stored = await storedVelocity(tx, items, dedupeKeys, deps.saturated)
  const retried = stored.taken.size ? await assessmentsRepo.byDedupeKeys(tx, [...stored.taken]) : new Map<string, AssessmentRow>()
  const fresh = items.filter((i) => !(i.dedupeKey && retried.has(i.dedupeKey)))
  const { decided, of } = decide(
    fresh,
    fresh.flatMap((i) => stored.ofItem.get(i)!),
    stored.running,
  )
  const inserted = new Map(
    (
      await assessmentsRepo.insertMany(
        tx,
        decided.map((d) => d.row),
      )
    ).map((r) => [r.id, r]),
  )
  const byKey = new Map<string, AssessmentRow>()
  for (const r of inserted.values()) if (r.dedupeKey) byKey.set(r.dedupeKey, r)
  const results: AssessmentRow[] = []
  for (const item of items) {
    const mine = of.get(item)
    const row = mine && inserted.get(mine.row.id)
    if (!row || !mine) {
      // Only a dedupe key taken already (a retried request: stored before, by a twin in this
      // batch, or by a concurrent batch of another user) leaves nothing inserted: the first
      // assessment is the answer, and nothing more is recorded.
      const first = retried.get(item.dedupeKey!) ?? byKey.get(item.dedupeKey!) ?? (await assessmentsRepo.byDedupe(tx, item.dedupeKey!))!
      results.push(first)
      continue
    }
    results.push(row)
    const view = assessmentView(row)
    if (mine.review) raise(events.event('fraud.review_opened', { assessment: view }))
    if (mine.block) {
      await audit.append(tx, {
        actor: 'system',
        action: 'fraud.blocked',
        targetType: 'user',
        targetId: item.userId,
        data: {
          assessmentId: row.id,
          operation: row.operation,
          ref: row.ref,
          score: row.score,
          rules: row.reasons.map((r) => `${r.rule}:${r.id}`),
        },
      })
      raise(events.event('fraud.blocked', { assessment: view }))
    }
  }
  return results
}

export function createAssessmentBatches(deps: AssessmentDeps & { db: Db }) {
  const { db, events } = deps

  const batches = createGroupCommit<PendingAssessment, AssessmentRow>({
    maxBatch: 50,
    write: async (items) =>
      (await events.inTransaction(db, (tx, raise) => decideIn(tx, raise, deps, items))).map((value) => ({ ok: true as const, value })),
  })

  /** Decides and stores the assessment (the first one for its dedupe key when that was taken). */
  return { record: (item: PendingAssessment) => batches.submit(item), idle: batches.idle }
}
