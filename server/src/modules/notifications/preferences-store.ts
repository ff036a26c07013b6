// Reads and writes users' notification preferences (see preferences.ts for what they mean).
import { eq, inArray } from 'drizzle-orm'
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import { DEFAULT_PREFERENCES, isHhMm, type UserPreferences } from './preferences'
import { CATEGORIES, CHANNELS, notificationPreferences, quietHours, type Category, type NotifyChannel } from './tables'

export function createPreferences(db: Db) {
  async function forUsers(userIds: string[]): Promise<Map<string, UserPreferences>> {
    const out = new Map<string, UserPreferences>(userIds.map((id) => [id, structuredClone(DEFAULT_PREFERENCES)]))
    if (userIds.length === 0) return out
    const [rows, quiet] = await Promise.all([
      db.select().from(notificationPreferences).where(inArray(notificationPreferences.userId, userIds)),
      db.select().from(quietHours).where(inArray(quietHours.userId, userIds)),
    ])
    for (const row of rows) {
      const prefs = out.get(row.userId)!
      if (row.category === '*') prefs.channels[row.channel] = row.enabled
      else (prefs.categories[row.category as Category] ??= {})[row.channel] = row.enabled
    }
    for (const q of quiet) out.get(q.userId)!.quietHours = { start: q.start, end: q.end }
    return out
  }

  async function get(userId: string): Promise<UserPreferences> {
    return (await forUsers([userId])).get(userId)!
  }

  /** Replaces the user's preferences as a whole (what the settings page saves). */
  async function put(userId: string, prefs: UserPreferences): Promise<UserPreferences> {
    if (prefs.quietHours && (!isHhMm(prefs.quietHours.start) || !isHhMm(prefs.quietHours.end))) {
      throw new AppError('validation', 'Quiet hours are "HH:MM" times', {
        errors: [{ field: 'body.quietHours', message: 'start and end must be HH:MM (00:00–23:59)' }],
      })
    }
    const rows: (typeof notificationPreferences.$inferInsert)[] = []
    for (const channel of CHANNELS) {
      if (prefs.channels[channel] === false) rows.push({ userId, category: '*', channel, enabled: false })
    }
    for (const category of CATEGORIES) {
      for (const channel of CHANNELS) {
        const value = prefs.categories[category]?.[channel as NotifyChannel]
        if (value === false) rows.push({ userId, category, channel, enabled: false })
      }
    }
    await db.transaction(async (tx) => {
      await tx.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId))
      if (rows.length) await tx.insert(notificationPreferences).values(rows)
      await tx.delete(quietHours).where(eq(quietHours.userId, userId))
      if (prefs.quietHours) await tx.insert(quietHours).values({ userId, ...prefs.quietHours })
    })
    return get(userId)
  }

  return { forUsers, get, put }
}

export type Preferences = ReturnType<typeof createPreferences>
