// Fraud checks on money operations. The payments and wallet modules call assess() before they
// write anything: it gathers the facts (velocity from the stored assessments themselves, the
// account's age and e-mail domain from the accounts service, the blocklist, the countries),
// evaluates the rules (rules.ts), stores the assessment with its reasons and answers allow or
// review, or throws 403 fraud_blocked. Payments and wallet transfers, written in batches, use
// prepareCheck and decideIn instead: the same check, decided in their batch's own transaction.
// The module imports neither payments nor wallet: what it needs from them is injected (a card
// fingerprint lookup) or registered (what a rejected review undoes), so the dependency points one way.
import type { Logger } from 'pino'
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database, Tx } from '../../core/db/client'
import type { ItemResult } from '../../core/db/group-commit'
import type { DomainEvent, EventBus } from '../../core/events/bus'
import { principalKey, type Principal } from '../../core/http/auth'
import type { ClientContext } from '../../core/http/client-context'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { Jobs } from '../../core/jobs/queue'
import type { Currency } from '../../core/money/currency'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { AccountsService } from '../accounts'
import { createAssessmentBatches, decideIn, type AssessmentInput, type PendingAssessment } from './assessment-batches'
import { createBlocklist } from './blocklist'
import './errors'
import './events'
import { assessmentsRepo, type AssessmentRow } from './repo'
import { emailDomain, normalizeEntry, normalizeIp, velocityQueries } from './rules'
import type { AssessmentQuery, BlocklistBody, BlocklistQuery, RejectReviewBody, ReviewQuery, UpdateFraudRulesBody } from './schemas'
import { createFraudSettings } from './settings'
import type { AssessedOperation, BlocklistKind, Decision, Operation } from './tables'
import { assessmentView } from './views'

export const JOB_CAPTURE_CHECK = 'fraud-capture-check'

/** One operation to assess, as its module knows it. */
export interface FraudCheck {
  operation: Operation
  /** Whose money it is. */
  userId: string
  amount: bigint
  currency: Currency
  /** The id of what the operation creates (payment, wallet payment, ledger transfer, withdrawal). */
  ref?: string
  /** The country the payment names (payments only). */
  country?: string
  /** Who called. The caller's address counts for the user only when the user called themselves (not an API key, not an admin). */
  actor: Principal
  client?: ClientContext
  /** One assessment per key: a retried request (a payment's Idempotency-Key) gets the first decision again, counted once. */
  dedupeKey?: string
  /** The user's contact when the caller has read it already (a payment's customer): saves reading it again. */
  contact?: Contact
}

type Contact = Awaited<ReturnType<AccountsService['contactsOf']>>[number]

export interface FraudVerdict {
  /** The stored assessment; null when the rules are switched off. */
  id: string | null
  decision: Exclude<Decision, 'block'>
  score: number
}

type Raise = (event: DomainEvent) => void
/** Undoes what an operation left waiting when its review is rejected (the wallet rejects the withdrawal), in the review's transaction. */
export type ReviewRejectedHandler = (tx: Tx, raise: Raise, admin: Principal, ref: string) => Promise<void>

export interface FraudDeps {
  database: Database
  bus: InvalidationBus
  events: EventBus
  jobs: Jobs
  audit: Audit
  accounts: AccountsService
  privacy: PrivacyRegistry
  logger: Logger
  /** The card fingerprint a gateway reported for a captured payment, if any (the payments module answers). */
  cardFingerprint: (paymentId: string) => Promise<string | undefined>
}

const DAY_MS = 86_400_000

