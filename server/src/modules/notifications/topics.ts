// Topics: named groups users subscribe to, for fan-out ("everyone following order 42"). The
// host's server (API key) or an admin subscribes anyone to any topic; users follow and unfollow
// public topics only. A private topic answers a user exactly as an unknown one does (404), so its
// key cannot be found by guessing.
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { UserRef } from '../accounts'
import type { AudienceService } from './audience'
import { topicsRepo, type TopicRow, type TopicVisibility } from './repo'

const noTopic = (key: string) => new AppError('not_found', `No topic "${key}"`)

export function createTopics(deps: { db: Db; audience: Pick<AudienceService, 'requireKnownUsers' | 'resolveUsers'> }) {
  const { db } = deps

  async function byKey(key: string): Promise<TopicRow> {
    const row = await topicsRepo.byKey(db, key)
    if (!row) throw noTopic(key)
    return row
  }

  /** A topic a user may follow by themselves: public, else 404 as if it did not exist. */
  async function followable(key: string): Promise<TopicRow> {
    const row = await topicsRepo.byKey(db, key)
    if (!row || row.visibility !== 'public') throw noTopic(key)
    return row
  }

  const withCount = async (row: TopicRow) => ({
    key: row.key,
    name: row.name,
    visibility: row.visibility,
    subscribers: await topicsRepo.subscriberCount(db, row.id),
  })

  return {
    list: () => topicsRepo.list(db),

    async create(input: { key: string; name: string; visibility?: TopicVisibility }) {
      const row = await topicsRepo.insert(db, { id: newId(), key: input.key, name: input.name, visibility: input.visibility ?? 'private' })
      if (!row) throw new AppError('conflict', `A topic "${input.key}" already exists`)
      return { key: row.key, name: row.name, visibility: row.visibility, subscribers: 0 }
    },

    async update(key: string, patch: { name?: string; visibility?: TopicVisibility }) {
      const row = await topicsRepo.update(db, key, patch)
      if (!row) throw noTopic(key)
      return withCount(row)
    },

    /** The host subscribes users (any visibility), by id or externalId; every user must exist. */
    async subscribe(key: string, users: UserRef[]) {
      const topic = await byKey(key)
      const userIds = [...new Set(await deps.audience.resolveUsers(users, { upsert: false, field: 'body.users' }))]
      await deps.audience.requireKnownUsers(userIds)
      await topicsRepo.subscribe(db, topic.id, userIds)
    },

    /** Users not subscribed (or unknown externalIds) are no error: they end up unsubscribed either way. */
    async unsubscribe(key: string, users: UserRef[]) {
      const topic = await byKey(key)
      const userIds = await deps.audience.resolveUsers(users, { upsert: false, field: 'body.users', ignoreUnknown: true })
      await topicsRepo.unsubscribe(db, topic.id, userIds)
    },

    /** What the user is subscribed to, including private topics the host put them in. */
    ofUser: (userId: string) => topicsRepo.ofUser(db, userId),

    /** Public topics, newest first, with whether the user follows each. */
    async available(userId: string, page: { cursor?: string; limit?: number }) {
      const limit = page.limit ?? 20
      const rows = await topicsRepo.publicFor(db, userId, decodeCursor(page.cursor), limit + 1)
      return pageOf(rows, limit, (r) => ({ key: r.key, name: r.name, following: r.following }))
    },

    async follow(userId: string, key: string) {
      await topicsRepo.subscribe(db, (await followable(key)).id, [userId])
    },

    async unfollow(userId: string, key: string) {
      await topicsRepo.unsubscribe(db, (await followable(key)).id, [userId])
    },
  }
}

export type Topics = ReturnType<typeof createTopics>
