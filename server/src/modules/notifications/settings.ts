// Module-wide settings kept in notification_settings: per-category rate limits and the content
// filter. Read through a short cache; an admin change applies within seconds on every node.
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../core/db/client'
import { createContentFilter, type ContentFilter, type ContentRules } from './content-filter'
import { notificationSettings, type Category, type NotifyChannel } from './tables'

/** Max messages per user per hour, by category then channel; missing = the default below. */
export type RateLimits = Partial<Record<Category | '*', Partial<Record<NotifyChannel, number>>>>

export const DEFAULT_RATE_LIMITS: RateLimits = {
  '*': { sms: 10, push: 30, email: 30, in_app: 200 },
  marketing: { sms: 2, push: 4, email: 4 },
  security: { sms: 10, email: 20 },
}
export const DEFAULT_CONTENT_RULES: ContentRules = { blockedWords: [], links: 'allow' }

export interface NotificationSettings {
  rateLimits: RateLimits
  contentRules: ContentRules
}

export function createSettingsStore(db: Db) {
  let cache: { at: number; value: NotificationSettings; filter: ContentFilter } | undefined

  async function read(): Promise<NotificationSettings & { filter: ContentFilter }> {
    if (!cache || Date.now() - cache.at > 5_000) {
      const rows = await db.select().from(notificationSettings)
      const get = (key: string) => rows.find((r) => r.key === key)?.value
      const value = {
        rateLimits: (get('rate_limits') as RateLimits) ?? DEFAULT_RATE_LIMITS,
        contentRules: (get('content_filter') as ContentRules) ?? DEFAULT_CONTENT_RULES,
      }
      cache = { at: Date.now(), value, filter: createContentFilter(value.contentRules) }
    }
    return { ...cache.value, filter: cache.filter }
  }

  async function write(patch: Partial<NotificationSettings>) {
    await db.transaction(async (tx) => {
      for (const [key, value] of [
        ['rate_limits', patch.rateLimits],
        ['content_filter', patch.contentRules],
      ] as const) {
        if (value === undefined) continue
        await tx
          .insert(notificationSettings)
          .values({ key, value })
          .onConflictDoUpdate({ target: notificationSettings.key, set: { value, updatedAt: sql`now()` } })
      }
    })
    cache = undefined
    return read()
  }

  function limitFor(limits: RateLimits, category: Category, channel: NotifyChannel): number | undefined {
    return limits[category]?.[channel] ?? limits['*']?.[channel]
  }

  return {
    read,
    write,
    limitFor,
    reset: async (key: string) => {
      await db.delete(notificationSettings).where(eq(notificationSettings.key, key))
      cache = undefined
    },
  }
}

export type SettingsStore = ReturnType<typeof createSettingsStore>
