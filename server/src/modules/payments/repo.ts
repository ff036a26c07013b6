// The payments module's SQL, and nothing else: every function takes the executor (db or a
// transaction) it runs on; rules live in the services.
import { and, desc, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import { compiled } from '../../core/db/prepared'
import { unnestColumns, type UnnestColumn } from '../../core/db/unnest'
import type { GatewayName } from './gateways/types'
import {
  paymentAttempts,
  paymentGatewayConfigs,
  paymentGatewayEvents,
  paymentRefunds,
  payments,
  testGatewayCharges,
  type PaymentStatus,
  type PurposeType,
} from './tables'

export type PaymentRow = typeof payments.$inferSelect
export type AttemptRow = typeof paymentAttempts.$inferSelect
export type RefundRow = typeof paymentRefunds.$inferSelect
export type TestChargeRow = typeof testGatewayCharges.$inferSelect

export interface PaymentFilter {
  customerId?: string
  status?: PaymentStatus
  gateway?: GatewayName
  purposeType?: PurposeType
  purposeRef?: string
  /** Held for review (amount or currency mismatch). */
  held?: boolean
  from?: string
  to?: string
  /** Keyset: ids below this one (uuid v7 ids sort by creation time). */
  before?: string
  limit: number
}

/** A new attempt as written: pending, nothing heard from its gateway yet. */
export const pendingAttempt = (a: { id: string; paymentId: string; gateway: GatewayName }, at: Date): AttemptRow => ({
  ...a,
  status: 'pending',
  reference: null,
  redirectUrl: null,
  captureId: null,
  receipt: null,
  error: null,
  createdAt: at,
  updatedAt: at,
})

/** A payment and its first attempt's id, as insertWithAttempts writes them (one array per column). */
type NewPayment = { payment: PaymentRow; attemptId: string }
const NEW_PAYMENT_COLUMNS: Record<string, UnnestColumn<NewPayment>> = {
  id: ['uuid', ({ payment: p }) => p.id],
  attempt_id: ['uuid', ({ attemptId }) => attemptId],
  customer_id: ['uuid', ({ payment: p }) => p.customerId],
  amount: ['numeric', ({ payment: p }) => p.amount.toString()],
  currency: ['text', ({ payment: p }) => p.currency],
  status: ['text', ({ payment: p }) => p.status],
  purpose_type: ['text', ({ payment: p }) => p.purposeType],
  purpose_ref: ['text', ({ payment: p }) => p.purposeRef],
  description: ['text', ({ payment: p }) => p.description],
  gateway: ['text', ({ payment: p }) => p.gateway],
  return_url: ['text', ({ payment: p }) => p.returnUrl],
  metadata: ['jsonb', ({ payment: p }) => JSON.stringify(p.metadata)],
  created_by: ['text', ({ payment: p }) => p.createdBy],
  idempotency_key: ['text', ({ payment: p }) => p.idempotencyKey],
  request_hash: ['text', ({ payment: p }) => p.requestHash],
  expires_at: ['timestamptz', ({ payment: p }) => p.expiresAt.toISOString()],
  created_at: ['timestamptz', ({ payment: p }) => p.createdAt.toISOString()],
}

// The statements of every batch of new payments, built once (core/db/prepared.ts).
const newPayments = unnestColumns('', NEW_PAYMENT_COLUMNS)
const insertPaymentsWithAttempts = compiled(
  () => sql`
      with v as (select * from ${newPayments.rows}),
      p as (
        insert into payments (id, customer_id, amount, currency, status, purpose_type, purpose_ref, description, gateway,
          return_url, metadata, created_by, idempotency_key, request_hash, expires_at, created_at, updated_at)
        select id, customer_id, amount, currency, status, purpose_type, purpose_ref, description, gateway,
          return_url, metadata, created_by, idempotency_key, request_hash, expires_at, created_at, created_at from v
        on conflict do nothing
        returning id
      )
      insert into payment_attempts (id, payment_id, gateway, status, created_at, updated_at)
      select v.attempt_id, p.id, v.gateway, 'pending', v.created_at, v.created_at from p join v on v.id = p.id
      returning payment_id`,
)
type Answer = { id: string; reference: string; redirectUrl: string | null }
const answerColumns = unnestColumns('', {
  id: ['uuid', (a: Answer) => a.id],
  reference: ['text', (a) => a.reference],
  redirect_url: ['text', (a) => a.redirectUrl],
})
const updateAnswers = compiled(
  () => sql`
      update payment_attempts a set reference = v.reference, redirect_url = v.redirect_url, updated_at = now()
      from ${answerColumns.rows} where a.id = v.id`,
)

export const paymentsRepo = {
  async insert(x: Executor, row: typeof payments.$inferInsert): Promise<PaymentRow | undefined> {
    const [inserted] = await x.insert(payments).values(row).onConflictDoNothing().returning()
    return inserted
  },
  async byId(x: Executor, id: string): Promise<PaymentRow | undefined> {
    const [row] = await x.select().from(payments).where(eq(payments.id, id))
    return row
  },
  /**
   * Payments with their first attempts (at each `payment.gateway`), all in one statement; the
   * ids of the payments written. One whose Idempotency-Key was used before is left out (nothing of
   * it is written), and so is the second of two in the list that share a key.
   */
  async insertWithAttempts(x: Executor, items: NewPayment[]): Promise<Set<string>> {
    if (!items.length) return new Set()
    const { rows } = await insertPaymentsWithAttempts(x, newPayments.values(items))
    return new Set((rows as { payment_id: string }[]).map((r) => r.payment_id))
  },
  /** The row under a lock: state changes of one payment run one at a time. */
  async lock(x: Executor, id: string): Promise<PaymentRow | undefined> {
    const [row] = await x.select().from(payments).where(eq(payments.id, id)).for('update')
    return row
  },
  async byIdempotencyKey(x: Executor, createdBy: string, key: string): Promise<PaymentRow | undefined> {
    const [row] = await x
      .select()
      .from(payments)
      .where(and(eq(payments.createdBy, createdBy), eq(payments.idempotencyKey, key)))
    return row
  },
  async update(x: Executor, id: string, set: Partial<typeof payments.$inferInsert>): Promise<void> {
    await x
      .update(payments)
      .set({ ...set, updatedAt: sql`now()` })
      .where(eq(payments.id, id))
  },
  async list(x: Executor, f: PaymentFilter): Promise<PaymentRow[]> {
    const where: SQL[] = []
    if (f.customerId) where.push(eq(payments.customerId, f.customerId))
    if (f.status) where.push(eq(payments.status, f.status))
    if (f.gateway) where.push(eq(payments.gateway, f.gateway))
    if (f.purposeType) where.push(eq(payments.purposeType, f.purposeType))
    if (f.purposeRef) where.push(eq(payments.purposeRef, f.purposeRef))
    if (f.held !== undefined) where.push(f.held ? sql`${payments.heldReason} is not null` : sql`${payments.heldReason} is null`)
    if (f.from) where.push(sql`${payments.createdAt} >= ${f.from}`)
    if (f.to) where.push(sql`${payments.createdAt} < ${f.to}`)
    if (f.before) where.push(lt(payments.id, f.before))
    return x
      .select()
      .from(payments)
      .where(and(...where))
      .orderBy(desc(payments.id))
      .limit(f.limit + 1)
  },
  /** Unpaid payments past their expiry, oldest first. */
  async expiredIds(x: Executor, limit: number): Promise<string[]> {
    const rows = await x
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.status, 'requires_action'), lte(payments.expiresAt, sql`now()`)))
      .orderBy(payments.expiresAt)
      .limit(limit)
    return rows.map((r) => r.id)
  },
  /** Open payments whose latest change is older than `seconds` (not held): the reconciliation job asks their gateway. */
  async staleOpenIds(x: Executor, seconds: number, limit: number): Promise<string[]> {
    const rows = await x
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(
          inArray(payments.status, ['requires_action', 'processing']),
          sql`${payments.heldReason} is null`,
          lt(payments.updatedAt, sql`now() - make_interval(secs => ${seconds})`),
        ),
      )
      .orderBy(payments.updatedAt)
      .limit(limit)
    return rows.map((r) => r.id)
  },
  /** Another payment of the same customer for the same purpose that already succeeded (a duplicate charge). */
  async succeededForPurpose(
    x: Executor,
    p: { customerId: string; purposeType: PurposeType; purposeRef: string; exceptId: string },
  ): Promise<PaymentRow | undefined> {
    const [row] = await x
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.customerId, p.customerId),
          eq(payments.purposeType, p.purposeType),
          eq(payments.purposeRef, p.purposeRef),
          eq(payments.status, 'succeeded'),
          sql`${payments.id} <> ${p.exceptId}`,
        ),
      )
      .orderBy(payments.settledAt)
      .limit(1)
    return row
  },
}

