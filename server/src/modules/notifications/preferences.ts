// Who gets what: a user's per-channel switches, per-category choices and quiet hours. Critical
// types (security alerts, receipts) ignore opt-outs and quiet hours.
import type { Category, NotifyChannel } from './tables'

export interface UserPreferences {
  /** Global switch per channel. */
  channels: Record<NotifyChannel, boolean>
  /** Per category and channel; missing = on. */
  categories: Partial<Record<Category, Partial<Record<NotifyChannel, boolean>>>>
  quietHours: { start: string; end: string } | null
}

export const DEFAULT_PREFERENCES: UserPreferences = {
  channels: { in_app: true, email: true, sms: true, push: true },
  categories: {},
  quietHours: null,
}

export type Decision = { send: true } | { send: false; reason: string }

export function decide(input: { channel: NotifyChannel; category: Category; critical: boolean; prefs: UserPreferences }): Decision {
  if (input.critical) return { send: true }
  if (!input.prefs.channels[input.channel]) return { send: false, reason: `user turned ${input.channel} off` }
  if (input.prefs.categories[input.category]?.[input.channel] === false)
    return { send: false, reason: `user opted out of ${input.category} by ${input.channel}` }
  return { send: true }
}

/** Channels that wait for quiet hours to end (in-app and email arrive silently anyway). */
export const QUIET_CHANNELS: NotifyChannel[] = ['push', 'sms']

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/
export const isHhMm = (value: string) => HHMM.test(value)
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Minutes since local midnight in `timeZone`. */
function localMinutes(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  return get('hour') * 60 + get('minute')
}

/** When the user's quiet hours end, if `now` is inside them; null otherwise. start > end spans midnight. */
export function quietHoursEnd(now: Date, timeZone: string, quiet: { start: string; end: string } | null): Date | null {
  if (!quiet || quiet.start === quiet.end) return null
  const m = localMinutes(now, timeZone)
  const start = minutesOf(quiet.start)
  const end = minutesOf(quiet.end)
  const inside = start < end ? m >= start && m < end : m >= start || m < end
  if (!inside) return null
  const minutesLeft = (end - m + 1440) % 1440
  const atMinuteStart = new Date(now)
  atMinuteStart.setUTCSeconds(0, 0)
  return new Date(atMinuteStart.getTime() + minutesLeft * 60_000)
}
