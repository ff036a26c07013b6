// Who a notification goes to: the check that named users exist (sending, subscribing users to a
// topic), and the recipients of a fan-out chunk, in a stable order so chunks can follow each other.
import type { Db } from '../../core/db/client'
import { createBatchedReads } from '../../core/db/group-commit'
import { AppError } from '../../core/http/errors'
import type { AccountsService, UserRef } from '../accounts'
import { topicsRepo, type NotificationRow } from './repo'

/** As stored with the notification: user ids, or a topic key. */
export type Audience = NotificationRow['audience']

/** Up to this many users, a send's check shares its query with other sends (createBatchedReads). */
const BATCHED_CHECK = 100

export function createAudience(deps: { db: Db; accounts: Pick<AccountsService, 'contactsOf' | 'hostUsers'> }) {
  const { db, accounts } = deps

  // Most sends name a few users: what sends arriving at once ask about is read in one query. A long
  // list is read on its own.
  const liveIn = async (ids: string[]) => new Set((await accounts.contactsOf(ids)).map((c) => c.id))
  const isLive = createBatchedReads(async (ids: string[]) => new Map([...(await liveIn(ids))].map((id) => [id, true])), BATCHED_CHECK)
  const batchedLiveIn = async (ids: string[]) => {
    const live = await Promise.all(ids.map(isLive))
    return new Set(ids.filter((_, i) => live[i]))
  }

  /** 422 naming (up to five of) the ids that are no user. */
  async function requireKnownUsers(userIds: string[]): Promise<void> {
    const unique = [...new Set(userIds)]
    const known = unique.length > BATCHED_CHECK ? await liveIn(unique) : await batchedLiveIn(unique)
    const unknown = userIds.filter((id) => !known.has(id))
    if (unknown.length)
      throw new AppError(
        'unprocessable',
        `Unknown user${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
      )
  }

  /** Caravan ids for users named by id or externalId (see accounts' resolveRefs). */
  const resolveUsers = (refs: UserRef[], options: { upsert: boolean; field: string; ignoreUnknown?: boolean }) =>
    accounts.hostUsers.resolveRefs(refs, options)

  /** A send's `to` as stored: user ids (externalIds resolved, profiles upserted inline), or a topic. */
  async function fromSendTarget(to: UserRef | UserRef[] | { topic: string }): Promise<Audience> {
    if (typeof to === 'object' && !Array.isArray(to) && 'topic' in to) return { topic: to.topic }
    const refs = Array.isArray(to) ? to : [to]
    return { userIds: [...new Set(await resolveUsers(refs, { upsert: true, field: 'body.to' }))] }
  }

  /** Checks a send's audience before anything is written: 422 for unknown users or topic. */
  async function check(audience: Audience): Promise<void> {
    if (audience.userIds) await requireKnownUsers(audience.userIds)
    else if (!audience.topic || !(await topicsRepo.byKey(db, audience.topic)))
      throw new AppError('unprocessable', `Unknown topic "${audience.topic}"`)
  }

  /** Up to `limit` recipients after `afterUserId`, in user id order (a topic's subscribers as they are now). */
  async function recipients(audience: Audience, afterUserId: string | undefined, limit: number): Promise<string[]> {
    if (!audience.userIds) return audience.topic ? topicsRepo.subscriberIds(db, audience.topic, afterUserId, limit) : []
    const sorted = [...new Set(audience.userIds)].sort()
    const from = afterUserId === undefined ? 0 : sorted.findIndex((id) => id > afterUserId)
    return from < 0 ? [] : sorted.slice(from, from + limit)
  }

  return { requireKnownUsers, resolveUsers, fromSendTarget, check, recipients }
}

export type AudienceService = ReturnType<typeof createAudience>