export const attemptsRepo = {
  async insert(x: Executor, row: typeof paymentAttempts.$inferInsert): Promise<AttemptRow> {
    const [inserted] = await x.insert(paymentAttempts).values(row).returning()
    return inserted
  },
  async byId(x: Executor, id: string): Promise<AttemptRow | undefined> {
    const [row] = await x.select().from(paymentAttempts).where(eq(paymentAttempts.id, id))
    return row
  },
  /** Another attempt (fallback, or a retry) and the payment's gateway moved to it, in one statement. */
  async insertNext(x: Executor, a: { id: string; paymentId: string; gateway: GatewayName }): Promise<AttemptRow> {
    const { rows } = await x.execute(sql`
      with moved as (update payments set gateway = ${a.gateway}, updated_at = now() where id = ${a.paymentId})
      insert into payment_attempts (id, payment_id, gateway, status) values (${a.id}, ${a.paymentId}, ${a.gateway}, 'pending')
      returning created_at`)
    return pendingAttempt(a, new Date(rows[0].created_at as string))
  },
  async byReference(x: Executor, gateway: GatewayName, reference: string): Promise<AttemptRow | undefined> {
    const [row] = await x
      .select()
      .from(paymentAttempts)
      .where(and(eq(paymentAttempts.gateway, gateway), eq(paymentAttempts.reference, reference)))
    return row
  },
  async ofPayment(x: Executor, paymentId: string): Promise<AttemptRow[]> {
    return x
      .select()
      .from(paymentAttempts)
      .where(eq(paymentAttempts.paymentId, paymentId))
      .orderBy(paymentAttempts.createdAt, paymentAttempts.id)
  },
  async update(x: Executor, id: string, set: Partial<typeof paymentAttempts.$inferInsert>): Promise<void> {
    await x
      .update(paymentAttempts)
      .set({ ...set, updatedAt: sql`now()` })
      .where(eq(paymentAttempts.id, id))
  },
  /** The gateways' answers to new attempts (their reference and where the payer goes), in one statement. */
  async setAnswers(x: Executor, answers: Answer[]): Promise<void> {
    if (!answers.length) return
    await updateAnswers(x, answerColumns.values(answers))
  },
}

