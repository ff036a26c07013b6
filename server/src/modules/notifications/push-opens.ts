// Web Push clicks: the service worker reports that a notification was clicked with its delivery
// id and an acknowledgement token the payload carried (an HMAC of the id under a key of its own),
// since it holds no session. A status only moves forward (sent → opened).
import { createHmac } from 'node:crypto'
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import { sameSecret } from '../../core/util/same-secret'
import { deliveriesRepo } from './repo'
import { nextStatus } from './status'

export function createPushOpens(deps: { db: Db; key: string }) {
  const ackFor = (deliveryId: string) => createHmac('sha256', deps.key).update(`push-open:${deliveryId}`).digest('base64url')

  async function opened(deliveryId: string, ack: string): Promise<void> {
    if (!sameSecret(ackFor(deliveryId), ack)) {
      throw new AppError('forbidden', 'The acknowledgement does not match this delivery')
    }
    const d = await deliveriesRepo.byId(deps.db, deliveryId)
    if (!d || d.channel !== 'push') throw new AppError('not_found', 'No push delivery with this id')
    const next = nextStatus(d.status, 'opened')
    if (next) await deliveriesRepo.moveStatus(deps.db, d.id, d.status, next, null)
  }

  return { ackFor, opened }
}

export type PushOpens = ReturnType<typeof createPushOpens>
