// Module-wide settings kept in notification_settings: per-category rate limits, the content
// filter, and how templates format values (IRR in toman or rial). Served from memory (core/cache); an admin change applies at once on every node.
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { createContentFilter, type ContentFilter, type ContentRules } from '../../core/text/content-filter'
import { settingsRepo } from './repo'
import type { IrrDisplay } from './template-filters'
import type { Category, NotifyChannel } from './tables'

/** Max messages per user per hour, by category then channel; missing = the default below. */
export type RateLimits = Partial<Record<Category | '*', Partial<Record<NotifyChannel, number>>>>

export const DEFAULT_RATE_LIMITS: RateLimits = {
  '*': { sms: 10, push: 30, email: 30, in_app: 200 },
  marketing: { sms: 2, push: 4, email: 4 },
  security: { sms: 10, email: 20 },
}
export const DEFAULT_CONTENT_RULES: ContentRules = { blockedWords: [], links: 'allow' }

/** How the templates' `money` filter writes IRR: toman (as Iranians usually say prices) or rial. */
export interface Formats {
  irr: IrrDisplay
}
export const DEFAULT_FORMATS: Formats = { irr: 'toman' }

export interface NotificationSettings {
  rateLimits: RateLimits
  contentRules: ContentRules
  formats: Formats
}

export function createSettingsStore(db: Db, bus: InvalidationBus) {
  // Read on every delivery: served from memory, dropped on every node when an admin changes it.
  const cache = createHotCache<NotificationSettings & { filter: ContentFilter }>({
    name: 'notifications.settings',
    bus,
    ttlMs: 60_000,
    maxEntries: 1,
    async load() {
      const rows = await settingsRepo.all(db)
      const get = (key: string) => rows.find((r) => r.key === key)?.value
      const rateLimits = (get('rate_limits') as RateLimits) ?? DEFAULT_RATE_LIMITS
      const contentRules = (get('content_filter') as ContentRules) ?? DEFAULT_CONTENT_RULES
      const formats = { ...DEFAULT_FORMATS, ...(get('formats') as Partial<Formats> | undefined) }
      return { rateLimits, contentRules, formats, filter: createContentFilter(contentRules) }
    },
  })
  const read = () => cache.get('all')

  async function write(patch: Partial<NotificationSettings>) {
    await db.transaction(async (tx) => {
      for (const [key, value] of [
        ['rate_limits', patch.rateLimits],
        ['content_filter', patch.contentRules],
        ['formats', patch.formats],
      ] as const) {
        if (value !== undefined) await settingsRepo.put(tx, key, value)
      }
    })
    await cache.invalidate('all')
    return view()
  }

  /** What the admin page shows and edits. */
  async function view(): Promise<NotificationSettings> {
    const { rateLimits, contentRules, formats } = await read()
    return { rateLimits, contentRules, formats }
  }

  function limitFor(limits: RateLimits, category: Category, channel: NotifyChannel): number | undefined {
    return limits[category]?.[channel] ?? limits['*']?.[channel]
  }

  return {
    read,
    view,
    write,
    limitFor,
    reset: async (key: string) => {
      await settingsRepo.remove(db, key)
      await cache.invalidate('all')
    },
  }
}

export type SettingsStore = ReturnType<typeof createSettingsStore>