export const refundsRepo = {
  async insert(x: Executor, row: typeof paymentRefunds.$inferInsert): Promise<RefundRow> {
    const [inserted] = await x.insert(paymentRefunds).values(row).returning()
    return inserted
  },
  async byId(x: Executor, id: string): Promise<RefundRow | undefined> {
    const [row] = await x.select().from(paymentRefunds).where(eq(paymentRefunds.id, id))
    return row
  },
  async byIdempotencyKey(x: Executor, createdBy: string, key: string): Promise<RefundRow | undefined> {
    const [row] = await x
      .select()
      .from(paymentRefunds)
      .where(and(eq(paymentRefunds.createdBy, createdBy), eq(paymentRefunds.idempotencyKey, key)))
    return row
  },
  async list(x: Executor, f: { status?: RefundRow['status']; paymentId?: string; before?: string; limit: number }): Promise<RefundRow[]> {
    const where: SQL[] = []
    if (f.status) where.push(eq(paymentRefunds.status, f.status))
    if (f.paymentId) where.push(eq(paymentRefunds.paymentId, f.paymentId))
    if (f.before) where.push(lt(paymentRefunds.id, f.before))
    return x
      .select()
      .from(paymentRefunds)
      .where(and(...where))
      .orderBy(desc(paymentRefunds.id))
      .limit(f.limit + 1)
  },
  /** Refunds still pending whose last change is older than `seconds`: the sweep asks their gateway or sends them again. */
  async stalePending(x: Executor, seconds: number, limit: number): Promise<RefundRow[]> {
    return x
      .select()
      .from(paymentRefunds)
      .where(and(eq(paymentRefunds.status, 'pending'), lt(paymentRefunds.updatedAt, sql`now() - make_interval(secs => ${seconds})`)))
      .orderBy(paymentRefunds.updatedAt)
      .limit(limit)
  },
  async byGatewayRefundId(x: Executor, gatewayRefundId: string): Promise<RefundRow | undefined> {
    const [row] = await x.select().from(paymentRefunds).where(eq(paymentRefunds.gatewayRefundId, gatewayRefundId))
    return row
  },
  async ofPayment(x: Executor, paymentId: string): Promise<RefundRow[]> {
    return x
      .select()
      .from(paymentRefunds)
      .where(eq(paymentRefunds.paymentId, paymentId))
      .orderBy(paymentRefunds.createdAt, paymentRefunds.id)
  },
  async update(x: Executor, id: string, set: Partial<typeof paymentRefunds.$inferInsert>): Promise<void> {
    await x
      .update(paymentRefunds)
      .set({ ...set, updatedAt: sql`now()` })
      .where(eq(paymentRefunds.id, id))
  },
}

