// "5 minutes ago" / "۵ دقیقه پیش" for lists and the inbox, with the full date on hover and in
// dateTime for machines. One shared clock ticks every minute for all of them, so a long list
// costs one timer, not one per row.
import { useSyncExternalStore } from 'react'
import { useI18n } from '../../i18n'

const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void) {
  listeners.add(listener)
  if (!timer) {
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      for (const l of listeners) l()
    }, 60_000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

// While nothing ticks, the first reader refreshes a stale clock; the same value is returned
// until then, as useSyncExternalStore requires.
function snapshot(): number {
  if (!timer && Date.now() - now > 30_000) now = Date.now()
  return now
}

/** The current time, updated once a minute while anything shows it. */
export function useMinuteClock(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}

export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const { formatRelative, formatDate } = useI18n()
  const clock = useMinuteClock()
  return (
    <time dateTime={iso} title={formatDate(iso)} className={className}>
      {formatRelative(iso, clock)}
    </time>
  )
}
