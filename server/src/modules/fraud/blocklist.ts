// The blocklist: e-mail domains, addresses (IP or CIDR), devices and card fingerprints. Entries
// live in their own table rather than in the rules document (thousands of addresses do not belong
// in a JSON document two admins edit), and the whole list is held in memory as matchers (a Set per
// kind, node:net's BlockList for CIDRs), dropped on every node when an entry changes.
import type { Audit } from '../../core/audit/service'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { principalKey, type Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import './errors'
import { blocklistRepo, type BlocklistRow } from './repo'
import { buildBlocklist, normalizeEntry, type BlocklistIndex } from './rules'
import type { BlocklistBody, BlocklistQuery } from './schemas'
import type { BlocklistKind } from './tables'

/** Held in memory on every node: a bound on what that costs. */
export const BLOCKLIST_MAX_ENTRIES = 10_000

const HINTS: Record<BlocklistKind, string> = {
  email_domain: 'is not a domain',
  ip: 'is not an IP address or CIDR range',
  device: 'is not a device id (8–128 of A–Z a–z 0–9 . _ : -)',
  card_fingerprint: 'is not a fingerprint (1–200 visible ASCII characters)',
}

export const blocklistEntryView = (r: BlocklistRow) => ({
  id: r.id,
  kind: r.kind,
  value: r.value,
  note: r.note,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
})

export function createBlocklist(deps: { db: Db; bus: InvalidationBus; audit: Audit }) {
  const { db, audit } = deps
  const cache = createHotCache<BlocklistIndex>({
    name: 'fraud.blocklist',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1,
    load: async () => buildBlocklist(await blocklistRepo.all(db)),
  })

  /** Adds inside the caller's transaction (a rejected review blocks its facts with it); undefined when listed already. Call changed() after the commit. */
  async function addIn(tx: Executor, actor: Principal, entry: { kind: BlocklistKind; value: string; note?: string | null }) {
    const value = normalizeEntry(entry.kind, entry.value)
    if (!value)
      throw new AppError('validation', `The value ${HINTS[entry.kind]}`, { errors: [{ field: 'body.value', message: HINTS[entry.kind] }] })
    if ((await blocklistRepo.count(tx)) >= BLOCKLIST_MAX_ENTRIES)
      throw new AppError('fraud_blocklist_full', `At most ${BLOCKLIST_MAX_ENTRIES} entries: remove some first`)
    const row = await blocklistRepo.insert(tx, {
      id: newId(),
      kind: entry.kind,
      value,
      note: entry.note ?? null,
      createdBy: principalKey(actor),
    })
    if (row)
      await audit.append(tx, {
        actor,
        action: 'fraud_blocklist.added',
        targetType: 'fraud_blocklist',
        targetId: row.id,
        data: { kind: row.kind, value: row.value, note: row.note },
      })
    return row
  }

  async function add(actor: Principal, body: BlocklistBody) {
    const row = await db.transaction(async (tx) => {
      const added = await addIn(tx, actor, body)
      if (!added) throw new AppError('fraud_blocklist_exists')
      return added
    })
    await changed()
    return blocklistEntryView(row)
  }

  async function remove(actor: Principal, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const row = await blocklistRepo.remove(tx, id)
      if (!row) throw new AppError('not_found', 'No such blocklist entry')
      await audit.append(tx, {
        actor,
        action: 'fraud_blocklist.removed',
        targetType: 'fraud_blocklist',
        targetId: id,
        data: { kind: row.kind, value: row.value },
      })
    })
    await changed()
  }

  async function list(query: BlocklistQuery) {
    const limit = query.limit ?? 20
    const rows = await blocklistRepo.list(db, { kind: query.kind, before: decodeCursor(query.cursor), limit })
    return pageOf(rows, limit, blocklistEntryView)
  }

  /** Drops the matchers on every node (after the commit). */
  const changed = () => cache.invalidate('all')

  return { index: () => cache.get('all'), add, addIn, remove, list, changed }
}

export type Blocklist = ReturnType<typeof createBlocklist>
