// Reads and writes users' notification preferences (see preferences.ts for what they mean), and
// the view the settings page shows: the preferences, the profile's time zone quiet hours use, and
// the categories that are always sent.
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import { DEFAULT_PREFERENCES, isHhMm, type UserPreferences } from './preferences'
import { preferencesRepo, type PreferenceRow } from './repo'
import { CATEGORIES, CHANNELS, type Category, type NotifyChannel } from './tables'

export interface PreferencesView {
  preferences: UserPreferences
  timezone: string
  criticalCategories: Category[]
}

export function createPreferences(deps: {
  db: Db
  /** The profile's time zone (quiet hours are kept in it). */
  timezoneOf: (userId: string) => Promise<string>
  criticalCategories: () => Promise<Category[]>
}) {
  const { db } = deps

  async function forUsers(userIds: string[]): Promise<Map<string, UserPreferences>> {
    const out = new Map<string, UserPreferences>(userIds.map((id) => [id, structuredClone(DEFAULT_PREFERENCES)]))
    if (userIds.length === 0) return out
    const [rows, quiet] = await Promise.all([preferencesRepo.switchesOf(db, userIds), preferencesRepo.quietHoursOf(db, userIds)])
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
    const rows: PreferenceRow[] = []
    for (const channel of CHANNELS) {
      if (prefs.channels[channel] === false) rows.push({ userId, category: '*', channel, enabled: false })
    }
    for (const category of CATEGORIES) {
      for (const channel of CHANNELS) {
        const value = prefs.categories[category]?.[channel as NotifyChannel]
        if (value === false) rows.push({ userId, category, channel, enabled: false })
      }
    }
    await db.transaction((tx) => preferencesRepo.replace(tx, userId, rows, prefs.quietHours))
    return get(userId)
  }

  async function view(userId: string): Promise<PreferencesView> {
    const timezone = await deps.timezoneOf(userId) // first: an unknown user is a 404
    return { preferences: await get(userId), timezone, criticalCategories: await deps.criticalCategories() }
  }

  /** Replaces the preferences and answers with the new view. */
  async function save(userId: string, prefs: UserPreferences): Promise<PreferencesView> {
    const timezone = await deps.timezoneOf(userId)
    return { preferences: await put(userId, prefs), timezone, criticalCategories: await deps.criticalCategories() }
  }

  return { forUsers, get, put, view, save }
}

export type Preferences = ReturnType<typeof createPreferences>
