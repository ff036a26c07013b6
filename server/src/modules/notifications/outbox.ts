// The dev outbox as the console shows it: what it "sent", newest first, by channel.
import type { Static } from 'typebox'
import type { Db } from '../../core/db/client'
import { decodeCursor, pageOf } from '../../core/http/paging'
import { devOutboxRepo, type OutboxRow } from './repo'
import type { OutboxItem, OutboxQuery } from './schemas'

export function outboxView(row: OutboxRow): Static<typeof OutboxItem> {
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    channel: row.channel,
    recipient: row.recipient,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
  }
}

export async function outboxPage(db: Db, q: Static<typeof OutboxQuery>) {
  const limit = q.limit ?? 20
  return pageOf(await devOutboxRepo.list(db, { beforeId: decodeCursor(q.cursor), channel: q.channel }, limit + 1), limit, outboxView)
}
