// Who a notification goes to: the check that named users exist (sending, subscribing users to a
// topic), and the recipients of a fan-out chunk, in a stable order so chunks can follow each other.
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import type { AccountsService } from '../accounts'
import { topicsRepo, type NotificationRow } from './repo'

/** As stored with the notification: user ids, or a topic key. */
export type Audience = NotificationRow['audience']

export function createAudience(deps: { db: Db; accounts: Pick<AccountsService, 'contactsOf'> }) {
  const { db, accounts } = deps

  /** 422 naming (up to five of) the ids that are no user. */
  async function requireKnownUsers(userIds: string[]): Promise<void> {
    const known = new Set((await accounts.contactsOf(userIds)).map((c) => c.id))
    const unknown = userIds.filter((id) => !known.has(id))
    if (unknown.length)
      throw new AppError(
        'unprocessable',
        `Unknown user${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
      )
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

  return { requireKnownUsers, check, recipients }
}

export type AudienceService = ReturnType<typeof createAudience>
