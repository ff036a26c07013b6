// Topics: named groups users subscribe to, for fan-out ("everyone following order 42").
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import { AppError } from '../../core/http/errors'
import { topics, topicSubscriptions } from './tables'

export function createTopics(db: Db) {
  async function byKey(key: string) {
    const [row] = await db.select().from(topics).where(eq(topics.key, key))
    if (!row) throw new AppError('not_found', `No topic "${key}"`)
    return row
  }

  async function list() {
    const rows = await db
      .select({
        key: topics.key,
        name: topics.name,
        subscribers: sql<number>`(select count(*)::int from ${topicSubscriptions} s where s.topic_id = ${topics.id})`,
      })
      .from(topics)
      .orderBy(asc(topics.key))
    return rows
  }

  async function create(key: string, name: string) {
    const [row] = await db.insert(topics).values({ id: newId(), key, name }).onConflictDoNothing().returning()
    if (!row) throw new AppError('conflict', `A topic "${key}" already exists`)
    return { key: row.key, name: row.name, subscribers: 0 }
  }

  async function subscribe(key: string, userIds: string[]) {
    const topic = await byKey(key)
    if (userIds.length)
      await db
        .insert(topicSubscriptions)
        .values(userIds.map((userId) => ({ topicId: topic.id, userId })))
        .onConflictDoNothing()
  }

  async function unsubscribe(key: string, userIds: string[]) {
    const topic = await byKey(key)
    if (userIds.length)
      await db.delete(topicSubscriptions).where(and(eq(topicSubscriptions.topicId, topic.id), inArray(topicSubscriptions.userId, userIds)))
  }

  async function ofUser(userId: string) {
    const rows = await db
      .select({ key: topics.key, name: topics.name })
      .from(topicSubscriptions)
      .innerJoin(topics, eq(topics.id, topicSubscriptions.topicId))
      .where(eq(topicSubscriptions.userId, userId))
      .orderBy(asc(topics.key))
    return rows
  }

  return { list, create, subscribe, unsubscribe, ofUser }
}

export type Topics = ReturnType<typeof createTopics>