export function createFraudService(deps: FraudDeps) {
  const db = deps.database.db
  const { events, audit, jobs, logger } = deps
  const settings = createFraudSettings({ db, bus: deps.bus, audit })
  const blocklist = createBlocklist({ db, bus: deps.bus, audit })
  const rejectHandlers = new Map<AssessedOperation, ReviewRejectedHandler>()
  // One memory of full windows for this node, shared by every path that decides (see SaturatedWindows).
  const deciding = { events, audit, saturated: new Map<string, string>() }
  const batches = createAssessmentBatches({ db, ...deciding })

  /** What the accounts module knows of the user: the account's age (the host's `signedUpAt` attribute when earlier), e-mail domain, country. */
  async function userFacts(userId: string, now: number, known?: Contact) {
    const contact = known?.id === userId ? known : (await deps.accounts.contactsOf([userId]))[0]
    if (!contact) return { accountAgeDays: null, emailDomain: null, userCountry: null }
    const attributes = (contact.attributes ?? {}) as Record<string, unknown>
    const signedUp = typeof attributes.signedUpAt === 'string' ? Date.parse(attributes.signedUpAt) : NaN
    const since = Math.min(contact.createdAt.getTime(), Number.isFinite(signedUp) ? signedUp : Infinity)
    const country = typeof attributes.country === 'string' && /^[A-Za-z]{2}$/.test(attributes.country) ? attributes.country : null
    return {
      accountAgeDays: Math.max(0, Math.floor((now - since) / DAY_MS)),
      emailDomain: emailDomain(contact.email),
      userCountry: country?.toUpperCase() ?? null,
    }
  }

  /** Gathers the facts known before the transaction; undefined when the rules are off. */
  async function prepare(input: AssessmentInput & { contact?: Contact }): Promise<PendingAssessment | undefined> {
    const { contact, ...fields } = input
    const { rules, version } = await settings.read()
    if (!rules.enabled) return undefined
    // Read before the transaction: nothing inside one reads through another connection (PGlite has one).
    // The cards the user paid with matter only to a card on the blocklist: not read while it has none.
    const index = await blocklist.index()
    const [user, knownCards] = await Promise.all([
      userFacts(input.userId, Date.now(), contact),
      input.operation === 'payment_capture' || index.cards.size === 0 ? Promise.resolve([]) : assessmentsRepo.cardsOf(db, input.userId),
    ])
    return {
      ...fields,
      rules,
      version,
      index,
      facts: {
        operation: input.operation,
        amount: input.amount,
        currency: input.currency,
        ...user,
        ip: input.ip,
        deviceId: input.deviceId,
        cardFingerprints: [...(input.cardFingerprint ? [input.cardFingerprint] : []), ...knownCards],
        paymentCountry: input.country,
        ipCountry: null,
      },
      queries: velocityQueries(rules, input.operation, { user: input.userId, ip: input.ip, device: input.deviceId }),
    }
  }

  /** Gathers the facts, evaluates, stores; the stored row (the first one for a dedupe key), or undefined when the rules are off. */
  async function record(input: AssessmentInput & { contact?: Contact }): Promise<AssessmentRow | undefined> {
    const pending = await prepare(input)
    return pending && batches.record(pending)
  }

  /** What an operation's module passes in: its check, with the caller's address only when the user called themselves. */
  function inputOf(check: FraudCheck): AssessmentInput & { contact?: Contact } {
    const own = check.actor.kind === 'user' && check.actor.userId === check.userId
    return {
      operation: check.operation,
      userId: check.userId,
      amount: check.amount,
      currency: check.currency,
      ref: check.ref ?? null,
      country: check.country?.toUpperCase() ?? null,
      ip: own ? normalizeIp(check.client?.ip) : null,
      deviceId: check.client?.deviceId ?? null,
      cardFingerprint: null,
      actor: principalKey(check.actor),
      dedupeKey: check.dedupeKey ? `${check.operation}:${check.dedupeKey}` : null,
      contact: check.contact,
    }
  }

  /** Allow or review as a verdict; block as 403 fraud_blocked (the caller writes nothing). */
  function verdictOf(row: AssessmentRow | undefined): ItemResult<FraudVerdict> {
    if (!row) return { ok: true, value: { id: null, decision: 'allow', score: 0 } }
    if (row.decision === 'block') {
      logger.info({ assessmentId: row.id, operation: row.operation, userId: row.userId }, 'operation blocked by fraud rules')
      return { ok: false, error: new AppError('fraud_blocked') }
    }
    return { ok: true, value: { id: row.id, decision: row.decision, score: row.score } }
  }

  /**
   * Assesses an operation before it is written: allow or review goes ahead (the caller proceeds;
   * a review waits in the queue), block throws 403 fraud_blocked and the caller writes nothing.
   */
  async function assess(check: FraudCheck): Promise<FraudVerdict> {
    const verdict = verdictOf(await record(inputOf(check)))
    if (!verdict.ok) throw verdict.error
    return verdict.value
  }

  /**
   * The same check for a module that writes its operations in batches (payments, transfers):
   * prepareCheck gathers the facts before the batch's transaction (nothing written); decideIn,
   * called first in that transaction, decides and stores the batch's assessments, one result per
   * check in order (a block is the 403 fraud_blocked error, and the caller writes nothing of that
   * operation). The check then costs no transaction and no round trips of its own.
   */
  const prepareCheck = (check: FraudCheck): Promise<PreparedCheck> => prepare(inputOf(check))
  async function decideChecks(tx: Tx, raise: Raise, checks: PreparedCheck[]): Promise<ItemResult<FraudVerdict>[]> {
    const pending = checks.filter((c): c is PendingAssessment => c !== undefined)
    const rows = await decideIn(tx, raise, deciding, pending)
    const byCheck = new Map(pending.map((c, i) => [c, rows[i]]))
    return checks.map((c) => verdictOf(c && byCheck.get(c)))
  }

  /** A captured payment whose gateway reported a card fingerprint: the blocklists are checked and the card is remembered for the user's next operations. */
  async function screenCapture(payment: { id: string; customerId: string; capturedAmount: string; currency: Currency }) {
    const fingerprint = await deps.cardFingerprint(payment.id)
    if (!fingerprint) return undefined
    const row = await record({
      operation: 'payment_capture',
      userId: payment.customerId,
      amount: BigInt(payment.capturedAmount),
      currency: payment.currency,
      ref: payment.id,
      country: null,
      ip: null,
      deviceId: null,
      cardFingerprint: fingerprint.slice(0, 200),
      actor: 'system',
      dedupeKey: `payment_capture:${payment.id}`,
    })
    return row && assessmentView(row)
  }

  jobs.define<{ event: DomainEvent<'payment.succeeded'> }>({
    name: JOB_CAPTURE_CHECK,
    retryLimit: 10,
    expireInSeconds: 60,
    handler: async ({ event }) => {
      const view = await screenCapture(event.payload.payment)
      if (view?.review) logger.warn({ paymentId: view.ref, assessmentId: view.id }, 'captured payment sent to fraud review')
    },
  })
  events.subscribeDurable('payment.succeeded', JOB_CAPTURE_CHECK)

  /**
   * For the module that owns the operation, inside its own transaction: refuses (409
   * fraud_review_open) while a review of `ref` is open or was rejected. The reviews stay
   * share-locked until that transaction ends, so none is decided meanwhile.
   */
  async function assertCleared(tx: Tx, operation: Operation, ref: string): Promise<void> {
    const reviews = await assessmentsRepo.reviewsOf(tx, operation, ref)
    const holding = reviews.find((r) => r.reviewStatus !== 'approved')
    if (holding) throw new AppError('fraud_review_open', holding.reviewStatus === 'rejected' ? 'A fraud review rejected it' : undefined)
  }

  /** What the assessment knew of each blocklist kind. */
  const factOf = (row: AssessmentRow, kind: BlocklistKind): string | null =>
    ({ email_domain: row.emailDomain, ip: row.ip, device: row.deviceId, card_fingerprint: row.cardFingerprint })[kind]

  /** An admin's decision on an open review; two at once make one decision and one 409. */
  async function decide(admin: Principal, id: string, approve: boolean, body: RejectReviewBody) {
    const note = body.note ?? null
    const { row, listed } = await events.inTransaction(db, async (tx, raise) => {
      const decided = await assessmentsRepo.decide(tx, id, approve ? 'approved' : 'rejected', principalKey(admin), note)
      if (!decided) {
        const existing = await assessmentsRepo.byId(tx, id)
        if (!existing?.reviewStatus) throw new AppError('not_found', 'No such review')
        throw new AppError('fraud_review_decided', `The review was ${existing.reviewStatus} already`)
      }
      const blocked: { kind: BlocklistKind; value: string }[] = []
      if (!approve) {
        for (const kind of body.block ?? []) {
          // A fact the blocklist cannot hold (a gateway's odd fingerprint) is left out rather than failing the decision.
          const value = factOf(decided, kind)
          if (value && normalizeEntry(kind, value) && (await blocklist.addIn(tx, admin, { kind, value, note: `fraud review ${id}` })))
            blocked.push({ kind, value })
        }
        const undo = rejectHandlers.get(decided.operation)
        if (undo && decided.ref) await undo(tx, raise, admin, decided.ref)
      }
      await audit.append(tx, {
        actor: admin,
        action: approve ? 'fraud.review_approved' : 'fraud.review_rejected',
        targetType: 'fraud_assessment',
        targetId: id,
        data: { userId: decided.userId, operation: decided.operation, ref: decided.ref, note, blocked },
      })
      raise(events.event('fraud.review_decided', { assessment: assessmentView(decided) }))
      return { row: decided, listed: blocked.length }
    })
    if (listed) await blocklist.changed()
    return assessmentView(row)
  }

  async function reviews(query: ReviewQuery) {
    const limit = query.limit ?? 20
    const rows = await assessmentsRepo.list(db, { reviews: true, reviewStatus: query.status, before: decodeCursor(query.cursor), limit })
    return pageOf(rows, limit, assessmentView)
  }

  async function assessments(query: AssessmentQuery) {
    const limit = query.limit ?? 20
    const rows = await assessmentsRepo.list(db, {
      userId: query.userId,
      decision: query.decision,
      operation: query.operation,
      ref: query.ref,
      before: decodeCursor(query.cursor),
      limit,
    })
    return pageOf(rows, limit, assessmentView)
  }

  async function assessment(id: string) {
    const row = await assessmentsRepo.byId(db, id)
    if (!row) throw new AppError('not_found', 'No such assessment')
    return assessmentView(row)
  }

  // What a person may ask for: their operations and the facts kept on them. Not the scores and
  // reasons: they would show how the rules are tuned. Erasure keeps the decisions (money records
  // refer to them) and drops the facts that identify the person.
  deps.privacy.register({
    name: 'fraud',
    async export(userId) {
      return (await assessmentsRepo.ofUser(db, userId)).map((a) => ({
        operation: a.operation,
        ref: a.ref,
        amount: a.amount.toString(),
        currency: a.currency,
        ip: a.ip,
        deviceId: a.deviceId,
        country: a.country,
        decision: a.decision,
        createdAt: a.createdAt.toISOString(),
      }))
    },
    erase: (tx, userId) => assessmentsRepo.eraseFacts(tx, userId),
  })

  return {
    assess,
    prepareCheck,
    decideIn: decideChecks,
    assertCleared,
    /** The module that owns `operation` says what a rejected review undoes (once per operation). */
    onReviewRejected(operation: Operation, handler: ReviewRejectedHandler) {
      if (rejectHandlers.has(operation)) throw new Error(`a review handler for ${operation} is registered already`)
      rejectHandlers.set(operation, handler)
    },
    screenCapture,
    reviews,
    approveReview: (admin: Principal, id: string, body: { note?: string }) => decide(admin, id, true, body),
    rejectReview: (admin: Principal, id: string, body: RejectReviewBody) => decide(admin, id, false, body),
    assessments,
    assessment,
    rules: {
      read: () => settings.read(),
      write: (admin: Principal, body: UpdateFraudRulesBody) => settings.write(admin, body),
    },
    blocklist: {
      list: (query: BlocklistQuery) => blocklist.list(query),
      add: (admin: Principal, body: BlocklistBody) => blocklist.add(admin, body),
      remove: (admin: Principal, id: string) => blocklist.remove(admin, id),
    },
  }
}

export type FraudService = ReturnType<typeof createFraudService>
/** What the payments and wallet modules are given: the checks, not the admin side. */
export type FraudChecks = Pick<FraudService, 'assess' | 'prepareCheck' | 'decideIn' | 'assertCleared' | 'onReviewRejected'>
/** A check ready to be decided in a batch's transaction (undefined: the rules are off). */
export type PreparedCheck = PendingAssessment | undefined
