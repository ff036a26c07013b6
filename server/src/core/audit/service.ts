// Append-only, hash-chained audit log of admin and money actions. Each row's hash covers its
// content and the previous row's hash, so editing or removing any row (even past the database
// trigger, e.g. by a superuser) breaks verify() from that row on.
//
// A row is appended without its hash, in the caller's transaction, taking no lock: appends never
// wait for each other's commits (the chain's one lock, held to every commit, had become the limit
// of every audited path). The chainer then gives the committed rows their place in the chain and
// their hashes, in commit order as it finds them, a moment later (50 ms after an append on this
// node, and every 10 s on every node for rows appended elsewhere); one chainer at a time across
// the nodes. A row is tamper-evident from then on; verify() chains what is pending first.
import { createHash } from 'node:crypto'
import type { SQL } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db, Executor } from '../db/client'
import { principalKey, type Principal } from '../http/auth'
import { AppError } from '../http/errors'
import { canonicalJson } from '../util/canonical-json'
import { auditRepo, chainRepo, listAuditRows, type NewAuditRow, type AuditListFilter, type AuditListRow } from './repo'

export const GENESIS_HASH = '0'.repeat(64)
/** Rows chained per transaction of the chainer. */
const CHAIN_BATCH = 500
const SWEEP_MS = 10_000

export interface AuditEntry {
  actor: Principal | 'system'
  action: string
  targetType?: string
  targetId?: string
  data?: Record<string, unknown>
}

/** What a row's hash covers: the fields it was appended with. */
export function auditHash(prevHash: string, row: NewAuditRow): string {
  // Only the recorded fields, named one by one: a row read back also carries seq and hashes.
  const content = canonicalJson({
    at: new Date(row.at).toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    data: row.data,
  })
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex')
}

export function createAudit(db: Db, logger?: Logger) {
  /** Appends inside the caller's transaction, so the audit row commits with the action it records. */
  async function append(tx: Executor, entry: AuditEntry): Promise<void> {
    await appendMany(tx, [entry])
  }

  /**
   * Appends several rows in one statement (a batch of actions written together), in the given
   * order. With `carry`, the insert is not run here: `carry` runs it as one part of its own
   * statement (a batch's writes in one round trip; undefined when there is nothing to append).
   */
  async function appendMany(
    tx: Executor,
    entries: readonly AuditEntry[],
    carry?: (insert: SQL | undefined) => Promise<void>,
  ): Promise<void> {
    if (!entries.length) return carry?.(undefined)
    const at = new Date().toISOString()
    const insert = auditRepo.insertSql(
      entries.map((entry) => ({
        at,
        actorType: entry.actor === 'system' ? 'system' : entry.actor.kind,
        actorId: entry.actor === 'system' ? null : principalKey(entry.actor).split(':')[1],
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        data: entry.data ?? {},
      })),
    )
    await (carry ? carry(insert) : tx.execute(insert))
    soon()
  }

  /**
   * Chains the committed rows not chained yet, in batches; how many it chained. Another node's
   * chainer at work makes it stop at once, unless `wait` (verify waits, to see the whole chain).
   */
  async function chain(wait = false): Promise<number> {
    let total = 0
    for (;;) {
      const chained = await db.transaction(async (tx) => {
        if (!(await chainRepo.lock(tx, wait))) return 0
        // Read after the lock (a new statement, a new snapshot): the last chainer's rows are seen.
        const rows = await chainRepo.unchained(tx, CHAIN_BATCH)
        if (!rows.length) return 0
        const tail = await chainRepo.tail(tx)
        let chainPos = tail?.chainPos ?? 0n
        let prevHash = tail?.hash ?? GENESIS_HASH
        const links = rows.map((row) => {
          chainPos += 1n
          const link = { seq: row.seq, chainPos, prevHash, hash: auditHash(prevHash, row) }
          prevHash = link.hash
          return link
        })
        await chainRepo.setChain(tx, links)
        return rows.length
      })
      total += chained
      if (chained < CHAIN_BATCH) return total
    }
  }

  // The chainer's schedule: soon after an append on this node, and a sweep for the others' rows.
  let stopped = true
  let timer: NodeJS.Timeout | undefined
  let sweep: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false
  function soon(delayMs = 50) {
    if (stopped || timer) return
    timer = setTimeout(run, delayMs)
    timer.unref()
  }
  function run() {
    timer = undefined
    if (running) {
      again = true
      return
    }
    running = chain()
      .then(() => undefined)
      .catch((err) => logger?.warn({ err }, 'audit chainer failed; the next run takes the rows up again'))
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          soon()
        }
      })
  }
  function start() {
    stopped = false
    sweep = setInterval(() => soon(0), SWEEP_MS)
    sweep.unref()
    soon(0)
  }
  async function stop() {
    stopped = true
    clearTimeout(timer)
    clearInterval(sweep)
    timer = undefined
    await running
  }

  /** Newest first, with who acted and on whom by name (see repo.ts); the cursor is the last seq. */
  async function list(filter: AuditListFilter) {
    if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
      throw new AppError('validation', 'The date range ends before it starts', {
        errors: [{ field: 'querystring.to', message: 'must not be before from' }],
      })
    }
    const rows = await listAuditRows(db, filter)
    const page = rows.slice(0, filter.limit).map(auditView)
    return { items: page, nextCursor: rows.length > filter.limit ? page.at(-1)!.seq.toString() : null }
  }

  /** Chains what is pending, then walks the whole chain in order, in pages, and reports the first row that does not match. */
  async function verify(): Promise<{ valid: boolean; checked: number; brokenAtSeq: string | null; reason: string | null }> {
    await chain(true)
    let prevHash = GENESIS_HASH
    let afterPos = 0n
    let checked = 0
    for (;;) {
      const rows = await chainRepo.page(db, afterPos, 1000)
      if (rows.length === 0) return { valid: true, checked, brokenAtSeq: null, reason: null }
      for (const row of rows) {
        if (row.prevHash !== prevHash)
          return { valid: false, checked, brokenAtSeq: row.seq.toString(), reason: 'prev_hash does not match the previous row' }
        if (auditHash(prevHash, row) !== row.hash)
          return { valid: false, checked, brokenAtSeq: row.seq.toString(), reason: 'hash does not match the row content' }
        prevHash = row.hash
        afterPos = row.chainPos!
        checked++
      }
    }
  }

  return { append, appendMany, list, verify, chain, start, stop }
}

export type Audit = ReturnType<typeof createAudit>

/** A row as the list shows it: who acted (a user, or an API key by its name) and a label for the target. */
function auditView({ row, actorUser, actorKey, targetUser, targetKeyName }: AuditListRow) {
  const actor = actorUser
    ? { id: actorUser.id, name: actorUser.name, email: actorUser.email, externalId: actorUser.externalId }
    : actorKey
      ? { id: actorKey.id, name: actorKey.name, email: null, externalId: null }
      : null
  const targetLabel = targetUser ? (targetUser.name ?? targetUser.email ?? targetUser.externalId) : targetKeyName
  return { ...row, actor, target: targetLabel ? { label: targetLabel } : null }
}