export const gatewayEventsRepo = {
  /** True the first time this gateway's event id is seen (in the caller's transaction). */
  async claim(x: Executor, gateway: GatewayName, eventId: string, type: string): Promise<boolean> {
    const rows = await x
      .insert(paymentGatewayEvents)
      .values({ gateway, eventId, type })
      .onConflictDoNothing()
      .returning({ eventId: paymentGatewayEvents.eventId })
    return rows.length === 1
  },
}

export const gatewayConfigsRepo = {
  async all(x: Executor) {
    return x.select().from(paymentGatewayConfigs).orderBy(paymentGatewayConfigs.name)
  },
  /** One gateway's row, locked for the rest of the transaction (also while it does not exist yet). */
  async lockOne(x: Executor, name: GatewayName) {
    await x.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`payment-gateway:${name}`}, 0))`)
    const [row] = await x.select().from(paymentGatewayConfigs).where(eq(paymentGatewayConfigs.name, name))
    return row
  },
  async put(x: Executor, name: GatewayName, enabled: boolean, sealedConfig: string): Promise<void> {
    await x
      .insert(paymentGatewayConfigs)
      .values({ name, enabled, sealedConfig })
      .onConflictDoUpdate({ target: paymentGatewayConfigs.name, set: { enabled, sealedConfig, updatedAt: sql`now()` } })
  },
  async remove(x: Executor, name: GatewayName): Promise<boolean> {
    const rows = await x
      .delete(paymentGatewayConfigs)
      .where(eq(paymentGatewayConfigs.name, name))
      .returning({ name: paymentGatewayConfigs.name })
    return rows.length === 1
  },
}

/** The built-in test gateway's side of the books. */
/** A new open charge on the test gateway. */
export type NewTestCharge = Pick<TestChargeRow, 'reference' | 'attemptId' | 'amount' | 'currency' | 'description' | 'returnUrl'>

const testChargeColumns = unnestColumns('', {
  reference: ['text', (r: NewTestCharge) => r.reference],
  attempt_id: ['uuid', (r) => r.attemptId],
  amount: ['numeric', (r) => r.amount.toString()],
  currency: ['text', (r) => r.currency],
  description: ['text', (r) => r.description],
  return_url: ['text', (r) => r.returnUrl],
})
const insertTestCharges = compiled(
  () => sql`insert into ${testGatewayCharges} (${testChargeColumns.names}) select * from ${testChargeColumns.rows}`,
)

export const testChargesRepo = {
  async insertMany(x: Executor, rows: NewTestCharge[]): Promise<void> {
    if (!rows.length) return
    await insertTestCharges(x, testChargeColumns.values(rows))
  },
  async get(x: Executor, reference: string): Promise<TestChargeRow | undefined> {
    const [row] = await x.select().from(testGatewayCharges).where(eq(testGatewayCharges.reference, reference))
    return row
  },
  /** The payer's choice on the hosted page; only an open charge changes. */
  async decide(x: Executor, reference: string, status: 'paid' | 'failed'): Promise<TestChargeRow | undefined> {
    const [row] = await x
      .update(testGatewayCharges)
      .set({ status })
      .where(and(eq(testGatewayCharges.reference, reference), eq(testGatewayCharges.status, 'open')))
      .returning()
    return row
  },
  /** Adds a refund if it fits in what was paid; undefined when it does not. */
  async refund(x: Executor, reference: string, amount: bigint): Promise<TestChargeRow | undefined> {
    const [row] = await x
      .update(testGatewayCharges)
      .set({ refunded: sql`${testGatewayCharges.refunded} + ${amount.toString()}::numeric` })
      .where(
        and(
          eq(testGatewayCharges.reference, reference),
          eq(testGatewayCharges.status, 'paid'),
          sql`${testGatewayCharges.refunded} + ${amount.toString()}::numeric <= ${testGatewayCharges.amount}`,
        ),
      )
      .returning()
    return row
  },
}
